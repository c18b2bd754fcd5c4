package netbirdtest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
)

// SampleIDs maps the path parameter names of the document ("userId",
// "peerId", "groupId", "networkId", ...) to ids of objects the server holds
// now, so a test can call an operation on something that exists.
func (s *Server) SampleIDs() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := func(kind string) string {
		if recs := s.st.records[kind]; len(recs) > 0 {
			return recs[0].id
		}
		return ""
	}
	ids := map[string]string{
		"userId":         first("user"),
		"peerId":         first("peer"),
		"groupId":        first("group"),
		"keyId":          first("setup key"),
		"policyId":       first("policy"),
		"routeId":        first("route"),
		"networkId":      first("network"),
		"resourceId":     first("network resource"),
		"routerId":       first("network router"),
		"nsgroupId":      first("nameserver group"),
		"postureCheckId": first("posture check"),
		"country":        "DE",
	}
	if len(s.st.tokens) > 0 {
		ids["tokenId"] = s.st.tokens[0].id
	}
	for k, v := range ids {
		if v == "" {
			delete(ids, k)
		}
	}
	return ids
}

// SampleBody returns a minimal JSON request body that the document accepts
// for the operation (by Go name, e.g. "CreateToken"), synthesized the way
// the server synthesizes answers; nil when the operation takes no JSON
// body. The same operation always gets the same bytes.
func SampleBody(operationID string) ([]byte, error) {
	doc, err := loadDocument()
	if err != nil {
		return nil, err
	}
	op, ok := doc.ops[operationID]
	if !ok {
		return nil, fmt.Errorf("netbirdtest: no operation %q in the document", operationID)
	}
	rb := op.route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil, nil
	}
	mt := rb.Value.Content.Get("application/json")
	if mt == nil {
		return nil, nil
	}
	return json.Marshal(synth{request: true}.value(mt.Schema, "", 0, 0))
}

// SampleQuery returns values for the required query parameters of the
// operation (by Go name), synthesized from the document; empty when it has
// none.
func SampleQuery(operationID string) (url.Values, error) {
	doc, err := loadDocument()
	if err != nil {
		return nil, err
	}
	op, ok := doc.ops[operationID]
	if !ok {
		return nil, fmt.Errorf("netbirdtest: no operation %q in the document", operationID)
	}
	q := url.Values{}
	for _, p := range op.route.Operation.Parameters {
		if p.Value.In == openapi3.ParameterInQuery && p.Value.Required {
			q.Set(p.Value.Name, fmt.Sprint(synth{request: true}.value(p.Value.Schema, p.Value.Name, 0, 0)))
		}
	}
	return q, nil
}

// Operations lists the Go names of every operation the server answers, sorted.
func Operations() ([]string, error) {
	doc, err := loadDocument()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(doc.ops))
	for id := range doc.ops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}
