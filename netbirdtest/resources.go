package netbirdtest

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/netbird-go/netbird/auth"
)

// This file holds the stateful core resources: what each kind derives, the
// operations with their own logic (current user, tokens, DNS settings, all
// network routers) and the seed data.

// kinds returns the stateful resources; their list, get, create, update and
// delete operations are answered by the generic handlers of state.go.
func (s *Server) kinds() []*kind {
	return []*kind{
		{
			name: "user", list: "ListUsers", create: "CreateUser", update: "UpdateUser", remove: "DeleteUser",
			filter: func(c *call, obj map[string]any) bool {
				v := c.query.Get("service_user")
				return (v == "" || (v == "true") == (obj["is_service_user"] == true)) && s.onlyOwn(c, obj["id"])
			},
			created: func(c *call, obj map[string]any) {
				body, _ := c.body.(map[string]any)
				service := obj["is_service_user"] == true
				if _, ok := body["email"]; !ok {
					obj["email"] = ""
				}
				if _, ok := body["name"]; !ok {
					obj["name"] = obj["email"]
				}
				obj["status"] = "invited"
				if service {
					obj["status"] = "active"
				}
				obj["is_blocked"], obj["pending_approval"], obj["issued"] = false, false, "api"
				obj["last_login"] = "0001-01-01T00:00:00Z" // never, as NetBird writes it
			},
			saved: func(c *call, obj map[string]any) {
				if obj["is_blocked"] == true {
					obj["status"] = "blocked"
				} else if obj["status"] == "blocked" {
					obj["status"] = "active"
				}
			},
			render: func(c *call, obj map[string]any) { obj["is_current"] = obj["id"] == c.userID },
			removed: func(id string) {
				kept := s.st.tokens[:0]
				for _, t := range s.st.tokens {
					if t.userID != id {
						kept = append(kept, t)
					}
				}
				s.st.tokens = kept
			},
		},
		{
			name: "peer", list: "ListPeers", get: "GetPeer", update: "UpdatePeer", remove: "DeletePeer",
			filter: func(c *call, obj map[string]any) bool {
				name, ip := c.query.Get("name"), c.query.Get("ip")
				return (name == "" || obj["name"] == name) && (ip == "" || obj["ip"] == ip) && s.onlyOwn(c, obj["user_id"])
			},
			saved: func(c *call, obj map[string]any) { obj["dns_label"] = dnsLabel(fmt.Sprint(obj["name"])) },
			render: func(c *call, obj map[string]any) {
				obj["groups"] = s.groupsOfPeer(obj["id"])
				if c.op.id == "ListPeers" {
					obj["accessible_peers_count"] = len(s.st.records["peer"]) - 1
				}
			},
			removed: func(id string) {
				for _, g := range s.st.records["group"] {
					g.obj["peers"] = without(g.obj["peers"], id)
				}
			},
		},
		{
			name: "group", list: "ListGroups", get: "GetGroup", create: "CreateGroup", update: "UpdateGroup", remove: "DeleteGroup",
			filter: func(c *call, obj map[string]any) bool {
				name := c.query.Get("name")
				return name == "" || obj["name"] == name
			},
			created: func(c *call, obj map[string]any) { obj["issued"] = "api" },
			render: func(c *call, obj map[string]any) {
				peers := []any{}
				for _, p := range asList(obj["peers"]) {
					id, _ := idOf(p).(string)
					if r := s.st.find("peer", id); r != nil {
						peers = append(peers, map[string]any{"id": id, "name": r.obj["name"]})
					}
				}
				obj["peers"] = peers
				obj["peers_count"] = len(peers)
				obj["resources_count"] = len(asList(obj["resources"]))
			},
		},
		{
			name: "setup key", list: "ListSetupKeys", get: "GetSetupKey", create: "CreateSetupKey", update: "UpdateSetupKey", remove: "DeleteSetupKey",
			created: func(c *call, obj map[string]any) {
				body, _ := c.body.(map[string]any)
				now := s.now().UTC().Truncate(time.Second)
				seconds, _ := toFloat(body["expires_in"])
				obj["key"] = setupKey(*s.st.seq)
				obj["expires"] = now.Add(time.Duration(seconds) * time.Second).Format(time.RFC3339)
				obj["valid"], obj["revoked"], obj["used_times"], obj["state"] = true, false, 0, "valid"
				obj["last_used"] = time.Time{}.Format(time.RFC3339)
			},
			saved: func(c *call, obj map[string]any) {
				obj["updated_at"] = s.now().UTC().Truncate(time.Second).Format(time.RFC3339)
				if obj["revoked"] == true {
					obj["state"], obj["valid"] = "revoked", false
				}
			},
			render: func(c *call, obj map[string]any) {
				// NetBird shows a setup key in clear only in the answer that creates it.
				if key, ok := obj["key"].(string); ok && c.op.id != "CreateSetupKey" && len(key) > 5 {
					obj["key"] = key[:5] + "****"
				}
			},
		},
		{
			name: "policy", list: "ListPolicies", get: "GetPolicy", create: "CreatePolicy", update: "UpdatePolicy", remove: "DeletePolicy",
			saved: func(c *call, obj map[string]any) {
				for _, rule := range asList(obj["rules"]) {
					if m, ok := rule.(map[string]any); ok && m["id"] == nil {
						m["id"] = s.st.newID()
					}
				}
				if obj["source_posture_checks"] == nil {
					obj["source_posture_checks"] = []any{}
				}
			},
		},
		{
			name: "route", list: "ListRoutes", get: "GetRoute", create: "CreateRoute", update: "UpdateRoute", remove: "DeleteRoute",
			saved: func(c *call, obj map[string]any) {
				switch network, _ := obj["network"].(string); {
				case len(asList(obj["domains"])) > 0:
					obj["network_type"] = "Domain"
				case strings.Contains(network, ":"):
					obj["network_type"] = "IPv6"
				default:
					obj["network_type"] = "IPv4"
				}
			},
		},
		{
			name: "network", list: "ListNetworks", get: "GetNetwork", create: "CreateNetwork", update: "UpdateNetwork", remove: "DeleteNetwork",
			render: func(c *call, obj map[string]any) {
				id := obj["id"]
				routers, resources, routingPeers := []any{}, []any{}, 0
				for _, r := range s.st.records["network router"] {
					if r.parent == id {
						routers = append(routers, r.id)
						if p, _ := r.obj["peer"].(string); p != "" {
							routingPeers++
						}
					}
				}
				for _, r := range s.st.records["network resource"] {
					if r.parent == id {
						resources = append(resources, r.id)
					}
				}
				obj["routers"], obj["resources"], obj["routing_peers_count"] = routers, resources, routingPeers
				if obj["policies"] == nil {
					obj["policies"] = []any{}
				}
			},
			removed: func(id string) {
				for _, k := range []string{"network router", "network resource"} {
					for _, r := range append([]*record(nil), s.st.records[k]...) {
						if r.parent == id {
							s.st.remove(k, r.id)
						}
					}
				}
			},
		},
		{
			name: "network resource", parent: "network",
			list: "ListNetworkResources", get: "GetNetworkResource", create: "CreateNetworkResource",
			update: "UpdateNetworkResource", remove: "DeleteNetworkResource",
			saved: func(c *call, obj map[string]any) { obj["type"] = resourceType(fmt.Sprint(obj["address"])) },
		},
		{
			name: "network router", parent: "network",
			list: "ListNetworkRouters", get: "GetNetworkRouter", create: "CreateNetworkRouter",
			update: "UpdateNetworkRouter", remove: "DeleteNetworkRouter",
		},
		{
			name: "nameserver group", list: "ListNameserverGroups", get: "GetNameserverGroup", create: "CreateNameserverGroup",
			update: "UpdateNameserverGroup", remove: "DeleteNameserverGroup",
		},
		{
			name: "posture check", list: "ListPostureChecks", get: "GetPostureCheck", create: "CreatePostureCheck",
			update: "UpdatePostureCheck", remove: "DeletePostureCheck",
		},
	}
}

