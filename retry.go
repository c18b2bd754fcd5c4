package netbird

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/sethvargo/go-retry"
)

// RetryPolicy says which failed attempts are tried again and how long to
// wait in between. The default (DefaultRetryPolicy) retries up to 3 times.
//
// What is retried:
//   - a connection that could not be made (refused, DNS failure): any method,
//     since the server cannot have acted;
//   - 429 Too Many Requests: any method, since NetBird refused before acting;
//   - 502, 503, 504 and connection errors after the request may have been
//     sent (reset, EOF, timeout): only idempotent methods (GET, HEAD, PUT,
//     DELETE, OPTIONS). A POST is never repeated after a 5xx: it may have
//     created something.
//
// The wait doubles from MinWait, with random jitter of ±50% so that many
// clients do not retry in step, and never exceeds MaxWait. A Retry-After
// header on a 429 or 503 is honoured instead (NetBird sends none today).
// A cancelled context ends the wait at once.
//
// With WaitOutRateLimits (the default), 429s are not counted in MaxRetries:
// a call meeting NetBird's rate limiter waits its turn for as long as its
// deadline (auth.Config.Timeout, or the context's) allows, and the client
// learns the rate the server lets its token through and spaces its
// requests to match, instead of sending requests bound to meet 429. A 429
// whose wait would end past the deadline is returned at once, and so is
// the last 429 when the deadline ends a later attempt: the call fails with
// the server's answer, not the deadline. Without a deadline, 429s count in
// MaxRetries.
type RetryPolicy struct {
	MaxRetries        int           // attempts after the first; 0 disables retries
	MinWait           time.Duration // first wait before jitter
	MaxWait           time.Duration // cap on any wait
	WaitOutRateLimits bool          // retry 429s until the call's deadline, pacing the client
}

// DefaultRetryPolicy is 3 retries, waits from 500ms up to 10s, and 429s
// waited out until the call's deadline.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, MinWait: 500 * time.Millisecond, MaxWait: 10 * time.Second, WaitOutRateLimits: true}
}

func (p RetryPolicy) validate() error {
	if p.MaxRetries < 0 || p.MaxRetries > 20 {
		return fmt.Errorf("netbird: RetryPolicy.MaxRetries %d: must be between 0 and 20", p.MaxRetries)
	}
	if p.MaxRetries > 0 && (p.MinWait <= 0 || p.MaxWait < p.MinWait) {
		return fmt.Errorf("netbird: RetryPolicy waits %v..%v: need 0 < MinWait ≤ MaxWait", p.MinWait, p.MaxWait)
	}
	return nil
}

// retrier is the outermost layer of the transport chain: it sends each
// attempt of a call through the attempt client (timeout, redirects, and
// the layers below), in its slot of the token's pacer, and decides after
// each whether to try again. A call that succeeds at once costs nothing
// here beyond the attempt.
type retrier struct {
	attempt *http.Client
	policy  RetryPolicy
}

// callState is what one call counts across its attempts.
type callState struct {
	retries  int           // retries counted in MaxRetries
	probes   int           // 429s waited out
	paced    bool          // the last attempt was sent in a slot of the pacer
	epoch    int           // the pacer's epoch when it gave out that slot
	probing  bool          // the next attempt goes at once, without a slot
	backoff  retry.Backoff // the exponential waits, made on the first one
	rateWait time.Duration // the wait rateLimited chose for a 429
}

// do sends req, and again while the policy says so. It returns a response
// or an error, never both; the caller owns the response's body.
func (r *retrier) do(req *http.Request, pace *pacer) (*http.Response, error) {
	ctx := req.Context()
	var s callState
	// limited is the last 429 waited out, its body read: if the deadline
	// ends the next attempt, its wait or its pacer slot, the caller gets
	// this answer.
	var limited *http.Response
	expired := func(err error) (*http.Response, error) {
		if limited != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errPastDeadline)) {
			return limited, nil
		}
		return nil, err
	}
	for {
		resp, err := r.try(req, pace, &s)
		if ctx.Err() != nil {
			if resp != nil {
				closeBody(resp)
			}
			return expired(ctx.Err())
		}
		if errors.Is(err, errPastDeadline) {
			return expired(err)
		}
		if r.policy.MaxRetries == 0 || !r.again(ctx, req.Method, resp, err, &s, pace) {
			return resp, err
		}
		if req.Body != nil && req.Body != http.NoBody {
			if req.GetBody == nil { // a body that cannot be sent twice
				return resp, err
			}
			body, gerr := req.GetBody()
			if gerr != nil {
				return resp, err
			}
			req.Body = body
		}
		wait := r.wait(resp, &s)
		if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			limited = buffered(resp)
		} else if resp != nil {
			closeBody(resp)
		}
		if err := sleep(ctx, wait); err != nil {
			return expired(err)
		}
	}
}

