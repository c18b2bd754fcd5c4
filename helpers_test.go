package netbird_test

// What the root package's tests share: the test token and base path, the
// harness (an httptest server and a client for it), the sandbox (the same
// with netbirdtest), and small helpers. Servers that differ at the
// connection level (raw TCP, TLS, listeners that drop connections) stay
// next to the tests that need them.

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
)

// testPAT is a well-formed PAT (its checksum matches); no server knows it.
const testPAT = "nbp_apTmlmUXHSC4PKmHwtIZNaGr8eqcVI2gMURp"

// basePath is deliberately not just "/api": a wrongly built URL fails loudly.
const basePath = "/netbird/api"

// fastRetries keeps retry tests quick without changing their logic.
var fastRetries = netbird.WithRetryPolicy(netbird.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})

// harness is a test server mounted under basePath, and a client for it.
// Handlers go on mux, with paths relative to basePath; a request outside
// basePath fails the test.
type harness struct {
	t      *testing.T
	mux    *http.ServeMux
	srv    *httptest.Server
	client *netbird.Client
}

// newHarness starts a harness whose client has fastRetries, then opts.
func newHarness(t *testing.T, opts ...netbird.Option) *harness {
	t.Helper()
	return newHarnessConfig(t, auth.Config{}, opts...)
}

// newHarnessConfig is newHarness with more of the client's configuration:
// Host, Token and BasePath are the harness's, cfg's other fields (such as
// Timeout) are kept.
func newHarnessConfig(t *testing.T, cfg auth.Config, opts ...netbird.Option) *harness {
	t.Helper()
	h := &harness{t: t, mux: http.NewServeMux()}
	outer := http.NewServeMux()
	outer.Handle(basePath+"/", http.StripPrefix(basePath, h.mux))
	outer.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.Error(w, "wrong base path", http.StatusTeapot)
	})
	h.srv = httptest.NewServer(outer)
	t.Cleanup(h.srv.Close)
	cfg.Host, cfg.Token, cfg.BasePath = h.srv.URL, testPAT, basePath
	c, err := netbird.New(cfg, append([]netbird.Option{fastRetries}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	h.client = c
	return h
}

// writeJSON answers with a JSON body and the request id "req-123".
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-123")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// capture is a transport that records the request it is given and answers 418.
type capture struct{ req *http.Request }

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	c.req = r
	return &http.Response{StatusCode: http.StatusTeapot, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

// returnsWithin runs f and fails the test if it does not return within d:
// a bound for "does not hang", never a speed assertion.
func returnsWithin[T any](t *testing.T, d time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("did not return within %v", d)
		panic("unreachable")
	}
}

// freeAddr returns a loopback address where nothing listens.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// sandbox starts a netbirdtest server and a client for it with fastRetries.
func sandbox(t *testing.T, opts ...netbirdtest.Option) (*netbirdtest.Server, *netbird.Client) {
	t.Helper()
	srv := netbirdtest.NewServer(t, opts...)
	c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()}, fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// ptr returns a pointer to v, for optional fields and parameters.
func ptr[T any](v T) *T { return &v }

// sandboxModes are the sandbox's two modes, which the contract tests run
// in: strict (what the document says) and realistic (what NetBird does).
var sandboxModes = []struct {
	name string
	opts []netbirdtest.Option
}{{"strict", nil}, {"realistic", []netbirdtest.Option{netbirdtest.WithRealistic()}}}