// special returns the handlers of the stateful operations that are not
// plain CRUD.
func (s *Server) special() map[string]handler {
	return map[string]handler{
		"GetCurrentUser": func(c *call) response {
			u := c.home.find("user", c.userID) // the caller, also when acting on a child account
			if u == nil {
				return notFound("user", c.userID)
			}
			obj := deepCopy(u.obj).(map[string]any)
			obj["is_current"] = true
			obj["permissions"] = map[string]any{"is_restricted": false, "modules": modulePermissions(obj["role"])}
			s.complete(c.op.body, obj)
			return jsonResponse(c.op.success, obj)
		},
		"ListTokens": func(c *call) response {
			userID := c.params["userId"]
			if s.st.find("user", userID) == nil {
				return notFound("user", userID)
			}
			out := []any{}
			for _, t := range s.st.tokens {
				if t.userID == userID {
					out = append(out, tokenJSON(t))
				}
			}
			return jsonResponse(c.op.success, out)
		},
		"CreateToken": func(c *call) response {
			userID := c.params["userId"]
			if s.st.find("user", userID) == nil {
				return notFound("user", userID)
			}
			body, _ := c.body.(map[string]any)
			days, _ := toFloat(body["expires_in"])
			name, _ := body["name"].(string)
			plain := auth.GeneratePAT()
			t := s.addToken(userID, c.userID, name, time.Duration(days)*24*time.Hour, plain)
			return jsonResponse(c.op.success, map[string]any{"personal_access_token": tokenJSON(t), "plain_token": plain})
		},
		"GetToken": func(c *call) response {
			t := s.st.tokenByID(c.params["tokenId"])
			if t == nil || t.userID != c.params["userId"] {
				return errorResponse(http.StatusNotFound, "pat: %s not found", c.params["tokenId"])
			}
			return jsonResponse(c.op.success, tokenJSON(t))
		},
		"DeleteToken": func(c *call) response {
			t := s.st.tokenByID(c.params["tokenId"])
			if t == nil || t.userID != c.params["userId"] {
				return errorResponse(http.StatusNotFound, "pat: %s not found", c.params["tokenId"])
			}
			kept := s.st.tokens[:0]
			for _, x := range s.st.tokens {
				if x != t {
					kept = append(kept, x)
				}
			}
			s.st.tokens = kept
			return s.deleted(c)
		},
		"ListAccounts":   s.listAccounts,
		"GetDNSSettings": func(c *call) response { return jsonResponse(c.op.success, deepCopy(s.st.dns)) },
		"UpdateDNSSettings": func(c *call) response {
			if body, ok := c.body.(map[string]any); ok {
				s.st.dns = deepCopy(body).(map[string]any)
			}
			return jsonResponse(c.op.success, deepCopy(s.st.dns))
		},
		"ListAllNetworkRouters": func(c *call) response {
			k := &kind{name: "network router"}
			out := []any{}
			for _, r := range s.st.records["network router"] {
				out = append(out, s.render(k, c, r, c.op.body.Value.Items))
			}
			return jsonResponse(c.op.success, out)
		},
	}
}

