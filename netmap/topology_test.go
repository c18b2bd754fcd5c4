package netmap_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/netmap"
)

// refsResolve checks the invariant of Build: every reference names an entry.
func refsResolve(t *testing.T, top *netmap.Topology) {
	t.Helper()
	have := map[netmap.Ref]bool{}
	for _, g := range top.Groups {
		have[netmap.Ref{Kind: netmap.KindGroup, ID: g.ID}] = true
	}
	for _, p := range top.Peers {
		have[netmap.Ref{Kind: netmap.KindPeer, ID: p.ID}] = true
	}
	for _, r := range top.Resources {
		have[netmap.Ref{Kind: netmap.KindResource, ID: r.ID}] = true
	}
	for _, c := range top.PostureChecks {
		have[netmap.Ref{Kind: netmap.KindPostureCheck, ID: c.ID}] = true
	}
	check := func(where string, r netmap.Ref) {
		if !have[r] {
			t.Errorf("%s names %s %s, which the topology does not list", where, r.Kind, r.ID)
		}
	}
	group := func(where, id string) { check(where, netmap.Ref{Kind: netmap.KindGroup, ID: id}) }
	peer := func(where, id string) { check(where, netmap.Ref{Kind: netmap.KindPeer, ID: id}) }
	for _, g := range top.Groups {
		for _, p := range g.Peers {
			peer("group "+g.ID, p)
		}
		for _, r := range g.Resources {
			check("group "+g.ID, r)
		}
	}
	for _, p := range top.Peers {
		for _, g := range p.Groups {
			group("peer "+p.ID, g)
		}
	}
	for _, r := range top.Resources {
		for _, g := range r.Groups {
			group("resource "+r.ID, g)
		}
	}
	for _, r := range top.Routers {
		if r.Peer != "" {
			peer("router "+r.ID, r.Peer)
		}
		for _, g := range r.PeerGroups {
			group("router "+r.ID, g)
		}
	}
	for _, r := range top.Routes {
		if r.Peer != "" {
			peer("route "+r.ID, r.Peer)
		}
		for _, g := range slices.Concat(r.PeerGroups, r.Groups, r.AccessControlGroups) {
			group("route "+r.ID, g)
		}
	}
	for _, p := range top.Policies {
		for _, c := range p.PostureChecks {
			check("policy "+p.ID, netmap.Ref{Kind: netmap.KindPostureCheck, ID: c})
		}
		for _, r := range p.Rules {
			for _, x := range slices.Concat(r.Sources, r.Destinations) {
				check("rule "+r.ID, x)
			}
		}
	}
	for _, a := range top.Access {
		check("access", a.From)
		check("access", a.To)
	}
}

func TestSeededTopology(t *testing.T) {
	_, c, s := seededAccount(t)
	top, err := netmap.Read(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	refsResolve(t, top)

	unknown := map[string]bool{}
	for _, g := range top.Groups {
		if g.Unknown {
			unknown["group "+g.Name] = true
		}
	}
	for _, r := range top.Resources {
		if r.Unknown {
			unknown["resource"] = true
		}
	}
	if !unknown["group Contractors"] || !unknown["resource"] || len(unknown) != 2 {
		t.Errorf("unknown objects: %v, want the deleted group Contractors and resource", unknown)
	}

	byPolicy := map[string][]netmap.Access{}
	for _, a := range top.Access {
		byPolicy[a.Policy] = append(byPolicy[a.Policy], a)
	}
	db := byPolicy[s.Policies["Database access"]]
	if len(db) != 2 || !db[0].Direct || db[0].To != (netmap.Ref{Kind: netmap.KindResource, ID: s.Resources["postgres"]}) || !slices.Equal(db[0].Ports, []string{"5432"}) {
		t.Errorf("Database access: %+v", db)
	}
	backups := byPolicy[s.Policies["Backups"]]
	if len(backups) != 1 || backups[0].Direct || !slices.Equal(backups[0].Ports, []string{"873", "9000-9100"}) {
		t.Errorf("Backups: %+v", backups)
	}
	if ftp := byPolicy[s.Policies["Legacy FTP"]]; len(ftp) != 1 || ftp[0].Enabled {
		t.Errorf("Legacy FTP (policy disabled): %+v", ftp)
	}
	mon := byPolicy[s.Policies["Monitoring"]]
	if len(mon) != 2 || !mon[0].Enabled || mon[1].Enabled || mon[1].Protocol != "udp" {
		t.Errorf("Monitoring (rule snmp disabled): %+v", mon)
	}
	if mesh := byPolicy[s.Policies["Servers mesh"]]; len(mesh) != 1 || !mesh[0].Bidirectional {
		t.Errorf("Servers mesh: %+v", mesh)
	}
	var dc *netmap.Network
	for i := range top.Networks {
		if top.Networks[i].ID == s.Network {
			dc = &top.Networks[i]
		}
	}
	if dc == nil || len(dc.Resources) != 3 || len(dc.Routers) != 1 {
		t.Errorf("Data center network: %+v", dc)
	}
	if len(top.Routes) != 3 || len(top.PostureChecks) != 2 {
		t.Errorf("%d routes, %d posture checks", len(top.Routes), len(top.PostureChecks))
	}
}

// Unknown references of every kind are kept and drawn, never a crash.
func TestUnknownReferences(t *testing.T) {
	top := hostileTopology()
	refsResolve(t, top)
	for _, f := range []netmap.Format{netmap.FormatMermaid, netmap.FormatDOT} {
		out := render(t, top, f, netmap.RenderOptions{})
		for _, want := range []string{"unknown group", "unknown peer", "ghost", "gone", "nowhere", "unknown posture"} {
			if want == "unknown posture" {
				want = "posture: unknown check "
			}
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("%s lacks %q", f, want)
			}
		}
	}
	// Nothing at all, and a hand-made topology whose access names objects
	// it does not list.
	bare := &netmap.Topology{Access: []netmap.Access{{From: netmap.Ref{Kind: netmap.KindGroup, ID: "a"},
		To: netmap.Ref{Kind: netmap.KindResource, ID: "b"}, Direct: true, Protocol: "tcp"}}}
	for _, f := range netmap.Formats {
		for _, top := range []*netmap.Topology{{}, bare, netmap.Build(netmap.Account{})} {
			render(t, top, f, netmap.RenderOptions{})
		}
	}
	if out := render(t, bare, netmap.FormatMermaid, netmap.RenderOptions{}); !bytes.Contains(out, []byte(`res_b{{"unknown resource<br/>b"}}:::unknown`)) {
		t.Errorf("an access to an unlisted resource is not drawn as unknown:\n%s", out)
	}
}

