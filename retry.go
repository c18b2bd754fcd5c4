package netbird

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
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
// The wait grows exponentially from MinWait, capped at MaxWait, with random
// jitter (between half and all of it) so that many clients do not retry in
// step. A Retry-After header on a 429 or 503 is honoured instead (NetBird
// sends none today). A cancelled context ends the wait at once.
//
// With WaitOutRateLimits (the default), 429s are not counted in MaxRetries:
// a call meeting NetBird's rate limiter waits its turn for as long as its
// deadline (auth.Config.Timeout, or the context's) allows, and the client
// learns the rate the server lets its token through and spaces its
// requests to match, instead of sending requests bound to meet 429. A 429
// whose wait would end past the deadline is returned at once. Without a
// deadline, 429s count in MaxRetries.
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

// transport is the retry layer around one attempt, built on go-retryablehttp.
func (p RetryPolicy) transport(attempt *http.Client) http.RoundTripper {
	if p.MaxRetries == 0 {
		return attemptTransport{attempt}
	}
	return retryTransport{idempotent: p.retrier(attempt, true), other: p.retrier(attempt, false)}
}

// retrier is a go-retryablehttp round tripper for requests whose method is
// idempotent, or not: its CheckRetry needs to know, and sees only the
// context when an attempt failed without an answer.
func (p RetryPolicy) retrier(attempt *http.Client, idempotent bool) *retryablehttp.RoundTripper {
	retryMax := p.MaxRetries
	if p.WaitOutRateLimits {
		retryMax = math.MaxInt32 // retryCheck counts: MaxRetries, or the deadline for 429s
	}
	return &retryablehttp.RoundTripper{Client: &retryablehttp.Client{
		HTTPClient:   attempt,
		Logger:       nil, // no retry chatter on stderr; WithLogger logs attempts
		RetryWaitMin: p.MinWait,
		RetryWaitMax: p.MaxWait,
		RetryMax:     retryMax,
		CheckRetry:   retryCheck(idempotent, p),
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler, // the last answer becomes an *APIError
	}}
}

// callState is what the retry and pace layers keep for one call: the
// client's pacer, and what the retry rules count. send puts it in the
// request's context; go-retryablehttp hands that context to retryCheck,
// and the answer's request to backoff.
type callState struct {
	pace       *pacer
	retries    int           // retries counted in MaxRetries
	probes     int           // 429s waited out
	paced      bool          // this attempt was sent in a slot of the pacer
	epoch      int           // the pacer's epoch when it gave out the slot
	probing    bool          // the next attempt goes at once, without a slot
	wait       time.Duration // the wait rateLimited chose for a 429, for backoff
	waitChosen bool
}

type callStateKey struct{}

// withCallState returns ctx carrying a new callState for pace.
func withCallState(ctx context.Context, pace *pacer) context.Context {
	return context.WithValue(ctx, callStateKey{}, &callState{pace: pace})
}

func stateOf(ctx context.Context) *callState {
	s, _ := ctx.Value(callStateKey{}).(*callState)
	return s
}

// rateLimited decides whether to wait out a 429, and for how long: until
// the pacer's next slot (or the Retry-After), if that is before the
// deadline.
func (s *callState) rateLimited(ctx context.Context, resp *http.Response, p RetryPolicy) bool {
	now := time.Now()
	var wait time.Duration
	if resp.Header.Get("Retry-After") != "" {
		wait = retryablehttp.DefaultBackoff(p.MinWait, p.MaxWait, s.probes, resp)
	} else {
		wait = s.pace.limited(now, s, p.MinWait, p.MaxWait)
	}
	s.probes++
	if deadline, ok := ctx.Deadline(); !ok {
		s.retries++
		if s.retries > p.MaxRetries {
			return false
		}
	} else if now.Add(max(wait, s.pace.until(now))).After(deadline) {
		return false
	}
	s.wait, s.waitChosen = wait, true
	return true
}

// retryTransport keeps the RoundTripper contract: a response or an error,
// never both (go-retryablehttp can pass both through when giving up).
type retryTransport struct{ idempotent, other *retryablehttp.RoundTripper }

func (t retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if stateOf(req.Context()) == nil { // retryCheck needs one to count
		req = req.WithContext(withCallState(req.Context(), &pacer{}))
	}
	rt := t.other
	if idempotent(req.Method) {
		rt = t.idempotent
	}
	resp, err := rt.RoundTrip(req)
	if err != nil && resp != nil {
		closeBody(resp)
		resp = nil
	}
	return resp, err
}

// attemptTransport sends each request once through the attempt client, so
// both paths share its timeout and redirect rules.
type attemptTransport struct{ c *http.Client }

func (t attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.c.Do(req)
	if err != nil {
		// Only a refused redirect returns both, with the body already closed.
		return nil, unwrapURLError(err)
	}
	return resp, nil
}

// retryCheck applies RetryPolicy's rules to one attempt's outcome, for a
// request whose method is idempotent or not.
func retryCheck(idempotent bool, p RetryPolicy) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		// A server that asks for a longer wait than MaxWait gets its answer
		// passed on at once, rather than a call that hangs for its deadline.
		if err == nil && tooLong(resp, p.MaxWait) {
			return false, nil
		}
		if !p.WaitOutRateLimits {
			return retryable(idempotent, resp, err), nil
		}
		s := stateOf(ctx)
		if err == nil && resp.StatusCode == http.StatusTooManyRequests {
			return s.rateLimited(ctx, resp, p), nil
		}
		if !retryable(idempotent, resp, err) {
			return false, nil
		}
		s.retries++
		return s.retries <= p.MaxRetries, nil
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

// tooLong reports a 429 or 503 whose Retry-After asks for more than maxWait.
// It reads the header itself: go-retryablehttp multiplies the seconds into
// a Duration, which overflows (to a negative wait, an immediate retry) for
// values past about 292 years.
func tooLong(resp *http.Response, maxWait time.Duration) bool {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return false
	}
	v := resp.Header.Get("Retry-After")
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		return s > int64(maxWait/time.Second) // in whole seconds: cannot overflow
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t) > maxWait
	}
	return false
}

// backoff is exponential (go-retryablehttp's DefaultBackoff, which also
// reads Retry-After) with jitter added when the server gave no Retry-After.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		if s := stateOf(resp.Request.Context()); s != nil && s.waitChosen {
			s.waitChosen = false
			return s.wait
		}
	}
	d := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, resp)
	if resp != nil && resp.Header.Get("Retry-After") != "" {
		return d
	}
	return d/2 + rand.N(d/2+1) //nolint:gosec // jitter needs no cryptographic randomness
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
