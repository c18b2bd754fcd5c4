// Package demoaccount adds to an account the objects that make a network
// map worth looking at: groups, policies (enabled and disabled, ports and
// port ranges, bidirectional, to a group and to a resource directly, with a
// posture check), a network with resources and a router, and routes.
//
// cmd/netbird-netmap seeds the sandbox with it, the netmap tests seed their
// golden account with it, and the contract suite seeds NetBird's real
// server with it. Names are fixed, with no random part, so that the same
// account gives the same map.
package demoaccount

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
)

// Seeded holds the ids of what Seed created, to check a map or to clean up.
type Seeded struct {
	Groups    map[string]string // by name: Developers, Servers, CI, Databases
	Policies  map[string]string // by name
	Network   string            // the "Data center" network
	Resources map[string]string // by name: postgres, backups, wiki
	Router    string
	Routes    map[string]string // by network_id: lab, old-vpn
	Check     string            // the posture check
}

// Seed creates the demo objects through c. It needs at least one peer in
// the account; the peers, sorted by name, are shared out between the
// groups. On an error it returns what it created so far with the error.
func Seed(ctx context.Context, c *netbird.Client) (*Seeded, error) {
	peers, err := c.Peers.List(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("demo account: listing peers: %w", err)
	}
	if len(peers) == 0 {
		return nil, errors.New("demo account: the account has no peers to put in groups")
	}
	slices.SortFunc(peers, func(a, b api.PeerBatch) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	peer := func(i int) string { return peers[i%len(peers)].ID }

	s := &Seeded{Groups: map[string]string{}, Policies: map[string]string{}, Resources: map[string]string{}, Routes: map[string]string{}}
	for _, g := range []struct {
		name  string
		peers []string
	}{
		{"Developers", []string{peer(0)}},
		{"CI", []string{peer(1)}},
		{"Servers", []string{peer(2)}},
		{"Databases", []string{}},
	} {
		ps := g.peers
		created, err := c.Groups.Create(ctx, api.GroupRequest{Name: g.name, Peers: &ps})
		if err != nil {
			return s, fmt.Errorf("demo account: creating group %s: %w", g.name, err)
		}
		s.Groups[g.name] = created.ID
	}
	group := s.Groups

	check, err := c.PostureChecks.Create(ctx, api.PostureCheckRequest{Name: "NetBird 0.70 or later", Description: "Peers run a recent NetBird",
		Checks: &api.Checks{NbVersionCheck: &api.NBVersionCheck{MinVersion: "0.70.0"}}})
	if err != nil {
		return s, fmt.Errorf("demo account: creating the posture check: %w", err)
	}
	s.Check = check.ID

	network, err := c.Networks.Create(ctx, api.NetworkRequest{Name: "Data center", Description: ptr("Servers in the data center")})
	if err != nil {
		return s, fmt.Errorf("demo account: creating the network: %w", err)
	}
	s.Network = network.ID
	for _, r := range []api.NetworkResourceRequest{
		{Name: "postgres", Address: "10.20.0.10/32", Enabled: true, Groups: []string{group["Databases"]}, Description: ptr("The main database")},
		{Name: "backups", Address: "10.20.1.0/24", Enabled: true, Groups: []string{group["Databases"]}},
		{Name: "wiki", Address: "wiki.internal.example", Enabled: false, Groups: []string{group["Servers"]}},
	} {
		created, err := c.Networks.CreateResource(ctx, network.ID, r)
		if err != nil {
			return s, fmt.Errorf("demo account: creating resource %s: %w", r.Name, err)
		}
		s.Resources[r.Name] = created.ID
	}
	router, err := c.Networks.CreateRouter(ctx, network.ID, api.NetworkRouterRequest{
		PeerGroups: &[]string{group["Servers"]}, Metric: 100, Masquerade: true, Enabled: true})
	if err != nil {
		return s, fmt.Errorf("demo account: creating the router: %w", err)
	}
	s.Router = router.ID

	tcp, udp, icmp, all := api.PolicyRuleUpdateProtocolTCP, api.PolicyRuleUpdateProtocolUDP, api.PolicyRuleUpdateProtocolICMP, api.PolicyRuleUpdateProtocolAll
	rule := func(name string, enabled bool, proto api.PolicyRuleUpdateProtocol, bidir bool, from, to []string) api.PolicyRuleUpdate {
		return api.PolicyRuleUpdate{Name: name, Enabled: enabled, Action: api.PolicyRuleUpdateActionAccept, Protocol: proto,
			Bidirectional: bidir, Sources: &from, Destinations: &to}
	}
	ssh := rule("Developers to servers", true, tcp, false, []string{group["Developers"]}, []string{group["Servers"]})
	ssh.Ports = &[]string{"22", "443"}
	db := rule("Database access", true, tcp, false, []string{group["Developers"], group["CI"]}, nil)
	db.Destinations = nil
	db.DestinationResource = &api.Resource{ID: s.Resources["postgres"], Type: api.ResourceTypeHost}
	db.Ports = &[]string{"5432"}
	backups := rule("Backups", true, tcp, false, []string{group["CI"]}, []string{group["Databases"]})
	backups.PortRanges = &[]api.RulePortRange{{Start: 873, End: 873}, {Start: 9000, End: 9100}}
	ftp := rule("Legacy FTP", true, tcp, false, []string{group["Developers"]}, []string{group["Servers"]})
	ftp.PortRanges = &[]api.RulePortRange{{Start: 20, End: 21}}
	ping := rule("ping", true, icmp, false, []string{group["CI"]}, []string{group["Servers"]})
	snmp := rule("snmp", false, udp, false, []string{group["CI"]}, []string{group["Servers"]})
	snmp.Ports = &[]string{"161"}
	for _, p := range []api.PolicyCreate{
		{Name: "Developers to servers", Enabled: true, Rules: []api.PolicyRuleUpdate{ssh}, SourcePostureChecks: &[]string{check.ID}},
		{Name: "Database access", Enabled: true, Rules: []api.PolicyRuleUpdate{db}},
		{Name: "Backups", Enabled: true, Rules: []api.PolicyRuleUpdate{backups}},
		{Name: "Servers mesh", Enabled: true, Rules: []api.PolicyRuleUpdate{rule("Servers mesh", true, all, true, []string{group["Servers"]}, []string{group["Servers"]})}},
		{Name: "Legacy FTP", Enabled: false, Description: ptr("Kept for reference; off"), Rules: []api.PolicyRuleUpdate{ftp}},
		{Name: "Monitoring", Enabled: true, Rules: []api.PolicyRuleUpdate{ping, snmp}},
	} {
		created, err := c.Policies.Create(ctx, p)
		if err != nil {
			return s, fmt.Errorf("demo account: creating policy %s: %w", p.Name, err)
		}
		s.Policies[p.Name] = deref(created.ID)
	}

	for _, r := range []api.RouteRequest{
		{NetworkID: "lab", Description: "The lab network", Network: ptr("192.168.50.0/24"), PeerGroups: &[]string{group["Servers"]},
			Groups: []string{group["Developers"]}, AccessControlGroups: &[]string{group["Servers"]}, Enabled: true, Metric: 100, Masquerade: true},
		{NetworkID: "old-vpn", Description: "The old VPN, off", Network: ptr("172.30.0.0/16"), Peer: ptr(peer(2)),
			Groups: []string{group["CI"]}, Enabled: false, Metric: 9999},
	} {
		created, err := c.Routes.Create(ctx, r)
		if err != nil {
			return s, fmt.Errorf("demo account: creating route %s: %w", r.NetworkID, err)
		}
		s.Routes[r.NetworkID] = created.ID
	}
	return s, nil
}

// Remove deletes what Seed created, policies and routes first (they name
// the groups), and returns every error.
func (s *Seeded) Remove(ctx context.Context, c *netbird.Client) error {
	var errs []error
	del := func(err error) {
		if err != nil && !netbird.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	for _, id := range sortedValues(s.Policies) {
		del(c.Policies.Delete(ctx, id))
	}
	for _, id := range sortedValues(s.Routes) {
		del(c.Routes.Delete(ctx, id))
	}
	if s.Network != "" {
		del(c.Networks.Delete(ctx, s.Network))
	}
	if s.Check != "" {
		del(c.PostureChecks.Delete(ctx, s.Check))
	}
	for _, id := range sortedValues(s.Groups) {
		del(c.Groups.Delete(ctx, id))
	}
	return errors.Join(errs...)
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