// buffered returns resp with its body (the first 64 KiB) read into memory
// and the connection released.
func buffered(resp *http.Response) *http.Response {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	closeBody(resp)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// try sends one attempt, in its slot of the pacer, and tells the pacer
// when the server let it through.
func (r *retrier) try(req *http.Request, pace *pacer, s *callState) (*http.Response, error) {
	if s.probing { // a retry rateLimited chose to send at once
		s.probing, s.paced = false, false
	} else {
		var err error
		if s.paced, s.epoch, err = pace.wait(req.Context()); err != nil {
			return nil, err
		}
	}
	sent := time.Now()
	resp, err := r.attempt.Do(req)
	if err != nil {
		// Only a refused redirect returns both, with the body already closed.
		return nil, unwrapURLError(err)
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		pace.allowed(sent, time.Now(), s.paced, s.epoch)
	}
	return resp, nil
}

// again applies the policy to one attempt's outcome.
func (r *retrier) again(ctx context.Context, method string, resp *http.Response, err error, s *callState, pace *pacer) bool {
	p := r.policy
	// A server that asks for a longer wait than MaxWait gets its answer
	// passed on at once, rather than a call that hangs for its deadline.
	if d, ok := retryAfter(resp); ok && d > p.MaxWait {
		return false
	}
	if p.WaitOutRateLimits && err == nil && resp.StatusCode == http.StatusTooManyRequests {
		return s.rateLimited(ctx, resp, p, pace)
	}
	if !retryable(idempotent(method), resp, err) {
		return false
	}
	s.retries++
	return s.retries <= p.MaxRetries
}

// rateLimited decides whether to wait out a 429, and for how long: until
// the pacer's next slot (or the Retry-After), if that is before the
// deadline.
func (s *callState) rateLimited(ctx context.Context, resp *http.Response, p RetryPolicy, pace *pacer) bool {
	now := time.Now()
	wait, ok := retryAfter(resp)
	if !ok {
		wait = pace.limited(now, s, p.MinWait, p.MaxWait)
	}
	s.probes++
	if deadline, ok := ctx.Deadline(); !ok {
		s.retries++
		if s.retries > p.MaxRetries {
			return false
		}
	} else if now.Add(max(wait, pace.until(now))).After(deadline) {
		return false
	}
	s.rateWait = wait
	return true
}

// wait is how long to wait before the next attempt: what rateLimited
// chose for a 429, the server's Retry-After, or the exponential backoff.
func (r *retrier) wait(resp *http.Response, s *callState) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests && r.policy.WaitOutRateLimits {
		return s.rateWait
	}
	if d, ok := retryAfter(resp); ok {
		return d
	}
	if s.backoff == nil {
		p := r.policy
		s.backoff = retry.WithCappedDuration(p.MaxWait, retry.WithJitterPercent(50, retry.NewExponential(p.MinWait)))
	}
	d, _ := s.backoff.Next() // never stops: MaxRetries and the deadline end the retries
	return d
}

// sleep waits for d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryable says whether an attempt's outcome is worth another attempt.
func retryable(idempotent bool, resp *http.Response, err error) bool {
	if err != nil {
		return notConnected(err) || idempotent && !permanent(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}

// retryAfter reads the Retry-After of a 429 or 503: seconds or a date.
// Seconds are compared before they become a Duration, which would
// overflow (to a negative wait) for values past about 292 years.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		if s > int64(time.Duration(1<<62)/time.Second) {
			return 1 << 62, true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(t)), true
	}
	return 0, false
}
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// notConnected reports errors where no request reached the server.
func notConnected(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)
}

// permanent errors are not helped by trying again: a refused redirect, a
// certificate that does not verify, a pace slot past the deadline.
func permanent(err error) bool {
	var rerr *redirectError
	var cerr *tls.CertificateVerificationError
	return errors.As(err, &rerr) || errors.As(err, &cerr) || errors.Is(err, errPastDeadline)
}
