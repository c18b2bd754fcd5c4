package netbirdtest

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/netbird-go/netbird/api"
)

// statusOf is what every generated response has.
type statusOf interface{ StatusCode() int }

// want fails the test unless the call succeeded with the given status.
func want(t *testing.T, status int, resp statusOf, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != status {
		t.Fatalf("status %d, want %d", resp.StatusCode(), status)
	}
}

func ptr[T any](v T) *T { return &v }

// TestCRUD walks each core resource with the generated client: create, list,
// get, update, delete, then 404, in both modes, without violations.
func TestCRUD(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []Option
	}{{"strict", nil}, {"realistic", []Option{WithRealistic()}}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := NewServer(t, mode.opts...)
			c := newClient(t, srv)
			ctx := t.Context()
			ids := srv.SampleIDs()
			t.Run("users", func(t *testing.T) { crudUsers(ctx, t, c, srv) })
			t.Run("peers", func(t *testing.T) { crudPeers(ctx, t, c, ids) })
			t.Run("groups", func(t *testing.T) { crudGroups(ctx, t, c, ids) })
			t.Run("setup keys", func(t *testing.T) { crudSetupKeys(ctx, t, c, ids) })
			t.Run("policies", func(t *testing.T) { crudPolicies(ctx, t, c, ids) })
			t.Run("routes", func(t *testing.T) { crudRoutes(ctx, t, c, ids) })
			t.Run("networks", func(t *testing.T) { crudNetworks(ctx, t, c, ids) })
			t.Run("nameservers", func(t *testing.T) { crudNameservers(ctx, t, c, ids) })
			t.Run("dns settings", func(t *testing.T) { crudDNSSettings(ctx, t, c, ids) })
			t.Run("posture checks", func(t *testing.T) { crudPostureChecks(ctx, t, c) })
			noViolations(t, srv)
		})
	}
}

func crudUsers(ctx context.Context, t *testing.T, c *api.ClientWithResponses, srv *Server) {
	me, err := c.GetCurrentUserWithResponse(ctx)
	want(t, 200, me, err)
	if me.JSON200.ID != srv.CurrentUserID() || me.JSON200.Role != "owner" || me.JSON200.Email != "admin@example.com" {
		t.Errorf("current user %+v", me.JSON200)
	}
	created, err := c.CreateUserWithResponse(ctx, api.UserCreateRequest{Name: ptr("bot"), Role: "admin", AutoGroups: []string{}, IsServiceUser: true})
	want(t, 200, created, err)
	id := created.JSON200.ID
	list, err := c.ListUsersWithResponse(ctx, &api.ListUsersParams{ServiceUser: ptr(true)})
	want(t, 200, list, err)
	if len(*list.JSON200) != 1 || (*list.JSON200)[0].ID != id {
		t.Errorf("service users %+v", *list.JSON200)
	}
	updated, err := c.UpdateUserWithResponse(ctx, id, api.UserRequest{Role: "user", AutoGroups: []string{}, IsBlocked: true})
	want(t, 200, updated, err)
	if u := updated.JSON200; u.Role != "user" || !u.IsBlocked || u.Status != "blocked" {
		t.Errorf("updated %+v", u)
	}
	del, err := c.DeleteUserWithResponse(ctx, id)
	want(t, 200, del, err)
	again, err := c.UpdateUserWithResponse(ctx, id, api.UserRequest{Role: "user", AutoGroups: []string{}})
	want(t, 404, again, err)
	all, err := c.ListUsersWithResponse(ctx, nil)
	want(t, 200, all, err)
	if len(*all.JSON200) != 1 {
		t.Errorf("users after delete %+v", *all.JSON200)
	}
}

