package netmap_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/netmap"
)

// largeAccount is an account of 2,000 peers in 100 groups (and All), 500
// policies of one or two rules, 20 networks of 10 resources with a router
// each, and 50 routes, all in memory.
func largeAccount() netmap.Account {
	const peers, groups, policies, networks = 2000, 100, 500, 20
	a := netmap.Account{Resources: map[string][]api.NetworkResource{}, Routers: map[string][]api.NetworkRouter{}}
	all := api.Group{ID: "all", Name: "All"}
	for i := range groups {
		a.Groups = append(a.Groups, api.Group{ID: fmt.Sprintf("g%03d", i), Name: fmt.Sprintf("team-%03d", i)})
	}
	for i := range peers {
		id := fmt.Sprintf("p%04d", i)
		g := &a.Groups[i%groups]
		a.Peers = append(a.Peers, api.PeerBatch{ID: id, Name: fmt.Sprintf("host-%04d", i), IP: fmt.Sprintf("100.64.%d.%d", i/250, i%250+1),
			Groups: []api.GroupMinimum{{ID: all.ID, Name: all.Name}, {ID: g.ID, Name: g.Name}}})
		g.Peers = append(g.Peers, api.PeerMinimum{ID: id})
		all.Peers = append(all.Peers, api.PeerMinimum{ID: id})
	}
	a.Groups = append(a.Groups, all)
	for n := range networks {
		nid := fmt.Sprintf("n%02d", n)
		a.Networks = append(a.Networks, api.Network{ID: nid, Name: fmt.Sprintf("site-%02d", n)})
		for r := range 10 {
			a.Resources[nid] = append(a.Resources[nid], api.NetworkResource{ID: fmt.Sprintf("%s-r%d", nid, r), Name: fmt.Sprintf("svc-%d", r),
				Address: fmt.Sprintf("10.%d.%d.0/24", n, r), Enabled: r%7 != 0, Groups: []api.GroupMinimum{{ID: fmt.Sprintf("g%03d", (n*10+r)%groups)}}})
		}
		a.Routers[nid] = []api.NetworkRouter{{ID: nid + "-rt", PeerGroups: &[]string{fmt.Sprintf("g%03d", n)}, Metric: 100, Enabled: true}}
	}
	for i := range policies {
		src := []api.GroupMinimum{{ID: fmt.Sprintf("g%03d", i%groups)}, {ID: fmt.Sprintf("g%03d", (i*7)%groups)}}
		dst := []api.GroupMinimum{{ID: fmt.Sprintf("g%03d", (i*3+1)%groups)}, {ID: fmt.Sprintf("g%03d", (i*11+5)%groups)}}
		rules := []api.PolicyRule{{ID: ptr(fmt.Sprintf("r%d", i)), Name: "web", Enabled: i%9 != 0, Action: api.PolicyRuleActionAccept,
			Protocol: api.PolicyRuleProtocolTCP, Ports: &[]string{"80", "443"}, Bidirectional: i%4 == 0, Sources: &src, Destinations: &dst}}
		if i%2 == 0 {
			rules = append(rules, api.PolicyRule{ID: ptr(fmt.Sprintf("r%d-db", i)), Name: "db", Enabled: true, Action: api.PolicyRuleActionAccept,
				Protocol: api.PolicyRuleProtocolTCP, Ports: &[]string{"5432"}, Sources: &src,
				DestinationResource: &api.Resource{ID: fmt.Sprintf("n%02d-r%d", i%networks, i%10), Type: api.ResourceTypeSubnet}})
		}
		a.Policies = append(a.Policies, api.Policy{ID: ptr(fmt.Sprintf("pol%03d", i)), Name: fmt.Sprintf("policy-%03d", i), Enabled: i%13 != 0, Rules: rules})
	}
	for i := range 50 {
		a.Routes = append(a.Routes, api.Route{ID: fmt.Sprintf("route%02d", i), NetworkID: fmt.Sprintf("lan-%02d", i), Network: ptr(fmt.Sprintf("192.168.%d.0/24", i)),
			Peer: ptr(fmt.Sprintf("p%04d", i)), Groups: []string{fmt.Sprintf("g%03d", i)}, Enabled: true, Metric: 9999})
	}
	return a
}

// renderLarge builds the large account's topology and writes it in every
// format.
func renderLarge(tb testing.TB, a netmap.Account, merge bool) {
	top := netmap.Build(a)
	for _, f := range netmap.Formats {
		if err := netmap.Write(io.Discard, top, f, netmap.RenderOptions{Merge: merge}); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkRender2000Peers: build the topology of a 2,000-peer, 500-policy
// account and write it as Mermaid, DOT and JSON. The goal is under 2 s an
// operation.
func BenchmarkRender2000Peers(b *testing.B) {
	a := largeAccount()
	for _, merge := range []bool{false, true} {
		b.Run(fmt.Sprintf("merge=%v", merge), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				renderLarge(b, a, merge)
			}
		})
	}
}

// The large account builds with every reference resolved and renders in
// every format (how fast: BenchmarkRender2000Peers).
func TestLargeAccountRenders(t *testing.T) {
	a := largeAccount()
	top := netmap.Build(a)
	if len(top.Peers) != 2000 || len(top.Policies) != 500 {
		t.Fatalf("%d peers, %d policies", len(top.Peers), len(top.Policies))
	}
	refsResolve(t, top)
	renderLarge(t, a, false)
}
