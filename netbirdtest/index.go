package netbirdtest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaIndex names the schemas of the document by location, so that
// the table of departures can say "Peer.groups" and be matched
// against the schema a validation error points to.
//
// Locations are needed because a schema's identity is not its pointer: the
// loader gives a $ref with sibling keywords (OpenAPI 3.1) its own merged
// copy of the target, so the ResourceType reached from Resource.type is not
// the same *Schema as components.schemas.ResourceType.
type schemaIndex struct {
	names map[*openapi3.Schema]map[string]bool
}

const componentPrefix = "#/components/schemas/"

// indexSchemas walks every schema of the document. A component is located by
// its name ("Peer"), a property by its owner's location and its name
// ("Peer.groups"; a property of an allOf part declared inline belongs to the
// schema with the allOf), array items by "[]" and map values by "{}".
func indexSchemas(doc *openapi3.T) *schemaIndex {
	ix := &schemaIndex{names: map[*openapi3.Schema]map[string]bool{}}
	seen := map[string]map[*openapi3.Schema]bool{}
	for name, ref := range doc.Components.Schemas {
		ix.walk(ref, name, seen)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			loc := method + " " + path
			for _, p := range slices.Concat(item.Parameters, op.Parameters) {
				if p.Value != nil {
					ix.walk(p.Value.Schema, loc+" "+p.Value.Name, seen)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					ix.walk(mt.Schema, loc+" request", seen)
				}
			}
			for code, resp := range op.Responses.Map() {
				if resp.Value != nil {
					for _, mt := range resp.Value.Content {
						ix.walk(mt.Schema, loc+" "+code, seen)
					}
				}
			}
		}
	}
	return ix
}

func (ix *schemaIndex) add(s *openapi3.Schema, loc string) {
	if ix.names[s] == nil {
		ix.names[s] = map[string]bool{}
	}
	ix.names[s][loc] = true
}

func (ix *schemaIndex) walk(ref *openapi3.SchemaRef, loc string, seen map[string]map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil {
		return
	}
	s := ref.Value
	ix.add(s, loc)
	if name, ok := strings.CutPrefix(ref.Ref, componentPrefix); ok {
		loc = name
		ix.add(s, loc)
	}
	if seen[loc] == nil {
		seen[loc] = map[*openapi3.Schema]bool{}
	}
	if seen[loc][s] {
		return
	}
	seen[loc][s] = true
	for name, p := range s.Properties {
		ix.walk(p, loc+"."+name, seen)
	}
	for _, parts := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, part := range parts {
			ix.walk(part, loc, seen)
		}
	}
	ix.walk(s.Items, loc+"[]", seen)
	ix.walk(s.AdditionalProperties.Schema, loc+"{}", seen)
	ix.walk(s.PropertyNames, loc+"<>", seen)
	ix.walk(s.Not, loc+"!", seen)
}

// resolve turns a path of properties from a component ("Account.settings.
// extra.network_traffic_logs_groups") into the location the index uses for
// the property ("AccountExtraSettings.network_traffic_logs_groups": the
// component that declares it).
func resolve(doc *openapi3.T, where string) (string, error) {
	parts := strings.Split(where, ".")
	ref := doc.Components.Schemas[parts[0]]
	if ref == nil {
		return "", fmt.Errorf("netbirdtest: %s: no schema %s in the document", where, parts[0])
	}
	ref = &openapi3.SchemaRef{Ref: componentPrefix + parts[0], Value: ref.Value}
	loc := parts[0]
	for _, name := range parts[1:] {
		ref, loc = findProperty(ref, loc, name)
		if ref == nil {
			return "", fmt.Errorf("netbirdtest: %s: no such property in the document", where)
		}
	}
	return loc, nil
}

// findProperty finds property name of ref (located at loc), looking through
// allOf, oneOf and anyOf parts, and returns it with its location.
func findProperty(ref *openapi3.SchemaRef, loc, name string) (*openapi3.SchemaRef, string) {
	if ref == nil || ref.Value == nil {
		return nil, ""
	}
	if comp, ok := strings.CutPrefix(ref.Ref, componentPrefix); ok {
		loc = comp
	}
	if p := ref.Value.Properties[name]; p != nil {
		return p, loc + "." + name
	}
	for _, parts := range []openapi3.SchemaRefs{ref.Value.AllOf, ref.Value.OneOf, ref.Value.AnyOf} {
		for _, part := range parts {
			if p, l := findProperty(part, loc, name); p != nil {
				return p, l
			}
		}
	}
	return nil, ""
}

// schemasAt returns every schema of the document at location loc.
func (ix *schemaIndex) schemasAt(loc string) map[*openapi3.Schema]bool {
	out := map[*openapi3.Schema]bool{}
	for s, names := range ix.names {
		if names[loc] {
			out[s] = true
		}
	}
	return out
}
