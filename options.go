package netbird

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// Option configures a Client in New and NewFromEnv.
type Option func(*options) error

type options struct {
	baseTransport  http.RoundTripper
	userAgent      string
	retry          RetryPolicy
	attemptTimeout time.Duration
	// The optional layers of the transport chain, made by their options
	// only: a program that neither logs nor limits does not link log/slog's
	// handlers or x/time/rate.
	logLayer, limitLayer func(http.RoundTripper) http.RoundTripper
	maxErrorBody         int64
}

func defaultOptions() options {
	return options{
		userAgent:    "netbird-go/" + Version,
		retry:        DefaultRetryPolicy(),
		maxErrorBody: 64 << 10,
	}
}

// WithTransport sends requests through rt instead of a transport built from
// the configuration (TLS settings from auth.Config then do not apply: rt
// owns TLS). Retries, rate limiting and logging still wrap it.
func WithTransport(rt http.RoundTripper) Option {
	return func(o *options) error {
		if rt == nil {
			return errors.New("netbird: WithTransport(nil)")
		}
		o.baseTransport = rt
		return nil
	}
}

// WithHTTPClient sends requests through hc's transport. Only the transport
// is used: timeouts, redirects and retries are the client's own.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) error {
		if hc == nil {
			return errors.New("netbird: WithHTTPClient(nil)")
		}
		o.baseTransport = hc.Transport
		if o.baseTransport == nil {
			o.baseTransport = http.DefaultTransport
		}
		return nil
	}
}

// WithUserAgent replaces the User-Agent header (default netbird-go/<Version>).
func WithUserAgent(ua string) Option {
	return func(o *options) error {
		if ua == "" {
			return errors.New("netbird: WithUserAgent: empty user agent")
		}
		o.userAgent = ua
		return nil
	}
}

// WithRetryPolicy replaces the retry policy (DefaultRetryPolicy).
func WithRetryPolicy(p RetryPolicy) Option {
	return func(o *options) error {
		if err := p.validate(); err != nil {
			return err
		}
		o.retry = p
		return nil
	}
}

// WithoutRetries sends every request once.
func WithoutRetries() Option {
	return func(o *options) error {
		o.retry.MaxRetries = 0
		return nil
	}
}

// WithRateLimit spaces requests to at most perSecond on average, with
// bursts of up to burst, across all goroutines using the client: a bulk job
// sharing one token then stays under NetBird's per-token limit. Retries
// count too. Waiting ends early when the call's context ends.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(o *options) error {
		if perSecond <= 0 || burst < 1 {
			return fmt.Errorf("netbird: WithRateLimit(%v, %d): rate must be > 0 and burst ≥ 1", perSecond, burst)
		}
		limiter := rate.NewLimiter(rate.Limit(perSecond), burst)
		o.limitLayer = func(next http.RoundTripper) http.RoundTripper { return &limitTransport{next: next, limiter: limiter} }
		return nil
	}
}

// WithAttemptTimeout bounds each HTTP attempt; the Timeout of auth.Config
// bounds the whole call, retries included.
func WithAttemptTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("netbird: WithAttemptTimeout(%v): must be positive", d)
		}
		o.attemptTimeout = d
		return nil
	}
}

// WithLogger logs every attempt at debug level: operation, method, path,
// status, duration, attempt and request id. Never headers, bodies or the
// token.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		o.logLayer = func(next http.RoundTripper) http.RoundTripper { return &logTransport{next: next, log: l} }
		return nil
	}
}

// WithMaxErrorBody caps how much of an error answer is read (default 64 KiB),
// so a proxy that answers with a huge page cannot fill memory.
func WithMaxErrorBody(n int64) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("netbird: WithMaxErrorBody(%d): must be positive", n)
		}
		o.maxErrorBody = n
		return nil
	}
}
