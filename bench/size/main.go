// Command size prints, as a Markdown table, what a program pays for listing
// peers three ways: with the netbird client (internal/depcheck/clientonly),
// with only the generated api package (apionly) and with raw net/http
// (rawonly). Run it from the repository root: make size.
//
//   - size: the stripped linux/amd64 binary (go build -ldflags='-s -w');
//   - packages: packages outside the standard library in go list -deps, the
//     program itself excluded;
//   - service methods linked: netbird.(*XService).Y methods left in the
//     binary's symbol table after dead-code elimination, of all in gen.go;
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
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

var programs = []string{"rawonly", "apionly", "clientonly"}

var (
	serviceMethodDecl = regexp.MustCompile(`(?m)^func \(s \*[A-Za-z]+Service\) `)
	serviceMethodSym  = regexp.MustCompile(`(?m) T github\.com/netbird-go/netbird\.\(\*[A-Za-z]+Service\)\.[A-Z]`)
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "size:", err)
		os.Exit(1)
	}
}

func run() error {
	gen, err := os.ReadFile("gen.go")
	if err != nil {
		return fmt.Errorf("run from the repository root: %w", err)
	}
	allMethods := len(serviceMethodDecl.FindAll(gen, -1))
	work, err := os.MkdirTemp("", "netbird-size-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()
	target := []string{"GOOS=linux", "GOARCH=amd64"}

	// Everything the raw program needs, compiled once; each timed build
	// starts from a copy of it.
	warm := filepath.Join(work, "warm")
	if _, err := gotool(append(target, "GOCACHE="+warm), "build", "-o", filepath.Join(work, "warm.bin"), pkgOf("rawonly")); err != nil {
		return err
	}

	fmt.Println("| program | size (bytes) | size (MB) | vs raw | packages | service methods linked | build over raw (s) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	var rawSize int64
	deps := map[string][]string{}
	for _, p := range programs {
		pkg := pkgOf(p)
		bin := filepath.Join(work, p)
		if _, err := gotool(target, "build", "-ldflags=-s -w", "-o", bin, pkg); err != nil {
			return err
		}
		fi, err := os.Stat(bin)
		if err != nil {
			return err
		}
		size := fi.Size()
		if rawSize == 0 {
			rawSize = size
		}
		out, err := gotool(target, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg)
		if err != nil {
			return err
		}
		for _, d := range strings.Fields(string(out)) {
			if !strings.HasSuffix(d, "/internal/depcheck/"+p) {
				deps[p] = append(deps[p], d)
			}
		}
		sym := bin + ".sym"
		if _, err := gotool(target, "build", "-o", sym, pkg); err != nil {
			return err
		}
		nm, err := gotool(nil, "tool", "nm", sym)
		if err != nil {
			return err
		}
		methods := len(serviceMethodSym.FindAll(nm, -1))
		cache := filepath.Join(work, "cache-"+p)
		if err := os.CopyFS(cache, os.DirFS(warm)); err != nil {
			return err
		}
		start := time.Now()
		if _, err := gotool(append(target, "GOCACHE="+cache), "build", "-o", bin+".cold", pkg); err != nil {
			return err
		}
		build := time.Since(start)
		fmt.Printf("| %s | %d | %.2f | %+.1f%% | %d | %d of %d | %.1f |\n", p, size, float64(size)/1e6,
			float64(size-rawSize)*100/float64(rawSize), len(deps[p]), methods, allMethods, build.Seconds())
	}
	for _, p := range programs {
		fmt.Printf("\n%s packages outside the standard library:\n", p)
		if len(deps[p]) == 0 {
			fmt.Println("    (none)")
		}
		for _, d := range deps[p] {
			fmt.Println("    " + d)
		}
	}
	cgo, err := gotool(target, "env", "CGO_ENABLED")
	if err != nil {
		return err
	}
	fmt.Printf("\n%s, built for linux/amd64 with CGO_ENABLED=%s; MB = 10^6 bytes\n", runtime.Version(), strings.TrimSpace(string(cgo)))
	return nil
}

func pkgOf(program string) string { return "./internal/depcheck/" + program }

// gotool runs the go command with extra environment variables and returns
// its standard output.
func gotool(env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(context.Background(), "go", args...) //nolint:gosec // G204: runs the go command on the repository's own packages
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}
