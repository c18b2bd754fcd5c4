// Package sample builds values from the schemas of NetBird's document:
// netbirdtest's synthesized answers and the required fields of its
// objects (Synth), and the request bodies and query parameters the
// project's tests send (Body, Query; internal/opcall and netbirdtest's
// own tests use them). It imports kin-openapi, so only netbirdtest and
// tests may import it, never the client packages.
package sample

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird/internal/spec"
)

// operations indexes the document's operations by Go name, once per process.
var operations = sync.OnceValues(func() (map[string]*openapi3.Operation, error) {
	doc, err := spec.Load()
	if err != nil {
		return nil, err
	}
	ops := map[string]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = op
		}
	}
	return ops, nil
})

// operation finds an operation by Go name, e.g. "CreateToken".
func operation(id string) (*openapi3.Operation, error) {
	ops, err := operations()
	if err != nil {
		return nil, err
	}
	op, ok := ops[id]
	if !ok {
		return nil, fmt.Errorf("sample: no operation %q in the document", id)
	}
	return op, nil
}

// Body returns a minimal JSON request body that the document accepts for
// the operation (by Go name, e.g. "CreateToken"), synthesized the way
// netbirdtest synthesizes answers; nil when the operation takes no JSON
// body. The same operation always gets the same bytes.
func Body(operationID string) ([]byte, error) {
	op, err := operation(operationID)
	if err != nil {
		return nil, err
	}
	rb := op.RequestBody
	if rb == nil || rb.Value == nil {
		return nil, nil
	}
	mt := rb.Value.Content.Get("application/json")
	if mt == nil {
		return nil, nil
	}
	return json.Marshal(Synth{Request: true}.Value(mt.Schema, "", 0, 0))
}

// Query returns values for the required query parameters of the operation
// (by Go name), synthesized from the document; empty when it has none.
func Query(operationID string) (url.Values, error) {
	op, err := operation(operationID)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, p := range op.Parameters {
		if p.Value.In == openapi3.ParameterInQuery && p.Value.Required {
			q.Set(p.Value.Name, fmt.Sprint(Synth{Request: true}.Value(p.Value.Schema, p.Value.Name, 0, 0)))
		}
	}
	return q, nil
}
