package netmap

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The picture both renderers draw, built once from a Topology so that
// Mermaid and DOT show the same nodes, edges and styles.

// nodeKind decides a node's shape and colours.
type nodeKind int

const (
	nodeGroup nodeKind = iota
	nodePeer
	nodeResource
	nodeRouter
	nodeRoute
)

type node struct {
	id       string   // a safe identifier: [A-Za-z0-9_]+
	lines    []string // the label, one entry a line
	kind     nodeKind
	disabled bool
	unknown  bool
}

// edgeKind decides an edge's line.
type edgeKind int

const (
	edgeGroupAccess  edgeKind = iota // a rule to a group: dashed arrow
	edgeDirectAccess                 // a rule to a resource or peer: solid arrow
	edgeLink                         // membership, routing peer, access control: grey, no arrow
)

type edge struct {
	from, to string
	ends     [2]Ref // what from and to name
	kind     edgeKind
	lines    []string // the label
	bidir    bool
	disabled bool // every rule behind it is disabled
	drop     bool // every rule behind it drops
}

type cluster struct {
	id    string
	label string
	nodes []node
}

type graph struct {
	nodes    []node // outside any cluster
	clusters []cluster
	edges    []edge
}

// RenderOptions adjust the Mermaid and DOT pictures.
type RenderOptions struct {
	// Merge draws one edge for each source, destination and kind of
	// access, labelled with every rule behind it, instead of one edge a
	// rule.
	Merge bool
	// Title is written at the top; empty means "NetBird network map".
	Title string
}

func (o RenderOptions) title() string {
	if o.Title != "" {
		return o.Title
	}
	return "NetBird network map"
}

// picture builds the graph of t. Groups and peers are drawn when something
// drawn refers to them; resources, routers and routes always. Peers
// reached through a group are counted in its label, not drawn: an account
// of thousands of peers stays readable.
func picture(t *Topology, opts RenderOptions) *graph {
	ix := newIndex(t)
	used := map[Ref]bool{}
	var edges []edge

	for _, a := range t.Access {
		used[a.From], used[a.To] = true, true
		kind := edgeGroupAccess
		if a.Direct {
			kind = edgeDirectAccess
		}
		edges = append(edges, edge{from: nodeID(a.From), to: nodeID(a.To), ends: [2]Ref{a.From, a.To}, kind: kind,
			lines: []string{ix.accessLabel(a)}, bidir: a.Bidirectional,
			disabled: !a.Enabled, drop: a.Action == "drop"})
	}
	link := func(from, to Ref, label string) {
		used[from], used[to] = true, true
		edges = append(edges, edge{from: nodeID(from), to: nodeID(to), ends: [2]Ref{from, to}, kind: edgeLink, lines: nonEmpty(label)})
	}
	for _, r := range t.Resources {
		for _, g := range r.Groups {
			link(Ref{KindGroup, g}, Ref{KindResource, r.ID}, "")
		}
	}
	for _, r := range t.Routers {
		self := Ref{KindRouter, r.ID}
		if r.Peer != "" {
			link(Ref{KindPeer, r.Peer}, self, "routing peer")
		}
		for _, g := range r.PeerGroups {
			link(Ref{KindGroup, g}, self, "routing peers")
		}
	}
	for _, r := range t.Routes {
		self := Ref{KindRoute, r.ID}
		for _, g := range r.Groups {
			from := Ref{KindGroup, g}
			used[from] = true
			edges = append(edges, edge{from: nodeID(from), to: nodeID(self), ends: [2]Ref{from, self}, kind: edgeGroupAccess,
				lines: []string{"gets route"}, disabled: !r.Enabled})
		}
		if r.Peer != "" {
			link(Ref{KindPeer, r.Peer}, self, "routing peer")
		}
		for _, g := range r.PeerGroups {
			link(Ref{KindGroup, g}, self, "routing peers")
		}
		for _, g := range r.AccessControlGroups {
			link(self, Ref{KindGroup, g}, "access control")
		}
	}

	g := &graph{}
	for _, x := range t.Groups {
		if used[Ref{KindGroup, x.ID}] {
			g.nodes = append(g.nodes, groupNode(x))
		}
	}
	for _, p := range t.Peers {
		if used[Ref{KindPeer, p.ID}] {
			g.nodes = append(g.nodes, peerNode(p))
		}
	}
	networks := map[string]bool{}
	for _, n := range t.Networks {
		networks[n.ID] = true
	}
	// Resources and routers outside any network read (unknown ones) are
	// drawn on their own.
	for _, r := range t.Resources {
		if r.Unknown || !networks[r.Network] {
			g.nodes = append(g.nodes, resourceNode(r))
		}
	}
	for _, r := range t.Routers {
		if !networks[r.Network] {
			g.nodes = append(g.nodes, routerNode(r))
		}
	}
	for _, r := range t.Routes {
		g.nodes = append(g.nodes, routeNode(r))
	}
	for _, n := range t.Networks {
		c := cluster{id: nodeID(Ref{KindNetwork, n.ID}), label: "Network: " + n.Name}
		for _, id := range ix.networkResources[n.ID] {
			c.nodes = append(c.nodes, resourceNode(*ix.resources[id]))
		}
		for _, r := range ix.networkRouters[n.ID] {
			c.nodes = append(c.nodes, routerNode(r))
		}
		g.clusters = append(g.clusters, c)
	}
	g.declareEnds(edges)
	if opts.Merge {
		edges = merge(edges)
	}
	slices.SortStableFunc(edges, func(a, b edge) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), strings.Compare(a.from, b.from), strings.Compare(a.to, b.to),
			slices.Compare(a.lines, b.lines))
	})
	g.edges = edges
	return g
}

