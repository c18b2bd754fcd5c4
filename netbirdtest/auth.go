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
// credentials are not good; otherwise it sets c.userID.
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
	tok := s.st.tokenByHash(hash)
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
	return response{}, true
}

// adminOnly are the operations NetBird refuses to users with the role
// "user": 403 "permission denied" was observed for groups and setup keys.
var adminOnly = map[string]bool{
	"ListGroups": true, "GetGroup": true, "CreateGroup": true, "UpdateGroup": true, "DeleteGroup": true,
	"ListSetupKeys": true, "GetSetupKey": true, "CreateSetupKey": true, "UpdateSetupKey": true, "DeleteSetupKey": true,
}

// permitted refuses the admin-only operations to users with the role "user".
func (s *Server) permitted(c *call) (response, bool) {
	if !adminOnly[c.op.id] {
		return response{}, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.st.find("user", c.userID); u != nil && u.obj["role"] == "user" {
		return errorResponse(http.StatusForbidden, "permission denied"), false
	}
	return response{}, true
}

// hashToken is how NetBird stores a PAT: base64 of its SHA-256.
func hashToken(pat string) string {
	sum := sha256.Sum256([]byte(pat))
	return base64.StdEncoding.EncodeToString(sum[:])
}
