package netbird_test

// The streaming forms of the list operations (<Method>Seq, stream.go):
// the same elements as the slice forms, one at a time; a loop that stops
// early closes the answer; a body that breaks off or is not an array is
// one error, never half an element; HTTP errors are the slice forms'.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/internal/opcall"
)

// makePeers returns n distinct peers with the fields a list shows.
func makePeers(n int) []api.PeerBatch {
	ps := make([]api.PeerBatch, n)
	for i := range ps {
		name := fmt.Sprintf("host-%05d", i)
		ps[i] = api.PeerBatch{
			ID: fmt.Sprintf("d1c%017d", i), Name: name, Hostname: name, DNSLabel: name + ".netbird.cloud",
			IP: fmt.Sprintf("100.64.%d.%d", i/250, 1+i%250), OS: "linux", Connected: i%3 != 0,
			Groups: []api.GroupMinimum{{ID: "d1c00000000000000g01", Name: "All", PeersCount: n}},
		}
	}
	return ps
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seqResult is what one range over a stream gave.
type seqResult[T any] struct {
	items []T
	errs  []error
	after int // elements or errors yielded after the first error
}

// collect ranges over seq to its end, or until stop says so after an element.
func collect[T any](seq func(func(T, error) bool), stop func(n int) bool) seqResult[T] {
	var r seqResult[T]
	for v, err := range seq {
		if len(r.errs) > 0 {
			r.after++
		}
		if err != nil {
			r.errs = append(r.errs, err)
			var zero T
			if !reflect.DeepEqual(v, zero) {
				r.after += 1000 // an element with the error: never allowed
			}
			continue
		}
		r.items = append(r.items, v)
		if stop != nil && stop(len(r.items)) {
			break
		}
	}
	return r
}

// Every streaming form yields what its slice form returns, in the same
// order, against the sandbox in strict and in realistic mode: with 120
// groups, 80 users and 50 setup keys created through the API, and a list
// of 3,000 peers (served by an override: peers cannot be created through
// the API).
func TestSeqYieldsWhatListReturns(t *testing.T) {
	ops := operations(t)
	for _, mode := range sandboxModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv, c := sandbox(t, mode.opts...)
			ctx := t.Context()
			for i := range 120 {
				if _, err := c.Groups.Create(ctx, api.GroupRequest{Name: fmt.Sprintf("group-%03d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			var bot string
			for i := range 80 {
				name := fmt.Sprintf("bot-%03d", i)
				u, err := c.Users.Create(ctx, api.UserCreateRequest{Name: &name, Role: "user", IsServiceUser: true, AutoGroups: []string{}})
				if err != nil {
					t.Fatal(err)
				}
				bot = cmp.Or(bot, u.ID)
			}
			// The tokens listed are a bot's, whose token these calls do not
			// use: the last_used of the token that authenticates them moves
			// with every request, and may differ between the two forms.
			if _, err := c.Tokens.Create(ctx, bot, api.PersonalAccessTokenRequest{Name: "bot-token", ExpiresIn: 30}); err != nil {
				t.Fatal(err)
			}
			ids := srv.SampleIDs()
			ids["userId"] = bot
			for i := range 50 {
				if _, err := c.SetupKeys.Create(ctx, api.CreateSetupKeyRequest{Name: fmt.Sprintf("key-%03d", i), Type: "reusable", ExpiresIn: 86400, AutoGroups: []string{}}); err != nil {
					t.Fatal(err)
				}
			}
			peers := mustMarshal(t, makePeers(3000))
			srv.Handle("ListPeers", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, string(peers)) })

			lengths := map[string]int{}
			for _, o := range ops {
				list, streamed, listErr, seqErr, ok, err := opcall.Stream(ctx, c, o, ids)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					continue
				}
				lengths[o.ID] = reflect.ValueOf(streamed).Len()
				if fmt.Sprint(listErr) != fmt.Sprint(seqErr) {
					t.Errorf("%s.%sSeq: error %v, the slice form's %v", o.Service, o.GoMethod, seqErr, listErr)
				}
				if !reflect.DeepEqual(list, streamed) {
					t.Errorf("%s.%sSeq yielded %d elements that differ from the slice form's %d", o.Service, o.GoMethod,
						reflect.ValueOf(streamed).Len(), reflect.ValueOf(list).Len())
				}
			}
			if len(lengths) < 40 {
				t.Errorf("only %d operations have a streaming form: %v", len(lengths), lengths)
			}
			for id, least := range map[string]int{"ListPeers": 3000, "ListGroups": 121, "ListUsers": 81, "ListSetupKeys": 51, "ListPolicies": 1} {
				if lengths[id] < least {
					t.Errorf("%s streamed %d elements, want at least %d", id, lengths[id], least)
				}
			}
			t.Logf("%d streaming forms agree with their slice forms; elements: %v", len(lengths), lengths)
		})
	}
}

