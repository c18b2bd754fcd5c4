package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
)

// Sub-benchmarks are named key=value so that benchstat can lay them out
// side by side: benchstat -col /impl.

// BenchmarkGetPeer is one small object: GET /api/peers/{peerId}.
func BenchmarkGetPeer(b *testing.B) {
	srv := newServer(b)
	for _, name := range implOrder() {
		im := newImpl(b, srv.URL, name)
		b.Run("impl="+name, func(b *testing.B) {
			ctx := context.Background()
			runtime.GC() // not the previous benchmark's garbage
			b.ReportAllocs()
			for b.Loop() {
				if err := im.getPeer(ctx, peerID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListPeers is GET /api/peers answering 10, 1 000 and 10 000
// peers (about 1.3 KB of JSON each). For 10 000 it also reports peak-heap-MB,
// measured on one extra call after the timed loop (see peakHeap).
func BenchmarkListPeers(b *testing.B) {
	srv := newServer(b)
	clients := make(map[string]impl)
	for _, name := range implOrder() {
		clients[name] = newImpl(b, srv.URL, name)
	}
	for _, n := range listSizes {
		srv.serveList(n)
		for _, name := range implOrder() {
			im := clients[name]
			b.Run("peers="+strconv.Itoa(n)+"/impl="+name, func(b *testing.B) {
				ctx := context.Background()
				call := func() {
					got, err := im.listPeers(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if got != n {
						b.Fatalf("got %d peers, want %d", got, n)
					}
				}
				runtime.GC()
				b.ReportAllocs()
				for b.Loop() {
					call()
				}
				if n >= 10000 {
					b.ReportMetric(float64(peakHeap(call))/1e6, "peak-heap-MB")
				}
			})
		}
	}
}

// BenchmarkCreateToken is a POST with a JSON body:
// POST /api/users/{userId}/tokens. The netbird client also validates the
// body against the schema's limits before sending.
func BenchmarkCreateToken(b *testing.B) {
	srv := newServer(b)
	for _, name := range implOrder() {
		im := newImpl(b, srv.URL, name)
		b.Run("impl="+name, func(b *testing.B) {
			ctx := context.Background()
			runtime.GC() // not the previous benchmark's garbage
			b.ReportAllocs()
			for b.Loop() {
				if err := im.createToken(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParallel64 is 64 goroutines sharing one client, calling
// GetPeer as fast as they can. ns/op is wall time per call (the inverse of
// throughput, also reported as calls/s); conns is the number of TCP
// connections the server accepted, warm-up included. The warm-up gives the
// client 64 connections (see server.warmUp); a conns above 64 means the
// client opened new ones under steady load.
func BenchmarkParallel64(b *testing.B) {
	const goroutines = 64
	for _, name := range implOrder() {
		b.Run("impl="+name, func(b *testing.B) {
			// A fresh server and client for each round, so that conns
			// counts what this client needed.
			srv := newServer(b)
			im := newImpl(b, srv.URL, name)
			srv.warmUp(b, goroutines, im.getPeer)
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((goroutines + procs - 1) / procs)
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					if err := im.getPeer(ctx, peerID); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(srv.conns.Load()), "conns")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
			srv.Close() // now, not after the last round: it holds 64 connections
		})
	}
}

// BenchmarkLayers is GetPeer through the netbird client with its retry
// layer and rate limiter off and on, when nothing fails: what the layers
// cost on the happy path. The rate limit is far above what the loop
// reaches, so it never waits.
func BenchmarkLayers(b *testing.B) {
	srv := newServer(b)
	limit := netbird.WithRateLimit(1e9, 1<<20)
	for _, v := range []struct {
		name string
		opts []netbird.Option
	}{
		{"none", []netbird.Option{netbird.WithoutRetries()}},
		{"retry", nil},
		{"limit", []netbird.Option{netbird.WithoutRetries(), limit}},
		{"retry+limit", []netbird.Option{limit}},
	} {
		c := newNetbird(b, srv.URL, v.opts...)
		b.Run("layers="+v.name, func(b *testing.B) {
			ctx := context.Background()
			runtime.GC() // not the previous benchmark's garbage
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Peers.Get(ctx, peerID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// sink keeps built clients alive, so the compiler cannot drop the work.
var sink any

// BenchmarkNewClient is building a client: for raw, an http.Client with
// its own transport; for api, the generated client with an auth editor;
// for netbird, New with a host and a PAT (parsed and checksummed).
func BenchmarkNewClient(b *testing.B) {
	const host = "http://127.0.0.1:33073"
	b.Run("impl=raw", func(b *testing.B) {
		runtime.GC()
		b.ReportAllocs()
		for b.Loop() {
			sink = newRawClient(host)
		}
	})
	b.Run("impl=api", func(b *testing.B) {
		runtime.GC()
		b.ReportAllocs()
		for b.Loop() {
			sink = newAPIClient(b, host)
		}
	})
	for _, v := range []struct {
		name string
		opts []netbird.Option
	}{
		{"netbird", nil},
		{"netbird-noretry", []netbird.Option{netbird.WithoutRetries()}},
	} {
		b.Run("impl="+v.name, func(b *testing.B) {
			runtime.GC() // not the previous benchmark's garbage
			b.ReportAllocs()
			for b.Loop() {
				c, err := netbird.New(auth.Config{Host: host, Token: testPAT}, v.opts...)
				if err != nil {
					b.Fatal(err)
				}
				sink = c
			}
		})
	}
}

// cannedTransport answers every request with the fixed GetPeer answer,
// without a network: what is left of a call is the client's own work.
type cannedTransport struct{ body []byte }

func (t cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return &http.Response{
		Status:        "200 OK",
		StatusCode:    http.StatusOK,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)),
		Request:       req,
	}, nil
}

// BenchmarkOverhead is GetPeer through a transport that answers at once
// from memory: no server, no sockets. It isolates what each client adds
// per call (building the request, headers, timeout, retry layer, decoding)
// from the loopback round trip that dominates BenchmarkGetPeer.
func BenchmarkOverhead(b *testing.B) {
	const host = "http://127.0.0.1:33073"
	rt := cannedTransport{body: getFixture().peer}
	raw := newRawClient(host)
	raw.hc = &http.Client{Transport: rt}
	ac, err := api.NewClientWithResponses(host, api.WithHTTPClient(&http.Client{Transport: rt}),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Token "+testPAT)
			return nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"raw", func(ctx context.Context) error { _, err := raw.getPeer(ctx, peerID); return err }},
		{"api", func(ctx context.Context) error { _, err := ac.GetPeerWithResponse(ctx, peerID); return err }},
	}
	for _, v := range []struct {
		name string
		opts []netbird.Option
	}{
		{"netbird", nil},
		{"netbird-noretry", []netbird.Option{netbird.WithoutRetries()}},
	} {
		c := newNetbird(b, host, append([]netbird.Option{netbird.WithTransport(rt)}, v.opts...)...)
		calls = append(calls, struct {
			name string
			call func(ctx context.Context) error
		}{v.name, func(ctx context.Context) error { _, err := c.Peers.Get(ctx, peerID); return err }})
	}
	for _, c := range calls {
		b.Run("impl="+c.name, func(b *testing.B) {
			ctx := context.Background()
			runtime.GC() // not the previous benchmark's garbage
			b.ReportAllocs()
			for b.Loop() {
				if err := c.call(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
