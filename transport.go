package netbird

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/netbird-go/netbird/auth"
)

// The transport chain every call goes through, outermost first: retries
// and the pace after 429s (retry.go, pace.go), the attempt's http.Client
// (timeout, redirects), the rate limit, logging, and the base transport.

// transport builds the transport chain:
// retries and pace → attempt (timeout, redirects) → rate limit → logging
// → base transport (TLS from the config).
func (o *options) transport(s *auth.Settings) *retrier {
	base := o.baseTransport
	if base == nil {
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       s.TLSConfig(),
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 0, // the call and attempt timeouts bound it
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   100,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		}
	}
	rt := base
	if o.logLayer != nil {
		rt = o.logLayer(rt)
	}
	if o.limitLayer != nil {
		rt = o.limitLayer(rt)
	}
	attempt := &http.Client{Transport: rt, Timeout: o.attemptTimeout, CheckRedirect: sameHostRedirects}
	return &retrier{attempt: attempt, policy: o.retry}
}

// sameHostRedirects follows a redirect only to the same scheme and host:
// the token must never reach another server, nor travel in clear text.
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return &redirectError{"stopped after 5 redirects"}
	}
	first := via[0].URL
	if req.URL.Host != first.Host || req.URL.Scheme != first.Scheme {
		return &redirectError{fmt.Sprintf("refusing redirect from %s://%s to %s://%s: the token only goes to the configured server", first.Scheme, first.Host, req.URL.Scheme, req.URL.Host)}
	}
	return nil
}

// redirectError is a redirect the client would not follow.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// limitTransport waits for the rate limiter before each attempt.
type limitTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.limiter.Wait(req.Context()); err != nil {
		return nil, err
	}
	return t.next.RoundTrip(req)
}

// logTransport logs each attempt at debug level. It sees the request after
// authentication, so it logs only fields that cannot carry the token:
// never headers, never the query string, never bodies.
type logTransport struct {
	next http.RoundTripper
	log  *slog.Logger
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.EscapedPath()), // escaped: an id can hold any byte
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", unwrapURLError(err).Error()))
		t.log.LogAttrs(req.Context(), slog.LevelDebug, "netbird request failed", attrs...)
		return resp, err
	}
	attrs = append(attrs, slog.Int("status", resp.StatusCode))
	if id := resp.Header.Get("X-Request-Id"); id != "" {
		attrs = append(attrs, slog.String("request_id", id))
	}
	t.log.LogAttrs(req.Context(), slog.LevelDebug, "netbird request", attrs...)
	return resp, err
}
