package netbird_test

// Sending a call and decoding its answer (call.go): the request as sent,
// path escaping, the answers a server or a proxy can give and what each
// becomes, bounded reads of error and trailing bodies, closed bodies.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/internal/opcall"
	"github.com/netbird-go/netbird/internal/spec"
)

func TestTypedSuccessAndRequestShape(t *testing.T) {
	h := newHarness(t)
	h.mux.HandleFunc("GET /peers/{id}", func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Token "+testPAT {
			t.Errorf("Authorization = %q", got)
		}
		if !strings.HasPrefix(r.Header.Get("User-Agent"), "netbird-go/") {
			t.Errorf("User-Agent = %q", r.Header.Get("User-Agent"))
		}
		if r.PathValue("id") != "a/b c" {
			t.Errorf("path id = %q, want the escaped id decoded back", r.PathValue("id"))
		}
		writeJSON(w, 200, `{"id":"a/b c","name":"laptop","ip":"100.64.0.1","connected":true,"groups":[{"id":"g1","name":"All","peers_count":1,"resources_count":0}]}`)
	})
	p, err := h.client.Peers.Get(context.Background(), "a/b c")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "a/b c" || p.Name != "laptop" || !p.Connected || len(p.Groups) != 1 || p.Groups[0].Name != "All" {
		t.Errorf("decoded %+v", p)
	}
}

// The base path is applied once, when api's builder makes the request:
// what WithRequestEditor sees is what is sent, escaped ids included.
func TestRequestEditorSeesTheURLSent(t *testing.T) {
	sent := &capture{}
	c, err := netbird.New(auth.Config{Host: "https://netbird.example.com/netbird/api", Token: auth.GeneratePAT()},
		netbird.WithTransport(sent), netbird.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	var seen string
	_, _ = c.Peers.Get(context.Background(), "a/b c", netbird.WithRequestEditor(func(_ context.Context, r *http.Request) error {
		seen = r.URL.String()
		return nil
	}))
	const want = "https://netbird.example.com/netbird/api/peers/a%2Fb%20c"
	if seen != want {
		t.Errorf("WithRequestEditor saw %s, want %s", seen, want)
	}
	if sent.req == nil || sent.req.URL.String() != want {
		t.Fatalf("sent %v, want %s", sent.req, want)
	}
}

// Path parameters are escaped: an id is always one path segment, whatever
// it contains, and the server reads back the id that was given.
func TestPathParametersAreEscaped(t *testing.T) {
	var mu sync.Mutex
	var seen []string // escaped path, then the id the server decoded
	h := newHarness(t, netbird.WithoutRetries())
	// Paths are seen under basePath, which the harness strips.
	h.mux.HandleFunc("GET /peers/{id}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.EscapedPath(), r.PathValue("id"))
		mu.Unlock()
		writeJSON(w, 200, `{"id":"x"}`)
	})
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("an id escaped its segment: %s %s", r.Method, r.URL.EscapedPath())
		http.NotFound(w, r)
	})
	for _, tc := range []struct{ id, path string }{
		{"a/b", "/peers/a%2Fb"},
		{"../users", "/peers/..%2Fusers"},
		{"%2F", "/peers/%252F"},
		{"a b", "/peers/a%20b"},
		{"?x=1", "/peers/%3Fx=1"},
		{"#f", "/peers/%23f"},
		{"é", "/peers/%C3%A9"},
		{"a\nb", "/peers/a%0Ab"},
		{"..x", "/peers/..x"},
	} {
		seen = nil
		if _, err := h.client.Peers.Get(context.Background(), tc.id); err != nil {
			t.Errorf("id %q: %v", tc.id, err)
			continue
		}
		if len(seen) != 2 || seen[0] != tc.path || seen[1] != tc.id {
			t.Errorf("id %q: server saw %q, want path %q and the id back", tc.id, seen, tc.path)
		}
	}
}

// NetBird sends null arrays, enum values outside the declared set and
// numbers outside declared bounds; none of that may fail a 2xx.
func TestLenientDecodingOfRealServerShapes(t *testing.T) {
	h := newHarness(t)
	h.mux.HandleFunc("GET /networks/{id}/resources", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `[{"id":"r1","name":"db","address":"10.0.0.1/32","type":"Host","enabled":true,"groups":null}]`)
	})
	h.mux.HandleFunc("GET /networks/{id}/routers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `[{"id":"x","metric":0,"masquerade":true,"enabled":true,"peer_groups":null}]`)
	})
	h.mux.HandleFunc("GET /groups", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `null`) })
	h.mux.HandleFunc("DELETE /groups/{id}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })

	ctx := context.Background()
	res, err := h.client.Networks.ListResources(ctx, "n1")
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || string(res[0].Type) != "Host" || res[0].Groups != nil {
		t.Errorf("resources decoded as %+v", res)
	}
	routers, err := h.client.Networks.ListRouters(ctx, "n1")
	if err != nil || len(routers) != 1 || routers[0].Metric != 0 {
		t.Errorf("routers %+v, %v", routers, err)
	}
	groups, err := h.client.Groups.List(ctx, nil)
	if err != nil || groups != nil {
		t.Errorf("null list: %v, %v", groups, err)
	}
	if err := h.client.Groups.Delete(ctx, "g1"); err != nil {
		t.Errorf("delete answered 200 {}: %v", err)
	}
}

