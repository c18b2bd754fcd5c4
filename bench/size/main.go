// Command size prints, as a Markdown table, what a program pays for listing
// peers four ways: with the netbird client (internal/depcheck/clientonly),
// with only the generated api package (apionly), with raw net/http
// (rawonly) and with NetBird's official Go client (official, a module of its
// own: NetBird's dependency versions stay out of this repository's go.mod).
// make size runs it from bench/.
//
//   - size: the stripped linux/amd64 binary (go build -ldflags='-s -w');
//   - packages: packages outside the standard library in go list -deps, the
//     program itself excluded;
//   - service methods linked: service methods left in the binary's symbol
//     table after dead-code elimination, of all the client declares
//     (netbird.(*XService).Y in gen.go; rest.(*XAPI).Y in NetBird's package);
//   - build over raw: seconds to build the program with a fresh build cache
//     that already holds everything the raw program needs, i.e. the cost of
//     compiling what the program adds (our packages, their dependencies and
//     the standard packages the raw program does not use).
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

// program is one row of the report: a main package, built in the module
// whose directory is dir.
type program struct {
	name, dir, pkg string
	// methods is the package that declares the client's service methods,
	// methodFiles the pattern (path.Match) of its files counted, and
	// methodDecl and methodSym find the methods in those files and in the
	// program's symbol table (the methods themselves, not the closures the
	// compiler makes inside them, such as List.deferwrap1).
	methods, methodFiles  string
	methodDecl, methodSym *regexp.Regexp
}

const (
	ours     = "github.com/netbird-go/netbird"
	official = "github.com/netbirdio/netbird/shared/management/client/rest"
	// The module of the client and the one that builds the official
	// program, from bench/, where make size runs this command.
	rootDir     = ".."
	officialDir = "size/official"
)

var programs = []program{
	{name: "rawonly", dir: rootDir, pkg: "./internal/depcheck/rawonly",
		methods: ours, methodFiles: "gen.go", methodDecl: oursDecl, methodSym: oursSym},
	{name: "apionly", dir: rootDir, pkg: "./internal/depcheck/apionly",
		methods: ours, methodFiles: "gen.go", methodDecl: oursDecl, methodSym: oursSym},
	{name: "clientonly", dir: rootDir, pkg: "./internal/depcheck/clientonly",
		methods: ours, methodFiles: "gen.go", methodDecl: oursDecl, methodSym: oursSym},
	{name: "official", dir: officialDir, pkg: ".",
		methods: official, methodFiles: "*.go", methodDecl: officialDecl, methodSym: officialSym},
}

var (
	oursDecl     = regexp.MustCompile(`(?m)^func \(s \*[A-Za-z]+Service\) [A-Z]`)
	oursSym      = regexp.MustCompile(`(?m) T github\.com/netbird-go/netbird\.\(\*[A-Za-z]+Service\)\.[A-Z]\w*$`)
	officialDecl = regexp.MustCompile(`(?m)^func \(a \*[A-Za-z]+API\) [A-Z]`)
	officialSym  = regexp.MustCompile(`(?m) T github\.com/netbirdio/netbird/shared/management/client/rest\.\(\*[A-Za-z]+API\)\.[A-Z]\w*$`)
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "size:", err)
		os.Exit(1)
	}
}

