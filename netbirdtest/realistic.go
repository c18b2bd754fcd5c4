package netbirdtest

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// departureKind says how an answer of the real server departs from the
// document.
type departureKind int

const (
	// nullArray: an array sent as null when it has no items, where the
	// document says a non-nullable array.
	nullArray departureKind = iota
	// enumValue: the value sent instead of the enum value instead.
	enumValue
	// belowMinimum: a number below the declared minimum.
	belowMinimum
	// unlistedStatus: a status the operation does not list.
	unlistedStatus
	// emptyObjectBody: a body ({}) where the document declares none. The
	// document declaring no content, validation has nothing to flag; the row
	// is here so that the table lists every departure.
	emptyObjectBody
)

// departure is one way a real NetBird v0.77.1 management server answers
// differently from its own document, as observed by running NetBird's own
// HTTP handler and validating its answers with kin-openapi.
type departure struct {
	// where is a schema property ("Peer.groups", a path of properties from a
	// component schema) or, for statuses and bodies, an operation ID ("*":
	// every operation).
	where    string
	kind     departureKind
	sent     any // the value (or status) the server sends
	instead  any // for enumValue: the document's value it replaces
	observed string
}

// departures is the one table of realistic mode ([WithRealistic]). In
// realistic mode the server answers this way, and response validation lets
// exactly these departures through: anything else is still a violation.
var departures = []departure{
	{where: "Peer.groups", kind: nullArray, observed: `GET /api/peers and /api/peers/{peerId}: "groups":null`},
	{where: "Group.peers", kind: nullArray, observed: `GET /api/groups, POST /api/groups: "peers":null for a group without peers`},
	{where: "Group.resources", kind: nullArray, observed: `GET /api/groups, POST /api/groups: "resources":null`},
	{where: "NetworkResource.groups", kind: nullArray, observed: `GET and POST /api/networks/{networkId}/resources: "groups":null`},
	{where: "NetworkRouter.peer_groups", kind: nullArray, observed: `GET /api/networks/routers: "peer_groups":null for a router with a peer`},
	{where: "Route.domains", kind: nullArray, observed: `GET and POST /api/routes: "domains":null for a network route`},
	{where: "Policy.source_posture_checks", kind: nullArray, observed: `GET and POST /api/policies: "source_posture_checks":null`},
	{where: "Account.settings.extra.network_traffic_logs_groups", kind: nullArray, observed: `GET /api/accounts: "network_traffic_logs_groups":null`},
	{where: "Account.settings.ipv6_enabled_groups", kind: nullArray, observed: `GET /api/accounts: "ipv6_enabled_groups":null`},
	{where: "NetworkResource.type", kind: enumValue, sent: "Host", instead: "host", observed: `GET /api/networks/{networkId}/resources: "type":"Host" (enum: host, subnet, domain)`},
	{where: "NetworkRouter.metric", kind: belowMinimum, sent: 0.0, observed: `GET /api/networks/routers: "metric":0 (minimum 1) for a router stored without a metric`},
	{where: "GetGroup", kind: unlistedStatus, sent: 404, observed: `GET /api/groups/{groupId} with an unknown id: 404 (not listed)`},
	{where: "ListNetworkTrafficEvents", kind: unlistedStatus, sent: 404, observed: `GET /api/events/network-traffic on a self-hosted server: 404 (cloud-only)`},
	{where: "*", kind: unlistedStatus, sent: 404, observed: `a well-formed PAT that is not in the store (deleted): 404 "invalid token: pat: <hash> not found"`},
	{where: "*", kind: emptyObjectBody, sent: "{}", observed: `every DELETE: 200 with body {} where the document declares no content`},
}

// departureSet is the table resolved against the loaded document: schema
// pointers to compare validation errors with.
type departureSet struct {
	nullArrays map[*openapi3.Schema]bool
	enums      map[*openapi3.Schema][2]any // sent, instead
	minimums   map[*openapi3.Schema]float64
	statuses   map[string]map[int]bool // operation ID → statuses
}

func resolveDepartures(d *document) (*departureSet, error) {
	ds := &departureSet{
		nullArrays: map[*openapi3.Schema]bool{},
		enums:      map[*openapi3.Schema][2]any{},
		minimums:   map[*openapi3.Schema]float64{},
		statuses:   map[string]map[int]bool{},
	}
	for _, dep := range departures {
		switch dep.kind {
		case unlistedStatus:
			if dep.where == "*" {
				// The refusal of a request (here: its token) is not held to
				// the statuses the operation lists (see allowanceTable), so
				// this row needs no filter; allowing 404 on every operation
				// would let through far more than the departure.
				continue
			}
			if _, ok := d.ops[dep.where]; !ok {
				return nil, fmt.Errorf("netbirdtest: departure for unknown operation %s", dep.where)
			}
			if ds.statuses[dep.where] == nil {
				ds.statuses[dep.where] = map[int]bool{}
			}
			ds.statuses[dep.where][dep.sent.(int)] = true
			continue
		case emptyObjectBody:
			continue
		}
		loc, err := resolve(d.doc, dep.where)
		if err != nil {
			return nil, fmt.Errorf("netbirdtest: departure: %w", err)
		}
		for s := range d.schemas.schemasAt(loc) {
			switch dep.kind {
			case nullArray:
				ds.nullArrays[s] = true
			case enumValue:
				ds.enums[s] = [2]any{dep.sent, dep.instead}
			case belowMinimum:
				ds.minimums[s] = dep.sent.(float64)
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
			p := propertySchema(s, k)
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
				if propertySchema(s, k) == nil {
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