// listServer is a loopback server answering GET /api/peers with body,
// in chunks of 32 KiB, counting connections and the bytes it wrote.
type listServer struct {
	*httptest.Server
	body    atomic.Pointer[[]byte]
	conns   connCounter
	written atomic.Int64
}

func newListServer(t *testing.T) *listServer {
	t.Helper()
	s := &listServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := *s.body.Load()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		for len(b) > 0 {
			n, err := w.Write(b[:min(len(b), 32<<10)])
			s.written.Add(int64(n))
			if err != nil {
				return
			}
			b = b[n:]
		}
	}))
	s.Config.ConnState = s.conns.hook
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// Breaking out of the loop closes the answer. What is left of a short one
// is drained, so its connection is reused; a long one is not read to its
// end (the drain is bounded), and its connection is dropped instead.
func TestSeqBreakClosesTheBody(t *testing.T) {
	srv := newListServer(t)
	ct := &countingTransport{next: &http.Transport{}}
	c, err := netbird.New(auth.Config{Host: srv.URL, Token: testPAT}, netbird.WithTransport(ct))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	short := mustMarshal(t, makePeers(20)) // a few KiB
	srv.body.Store(&short)
	for range 3 {
		r := collect(c.Peers.ListSeq(ctx, nil), func(n int) bool { return n == 1 })
		if len(r.items) != 1 || r.errs != nil || r.items[0].Name != "host-00000" {
			t.Fatalf("got %d peers, errors %v", len(r.items), r.errs)
		}
	}
	if o, cl := ct.opened.Load(), ct.closed.Load(); o != 3 || cl != 3 {
		t.Errorf("%d bodies opened, %d closed; want 3 and 3", o, cl)
	}
	if n := srv.conns.n.Load(); n != 1 {
		t.Errorf("three streams stopped early opened %d connections, want 1: the short rest is drained and the connection reused", n)
	}

	long := mustMarshal(t, makePeers(20000)) // several MB
	srv.body.Store(&long)
	r := returnsWithin(t, 10*time.Second, func() seqResult[api.PeerBatch] {
		return collect(c.Peers.ListSeq(ctx, nil), func(n int) bool { return n == 2 })
	})
	if len(r.items) != 2 || r.errs != nil {
		t.Fatalf("got %d peers, errors %v", len(r.items), r.errs)
	}
	if o, cl := ct.opened.Load(), ct.closed.Load(); o != 4 || cl != 4 {
		t.Errorf("%d bodies opened, %d closed; want 4 and 4", o, cl)
	}
	// The server stops writing once the client has hung up.
	deadline := time.Now().Add(5 * time.Second)
	for prev := int64(-1); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		w := srv.written.Load()
		if w == prev {
			break
		}
		prev = w
	}
	if w := srv.written.Load() - 3*int64(len(short)); w >= int64(len(long)) {
		t.Errorf("the server wrote all %d bytes of the long list: the client read it to the end", w)
	} else {
		t.Logf("long list: the server wrote %d KiB of %d KiB before the client hung up", w>>10, len(long)>>10)
	}
}

