package netbird_test

// What is retried and what is not (retry.go): error statuses, connection
// failures, a POST the server may have acted on, 429 storms and
// Retry-After, and cancellation during a backoff. The pace after 429s is
// tested in pace_test.go.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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

func TestRetries(t *testing.T) {
	cases := []struct {
		name     string
		method   string
		statuses []int // answers in order; the last one repeats
		attempts int
		wantErr  bool
	}{
		{"GET 503 twice then 200", "GET", []int{503, 503, 200}, 3, false},
		{"GET 502 504 then 200", "GET", []int{502, 504, 200}, 3, false},
		{"GET gives up after 3 retries", "GET", []int{503}, 4, true},
		{"GET 500 is not retried", "GET", []int{500}, 1, true},
		{"GET 404 is not retried", "GET", []int{404}, 1, true},
		{"POST 503 is not retried", "POST", []int{503}, 1, true},
		{"POST 502 is not retried", "POST", []int{502}, 1, true},
		{"POST 429 is retried", "POST", []int{429, 429, 200}, 3, false},
		{"PUT 503 is retried", "PUT", []int{503, 200}, 2, false},
		{"DELETE 504 is retried", "DELETE", []int{504, 200}, 2, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			var n atomic.Int64
			handler := func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				s := tc.statuses[min(i, len(tc.statuses)-1)]
				body, _ := io.ReadAll(r.Body)
				if r.Method != "GET" && r.Method != "DELETE" && len(body) == 0 {
					t.Errorf("attempt %d of %s had no body", i+1, r.Method)
				}
				if s == 200 {
					writeJSON(w, 200, `{"id":"g1","name":"ops","peers_count":0,"resources_count":0}`)
					return
				}
				writeJSON(w, s, fmt.Sprintf(`{"message":"status %d","code":%d}`, s, s))
			}
			h.mux.HandleFunc("/groups", handler)
			h.mux.HandleFunc("/groups/", handler)
			ctx := context.Background()
			var err error
			switch tc.method {
			case "GET":
				_, err = h.client.Groups.Get(ctx, "g1")
			case "PUT":
				_, err = h.client.Groups.Update(ctx, "g1", api.GroupRequest{Name: "ops"})
			case "DELETE":
				err = h.client.Groups.Delete(ctx, "g1")
			case "POST":
				_, err = h.client.Groups.Create(ctx, api.GroupRequest{Name: "ops"})
			}
			if (err != nil) != tc.wantErr {
				t.Errorf("err = %v, want error %v", err, tc.wantErr)
			}
			if got := int(n.Load()); got != tc.attempts {
				t.Errorf("%d attempts, want %d", got, tc.attempts)
			}
		})
	}
}

// 503 then success: the retries hide it (idempotent methods).
func TestFault503ThenSuccess(t *testing.T) {
	srv, c := sandbox(t)
	srv.InjectFault("ListPeers", netbirdtest.Fault{Status: 503, Message: "maintenance", Times: 2})
	peers, err := c.Peers.List(context.Background(), nil)
	if err != nil || len(peers) == 0 {
		t.Fatalf("got %v, %v", peers, err)
	}
	if n := srv.Calls()["ListPeers"]; n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

// Connection refused: a *TransportError that says so; the connection was
// never made, so every method is retried (MaxRetries times).
func TestFaultConnectionRefused(t *testing.T) {
	addr := freeAddr(t)
	var dials atomic.Int64
	tr := &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, a)
	}}
	c, err := netbird.New(auth.Config{Host: "http://" + addr, Token: testPAT}, fastRetries, netbird.WithTransport(tr))
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []struct {
		name string
		do   func() error
	}{
		{"GET", func() error { _, err := c.Peers.List(context.Background(), nil); return err }},
		{"POST", func() error {
			_, err := c.Groups.Create(context.Background(), api.GroupRequest{Name: "ops"})
			return err
		}},
	} {
		dials.Store(0)
		err := call.do()
		var te *netbird.TransportError
		if !errors.As(err, &te) || !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("%s: want a TransportError saying connection refused, got %v", call.name, err)
		}
		if n := dials.Load(); n != 4 {
			t.Errorf("%s: %d dials, want 4 (1 + 3 retries)", call.name, n)
		}
	}
}

