package netbirdtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestBasePath(t *testing.T) {
	srv := NewServer(t, WithBasePath("/netbird/api/"))
	if want := srv.URL() + "/netbird/api"; srv.BaseURL() != want {
		t.Errorf("BaseURL %q, want %q", srv.BaseURL(), want)
	}
	get := func(path string) answer {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL()+path, nil)
		req.Header.Set("Authorization", admin(srv))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return answer{status: resp.StatusCode, header: resp.Header, body: strings.TrimSpace(string(b))}
	}
	expect(t, get("/netbird/api/users/current"), 200)
	for _, p := range []string{"/api/users/current", "/netbird/apix/users/current", "/users/current"} {
		a := get(p)
		if a.status != 404 || a.body != `{"code":404,"message":"not found"}` {
			t.Errorf("%s: %d %s", p, a.status, a.body)
		}
	}
	reqs := srv.Requests()
	if reqs[0].Path != "/netbird/api/users/current" || reqs[0].OperationID != "GetCurrentUser" || reqs[0].Status != 200 {
		t.Errorf("log: %+v", reqs[0])
	}
	if reqs[1].OperationID != "" || reqs[1].Status != 404 {
		t.Errorf("log: %+v", reqs[1])
	}
	if _, err := Start(WithBasePath("api")); err == nil {
		t.Error("a base path without a leading slash is accepted")
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	srv := NewServer(t)
	if a := do(t, srv, "GET", "/nope", admin(srv), ""); a.status != 404 || a.body != `{"code":404,"message":"not found"}` {
		t.Errorf("unknown path: %d %s", a.status, a.body)
	}
	for _, tc := range []struct{ method, path string }{{"POST", "/peers"}, {"POST", "/peers/x"}, {"PATCH", "/groups"}} {
		if a := do(t, srv, tc.method, tc.path, admin(srv), ""); a.status != 405 || a.body != `{"code":405,"message":"method not allowed"}` {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, a.status, a.body)
		}
	}
	// The two invite paths that differ only in their parameter's name.
	expect(t, do(t, srv, "GET", "/users/invites/sometoken", "", ""), 200)
	expect(t, do(t, srv, "DELETE", "/users/invites/someid", admin(srv), ""), 200)
	calls := srv.Calls()
	if calls["GetUserInviteInfo"] != 1 || calls["DeleteUserInvite"] != 1 {
		t.Errorf("calls %v", calls)
	}
	noViolations(t, srv)
}

func TestInvalidRequestIsRefusedAndReported(t *testing.T) {
	rec := &recordingTB{TB: t}
	srv := NewServer(rec)
	path := "/users/" + srv.CurrentUserID() + "/tokens"

	a := do(t, srv, "POST", path, admin(srv), `{"name":"t","expires_in":"30"}`)
	if a.status != 400 || !strings.Contains(a.body, `"code":400`) || !strings.Contains(a.body, `"message":"expires_in: `) {
		t.Errorf("expires_in as a string: %d %s", a.status, a.body)
	}
	a = do(t, srv, "POST", path, admin(srv), `{"expires_in":30}`)
	if a.status != 400 || !strings.Contains(a.body, `"message":"name: required`) {
		t.Errorf("without name: %d %s", a.status, a.body)
	}
	vs := srv.Violations()
	if len(vs) != 2 {
		t.Fatalf("violations %v", vs)
	}
	for i, want := range []struct{ field, rule string }{{"expires_in", "type"}, {"name", "required"}} {
		v := vs[i]
		if v.OperationID != "CreateToken" || v.Direction != "request" || v.Field != want.field ||
			!strings.HasPrefix(v.Rule, want.rule+": ") || v.Err == nil {
			t.Errorf("violation %d: %+v", i, v)
		}
	}
	got := rec.recorded()
	if len(got) != 2 || !strings.Contains(got[0], "CreateToken request: expires_in: type:") ||
		!strings.Contains(got[1], "CreateToken request: name: required") {
		t.Errorf("t.Errorf calls: %q", got)
	}
	// Nothing was created.
	if n := len(decode[[]any](t, do(t, srv, "GET", path, admin(srv), "").body)); n != 1 {
		t.Errorf("%d tokens", n)
	}
}

