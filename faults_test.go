package netbird_test

// Fault injection: what the client does when the network, the server or a
// proxy in front of it misbehaves. Each case states the behaviour it
// defines; SECURITY.md lists them.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
)

// connCounter counts the connections a test server accepts.
type connCounter struct{ n atomic.Int64 }

func (c *connCounter) hook(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		c.n.Add(1)
	}
}

// rawServer accepts connections on loopback and hands each to serve.
func rawServer(t *testing.T, serve func(c net.Conn, n int)) (addr string, conns *atomic.Int64) {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	conns = &atomic.Int64{}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n := int(conns.Add(1))
			go func() {
				defer func() { _ = c.Close() }()
				serve(c, n)
			}()
		}
	}()
	return l.Addr().String(), conns
}

// readRequest reads one request and its body from c.
func readRequest(c net.Conn) *http.Request {
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return nil
	}
	_, _ = io.Copy(io.Discard, req.Body)
	return req
}

// A connection reset in the middle of a 200 body: the status and headers
// arrived, so the call is not retried; the failure to read the rest is a
// *DecodeError with the status, wrapping the read error.
func TestFaultResetMidBody(t *testing.T) {
	addr, conns := rawServer(t, func(c net.Conn, _ int) {
		if readRequest(c) == nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":\"pe")
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST
		}
	})
	c, err := netbird.New(auth.Config{Host: "http://" + addr, Token: testPAT}, fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Peers.Get(context.Background(), "p1")
	var de *netbird.DecodeError
	reset := errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF)
	if !errors.As(err, &de) || de.Status != 200 || !reset {
		t.Fatalf("want a DecodeError (200) wrapping a reset or unexpected EOF, got %v", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1: a response that started is not retried", n)
	}
}

// The server closes an idle keep-alive connection: the next call opens a
// new one and succeeds.
func TestFaultServerClosesIdleConnection(t *testing.T) {
	var creates atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/peers", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `[]`) })
	mux.HandleFunc("POST /api/groups", func(w http.ResponseWriter, r *http.Request) {
		creates.Add(1)
		writeJSON(w, 200, `{"id":"g1","name":"ops","peers_count":0,"resources_count":0}`)
	})
	srv := httptest.NewUnstartedServer(mux)
	var conns connCounter
	closed := make(chan struct{}, 16)
	srv.Config.IdleTimeout = 20 * time.Millisecond
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		conns.hook(c, s)
		if s == http.StateClosed {
			closed <- struct{}{}
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := netbird.New(auth.Config{Host: srv.URL, Token: testPAT}, fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	waitClosed := func() {
		t.Helper()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("the server never closed the idle connection")
		}
	}
	if _, err := c.Peers.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	waitClosed()
	if _, err := c.Peers.List(ctx, nil); err != nil {
		t.Fatalf("GET after the server closed the idle connection: %v", err)
	}
	if n := conns.n.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
	// A POST after an idle close: Go's transport notices the close before
	// reusing the connection. Were the close to cross the request on the
	// wire, the POST would fail rather than be sent twice.
	waitClosed()
	_, err = c.Groups.Create(ctx, api.GroupRequest{Name: "ops"})
	var te *netbird.TransportError
	if err != nil && !errors.As(err, &te) {
		t.Fatalf("POST after an idle close: %v", err)
	}
	if n := creates.Load(); n > 1 || (err == nil && n != 1) {
		t.Errorf("%d creates (err %v), want at most one", n, err)
	}
	if err != nil {
		t.Logf("the POST met the close on the wire and failed without being repeated: %v", err)
	}
}

// certPEM returns the PEM of a test server's certificate.
func certPEM(srv *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

// TLS: a certificate that does not verify is a *TransportError that says
// "certificate", and is not retried; verification is never turned off,
// and a private CA (CACertPEM) makes the same server work.
func TestFaultTLS(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		writeJSON(w, 200, `[]`)
	}))
	var conns connCounter
	srv.Config.ConnState = conns.hook
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected
	srv.StartTLS()
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port

	for _, tc := range []struct {
		name string
		cfg  auth.Config
		want string
	}{
		{"unknown CA", auth.Config{Host: srv.URL}, "certificate signed by unknown authority"},
		{"name mismatch", auth.Config{Host: fmt.Sprintf("https://localhost:%d", port), CACertPEM: certPEM(srv)}, "certificate is valid for"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conns.n.Store(0)
			tc.cfg.Token = testPAT
			c, err := netbird.New(tc.cfg, fastRetries)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Peers.List(context.Background(), nil)
			var te *netbird.TransportError
			var cve *tls.CertificateVerificationError
			if !errors.As(err, &te) || !errors.As(err, &cve) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want a TransportError about the certificate (%q), got %v", tc.want, err)
			}
			if n := conns.n.Load(); n != 1 {
				t.Errorf("%d connections, want 1: a certificate that does not verify is not retried", n)
			}
		})
	}
	if requests.Load() != 0 {
		t.Fatalf("%d requests got through a failed handshake", requests.Load())
	}
	c, err := netbird.New(auth.Config{Host: srv.URL, Token: testPAT, CACertPEM: certPEM(srv)}, fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Peers.List(context.Background(), nil); err != nil {
		t.Fatalf("with the server's CA: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	if _, err := srv.Certificate().Verify(x509.VerifyOptions{Roots: pool, DNSName: "127.0.0.1"}); err != nil {
		t.Fatalf("the test certificate itself: %v", err)
	}
}

// An https:// client meeting a server that speaks plain HTTP: a
// *TransportError naming the problem. It is a connection error after
// dialing, so a GET is retried and a POST is not.
func TestFaultHTTPSToPlainServer(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `[]`) }))
	var conns connCounter
	srv.Config.ConnState = conns.hook
	srv.Start()
	defer srv.Close()
	c, err := netbird.New(auth.Config{Host: "https://" + srv.Listener.Addr().String(), Token: testPAT}, fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Peers.List(context.Background(), nil)
	var te *netbird.TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") {
		t.Fatalf("got %v", err)
	}
	if n := conns.n.Load(); n != 4 {
		t.Errorf("GET: %d connections, want 4", n)
	}
	conns.n.Store(0)
	_, err = c.Groups.Create(context.Background(), api.GroupRequest{Name: "ops"})
	if !errors.As(err, &te) {
		t.Fatalf("POST: got %v", err)
	}
	if n := conns.n.Load(); n != 1 {
		t.Errorf("POST: %d connections, want 1", n)
	}
}

