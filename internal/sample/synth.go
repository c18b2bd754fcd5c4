package sample

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Synth builds values from schemas: netbirdtest's answers to every
// operation it does not keep state for and the required fields of its
// stateful objects, and request bodies for tests (Body, Query). Output
// depends only on the schema and the arguments, never on randomness or
// time, so the same operation always gets the same bytes. Examples in the
// document are never used: some of them do not match their own schemas.
type Synth struct {
	// Request builds a request body: readOnly properties are left out.
	// Otherwise writeOnly properties are.
	Request bool
	// Minimal builds only required properties, and arrays with no more
	// items than minItems.
	Minimal bool
	// EmptyArrays are array schemas to leave empty (netbirdtest's realistic
	// mode sends them as null, see its realistic.go).
	EmptyArrays map[*openapi3.Schema]bool
}

// Fixed values for string formats and for a few well-known property names,
// chosen to be valid and to look like NetBird data. DateTime and Date are
// every synthesized date-time and date.
const (
	DateTime = "2026-01-02T15:04:05Z"
	Date     = "2026-01-02"
)

var formatValues = map[string]string{
	"date-time": DateTime,
	"date":      Date,
	"email":     "user@example.com",
	"uri":       "https://example.com/",
	"url":       "https://example.com/",
	"uuid":      "5b0f3f2e-8c1a-4e8b-9a53-2f6d1c0e7a41",
	"ipv4":      "100.64.0.1",
	"ipv6":      "fd00:4e42::1",
	"hostname":  "host.example.com",
	"cidr":      "100.64.0.0/24",
	"password":  "Sandbox-passw0rd",
}

var nameValues = map[string]string{
	"email":        "user@example.com",
	"ip":           "100.64.0.1",
	"domain":       "example.com",
	"domains":      "example.com",
	"country_code": "DE",
	"url":          "https://example.com/",
	"address":      "100.64.0.10",
	"network":      "10.0.0.0/24",
	"hostname":     "host-1",
	"dns_label":    "host-1",
}

// patternCandidates are tried, in order, for strings with a pattern that the
// default value does not match.
var patternCandidates = []string{"DE", "example", "X-Example", "value", "a", "1"}

// maxDepth bounds nesting, against recursive schemas.
const maxDepth = 24

// Value returns a value for the schema ref. name is the property (or, for
// array items, the array property) the value is for, used to pick readable
// strings; index varies strings between array items and records.
func (g Synth) Value(ref *openapi3.SchemaRef, name string, index, depth int) any {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	if depth > maxDepth {
		return nil
	}
	if s.Const != nil {
		return s.Const
	}
	if len(s.Enum) > 0 {
		for _, e := range s.Enum {
			if e != nil {
				return e
			}
		}
	}
	if len(s.OneOf) > 0 {
		return g.choice(s, s.OneOf, name, index, depth)
	}
	if len(s.AnyOf) > 0 {
		return g.choice(s, s.AnyOf, name, index, depth)
	}
	typ := SchemaType(s)
	if typ != openapi3.TypeObject && len(s.AllOf) > 0 {
		// allOf of scalars: the first part's value; the other parts can
		// only narrow it.
		return g.Value(s.AllOf[0], name, index, depth+1)
	}
	switch typ {
	case openapi3.TypeObject:
		return g.object(s, index, depth, true)
	case openapi3.TypeArray:
		return g.array(s, name, depth)
	case openapi3.TypeString:
		return g.str(s, name, index)
	case openapi3.TypeInteger:
		return number(s, true)
	case openapi3.TypeNumber:
		return number(s, false)
	case openapi3.TypeBoolean:
		return !g.Minimal
	}
	return map[string]any{}
}

// SchemaType is the one non-null type of s, inferred from its keywords
// when it declares none.
func SchemaType(s *openapi3.Schema) string {
	for _, t := range s.Type.Slice() {
		if t != openapi3.TypeNull {
			return t
		}
	}
	switch {
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil:
		return openapi3.TypeObject
	case s.Items != nil:
		return openapi3.TypeArray
	}
	for _, part := range s.AllOf {
		if part != nil && part.Value != nil {
			if t := SchemaType(part.Value); t != openapi3.TypeObject || len(part.Value.Properties) > 0 || len(part.Value.AllOf) > 0 {
				return t
			}
		}
	}
	return openapi3.TypeObject
}

// choice takes the first oneOf/anyOf branch whose value validates against
// the whole schema, setting the discriminator when there is one.
func (g Synth) choice(s *openapi3.Schema, branches openapi3.SchemaRefs, name string, index, depth int) any {
	var first any
	for i, b := range branches {
		v := g.Value(b, name, index, depth+1)
		if obj, ok := v.(map[string]any); ok {
			if d := s.Discriminator; d != nil && d.PropertyName != "" {
				if key := discriminatorKey(d, b); key != "" {
					obj[d.PropertyName] = key
				}
			}
			if len(s.Properties) > 0 || len(s.AllOf) > 0 {
				mergeMaps(obj, g.object(s, index, depth, true))
			}
		}
		if i == 0 {
			first = v
		}
		if s.VisitJSON(v) == nil {
			return v
		}
	}
	return first
}

func discriminatorKey(d *openapi3.Discriminator, branch *openapi3.SchemaRef) string {
	keys := make([]string, 0, len(d.Mapping))
	for k := range d.Mapping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if d.Mapping[k].Ref == branch.Ref {
			return k
		}
	}
	if i := strings.LastIndex(branch.Ref, "/"); i >= 0 {
		return branch.Ref[i+1:]
	}
	return ""
}

