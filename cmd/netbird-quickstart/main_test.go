package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
)

// The quickstart binary, run end to end against a sandbox given through
// the environment, as a real server would be.
func TestQuickstartAgainstAServerFromTheEnvironment(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "netbird-quickstart")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := netbirdtest.NewServer(t)
	run := func(t *testing.T, token string, args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), bin, args...)
		cmd.Dir = t.TempDir() // no .env there
		cmd.Env = append(os.Environ(), "NETBIRD_HOST="+srv.URL(), "NETBIRD_API_TOKEN="+token)
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
		return stdout.String(), stderr.String(), code
	}

	t.Run("read-only by default", func(t *testing.T) {
		out, errOut, code := run(t, srv.Token())
		if code != 0 {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		for _, want := range []string{"Using your NetBird server", "Who am I?", "admin@example.com", "run with -write", "alice-laptop", "Done."} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "ci-token") {
			t.Errorf("created a token without -write:\n%s", out)
		}
	})

	t.Run("write walkthrough", func(t *testing.T) {
		out, errOut, code := run(t, srv.Token(), "-write")
		if code != 0 {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		for _, want := range []string{"ci-token", "refused as expected", "service user", "Rotate it", "nothing left behind", "Done."} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, srv.Token()) {
			t.Error("the output shows the token")
		}
	})

	t.Run("wrong token", func(t *testing.T) {
		for _, tc := range []struct{ token, want string }{
			{srv.Token()[:39], "length"},                   // a truncated paste: refused before sending
			{"nbp_" + strings.Repeat("A", 36), "checksum"}, // a typo: refused before sending
			{auth.GeneratePAT(), "401 Unauthorized"},       // well-formed, but the server does not know it
		} {
			out, errOut, code := run(t, tc.token)
			if code == 0 {
				t.Errorf("token %d chars: exit 0\n%s", len(tc.token), out)
			}
			if strings.Contains(out+errOut, tc.token) {
				t.Errorf("the output shows the token")
			}
			if !strings.Contains(errOut, "error:") || !strings.Contains(errOut, tc.want) {
				t.Errorf("want an error saying %q, got %q", tc.want, errOut)
			}
		}
	})

	t.Run("help", func(t *testing.T) {
		_, errOut, code := run(t, srv.Token(), "-help")
		if code != 0 || !strings.Contains(errOut, "Usage: netbird-quickstart") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
}
