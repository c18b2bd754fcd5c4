package netbird

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
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
type RetryPolicy struct {
	MaxRetries int           // attempts after the first; 0 disables retries
	MinWait    time.Duration // first wait before jitter
	MaxWait    time.Duration // cap on any wait
}

// DefaultRetryPolicy is 3 retries, waits from 500ms up to 10s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, MinWait: 500 * time.Millisecond, MaxWait: 10 * time.Second}
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
	return &retryablehttp.RoundTripper{Client: &retryablehttp.Client{
		HTTPClient:   attempt,
		Logger:       nil, // no retry chatter on stderr; WithLogger logs attempts
		RetryWaitMin: p.MinWait,
		RetryWaitMax: p.MaxWait,
		RetryMax:     p.MaxRetries,
		CheckRetry:   retryCheck(idempotent, p.MaxWait),
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler, // the last answer becomes an *APIError
	}}
}

// retryTransport keeps the RoundTripper contract: a response or an error,
// never both (go-retryablehttp can pass both through when giving up).
type retryTransport struct{ idempotent, other *retryablehttp.RoundTripper }

func (t retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
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
func retryCheck(idempotent bool, maxWait time.Duration) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if err != nil {
			if notConnected(err) {
				return true, nil
			}
			return idempotent && !permanent(err), nil
		}
		// A server that asks for a longer wait than MaxWait gets its answer
		// passed on at once, rather than a call that hangs for its deadline.
		if tooLong(resp, maxWait) {
			return false, nil
		}
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			return true, nil
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return idempotent, nil
		}
		return false, nil
	}
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
// certificate that does not verify.
func permanent(err error) bool {
	var rerr *redirectError
	var cerr *tls.CertificateVerificationError
	return errors.As(err, &rerr) || errors.As(err, &cerr)
}
