package contract

import (
	"context"
	"fmt"
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
)

// counts is how many of each listed resource the server holds.
func counts(t *testing.T, c *netbird.Client) map[string]int {
	t.Helper()
	ctx := context.Background()
	n := map[string]int{}
	add := func(name string, l int, err error) {
		if err != nil {
			t.Fatalf("listing %s: %v", name, err)
		}
		n[name] = l
	}
	g, err := c.Groups.List(ctx, nil)
	add("groups", len(g), err)
	k, err := c.SetupKeys.List(ctx)
	add("setup keys", len(k), err)
	p, err := c.Policies.List(ctx)
	add("policies", len(p), err)
	pc, err := c.PostureChecks.List(ctx)
	add("posture checks", len(pc), err)
	r, err := c.Routes.List(ctx)
	add("routes", len(r), err)
	nw, err := c.Networks.List(ctx)
	add("networks", len(nw), err)
	rt, err := c.Networks.ListAllRouters(ctx)
	add("routers", len(rt), err)
	ns, err := c.DNS.ListNameserverGroups(ctx)
	add("nameserver groups", len(ns), err)
	u, err := c.Users.List(ctx, nil)
	add("users", len(u), err)
	pe, err := c.Peers.List(ctx, nil)
	add("peers", len(pe), err)
	return n
}

// Create, read, update and delete each core resource through the services
// on the real server, and leave it as found.
func TestCRUD(t *testing.T) {
	s := startServer(t)
	c := s.client(t, owner)
	before := counts(t, c)
	crudScenario(t, c)
	if after := counts(t, c); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the server is not as found: %v, was %v", after, before)
	}
}

