package netbird

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
)

// callSeq is the streaming form of callJSON for an answer that is a JSON
// array: it sends the request build makes and yields the array's elements
// one at a time, each decoded from the response stream as the caller asks
// for it, so what is held is one element and the decoder's buffer, never
// the whole list.
//
// Each range sends a request of its own. An error is yielded once, with a
// zero element, and ends the iteration: an error of build (the request was
// not sent), an *APIError for a non-2xx answer (the same as the slice
// form's), a *DecodeError for a body that is not an array or breaks off (no
// element is ever yielded half-decoded), and a *TransportError wrapping the
// context's error when the call's context ends. Breaking out of the loop
// closes the body, after draining at most 64 KiB of what is left so that a
// nearly finished answer leaves its connection for reuse.
//
// The client's timeout covers the whole iteration, as it covers reading
// the body in the slice form.
func callSeq[T any](ctx context.Context, c *Client, op string, opts []RequestOption, build func() (*http.Request, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		req, err := build()
		if err != nil {
			yield(zero, requestError(op, err))
			return
		}
		ctx, cancel := c.deadline(ctx)
		defer cancel()
		resp, err := c.send(ctx, op, req, opts)
		if err != nil {
			yield(zero, err)
			return
		}
		defer closeBody(resp)
		// fail reports why the stream ended early: the call's end, if it
		// has ended (a read then fails for that reason), else the body.
		fail := func(err error) {
			if cerr := ctx.Err(); cerr != nil {
				err = &TransportError{Op: op, Method: resp.Request.Method, Path: resp.Request.URL.EscapedPath(), Err: cerr}
			} else {
				err = decodeError(op, resp, err)
			}
			yield(zero, err)
		}
		dec := json.NewDecoder(resp.Body)
		switch tok, err := dec.Token(); {
		case errors.Is(err, io.EOF):
			fail(errNoBody)
			return
		case err != nil:
			fail(err)
			return
		case tok == nil:
			return // null: NetBird's empty list
		case tok != json.Delim('['):
			fail(fmt.Errorf("want a JSON array, got %v", tok))
			return
		}
		v := new(T) // one allocation for the loop, not one per element
		for dec.More() {
			if ctx.Err() != nil { // data already buffered would decode
				fail(nil)
				return
			}
			*v = zero // decoding merges into what is there
			if err := dec.Decode(v); err != nil {
				fail(unexpectedEOF(err))
				return
			}
			if !yield(*v, nil) {
				return
			}
		}
		// More stops at the closing bracket, and also at a read error or
		// the end of a truncated body, which Token then reports.
		if _, err := dec.Token(); err != nil {
			fail(unexpectedEOF(err))
		} else if dec.More() { // as strict as the slice form
			fail(errTrailingData)
		}
	}
}

// unexpectedEOF says that a body which ends inside the array ended too soon.
func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