// "Wrong type" cannot be written with the client: its request bodies are
// typed Go structs. The sandbox refuses it from a raw request, naming the
// field and the types, so a hand-made client is caught too.
func TestSandboxRefusesWrongType(t *testing.T) {
	var mu sync.Mutex
	var violations []Violation
	srv := NewServer(t, WithReporter(func(v Violation) {
		mu.Lock()
		defer mu.Unlock()
		violations = append(violations, v)
	}))
	for _, tc := range []struct{ body, want string }{
		{`{"name":"ci","expires_in":"30"}`, `{"code":400,"message":"expires_in: type: got string, want integer"}`},
		{`{"name":5,"expires_in":30}`, `{"code":400,"message":"name: type: got number, want string"}`},
	} {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
			srv.BaseURL()+"/users/"+srv.SampleIDs()["userId"]+"/tokens", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Token "+srv.Token())
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 400 || strings.TrimSpace(string(b)) != tc.want {
			t.Errorf("%s: %d %s, want 400 %s", tc.body, resp.StatusCode, b, tc.want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(violations) != 2 || !strings.Contains(violations[0].Error(), "CreateToken request: expires_in") {
		t.Errorf("violations %v", violations)
	}
}

func TestRouteRequestWithoutID(t *testing.T) {
	srv := NewServer(t)
	body := `{"description":"lab","network_id":"lab","network":"10.20.0.0/16","enabled":true,"metric":100,` +
		`"masquerade":false,"groups":["` + srv.SampleIDs()["groupId"] + `"],"keep_route":false,"peer":"` + srv.SampleIDs()["peerId"] + `"}`
	a := do(t, srv, "POST", "/routes", admin(srv), body)
	expect(t, a, 200)
	if r := decode[map[string]any](t, a.body); r["id"] == "" || r["network_type"] != "IPv4" {
		t.Errorf("route %s", a.body)
	}
	noViolations(t, srv)

	// Only the missing id is allowed: another missing required property is
	// still a violation.
	rec := &recordingTB{TB: t}
	strict := NewServer(rec)
	a = do(t, strict, "POST", "/routes", admin(strict), strings.Replace(body, `"network_id":"lab",`, "", 1))
	vs := strict.Violations()
	if a.status != 400 || len(vs) != 1 || vs[0].Field != "network_id" || vs[0].OperationID != "CreateRoute" {
		t.Errorf("without network_id: %d %s %v", a.status, a.body, vs)
	}
}

func TestCountryCodePath(t *testing.T) {
	srv := NewServer(t)
	expect(t, do(t, srv, "GET", "/locations/countries/DE/cities", admin(srv), ""), 200)
	noViolations(t, srv)
}

// TestResponseFilter checks the filter of response validation directly: the
// listed departures pass in realistic mode only, anything else is flagged.
func TestResponseFilter(t *testing.T) {
	strict, realistic := NewServer(t), NewServer(t, WithRealistic())
	peerID := strict.SampleIDs()["peerId"]
	peer := decode[map[string]any](t, do(t, strict, "GET", "/peers/"+peerID, admin(strict), "").body)
	netID := strict.SampleIDs()["networkId"]
	resID := strict.SampleIDs()["resourceId"]
	resource := decode[map[string]any](t, do(t, strict, "GET", "/networks/"+netID+"/resources/"+resID, admin(strict), "").body)

	check := func(srv *Server, opID string, params map[string]string, status int, body map[string]any) []Violation {
		t.Helper()
		op := srv.doc.ops[opID]
		c := &call{op: op, r: httptest.NewRequestWithContext(t.Context(), op.method, "/api/x", nil), params: params}
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		h.Set("Content-Type", jsonContentType)
		h.Set("X-Request-Id", "x")
		return srv.validateResponse(t.Context(), c, status, h, b)
	}
	with := func(m map[string]any, k string, v any) map[string]any {
		out := deepCopy(m).(map[string]any)
		out[k] = v
		return out
	}
	peerParams := map[string]string{"peerId": peerID}
	resParams := map[string]string{"networkId": netID, "resourceId": resID}
	for _, tc := range []struct {
		name      string
		op        string
		params    map[string]string
		status    int
		body      map[string]any
		strict    string // field flagged in strict mode, "" for none
		realistic string // field flagged in realistic mode, "" for none
	}{
		{"valid peer", "GetPeer", peerParams, 200, peer, "", ""},
		{"null Peer.groups", "GetPeer", peerParams, 200, with(peer, "groups", nil), "groups", ""},
		{"null array not in the table", "GetPeer", peerParams, 200, with(peer, "extra_dns_labels", nil), "extra_dns_labels", "extra_dns_labels"},
		{"Host", "GetNetworkResource", resParams, 200, with(resource, "type", "Host"), "type", ""},
		{"another enum value", "GetNetworkResource", resParams, 200, with(resource, "type", "HOST"), "type", "type"},
		{"string where a bool belongs", "GetNetworkResource", resParams, 200, with(resource, "enabled", "yes"), "enabled", "enabled"},
		{"404 with a path parameter", "GetGroup", map[string]string{"groupId": "x"}, 404, nil, "", ""},
		{"404 for network traffic", "ListNetworkTrafficEvents", nil, 404, nil, "status", ""},
		{"404 not in the table", "ListPeers", nil, 404, nil, "status", "status"},
		{"500 not listed", "CreatePolicy", nil, 500, nil, "status", "status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, m := range []struct {
				srv  *Server
				want string
			}{{strict, tc.strict}, {realistic, tc.realistic}} {
				vs := check(m.srv, tc.op, tc.params, tc.status, tc.body)
				switch {
				case m.want == "" && len(vs) > 0:
					t.Errorf("realistic=%v: unexpected %v", m.srv.opts.realistic, vs)
				case m.want != "" && (len(vs) != 1 || vs[0].Field != m.want || vs[0].Direction != "response" || vs[0].OperationID != tc.op):
					t.Errorf("realistic=%v: got %v, want one violation of %s", m.srv.opts.realistic, vs, m.want)
				}
			}
		})
	}
}

func TestHandle(t *testing.T) {
	srv := NewServer(t)
	srv.Handle("ListPeers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte(`{"not":"a peer list"}`))
	})
	a := do(t, srv, "GET", "/peers", admin(srv), "")
	if a.status != http.StatusTeapot || a.body != `{"not":"a peer list"}` || a.header.Get("X-Request-Id") == "" {
		t.Errorf("override: %d %s", a.status, a.body)
	}
	// Credentials are still checked before the override.
	if a := do(t, srv, "GET", "/peers", "", ""); a.status != 401 {
		t.Errorf("override without credentials: %d", a.status)
	}
	noViolations(t, srv) // override answers are not validated
	if got := srv.Requests()[0].Status; got != http.StatusTeapot {
		t.Errorf("logged status %d", got)
	}

	defer func() {
		r := recover()
		msg, _ := r.(string)
		if !strings.Contains(msg, `"ListPeer"`) || !strings.Contains(msg, `"ListPeers"`) {
			t.Errorf("panic %v", r)
		}
	}()
	srv.Handle("ListPeer", func(http.ResponseWriter, *http.Request) {})
}

