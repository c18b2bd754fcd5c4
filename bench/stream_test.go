package bench

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
)

// streamSize is the list the streaming benchmark lists: 10 000 peers, 13 MB.
const streamSize = 10000

// listForms are the two ways the client lists peers: the slice form
// (impl=netbird, the base) and the streaming form (impl=netbird-seq),
// which decodes one peer at a time while the loop runs. Each calls
// sample at the point where it holds the most: the slice form once it has
// the whole slice, the streaming form every 500 peers.
func listForms(c *netbird.Client) []struct {
	name string
	list func(ctx context.Context, sample func()) (int, error)
} {
	return []struct {
		name string
		list func(ctx context.Context, sample func()) (int, error)
	}{
		{"impl=netbird", func(ctx context.Context, sample func()) (int, error) {
			ps, err := c.Peers.List(ctx, nil)
			sample()
			return len(ps), err
		}},
		{"impl=netbird-seq", func(ctx context.Context, sample func()) (int, error) {
			n := 0
			for _, err := range c.Peers.ListSeq(ctx, nil) {
				if err != nil {
					return n, err
				}
				n++
				if n%500 == 0 {
					sample()
				}
			}
			return n, nil
		}},
	}
}

// BenchmarkListPeersStream is GET /api/peers answering 10 000 peers,
// listed by the slice form and by the streaming form of the same client
// from the same server. Besides time and allocations, each reports, from
// one extra call after the timed loop, peak-live-MB (see peakLiveHeap:
// what the program must keep, the streaming form's target is ≤ 10% of the
// slice form's) and peak-heap-MB (see peakHeap: what the process holds,
// garbage not yet collected included). The two forms' times are measured
// minutes apart here; BenchmarkListPeersStreamPaired measures them in pairs.
func BenchmarkListPeersStream(b *testing.B) {
	srv := newServer(b)
	srv.serveList(streamSize)
	c := newNetbird(b, srv.URL)
	for _, f := range listForms(c) {
		b.Run(fmt.Sprintf("peers=%d/%s", streamSize, f.name), func(b *testing.B) {
			ctx := context.Background()
			call := func(sample func()) {
				n, err := f.list(ctx, sample)
				if err != nil {
					b.Fatal(err)
				}
				if n != streamSize {
					b.Fatalf("got %d peers, want %d", n, streamSize)
				}
			}
			runtime.GC()
			b.ReportAllocs()
			for b.Loop() {
				call(func() {})
			}
			b.ReportMetric(float64(peakLiveHeap(call))/1e6, "peak-live-MB")
			b.ReportMetric(float64(peakHeap(func() { call(func() {}) }))/1e6, "peak-heap-MB")
		})
	}
}

// TestStreamHoldsLittle checks the streaming form's target: while the loop
// runs over 10 000 peers, the live heap stays under 10% of what the slice
// form holds.
func TestStreamHoldsLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("lists 10 000 peers twice, collecting garbage all along")
	}
	srv := newServer(t)
	srv.serveList(streamSize)
	c := newNetbird(t, srv.URL)
	peaks := map[string]uint64{}
	for _, f := range listForms(c) {
		peaks[f.name] = peakLiveHeap(func(sample func()) {
			if n, err := f.list(t.Context(), sample); err != nil || n != streamSize {
				t.Fatalf("%s: %d peers, %v", f.name, n, err)
			}
		})
	}
	slice, seq := peaks["impl=netbird"], peaks["impl=netbird-seq"]
	t.Logf("peak live heap: slice form %.1f MB, streaming form %.2f MB (%.1f%%)", float64(slice)/1e6, float64(seq)/1e6, 100*float64(seq)/float64(slice))
	if seq*10 > slice {
		t.Errorf("the streaming form held %d bytes at its peak, more than 10%% of the slice form's %d", seq, slice)
	}
}

// peakLiveHeap runs fn once and returns the most live heap it kept above
// what was live before: the heap right after a full collection
// (runtime.GC, then heapObjects), sampled back to back by a goroutine all
// through fn, and also wherever fn calls sample. What sync.Pool holds
// counts as kept. Collecting all the time slows fn down many times over,
// so it runs outside timed loops.
func peakLiveHeap(fn func(sample func())) uint64 {
	live := func() uint64 {
		s := []metrics.Sample{{Name: heapObjects}}
		runtime.GC()
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	// Twice: the first collection leaves what sync.Pool held (such as the
	// fixtures' 13 MB encoding buffer) in its victim cache for the second.
	runtime.GC()
	base := live()
	var mu sync.Mutex
	peak := base
	sample := func() {
		v := live()
		mu.Lock()
		peak = max(peak, v)
		mu.Unlock()
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				sample()
			}
		}
	}()
	fn(sample)
	close(stop)
	<-done
	return peak - base
}

// BenchmarkListPeersStreamPaired is the time of the two forms measured in
// pairs: each round lists the 10 000 peers once with each form, the form
// that goes first alternating, so that a slower moment of the machine
// weighs on both. It reports each form's ms per call and seq/slice, the
// ratio of their totals.
func BenchmarkListPeersStreamPaired(b *testing.B) {
	srv := newServer(b)
	srv.serveList(streamSize)
	c := newNetbird(b, srv.URL)
	forms := listForms(c)
	ctx := context.Background()
	var spent [2]time.Duration
	runtime.GC()
	round := 0
	for b.Loop() {
		for k := range 2 {
			i := (round + k) % 2
			start := time.Now()
			n, err := forms[i].list(ctx, func() {})
			spent[i] += time.Since(start)
			if err != nil || n != streamSize {
				b.Fatalf("%s: %d peers, %v", forms[i].name, n, err)
			}
		}
		round++
	}
	b.ReportMetric(spent[0].Seconds()*1e3/float64(round), "slice-ms/call")
	b.ReportMetric(spent[1].Seconds()*1e3/float64(round), "seq-ms/call")
	b.ReportMetric(spent[1].Seconds()/spent[0].Seconds(), "seq/slice")
}
