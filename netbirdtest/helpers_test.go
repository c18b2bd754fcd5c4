package netbirdtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netbird-go/netbird/api"
)

// answer is a response as the tests look at it.
type answer struct {
	status int
	header http.Header
	body   string // without the trailing newline
}

// do sends a request to srv's base URL + path. authz is the whole
// Authorization header ("" for none); body is sent as JSON when not "".
func do(t *testing.T, srv *Server, method, path, authz, body string) answer {
	t.Helper()
	return doCtx(t, t.Context(), srv, method, path, authz, body)
}

func doCtx(t *testing.T, ctx context.Context, srv *Server, method, path, authz, body string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, srv.BaseURL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: strings.TrimSuffix(string(b), "\n")}
}

// admin is the Authorization header with the seeded admin's token.
func admin(srv *Server) string { return "Token " + srv.Token() }

// decode unmarshals a JSON body.
func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return v
}

// expect fails the test unless a has the given status.
func expect(t *testing.T, a answer, status int) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
}

// newClient returns the generated client, authenticated as srv's admin.
func newClient(t *testing.T, srv *Server) *api.ClientWithResponses {
	t.Helper()
	c, err := api.NewClientWithResponses(srv.URL(), api.WithHTTPClient(srv.Client()),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", admin(srv))
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recordingTB is a testing.TB that records Errorf calls instead of failing.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) recorded() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

// noViolations fails the test if srv recorded any violation.
func noViolations(t *testing.T, srv *Server) {
	t.Helper()
	for _, v := range srv.Violations() {
		t.Errorf("unexpected violation: %v", v)
	}
}

// fakeClock is a clock for WithClock that tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func fmtAny(v any) string { return fmt.Sprintf("%+v", v) }
