package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/graph/formats/dot"
	"gonum.org/v1/gonum/graph/formats/dot/ast"

	"github.com/netbird-go/netbird/internal/demoaccount"
	"github.com/netbird-go/netbird/netmap"
)

// A network map of NetBird's real server: the fixture's account plus the
// demo objects, read through the client and drawn in every format, with
// every seeded object where it belongs and the DOT parsed by gonum's parser.
func TestNetmap(t *testing.T) {
	s := startServer(t)
	c := s.client(t, owner)
	ctx := t.Context()
	seeded, err := demoaccount.Seed(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := seeded.Remove(context.WithoutCancel(ctx), c); err != nil {
			t.Errorf("removing the demo objects: %v", err)
		}
	})

	top, err := netmap.Read(ctx, c)
	if err != nil {
		t.Fatal(err)
	}

	known := map[netmap.Ref]bool{}
	for _, g := range top.Groups {
		known[netmap.Ref{Kind: netmap.KindGroup, ID: g.ID}] = !g.Unknown
	}
	for _, p := range top.Peers {
		known[netmap.Ref{Kind: netmap.KindPeer, ID: p.ID}] = !p.Unknown
	}
	for _, r := range top.Resources {
		known[netmap.Ref{Kind: netmap.KindResource, ID: r.ID}] = !r.Unknown && r.Network == seeded.Network
	}
	for _, pc := range top.PostureChecks {
		known[netmap.Ref{Kind: netmap.KindPostureCheck, ID: pc.ID}] = !pc.Unknown
	}
	want := []netmap.Ref{{Kind: netmap.KindGroup, ID: allGroupID}, {Kind: netmap.KindPeer, ID: peerID},
		{Kind: netmap.KindPostureCheck, ID: seeded.Check}}
	for _, id := range seeded.Groups {
		want = append(want, netmap.Ref{Kind: netmap.KindGroup, ID: id})
	}
	for _, id := range seeded.Resources {
		want = append(want, netmap.Ref{Kind: netmap.KindResource, ID: id})
	}
	for _, r := range want {
		if !known[r] {
			t.Errorf("the map lacks %s %s", r.Kind, r.ID)
		}
	}
	has := func(what string, ok bool) {
		if !ok {
			t.Errorf("the map lacks %s", what)
		}
	}
	ids := func(n int, id func(int) string) map[string]bool {
		m := map[string]bool{}
		for i := range n {
			m[id(i)] = true
		}
		return m
	}
	policies := ids(len(top.Policies), func(i int) string { return top.Policies[i].ID })
	for name, id := range seeded.Policies {
		has("policy "+name, policies[id])
	}
	routes := ids(len(top.Routes), func(i int) string { return top.Routes[i].ID })
	for name, id := range seeded.Routes {
		has("route "+name, routes[id])
	}
	has("the router", ids(len(top.Routers), func(i int) string { return top.Routers[i].ID })[seeded.Router])
	has("the network", ids(len(top.Networks), func(i int) string { return top.Networks[i].ID })[seeded.Network])

	var direct, disabled bool
	for _, a := range top.Access {
		if a.Policy == seeded.Policies["Database access"] && a.Direct && a.To.ID == seeded.Resources["postgres"] {
			direct = true
		}
		if a.Policy == seeded.Policies["Legacy FTP"] && !a.Enabled {
			disabled = true
		}
	}
	has("Database access straight to postgres", direct)
	has("Legacy FTP, disabled", disabled)

	for _, f := range netmap.Formats {
		for _, merge := range []bool{false, true} {
			var buf bytes.Buffer
			if err := netmap.Write(&buf, top, f, netmap.RenderOptions{Merge: merge}); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out := buf.String()
			switch f {
			case netmap.FormatMermaid:
				for _, s := range []string{"flowchart LR", "Developers", "Database access: tcp 5432", "Network: Data center", "route lab", "(disabled)"} {
					if !strings.Contains(out, s) {
						t.Errorf("Mermaid (merge %v) lacks %q", merge, s)
					}
				}
			case netmap.FormatDOT:
				if err := parseDOT(buf.Bytes(), "Developers", "postgres", "Network: Data center"); err != nil {
					t.Errorf("DOT (merge %v): %v\n%s", merge, err, out)
				}
			case netmap.FormatJSON:
				var back netmap.Topology
				if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(&back, top) {
					t.Error("the JSON does not read back as the topology")
				}
			}
		}
	}
}

// The golden DOT files of package netmap parse with gonum's parser too.
func TestNetmapGoldenDOTParses(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "netmap", "testdata", "*.dot.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden DOT files: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := parseDOT(b, "Developers", "unknown group"); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// parseDOT parses src with gonum's DOT parser and checks that it is one
// directed graph whose edges join declared nodes, and whose labels (of
// nodes and clusters) include each of labels.
func parseDOT(src []byte, labels ...string) error {
	file, err := dot.ParseBytes(src)
	if err != nil {
		return err
	}
	if len(file.Graphs) != 1 || !file.Graphs[0].Directed {
		return fmt.Errorf("want one digraph, got %d graphs", len(file.Graphs))
	}
	nodes, text := map[string]bool{}, &strings.Builder{}
	var edges [][2]string
	var walk func([]ast.Stmt) error
	walk = func(stmts []ast.Stmt) error {
		for _, s := range stmts {
			switch s := s.(type) {
			case *ast.NodeStmt:
				nodes[s.Node.ID] = true
				for _, a := range s.Attrs {
					fmt.Fprintln(text, a.Val)
				}
			case *ast.EdgeStmt:
				from, ok1 := s.From.(*ast.Node)
				to, ok2 := s.To.Vertex.(*ast.Node)
				if !ok1 || !ok2 {
					return fmt.Errorf("edge %v: not between two nodes", s)
				}
				edges = append(edges, [2]string{from.ID, to.ID})
			case *ast.Attr: // a subgraph's label
				fmt.Fprintln(text, s.Val)
			case *ast.Subgraph:
				if err := walk(s.Stmts); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(file.Graphs[0].Stmts); err != nil {
		return err
	}
	for _, e := range edges {
		if !nodes[e[0]] || !nodes[e[1]] {
			return fmt.Errorf("edge %s -> %s joins an undeclared node", e[0], e[1])
		}
	}
	for _, l := range labels {
		if !strings.Contains(text.String(), l) {
			return fmt.Errorf("no node label holds %q", l)
		}
	}
	return nil
}