func crudPeers(ctx context.Context, t *testing.T, c *api.ClientWithResponses, ids map[string]string) {
	list, err := c.ListPeersWithResponse(ctx, nil)
	want(t, 200, list, err)
	if len(*list.JSON200) != 3 {
		t.Fatalf("%d peers", len(*list.JSON200))
	}
	byName, err := c.ListPeersWithResponse(ctx, &api.ListPeersParams{Name: ptr("db-server")})
	want(t, 200, byName, err)
	byIP, err := c.ListPeersWithResponse(ctx, &api.ListPeersParams{IP: ptr("100.64.0.3")})
	want(t, 200, byIP, err)
	if len(*byName.JSON200) != 1 || (*byName.JSON200)[0].Name != "db-server" || len(*byIP.JSON200) != 1 || (*byIP.JSON200)[0].Name != "ci-runner" {
		t.Errorf("filters: %+v %+v", *byName.JSON200, *byIP.JSON200)
	}
	id := ids["peerId"]
	got, err := c.GetPeerWithResponse(ctx, id)
	want(t, 200, got, err)
	if len(got.JSON200.Groups) != 1 || got.JSON200.Groups[0].Name != "All" {
		t.Errorf("peer groups %+v", got.JSON200.Groups)
	}
	upd, err := c.UpdatePeerWithResponse(ctx, id, api.PeerRequest{Name: "Alice MacBook", SSHEnabled: true, LoginExpirationEnabled: false})
	want(t, 200, upd, err)
	if p := upd.JSON200; p.Name != "Alice MacBook" || !p.SSHEnabled || p.LoginExpirationEnabled || p.DNSLabel != "alice-macbook" {
		t.Errorf("updated %+v", p)
	}
	del, err := c.DeletePeerWithResponse(ctx, id)
	want(t, 200, del, err)
	gone, err := c.GetPeerWithResponse(ctx, id)
	want(t, 404, gone, err)
	if string(gone.Body) != `{"code":404,"message":"peer not found: `+id+`"}`+"\n" {
		t.Errorf("404 body %s", gone.Body)
	}
	group, err := c.GetGroupWithResponse(ctx, ids["groupId"])
	want(t, 200, group, err)
	if group.JSON200.PeersCount != 2 {
		t.Errorf("All has %d peers after the delete", group.JSON200.PeersCount)
	}
}

func crudGroups(ctx context.Context, t *testing.T, c *api.ClientWithResponses, ids map[string]string) {
	peers, err := c.ListPeersWithResponse(ctx, nil)
	want(t, 200, peers, err)
	peerID := (*peers.JSON200)[0].ID
	created, err := c.CreateGroupWithResponse(ctx, api.GroupRequest{Name: "devs", Peers: &[]string{peerID}})
	want(t, 200, created, err)
	g := created.JSON200
	if g.Name != "devs" || g.PeersCount != 1 || len(g.Peers) != 1 || g.Peers[0].ID != peerID || g.Peers[0].Name == "" {
		t.Errorf("created %+v", g)
	}
	list, err := c.ListGroupsWithResponse(ctx, &api.ListGroupsParams{Name: ptr("devs")})
	want(t, 200, list, err)
	if len(*list.JSON200) != 1 || (*list.JSON200)[0].ID != g.ID {
		t.Errorf("list %+v", *list.JSON200)
	}
	peer, err := c.GetPeerWithResponse(ctx, peerID)
	want(t, 200, peer, err)
	if !slices.ContainsFunc(peer.JSON200.Groups, func(m api.GroupMinimum) bool { return m.ID == g.ID }) {
		t.Errorf("peer's groups %+v lack devs", peer.JSON200.Groups)
	}
	upd, err := c.UpdateGroupWithResponse(ctx, g.ID, api.GroupRequest{Name: "developers", Peers: &[]string{}})
	want(t, 200, upd, err)
	if upd.JSON200.Name != "developers" || upd.JSON200.PeersCount != 0 {
		t.Errorf("updated %+v", upd.JSON200)
	}
	del, err := c.DeleteGroupWithResponse(ctx, g.ID)
	want(t, 200, del, err)
	gone, err := c.GetGroupWithResponse(ctx, g.ID)
	want(t, 404, gone, err)
}