func run() error {
	if _, err := os.Stat(filepath.Join(rootDir, "gen.go")); err != nil {
		return fmt.Errorf("run from bench/ (make size): %w", err)
	}
	work, err := os.MkdirTemp("", "netbird-size-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()
	target := []string{"GOOS=linux", "GOARCH=amd64"}

	// Everything the raw program needs, compiled once; each timed build
	// starts from a copy of it.
	warm := filepath.Join(work, "warm")
	if _, err := gotool(programs[0].dir, append(target, "GOCACHE="+warm), "build", "-o", filepath.Join(work, "warm.bin"), programs[0].pkg); err != nil {
		return err
	}

	fmt.Println("| program | size (bytes) | size (MB) | vs raw | packages | service methods linked | build over raw (s) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	sizes := map[string]int64{}
	deps := map[string][]string{}
	for _, p := range programs {
		bin := filepath.Join(work, p.name)
		if _, err := gotool(p.dir, target, "build", "-ldflags=-s -w", "-o", bin, p.pkg); err != nil {
			return err
		}
		fi, err := os.Stat(bin)
		if err != nil {
			return err
		}
		sizes[p.name] = fi.Size()
		// DepOnly leaves out the program itself.
		out, err := gotool(p.dir, target, "list", "-deps", "-f", "{{if and (not .Standard) .DepOnly}}{{.ImportPath}}{{end}}", p.pkg)
		if err != nil {
			return err
		}
		deps[p.name] = strings.Fields(string(out))
		allMethods, err := declaredMethods(p)
		if err != nil {
			return err
		}
		sym := bin + ".sym"
		if _, err := gotool(p.dir, target, "build", "-o", sym, p.pkg); err != nil {
			return err
		}
		nm, err := gotool(".", nil, "tool", "nm", sym)
		if err != nil {
			return err
		}
		methods := len(p.methodSym.FindAll(nm, -1))
		cache := filepath.Join(work, "cache-"+p.name)
		if err := os.CopyFS(cache, os.DirFS(warm)); err != nil {
			return err
		}
		start := time.Now()
		if _, err := gotool(p.dir, append(target, "GOCACHE="+cache), "build", "-o", bin+".cold", p.pkg); err != nil {
			return err
		}
		build := time.Since(start)
		raw := sizes[programs[0].name]
		fmt.Printf("| %s | %d | %.2f | %+.1f%% | %d | %d of %d | %.1f |\n", p.name, sizes[p.name], float64(sizes[p.name])/1e6,
			float64(sizes[p.name]-raw)*100/float64(raw), len(deps[p.name]), methods, allMethods, build.Seconds())
	}

	fmt.Println("\n| ours / official | size | packages |")
	fmt.Println("|---|---:|---:|")
	for _, p := range []string{"apionly", "clientonly"} {
		fmt.Printf("| %s | %.2f | %.2f (%d / %d) |\n", p, float64(sizes[p])/float64(sizes["official"]),
			float64(len(deps[p]))/float64(len(deps["official"])), len(deps[p]), len(deps["official"]))
	}

	for _, p := range programs {
		fmt.Printf("\n%s packages outside the standard library:\n", p.name)
		if len(deps[p.name]) == 0 {
			fmt.Println("    (none)")
		}
		for _, d := range deps[p.name] {
			fmt.Println("    " + d)
		}
	}
	cgo, err := gotool(".", target, "env", "CGO_ENABLED")
	if err != nil {
		return err
	}
	version, err := gotool(officialDir, nil, "list", "-m", "-f", "{{.Version}}", "github.com/netbirdio/netbird")
	if err != nil {
		return err
	}
	fmt.Printf("\nofficial: NetBird's %s at %s\n", official, strings.TrimSpace(string(version)))
	fmt.Printf("%s, built for linux/amd64 with CGO_ENABLED=%s; MB = 10^6 bytes\n", runtime.Version(), strings.TrimSpace(string(cgo)))
	return nil
}

// declaredMethods counts the service methods that p's client declares, in
// the files of package p.methods (as p's module resolves it) that match
// p.methodFiles: gen.go for ours (tokens.go's two hand-written methods are
// left out, as they always were), every non-test file for NetBird's.
func declaredMethods(p program) (int, error) {
	out, err := gotool(p.dir, nil, "list", "-f", "{{.Dir}}\n{{range .GoFiles}}{{.}}\n{{end}}", p.methods)
	if err != nil {
		return 0, err
	}
	lines := strings.Fields(string(out))
	n := 0
	for _, f := range lines[1:] {
		if ok, err := path.Match(p.methodFiles, f); err != nil || !ok {
			continue
		}
		src, err := os.ReadFile(filepath.Join(lines[0], f)) //nolint:gosec // G304: a Go file of the package that go list names
		if err != nil {
			return 0, err
		}
		n += len(p.methodDecl.FindAll(src, -1))
	}
	return n, nil
}

// gotool runs the go command in dir with extra environment variables and
// returns its standard output. GOWORK=off: each program is built by the
// module of its own directory.
func gotool(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(context.Background(), "go", args...) //nolint:gosec // G204: runs the go command on the repository's own packages
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOWORK=off"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}
