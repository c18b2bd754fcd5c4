package netbirdtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird/internal/sample"
)

// TestEveryOperation is the sandbox's self-test: every operation of the
// document, called with a minimal valid request, is answered with a 2xx (or
// a listed departure) and neither the request nor the answer breaks the
// document, in strict and in realistic mode.
func TestEveryOperation(t *testing.T) {
	doc, err := loadDocument()
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(doc.ops))
	for id := range doc.ops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	// As many as the vendored document has, whichever release it is.
	vendored, err := openapi3.NewLoader().LoadFromFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, item := range vendored.Paths.Map() {
		want += len(item.Operations())
	}
	if len(ids) != want {
		t.Errorf("the sandbox knows %d operations, openapi.yaml has %d", len(ids), want)
	}
	for _, mode := range []struct {
		name string
		opts []Option
	}{{"strict", nil}, {"realistic", []Option{WithRealistic()}}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			for _, id := range ids {
				t.Run(id, func(t *testing.T) {
					t.Parallel()
					srv := NewServer(t, mode.opts...)
					op := doc.ops[id]
					req := validRequest(t, srv, op)
					resp, err := srv.Client().Do(req)
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					_ = resp.Body.Close()
					want2xx := mode.name != "realistic" || id != "ListNetworkTrafficEvents"
					if got2xx := resp.StatusCode/100 == 2; got2xx != want2xx {
						t.Errorf("%s %s: status %d: %s", op.method, req.URL.Path, resp.StatusCode, body)
					}
					if resp.Header.Get("X-Request-Id") == "" {
						t.Error("no X-Request-Id")
					}
					if n := srv.Calls()[id]; n != 1 {
						t.Errorf("Calls()[%s] = %d, want 1", id, n)
					}
				})
			}
		})
	}
}

// validRequest builds a minimal valid request for op: path parameters from
// the seeded state (or synthesized), required query parameters and a
// request body synthesized from the document.
func validRequest(t *testing.T, srv *Server, op *operation) *http.Request {
	t.Helper()
	ids := srv.SampleIDs()
	path := pathParam.ReplaceAllStringFunc(op.path, func(m string) string {
		name := strings.Trim(m, "{}")
		if id, ok := ids[name]; ok {
			return url.PathEscape(id)
		}
		p := op.route.Operation.Parameters.GetByInAndName(openapi3.ParameterInPath, name)
		if p == nil {
			p = op.route.PathItem.Parameters.GetByInAndName(openapi3.ParameterInPath, name)
		}
		return url.PathEscape(fmt.Sprint(sample.Synth{Request: true}.Value(p.Schema, name, 0, 0)))
	})
	q, err := sample.Query(op.id)
	if err != nil {
		t.Fatal(err)
	}
	var body io.Reader
	if rb := op.route.Operation.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil {
			b, err := sample.Body(op.id)
			if err != nil {
				t.Fatal(err)
			}
			body = bytes.NewReader(b)
		}
	}
	u := srv.BaseURL() + strings.TrimPrefix(path, "/api")
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(t.Context(), op.method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Token "+srv.Token())
	return req
}