// object builds an object from s's properties, its allOf parts and its
// additionalProperties. whole is false for an allOf part: required
// properties are then filled in by the whole schema, which sees them all.
func (g Synth) object(s *openapi3.Schema, index, depth int, whole bool) map[string]any {
	out := map[string]any{}
	for _, part := range s.AllOf {
		var v any
		if part != nil && ObjectLike(part.Value) {
			v = g.object(part.Value, index, depth+1, false)
		} else {
			v = g.Value(part, "", index, depth+1)
		}
		if m, ok := v.(map[string]any); ok {
			mergeMaps(out, m)
		}
	}
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := s.Properties[n]
		if p == nil || p.Value == nil {
			continue
		}
		if g.Request && p.Value.ReadOnly || !g.Request && p.Value.WriteOnly {
			continue
		}
		if g.Minimal && !required[n] {
			continue
		}
		v := g.Value(p, n, index, depth+1)
		if old, ok := out[n].(map[string]any); ok {
			if nv, ok := v.(map[string]any); ok {
				mergeMaps(old, nv)
				continue
			}
		}
		out[n] = v
	}
	for _, n := range RequiredOf(s) {
		if _, ok := out[n]; ok || !whole {
			continue
		}
		if p := PropertySchema(s, n); p != nil {
			out[n] = g.Value(p, n, index, depth+1)
		} else if !g.Request {
			out[n] = Undeclared(n)
		}
	}
	if ap := s.AdditionalProperties.Schema; ap != nil && !g.Minimal && len(s.Properties) == 0 {
		key := "key"
		if pn := s.PropertyNames; pn != nil && pn.Value != nil {
			if k, ok := g.str(pn.Value, "key", 0).(string); ok {
				key = k
			}
		}
		out[key] = g.Value(ap, key, index, depth+1)
	}
	return out
}

func (g Synth) array(s *openapi3.Schema, name string, depth int) []any {
	n := 1
	if g.Minimal || g.EmptyArrays[s] {
		n = 0
	}
	n = max(n, count(s.MinItems))
	if s.MaxItems != nil {
		n = min(n, count(*s.MaxItems))
	}
	out := make([]any, 0, n)
	for i := range n {
		out = append(out, g.Value(s.Items, name, i, depth+1))
	}
	return out
}

func (g Synth) str(s *openapi3.Schema, name string, index int) any {
	v, ok := formatValues[s.Format]
	if !ok {
		v, ok = nameValues[strings.ToLower(name)]
	}
	if !ok {
		v = name
		if v == "" {
			v = "string"
		}
		if index > 0 {
			v = fmt.Sprintf("%s-%d", v, index+1)
		}
	}
	if s.Pattern != "" {
		if re, err := regexp.Compile(s.Pattern); err == nil && !re.MatchString(v) {
			for _, c := range patternCandidates {
				if re.MatchString(c) {
					v = c
					break
				}
			}
		}
	}
	for uint64(len(v)) < s.MinLength {
		v += "x"
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	return v
}

// number picks 1, moved into [minimum, maximum].
func number(s *openapi3.Schema, integer bool) any {
	v := 1.0
	if s.Min != nil {
		v = *s.Min
		if s.ExclusiveMin.IsTrue() {
			v++
		}
	}
	if b := s.ExclusiveMin.Value; b != nil && v <= *b {
		v = *b + 1
	}
	if s.Max != nil && v > *s.Max {
		v = *s.Max
	}
	if integer {
		v = math.Ceil(v)
		return int64(v)
	}
	return v
}

// count converts an item count from the document, capped far above what
// any schema of it asks for.
func count(n uint64) int {
	const limit = 1 << 10
	if n > limit {
		return limit
	}
	return int(n)
}

// mergeMaps copies src into dst, merging nested objects.
func mergeMaps(dst, src map[string]any) {
	for k, v := range src {
		if d, ok := dst[k].(map[string]any); ok {
			if sm, ok := v.(map[string]any); ok {
				mergeMaps(d, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// Undeclared is the value for a property that a schema requires but does
// not declare (NetworkTrafficEvent requires id and receive_timestamp): any
// value is valid, so a string that looks like what NetBird sends.
func Undeclared(name string) string {
	if strings.HasSuffix(name, "timestamp") || strings.HasSuffix(name, "_at") {
		return DateTime
	}
	return name
}

// PropertySchema finds property name of s, looking through allOf, oneOf and
// anyOf parts.
func PropertySchema(s *openapi3.Schema, name string) *openapi3.SchemaRef {
	if s == nil {
		return nil
	}
	if p := s.Properties[name]; p != nil {
		return p
	}
	for _, parts := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, part := range parts {
			if part != nil {
				if p := PropertySchema(part.Value, name); p != nil {
					return p
				}
			}
		}
	}
	return nil
}

// RequiredOf lists the required properties of s and its allOf parts.
func RequiredOf(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	out := append([]string(nil), s.Required...)
	for _, part := range s.AllOf {
		if part != nil {
			out = append(out, RequiredOf(part.Value)...)
		}
	}
	return out
}

// ObjectLike reports whether s describes JSON objects.
func ObjectLike(s *openapi3.Schema) bool {
	return s != nil && SchemaType(s) == openapi3.TypeObject && len(s.OneOf) == 0 && len(s.AnyOf) == 0
}
