package netmap_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
	"github.com/netbird-go/netbird/netmap"
)

// inFlight counts the requests a client has open at once.
type inFlight struct {
	next      http.RoundTripper
	now, peak atomic.Int64
	total     atomic.Int64
}

func (c *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	n := c.now.Add(1)
	defer c.now.Add(-1)
	c.total.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return c.next.RoundTrip(r)
}

func TestReadConcurrencyIsBounded(t *testing.T) {
	srv := netbirdtest.NewServer(t)
	counter := &inFlight{next: http.DefaultTransport}
	c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()}, netbird.WithTransport(counter))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if _, err := c.Networks.Create(t.Context(), api.NetworkRequest{Name: fmt.Sprintf("net-%02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// Slow answers, so that every read the limit allows is open at once.
	srv.InjectFault("", netbirdtest.Fault{Delay: 20 * time.Millisecond})

	for _, limit := range []int{1, 3, netmap.DefaultConcurrency} {
		counter.peak.Store(0)
		counter.total.Store(0)
		var opts []netmap.Option
		if limit != netmap.DefaultConcurrency {
			opts = append(opts, netmap.WithConcurrency(limit))
		}
		top, err := netmap.Read(t.Context(), c, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if len(top.Networks) != 13 {
			t.Fatalf("%d networks, want 13", len(top.Networks))
		}
		// 6 lists, then resources and routers of each of 13 networks.
		if got := counter.total.Load(); got != 6+2*13 {
			t.Errorf("limit %d: %d requests, want %d", limit, got, 6+2*13)
		}
		if peak := counter.peak.Load(); peak > int64(limit) || limit > 1 && peak < 2 {
			t.Errorf("limit %d: %d requests in flight at most", limit, peak)
		} else {
			t.Logf("limit %d: at most %d in flight", limit, peak)
		}
	}
}

func TestReadOptionsAndErrors(t *testing.T) {
	srv := netbirdtest.NewServer(t)
	c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()}, netbird.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := netmap.Read(t.Context(), c, netmap.WithConcurrency(0)); err == nil || !strings.Contains(err.Error(), "concurrency must be at least 1") {
		t.Errorf("WithConcurrency(0): %v", err)
	}
	if _, err := netmap.Read(t.Context(), nil); err == nil || !strings.Contains(err.Error(), "client is nil") {
		t.Errorf("nil client: %v", err)
	}

	// The error names what was being read.
	srv.InjectFault("ListPostureChecks", netbirdtest.Fault{Status: http.StatusInternalServerError, Times: 1})
	_, err = netmap.Read(t.Context(), c)
	if err == nil || !strings.Contains(err.Error(), "netmap: reading posture checks") || !isStatus(err, http.StatusInternalServerError) {
		t.Errorf("a failing list: %v", err)
	}
	srv.InjectFault("ListNetworkRouters", netbirdtest.Fault{Status: http.StatusForbidden, Times: 1})
	_, err = netmap.Read(t.Context(), c)
	if err == nil || !strings.Contains(err.Error(), "netmap: reading routers of network ") || !netbird.IsForbidden(err) {
		t.Errorf("a failing network read: %v", err)
	}

	// A cancelled context stops the reads.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := netmap.Read(ctx, c); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// A network deleted between listing it and reading its resources is left
// out whole; the rest of the account is read.
func TestReadNetworkDeletedWhileReading(t *testing.T) {
	srv := netbirdtest.NewServer(t)
	c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := c.Networks.Create(t.Context(), api.NetworkRequest{Name: "gone"})
	if err != nil {
		t.Fatal(err)
	}
	var deleted atomic.Bool
	srv.Handle("ListNetworks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `[{"id":%q,"name":"gone","policies":[],"resources":[],"routers":[],"routing_peers_count":0}]`, gone.ID)
		if deleted.CompareAndSwap(false, true) {
			if err := c.Networks.Delete(r.Context(), gone.ID); err != nil {
				t.Error(err)
			}
		}
	})
	top, err := netmap.Read(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(top.Networks) != 0 || len(top.Routers) != 0 {
		t.Errorf("the deleted network is still there: %+v %+v", top.Networks, top.Routers)
	}
	if len(top.Peers) != 3 || len(top.Policies) != 1 {
		t.Errorf("%d peers, %d policies", len(top.Peers), len(top.Policies))
	}
}

func isStatus(err error, status int) bool {
	var apiErr *netbird.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}
