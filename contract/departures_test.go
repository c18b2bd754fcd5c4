package contract

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird/internal/conformance"
)

// departureRow is one way the real server's answers depart from the
// document, in the form netbirdtest's realistic mode reads
// (netbirdtest/realistic.go).
type departureRow struct {
	Where    string `json:"where"`             // Schema.property.path, or an operation id for a status
	Kind     string `json:"kind"`              // null-array, enum-value, below-minimum, unlisted-status
	Sent     any    `json:"sent,omitempty"`    // the value or status sent
	Instead  any    `json:"instead,omitempty"` // for enum-value: the document's value it stands for
	Observed string `json:"observed"`          // where it was seen first
}

// departureRows turns the answers' findings into rows: arrays sent as null,
// enum values in another spelling, numbers below their minimum, and
// statuses an operation does not list (operations not served at all
// included: a self-hosted server answers them 404).
func departureRows(doc *openapi3.T, outcomes []conformance.Outcome, findings []conformance.Finding) []departureRow {
	names := schemaNames(doc)
	rows := map[string]departureRow{}
	add := func(r departureRow) {
		key := r.Where + "|" + r.Kind + "|" + fmt.Sprint(r.Sent)
		if old, ok := rows[key]; !ok || r.Observed < old.Observed {
			rows[key] = r
		}
	}
	for _, o := range outcomes {
		if o.Result == "not served" && !listsStatus(doc, o.Op.ID, 404) {
			add(departureRow{Where: o.Op.ID, Kind: "unlisted-status", Sent: 404, Observed: "not served by this server (404)"})
		}
	}
	for _, f := range findings {
		if f.Direction != "answer" || f.Op == "" {
			continue
		}
		seen := fmt.Sprintf("%s: %s", f.Op, f)
		switch f.Keyword {
		case "status":
			add(departureRow{Where: f.Op, Kind: "unlisted-status", Sent: f.Status, Observed: seen})
		case "nullable", "enum", "minimum":
			s := schemaAt(doc, f)
			where := names[s]
			if s == nil || where == "" {
				continue // not a property of a named schema: the table lists it
			}
			switch {
			case f.Keyword == "nullable" && f.Value == nil && s.Type.Is("array"):
				add(departureRow{Where: where, Kind: "null-array", Observed: seen})
			case f.Keyword == "enum":
				for _, e := range s.Enum {
					if str, ok := e.(string); ok && strings.EqualFold(str, fmt.Sprint(f.Value)) {
						add(departureRow{Where: where, Kind: "enum-value", Sent: f.Value, Instead: str, Observed: seen})
					}
				}
			case f.Keyword == "minimum":
				add(departureRow{Where: where, Kind: "below-minimum", Sent: f.Value, Observed: seen})
			}
		}
	}
	out := slices.Collect(maps.Values(rows))
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Where < out[j].Where
	})
	return out
}

// listsStatus reports whether the operation lists status (or a default).
func listsStatus(doc *openapi3.T, opID string, status int) bool {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == opID {
				return op.Responses.Status(status) != nil || op.Responses.Default() != nil
			}
		}
	}
	return false
}

// schemaAt is the schema a finding's pointer reaches in the operation's
// answer: properties (also of allOf parts) and array items.
func schemaAt(doc *openapi3.T, f conformance.Finding) *openapi3.Schema {
	var ref *openapi3.SchemaRef
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID != f.Op {
				continue
			}
			if r := op.Responses.Status(f.Status); r != nil && r.Value != nil {
				if mt := r.Value.Content.Get("application/json"); mt != nil {
					ref = mt.Schema
				}
			}
		}
	}
	for _, p := range f.Ptr {
		if ref == nil || ref.Value == nil {
			return nil
		}
		if conformance.IsIndex(p) {
			ref = ref.Value.Items
			continue
		}
		ref = property(ref.Value, p)
	}
	if ref == nil {
		return nil
	}
	return ref.Value
}

// property finds a property of s, also in its allOf parts.
func property(s *openapi3.Schema, name string) *openapi3.SchemaRef {
	if p := s.Properties[name]; p != nil {
		return p
	}
	for _, part := range s.AllOf {
		if part.Value != nil {
			if p := property(part.Value, name); p != nil {
				return p
			}
		}
	}
	return nil
}

// schemaNames names each schema reachable by properties from a component
// schema: "Peer.groups", "Account.settings.extra.network_traffic_logs_groups"
// (through inline objects, not through references to other components,
// which are named on their own). Where two names reach one schema, the
// first in order wins.
func schemaNames(doc *openapi3.T) map[*openapi3.Schema]string {
	names := map[*openapi3.Schema]string{}
	var walk func(s *openapi3.Schema, name string)
	walk = func(s *openapi3.Schema, name string) {
		props := slices.Sorted(maps.Keys(s.Properties))
		for _, k := range props {
			p := s.Properties[k]
			if p.Value == nil {
				continue
			}
			full := name + "." + k
			if _, ok := names[p.Value]; !ok {
				names[p.Value] = full
			}
			if p.Ref == "" {
				walk(p.Value, full)
			}
		}
		for _, part := range s.AllOf {
			if part.Value != nil && part.Ref == "" {
				walk(part.Value, name)
			}
		}
	}
	for _, n := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		if s := doc.Components.Schemas[n]; s.Value != nil {
			walk(s.Value, n)
		}
	}
	return names
}
