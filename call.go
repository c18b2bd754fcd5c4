package netbird

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"

	"github.com/netbird-go/netbird/api"
)

// RequestOption adjusts one call, e.g. c.Peers.List(ctx, nil, netbird.WithHeader("X-Trace", id)).
type RequestOption func(*http.Request) error

// WithHeader sets a header on one call. It cannot replace the
// Authorization header: the client's token always wins.
func WithHeader(key, value string) RequestOption {
	return func(r *http.Request) error {
		if http.CanonicalHeaderKey(key) == "Authorization" {
			return fmt.Errorf("netbird: WithHeader cannot set Authorization; use Client.WithToken")
		}
		r.Header.Set(key, value)
		return nil
	}
}

// WithRequestEditor runs fn on the request of one call, after the client's
// own headers and before authentication. The request's URL is the one that
// will be sent.
func WithRequestEditor(fn api.RequestEditorFn) RequestOption {
	return func(r *http.Request) error { return fn(r.Context(), r) }
}

// send prepares req, built by one of api's request builders, and sends it:
// the call's context, user agent, call options, then the token. A non-2xx
// answer becomes an *APIError; on success the caller owns resp.Body, and
// resp.Request is what was sent.
func (c *Client) send(ctx context.Context, op string, req *http.Request, opts []RequestOption) (*http.Response, error) {
	req = req.WithContext(withCallState(ctx, c.pace)) // for the retry and pace layers
	// Both values in one allocation; each slice is full, so an Add copies.
	hv := &[2]string{c.userAgent, "application/json"}
	req.Header["User-Agent"], req.Header["Accept"] = hv[0:1:1], hv[1:2:2]
	for _, o := range opts {
		if err := o(req); err != nil {
			return nil, err
		}
	}
	if err := c.editor(ctx, req); err != nil { // last: nothing after it can touch the token
		return nil, requestError(op, err)
	}
	// The retry layer is called directly: it wraps an http.Client per
	// attempt, which follows redirects and applies the attempt timeout; a
	// second http.Client around it would only copy headers again.
	resp, err := c.rt.RoundTrip(req)
	if err != nil {
		return nil, &TransportError{Op: op, Method: req.Method, Path: req.URL.EscapedPath(), Err: unwrapURLError(err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer closeBody(resp)
		return nil, newAPIError(op, req, resp, c.maxError)
	}
	return resp, nil
}

// callJSON sends a request and decodes a JSON answer into T.
func callJSON[T any](ctx context.Context, c *Client, op string, req *http.Request, opts []RequestOption) (T, error) {
	var out T
	ctx, cancel := c.deadline(ctx)
	defer cancel()
	resp, err := c.send(ctx, op, req, opts)
	if err != nil {
		return out, err
	}
	defer closeBody(resp)
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		if err == io.EOF {
			err = errNoBody
		}
		var zero T // never half a result
		return zero, decodeError(op, resp, err)
	}
	// JSON null decodes to a nil pointer without error: an object was
	// promised, so say so rather than hand the caller a nil *T. (A null list
	// is fine: NetBird sends null for empty arrays, and nil is empty.)
	if v := reflect.ValueOf(&out).Elem(); v.Kind() == reflect.Pointer && v.IsNil() {
		return out, decodeError(op, resp, errNullBody)
	}
	return out, nil
}

// decodeError is a 2xx answer whose body could not be decoded.
func decodeError(op string, resp *http.Response, err error) *DecodeError {
	return &DecodeError{Op: op, Method: resp.Request.Method, Path: resp.Request.URL.EscapedPath(), Status: resp.StatusCode, Err: err}
}

// callNoContent sends a request whose answer carries nothing we need.
func callNoContent(ctx context.Context, c *Client, op string, req *http.Request, opts []RequestOption) error {
	ctx, cancel := c.deadline(ctx)
	defer cancel()
	resp, err := c.send(ctx, op, req, opts)
	if err != nil {
		return err
	}
	closeBody(resp)
	return nil
}

// callBytes sends a request and returns the whole answer (file downloads).
func callBytes(ctx context.Context, c *Client, op string, req *http.Request, opts []RequestOption) ([]byte, error) {
	ctx, cancel := c.deadline(ctx)
	defer cancel()
	resp, err := c.send(ctx, op, req, opts)
	if err != nil {
		return nil, err
	}
	defer closeBody(resp)
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		return nil, &TransportError{Op: op, Method: req.Method, Path: resp.Request.URL.EscapedPath(), Err: err}
	}
	return b.Bytes(), nil
}

// closeBody drains a little of what is left of the body, so the
// connection can be reused, and closes it.
func closeBody(resp *http.Response) {
	const most = 64 << 10
	if resp.ContentLength >= 0 && resp.ContentLength <= most {
		// net/http stops the body at its Content-Length: no limit needed
		// (which saves allocating one on every call).
		_, _ = io.Copy(io.Discard, resp.Body)
	} else {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, most))
	}
	_ = resp.Body.Close()
}

// checkPathParam refuses path parameters that would send the request
// somewhere else: an empty id drops a path segment (GET /api/peers/ lists
// instead of getting), and "." or ".." would be resolved away. Anything
// else is escaped by api's request builders, "/" and "%" included.
func checkPathParam(name, value string) error {
	switch value {
	case "":
		return fmt.Errorf("%s is empty", name)
	case ".", "..":
		return fmt.Errorf("%s %q is not a valid id: it would change the request path", name, value)
	}
	return nil
}