// A POST whose connection could not even be made is retried: the server
// cannot have acted.
func TestPOSTRetriedWhenConnectionRefused(t *testing.T) {
	c, err := netbird.New(auth.Config{Host: "http://" + freeAddr(t), Token: testPAT}, fastRetries) // every dial is refused
	if err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int64
	logged := netbird.WithRequestEditor(func(ctx context.Context, r *http.Request) error { attempts.Add(1); return nil })
	_, err = c.Groups.Create(context.Background(), api.GroupRequest{Name: "x"}, logged)
	var te *netbird.TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("want a TransportError saying refused, got %v", err)
	}
	if attempts.Load() != 1 {
		t.Errorf("the call was prepared %d times, want once (retries resend the same request)", attempts.Load())
	}
}

// A connection reset before any answer: a GET is retried and succeeds; a
// POST is not retried, since the server may have acted.
func TestFaultResetBeforeAnswer(t *testing.T) {
	srv, c := sandbox(t)
	srv.InjectFault("ListPeers", netbirdtest.Fault{Reset: true, Times: 1})
	if _, err := c.Peers.List(context.Background(), nil); err != nil {
		t.Errorf("GET after a reset: %v", err)
	}
	srv.InjectFault("CreateGroup", netbirdtest.Fault{Reset: true, Times: 1})
	_, err := c.Groups.Create(context.Background(), api.GroupRequest{Name: "ops"})
	var te *netbird.TransportError
	if !errors.As(err, &te) {
		t.Errorf("POST after a reset: want a TransportError, got %v", err)
	}
	if calls := srv.Calls(); calls["ListPeers"] != 2 || calls["CreateGroup"] != 1 {
		t.Errorf("attempts %v; want ListPeers 2, CreateGroup 1", calls)
	}
}

// Idempotency: a POST answered with a 5xx is never sent again, whatever
// the 5xx; the server counts the creates.
func TestIdempotencyPOSTNotRepeatedAfter5xx(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		srv, c := sandbox(t)
		var creates atomic.Int64
		srv.Handle("CreateGroup", func(w http.ResponseWriter, r *http.Request) {
			creates.Add(1) // the server acted, then failed to answer well
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]any{"message": "upstream failed", "code": status})
		})
		_, err := c.Groups.Create(context.Background(), api.GroupRequest{Name: "ops"})
		var ae *netbird.APIError
		if !errors.As(err, &ae) || ae.StatusCode != status {
			t.Errorf("%d: got %v", status, err)
		}
		if n := creates.Load(); n != 1 {
			t.Errorf("%d: the create reached the server %d times, want once", status, n)
		}
	}
}

// dropFirstListener closes the first connection it accepts at once,
// before reading anything, and hands on the others.
type dropFirstListener struct {
	net.Listener
	dropped atomic.Bool
}

func (l *dropFirstListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.dropped.CompareAndSwap(false, true) {
			_ = c.Close()
			continue
		}
		return c, nil
	}
}

// Idempotency: the first connection is accepted and closed before the
// server reads a byte. A create is not retried over such a connection
// (the client cannot know the server did not act), so it reaches the
// server at most once; a GET is retried and succeeds.
func TestIdempotencyCreateAtMostOnceAfterReset(t *testing.T) {
	for _, method := range []string{"POST", "GET"} {
		t.Run(method, func(t *testing.T) {
			var creates, lists atomic.Int64
			mux := http.NewServeMux()
			mux.HandleFunc("POST /api/groups", func(w http.ResponseWriter, r *http.Request) {
				creates.Add(1)
				writeJSON(w, 200, `{"id":"g1","name":"ops","peers_count":0,"resources_count":0}`)
			})
			mux.HandleFunc("GET /api/groups", func(w http.ResponseWriter, r *http.Request) {
				lists.Add(1)
				writeJSON(w, 200, `[]`)
			})
			srv := httptest.NewUnstartedServer(mux)
			srv.Listener = &dropFirstListener{Listener: srv.Listener}
			srv.Start()
			defer srv.Close()
			c, err := netbird.New(auth.Config{Host: srv.URL, Token: testPAT}, fastRetries)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if method == "GET" {
				if _, err := c.Groups.List(ctx, nil); err != nil {
					t.Fatalf("GET over a dropped connection is retried: %v", err)
				}
				if n := lists.Load(); n != 1 {
					t.Errorf("%d lists, want 1", n)
				}
				return
			}
			_, err = c.Groups.Create(ctx, api.GroupRequest{Name: "ops"})
			var te *netbird.TransportError
			switch n := creates.Load(); {
			case n > 1:
				t.Fatalf("the create reached the server %d times", n)
			case err == nil && n != 1:
				t.Fatalf("success without a create on the server")
			case err != nil && !errors.As(err, &te):
				t.Fatalf("want a TransportError, got %v", err)
			}
			// The caller may try again, knowing the server did not act.
			if _, err := c.Groups.Create(ctx, api.GroupRequest{Name: "ops"}); err != nil {
				t.Fatal(err)
			}
			if n := creates.Load(); n > 2 || n < 1 {
				t.Errorf("%d creates after two calls", n)
			}
		})
	}
}

