package netbirdtest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netbird-go/netbird/auth"
)

func TestAuthRefusals(t *testing.T) {
	srv := NewServer(t)
	tok := srv.Token()
	badChecksum := tok[:len(tok)-1] + map[bool]string{true: "A", false: "B"}[tok[len(tok)-1] != 'A']
	stranger := auth.GeneratePAT()
	const (
		noAuth  = `{"code":401,"message":"no valid authentication provided"}`
		invalid = `{"code":401,"message":"token invalid"}`
	)
	for _, tc := range []struct {
		name, authz string
		status      int
		body        string
	}{
		{"no header", "", 401, noAuth},
		{"unknown scheme", "Basic " + tok, 401, noAuth},
		{"scheme only", "Token", 401, noAuth},
		{"malformed PAT", "Token nbp_tooshort", 401, invalid},
		{"bad checksum", "Token " + badChecksum, 401, invalid},
		{"not a PAT", "Token abc", 401, invalid},
		{"JWT", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl", 401, invalid},
		{"unknown PAT (strict)", "Token " + stranger, 401, invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, srv, "GET", "/users/current", tc.authz, "")
			if a.status != tc.status || a.body != tc.body {
				t.Errorf("got %d %s, want %d %s", a.status, a.body, tc.status, tc.body)
			}
			if ct := a.header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if a.header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
		})
	}
	t.Run("unknown PAT (realistic)", func(t *testing.T) {
		real := NewServer(t, WithRealistic())
		a := do(t, real, "GET", "/users/current", "Token "+stranger, "")
		want := `{"code":404,"message":"invalid token: pat: ` + hashToken(stranger) + ` not found"}`
		if a.status != 404 || a.body != want {
			t.Errorf("got %d %s, want 404 %s", a.status, a.body, want)
		}
		noViolations(t, real)
	})
	// A client's mistake is not the server's violation, even on operations
	// whose document lists no 401 (CreatePolicy lists only 200).
	if a := do(t, srv, "POST", "/policies", "", `{"name":"p","enabled":true,"rules":[]}`); a.status != 401 {
		t.Errorf("CreatePolicy without credentials: %d", a.status)
	}
	noViolations(t, srv)
}

func TestTokenAndBearerSchemes(t *testing.T) {
	srv := NewServer(t)
	for _, scheme := range []string{"Token", "Bearer"} {
		a := do(t, srv, "GET", "/users/current", scheme+" "+srv.Token(), "")
		expect(t, a, 200)
		if id := decode[map[string]any](t, a.body)["id"]; id != srv.CurrentUserID() {
			t.Errorf("%s: current user %v, want %s", scheme, id, srv.CurrentUserID())
		}
	}
	if err := auth.ValidPAT(srv.Token()); err != nil {
		t.Errorf("Token() is not a well-formed PAT: %v", err)
	}
}

func TestTokenLifecycle(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opts       []Option
		status     int
		deleteBody string
	}{
		{"strict", nil, 401, ""},
		{"realistic", []Option{WithRealistic()}, 404, "{}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := NewServer(t, tc.opts...)
			me := srv.CurrentUserID()
			a := do(t, srv, "POST", "/users/"+me+"/tokens", admin(srv), `{"name":"ci","expires_in":30}`)
			expect(t, a, 200)
			created := decode[struct {
				PAT struct {
					ID, Name, CreatedBy string
				} `json:"personal_access_token"`
				Plain string `json:"plain_token"`
			}](t, a.body)
			if err := auth.ValidPAT(created.Plain); err != nil {
				t.Fatalf("plain_token %q: %v", created.Plain, err)
			}
			ci := "Token " + created.Plain
			expect(t, do(t, srv, "GET", "/users/current", ci, ""), 200)

			list := do(t, srv, "GET", "/users/"+me+"/tokens", ci, "")
			expect(t, list, 200)
			if strings.Contains(list.body, created.Plain) || !strings.Contains(list.body, created.PAT.ID) {
				t.Errorf("list: %s", list.body)
			}
			one := do(t, srv, "GET", "/users/"+me+"/tokens/"+created.PAT.ID, ci, "")
			expect(t, one, 200)
			if strings.Contains(one.body, created.Plain) {
				t.Error("GET token shows the plain token")
			}

			del := do(t, srv, "DELETE", "/users/"+me+"/tokens/"+created.PAT.ID, admin(srv), "")
			if del.status != 200 || del.body != tc.deleteBody {
				t.Errorf("delete: %d %q, want 200 %q", del.status, del.body, tc.deleteBody)
			}
			if a := do(t, srv, "GET", "/users/current", ci, ""); a.status != tc.status {
				t.Errorf("deleted token: %d %s, want %d", a.status, a.body, tc.status)
			}
			again := do(t, srv, "DELETE", "/users/"+me+"/tokens/"+created.PAT.ID, admin(srv), "")
			if want := `{"code":404,"message":"pat: ` + created.PAT.ID + ` not found"}`; again.status != 404 || again.body != want {
				t.Errorf("second delete: %d %s, want 404 %s", again.status, again.body, want)
			}
			noViolations(t, srv)
		})
	}
}