func TestEmptySuccessBodyIsADecodeError(t *testing.T) {
	h := newHarness(t)
	h.mux.HandleFunc("GET /users/current", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	_, err := h.client.Users.Current(context.Background())
	var de *netbird.DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "empty response body") {
		t.Errorf("want DecodeError for an empty body, got %v", err)
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
		{"truncated JSON", 200, "application/json", `{"id":"p1","name":"lap`, false, want{decode: "unexpected end of JSON input", attempts: 1}},
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

// A 200 whose valid JSON is followed by 100 MB of junk: a DecodeError
// (the answer is not what NetBird sends), and the junk is not read.
func TestFaultHugeTrailingBody(t *testing.T) {
	const total = 100 << 20
	var written atomic.Int64
	h := newHarness(t, netbird.WithoutRetries())
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"p1","name":"laptop"}`)
		stream(w, bytes.Repeat([]byte(" junk"), 6600), total, &written)
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
	var de *netbird.DecodeError
	if !errors.As(err, &de) || p != nil || !strings.Contains(err.Error(), "more data after the JSON value") {
		t.Fatalf("got %+v, %v; want no peer and a DecodeError about the data after the value", p, err)
	}
	if n := written.Load(); n >= total {
		t.Errorf("the server wrote all %d bytes: the client read the junk", n)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 8<<20 {
		t.Errorf("allocated %d bytes", d)
	}
}

func TestMaxErrorBodyBoundsWhatIsRead(t *testing.T) {
	h := newHarness(t, netbird.WithMaxErrorBody(1024), netbird.WithoutRetries())
	h.mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(502)
		_, _ = io.WriteString(w, strings.Repeat("x", 1<<20))
	})
	_, err := h.client.Peers.List(context.Background(), nil)
	var ae *netbird.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || len(ae.Message) > 210*4 {
		t.Errorf("want a short 502 APIError, got %v", err)
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
		stream(w, bytes.Repeat([]byte("<p>upstream error</p>\n"), 1500), total, &written) // 33 KB chunks
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

// stream writes chunk to w until total bytes are written or the client
// hangs up, counting them in written.
func stream(w io.Writer, chunk []byte, total int64, written *atomic.Int64) {
	for written.Load() < total {
		n, err := w.Write(chunk)
		written.Add(int64(n))
		if err != nil {
			return
		}
	}
}

// countingTransport counts the response bodies handed out and closed.
type countingTransport struct {
	next           http.RoundTripper
	opened, closed atomic.Int64
}

type countedBody struct {
	io.ReadCloser
	once sync.Once
	t    *countingTransport
}

func (b *countedBody) Close() error {
	b.once.Do(func() { b.t.closed.Add(1) })
	return b.ReadCloser.Close()
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		c.opened.Add(1)
		resp.Body = &countedBody{ReadCloser: resp.Body, t: c}
	}
	return resp, err
}

func TestResponseBodiesAreClosed(t *testing.T) {
	ct := &countingTransport{next: http.DefaultTransport}
	h := newHarness(t, netbird.WithTransport(ct))
	calls := 0
	h.mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch calls {
		case 1:
			writeJSON(w, 503, `{"message":"busy","code":503}`) // retried
		case 2:
			writeJSON(w, 200, `[]`)
		default:
			writeJSON(w, 404, `{"message":"nope","code":404}`)
		}
	})
	h.mux.HandleFunc("GET /peers/{id}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{not json`) })
	h.mux.HandleFunc("DELETE /peers/{id}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	ctx := context.Background()
	if _, err := h.client.Peers.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.Peers.List(ctx, nil); !netbird.IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}
	var de *netbird.DecodeError
	if _, err := h.client.Peers.Get(ctx, "x"); !errors.As(err, &de) || de.Status != 200 {
		t.Fatalf("want a DecodeError, got %v", err)
	}
	if err := h.client.Peers.Delete(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if o, c := ct.opened.Load(), ct.closed.Load(); o != 5 || c != o {
		t.Errorf("%d bodies opened, %d closed; want 5 and 5", o, c)
	}
}

