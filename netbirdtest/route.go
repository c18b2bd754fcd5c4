package netbirdtest

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/netbird-go/netbird/internal/spec"
)

// operation is one operation of NetBird's document, with what the server
// needs to route, validate and answer it.
type operation struct {
	id     string   // our Go name, e.g. "ListPeers"
	method string   // "GET"
	path   string   // as in the document, e.g. "/api/peers/{peerId}"
	params []string // path parameter names, in path order
	route  *routers.Route
	// secured is false for the few operations the document opens to
	// everyone (security: []), e.g. GET /api/instance.
	secured bool
	// success is the lowest 2xx status the operation lists; body is the
	// schema of its application/json content (nil when it has none) and
	// mediaType the content type it declares ("" for none).
	success   int
	body      *openapi3.SchemaRef
	mediaType string
}

// document is the loaded NetBird document and everything derived from it
// once per process: the router, the operations by Go name and the resolved
// table of departures. It is read-only after loading, so
// every Server shares it.
type document struct {
	doc        *openapi3.T
	router     routers.Router
	ops        map[string]*operation // by operation ID
	byRouting  map[string]*operation // by the routing document's operation ID
	schemas    *schemaIndex
	departures *departureSet
}

// loadDocument loads and prepares the document once per process.
var loadDocument = sync.OnceValues(func() (*document, error) {
	doc, err := spec.Load()
	if err != nil {
		return nil, err
	}
	d := &document{doc: doc, ops: map[string]*operation{}, byRouting: map[string]*operation{}}
	if err := d.indexOperations(); err != nil {
		return nil, err
	}
	d.schemas = indexSchemas(doc)
	if d.router, err = d.buildRouter(); err != nil {
		return nil, err
	}
	if d.departures, err = resolveDepartures(d); err != nil {
		return nil, err
	}
	return d, nil
})

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// indexOperations fills d.ops from the document.
func (d *document) indexOperations() error {
	for _, path := range d.doc.Paths.InMatchingOrder() {
		item := d.doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return fmt.Errorf("netbirdtest: %s %s has no operationId", method, path)
			}
			if _, dup := d.ops[op.OperationID]; dup {
				return fmt.Errorf("netbirdtest: operationId %q is used twice", op.OperationID)
			}
			o := &operation{
				id:      op.OperationID,
				method:  method,
				path:    path,
				route:   &routers.Route{Spec: d.doc, Path: path, PathItem: item, Method: method, Operation: op},
				secured: op.Security == nil || len(*op.Security) > 0,
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				o.params = append(o.params, m[1])
			}
			o.success, o.body, o.mediaType = successResponse(op)
			d.ops[o.id] = o
		}
	}
	return nil
}

// successResponse finds the lowest 2xx status an operation lists and the
// schema of its content.
func successResponse(op *openapi3.Operation) (int, *openapi3.SchemaRef, string) {
	codes := make([]int, 0, 4)
	for code := range op.Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
			codes = append(codes, n)
		}
	}
	if len(codes) == 0 {
		return http.StatusOK, nil, ""
	}
	sort.Ints(codes)
	resp := op.Responses.Status(codes[0])
	if resp == nil || resp.Value == nil {
		return codes[0], nil, ""
	}
	if mt := resp.Value.Content.Get("application/json"); mt != nil {
		return codes[0], mt.Schema, "application/json"
	}
	for ct := range resp.Value.Content {
		return codes[0], nil, ct
	}
	return codes[0], nil, ""
}

// buildRouter builds kin-openapi's legacy router over a routing copy of the
// document: the same paths with positional parameter names ({p0}, {p1}) and
// skeleton operations. The copy is needed because the router validates the
// document it is given, and NetBird's document fails two checks that do not
// matter for routing: its examples (see spec.Validate), and a pair of paths
// that differ only in parameter names (GET /api/users/invites/{token}, DELETE
// /api/users/invites/{inviteId}). With positional names the pair becomes one
// path with two methods, which is what it is.
func (d *document) buildRouter() (routers.Router, error) {
	routing := &openapi3.T{OpenAPI: d.doc.OpenAPI, Info: d.doc.Info, Paths: openapi3.NewPaths()}
	for _, o := range d.ops {
		n := 0
		path := pathParam.ReplaceAllStringFunc(o.path, func(string) string {
			n++
			return "{p" + strconv.Itoa(n-1) + "}"
		})
		item := routing.Paths.Value(path)
		if item == nil {
			item = &openapi3.PathItem{}
			routing.Paths.Set(path, item)
		}
		if item.GetOperation(o.method) != nil {
			return nil, fmt.Errorf("netbirdtest: %s %s is routed twice", o.method, path)
		}
		skeleton := &openapi3.Operation{
			OperationID: o.id,
			Responses: openapi3.NewResponses(openapi3.WithStatus(200,
				&openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("ok")})),
		}
		for i := range o.params {
			p := openapi3.NewPathParameter("p" + strconv.Itoa(i)).WithSchema(openapi3.NewStringSchema())
			skeleton.Parameters = append(skeleton.Parameters, &openapi3.ParameterRef{Value: p})
		}
		item.SetOperation(o.method, skeleton)
		d.byRouting[o.id] = o
	}
	return legacy.NewRouter(routing)
}

// routeResult is what routing found for a request.
type routeResult struct {
	op     *operation
	params map[string]string // path parameters by the document's names
	status int               // 404 or 405 when op is nil
}

// find routes a request whose path is apiPath (the base path already
// replaced by "/api").
func (d *document) find(r *http.Request, apiPath string) routeResult {
	probe := r.Clone(r.Context())
	probe.URL.Path, probe.URL.RawPath = apiPath, ""
	route, values, err := d.router.FindRoute(probe)
	if err == nil {
		o := d.byRouting[route.Operation.OperationID]
		params := make(map[string]string, len(o.params))
		for i, name := range o.params {
			params[name] = values["p"+strconv.Itoa(i)]
		}
		return routeResult{op: o, params: params}
	}
	var re *routers.RouteError
	if !errors.As(err, &re) {
		return routeResult{status: http.StatusNotFound}
	}
	// The legacy router only tells a wrong method from a missing path for
	// paths without parameters; try the other methods to tell for all.
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe.Method = m
		if _, _, err := d.router.FindRoute(probe); err == nil {
			return routeResult{status: http.StatusMethodNotAllowed}
		}
	}
	return routeResult{status: http.StatusNotFound}
}

// operation returns the operation with the given Go name, or panics with a
// message that says what went wrong: a misspelt name in a test is a bug in
// the test.
func (d *document) operation(id string) *operation {
	o, ok := d.ops[id]
	if !ok {
		near := closestNames(id, d.ops)
		msg := fmt.Sprintf("netbirdtest: no operation %q in NetBird's API document", id)
		if len(near) > 0 {
			msg += " (did you mean " + strings.Join(near, ", ") + "?)"
		}
		panic(msg + "; operation names are the operationIds of internal/codegen/overlay.yaml, e.g. \"ListPeers\"")
	}
	return o
}

// closestNames suggests operation IDs that contain id or are contained in it,
// case-insensitively.
func closestNames(id string, ops map[string]*operation) []string {
	low := strings.ToLower(id)
	var out []string
	for name := range ops {
		n := strings.ToLower(name)
		if low != "" && (strings.Contains(n, low) || strings.Contains(low, n)) {
			out = append(out, strconv.Quote(name))
		}
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}
