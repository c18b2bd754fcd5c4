package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netbird-go/netbird/netbirdtest"
	"github.com/netbird-go/netbird/netmap"
)

var update = flag.Bool("update", false, "rewrite docs/netmap-sandbox.mmd")

// sandboxMap is the map of the sandbox account the README shows, as
// Mermaid; docs/netmap-sandbox.svg is drawn from the same account.
const sandboxMap = "../../docs/netmap-sandbox.mmd"

// The netbird-netmap binary, run end to end: against the sandbox it starts
// itself, and against a server given through the environment.
func TestNetmapCommand(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "netbird-netmap")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := netbirdtest.NewServer(t)
	type result struct {
		stdout, stderr string
		code           int
		dir            string
	}
	run := func(t *testing.T, env []string, args ...string) result {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), bin, args...)
		cmd.Dir = t.TempDir() // no .env there
		cmd.Env = append(os.Environ(), env...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{stdout.String(), stderr.String(), code, cmd.Dir}
	}
	noToken := []string{"NETBIRD_API_TOKEN=", "NETBIRD_HOST="}
	server := []string{"NETBIRD_HOST=" + srv.URL(), "NETBIRD_API_TOKEN=" + srv.Token()}

	t.Run("sandbox, Mermaid on stdout", func(t *testing.T) {
		r := run(t, noToken)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if !strings.HasPrefix(r.stdout, "---\ntitle: \"NetBird network map (sandbox account)\"\n---\nflowchart LR\n") {
			t.Errorf("not a Mermaid flowchart:\n%.300s", r.stdout)
		}
		for _, want := range []string{"Developers", "Database access: tcp 5432", "Network: Data center", "route lab", "(disabled)"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("the map lacks %q", want)
			}
		}
		if !strings.Contains(r.stderr, "No NETBIRD_API_TOKEN set: drawing a local NetBird sandbox") {
			t.Errorf("stderr does not say it draws the sandbox:\n%s", r.stderr)
		}
		if *update {
			if err := os.WriteFile(sandboxMap, []byte(r.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if committed, err := os.ReadFile(sandboxMap); err != nil || string(committed) != r.stdout {
			t.Errorf("%s is not the sandbox's map (%v): run go test ./cmd/netbird-netmap -update, and redraw the SVG:\n"+
				"go run ./cmd/netbird-netmap -format svg -o docs/netmap-sandbox.svg", sandboxMap, err)
		}
	})

	t.Run("server from the environment, JSON to a file", func(t *testing.T) {
		r := run(t, server, "-format", "json", "-o", "map.json")
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stderr, "Reading the account at NETBIRD_HOST "+srv.URL()) || strings.Contains(r.stderr, "sandbox") {
			t.Errorf("stderr: %s", r.stderr)
		}
		if strings.Contains(r.stderr, srv.Token()) {
			t.Error("stderr shows the token")
		}
		data, err := os.ReadFile(filepath.Join(r.dir, "map.json"))
		if err != nil {
			t.Fatal(err)
		}
		var top netmap.Topology
		if err := json.Unmarshal(data, &top); err != nil {
			t.Fatal(err)
		}
		// The server's own small account: nothing seeded without the sandbox.
		if len(top.Peers) != 3 || len(top.Policies) != 1 || top.Groups[0].Name != "All" {
			t.Errorf("%d peers, %d policies, groups %+v", len(top.Peers), len(top.Policies), top.Groups)
		}
	})

	t.Run("DOT, merged", func(t *testing.T) {
		r := run(t, server, "-format", "dot", "-merge")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "digraph netmap {\n") || !strings.HasSuffix(r.stdout, "}\n") {
			t.Errorf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("svg and png", func(t *testing.T) {
		if _, err := exec.LookPath("dot"); err != nil {
			t.Skip("Graphviz's dot is not on PATH")
		}
		for format, magic := range map[string]string{"svg": "<svg", "png": "\x89PNG"} {
			r := run(t, server, "-format", format, "-o", "map."+format)
			if r.code != 0 {
				t.Fatalf("%s: exit %d\n%s", format, r.code, r.stderr)
			}
			data, err := os.ReadFile(filepath.Join(r.dir, "map."+format))
			if err != nil || !bytes.Contains(data[:min(len(data), 512)], []byte(magic)) {
				t.Errorf("%s: %v, %.80q", format, err, data)
			}
		}
	})

	t.Run("svg without Graphviz", func(t *testing.T) {
		r := run(t, append(server, "PATH="+t.TempDir()), "-format", "svg", "-o", "map.svg")
		if r.code != 1 || !strings.Contains(r.stderr, "install Graphviz") || !strings.Contains(r.stderr, "-format dot") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(r.dir, "map.svg")); err == nil {
			t.Error("wrote a file anyway")
		}
	})

	t.Run("bad flags", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"-format", "pdf"}, `-format "pdf"`},
			{[]string{"-concurrency", "0"}, "-concurrency 0: must be at least 1"},
			{[]string{"extra"}, `unexpected argument "extra"`},
		} {
			r := run(t, server, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("%q: exit %d, %q", tc.args, r.code, r.stderr)
			}
		}
	})

	t.Run("wrong token", func(t *testing.T) {
		token := srv.Token()[:39]
		r := run(t, []string{"NETBIRD_HOST=" + srv.URL(), "NETBIRD_API_TOKEN=" + token})
		if r.code != 1 || !strings.Contains(r.stderr, "error:") || strings.Contains(r.stdout+r.stderr, token) {
			t.Errorf("exit %d: %q", r.code, r.stderr)
		}
	})

	t.Run("help", func(t *testing.T) {
		r := run(t, server, "-help")
		if r.code != 0 || !strings.Contains(r.stderr, "Usage: netbird-netmap") || !strings.Contains(r.stderr, "-format") {
			t.Errorf("exit %d, %q", r.code, r.stderr)
		}
	})
}
