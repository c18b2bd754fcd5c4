package netbirdtest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird/internal/sample"
)

// pagedRecords is the size of the fixed data set behind paged operations.
const pagedRecords = 25

// routes returns the handlers of the operations with their own logic; every
// other operation gets a synthesized answer.
func (s *Server) routes() (map[string]handler, error) {
	m := map[string]handler{}
	for _, k := range s.kinds() {
		for id, h := range s.crud(k) {
			m[id] = h
		}
	}
	for id, h := range s.special() {
		m[id] = h
	}
	if s.opts.realistic {
		// Network traffic events are cloud-only: a self-hosted NetBird
		// answers 404 (see departures.gen.json).
		m["ListNetworkTrafficEvents"] = func(*call) response { return errorResponse(http.StatusNotFound, "not found") }
	}
	var unknown []string
	for id := range m {
		if _, ok := s.doc.ops[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("netbirdtest: handlers for operations the document does not have: %s", strings.Join(unknown, ", "))
	}
	return m, nil
}

// synthesized answers an operation the server keeps no state for, with a
// deterministic body built from the document's schema for its success
// status.
func (s *Server) synthesized(c *call) response {
	op := c.op
	switch {
	case op.body != nil && isPaged(op):
		return s.paged(c)
	case op.body != nil:
		return jsonResponse(op.success, s.synth.Value(op.body, "", 0, 0))
	case op.mediaType == "text/csv":
		return response{status: op.success, contentType: "text/csv",
			raw: []byte("invoice_id,date,description,amount,currency\n" +
				"in_0001," + sample.Date + ",NetBird Team plan,60.00,USD\n")}
	case op.mediaType != "":
		return response{status: op.success, contentType: op.mediaType, raw: []byte{}}
	case s.opts.realistic && op.method == http.MethodDelete && op.success == http.StatusOK:
		return jsonResponse(op.success, map[string]any{}) // as NetBird does (see doc.go)
	}
	return emptyResponse(op.success)
}

// isPaged reports whether op is one of the paged list operations: page and
// page_size query parameters, and a body with data, total_records and
// total_pages.
func isPaged(op *operation) bool {
	q := op.route.Operation.Parameters
	if q.GetByInAndName(openapi3.ParameterInQuery, "page") == nil || q.GetByInAndName(openapi3.ParameterInQuery, "page_size") == nil {
		return false
	}
	b := op.body.Value
	return sample.PropertySchema(b, "data") != nil && sample.PropertySchema(b, "total_records") != nil && sample.PropertySchema(b, "total_pages") != nil
}

// paged answers one page of a fixed data set of pagedRecords records.
func (s *Server) paged(c *call) response {
	params := c.op.route.Operation.Parameters
	page := intQuery(c, params, "page")
	size := intQuery(c, params, "page_size")
	items := sample.PropertySchema(c.op.body.Value, "data").Value.Items
	data := []any{}
	for i := (page - 1) * size; i < min(page*size, pagedRecords); i++ {
		data = append(data, s.synth.Value(items, "", i, 0))
	}
	body := map[string]any{
		"data": data, "page": page, "page_size": size,
		"total_records": pagedRecords, "total_pages": (pagedRecords + size - 1) / size,
	}
	s.complete(c.op.body, body)
	return jsonResponse(c.op.success, body)
}

// intQuery reads an integer query parameter (already validated), or its
// default, or 1.
func intQuery(c *call, params openapi3.Parameters, name string) int {
	if v, err := strconv.Atoi(c.query.Get(name)); err == nil && v > 0 {
		return v
	}
	if p := params.GetByInAndName(openapi3.ParameterInQuery, name); p != nil && p.Schema != nil && p.Schema.Value != nil {
		if d, ok := toFloat(p.Schema.Value.Default); ok && d > 0 {
			return int(d)
		}
	}
	return 1
}