func TestRequestLogHasNoSecrets(t *testing.T) {
	srv := NewServer(t)
	do(t, srv, "GET", "/peers?name=db-server", admin(srv), "")
	do(t, srv, "GET", "/peers", "Token nbp_bad", "")
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("log %v", reqs)
	}
	r := reqs[0]
	if r.Method != "GET" || r.Path != "/api/peers" || r.Query != "name=db-server" || r.OperationID != "ListPeers" ||
		r.Status != 200 || r.Time.IsZero() {
		t.Errorf("entry %+v", r)
	}
	if reqs[1].Status != 401 {
		t.Errorf("entry %+v", reqs[1])
	}
	for _, r := range reqs {
		if s := strings.ToLower(fmtAny(r)); strings.Contains(s, "nbp_") || strings.Contains(s, "token") {
			t.Errorf("log entry shows a credential: %s", s)
		}
	}
	if srv.Calls()["ListPeers"] != 2 {
		t.Errorf("calls %v", srv.Calls())
	}
}

func TestDeterministicSynthesis(t *testing.T) {
	a, b := NewServer(t), NewServer(t, WithRealistic())
	for _, path := range []string{"/accounts", "/events/audit", "/events/proxy?page=2&page_size=7", "/integrations/billing/usage", "/dns/zones"} {
		x, y := do(t, a, "GET", path, admin(a), ""), do(t, a, "GET", path, admin(a), "")
		expect(t, x, 200)
		if x.body != y.body {
			t.Errorf("%s differs between calls", path)
		}
		other := NewServer(t)
		if z := do(t, other, "GET", path, admin(other), ""); z.body != x.body {
			t.Errorf("%s differs between servers", path)
		}
		expect(t, do(t, b, "GET", path, admin(b), ""), 200)
	}
}