func crudSetupKeys(ctx context.Context, t *testing.T, c *api.ClientWithResponses, ids map[string]string) {
	created, err := c.CreateSetupKeyWithResponse(ctx, api.CreateSetupKeyRequest{
		Name: "ci", Type: "one-off", ExpiresIn: 86400, AutoGroups: []string{ids["groupId"]}, UsageLimit: 1,
	})
	want(t, 200, created, err)
	k := created.JSON200
	if len(k.Key) != 36 || !k.Valid || k.State != "valid" || k.Type != "one-off" {
		t.Errorf("created %+v", k)
	}
	got, err := c.GetSetupKeyWithResponse(ctx, k.ID)
	want(t, 200, got, err)
	if got.JSON200.Key != string(k.Key[:5])+"****" {
		t.Errorf("GET shows key %q", got.JSON200.Key)
	}
	upd, err := c.UpdateSetupKeyWithResponse(ctx, k.ID, api.SetupKeyRequest{Revoked: true, AutoGroups: []string{}})
	want(t, 200, upd, err)
	if !upd.JSON200.Revoked || upd.JSON200.Valid || upd.JSON200.State != "revoked" {
		t.Errorf("revoked %+v", upd.JSON200)
	}
	list, err := c.ListSetupKeysWithResponse(ctx)
	want(t, 200, list, err)
	if len(*list.JSON200) != 2 {
		t.Errorf("%d keys", len(*list.JSON200))
	}
	del, err := c.DeleteSetupKeyWithResponse(ctx, k.ID)
	want(t, 200, del, err)
	gone, err := c.GetSetupKeyWithResponse(ctx, k.ID)
	want(t, 404, gone, err)
}

func crudPolicies(ctx context.Context, t *testing.T, c *api.ClientWithResponses, ids map[string]string) {
	all := ids["groupId"]
	created, err := c.CreatePolicyWithResponse(ctx, api.PolicyCreate{Name: "ssh", Enabled: true, Rules: []api.PolicyRuleUpdate{{
		Name: "ssh", Enabled: true, Action: "accept", Protocol: "tcp", Ports: &[]string{"22"},
		Sources: &[]string{all}, Destinations: &[]string{all},
		DestinationResource: &api.Resource{ID: "r1", Type: api.ResourceTypePeer},
	}}})
	want(t, 200, created, err)
	p := created.JSON200
	r := p.Rules[0]
	if p.ID == nil || r.ID == nil || r.Sources == nil || len(*r.Sources) != 1 || (*r.Sources)[0].Name != "All" || r.DestinationResource.Type != api.ResourceTypePeer {
		t.Fatalf("created %+v", p)
	}
	id := *p.ID
	upd, err := c.UpdatePolicyWithResponse(ctx, id, api.PolicyUpdate{Name: "ssh", Enabled: false, Rules: []api.PolicyRuleUpdate{{
		Name: "ssh", Enabled: false, Action: "drop", Protocol: "tcp",
	}}})
	want(t, 200, upd, err)
	if upd.JSON200.Enabled || upd.JSON200.Rules[0].Action != "drop" {
		t.Errorf("updated %+v", upd.JSON200)
	}
	list, err := c.ListPoliciesWithResponse(ctx)
	want(t, 200, list, err)
	if len(*list.JSON200) != 2 {
		t.Errorf("%d policies", len(*list.JSON200))
	}
	del, err := c.DeletePolicyWithResponse(ctx, id)
	want(t, 200, del, err)
	gone, err := c.GetPolicyWithResponse(ctx, id)
	want(t, 404, gone, err)
}

func crudRoutes(ctx context.Context, t *testing.T, c *api.ClientWithResponses, ids map[string]string) {
	created, err := c.CreateRouteWithResponse(ctx, api.RouteRequest{
		Description: "docs", NetworkID: "docs", Domains: &[]string{"docs.example.com"}, Enabled: true,
		Metric: 100, Groups: []string{ids["groupId"]}, PeerGroups: &[]string{ids["groupId"]},
	})
	want(t, 200, created, err)
	r := created.JSON200
	if r.ID == "" || r.NetworkType != "Domain" || r.Domains == nil || (*r.Domains)[0] != "docs.example.com" {
		t.Errorf("created %+v", r)
	}
	got, err := c.GetRouteWithResponse(ctx, r.ID)
	want(t, 200, got, err)
	upd, err := c.UpdateRouteWithResponse(ctx, r.ID, api.RouteRequest{
		Description: "docs", NetworkID: "docs", Network: ptr("10.30.0.0/16"), Domains: &[]string{}, Enabled: true,
		Metric: 200, Groups: []string{ids["groupId"]}, Peer: ptr(ids["peerId"]),
	})
	want(t, 200, upd, err)
	if upd.JSON200.Metric != 200 || upd.JSON200.NetworkType != "IPv4" {
		t.Errorf("updated %+v", upd.JSON200)
	}
	del, err := c.DeleteRouteWithResponse(ctx, r.ID)
	want(t, 200, del, err)
	gone, err := c.GetRouteWithResponse(ctx, r.ID)
	want(t, 404, gone, err)
	list, err := c.ListRoutesWithResponse(ctx)
	want(t, 200, list, err)
	if len(*list.JSON200) != 1 {
		t.Errorf("%d routes", len(*list.JSON200))
	}
}