func TestBuildPortsAndKinds(t *testing.T) {
	src := []api.GroupMinimum{{ID: "g1", Name: "one"}}
	a := netmap.Account{
		Groups: []api.Group{{ID: "g1", Name: "one"}},
		Peers:  []api.PeerBatch{{ID: "p1", Name: "peer one"}},
		Policies: []api.Policy{{ID: ptr("pol"), Name: "P", Enabled: true, Rules: []api.PolicyRule{
			{ID: ptr("r1"), Name: "to a peer", Enabled: true, Action: api.PolicyRuleActionDrop, Protocol: api.PolicyRuleProtocolTCP,
				Ports: &[]string{"443", "22", "22"}, PortRanges: &[]api.RulePortRange{{Start: 8000, End: 8080}, {Start: 53, End: 53}},
				Sources: &src, DestinationResource: &api.Resource{ID: "p1", Type: api.ResourceTypePeer}},
		}}},
	}
	top := netmap.Build(a)
	if len(top.Access) != 1 {
		t.Fatalf("%d accesses", len(top.Access))
	}
	got := top.Access[0]
	if !slices.Equal(got.Ports, []string{"22", "53", "443", "8000-8080"}) {
		t.Errorf("ports %q", got.Ports)
	}
	if got.To != (netmap.Ref{Kind: netmap.KindPeer, ID: "p1"}) || !got.Direct || got.Action != "drop" {
		t.Errorf("access %+v", got)
	}
	mm := string(render(t, top, netmap.FormatMermaid, netmap.RenderOptions{}))
	if !strings.Contains(mm, `-->|"P / to a peer: DROP tcp 22,53,443,8000-8080"| p_p1`) || !strings.Contains(mm, "stroke:#d93025") {
		t.Errorf("a drop rule to a peer:\n%s", mm)
	}
}

func TestMerge(t *testing.T) {
	src, dst := []api.GroupMinimum{{ID: "a"}}, []api.GroupMinimum{{ID: "b"}}
	rule := func(id, name string, enabled, bidir bool) api.PolicyRule {
		return api.PolicyRule{ID: ptr(id), Name: name, Enabled: enabled, Action: api.PolicyRuleActionAccept,
			Protocol: api.PolicyRuleProtocolTCP, Ports: &[]string{id}, Bidirectional: bidir, Sources: &src, Destinations: &dst}
	}
	top := netmap.Build(netmap.Account{
		Groups: []api.Group{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}},
		Policies: []api.Policy{{ID: ptr("p"), Name: "P", Enabled: true, Rules: []api.PolicyRule{
			rule("1", "web", true, false), rule("2", "ssh", false, false), rule("3", "mesh", true, true)}}},
	})
	plain := string(render(t, top, netmap.FormatDOT, netmap.RenderOptions{}))
	merged := string(render(t, top, netmap.FormatDOT, netmap.RenderOptions{Merge: true}))
	if n := strings.Count(plain, `"g_a" -> "g_b"`); n != 3 {
		t.Errorf("unmerged: %d edges, want 3:\n%s", n, plain)
	}
	// web and ssh share one edge (ssh marked disabled, the edge not);
	// the bidirectional rule keeps its own.
	if n := strings.Count(merged, `"g_a" -> "g_b"`); n != 2 {
		t.Errorf("merged: %d edges, want 2:\n%s", n, merged)
	}
	if !strings.Contains(merged, `label="P / ssh: tcp 2 (disabled)\nP / web: tcp 1", style=dashed];`) {
		t.Errorf("merged labels:\n%s", merged)
	}
}
