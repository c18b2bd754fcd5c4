package netbirdtest

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/netbird-go/netbird/auth"
)

// authenticate checks the Authorization header the way NetBird does for
// personal access tokens. It returns the refusal to send when the
// credentials are not good; otherwise it sets c.userID, the user's account
// c.home and the account the call acts on, c.acting (see actingAccount).
//
//   - no header, or a scheme other than Token and Bearer: 401 "no valid
//     authentication provided";
//   - a malformed PAT, an expired one, or anything else after Bearer (the
//     sandbox has no identity provider, so it accepts no JWT): 401 "token
//     invalid";
//   - a well-formed PAT that is not in the store (never issued, or
//     deleted): 404 "invalid token: pat: <hash> not found" in realistic
//     mode, as from NetBird; 401 "token invalid" otherwise, since most
//     operations list no 404.
func (s *Server) authenticate(c *call) (response, bool) {
	scheme, value, _ := strings.Cut(c.r.Header.Get("Authorization"), " ")
	value = strings.TrimSpace(value)
	if !strings.EqualFold(scheme, "Token") && !strings.EqualFold(scheme, "Bearer") || value == "" {
		return errorResponse(http.StatusUnauthorized, "no valid authentication provided"), false
	}
	if auth.ValidPAT(value) != nil {
		return errorResponse(http.StatusUnauthorized, "token invalid"), false
	}
	hash := hashToken(value)
	s.mu.Lock()
	defer s.mu.Unlock()
	var tok *token
	for _, st := range s.accounts {
		if tok = st.tokenByHash(hash); tok != nil {
			c.home = st
			break
		}
	}
	if tok == nil {
		if s.opts.realistic {
			return errorResponse(http.StatusNotFound, "invalid token: pat: %s not found", hash), false
		}
		return errorResponse(http.StatusUnauthorized, "token invalid"), false
	}
	now := s.now()
	if !now.Before(tok.expires) {
		return errorResponse(http.StatusUnauthorized, "token invalid"), false
	}
	tok.lastUsed = now
	c.userID = tok.userID
	c.acting = s.actingAccount(c)
	return response{}, true
}

// userRoleAllowed are the only operations NetBird lets a user with the
// role "user" call, as the contract suite saw on the real server: it may
// ask who it is and list users and peers (seeing itself and its own
// peers, see onlyOwn); everything else is 403 "permission denied".
var userRoleAllowed = map[string]bool{"GetCurrentUser": true, "ListUsers": true, "ListPeers": true}

// tokenOps manage a user's personal access tokens.
var tokenOps = map[string]bool{"ListTokens": true, "CreateToken": true, "GetToken": true, "DeleteToken": true}

// permitted applies NetBird's permissions, as observed on the real server
// (contract/guide_test.go, contract/errors_test.go):
//   - the role "user" may call only userRoleAllowed;
//   - a service user may not ask who it is: NetBird's GetCurrentUserInfo
//     refuses service users (403 "permission denied"), whatever their role;
//   - tokens are managed by their own user, or by an admin for a service
//     user; another regular user's are refused with 403 "admin role required
//     to perform this action", even to the owner.
func (s *Server) permitted(c *call) (response, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := c.home.find("user", c.userID)
	if u == nil {
		return response{}, true
	}
	switch {
	case u.obj["role"] == "user" && !userRoleAllowed[c.op.id]:
		return errorResponse(http.StatusForbidden, "permission denied"), false
	case u.obj["is_service_user"] == true && c.op.id == "GetCurrentUser":
		return errorResponse(http.StatusForbidden, "permission denied"), false
	case tokenOps[c.op.id] && c.params["userId"] != c.userID:
		if target := c.acting.find("user", c.params["userId"]); target != nil && target.obj["is_service_user"] != true {
			return errorResponse(http.StatusForbidden, "admin role required to perform this action"), false
		}
	}
	return response{}, true
}

// onlyOwn reports whether a list shows the caller only what is its own: a
// user with the role "user" sees itself among the users and only its own
// peers.
func (s *Server) onlyOwn(c *call, owner any) bool {
	u := c.home.find("user", c.userID)
	return u == nil || u.obj["role"] != "user" || owner == c.userID
}

// hashToken is how NetBird stores a PAT: base64 of its SHA-256.
func hashToken(pat string) string {
	sum := sha256.Sum256([]byte(pat))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// permissionModules are the modules NetBird reports in the permissions of
// GET /api/users/current.
var permissionModules = []string{
	"accounts", "agent_network", "agent_network.budgets", "agent_network.guardrails", "agent_network.logs",
	"agent_network.policies", "agent_network.providers", "agent_network.settings", "agent_network.usage",
	"dns", "events", "groups", "identity_providers", "nameservers", "networks", "pats", "peers", "policies",
	"remote_jobs", "routes", "services", "settings", "setup_keys", "users",
}

// modulePermissions is what NetBird reports a role may do with each
// module, as the real server answered: the owner everything, an admin
// everything but changing the account, the role "user" nothing.
func modulePermissions(role any) map[string]any {
	out := map[string]any{}
	for _, m := range permissionModules {
		all := role == "owner" || role == "admin" && m != "accounts"
		out[m] = map[string]any{"create": all, "read": all || role == "admin", "update": all, "delete": all}
	}
	return out
}
