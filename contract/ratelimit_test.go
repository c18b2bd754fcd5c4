package contract

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// NetBird's own limiter (per token, refilled at RPM/60 a second, 429
// without Retry-After) in front of the real handler: a client with the
// default options finishes every call, in about the time the bucket
// allows. The figures are in BENCHMARKS.md.
func TestRateLimit(t *testing.T) {
	cases := []struct {
		name           string
		rpm            float64
		burst          int
		workers, calls int
	}{
		{"60rpm burst 10, 20 sequential calls", 60, 10, 1, 20},
		{"60rpm burst 10, 8 workers x 5 calls", 60, 10, 8, 5},
		{"6rpm burst 5, 8 sequential calls", 6, 5, 1, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, serverOptions{rpm: tc.rpm, burst: tc.burst})
			c := s.client(t, owner)
			var failed atomic.Int64
			var wg sync.WaitGroup
			start := time.Now()
			for range tc.workers {
				wg.Go(func() {
					for range tc.calls {
						if _, err := c.Peers.List(context.Background(), nil); err != nil {
							failed.Add(1)
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			took := time.Since(start)
			// The bucket lets the burst through at once, then one request
			// every 60/rpm seconds.
			allowed := time.Duration(float64(tc.workers*tc.calls-tc.burst) * 60 / tc.rpm * float64(time.Second))
			ratio := float64(took) / float64(allowed)
			t.Logf("%d calls, %d failed, in %v; the bucket allows %v: %.3f×", tc.workers*tc.calls, failed.Load(), took.Round(time.Millisecond), allowed, ratio)
			if ratio > 1.10 {
				t.Errorf("took %v, more than 10%% over the %v the bucket allows", took, allowed)
			}
		})
	}
}
