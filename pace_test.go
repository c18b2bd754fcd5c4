package netbird_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
)

// waitOut is the default policy's handling of 429s with short waits.
var waitOut = netbird.WithRetryPolicy(netbird.RetryPolicy{MaxRetries: 2, MinWait: 5 * time.Millisecond, MaxWait: 20 * time.Millisecond, WaitOutRateLimits: true})

// statusCounter counts the answers the client's attempts got.
type statusCounter struct {
	mu     sync.Mutex
	counts map[int]int
}

func (s *statusCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		s.mu.Lock()
		if s.counts == nil {
			s.counts = map[int]int{}
		}
		s.counts[resp.StatusCode]++
		s.mu.Unlock()
	}
	return resp, err
}

func (s *statusCounter) get(status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[status]
}

// The default policy retries 429s for as long as the call's deadline
// allows, beyond MaxRetries, then hands back the 429 itself.
func TestRateLimitWaitedOutUntilTheDeadline(t *testing.T) {
	if !netbird.DefaultRetryPolicy().WaitOutRateLimits {
		t.Fatal("the default policy does not wait out 429s")
	}
	srv := netbirdtest.NewServer(t)
	srv.InjectFault("ListPeers", netbirdtest.Fault{Status: 429, Message: "too many requests"})
	c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token(), Timeout: 2 * time.Second}, waitOut)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Peers.List(context.Background(), nil)
	// A wait past the deadline would end in the deadline's error, not the
	// last 429.
	if !netbird.IsRateLimited(err) {
		t.Errorf("want the last 429 (IsRateLimited), got %v", err)
	}
	if n := srv.Calls()["ListPeers"]; n <= 3 {
		t.Errorf("%d attempts: 429s were counted in MaxRetries (2)", n)
	}
	// Other failures still count: 503 is tried MaxRetries+1 times.
	c, err = netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token(), Timeout: 2 * time.Second}, waitOut)
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectFault("ListGroups", netbirdtest.Fault{Status: 503, Message: "busy"})
	if _, err := c.Groups.List(context.Background(), nil); err == nil {
		t.Error("503 storm: no error")
	}
	if n := srv.Calls()["ListGroups"]; n != 3 {
		t.Errorf("503 storm: %d attempts, want 3", n)
	}
}

// When the deadline ends the attempt after a 429, the call fails with that
// 429, the server's answer, not with the deadline; a caller that cancels
// still gets its cancellation.
func TestRateLimitDeadlineDuringRetry(t *testing.T) {
	for _, cancel := range []bool{false, true} {
		srv := netbirdtest.NewServer(t)
		srv.InjectFault("ListPeers", netbirdtest.Fault{Status: 429, Message: "slow down", Times: 1})
		srv.InjectFault("", netbirdtest.Fault{Delay: time.Minute}) // the retry gets no answer
		c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token(), Timeout: 300 * time.Millisecond}, waitOut)
		if err != nil {
			t.Fatal(err)
		}
		ctx, stop := context.WithCancel(context.Background())
		if cancel {
			time.AfterFunc(100*time.Millisecond, stop)
		}
		_, err = c.Peers.List(ctx, nil)
		stop()
		var apiErr *netbird.APIError
		switch {
		case cancel && !errors.Is(err, context.Canceled):
			t.Errorf("cancelled during the retry: want context.Canceled, got %v", err)
		case !cancel && (!errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Message != "slow down"):
			t.Errorf("deadline during the retry: want the 429 with its message, got %v", err)
		}
		if n := srv.Calls()["ListPeers"]; n != 2 {
			t.Errorf("%d attempts, want 2 (the 429 and the retry)", n)
		}
	}
}

// Workers sharing a client behind a per-token limiter (NetBird's kind: a
// token bucket, no Retry-After) all finish, and the client learns the rate:
// its attempts meet far fewer 429s than those of a client that only backs
// off with the same waits.
func TestRateLimitPaced(t *testing.T) {
	const workers, calls = 6, 5
	run := func(policy netbird.RetryPolicy) (limited int) {
		srv := netbirdtest.NewServer(t, netbirdtest.WithRateLimit(1200, 3)) // 20 a second
		counter := &statusCounter{}
		c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()}, netbird.WithTransport(counter), netbird.WithRetryPolicy(policy))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range calls {
					// Only the paced client must finish every call; the other
					// one may run out of retries.
					if _, err := c.Peers.List(context.Background(), nil); err != nil && policy.WaitOutRateLimits {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if ok := counter.get(200); ok != workers*calls && policy.WaitOutRateLimits {
			t.Errorf("%d calls answered, want %d", ok, workers*calls)
		}
		return counter.get(429)
	}
	backoff := netbird.RetryPolicy{MaxRetries: 20, MinWait: 5 * time.Millisecond, MaxWait: 50 * time.Millisecond}
	hammered := run(backoff)
	backoff.WaitOutRateLimits = true
	paced := run(backoff)
	if hammered < workers*calls {
		// A machine too busy to send 20 requests a second barely meets
		// the limiter: then the comparison says nothing.
		t.Skipf("the client that only backs off met 429 only %d times in %d calls: too slow to compare", hammered, workers*calls)
	}
	if paced*2 > hammered {
		t.Errorf("%d calls: the paced client met 429 %d times, the one that only backs off %d times; want at most half", workers*calls, paced, hammered)
	}
	t.Logf("%d calls: 429s met: paced %d, backing off only %d", workers*calls, paced, hammered)
}