// A stream that breaks off: the elements before the break, then one
// error, a *DecodeError with the status; never the element it broke in,
// and no retry (the answer had started).
func TestSeqBrokenOff(t *testing.T) {
	const first = `[{"id":"p1","name":"alpha","groups":[]},`
	for _, tc := range []struct {
		name, body string
		length     int // Content-Length; 0 for the body's
		reset      bool
	}{
		{"reset inside an element", first + `{"id":"p2","na`, 100000, true},
		{"closed inside an element", first + `{"id":"p2","na`, 100000, false},
		{"ends after a comma", first, 0, false},
		{"ends before the bracket", strings.TrimSuffix(first, ","), 0, false},
		{"ends inside an element", first + `{"id":"p2","name":"beta"`, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, conns := rawServer(t, func(c net.Conn, _ int) {
				if readRequest(c) == nil {
					return
				}
				n := tc.length
				if n == 0 {
					n = len(tc.body)
				}
				_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", n, tc.body)
				if tc.reset {
					if tcp, ok := c.(*net.TCPConn); ok {
						_ = tcp.SetLinger(0) // close with RST
					}
				}
			})
			c, err := netbird.New(auth.Config{Host: "http://" + addr, Token: testPAT}, fastRetries)
			if err != nil {
				t.Fatal(err)
			}
			r := returnsWithin(t, 10*time.Second, func() seqResult[api.PeerBatch] { return collect(c.Peers.ListSeq(t.Context(), nil), nil) })
			if len(r.items) != 1 || r.items[0].ID != "p1" || r.items[0].Name != "alpha" {
				t.Errorf("yielded %+v, want only p1", r.items)
			}
			if len(r.errs) != 1 || r.after != 0 {
				t.Fatalf("errors %v and %d yields after the first; want exactly one error, last", r.errs, r.after)
			}
			var de *netbird.DecodeError
			err = r.errs[0]
			broken := errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
			if !errors.As(err, &de) || de.Status != 200 || de.Op != "ListPeers" || !broken {
				t.Errorf("want a DecodeError (200) wrapping a reset or an unexpected EOF, got %v", err)
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("%d connections, want 1: an answer that started is not retried", n)
			}
		})
	}
}

// Answers that are not a JSON array: what each stream yields, beside what
// the slice form says.
func TestSeqAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		items      []string // ids
		decode     string   // the DecodeError's message has this; "" for none
	}{
		{"empty array", `[]`, nil, ""},
		{"null (NetBird's empty list)", `null`, nil, ""},
		{"elements", ` [ {"id":"p1"} , {"id":"p2"} ] `, []string{"p1", "p2"}, ""},
		{"trailing data is refused, as by the slice form", `[{"id":"p1"}] [junk`, []string{"p1"}, "more data after the JSON value"},
		{"an object", `{"message":"not a list"}`, nil, "want a JSON array, got {"},
		{"a string", `"peers"`, nil, "want a JSON array, got peers"},
		{"empty body", ``, nil, "empty response body"},
		{"HTML", `<html>log in</html>`, nil, "invalid character '<'"},
		{"an element of the wrong type", `[{"id":"p1"},{"id":5},{"id":"p3"}]`, []string{"p1"}, "cannot unmarshal number"},
		{"a bad element", `[{"id":"p1"},{"id":"p2",}]`, []string{"p1"}, "invalid character '}'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tc.body) })
			r := collect(h.client.Peers.ListSeq(t.Context(), nil), nil)
			var ids []string
			for _, p := range r.items {
				ids = append(ids, p.ID)
			}
			if !reflect.DeepEqual(ids, tc.items) {
				t.Errorf("yielded %v, want %v", ids, tc.items)
			}
			_, listErr := h.client.Peers.List(t.Context(), nil)
			if tc.decode == "" {
				if r.errs != nil || listErr != nil {
					t.Errorf("stream errors %v, slice form's %v; want none", r.errs, listErr)
				}
				return
			}
			var de, listDE *netbird.DecodeError
			if len(r.errs) != 1 || r.after != 0 || !errors.As(r.errs[0], &de) || !strings.Contains(de.Error(), tc.decode) {
				t.Fatalf("errors %v (%d yields after); want one DecodeError saying %q", r.errs, r.after, tc.decode)
			}
			if !errors.As(listErr, &listDE) || listDE.Status != de.Status || listDE.Path != de.Path || listDE.Op != de.Op {
				t.Errorf("the slice form's error %v is not a DecodeError like the stream's %v", listErr, de)
			}
		})
	}
}

