package netbird

import (
	"log/slog"
	"net/http"
	"time"
)

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
