package netbird

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// APIError is what every non-2xx answer from NetBird becomes. Reach it with
// errors.As, or ask with IsNotFound, IsUnauthorized and friends.
//
// It carries no request headers and no query string, so it can be logged as
// it is: the token never appears in it.
type APIError struct {
	StatusCode int    // HTTP status, e.g. 404
	Message    string // NetBird's "message", or a short sanitized snippet of a non-JSON body
	Code       int    // NetBird's "code" (usually the HTTP status); 0 when the body had none
	RequestID  string // the X-Request-Id header, for NetBird's logs
	Op         string // the operation, e.g. "GetPeer"
	Method     string // HTTP method
	Path       string // URL path as sent, without the query
}

// Error reads like: netbird: GET /api/peers/abc: 404 Not Found: peer not found (request id 7f3c…)
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "netbird: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// Is lets errors.Is(err, netbird.ErrNotFound) and the other sentinels match
// an *APIError by status. NetBird's answer to a token it does not know is
// the exception: it matches ErrUnauthorized, not ErrNotFound (see
// IsUnauthorized).
func (e *APIError) Is(target error) bool {
	s, ok := target.(statusError)
	if !ok {
		return false
	}
	if e.unknownToken() {
		return s == http.StatusUnauthorized
	}
	return int(s) == e.StatusCode
}

// unknownTokenPrefix starts NetBird's message for a well-formed PAT that is
// not in its store (never issued, or deleted), which it answers with 404
// "invalid token: pat: <hash of the token> not found": its auth middleware
// wraps the store's error so. (NetBird's other "invalid token …" messages,
// about invite tokens, have no colon.)
const unknownTokenPrefix = "invalid token: "

// unknownToken reports NetBird's 404 for a token it does not know: an
// authentication failure, whatever the status says.
func (e *APIError) unknownToken() bool {
	return e.StatusCode == http.StatusNotFound && strings.HasPrefix(strings.ToLower(e.Message), unknownTokenPrefix)
}

// statusError is the type of the status sentinels.
type statusError int

func (s statusError) Error() string {
	return fmt.Sprintf("netbird: %d %s", int(s), http.StatusText(int(s)))
}

// Sentinels for errors.Is; each matches an *APIError with that status.
var (
	ErrBadRequest   error = statusError(http.StatusBadRequest)
	ErrUnauthorized error = statusError(http.StatusUnauthorized)
	ErrForbidden    error = statusError(http.StatusForbidden)
	ErrNotFound     error = statusError(http.StatusNotFound)
	ErrConflict     error = statusError(http.StatusConflict)
	ErrRateLimited  error = statusError(http.StatusTooManyRequests)
)

// IsNotFound reports whether err is an *APIError with status 404, other
// than NetBird's 404 for a token it does not know (see IsUnauthorized).
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsUnauthorized reports whether err is an *APIError with status 401, or
// NetBird's 404 "invalid token" for a token it does not know (deleted, or
// never issued): either way the token is no good. StatusCode stays what
// NetBird sent.
func IsUnauthorized(err error) bool { return errors.Is(err, ErrUnauthorized) }

// IsForbidden reports whether err is an *APIError with status 403.
func IsForbidden(err error) bool { return errors.Is(err, ErrForbidden) }

// IsConflict reports whether err is an *APIError with status 409. NetBird
// also reports some conflicts as 400 ("group has been linked to route").
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }

// IsRateLimited reports whether err is an *APIError with status 429, after
// the client's retries (if any) gave up.
func IsRateLimited(err error) bool { return errors.Is(err, ErrRateLimited) }

// TransportError is a call that got no HTTP answer: connection refused or
// reset, TLS failure, timeout, cancelled context, refused redirect.
type TransportError struct {
	Op, Method, Path string
	Err              error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("netbird: %s %s: %v", e.Method, e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// DecodeError is a 2xx answer whose body could not be decoded into the
// operation's result type.
type DecodeError struct {
	Op, Method, Path string
	Status           int
	Err              error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("netbird: %s %s: %d %s: invalid response body: %v", e.Method, e.Path, e.Status, http.StatusText(e.Status), e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// newAPIError reads at most max bytes of an error answer.
func newAPIError(op string, req *http.Request, resp *http.Response, max int64) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		RequestID:  snippet(resp.Header.Get("X-Request-Id"), 64),
		Op:         op,
		Method:     req.Method,
		Path:       req.URL.EscapedPath(), // escaped: an id can hold any byte
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, max))
	var nb struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	}
	if json.Unmarshal(body, &nb) == nil && (nb.Message != "" || nb.Code != 0) {
		e.Message, e.Code = snippet(nb.Message, 500), nb.Code
		if e.unknownToken() {
			// The message carries the hash of the token: not the token, but
			// nothing a log needs either.
			e.Message = unknownTokenPrefix + "the server does not know this token (deleted, or never issued)"
		}
	} else {
		e.Message = snippet(stripTags(string(body)), 200)
	}
	return e
}

// snippet makes untrusted text safe to print on one line: control
// characters go, runs of space collapse, and it is cut to n runes.
func snippet(s string, n int) string {
	s = strings.ToValidUTF8(stripANSI(s), "\uFFFD")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// stripANSI drops terminal colour and cursor sequences: ESC [, then digits,
// ';' or '?', then a letter. (A loop rather than a regexp: the client needs
// no regexp of its own, which is one less reason for programs to link the
// regexp package.)
func stripANSI(s string) string {
	if strings.IndexByte(s, 0x1b) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == '?') {
				j++
			}
			if j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				i = j // skip the whole sequence
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// stripTags drops HTML markup, so a proxy's 502 page reads as its text.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unwrapURLError drops *url.Error's wrapper: it repeats the method and the
// full URL, which the TransportError already says without the query.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