// An HTTP error status is the slice form's *APIError, yielded once;
// a status that is retried is retried before anything is yielded.
func TestSeqAPIError(t *testing.T) {
	h := newHarness(t)
	var calls atomic.Int64
	h.mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1, 2:
			writeJSON(w, 404, `{"message":"account not found","code":404}`)
		case 3:
			writeJSON(w, 503, `{"message":"busy","code":503}`)
		default:
			writeJSON(w, 200, `[{"id":"p1"}]`)
		}
	})
	ctx := t.Context()
	_, listErr := h.client.Peers.List(ctx, nil)
	r := collect(h.client.Peers.ListSeq(ctx, nil), nil)
	var ae, listAE *netbird.APIError
	if len(r.errs) != 1 || r.items != nil || r.after != 0 || !errors.As(r.errs[0], &ae) {
		t.Fatalf("yielded %v and errors %v; want one *APIError", r.items, r.errs)
	}
	if !errors.As(listErr, &listAE) || !reflect.DeepEqual(*ae, *listAE) || !netbird.IsNotFound(r.errs[0]) {
		t.Errorf("stream error %#v, slice form's %#v; want the same 404", ae, listAE)
	}
	if ae.RequestID != "req-123" || ae.Message != "account not found" || ae.Path != basePath+"/peers" {
		t.Errorf("APIError %+v lacks the answer's details", ae)
	}
	r = collect(h.client.Peers.ListSeq(ctx, nil), nil)
	if len(r.items) != 1 || r.errs != nil || calls.Load() != 4 {
		t.Errorf("after a 503: yielded %v, errors %v, %d requests; want p1 after a retry", r.items, r.errs, calls.Load())
	}
}

// A request the client refuses to build is one error, the slice form's,
// and nothing is sent.
func TestSeqRefusedBeforeSending(t *testing.T) {
	sent := &capture{}
	c, err := netbird.New(auth.Config{Host: "https://netbird.example.com", Token: auth.GeneratePAT()}, netbird.WithTransport(sent))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	_, listErr := c.Peers.ListAccessible(ctx, "")
	r := collect(c.Peers.ListAccessibleSeq(ctx, ""), nil)
	if len(r.errs) != 1 || r.after != 0 || listErr == nil || r.errs[0].Error() != listErr.Error() {
		t.Errorf("errors %v; want once the slice form's %v", r.errs, listErr)
	}
	if sent.req != nil {
		t.Errorf("a request was sent: %s %s", sent.req.Method, sent.req.URL.Path)
	}
}

// Each range sends the request again; the options apply to each.
func TestSeqRangesAgain(t *testing.T) {
	h := newHarness(t)
	var calls atomic.Int64
	h.mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.Header.Get("X-Trace") != "t1" || r.URL.Query().Get("service_user") != "true" {
			t.Errorf("request %d: X-Trace %q, query %q", n, r.Header.Get("X-Trace"), r.URL.RawQuery)
		}
		writeJSON(w, 200, fmt.Sprintf(`[{"id":"u%d"}]`, n))
	})
	yes := true
	seq := h.client.Users.ListSeq(t.Context(), &api.ListUsersParams{ServiceUser: &yes}, netbird.WithHeader("X-Trace", "t1"))
	for i := 1; i <= 2; i++ {
		r := collect(seq, nil)
		if len(r.items) != 1 || r.items[0].ID != fmt.Sprintf("u%d", i) || r.errs != nil {
			t.Errorf("range %d: %v, %v", i, r.items, r.errs)
		}
	}
}

// A context cancelled in the middle of the loop ends it with the context's
// error, once, even when the rest of the answer has already arrived; a
// deadline reached while the server stalls does the same.
func TestSeqContextEnds(t *testing.T) {
	peers := mustMarshal(t, makePeers(50))
	h := newHarness(t)
	h.mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, string(peers)) })
	h.mux.HandleFunc("GET /groups", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"id":"g1","name":"All"},{"id":"g2","name":"devs"},`)
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done() // stall until the client hangs up
	})

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := collect(h.client.Peers.ListSeq(ctx, nil), func(n int) bool {
		if n == 3 {
			cancel()
		}
		return false
	})
	var te *netbird.TransportError
	if len(r.items) != 3 || len(r.errs) != 1 || r.after != 0 || !errors.Is(r.errs[0], context.Canceled) || !errors.As(r.errs[0], &te) {
		t.Errorf("yielded %d peers and errors %v; want 3 peers, then context.Canceled once", len(r.items), r.errs)
	}

	ctx, cancel = context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	g := returnsWithin(t, 10*time.Second, func() seqResult[api.Group] { return collect(h.client.Groups.ListSeq(ctx, nil), nil) })
	if len(g.items) != 2 || len(g.errs) != 1 || g.after != 0 || !errors.Is(g.errs[0], context.DeadlineExceeded) {
		t.Errorf("yielded %d groups and errors %v; want 2 groups, then context.DeadlineExceeded once", len(g.items), g.errs)
	}
}
