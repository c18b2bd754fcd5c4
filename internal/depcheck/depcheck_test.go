// Package depcheck proves that programs using the client do not pull the
// generator's or the tests' dependencies into their builds.
package depcheck

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// forbidden are import-path fragments that must never reach a user's binary:
// the generator, the document's loaders and test tooling. oapi-codegen's
// runtime (with google/uuid and go-jsonmerge) is allowed: api's request
// builders use it.
var forbidden = []string{"kin-openapi", "yaml", "testify", "oapi-codegen/v2", "internal/spec"}

// maxPackages is the most packages outside the standard library, the
// program itself not counted, that each program may build (BENCHMARKS.md):
// for the client, no more than NetBird's official client builds (11).
var maxPackages = map[string]int{"./apionly": 6, "./clientonly": 11}

func TestProgramDependencies(t *testing.T) {
	for _, prog := range []string{"./apionly", "./clientonly"} {
		t.Run(prog, func(t *testing.T) {
			out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", prog).CombinedOutput()
			if err != nil {
				t.Fatalf("go list -deps %s: %v\n%s", prog, err, out)
			}
			deps := strings.Fields(string(out))
			var nonStd []string
			for _, d := range deps {
				for _, f := range forbidden {
					if strings.Contains(d, f) {
						t.Errorf("%s depends on %s", prog, d)
					}
				}
				if strings.Contains(strings.SplitN(d, "/", 2)[0], ".") {
					nonStd = append(nonStd, d)
				}
			}
			if len(nonStd) == 0 {
				t.Fatalf("%s: go list found no non-standard packages; the program does not import the client", prog)
			}
			if n := len(nonStd) - 1; n > maxPackages[prog] {
				t.Errorf("%s builds %d packages outside the standard library (not counting itself), more than %d: %v",
					prog, n, maxPackages[prog], nonStd)
			}
			t.Logf("%s: %d packages outside the standard library: %v", prog, len(nonStd), nonStd)
		})
	}
}

// TestAPIOnlyLinksNoRegexp builds apionly and reads its symbol table: api's
// patterns compile on first use, so a program that validates no patterned
// body must not link package regexp (about 250 KB) through api.
func TestAPIOnlyLinksNoRegexp(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "apionly")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "./apionly").CombinedOutput(); err != nil {
		t.Fatalf("go build ./apionly: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(t.Context(), "go", "tool", "nm", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool nm: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), " T net/http.(*Client).Do") {
		t.Fatal("the symbol table lacks net/http.(*Client).Do; this test no longer reads what it should")
	}
	for line := range strings.Lines(string(out)) {
		// Code other than the packages' init functions, which the import
		// alone keeps (a few hundred bytes).
		f := strings.Fields(line)
		if len(f) == 3 && f[1] == "T" && strings.HasPrefix(f[2], "regexp") && !strings.Contains(f[2], ".init") {
			t.Fatalf("apionly links %s", f[len(f)-1])
		}
	}
}
