package netbirdtest

import (
	"net/url"
	"slices"
	"testing"
)

// names lists the "name" of each object of a JSON list.
func names(t *testing.T, a answer) []string {
	t.Helper()
	expect(t, a, 200)
	var out []string
	for _, o := range decode[[]map[string]any](t, a.body) {
		out = append(out, o["name"].(string))
	}
	slices.Sort(out)
	return out
}

// accountOf is the id GET /api/accounts answers with.
func accountOf(t *testing.T, srv *Server, query, authz string) string {
	t.Helper()
	a := do(t, srv, "GET", "/accounts"+query, authz, "")
	expect(t, a, 200)
	accs := decode[[]map[string]any](t, a.body)
	if len(accs) != 1 {
		t.Fatalf("GET /api/accounts%s: %d accounts, want 1", query, len(accs))
	}
	return accs[0]["id"].(string)
}

// The seeded account's owner acts on a child account with account=<id>:
// its reads show the child's objects, its writes land in the child only;
// without the parameter it is back on its own account.
func TestChildAccountServedToItsManager(t *testing.T) {
	for _, opts := range [][]Option{nil, {WithRealistic()}} {
		srv := NewServer(t, opts...)
		acme := srv.AddChildAccount("Acme")
		other := srv.AddChildAccount("Globex")
		if acme.ID == other.ID || acme.ID == srv.AccountID() || acme.OwnerID == "" || acme.Token == "" {
			t.Fatalf("accounts %+v, %+v, seeded %s", acme, other, srv.AccountID())
		}
		q := "?" + url.Values{"account": {acme.ID}}.Encode()

		if got := accountOf(t, srv, q, admin(srv)); got != acme.ID {
			t.Errorf("GET /api/accounts as the child: %s, want %s", got, acme.ID)
		}
		if got := accountOf(t, srv, "", admin(srv)); got != srv.AccountID() {
			t.Errorf("GET /api/accounts: %s, want the seeded %s", got, srv.AccountID())
		}
		if got := names(t, do(t, srv, "GET", "/peers"+q, admin(srv), "")); !slices.Equal(got, []string{"acme-gateway", "acme-laptop"}) {
			t.Errorf("the child's peers: %v", got)
		}
		if got := names(t, do(t, srv, "GET", "/peers", admin(srv), "")); !slices.Equal(got, []string{"alice-laptop", "ci-runner", "db-server"}) {
			t.Errorf("the seeded account's peers: %v", got)
		}
		// The caller stays who it is.
		me := decode[map[string]any](t, do(t, srv, "GET", "/users/current"+q, admin(srv), "").body)
		if me["id"] != srv.CurrentUserID() || me["role"] != "owner" {
			t.Errorf("current user as the child: %v (%v)", me["id"], me["role"])
		}
		if got := names(t, do(t, srv, "GET", "/users"+q, admin(srv), "")); !slices.Equal(got, []string{"Acme Owner"}) {
			t.Errorf("the child's users: %v", got)
		}

		created := do(t, srv, "POST", "/groups"+q, admin(srv), `{"name":"acme-only"}`)
		expect(t, created, 200)
		id := decode[map[string]any](t, created.body)["id"].(string)
		if got := names(t, do(t, srv, "GET", "/groups"+q, admin(srv), "")); !slices.Equal(got, []string{"All", "acme-only"}) {
			t.Errorf("the child's groups after a create: %v", got)
		}
		for _, elsewhere := range []string{"", "?account=" + other.ID} {
			if got := names(t, do(t, srv, "GET", "/groups"+elsewhere, admin(srv), "")); slices.Contains(got, "acme-only") {
				t.Errorf("GET /api/groups%s shows the child's new group: %v", elsewhere, got)
			}
			if a := do(t, srv, "GET", "/groups/"+id+elsewhere, admin(srv), ""); a.status != 404 {
				t.Errorf("GET /api/groups/<the child's group>%s: %d, want 404", elsewhere, a.status)
			}
		}
		expect(t, do(t, srv, "DELETE", "/groups/"+id+q, admin(srv), ""), 200)
		noViolations(t, srv)
	}
}

