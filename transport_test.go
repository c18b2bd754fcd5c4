package netbird_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
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

func TestErrorStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 412, 422, 429, 500} {
		for _, html := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d html=%v", status, html), func(t *testing.T) {
				h := newHarness(t, netbird.WithoutRetries())
				h.mux.HandleFunc("GET /peers/{id}", func(w http.ResponseWriter, r *http.Request) {
					if html {
						w.Header().Set("Content-Type", "text/html")
						w.Header().Set("X-Request-Id", "req-123")
						w.WriteHeader(status)
						_, _ = io.WriteString(w, "<html><body><h1>Oops</h1>\n\x1b[31mproxy says no</body></html>")
						return
					}
					writeJSON(w, status, fmt.Sprintf(`{"message":"peer not found","code":%d}`, status))
				})
				_, err := h.client.Peers.Get(context.Background(), "abc")
				var ae *netbird.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("want *APIError, got %T %v", err, err)
				}
				if ae.StatusCode != status || ae.RequestID != "req-123" || ae.Method != "GET" || ae.Path != basePath+"/peers/abc" || ae.Op != "GetPeer" {
					t.Errorf("APIError %+v", ae)
				}
				want := fmt.Sprintf("netbird: GET %s/peers/abc: %d %s: peer not found (request id req-123)", basePath, status, http.StatusText(status))
				if html {
					want = fmt.Sprintf("netbird: GET %s/peers/abc: %d %s: Oops proxy says no (request id req-123)", basePath, status, http.StatusText(status))
					if strings.ContainsAny(ae.Message, "<>\x1b\n") {
						t.Errorf("HTML snippet not sanitized: %q", ae.Message)
					}
				}
				if err.Error() != want {
					t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
				}
				checks := map[int]func(error) bool{401: netbird.IsUnauthorized, 403: netbird.IsForbidden, 404: netbird.IsNotFound, 409: netbird.IsConflict, 429: netbird.IsRateLimited}
				for code, is := range checks {
					if is(err) != (code == status) {
						t.Errorf("helper for %d says %v on a %d", code, is(err), status)
					}
				}
			})
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

func TestRateLimiterSpacesRequests(t *testing.T) {
	h := newHarness(t, netbird.WithRateLimit(50, 1)) // one request per 20ms
	var mu sync.Mutex
	var times []time.Time
	h.mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		writeJSON(w, 200, `[]`)
	})
	for range 6 {
		if _, err := h.client.Peers.List(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	// The limiter guarantees a lower bound: 5 gaps of at least ~20ms.
	if span := times[len(times)-1].Sub(times[0]); span < 90*time.Millisecond {
		t.Errorf("6 requests at 50/s with burst 1 took %v; want at least ~100ms", span)
	}
}

func TestPaginationWalksEveryPage(t *testing.T) {
	h := newHarness(t)
	var pages []string
	h.mux.HandleFunc("GET /events/network-traffic", func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("page")
		pages = append(pages, p)
		writeJSON(w, 200, fmt.Sprintf(`{"data":[{"flow_id":"e%s-1"},{"flow_id":"e%s-2"}],"page":%s,"page_size":2,"total_pages":3,"total_records":6}`, p, p, p))
	})
	var ids []string
	for ev, err := range h.client.Events.ListNetworkTrafficAll(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.FlowID)
	}
	if strings.Join(pages, ",") != "1,2,3" || len(ids) != 6 || ids[5] != "e3-2" {
		t.Errorf("pages %v, ids %v", pages, ids)
	}
	// Breaking out stops fetching.
	pages = nil
	for _, err := range h.client.Events.ListNetworkTrafficAll(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if len(pages) != 1 {
		t.Errorf("break after the first item fetched pages %v", pages)
	}
}

func TestRedirectToAnotherHostIsRefused(t *testing.T) {
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		writeJSON(w, 200, `[]`)
	}))
	defer other.Close()
	h := newHarness(t)
	h.mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	})
	_, err := h.client.Peers.List(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "refusing redirect") {
		t.Errorf("want a refused redirect, got %v", err)
	}
	if v, _ := leaked.Load().(string); v != "" {
		t.Errorf("the other host received Authorization %q", v)
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
