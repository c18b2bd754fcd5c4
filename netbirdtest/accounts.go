package netbirdtest

import (
	"strconv"
	"strings"
	"time"

	"github.com/netbird-go/netbird/auth"
)

// Account is an account of the sandbox besides the seeded one: a child
// account made by [Server.AddChildAccount].
type Account struct {
	// ID is the account's id: what a request names in account=<id>
	// (netbird.Client.ForAccount) to act on it.
	ID   string
	Name string
	// OwnerID is the account's own owner, a user of this account.
	OwnerID string
	// Token is a personal access token of the owner. Requests made with it
	// act on this account; its owner manages no other account.
	Token string
}

// AddChildAccount adds an account managed by the seeded account, as a
// managed service provider (MSP) manages its customers' accounts in
// NetBird Cloud, and returns it. It holds its own owner (with a token), two
// peers named after the account ("<name>-gateway" and "<name>-laptop"),
// the group "All" with both, the default policy and empty DNS settings.
//
// A request that names the account with the query parameter account=<id>
// acts on it when its user is an owner or an admin of the seeded account
// (service users included); NetBird's auth middleware decides the same way
// whether a user may manage a child account. For any other user, or when
// the parameter is given more than once, the parameter is ignored, without
// an error, and the request acts on the user's own account, as NetBird
// does. A user acting on a child account keeps its own identity and role:
// GET /api/users/current still answers with that user.
//
// It reads and changes the server's state directly, not through the API:
// it adds nothing to Calls or Requests.
func (s *Server) AddChildAccount(name string) Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	slug := dnsLabel(name)
	if slug == "" {
		slug = "child"
	}
	st := newState(accountID(uint64(len(s.accounts)+1)), slug+".example.com", &s.seq)
	st.managedBy = s.accounts[0].id
	s.accounts = append(s.accounts, st)
	acc := Account{ID: st.id, Name: name, Token: auth.GeneratePAT()}
	s.on(st, func() {
		now := s.now().UTC().Truncate(time.Second).Format(time.RFC3339)
		owner := s.put("user", "CreateUser", "", map[string]any{
			"email": "owner@" + st.domain, "name": name + " Owner", "role": "owner", "auto_groups": []any{},
			"status": "active", "is_blocked": false, "pending_approval": false, "is_service_user": false,
			"issued": "api", "last_login": now,
		})
		acc.OwnerID = owner.id
		s.addToken(owner.id, owner.id, "sandbox", 365*24*time.Hour, acc.Token)
		var peers []any
		for i, p := range []struct{ name, os string }{{slug + "-gateway", "linux"}, {slug + "-laptop", "darwin"}} {
			r := s.put("peer", "GetPeer", "", map[string]any{
				"name": p.name, "hostname": p.name, "dns_label": p.name, "ip": "100.64.0." + strconv.Itoa(i+1), "os": p.os,
				"connected": true, "connection_ip": "198.51.100." + strconv.Itoa(10+i),
				"user_id": owner.id, "version": "0.77.1", "kernel_version": "6.8.0",
				"created_at": now, "last_login": now, "last_seen": now,
				"login_expiration_enabled": true, "login_expired": false, "inactivity_expiration_enabled": false,
				"ssh_enabled": false, "approval_required": false, "ephemeral": false,
				"country_code": "DE", "city_name": "Berlin", "geoname_id": 2950159, "extra_dns_labels": []any{},
			})
			peers = append(peers, r.id)
		}
		all := s.put("group", "CreateGroup", "", map[string]any{"name": "All", "peers": peers, "resources": []any{}, "issued": "api"})
		s.put("policy", "CreatePolicy", "", map[string]any{
			"name": "Default", "description": "This is a default rule that allows connections between all the resources",
			"enabled": true, "source_posture_checks": []any{},
			"rules": []any{map[string]any{
				"id": s.st.newID(), "name": "Default", "description": "This is a default rule that allows connections between all the resources",
				"enabled": true, "action": "accept", "bidirectional": true, "protocol": "all",
				"sources": []any{all.id}, "destinations": []any{all.id},
			}},
		})
		s.st.dns = map[string]any{"disabled_management_groups": []any{}}
	})
	return acc
}

// AccountID returns the id of the seeded account, the account of
// [Server.Token]'s user.
func (s *Server) AccountID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts[0].id
}

// accountID is the id of the server's nth account, shaped like NetBird's
// xid ids but distinct from the ids of objects: "d1ca0000000000000001".
func accountID(n uint64) string {
	d := strconv.FormatUint(n, 32)
	return "d1ca" + strings.Repeat("0", 16-len(d)) + d
}

// managerRoles may manage the child accounts of their account.
var managerRoles = map[any]bool{"owner": true, "admin": true}

// actingAccount is the account a call acts on, as NetBird's auth middleware
// decides it: the account named by the query parameter account, when it
// is given exactly once and the user may manage that account (a child
// account of the user's, and the user an owner or an admin); otherwise,
// silently, the user's own account.
func (s *Server) actingAccount(c *call) *state {
	ids := c.query["account"]
	if len(ids) != 1 {
		return c.home
	}
	u := c.home.find("user", c.userID)
	if u == nil || !managerRoles[u.obj["role"]] {
		return c.home
	}
	for _, st := range s.accounts {
		if st.id == ids[0] && st.managedBy == c.home.id {
			return st
		}
	}
	return c.home
}

// on runs f with st as the account being served. The caller holds s.mu.
func (s *Server) on(st *state, f func()) {
	s.st = st
	defer func() { s.st = s.accounts[0] }()
	f()
}

// listAccounts answers GET /api/accounts: the account being served, as
// NetBird answers with the caller's account (or the child account it acts
// on). Its settings are synthesized from the document.
func (s *Server) listAccounts(c *call) response {
	obj, _ := s.synth.Value(c.op.body.Value.Items, "", 0, 0).(map[string]any)
	if obj == nil {
		obj = map[string]any{}
	}
	obj["id"], obj["domain"] = s.st.id, s.st.domain
	if owners := s.st.records["user"]; len(owners) > 0 {
		obj["created_by"] = owners[0].id
	}
	s.complete(c.op.body.Value.Items, obj)
	return jsonResponse(c.op.success, []any{obj})
}
