package netmap_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/netmap"
)

// hostileNames are names that break a diagram when written as they are.
var hostileNames = []string{
	`say "hi"`, `a|b`, `[x]`, `{y}`, `(z)`, `<script>alert(1)</script>`, `#35; end`, "two\nlines",
	`back\slash\n`, "tick`s", `end`, `a;b`, `x -> y`, `--> B`, "ünïcødé ✓", `&amp;`, `%% not a comment`, "",
}

// hostileTopology is an account whose every name, and some ids, are hostile.
func hostileTopology() *netmap.Topology {
	var a netmap.Account
	a.Resources = map[string][]api.NetworkResource{}
	a.Routers = map[string][]api.NetworkRouter{}
	ids := []string{"end", "o1", "x-2", "a b", `q"uote`, "dot.ted", "ünï", "id_with_underscore"}
	for i, name := range hostileNames {
		id := ids[i%len(ids)] + "-" + string(rune('a'+i))
		a.Groups = append(a.Groups, api.Group{ID: "g-" + id, Name: name, Peers: []api.PeerMinimum{{ID: "p-" + id}}})
		a.Peers = append(a.Peers, api.PeerBatch{ID: "p-" + id, Name: name, IP: name})
	}
	a.Networks = []api.Network{{ID: "net end", Name: `net "one" {x}`}}
	a.Resources["net end"] = []api.NetworkResource{{ID: "r|1", Name: `res "a" |b|`, Address: "<10.0.0.1>", Enabled: true,
		Groups: []api.GroupMinimum{{ID: "g-end-a"}}}}
	a.Routers["net end"] = []api.NetworkRouter{{ID: "rt;1", Peer: ptr("p-o1-b"), Metric: 1}}
	dst := api.Resource{ID: "r|1", Type: api.ResourceTypeHost}
	for i, name := range hostileNames {
		src := []api.GroupMinimum{{ID: a.Groups[i].ID}, {ID: "missing " + name, Name: name}}
		to := []api.GroupMinimum{{ID: a.Groups[(i+1)%len(a.Groups)].ID}}
		a.Policies = append(a.Policies, api.Policy{ID: ptr("pol-" + name), Name: name, Enabled: i%2 == 0,
			SourcePostureChecks: []string{"check " + name},
			Rules: []api.PolicyRule{
				{ID: ptr("rule"), Name: name + " rule", Enabled: true, Action: api.PolicyRuleActionAccept, Protocol: api.PolicyRuleProtocolTCP,
					Ports: &[]string{"22", name}, Bidirectional: i%3 == 0, Sources: &src, Destinations: &to},
				{ID: ptr("rule2"), Name: name, Enabled: i%2 == 1, Action: api.PolicyRuleActionDrop, Protocol: api.PolicyRuleProtocolAll,
					Sources: &src, DestinationResource: &dst},
			}})
	}
	a.Routes = []api.Route{{ID: "route|1", NetworkID: `net"id`, Network: ptr("10.0.0.0/8"), Domains: &[]string{"a.example", `b"c`},
		Groups: []string{"g-end-a", "nowhere"}, PeerGroups: &[]string{"gone"}, AccessControlGroups: &[]string{"g-o1-b"}, Peer: ptr("ghost")}}
	return netmap.Build(a)
}

func ptr[T any](v T) *T { return &v }

// renderings returns every rendering in format f to check: the golden
// files and the hostile topology, merged or not.
func renderings(t *testing.T, f netmap.Format, ext string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	files, err := filepath.Glob(filepath.Join("testdata", "*."+ext+".golden"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no testdata/*.%s.golden", ext)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = b
	}
	top := hostileTopology()
	out["hostile"] = render(t, top, f, netmap.RenderOptions{Title: `title "with" quotes\ and: colon`})
	out["hostile merged"] = render(t, top, f, netmap.RenderOptions{Merge: true})
	out["empty"] = render(t, &netmap.Topology{}, f, netmap.RenderOptions{})
	return out
}
