package depcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const clientModule = "github.com/netbird-go/netbird"

// generatorModules are module-path fragments of the generator's and the
// tests' tooling: a module that imports the client must never be made to
// require them.
var generatorModules = []string{"kin-openapi", "oapi-codegen/v2", "yaml", "speakeasy",
	"golang.org/x/tools", "golang.org/x/mod", "oasdiff", "testify"}

// maxConsumerSumLines bounds the consumer's go.sum. It holds two lines a
// module: those the client builds with and those its own tests use, which go
// records so that `go test` of the client can be verified from the consumer.
// With the generator still inherited it had 189 lines.
const maxConsumerSumLines = 50

// TestConsumerModule is what a user sees: a module whose only import is
// package netbird runs `go mod tidy`, and its go.mod must then require only
// the modules the client builds with. go mod tidy loads every build tag and
// tool-only import of the modules it reaches, so an import guarded by a build
// tag (the generator's, once) still lands in every user's go.mod.
func TestConsumerModule(t *testing.T) {
	root := strings.TrimSpace(string(goCmd(t, "", nil, "list", "-m", "-f", "{{.Dir}}", clientModule)))
	goVersion := strings.TrimSpace(string(goCmd(t, "", nil, "list", "-m", "-f", "{{.GoVersion}}", clientModule)))

	// The modules of the packages that package netbird builds with.
	allowed := map[string]bool{}
	for _, m := range strings.Fields(string(goCmd(t, "", nil, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", clientModule))) {
		allowed[m] = true
	}
	if !allowed[clientModule] {
		t.Fatalf("go list -deps %s names no package of module %s", clientModule, clientModule)
	}

	dir := t.TempDir()
	program, err := os.ReadFile(filepath.Join("clientonly", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	goMod := fmt.Sprintf("module example.com/consumer\n\ngo %s\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
		goVersion, clientModule, clientModule, root)
	for name, content := range map[string][]byte{"main.go": program, "go.mod": []byte(goMod)} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The user's GOPROXY and GOMODCACHE stay: after the repository is built,
	// everything tidy needs is in the module cache, so this runs offline.
	env := []string{"GOFLAGS=-mod=mod", "GOWORK=off"}
	goCmd(t, dir, env, "mod", "tidy")

	var mod struct {
		Require []struct{ Path, Version string }
	}
	if err := json.Unmarshal(goCmd(t, dir, env, "mod", "edit", "-json"), &mod); err != nil {
		t.Fatalf("go mod edit -json: %v", err)
	}
	var extra, tooling []string
	for _, r := range mod.Require {
		if !allowed[r.Path] {
			extra = append(extra, r.Path+" "+r.Version)
		}
		for _, g := range generatorModules {
			if strings.Contains(r.Path, g) {
				tooling = append(tooling, r.Path+" "+r.Version)
				break
			}
		}
	}
	tidied, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if len(extra) > 0 {
		t.Errorf("after go mod tidy, a module that imports only package netbird requires %d modules that package netbird does not build with:\n\t%s\nallowed: %s\ngo.mod:\n%s",
			len(extra), strings.Join(extra, "\n\t"), strings.Join(slices.Sorted(maps.Keys(allowed)), ", "), tidied)
	}
	if len(tooling) > 0 {
		t.Errorf("a module that imports only package netbird requires the generator's or the tests' tooling:\n\t%s",
			strings.Join(tooling, "\n\t"))
	}

	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Count(sum, []byte("\n"))
	if lines >= maxConsumerSumLines {
		var modules []string
		for line := range strings.Lines(string(sum)) {
			if f := strings.Fields(line); len(f) == 3 {
				modules = append(modules, f[0])
			}
		}
		modules = slices.Compact(modules) // go.sum is sorted by module path
		t.Errorf("the consumer's go.sum has %d lines, %d or more, for %d modules:\n\t%s",
			lines, maxConsumerSumLines, len(modules), strings.Join(modules, "\n\t"))
	}
	t.Logf("consumer go.mod: %d requirements; go.sum: %d lines", len(mod.Require), lines)
}

// goCmd runs the go command in dir (the test's directory if empty) with
// extra environment variables and returns its standard output.
func goCmd(t *testing.T, dir string, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}
