package netbird

import (
	"context"
	"errors"
	"sync"
	"time"
)

// pacer learns how fast the server lets one token through and spaces the
// client's attempts to match. NetBird's limiter is a token bucket per token
// refilled at a steady rate, and its 429 carries no Retry-After: a client
// that only backs off meets 429 after 429, and one that gives up after a
// few retries fails calls that had plenty of time left. So:
//
//   - While the rate is unknown, an attempt that meets 429 probes again
//     after growing waits. The time from the first 429 to the first attempt
//     let through again measures the refill interval.
//   - From then on every attempt (first ones and retries alike) takes the
//     next free slot, one interval after the one before, so attempts sent
//     together queue up on the client instead of all meeting 429.
//   - Each paced attempt let through shortens the interval a little, each
//     paced one that meets 429 lengthens it, so it follows the server.
//   - After a quiet spell the pacer forgets, and the server's burst is
//     available again.
//
// Each client (and each client WithToken makes) has its own pacer, since
// NetBird keeps one bucket per token. The retry layer (retry.go) sends
// every attempt in its slot.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration // learned time between attempts; 0: not pacing
	next     time.Time     // the next free slot, while pacing
	first    time.Time     // first 429 while learning; zero otherwise
	longest  time.Duration // longest wait after first that still met 429
	epoch    int           // counts the changes of interval
}

// errPastDeadline is a paced attempt whose slot comes after its deadline.
var errPastDeadline = errors.New("rate limited: this token's next free slot is past the call's deadline")

// wait blocks until the attempt's slot, when pacing, and says whether the
// attempt was paced, and at which epoch of the interval.
func (p *pacer) wait(ctx context.Context) (paced bool, epoch int, err error) {
	p.mu.Lock()
	if p.interval == 0 {
		p.mu.Unlock()
		return false, 0, nil
	}
	now := time.Now()
	if now.Sub(p.next) > max(time.Minute, 10*p.interval) {
		p.interval, p.next = 0, time.Time{} // quiet for long: forget
		p.mu.Unlock()
		return false, 0, nil
	}
	epoch = p.epoch
	slot := p.next
	if now.After(slot) {
		slot = now
	}
	if deadline, ok := ctx.Deadline(); ok && slot.After(deadline) {
		p.mu.Unlock()
		return true, epoch, errPastDeadline
	}
	p.next = slot.Add(p.interval)
	p.mu.Unlock()
	d := slot.Sub(now)
	if d <= 0 {
		return true, epoch, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return true, epoch, ctx.Err()
	case <-t.C:
		return true, epoch, nil
	}
}

// limited records a 429 without Retry-After for the call s and says how
// long to wait before its next attempt (which then also waits for its
// slot, when pacing). minWait and maxWait bound the probing waits while
// the rate is unknown.
func (p *pacer) limited(now time.Time, s *callState, minWait, maxWait time.Duration) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.interval > 0 {
		if !s.paced {
			return 0 // sent before the pacer knew the rate: queue up
		}
		// Sent in its slot and still too early: the interval is too short
		// (lengthen it once for the slots given out at that length).
		// Try again soon, ahead of the queue, and move the queue after it.
		if s.epoch == p.epoch {
			p.interval += p.interval / 8
			p.epoch++
		}
		at := now.Add(p.interval / 8)
		if end := at.Add(p.interval); end.After(p.next) {
			p.next = end
		}
		s.probing = true
		return at.Sub(now)
	}
	if p.first.IsZero() {
		p.first = now
	}
	p.longest = max(p.longest, now.Sub(p.first))
	d := minWait
	for range s.probes {
		d += d / 2
		if d >= maxWait {
			return maxWait
		}
	}
	return d
}

// until is how long from now until the next free slot: what a retry
// waits at least.
func (p *pacer) until(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.interval == 0 {
		return 0
	}
	return max(0, p.next.Sub(now))
}

// allowed records an attempt the server let through: sent at sent, in a
// slot of the given epoch if paced. Only attempts sent after the first 429
// measure the interval: the others were let through from the burst.
func (p *pacer) allowed(sent, now time.Time, paced bool, epoch int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.interval > 0:
		if paced {
			p.interval -= p.interval / 16
		}
	case !p.first.IsZero() && sent.After(p.first):
		// The bucket refilled somewhere between the longest wait that
		// still met 429 and now.
		p.interval = (p.longest + now.Sub(p.first)) / 2
		p.next = now.Add(p.interval)
		p.first, p.longest = time.Time{}, 0
	}
}