// recorder is a transport that records every request and answers 418.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (rec *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, r)
	rec.mu.Unlock()
	return &http.Response{StatusCode: http.StatusTeapot, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

// ForAccount: every operation of the document, called through its service
// method, sends account=<id> exactly once, after its own query parameters,
// which are kept as the parent client sends them.
func TestForAccountParameterOnEveryOperation(t *testing.T) {
	const child = "d1ca0000000000000002"
	rec := &recorder{}
	parent, err := netbird.New(auth.Config{Host: "https://netbird.example.com", Token: testPAT}, netbird.WithTransport(rec), netbird.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	c, err := parent.ForAccount(child)
	if err != nil {
		t.Fatal(err)
	}
	// send returns the query of the one request cl sent for o.
	send := func(cl *netbird.Client, o opcall.Op) (string, bool) {
		rec.mu.Lock()
		rec.reqs = nil
		rec.mu.Unlock()
		callErr, err := opcall.Call(context.Background(), cl, o, map[string]string{"userId": "u1", "peerId": "p1"})
		if err != nil {
			t.Fatal(err)
		}
		var apiErr *netbird.APIError
		if !errors.As(callErr, &apiErr) || apiErr.StatusCode != http.StatusTeapot {
			t.Errorf("%s: %v, want the recorder's 418", o.ID, callErr)
			return "", false
		}
		if len(rec.reqs) != 1 {
			t.Errorf("%s: %d requests sent, want 1", o.ID, len(rec.reqs))
			return "", false
		}
		return rec.reqs[0].URL.RawQuery, true
	}
	ops := operations(t)
	withQuery := 0
	for _, o := range ops {
		own, ok1 := send(parent, o)
		if own != "" {
			withQuery++
		}
		got, ok2 := send(c, o)
		if !ok1 || !ok2 {
			continue
		}
		want := "account=" + child
		if own != "" {
			want = own + "&" + want
		}
		if got != want {
			t.Errorf("%s: query %q, want %q", o.ID, got, want)
		}
		if q, _ := url.ParseQuery(own); q.Has("account") {
			t.Errorf("%s: the parent client sent account=%v", o.ID, q["account"])
		}
	}
	if withQuery == 0 {
		t.Error("no operation sent a query parameter of its own: the test proves less than it claims")
	}
	t.Logf("%d operations checked, %d with query parameters of their own", len(ops), withQuery)
}

// send appends account=<id> without looking at the operation's own query
// parameters: no operation of the document may have one of that name.
func TestNoOperationHasAnAccountQueryParameter(t *testing.T) {
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, p := range slices.Concat(item.Parameters, op.Parameters) {
				if p.Value != nil && p.Value.In == "query" && p.Value.Name == "account" {
					t.Errorf("%s %s has a query parameter \"account\", which ForAccount also sends: send must merge them", method, path)
				}
			}
		}
	}
}

// ForAccount's parameter is escaped, sits next to the operation's own
// query parameters, is in the URL that WithRequestEditor sees (which is
// what is sent), is sent again on every retry, and never reaches the debug
// log, which logs no query string.
func TestForAccountRequestShape(t *testing.T) {
	const child = "acc/1 2&x=y#z?é"
	var logged bytes.Buffer
	h := newHarness(t, netbird.WithLogger(slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	var mu sync.Mutex
	var queries []string
	h.mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		n := len(queries)
		mu.Unlock()
		if n == 1 {
			writeJSON(w, http.StatusServiceUnavailable, `{"message":"try again","code":503}`)
			return
		}
		if got := r.URL.Query(); n == 2 && (len(got["account"]) != 1 || got.Get("account") != child || got.Get("name") != "db server") {
			t.Errorf("the server read %v", got)
		}
		writeJSON(w, 200, `[]`)
	})
	c, err := h.client.ForAccount(child)
	if err != nil {
		t.Fatal(err)
	}
	var seen string
	name := "db server"
	_, err = c.Peers.List(context.Background(), &api.ListPeersParams{Name: &name}, netbird.WithRequestEditor(func(_ context.Context, r *http.Request) error {
		seen = r.URL.RawQuery
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	const want = "name=db+server&account=acc%2F1+2%26x%3Dy%23z%3F%C3%A9"
	if seen != want {
		t.Errorf("WithRequestEditor saw the query %q, want %q", seen, want)
	}
	if len(queries) != 2 || queries[0] != want || queries[1] != want {
		t.Errorf("the server got the queries %q, want %q twice (the first attempt and its retry)", queries, want)
	}
	if strings.Contains(logged.String(), "account") || strings.Contains(logged.String(), "acc%2F1") {
		t.Errorf("the debug log shows the query string:\n%s", logged.String())
	}
	if !strings.Contains(logged.String(), "path=/netbird/api/peers") {
		t.Errorf("the debug log did not log the requests:\n%s", logged.String())
	}
	// An editor may still see and change it: the caller's choice.
	_, err = c.Peers.List(context.Background(), nil, netbird.WithRequestEditor(func(_ context.Context, r *http.Request) error {
		r.URL.RawQuery = ""
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if last := queries[len(queries)-1]; last != "" {
		t.Errorf("an editor removed the query, yet the server got %q", last)
	}
}