// 429 storms: every method is retried (NetBird refused before acting),
// then the call gives up with an error IsRateLimited recognises.
func TestFaultRateLimitStorm(t *testing.T) {
	srv, c := sandbox(t)
	srv.InjectFault("", netbirdtest.Fault{Status: 429, Message: "too many requests"})
	_, err := c.Peers.List(context.Background(), nil)
	if !netbird.IsRateLimited(err) {
		t.Errorf("GET: want IsRateLimited, got %v", err)
	}
	_, err = c.Groups.Create(context.Background(), api.GroupRequest{Name: "ops"})
	if !netbird.IsRateLimited(err) {
		t.Errorf("POST: want IsRateLimited, got %v", err)
	}
	if calls := srv.Calls(); calls["ListPeers"] != 4 || calls["CreateGroup"] != 4 {
		t.Errorf("attempts %v; want 4 each", calls)
	}
	// The sandbox's limiter, like NetBird's: a burst over the limit is
	// absorbed by the retries when they wait long enough.
	srv.ClearFaults()
	limited := netbirdtest.NewServer(t, netbirdtest.WithRateLimit(60*200, 1)) // 200/s
	lc, err := netbird.New(auth.Config{Host: limited.URL(), Token: limited.Token()},
		netbird.WithRetryPolicy(netbird.RetryPolicy{MaxRetries: 10, MinWait: 10 * time.Millisecond, MaxWait: 20 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := lc.Peers.List(context.Background(), nil); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
}

// A Retry-After longer than the policy's MaxWait ("cap on any wait") ends
// the retries at once: the caller gets the 429 and can decide, instead of
// a call that hangs until its deadline. One within MaxWait is waited for.
func TestFaultRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		attempts    int64
	}{
		{"an hour", "3600", 1},
		{"a date two hours ahead", time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat), 1},
		{"seconds that overflow a Duration", "99999999999999", 1},
		{"seconds that overflow to a negative Duration", "9223372037", 1},
		{"zero", "0", 4},
		{"a date in the past", "Mon, 02 Jan 2006 15:04:05 GMT", 4},
		{"not a number", "soon", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var attempts atomic.Int64
			h := newHarnessConfig(t, auth.Config{Timeout: 2 * time.Second})
			h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				attempts.Add(1)
				w.Header().Set("Retry-After", tc.value)
				writeJSON(w, 429, `{"message":"too many requests","code":429}`)
			})
			err := returnsWithin(t, 30*time.Second, func() error { _, err := h.client.Peers.List(context.Background(), nil); return err })
			if !netbird.IsRateLimited(err) {
				t.Errorf("want the 429 (IsRateLimited), got %v", err)
			}
			if n := attempts.Load(); n != tc.attempts {
				t.Errorf("%d attempts, want %d", n, tc.attempts)
			}
		})
	}
}

func TestContextCancelDuringBackoffReturnsPromptly(t *testing.T) {
	h := newHarness(t, netbird.WithRetryPolicy(netbird.RetryPolicy{MaxRetries: 5, MinWait: time.Hour, MaxWait: time.Hour}))
	ctx, cancel := context.WithCancel(context.Background())
	h.mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, `{"message":"busy","code":503}`)
		go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	})
	done := make(chan error, 1)
	go func() { _, err := h.client.Peers.List(ctx, nil); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("want context.Canceled, got %v", err)
		}
	case <-time.After(30 * time.Second): // the backoff is an hour: only cancellation ends it
		t.Fatal("the call did not return after its context was cancelled")
	}
}
