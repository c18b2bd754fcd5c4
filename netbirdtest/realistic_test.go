package netbirdtest

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestRealisticAnswers checks that realistic mode sends the departures of the
// table and that validation lets exactly them through.
func TestRealisticAnswers(t *testing.T) {
	srv := NewServer(t, WithRealistic())
	ids := srv.SampleIDs()
	c := newClient(t, srv)
	for _, tc := range []struct{ path, contains string }{
		{"/groups", `"resources":null`},
		{"/groups/" + ids["groupId"], `"resources":null`},
		{"/routes", `"domains":null`},
		{"/policies", `"source_posture_checks":null`},
		{"/networks/routers", `"peer_groups":null`},
		{"/networks/routers", `"metric":0`},
		{"/networks/" + ids["networkId"] + "/resources", `"type":"Host"`},
		{"/networks/" + ids["networkId"] + "/resources/" + ids["resourceId"], `"groups":null`},
		{"/accounts", `"ipv6_enabled_groups":null`},
	} {
		// A row about a field the vendored document lacks (another NetBird
		// release) says so instead of failing.
		field := strings.Trim(strings.SplitN(tc.contains, ":", 2)[0], `"`)
		if !hasProperty(t, field) {
			t.Logf("GET %s: skipped, the document has no property %q", tc.path, field)
			continue
		}
		a := do(t, srv, "GET", tc.path, admin(srv), "")
		if a.status != 200 || !strings.Contains(a.body, tc.contains) {
			t.Errorf("GET %s: %d, want %s in %s", tc.path, a.status, tc.contains, a.body)
		}
	}
	// A group without peers, and a peer in no group.
	a := do(t, srv, "POST", "/groups", admin(srv), `{"name":"empty"}`)
	if !strings.Contains(a.body, `"peers":null`) {
		t.Errorf("new group: %s", a.body)
	}
	expect(t, do(t, srv, "PUT", "/groups/"+ids["groupId"], admin(srv), `{"name":"All","peers":[]}`), 200)
	if a := do(t, srv, "GET", "/peers/"+ids["peerId"], admin(srv), ""); !strings.Contains(a.body, `"groups":null`) {
		t.Errorf("peer in no group: %s", a.body)
	}
	// Statuses the document does not list.
	if a := do(t, srv, "GET", "/groups/nope", admin(srv), ""); a.status != 404 || a.body != `{"code":404,"message":"group: nope not found"}` {
		t.Errorf("unknown group: %d %s", a.status, a.body)
	}
	if a := do(t, srv, "GET", "/events/network-traffic", admin(srv), ""); a.status != 404 {
		t.Errorf("network traffic: %d", a.status)
	}
	// Deletes answer {}, also where the document declares no content.
	if a := do(t, srv, "DELETE", "/routes/"+ids["routeId"], admin(srv), ""); a.status != 200 || a.body != "{}" {
		t.Errorf("delete: %d %q", a.status, a.body)
	}
	if a := do(t, srv, "DELETE", "/ingress/peers/x", admin(srv), ""); a.status != 200 || a.body != "{}" {
		t.Errorf("synthesized delete: %d %q", a.status, a.body)
	}
	// The generated client decodes these answers.
	groups, err := c.ListGroupsWithResponse(t.Context(), nil)
	want(t, 200, groups, err)
	if len(*groups.JSON200) != 2 || (*groups.JSON200)[0].Resources != nil {
		t.Errorf("groups %+v", *groups.JSON200)
	}
	resources, err := c.ListNetworkResourcesWithResponse(t.Context(), ids["networkId"])
	want(t, 200, resources, err)
	if (*resources.JSON200)[0].Type != "Host" {
		t.Errorf("resources %+v", *resources.JSON200)
	}
	noViolations(t, srv)
}

// TestStrictAnswers checks that strict mode sends none of the departures.
func TestStrictAnswers(t *testing.T) {
	srv := NewServer(t)
	ids := srv.SampleIDs()
	for _, path := range []string{"/groups", "/routes", "/policies", "/networks/routers", "/accounts",
		"/networks/" + ids["networkId"] + "/resources"} {
		a := do(t, srv, "GET", path, admin(srv), "")
		expect(t, a, 200)
		if strings.Contains(a.body, "null") || strings.Contains(a.body, `"Host"`) || strings.Contains(a.body, `"metric":0`) {
			t.Errorf("GET %s: %s", path, a.body)
		}
	}
	expect(t, do(t, srv, "GET", "/events/network-traffic", admin(srv), ""), 200)
	if a := do(t, srv, "DELETE", "/routes/"+ids["routeId"], admin(srv), ""); a.status != 200 || a.body != "" {
		t.Errorf("delete: %d %q", a.status, a.body)
	}
	if inDocument(t, "DeleteAgentNetworkBudgetRule") {
		if a := do(t, srv, "DELETE", "/agent-network/budget-rules/x", admin(srv), ""); a.status != 200 || a.body != "{}" {
			t.Errorf("delete declaring an object: %d %q", a.status, a.body)
		}
	}
	noViolations(t, srv)
}

// inDocument reports whether the vendored document has the operation, and
// says so when it does not: a check that needs it is then left out, so the
// tests follow whichever NetBird release is vendored.
func inDocument(t *testing.T, operationID string) bool {
	t.Helper()
	d, err := loadDocument()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.ops[operationID]; !ok {
		t.Logf("openapi.yaml has no operation %s: the check that uses it is left out", operationID)
		return false
	}
	return true
}

// TestDepartureTableResolves makes sure every row of the table names
// something the document has.
func TestDepartureTableResolves(t *testing.T) {
	d, err := loadDocument()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.departures.nullArrays) == 0 || len(d.departures.enums) == 0 || len(d.departures.minimums) == 0 {
		t.Errorf("departures resolved to nothing: %+v", d.departures)
	}
	if len(d.departures.skipped) > 0 {
		t.Errorf("departures.gen.json names what the document lacks: %v (run make real-server-table)", d.departures.skipped)
	}
	deps, err := loadDepartures()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range deps {
		if dep.Observed == "" {
			t.Errorf("departure %s without its observation", dep.Where)
		}
	}
}

// hasProperty reports whether a component schema of the document, or a
// part of one, declares the property name.
func hasProperty(t *testing.T, name string) bool {
	t.Helper()
	d, err := loadDocument()
	if err != nil {
		t.Fatal(err)
	}
	var has func(s *openapi3.Schema) bool
	has = func(s *openapi3.Schema) bool {
		if s == nil {
			return false
		}
		if s.Properties[name] != nil {
			return true
		}
		for _, part := range s.AllOf {
			if has(part.Value) {
				return true
			}
		}
		return false
	}
	for _, ref := range d.doc.Components.Schemas {
		if has(ref.Value) {
			return true
		}
	}
	return false
}
