package netbird

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sync"

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
// the call's context, user agent, the account parameter (ForAccount), call
// options, then the token. A non-2xx answer becomes an *APIError; on
// success the caller owns resp.Body, and resp.Request is what was sent.
func (c *Client) send(ctx context.Context, op string, req *http.Request, opts []RequestOption) (*http.Response, error) {
	req = req.WithContext(ctx)
	// Both values in one allocation; each slice is full, so an Add copies.
	hv := &[2]string{c.userAgent, "application/json"}
	req.Header["User-Agent"], req.Header["Accept"] = hv[0:1:1], hv[1:2:2]
	if c.accountQuery != "" {
		// Here, before the call's options, so that WithRequestEditor sees it
		// and nothing rewrites the URL after the editors ran. No operation
		// of the document has a query parameter of that name (a test checks).
		if req.URL.RawQuery == "" {
			req.URL.RawQuery = c.accountQuery
		} else {
			req.URL.RawQuery += "&" + c.accountQuery
		}
	}
	for _, o := range opts {
		if err := o(req); err != nil {
			return nil, err
		}
	}
	if err := c.editor(ctx, req); err != nil { // last: nothing after it can touch the token
		return nil, requestError(op, err)
	}
	// The retry layer is called directly: it sends each attempt through an
	// http.Client, which follows redirects and applies the attempt timeout;
	// a second http.Client around it would only copy headers again.
	resp, err := c.rt.do(req, c.pace)
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
	if err := decodeJSON(resp, &out); err != nil {
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

// errTrailingData marks an answer with more after its JSON value.
var errTrailingData = errors.New("more data after the JSON value")

// pooledBody is the largest answer decodeJSON reads into a pooled buffer.
const pooledBody = 64 << 10

var bodyPool = sync.Pool{New: func() any { return new([]byte) }}

// decodeJSON decodes resp's JSON body into v. An answer whose
// Content-Length is known and modest (most single objects) is read at once
// into a pooled buffer and unmarshalled: no decoder, no buffer grown by
// doubling. Others (long lists, sent chunked) stream through a decoder.
func decodeJSON(resp *http.Response, v any) error {
	n := resp.ContentLength
	if n < 0 || n > pooledBody {
		dec := json.NewDecoder(resp.Body)
		err := dec.Decode(v)
		if err == io.EOF {
			err = errNoBody
		}
		if err == nil && dec.More() { // as strict as json.Unmarshal below
			err = errTrailingData
		}
		return err
	}
	if n == 0 {
		return errNoBody
	}
	bp := bodyPool.Get().(*[]byte)
	defer bodyPool.Put(bp)
	if int64(cap(*bp)) < n {
		*bp = make([]byte, n)
	}
	b := (*bp)[:n]
	if _, err := io.ReadFull(resp.Body, b); err != nil {
		return err
	}
	// Safe to reuse b afterwards: encoding/json copies what it keeps, and
	// UnmarshalJSON methods must copy the data they retain.
	return json.Unmarshal(b, v)
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