// declareEnds adds a node for each edge end no list has: a topology made
// by Build has none, but one made by hand or decoded from JSON may.
func (g *graph) declareEnds(edges []edge) {
	declared := map[string]bool{}
	for _, n := range g.nodes {
		declared[n.id] = true
	}
	for _, c := range g.clusters {
		for _, n := range c.nodes {
			declared[n.id] = true
		}
	}
	for _, e := range edges {
		for i, id := range []string{e.from, e.to} {
			if !declared[id] {
				declared[id] = true
				g.nodes = append(g.nodes, node{id: id, kind: nodeKinds[e.ends[i].Kind], unknown: true,
					lines: []string{"unknown " + strings.ReplaceAll(string(e.ends[i].Kind), "_", " "), e.ends[i].ID}})
			}
		}
	}
}

// merge joins the edges of the same source, destination, kind and
// direction into one, with every label.
func merge(edges []edge) []edge {
	type key struct {
		from, to string
		kind     edgeKind
		bidir    bool
	}
	at := map[key]int{}
	var out []edge
	for _, e := range edges {
		k := key{e.from, e.to, e.kind, e.bidir}
		i, ok := at[k]
		if !ok {
			at[k] = len(out)
			e.lines = slices.Clone(e.lines)
			out = append(out, e)
			continue
		}
		m := &out[i]
		m.lines = append(m.lines, e.lines...)
		m.disabled = m.disabled && e.disabled
		m.drop = m.drop && e.drop
	}
	for i := range out {
		slices.Sort(out[i].lines)
		out[i].lines = slices.Compact(out[i].lines)
	}
	return out
}

// index finds a topology's objects by id.
type index struct {
	policies         map[string]*Policy
	rules            map[[2]string]*Rule
	checks           map[string]*PostureCheck
	resources        map[string]*Resource
	networkResources map[string][]string // sorted by resource name
	networkRouters   map[string][]Router
}

func newIndex(t *Topology) *index {
	ix := &index{policies: map[string]*Policy{}, rules: map[[2]string]*Rule{}, checks: map[string]*PostureCheck{},
		resources: map[string]*Resource{}, networkResources: map[string][]string{}, networkRouters: map[string][]Router{}}
	for i := range t.Policies {
		p := &t.Policies[i]
		ix.policies[p.ID] = p
		for j := range p.Rules {
			ix.rules[[2]string{p.ID, p.Rules[j].ID}] = &p.Rules[j]
		}
	}
	for i := range t.PostureChecks {
		ix.checks[t.PostureChecks[i].ID] = &t.PostureChecks[i]
	}
	for i := range t.Resources {
		r := &t.Resources[i]
		ix.resources[r.ID] = r
		if !r.Unknown {
			ix.networkResources[r.Network] = append(ix.networkResources[r.Network], r.ID)
		}
	}
	for _, r := range t.Routers {
		ix.networkRouters[r.Network] = append(ix.networkRouters[r.Network], r)
	}
	return ix
}