// Slow headers. WithAttemptTimeout bounds each attempt: a GET tries four
// times, a POST once, and the error is a timeout. auth.Config.Timeout
// bounds the whole call, retries included: context.DeadlineExceeded.
func TestFaultSlowHeaders(t *testing.T) {
	t.Run("attempt timeout", func(t *testing.T) {
		srv := netbirdtest.NewServer(t)
		srv.InjectFault("", netbirdtest.Fault{Delay: 10 * time.Second})
		c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()}, fastRetries, netbird.WithAttemptTimeout(50*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		err = returnsWithin(t, 30*time.Second, func() error { _, err := c.Peers.List(context.Background(), nil); return err })
		var te *netbird.TransportError
		var ne net.Error
		if !errors.As(err, &te) || !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("want a timeout TransportError, got %v", err)
		}
		err = returnsWithin(t, 30*time.Second, func() error {
			_, err := c.Groups.Create(context.Background(), api.GroupRequest{Name: "ops"})
			return err
		})
		if !errors.As(err, &te) {
			t.Fatalf("POST: want a TransportError, got %v", err)
		}
		if calls := srv.Calls(); calls["ListPeers"] != 4 || calls["CreateGroup"] != 1 {
			t.Errorf("attempts: %v; want ListPeers 4, CreateGroup 1", calls)
		}
		// The sandbox's delay ends when the client goes away, for a POST
		// with a body too: closing the server does not wait it out.
		returnsWithin(t, 5*time.Second, func() struct{} { srv.Close(); return struct{}{} })
	})
	t.Run("call timeout", func(t *testing.T) {
		srv := netbirdtest.NewServer(t)
		srv.InjectFault("ListPeers", netbirdtest.Fault{Delay: time.Minute})
		c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token(), Timeout: 100 * time.Millisecond}, fastRetries)
		if err != nil {
			t.Fatal(err)
		}
		err = returnsWithin(t, 30*time.Second, func() error { _, err := c.Peers.List(context.Background(), nil); return err })
		var te *netbird.TransportError
		if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want a TransportError with context.DeadlineExceeded, got %v", err)
		}
		if n := srv.Calls()["ListPeers"]; n != 1 {
			t.Errorf("%d attempts; the call's deadline ends the retries too", n)
		}
	})
}

