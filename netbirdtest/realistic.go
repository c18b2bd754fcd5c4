package netbirdtest

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird/internal/sample"
)

// departure is one way a real NetBird management server answers
// differently from its own document. They are not written here: the
// contract suite (contract/operations_test.go) calls NetBird's real
// management API, validates its answers with kin-openapi and writes them to
// departures.gen.json (make real-server-table), which this package embeds.
type departure struct {
	// Where is a schema property ("Peer.groups", a path of properties from a
	// component schema) or, for a status, an operation id.
	Where string `json:"where"`
	// Kind is one of:
	//   - null-array: an array sent as null when it has no items, where the
	//     document says a non-nullable array;
	//   - enum-value: Sent instead of the enum value Instead;
	//   - below-minimum: the number Sent, below the declared minimum;
	//   - unlisted-status: the status Sent, which the operation does not list.
	Kind     string `json:"kind"`
	Sent     any    `json:"sent"`
	Instead  any    `json:"instead"`
	Observed string `json:"observed"` // where the contract suite saw it
}

//go:embed departures.gen.json
var departuresJSON []byte

// departures is the one table of realistic mode ([WithRealistic]). In
// realistic mode the server answers this way, and response validation lets
// exactly these departures through: anything else is still a violation.
func loadDepartures() ([]departure, error) {
	var deps []departure
	if err := json.Unmarshal(departuresJSON, &deps); err != nil {
		return nil, fmt.Errorf("netbirdtest: departures.gen.json: %w", err)
	}
	return deps, nil
}

// departureSet is the table resolved against the loaded document: schema
// pointers to compare validation errors with.
type departureSet struct {
	nullArrays map[*openapi3.Schema]bool
	enums      map[*openapi3.Schema][2]any // sent, instead
	minimums   map[*openapi3.Schema]float64
	statuses   map[string]map[int]bool // operation ID → statuses
	// skipped are the rows this document lacks the target of: the table is
	// of the release the contract suite runs, which another release of the
	// document (after make update-spec) may not share.
	skipped []string
}

func resolveDepartures(d *document) (*departureSet, error) {
	ds := &departureSet{
		nullArrays: map[*openapi3.Schema]bool{},
		enums:      map[*openapi3.Schema][2]any{},
		minimums:   map[*openapi3.Schema]float64{},
		statuses:   map[string]map[int]bool{},
	}
	deps, err := loadDepartures()
	if err != nil {
		return nil, err
	}
	for _, dep := range deps {
		switch dep.Kind {
		case "unlisted-status":
			status, ok := dep.Sent.(float64)
			if !ok {
				return nil, fmt.Errorf("netbirdtest: departure %s: status %v is not a number", dep.Where, dep.Sent)
			}
			if _, known := d.ops[dep.Where]; !known {
				ds.skipped = append(ds.skipped, dep.Where)
				continue
			}
			if ds.statuses[dep.Where] == nil {
				ds.statuses[dep.Where] = map[int]bool{}
			}
			ds.statuses[dep.Where][int(status)] = true
			continue
		case "null-array", "enum-value", "below-minimum":
		default:
			return nil, fmt.Errorf("netbirdtest: departure %s: unknown kind %q", dep.Where, dep.Kind)
		}
		loc, err := resolve(d.doc, dep.Where)
		if err != nil {
			ds.skipped = append(ds.skipped, dep.Where)
			continue
		}
		for s := range d.schemas.schemasAt(loc) {
			switch dep.Kind {
			case "null-array":
				ds.nullArrays[s] = true
			case "enum-value":
				ds.enums[s] = [2]any{dep.Sent, dep.Instead}
			case "below-minimum":
				ds.minimums[s] = dep.Sent.(float64)
			}
		}
	}
	return ds, nil
}

// allows reports whether finding f, on operation op, is a listed departure.
func (ds *departureSet) allows(op string, f finding) bool {
	switch f.keyword {
	case "status":
		return ds.statuses[op][f.status]
	case "nullable", "type":
		return f.value == nil && ds.nullArrays[f.schema]
	case "enum":
		e, ok := ds.enums[f.schema]
		return ok && f.value == e[0]
	case "minimum":
		m, ok := ds.minimums[f.schema]
		n, isNum := toFloat(f.value)
		return ok && isNum && n == m
	}
	return false
}

// apply makes value (a body for schema ref) look the way the real server
// sends it: empty arrays of the table become null, enum values are replaced.
// It changes value in place and returns it.
func (ds *departureSet) apply(ref *openapi3.SchemaRef, value any) any {
	if ref == nil || ref.Value == nil {
		return value
	}
	s := ref.Value
	switch v := value.(type) {
	case map[string]any:
		for k, item := range v {
			p := sample.PropertySchema(s, k)
			if p == nil || p.Value == nil {
				continue
			}
			if arr, ok := item.([]any); ok && len(arr) == 0 && ds.nullArrays[p.Value] {
				v[k] = nil
				continue
			}
			if e, ok := ds.enums[p.Value]; ok && item == e[1] {
				v[k] = e[0]
				continue
			}
			v[k] = ds.apply(p, item)
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			for k, item := range v {
				if sample.PropertySchema(s, k) == nil {
					v[k] = ds.apply(ap, item)
				}
			}
		}
	case []any:
		items := s.Items
		for i, item := range v {
			v[i] = ds.apply(items, item)
		}
	}
	return value
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}