func crudNetworks(ctx context.Context, t *testing.T, c *api.ClientWithResponses, ids map[string]string) {
	created, err := c.CreateNetworkWithResponse(ctx, api.NetworkRequest{Name: "lab", Description: ptr("the lab")})
	want(t, 200, created, err)
	n := created.JSON200
	res, err := c.CreateNetworkResourceWithResponse(ctx, n.ID, api.NetworkResourceRequest{
		Name: "lan", Address: "192.168.1.0/24", Enabled: true, Groups: []string{ids["groupId"]},
	})
	want(t, 200, res, err)
	if res.JSON200.Type != api.NetworkResourceTypeSubnet || len(res.JSON200.Groups) != 1 || res.JSON200.Groups[0].Name != "All" {
		t.Errorf("resource %+v", res.JSON200)
	}
	router, err := c.CreateNetworkRouterWithResponse(ctx, n.ID, api.NetworkRouterRequest{
		Peer: ptr(ids["peerId"]), Metric: 10, Masquerade: true, Enabled: true,
	})
	want(t, 200, router, err)
	got, err := c.GetNetworkWithResponse(ctx, n.ID)
	want(t, 200, got, err)
	if g := got.JSON200; len(g.Resources) != 1 || len(g.Routers) != 1 || g.RoutingPeersCount != 1 {
		t.Errorf("network %+v", g)
	}
	allRouters, err := c.ListAllNetworkRoutersWithResponse(ctx)
	want(t, 200, allRouters, err)
	if len(*allRouters.JSON200) != 2 {
		t.Errorf("%d routers in all networks", len(*allRouters.JSON200))
	}
	updRes, err := c.UpdateNetworkResourceWithResponse(ctx, n.ID, res.JSON200.ID, api.NetworkResourceRequest{
		Name: "wiki", Address: "wiki.example.com", Enabled: true, Groups: []string{},
	})
	want(t, 200, updRes, err)
	if updRes.JSON200.Type != api.NetworkResourceTypeDomain {
		t.Errorf("updated resource %+v", updRes.JSON200)
	}
	updRouter, err := c.UpdateNetworkRouterWithResponse(ctx, n.ID, router.JSON200.ID, api.NetworkRouterRequest{
		PeerGroups: &[]string{ids["groupId"]}, Metric: 20, Enabled: false,
	})
	want(t, 200, updRouter, err)
	if updRouter.JSON200.Metric != 20 || updRouter.JSON200.Enabled {
		t.Errorf("updated router %+v", updRouter.JSON200)
	}
	// A resource of another network is not found under this one.
	wrong, err := c.GetNetworkResourceWithResponse(ctx, ids["networkId"], res.JSON200.ID)
	want(t, 404, wrong, err)
	upd, err := c.UpdateNetworkWithResponse(ctx, n.ID, api.NetworkRequest{Name: "laboratory"})
	want(t, 200, upd, err)
	if upd.JSON200.Name != "laboratory" {
		t.Errorf("updated %+v", upd.JSON200)
	}
	delRouter, err := c.DeleteNetworkRouterWithResponse(ctx, n.ID, router.JSON200.ID)
	want(t, 200, delRouter, err)
	routers, err := c.ListNetworkRoutersWithResponse(ctx, n.ID)
	want(t, 200, routers, err)
	if len(*routers.JSON200) != 0 {
		t.Errorf("%d routers after delete", len(*routers.JSON200))
	}
	del, err := c.DeleteNetworkWithResponse(ctx, n.ID)
	want(t, 200, del, err)
	gone, err := c.ListNetworkResourcesWithResponse(ctx, n.ID)
	want(t, 404, gone, err)
	if string(gone.Body) != `{"code":404,"message":"network: `+n.ID+` not found"}`+"\n" {
		t.Errorf("404 body %s", gone.Body)
	}
	list, err := c.ListNetworksWithResponse(ctx)
	want(t, 200, list, err)
	if len(*list.JSON200) != 1 {
		t.Errorf("%d networks", len(*list.JSON200))
	}
}