// Slow body: the headers come, the body stalls. Either timeout cuts the
// read; the call fails with a *DecodeError (200) that is a timeout, and is
// not retried.
func TestFaultSlowBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  auth.Config
		opts []netbird.Option
	}{
		{"call timeout", auth.Config{Timeout: 150 * time.Millisecond}, nil},
		{"attempt timeout", auth.Config{}, []netbird.Option{netbird.WithAttemptTimeout(150 * time.Millisecond)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var requests atomic.Int64
			h := newHarnessConfig(t, tc.cfg, tc.opts...)
			h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(200)
				_, _ = io.WriteString(w, `[{"id":"p1",`)
				_ = http.NewResponseController(w).Flush()
				<-r.Context().Done()
			})
			c := h.client
			err := returnsWithin(t, 30*time.Second, func() error { _, err := c.Peers.List(context.Background(), nil); return err })
			var de *netbird.DecodeError
			var ne net.Error
			timeout := errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
			if !errors.As(err, &de) || de.Status != 200 || !timeout {
				t.Fatalf("want a DecodeError that is a timeout, got %v", err)
			}
			if n := requests.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

// Answers a real server or a proxy can give, and what each becomes.
func TestFaultAnswers(t *testing.T) {
	type want struct {
		apiStatus int    // an *APIError with this status, or
		decode    string // a *DecodeError whose message has this, or
		ok        bool   // success
		attempts  int
	}
	for _, tc := range []struct {
		name    string
		status  int
		ctype   string
		body    string
		retries bool
		want    want
	}{
		{"truncated JSON", 200, "application/json", `{"id":"p1","name":"lap`, false, want{decode: "unexpected EOF", attempts: 1}},
		{"invalid JSON", 200, "application/json", `{"id":"p1",}`, false, want{decode: "invalid character '}'", attempts: 1}},
		{"empty 200", 200, "application/json", ``, false, want{decode: "empty response body", attempts: 1}},
		{"null where an object belongs", 200, "application/json", `null`, false, want{decode: "null", attempts: 1}},
		{"wrong type in the answer", 200, "application/json", `{"id":5}`, false, want{decode: "cannot unmarshal number", attempts: 1}},
		{"JSON sent as text/plain is decoded", 200, "text/plain", `{"id":"p1","name":"laptop"}`, false, want{ok: true, attempts: 1}},
		{"JSON without a Content-Type is decoded", 200, "", `{"id":"p1","name":"laptop"}`, false, want{ok: true, attempts: 1}},
		{"HTML login page with 200", 200, "text/html", `<html><body>Please log in</body></html>`, false, want{decode: "invalid character '<'", attempts: 1}},
		{"HTML 502 from a proxy", 502, "text/html", `<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>`, false,
			want{apiStatus: 502, attempts: 1}},
		{"HTML 504 from a proxy, retried", 504, "text/html", `<html><body><h1>504 Gateway Time-out</h1></body></html>`, true, want{apiStatus: 504, attempts: 4}},
		{"JSON error without a message", 500, "application/json", `{"code":500}`, false, want{apiStatus: 500, attempts: 1}},
		{"error answer of plain text", 400, "text/plain", "bad request\n", false, want{apiStatus: 400, attempts: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var attempts atomic.Int64
			opt := netbird.WithoutRetries()
			if tc.retries {
				opt = fastRetries
			}
			h := newHarness(t, opt)
			h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				attempts.Add(1)
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				} else {
					w.Header()["Content-Type"] = nil // no sniffing either
				}
				w.Header().Set("X-Request-Id", "req-1")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			p, err := h.client.Peers.Get(context.Background(), "p1")
			switch {
			case tc.want.ok:
				if err != nil || p == nil || p.Name != "laptop" {
					t.Fatalf("want success, got %+v, %v", p, err)
				}
			case tc.want.apiStatus != 0:
				var ae *netbird.APIError
				if !errors.As(err, &ae) || ae.StatusCode != tc.want.apiStatus || ae.RequestID != "req-1" {
					t.Fatalf("want an APIError %d, got %v", tc.want.apiStatus, err)
				}
				if strings.ContainsAny(ae.Message, "<>\n") {
					t.Errorf("snippet not sanitized: %q", ae.Message)
				}
				if strings.HasPrefix(tc.ctype, "text/html") && !strings.Contains(ae.Message, "Bad Gateway") && !strings.Contains(ae.Message, "Gateway Time-out") {
					t.Errorf("the page's text is not in the snippet: %q", ae.Message)
				}
			default:
				var de *netbird.DecodeError
				if !errors.As(err, &de) || de.Status != 200 || !strings.Contains(err.Error(), tc.want.decode) {
					t.Fatalf("want a DecodeError saying %q, got %v", tc.want.decode, err)
				}
				if p != nil {
					t.Errorf("a failed call returned %+v", p)
				}
			}
			if n := attempts.Load(); int(n) != tc.want.attempts {
				t.Errorf("%d attempts, want %d", n, tc.want.attempts)
			}
		})
	}
}

