package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/netbird-go/netbird/netbirdtest"
)

type result struct {
	stdout, stderr string
	code           int
}

// command runs netbird-conformance with env (in a directory without a .env).
func command(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	t.Chdir(t.TempDir())
	for _, k := range []string{"NETBIRD_API_TOKEN", "NETBIRD_HOST", "NETBIRD_BASE_PATH", "NETBIRD_TOKEN_KIND"} {
		t.Setenv(k, env[k])
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return result{stdout.String(), stderr.String(), code}
}

func TestHelpAndUsage(t *testing.T) {
	r := command(t, nil, "-help")
	if r.code != 0 {
		t.Errorf("-help: exit %d", r.code)
	}
	for _, want := range []string{"-write", "-json", "-timeout", "NETBIRD_API_TOKEN", "Exit status"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("usage lacks %q:\n%s", want, r.stderr)
		}
	}
	if r := command(t, nil, "-nope"); r.code != 2 {
		t.Errorf("unknown flag: exit %d", r.code)
	}
	if r := command(t, nil, "extra"); r.code != 2 {
		t.Errorf("an argument: exit %d", r.code)
	}
}

// Without a token it checks the sandbox, says so on stderr, shows progress
// there, and prints one line per operation and the summary on stdout.
func TestSandboxWithoutToken(t *testing.T) {
	r := command(t, nil)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"No NETBIRD_API_TOKEN set: checking a local NetBird sandbox", "… 20 of 100 operations"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if !strings.HasPrefix(lines[len(lines)-1], "PASS: 100 operations: ") {
		t.Errorf("last line: %q", lines[len(lines)-1])
	}
	for _, want := range []string{"ok           GET /api/peers (Peers.List)", "skipped      GET /api/users/invites/{token} (Users.GetInviteInfo): no {token}"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
}

// -json prints one JSON report on stdout, in the documented shape.
func TestJSONReport(t *testing.T) {
	srv := netbirdtest.NewServer(t, netbirdtest.WithRealistic())
	r := command(t, map[string]string{"NETBIRD_HOST": srv.URL(), "NETBIRD_API_TOKEN": srv.Token()}, "-json", "-write")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var rep struct {
		Server     string `json:"server"`
		Sandbox    bool   `json:"sandbox"`
		Mode       string `json:"mode"`
		RunID      string `json:"run_id"`
		Operations []struct {
			Operation, Go, Method, Path, Step, Result string
			Departures                                []struct {
				Where, Field, Came, Document, Reason string
				Breaking                             bool
			}
		} `json:"operations"`
		Cleanup struct {
			Created, Removed, LeftBehind []map[string]string
		} `json:"cleanup"`
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%.300s", err, r.stdout)
	}
	if rep.Server != srv.BaseURL() || rep.Sandbox || rep.Mode != "write" || rep.RunID == "" {
		t.Errorf("header: %+v", rep)
	}
	if len(rep.Operations) < 120 || len(rep.Cleanup.Created) != 7 || len(rep.Cleanup.Removed) != 7 {
		t.Errorf("%d operations, cleanup %+v", len(rep.Operations), rep.Cleanup)
	}
	departs := 0
	for _, o := range rep.Operations {
		if o.Operation == "" || o.Go == "" || o.Method == "" || o.Path == "" || o.Result == "" {
			t.Errorf("incomplete: %+v", o)
		}
		departs += len(o.Departures)
	}
	if departs == 0 {
		t.Error("the realistic sandbox's departures are not in the report")
	}
	for _, k := range []string{"operations", "ok", "not_served", "refused", "skipped", "failed", "departing", "breaking", "left_behind", "passed"} {
		if _, ok := rep.Summary[k]; !ok {
			t.Errorf("summary lacks %q: %v", k, rep.Summary)
		}
	}
	if rep.Summary["passed"] != true || !strings.HasPrefix(r.stderr, "checking 100 GET operations") || !strings.Contains(r.stderr, "PASS: ") {
		t.Errorf("passed %v; stderr:\n%s", rep.Summary["passed"], r.stderr)
	}
}

// The exit status is 1 when something breaks the client (here a 5xx), with
// the operation in capitals and the reason under it.
func TestExitStatusWhenSomethingBreaks(t *testing.T) {
	srv := netbirdtest.NewServer(t)
	srv.Handle("ListRoutes", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(503)
		_, _ = w.Write([]byte(`{"message":"down for maintenance","code":503}`))
	})
	r := command(t, map[string]string{"NETBIRD_HOST": srv.URL(), "NETBIRD_API_TOKEN": srv.Token()})
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stdout)
	}
	for _, want := range []string{"REFUSED 503  GET /api/routes (Routes.List): server error: down for maintenance", "  breaks this client: the server failed (503)", "FAIL: 100 operations"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// The token never shows, plain or hashed: not when the server refuses it
// (NetBird's 404 names its hash), nor when an answer echoes it.
func TestTokenNeverPrinted(t *testing.T) {
	srv := netbirdtest.NewServer(t, netbirdtest.WithRealistic())
	tok := srv.Token()
	sum := sha256.Sum256([]byte(tok))
	hash := base64.StdEncoding.EncodeToString(sum[:])
	srv.Handle("GetPeer", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = fmt.Fprintf(w, `{"message":"invalid token: pat: %s not found (%s)","code":404}`, hash, tok)
	})
	for _, tc := range []struct {
		name, token string
		args        []string
	}{
		{"an answer echoes it", tok, nil},
		{"an answer echoes it, JSON", tok, []string{"-json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := command(t, map[string]string{"NETBIRD_HOST": srv.URL(), "NETBIRD_API_TOKEN": tc.token}, tc.args...)
			for _, s := range []string{r.stdout, r.stderr} {
				if strings.Contains(s, tok) || strings.Contains(s, hash) {
					t.Fatalf("printed the token or its hash:\n%s", s)
				}
			}
			if !strings.Contains(r.stdout, "/api/peers/{peerId}") || !strings.Contains(r.stdout, "refused 404") && !strings.Contains(r.stdout, `"status": 404`) {
				t.Errorf("the echoing answer is not in the report:\n%s", r.stdout)
			}
		})
	}
	t.Run("the server does not hold it", func(t *testing.T) {
		other := netbirdtest.NewServer(t, netbirdtest.WithRealistic()) // its store lacks srv's token
		r := command(t, map[string]string{"NETBIRD_HOST": other.URL(), "NETBIRD_API_TOKEN": tok})
		if r.code != 1 || !strings.Contains(r.stderr, "does not accept this token") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
		for _, s := range []string{r.stdout, r.stderr} {
			if strings.Contains(s, tok) || strings.Contains(s, hash) {
				t.Fatalf("printed the token or its hash:\n%s", s)
			}
		}
	})
}
