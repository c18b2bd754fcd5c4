// Package spec holds what the generator and the test sandbox both need to
// know about NetBird's OpenAPI document: how to validate it, and which of
// its defects we live with. It imports kin-openapi, so only the generator,
// netbirdtest and tests may import it, never the client packages.
package spec

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// sameShape is the overlay's extension on a path item that names another
// path of the same shape (different parameter names), published by NetBird
// and told apart by method.
const sameShape = "x-same-shape-as"

// Validate checks doc with kin-openapi, less what the document is known to
// get wrong without harm:
//   - examples are not validated: some do not match their own schemas
//     (Event.id is a string with example 10), and they affect nothing we
//     generate or serve;
//   - path pairs of the same shape that the overlay accepts (x-same-shape-as
//     on one of them; internal/codegen/overlay.yaml says why).
func Validate(doc *openapi3.T) error {
	err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation(), openapi3.EnableMultiError())
	if err == nil {
		return nil
	}
	var me openapi3.MultiError
	if !errors.As(err, &me) {
		return err
	}
	var left []error
	for _, e := range flatten(me) {
		var cp *openapi3.ConflictingPathsError
		if errors.As(e, &cp) && (accepted(doc, cp.Path1, cp.Path2) || accepted(doc, cp.Path2, cp.Path1)) {
			continue
		}
		left = append(left, e)
	}
	if len(left) == 0 {
		return nil
	}
	return fmt.Errorf("%d problem(s): %w", len(left), errors.Join(left...))
}

// accepted reports whether the path item at path names other as a path of
// the same shape.
func accepted(doc *openapi3.T, path, other string) bool {
	item := doc.Paths.Value(path)
	return item != nil && item.Extensions[sameShape] == other
}

func flatten(me openapi3.MultiError) []error {
	var out []error
	for _, e := range me {
		var inner openapi3.MultiError
		if errors.As(e, &inner) {
			out = append(out, flatten(inner)...)
		} else {
			out = append(out, e)
		}
	}
	return out
}

//go:embed openapi.gen.json
var document []byte

// Load returns the vendored document as the client was generated from it:
// with our operation names (operationId, x-go-service, x-go-method) and the
// overlay's fixes applied. Each call returns a fresh copy.
func Load() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(document)
	if err != nil {
		return nil, fmt.Errorf("embedded OpenAPI document: %w", err)
	}
	return doc, nil
}