// Redirects are followed only to the same scheme, host and port: the
// token never reaches another server, and a refused redirect is not
// retried.
func TestFaultRedirects(t *testing.T) {
	var otherHits atomic.Int64
	var otherAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		otherAuth.Store(r.Header.Get("Authorization"))
		writeJSON(w, 200, `[]`)
	}))
	defer other.Close()

	var hits atomic.Int64
	var authAtTarget atomic.Value
	h := newHarness(t)
	h.mux.HandleFunc("/peers", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, other.URL+"/api/peers", http.StatusFound)
	})
	h.mux.HandleFunc("/groups", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, other.URL+"/api/groups", http.StatusTemporaryRedirect)
	})
	h.mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, basePath+"/users-moved", http.StatusMovedPermanently)
	})
	h.mux.HandleFunc("/users-moved", func(w http.ResponseWriter, r *http.Request) {
		authAtTarget.Store(r.Header.Values("Authorization"))
		writeJSON(w, 200, `[]`)
	})
	h.mux.HandleFunc("/setup-keys", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, basePath+"/setup-keys", http.StatusFound) // a loop
	})
	c := h.client
	ctx := context.Background()

	_, err := c.Peers.List(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "refusing redirect") || !strings.Contains(err.Error(), other.Listener.Addr().String()) {
		t.Errorf("302 to another host: %v", err)
	}
	_, err = c.Groups.Create(ctx, api.GroupRequest{Name: "ops"})
	if err == nil || !strings.Contains(err.Error(), "refusing redirect") {
		t.Errorf("307 POST to another host: %v", err)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("%d requests to the server, want 2: a refused redirect is not retried", n)
	}
	if n, a := otherHits.Load(), otherAuth.Load(); n != 0 || a != nil {
		t.Errorf("the other host got %d requests (Authorization %v)", n, a)
	}

	if _, err := c.Users.List(ctx, nil); err != nil {
		t.Fatalf("301 on the same server: %v", err)
	}
	if got, _ := authAtTarget.Load().([]string); len(got) != 1 || got[0] != "Token "+testPAT {
		t.Errorf("after a same-server redirect, Authorization %q; want the token once", got)
	}

	hits.Store(0)
	_, err = c.SetupKeys.List(ctx)
	if err == nil || !strings.Contains(err.Error(), "stopped after 5 redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	if n := hits.Load(); n != 5 {
		t.Errorf("redirect loop: %d requests, want 5", n)
	}
}

// A 100 MB error answer, streamed: the client reads at most its error
// body cap (WithMaxErrorBody, default 64 KiB) plus 64 KiB drained for the
// connection, and returns. Memory stays bounded.
func TestFaultHugeErrorBody(t *testing.T) {
	const total = 100 << 20
	var written atomic.Int64
	h := newHarness(t, netbird.WithoutRetries())
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		chunk := bytes.Repeat([]byte("<p>upstream error</p>\n"), 1500) // 33 KB
		for written.Load() < total {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := returnsWithin(t, 30*time.Second, func() error { _, err := h.client.Peers.List(context.Background(), nil); return err })
	runtime.ReadMemStats(&after)
	var ae *netbird.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || !strings.Contains(ae.Message, "upstream error") || len(ae.Message) > 1000 {
		t.Fatalf("want a short 502 APIError, got %.300v", err)
	}
	const limit = 8 << 20
	if d := after.TotalAlloc - before.TotalAlloc; d > limit {
		t.Errorf("allocated %d bytes for a %d-byte error answer; limit %d", d, total, limit)
	} else {
		t.Logf("allocated %d KiB (client and server) for a 100 MB error answer; the server sent %d KiB before the client hung up", d>>10, written.Load()>>10)
	}
	if written.Load() >= total {
		t.Errorf("the whole 100 MB was sent: the client read it all")
	}
}

// A 200 whose valid JSON is followed by 100 MB of junk: the value is
// decoded, the rest is not read.
func TestFaultHugeTrailingBody(t *testing.T) {
	const total = 100 << 20
	var written atomic.Int64
	h := newHarness(t, netbird.WithoutRetries())
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"p1","name":"laptop"}`)
		chunk := bytes.Repeat([]byte(" junk"), 6600)
		for written.Load() < total {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	c := h.client
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	type result struct {
		p   *api.Peer
		err error
	}
	r := returnsWithin(t, 30*time.Second, func() result { p, err := c.Peers.Get(context.Background(), "p1"); return result{p, err} })
	p, err := r.p, r.err
	runtime.ReadMemStats(&after)
	if err != nil || p == nil || p.Name != "laptop" {
		t.Fatalf("got %+v, %v", p, err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 8<<20 {
		t.Errorf("allocated %d bytes", d)
	}
}