// Whoever may not manage the account named by account=<id>, or names it
// twice, is silently served its own account, as by NetBird: the child's
// own owner naming its parent or a sibling, a user of the seeded account
// with the role "user", unknown and empty ids.
func TestChildAccountParameterIgnored(t *testing.T) {
	srv := NewServer(t)
	acme := srv.AddChildAccount("Acme")
	globex := srv.AddChildAccount("Globex")

	// A service user of the seeded account with the role "user", and its token.
	bot := do(t, srv, "POST", "/users", admin(srv), `{"name":"reader","role":"user","auto_groups":[],"is_service_user":true}`)
	expect(t, bot, 200)
	botID := decode[map[string]any](t, bot.body)["id"].(string)
	tok := do(t, srv, "POST", "/users/"+botID+"/tokens", admin(srv), `{"name":"t","expires_in":1}`)
	expect(t, tok, 200)
	reader := "Token " + decode[map[string]any](t, tok.body)["plain_token"].(string)

	for _, tc := range []struct {
		name, authz, query, want string
	}{
		{"the child's owner naming its parent", "Token " + acme.Token, "?account=" + srv.AccountID(), acme.ID},
		{"the child's owner naming a sibling", "Token " + acme.Token, "?account=" + globex.ID, acme.ID},
		{"the child's owner naming itself", "Token " + acme.Token, "?account=" + acme.ID, acme.ID},
		{"a user-role user of the parent", reader, "?account=" + acme.ID, srv.AccountID()},
		{"an unknown id", admin(srv), "?account=d1cazzzzzzzzzzzzzzzz", srv.AccountID()},
		{"an empty id", admin(srv), "?account=", srv.AccountID()},
		{"the parameter twice", admin(srv), "?account=" + acme.ID + "&account=" + acme.ID, srv.AccountID()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.authz != reader {
				if got := accountOf(t, srv, tc.query, tc.authz); got != tc.want {
					t.Errorf("served account %s, want %s", got, tc.want)
				}
			}
			with := names(t, do(t, srv, "GET", "/peers"+tc.query, tc.authz, ""))
			without := names(t, do(t, srv, "GET", "/peers", tc.authz, ""))
			if !slices.Equal(with, without) {
				t.Errorf("peers with the parameter %v, without %v", with, without)
			}
		})
	}
	// The user-role user sees its own peers (none) and may not list groups,
	// whatever it names.
	if got := names(t, do(t, srv, "GET", "/peers?account="+acme.ID, reader, "")); len(got) != 0 {
		t.Errorf("a user-role user sees peers %v", got)
	}
	if a := do(t, srv, "GET", "/groups?account="+acme.ID, reader, ""); a.status != 403 {
		t.Errorf("a user-role user listing groups of a child account: %d, want 403", a.status)
	}
	noViolations(t, srv)
}

// Tokens live with their user's account: the manager creates a service
// user in the child account, gives it a token, and that token acts on the
// child account without the parameter; ExpireToken finds it.
func TestChildAccountTokens(t *testing.T) {
	srv := NewServer(t)
	acme := srv.AddChildAccount("Acme")
	q := "?account=" + acme.ID
	bot := do(t, srv, "POST", "/users"+q, admin(srv), `{"name":"acme-ci","role":"admin","auto_groups":[],"is_service_user":true}`)
	expect(t, bot, 200)
	botID := decode[map[string]any](t, bot.body)["id"].(string)
	tok := do(t, srv, "POST", "/users/"+botID+"/tokens"+q, admin(srv), `{"name":"ci","expires_in":1}`)
	expect(t, tok, 200)
	created := decode[map[string]any](t, tok.body)
	ci := "Token " + created["plain_token"].(string)
	if got := accountOf(t, srv, "", ci); got != acme.ID {
		t.Errorf("the child's service user is served %s, want %s", got, acme.ID)
	}
	if got := names(t, do(t, srv, "GET", "/users/"+botID+"/tokens"+q, admin(srv), "")); !slices.Equal(got, []string{"ci"}) {
		t.Errorf("the child's service user's tokens: %v", got)
	}
	if a := do(t, srv, "GET", "/users/"+botID+"/tokens", admin(srv), ""); a.status != 404 {
		t.Errorf("the child's user from the parent account: %d, want 404", a.status)
	}
	srv.ExpireToken(created["personal_access_token"].(map[string]any)["id"].(string))
	if a := do(t, srv, "GET", "/accounts", ci, ""); a.status != 401 {
		t.Errorf("an expired token of the child account: %d, want 401", a.status)
	}
	noViolations(t, srv)
}