// accessLabel says through which policy and rule, on which protocol and
// ports: "SSH: tcp 22", "Monitoring / ping: icmp (disabled)".
func (ix *index) accessLabel(a Access) string {
	var b strings.Builder
	name := a.Policy
	var checks []string
	if p := ix.policies[a.Policy]; p != nil {
		name = p.Name
		for _, id := range p.PostureChecks {
			if c := ix.checks[id]; c != nil && !c.Unknown {
				checks = append(checks, c.Name)
			} else {
				checks = append(checks, "unknown "+id)
			}
		}
	}
	if r := ix.rules[[2]string{a.Policy, a.Rule}]; r != nil && r.Name != "" && r.Name != name {
		name += " / " + r.Name
	}
	b.WriteString(name)
	b.WriteString(": ")
	if a.Action == "drop" {
		b.WriteString("DROP ")
	}
	b.WriteString(a.Protocol)
	if len(a.Ports) > 0 {
		b.WriteString(" " + strings.Join(a.Ports, ","))
	}
	if len(checks) > 0 {
		b.WriteString(" [posture: " + strings.Join(checks, ", ") + "]")
	}
	if !a.Enabled {
		b.WriteString(" (disabled)")
	}
	return b.String()
}

func groupNode(g Group) node {
	if g.Unknown {
		return node{id: nodeID(Ref{KindGroup, g.ID}), kind: nodeGroup, unknown: true,
			lines: []string{"unknown group", cmp.Or(g.Name, g.ID)}}
	}
	var counts []string
	if len(g.Peers) > 0 || len(g.Resources) == 0 {
		counts = append(counts, plural(len(g.Peers), "peer"))
	}
	if len(g.Resources) > 0 {
		counts = append(counts, plural(len(g.Resources), "resource"))
	}
	return node{id: nodeID(Ref{KindGroup, g.ID}), kind: nodeGroup, lines: []string{g.Name, strings.Join(counts, ", ")}}
}

func peerNode(p Peer) node {
	n := node{id: nodeID(Ref{KindPeer, p.ID}), kind: nodePeer, lines: []string{p.Name, p.IP}, unknown: p.Unknown}
	if p.Unknown {
		n.lines = []string{"unknown peer", cmp.Or(p.Name, p.ID)}
	}
	return n
}

func resourceNode(r Resource) node {
	n := node{id: nodeID(Ref{KindResource, r.ID}), kind: nodeResource, lines: []string{r.Name, r.Address},
		disabled: !r.Enabled && !r.Unknown, unknown: r.Unknown}
	if r.Unknown {
		n.lines = []string{"unknown resource", r.ID}
	}
	if n.disabled {
		n.lines = append(n.lines, "(disabled)")
	}
	return n
}

func routerNode(r Router) node {
	lines := []string{"router", "metric " + strconv.Itoa(r.Metric)}
	if r.Masquerade {
		lines[1] += ", masquerade"
	}
	if !r.Enabled {
		lines = append(lines, "(disabled)")
	}
	return node{id: nodeID(Ref{KindRouter, r.ID}), kind: nodeRouter, lines: lines, disabled: !r.Enabled}
}

func routeNode(r Route) node {
	dest := r.Network
	if len(r.Domains) > 0 {
		dest = strings.Join(r.Domains, ", ")
	}
	lines := []string{"route " + r.NetworkID, dest}
	if r.Description != "" && r.Description != r.NetworkID {
		lines = append(lines, r.Description)
	}
	if !r.Enabled {
		lines = append(lines, "(disabled)")
	}
	return node{id: nodeID(Ref{KindRoute, r.ID}), kind: nodeRoute, lines: lines, disabled: !r.Enabled}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

var nodeKinds = map[Kind]nodeKind{
	KindGroup: nodeGroup, KindPeer: nodePeer, KindResource: nodeResource, KindRouter: nodeRouter, KindRoute: nodeRoute,
}

var idPrefix = map[Kind]string{
	KindGroup: "g_", KindPeer: "p_", KindResource: "res_", KindRouter: "rtr_", KindRoute: "rte_",
	KindNetwork: "net_", KindPostureCheck: "pc_",
}

// nodeID is a node's identifier in both languages: a prefix for the kind,
// then the NetBird id with every byte outside [A-Za-z0-9] written as _hh.
// The encoding is one-to-one, so two objects never share a node.
func nodeID(r Ref) string {
	var b strings.Builder
	b.WriteString(cmp.Or(idPrefix[r.Kind], "x_"))
	for i := 0; i < len(r.ID); i++ {
		c := r.ID[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	return b.String()
}