// addToken stores a new token for userID and returns it.
func (s *Server) addToken(userID, createdBy, name string, valid time.Duration, plain string) *token {
	now := s.now().UTC().Truncate(time.Second)
	t := &token{id: s.st.newID(), userID: userID, name: name, createdBy: createdBy,
		hash: hashToken(plain), created: now, expires: now.Add(valid)}
	s.st.tokens = append(s.st.tokens, t)
	return t
}

// tokenJSON is a PersonalAccessToken: never the token itself.
func tokenJSON(t *token) map[string]any {
	out := map[string]any{
		"id": t.id, "name": t.name, "created_by": t.createdBy,
		"created_at":      t.created.UTC().Format(time.RFC3339),
		"expiration_date": t.expires.UTC().Format(time.RFC3339),
	}
	if !t.lastUsed.IsZero() {
		out["last_used"] = t.lastUsed.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	return out
}

// ExpireToken makes the token with the given id expire now, so that it is
// refused with 401 "token invalid". The token may be of any account. It
// panics if there is no such token.
func (s *Server) ExpireToken(tokenID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t *token
	for _, st := range s.accounts {
		if t = st.tokenByID(tokenID); t != nil {
			break
		}
	}
	if t == nil {
		panic(fmt.Sprintf("netbirdtest: ExpireToken: no token with id %q", tokenID))
	}
	t.expires = s.now().Add(-time.Second)
}

// TokenID returns the id of the token [Server.Token] returns, e.g. for
// [Server.ExpireToken].
func (s *Server) TokenID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.st.tokenByHash(hashToken(s.token)); t != nil {
		return t.id
	}
	return ""
}