// crudScenario creates, reads, updates and deletes each core resource, and
// asks for an unknown id of each kind, with c (an owner's client).
func crudScenario(t *testing.T, c *netbird.Client) {
	ctx := context.Background()
	for _, u := range unknownIDs(c) {
		if err := u.get(ctx); !netbird.IsNotFound(err) {
			t.Errorf("unknown %s: want 404, got %v", u.kind, err)
		}
	}

	t.Run("groups", func(t *testing.T) {
		peers := []string{peerID}
		g, err := c.Groups.Create(ctx, api.GroupRequest{Name: "crud-group", Peers: &peers})
		must(t, err)
		got, err := c.Groups.Get(ctx, g.ID)
		must(t, err)
		if got.Name != "crud-group" || got.PeersCount != 1 {
			t.Errorf("read back %q with %d peers", got.Name, got.PeersCount)
		}
		up, err := c.Groups.Update(ctx, g.ID, api.GroupRequest{Name: "crud-group-2"})
		must(t, err)
		if up.Name != "crud-group-2" || up.PeersCount != 0 {
			t.Errorf("updated to %q with %d peers", up.Name, up.PeersCount)
		}
		must(t, c.Groups.Delete(ctx, g.ID))
		if _, err := c.Groups.Get(ctx, g.ID); !netbird.IsNotFound(err) {
			t.Errorf("after delete: %v", err)
		}
	})

	t.Run("setup keys", func(t *testing.T) {
		k, err := c.SetupKeys.Create(ctx, api.CreateSetupKeyRequest{Name: "crud-key", Type: "reusable", ExpiresIn: 86400, AutoGroups: []string{}, UsageLimit: 0})
		must(t, err)
		if k.Key.Reveal() == "" || fmt.Sprint(k.Key) == k.Key.Reveal() {
			t.Error("the new key is missing, or prints in plain text")
		}
		got, err := c.SetupKeys.Get(ctx, k.ID)
		must(t, err)
		if got.Name != "crud-key" || got.Revoked {
			t.Errorf("read back %q revoked=%v", got.Name, got.Revoked)
		}
		up, err := c.SetupKeys.Update(ctx, k.ID, api.SetupKeyRequest{AutoGroups: []string{}, Revoked: true})
		must(t, err)
		if !up.Revoked {
			t.Error("revoke did not stick")
		}
		must(t, c.SetupKeys.Delete(ctx, k.ID))
	})

	t.Run("posture checks and policies", func(t *testing.T) {
		pc, err := c.PostureChecks.Create(ctx, api.PostureCheckUpdate{Name: "crud-check", Description: "min version", Checks: &api.Checks{NbVersionCheck: &api.NBVersionCheck{MinVersion: "0.25.0"}}})
		must(t, err)
		pcUp, err := c.PostureChecks.Update(ctx, pc.ID, api.PostureCheckUpdate{Name: "crud-check-2", Description: "min version", Checks: &api.Checks{NbVersionCheck: &api.NBVersionCheck{MinVersion: "0.26.0"}}})
		must(t, err)
		if pcUp.Name != "crud-check-2" {
			t.Errorf("posture check updated to %q", pcUp.Name)
		}
		groups := []string{allGroupID}
		ports := []string{"22"}
		checks := []string{pc.ID}
		rule := api.PolicyRuleUpdate{Name: "ssh", Enabled: true, Action: api.PolicyRuleUpdateActionAccept, Protocol: api.PolicyRuleUpdateProtocolTCP, Ports: &ports, Bidirectional: false, Sources: &groups, Destinations: &groups}
		p, err := c.Policies.Create(ctx, api.PolicyUpdate{Name: "crud-policy", Enabled: true, Rules: []api.PolicyRuleUpdate{rule}, SourcePostureChecks: &checks})
		must(t, err)
		got, err := c.Policies.Get(ctx, *p.ID)
		must(t, err)
		if got.Name != "crud-policy" || len(got.Rules) != 1 || got.Rules[0].Ports == nil || (*got.Rules[0].Ports)[0] != "22" {
			t.Errorf("read back %+v", got)
		}
		up, err := c.Policies.Update(ctx, *p.ID, api.PolicyCreate{Name: "crud-policy-2", Enabled: false, Rules: []api.PolicyRuleUpdate{rule}})
		must(t, err)
		if up.Name != "crud-policy-2" || up.Enabled {
			t.Errorf("updated to %q enabled=%v", up.Name, up.Enabled)
		}
		must(t, c.Policies.Delete(ctx, *p.ID))
		must(t, c.PostureChecks.Delete(ctx, pc.ID))
	})

	t.Run("routes", func(t *testing.T) {
		network, peer := "10.99.0.0/24", peerID
		r, err := c.Routes.Create(ctx, api.RouteRequest{Description: "crud", NetworkID: "crud-net", Network: &network, Peer: &peer, Enabled: true, Metric: 100, Masquerade: true, Groups: []string{allGroupID}})
		must(t, err)
		got, err := c.Routes.Get(ctx, r.ID)
		must(t, err)
		if got.Network == nil || *got.Network != network {
			t.Errorf("read back %+v", got)
		}
		_, err = c.Routes.Update(ctx, r.ID, api.RouteRequest{Description: "crud-2", NetworkID: "crud-net", Network: &network, Peer: &peer, Enabled: false, Metric: 200, Groups: []string{allGroupID}})
		must(t, err)
		must(t, c.Routes.Delete(ctx, r.ID))
	})

	t.Run("networks with resources and routers", func(t *testing.T) {
		n, err := c.Networks.Create(ctx, api.NetworkRequest{Name: "crud-network"})
		must(t, err)
		res, err := c.Networks.CreateResource(ctx, n.ID, api.NetworkResourceRequest{Name: "db", Address: "10.98.0.10/32", Enabled: true, Groups: []string{allGroupID}})
		must(t, err)
		peer := peerID
		rt, err := c.Networks.CreateRouter(ctx, n.ID, api.NetworkRouterRequest{Peer: &peer, Enabled: true, Masquerade: true, Metric: 9999})
		must(t, err)
		if _, err := c.Networks.UpdateResource(ctx, n.ID, res.ID, api.NetworkResourceRequest{Name: "db-2", Address: "db.example.com", Enabled: true, Groups: []string{allGroupID}}); err != nil {
			t.Error(err)
		}
		if got, err := c.Networks.GetResource(ctx, n.ID, res.ID); err != nil || got.Name != "db-2" || got.Address != "db.example.com" {
			t.Errorf("resource after update: %+v, %v", got, err)
		}
		if _, err := c.Networks.UpdateRouter(ctx, n.ID, rt.ID, api.NetworkRouterRequest{Peer: &peer, Enabled: false, Metric: 100}); err != nil {
			t.Error(err)
		}
		if list, err := c.Networks.ListRouters(ctx, n.ID); err != nil || len(list) != 1 {
			t.Errorf("routers: %d, %v", len(list), err)
		}
		if _, err := c.Networks.Update(ctx, n.ID, api.NetworkRequest{Name: "crud-network-2"}); err != nil {
			t.Error(err)
		}
		must(t, c.Networks.DeleteRouter(ctx, n.ID, rt.ID))
		must(t, c.Networks.DeleteResource(ctx, n.ID, res.ID))
		must(t, c.Networks.Delete(ctx, n.ID))
	})

	t.Run("DNS", func(t *testing.T) {
		ns, err := c.DNS.CreateNameserverGroup(ctx, api.NameserverGroupRequest{Name: "crud-dns", Description: "crud", Enabled: true, Groups: []string{allGroupID}, Primary: true, Domains: []string{},
			Nameservers: []api.Nameserver{{IP: "1.1.1.1", NSType: api.NameserverNSTypeUDP, Port: 53}}})
		must(t, err)
		got, err := c.DNS.GetNameserverGroup(ctx, ns.ID)
		must(t, err)
		if len(got.Nameservers) != 1 || got.Nameservers[0].IP != "1.1.1.1" {
			t.Errorf("read back %+v", got)
		}
		must(t, c.DNS.DeleteNameserverGroup(ctx, ns.ID))
		settings, err := c.DNS.GetSettings(ctx)
		must(t, err)
		up, err := c.DNS.UpdateSettings(ctx, api.DNSSettings{DisabledManagementGroups: []string{allGroupID}})
		must(t, err)
		if len(up.DisabledManagementGroups) != 1 {
			t.Errorf("DNS settings after update: %+v", up)
		}
		_, err = c.DNS.UpdateSettings(ctx, api.DNSSettings{DisabledManagementGroups: append([]string{}, settings.DisabledManagementGroups...)})
		must(t, err)
	})

	t.Run("peers", func(t *testing.T) {
		p, err := c.Peers.Get(ctx, peerID)
		must(t, err)
		up, err := c.Peers.Update(ctx, peerID, api.PeerRequest{Name: "crud-peer", SSHEnabled: p.SSHEnabled, LoginExpirationEnabled: p.LoginExpirationEnabled, InactivityExpirationEnabled: p.InactivityExpirationEnabled})
		must(t, err)
		if up.Name != "crud-peer" {
			t.Errorf("peer renamed to %q", up.Name)
		}
		if _, err := c.Peers.ListAccessible(ctx, peerID); err != nil {
			t.Error(err)
		}
		_, err = c.Peers.Update(ctx, peerID, api.PeerRequest{Name: p.Name, SSHEnabled: p.SSHEnabled, LoginExpirationEnabled: p.LoginExpirationEnabled, InactivityExpirationEnabled: p.InactivityExpirationEnabled})
		must(t, err)
	})

	t.Run("users", func(t *testing.T) {
		u, err := c.Users.Update(ctx, userID, api.UserRequest{Role: "admin", AutoGroups: []string{}})
		must(t, err)
		if u.Role != "admin" {
			t.Errorf("role after update: %s", u.Role)
		}
		_, err = c.Users.Update(ctx, userID, api.UserRequest{Role: "user", AutoGroups: []string{}})
		must(t, err)
	})

	t.Run("accounts and events", func(t *testing.T) {
		accs, err := c.Accounts.List(ctx)
		must(t, err)
		if len(accs) != 1 || accs[0].ID != accountID {
			t.Fatalf("accounts: %+v", accs)
		}
		// NetBird answers null for required lists it holds empty; the
		// document, and so the client, want them present when sent back.
		settings := accs[0].Settings
		if settings.PeerExposeGroups == nil {
			settings.PeerExposeGroups = []string{}
		}
		if settings.Extra != nil && settings.Extra.NetworkTrafficLogsGroups == nil {
			settings.Extra.NetworkTrafficLogsGroups = []string{}
		}
		if _, err := c.Accounts.Update(ctx, accountID, api.AccountRequest{Settings: settings}); err != nil {
			t.Error(err)
		}
		events, err := c.Events.ListAudit(ctx)
		must(t, err)
		if len(events) == 0 {
			t.Error("no audit events after all these changes")
		}
	})
}