func crudNameservers(ctx context.Context, t *testing.T, c *api.ClientWithResponses, ids map[string]string) {
	req := api.NameserverGroupRequest{
		Name: "Quad9", Description: "Quad9", Enabled: true, Groups: []string{ids["groupId"]}, Domains: []string{"corp.example.com"},
		Nameservers: []api.Nameserver{{IP: "9.9.9.9", NSType: "udp", Port: 53}},
	}
	created, err := c.CreateNameserverGroupWithResponse(ctx, req)
	want(t, 200, created, err)
	id := created.JSON200.ID
	req.Enabled = false
	upd, err := c.UpdateNameserverGroupWithResponse(ctx, id, req)
	want(t, 200, upd, err)
	if upd.JSON200.Enabled || upd.JSON200.Nameservers[0].IP != "9.9.9.9" {
		t.Errorf("updated %+v", upd.JSON200)
	}
	got, err := c.GetNameserverGroupWithResponse(ctx, id)
	want(t, 200, got, err)
	list, err := c.ListNameserverGroupsWithResponse(ctx)
	want(t, 200, list, err)
	if len(*list.JSON200) != 2 {
		t.Errorf("%d nameserver groups", len(*list.JSON200))
	}
	del, err := c.DeleteNameserverGroupWithResponse(ctx, id)
	want(t, 200, del, err)
	gone, err := c.GetNameserverGroupWithResponse(ctx, id)
	want(t, 404, gone, err)
}

func crudDNSSettings(ctx context.Context, t *testing.T, c *api.ClientWithResponses, ids map[string]string) {
	upd, err := c.UpdateDNSSettingsWithResponse(ctx, api.DNSSettings{DisabledManagementGroups: []string{ids["groupId"]}})
	want(t, 200, upd, err)
	got, err := c.GetDNSSettingsWithResponse(ctx)
	want(t, 200, got, err)
	if string(got.Body) != `{"disabled_management_groups":["`+ids["groupId"]+`"]}`+"\n" {
		t.Errorf("settings %s", got.Body)
	}
}

func crudPostureChecks(ctx context.Context, t *testing.T, c *api.ClientWithResponses) {
	created, err := c.CreatePostureCheckWithResponse(ctx, api.PostureCheckRequest{
		Name: "v0.78", Description: "new enough", Checks: &api.Checks{NbVersionCheck: &api.NBVersionCheck{MinVersion: "0.78.0"}},
	})
	want(t, 200, created, err)
	pc := created.JSON200
	if pc.Checks.NbVersionCheck == nil || pc.Checks.NbVersionCheck.MinVersion != "0.78.0" {
		t.Errorf("created %+v", pc)
	}
	upd, err := c.UpdatePostureCheckWithResponse(ctx, pc.ID, api.PostureCheckRequest{Name: "v0.79", Description: "newer"})
	want(t, 200, upd, err)
	if upd.JSON200.Name != "v0.79" || upd.JSON200.Checks.NbVersionCheck == nil {
		t.Errorf("updated %+v", upd.JSON200)
	}
	list, err := c.ListPostureChecksWithResponse(ctx)
	want(t, 200, list, err)
	if len(*list.JSON200) != 2 {
		t.Errorf("%d posture checks", len(*list.JSON200))
	}
	del, err := c.DeletePostureCheckWithResponse(ctx, pc.ID)
	want(t, 200, del, err)
	gone, err := c.GetPostureCheckWithResponse(ctx, pc.ID)
	want(t, 404, gone, err)
	if gone.StatusCode() != http.StatusNotFound {
		t.Error("posture check still there")
	}
}