// CurrentUserID returns the id of the seeded admin user, the owner of
// [Server.Token].
func (s *Server) CurrentUserID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.records["user"][0].id
}

// groupsOfPeer lists the GroupMinimum of every group holding the peer.
func (s *Server) groupsOfPeer(peerID any) []any {
	out := []any{}
	for _, g := range s.st.records["group"] {
		for _, p := range asList(g.obj["peers"]) {
			if idOf(p) == peerID {
				out = append(out, groupMinimum(g))
				break
			}
		}
	}
	return out
}

func groupMinimum(g *record) map[string]any {
	out := map[string]any{
		"id": g.id, "name": g.obj["name"],
		"peers_count": len(asList(g.obj["peers"])), "resources_count": len(asList(g.obj["resources"])),
	}
	if issued, ok := g.obj["issued"]; ok {
		out["issued"] = issued
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// idOf returns the id of a reference: the string itself or an object's "id".
func idOf(v any) any {
	if m, ok := v.(map[string]any); ok {
		return m["id"]
	}
	return v
}

// without returns list without the entries whose id is id.
func without(list any, id string) []any {
	out := []any{}
	for _, v := range asList(list) {
		if idOf(v) != id {
			out = append(out, v)
		}
	}
	return out
}

// resourceType classifies a network resource's address as NetBird does.
func resourceType(address string) string {
	if ip := net.ParseIP(address); ip != nil {
		return "host"
	}
	if _, n, err := net.ParseCIDR(address); err == nil {
		if ones, bits := n.Mask.Size(); ones == bits {
			return "host"
		}
		return "subnet"
	}
	return "domain"
}

// dnsLabel derives a peer's DNS label from its name.
func dnsLabel(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// setupKey returns a deterministic key in NetBird's format (an upper-case
// UUID).
func setupKey(n uint64) string {
	return fmt.Sprintf("A2C8E62B-38F5-4553-B31E-%012X", n)
}

// put stores an object of kind in the account being served, shaped like
// the answer of operation opID: fields over its smallest valid value.
func (s *Server) put(kindName, opID, parent string, fields map[string]any) *record {
	schema := s.doc.ops[opID].body
	r := &record{id: s.st.newID(), parent: parent}
	r.obj = s.merge(schema, s.minimal(schema, ""), jsonValue(fields)).(map[string]any)
	r.obj["id"] = r.id
	s.st.add(kindName, r)
	return r
}

// seed fills a new server's store with a small account: the admin user
// (owner) and its token, three peers, the "All" group, a setup key, the
// default policy, a route, a network with a resource and a router, a
// nameserver group, a posture check and the DNS settings.
func (s *Server) seed() {
	s.st = newState(accountID(1), "example.com", &s.seq)
	s.accounts = []*state{s.st}
	now := s.now().UTC().Truncate(time.Second).Format(time.RFC3339)
	put := s.put

	admin := put("user", "CreateUser", "", map[string]any{
		"email": "admin@example.com", "name": "Sandbox Admin", "role": "owner", "auto_groups": []any{},
		"status": "active", "is_blocked": false, "pending_approval": false, "is_service_user": false,
		"issued": "api", "last_login": now,
	})
	s.token = auth.GeneratePAT()
	s.addToken(admin.id, admin.id, "sandbox", 365*24*time.Hour, s.token)

	var peers []any
	for i, p := range []struct{ name, os, ip string }{
		{"alice-laptop", "darwin", "100.64.0.1"},
		{"db-server", "linux", "100.64.0.2"},
		{"ci-runner", "linux", "100.64.0.3"},
	} {
		r := put("peer", "GetPeer", "", map[string]any{
			"name": p.name, "hostname": p.name, "dns_label": p.name, "ip": p.ip, "os": p.os,
			"connected": i < 2, "connection_ip": fmt.Sprintf("203.0.113.%d", 10+i),
			"user_id": admin.id, "version": "0.77.1", "ui_version": "netbird-desktop-ui/0.77.1",
			"kernel_version": "6.8.0", "created_at": now, "last_login": now, "last_seen": now,
			"login_expiration_enabled": true, "login_expired": false, "inactivity_expiration_enabled": false,
			"ssh_enabled": false, "approval_required": false, "ephemeral": false,
			"country_code": "DE", "city_name": "Berlin", "geoname_id": 2950159,
			"serial_number": fmt.Sprintf("SN-%04d", i+1), "extra_dns_labels": []any{},
		})
		peers = append(peers, r.id)
	}
	all := put("group", "CreateGroup", "", map[string]any{"name": "All", "peers": peers, "resources": []any{}, "issued": "api"})
	put("setup key", "CreateSetupKey", "", map[string]any{
		"name": "Default key", "type": "reusable", "key": setupKey(*s.st.seq + 1),
		"expires": s.now().UTC().Truncate(time.Second).Add(30 * 24 * time.Hour).Format(time.RFC3339),
		"valid":   true, "revoked": false, "used_times": 0, "last_used": time.Time{}.Format(time.RFC3339),
		"state": "valid", "auto_groups": []any{all.id}, "updated_at": now, "usage_limit": 0,
		"ephemeral": false, "allow_extra_dns_labels": false,
	})
	put("policy", "CreatePolicy", "", map[string]any{
		"name": "Default", "description": "This is a default rule that allows connections between all the resources",
		"enabled": true, "source_posture_checks": []any{},
		"rules": []any{map[string]any{
			"id": s.st.newID(), "name": "Default", "description": "This is a default rule that allows connections between all the resources",
			"enabled": true, "action": "accept", "bidirectional": true, "protocol": "all",
			"sources": []any{all.id}, "destinations": []any{all.id},
		}},
	})
	put("route", "CreateRoute", "", map[string]any{
		"description": "Office LAN", "network_id": "office", "network": "10.10.0.0/16", "network_type": "IPv4",
		"domains": []any{}, "peer": peers[1], "enabled": true, "metric": 9999, "masquerade": true,
		"groups": []any{all.id}, "keep_route": false,
	})
	network := put("network", "CreateNetwork", "", map[string]any{"name": "Office", "description": "The office network"})
	put("network resource", "CreateNetworkResource", network.id, map[string]any{
		"name": "db", "description": "The database server", "address": "10.10.0.5/32", "type": "host",
		"enabled": true, "groups": []any{},
	})
	// A router stored without a metric: NetBird sends 0, below the document's
	// minimum of 1 (see departures.gen.json); strict mode sends NetBird's
	// default, 9999.
	router := put("network router", "CreateNetworkRouter", network.id, map[string]any{
		"peer": peers[1], "peer_groups": []any{}, "metric": 9999, "masquerade": true, "enabled": true,
	})
	if s.opts.realistic {
		router.obj["metric"] = 0.0
	}
	put("nameserver group", "CreateNameserverGroup", "", map[string]any{
		"name": "Google DNS", "description": "Google DNS servers", "enabled": true, "primary": true,
		"groups": []any{all.id}, "domains": []any{}, "search_domains_enabled": false,
		"nameservers": []any{map[string]any{"ip": "8.8.8.8", "ns_type": "udp", "port": 53}},
	})
	put("posture check", "CreatePostureCheck", "", map[string]any{
		"name": "Minimum version", "description": "Peers run NetBird 0.77.0 or later",
		"checks": map[string]any{"nb_version_check": map[string]any{"min_version": "0.77.0"}},
	})
	s.st.dns = map[string]any{"disabled_management_groups": []any{}}
}