func TestServiceUserToken(t *testing.T) {
	srv := NewServer(t)
	a := do(t, srv, "POST", "/users", admin(srv), `{"name":"bot","role":"admin","auto_groups":[],"is_service_user":true}`)
	expect(t, a, 200)
	bot := decode[map[string]any](t, a.body)
	if bot["is_service_user"] != true || bot["name"] != "bot" || bot["role"] != "admin" {
		t.Errorf("service user: %s", a.body)
	}
	botID := bot["id"].(string)

	svc := decode[[]map[string]any](t, do(t, srv, "GET", "/users?service_user=true", admin(srv), "").body)
	if len(svc) != 1 || svc[0]["id"] != botID {
		t.Errorf("service_user=true lists %v", svc)
	}
	humans := decode[[]map[string]any](t, do(t, srv, "GET", "/users?service_user=false", admin(srv), "").body)
	if len(humans) != 1 || humans[0]["id"] != srv.CurrentUserID() {
		t.Errorf("service_user=false lists %v", humans)
	}

	a = do(t, srv, "POST", "/users/"+botID+"/tokens", admin(srv), `{"name":"bot-token","expires_in":365}`)
	expect(t, a, 200)
	plain := decode[map[string]any](t, a.body)["plain_token"].(string)
	// NetBird refuses "who am I?" to service users; the user list marks
	// the caller instead.
	expect(t, do(t, srv, "GET", "/users/current", "Bearer "+plain, ""), 403)
	bots := decode[[]map[string]any](t, do(t, srv, "GET", "/users?service_user=true", "Bearer "+plain, "").body)
	if len(bots) != 1 || bots[0]["id"] != botID || bots[0]["is_current"] != true {
		t.Errorf("the bot's token acts as %v", bots)
	}
	// Deleting the user revokes its tokens.
	expect(t, do(t, srv, "DELETE", "/users/"+botID, admin(srv), ""), 200)
	if a := do(t, srv, "GET", "/users/current", "Token "+plain, ""); a.status != 401 {
		t.Errorf("token of a deleted user: %d", a.status)
	}
	noViolations(t, srv)
}

func TestExpiredToken(t *testing.T) {
	t.Run("ExpireToken", func(t *testing.T) {
		srv := NewServer(t)
		expect(t, do(t, srv, "GET", "/users/current", admin(srv), ""), 200)
		srv.ExpireToken(srv.TokenID())
		a := do(t, srv, "GET", "/users/current", admin(srv), "")
		if a.status != 401 || a.body != `{"code":401,"message":"token invalid"}` {
			t.Errorf("expired token: %d %s", a.status, a.body)
		}
	})
	t.Run("WithClock", func(t *testing.T) {
		clock := newFakeClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
		srv := NewServer(t, WithClock(clock.Now))
		a := do(t, srv, "POST", "/users/"+srv.CurrentUserID()+"/tokens", admin(srv), `{"name":"day","expires_in":1}`)
		expect(t, a, 200)
		created := decode[map[string]any](t, a.body)
		if exp := created["personal_access_token"].(map[string]any)["expiration_date"]; exp != "2026-03-02T12:00:00Z" {
			t.Errorf("expiration_date %v", exp)
		}
		day := "Token " + created["plain_token"].(string)
		expect(t, do(t, srv, "GET", "/users/current", day, ""), 200)
		clock.Advance(25 * time.Hour)
		if a := do(t, srv, "GET", "/users/current", day, ""); a.status != http.StatusUnauthorized {
			t.Errorf("token a day past expiry: %d", a.status)
		}
		expect(t, do(t, srv, "GET", "/users/current", admin(srv), ""), 200)
	})
	t.Run("unknown id panics", func(t *testing.T) {
		srv := NewServer(t)
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "nope") {
				t.Errorf("recovered %v", r)
			}
		}()
		srv.ExpireToken("nope")
	})
}

func TestUserRoleIsRefusedAdminResources(t *testing.T) {
	srv := NewServer(t)
	a := do(t, srv, "POST", "/users", admin(srv), `{"name":"viewer","role":"user","auto_groups":[],"is_service_user":true}`)
	expect(t, a, 200)
	id := decode[map[string]any](t, a.body)["id"].(string)
	a = do(t, srv, "POST", "/users/"+id+"/tokens", admin(srv), `{"name":"v","expires_in":1}`)
	expect(t, a, 200)
	viewer := "Token " + decode[map[string]any](t, a.body)["plain_token"].(string)
	for _, p := range []string{"/groups", "/setup-keys", "/policies", "/routes", "/accounts", "/events/audit", "/users/" + id + "/tokens", "/users/current"} {
		if a := do(t, srv, "GET", p, viewer, ""); a.status != 403 || a.body != `{"code":403,"message":"permission denied"}` {
			t.Errorf("GET %s as a user: %d %s", p, a.status, a.body)
		}
	}
	expect(t, do(t, srv, "GET", "/peers", viewer, ""), 200)
	if users := decode[[]map[string]any](t, do(t, srv, "GET", "/users", viewer, "").body); len(users) != 1 || users[0]["id"] != id {
		t.Errorf("a user lists %v, want only itself", users)
	}
	noViolations(t, srv)
}

// Nobody manages another regular user's tokens, not even the owner.
func TestOtherUsersTokensAreRefused(t *testing.T) {
	srv := NewServer(t)
	a := do(t, srv, "POST", "/users", admin(srv), `{"email":"bob@example.com","name":"bob","role":"admin","auto_groups":[],"is_service_user":false}`)
	expect(t, a, 200)
	id := decode[map[string]any](t, a.body)["id"].(string)
	a = do(t, srv, "POST", "/users/"+id+"/tokens", admin(srv), `{"name":"b","expires_in":1}`)
	if a.status != 403 || a.body != `{"code":403,"message":"admin role required to perform this action"}` {
		t.Errorf("the owner creating bob's token: %d %s", a.status, a.body)
	}
	noViolations(t, srv)
}