func TestPaging(t *testing.T) {
	type page struct {
		Data         []map[string]any `json:"data"`
		Page         int              `json:"page"`
		PageSize     int              `json:"page_size"`
		TotalRecords int              `json:"total_records"`
		TotalPages   int              `json:"total_pages"`
	}
	srv := NewServer(t)
	seen := map[any]bool{}
	for p := 1; p <= 3; p++ {
		a := do(t, srv, "GET", fmt.Sprintf("/events/proxy?page_size=10&page=%d", p), admin(srv), "")
		expect(t, a, 200)
		pg := decode[page](t, a.body)
		if pg.Page != p || pg.PageSize != 10 || pg.TotalRecords != 25 || pg.TotalPages != 3 || len(pg.Data) != min(10, 25-10*(p-1)) {
			t.Errorf("page %d: page %d size %d records %d pages %d, %d items", p, pg.Page, pg.PageSize, pg.TotalRecords, pg.TotalPages, len(pg.Data))
		}
		for _, d := range pg.Data {
			seen[d["id"]] = true
		}
	}
	if len(seen) != 25 {
		t.Errorf("%d distinct records over 3 pages", len(seen))
	}
	// The document's defaults: page 1, page_size 50.
	if pg := decode[page](t, do(t, srv, "GET", "/events/proxy", admin(srv), "").body); pg.Page != 1 || pg.PageSize != 50 || len(pg.Data) != 25 {
		t.Errorf("defaults: page %d size %d, %d items", pg.Page, pg.PageSize, len(pg.Data))
	}
	// Past the end: no data.
	if inDocument(t, "ListAgentNetworkAccessLogs") {
		if pg := decode[page](t, do(t, srv, "GET", "/agent-network/access-logs?page=9&page_size=5", admin(srv), "").body); len(pg.Data) != 0 || pg.TotalPages != 5 {
			t.Errorf("past the end: %+v", pg)
		}
	}
	noViolations(t, srv)
}

func TestTLS(t *testing.T) {
	srv := NewServer(t, WithTLS())
	if !strings.HasPrefix(srv.URL(), "https://127.0.0.1:") {
		t.Errorf("URL %s", srv.URL())
	}
	expect(t, do(t, srv, "GET", "/users/current", admin(srv), ""), 200)
}

func TestMalformedBody(t *testing.T) {
	rec := &recordingTB{TB: t}
	srv := NewServer(rec)
	a := do(t, srv, "POST", "/groups", admin(srv), `{"name":`)
	vs := srv.Violations()
	if a.status != 400 || len(vs) != 1 || vs[0].OperationID != "CreateGroup" || vs[0].Field != "body" {
		t.Errorf("got %d %s, violations %v", a.status, a.body, vs)
	}
	a = do(t, srv, "GET", "/events/proxy?page=0", admin(srv), "")
	vs = srv.Violations()
	if a.status != 400 || len(vs) != 2 || vs[1].Field != "query page" || vs[1].Rule != "minimum: got 0, want 1" {
		t.Errorf("page=0: %d %s, violations %v", a.status, a.body, vs)
	}
	// Formats are checked too.
	a = do(t, srv, "PUT", "/peers/"+srv.SampleIDs()["peerId"], admin(srv),
		`{"name":"p","ssh_enabled":false,"login_expiration_enabled":false,"inactivity_expiration_enabled":false,"ip":"100.64.0.300"}`)
	vs = srv.Violations()
	if a.status != 400 || len(vs) != 3 || vs[2].Field != "ip" || !strings.HasPrefix(vs[2].Rule, "format") {
		t.Errorf("bad ip: %d %s, violations %v", a.status, a.body, vs)
	}
}