// unknownIDs ask for an id that does not exist, of each core kind.
func unknownIDs(c *netbird.Client) []struct {
	kind string
	get  func(context.Context) error
} {
	return []struct {
		kind string
		get  func(context.Context) error
	}{
		{"group", func(ctx context.Context) error { _, err := c.Groups.Get(ctx, "nope"); return err }},
		{"peer", func(ctx context.Context) error { _, err := c.Peers.Get(ctx, "nope"); return err }},
		{"policy", func(ctx context.Context) error { _, err := c.Policies.Get(ctx, "nope"); return err }},
		{"route", func(ctx context.Context) error { _, err := c.Routes.Get(ctx, "nope"); return err }},
		{"setup key", func(ctx context.Context) error { _, err := c.SetupKeys.Get(ctx, "nope"); return err }},
		{"network", func(ctx context.Context) error { _, err := c.Networks.Get(ctx, "nope"); return err }},
		{"posture check", func(ctx context.Context) error { _, err := c.PostureChecks.Get(ctx, "nope"); return err }},
		{"nameserver group", func(ctx context.Context) error { _, err := c.DNS.GetNameserverGroup(ctx, "nope"); return err }},
		{"user's tokens", func(ctx context.Context) error { _, err := c.Tokens.List(ctx, "nope"); return err }},
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
