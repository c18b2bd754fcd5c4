package netmap

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/netbird-go/netbird/api"
)

// Kind is the kind of object a Ref names.
type Kind string

// The kinds of objects a topology holds.
const (
	KindGroup        Kind = "group"
	KindPeer         Kind = "peer"
	KindResource     Kind = "resource"
	KindNetwork      Kind = "network"
	KindRouter       Kind = "router"
	KindRoute        Kind = "route"
	KindPostureCheck Kind = "posture_check"
)

// Ref names an object of the topology by kind and id. Every Ref of a
// Topology made by Build names an entry of its lists: an object the account
// refers to but does not have is listed with Unknown set.
type Ref struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
}

// Topology is one snapshot of an account's network: its objects and who
// can reach what through which policy. Lists are sorted by name, then id;
// id lists by id. Build makes one from an Account, Read from a server.
type Topology struct {
	Groups        []Group        `json:"groups"`
	Peers         []Peer         `json:"peers"`
	Policies      []Policy       `json:"policies"`
	Networks      []Network      `json:"networks"`
	Resources     []Resource     `json:"resources"`
	Routers       []Router       `json:"routers"`
	Routes        []Route        `json:"routes"`
	PostureChecks []PostureCheck `json:"posture_checks"`
	// Access lists, for each rule, every source it lets reach every
	// destination, in the order of Policies and their Rules.
	Access []Access `json:"access"`
}

// Group is a group of peers and network resources.
type Group struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Peers     []string `json:"peers"`     // peer ids
	Resources []Ref    `json:"resources"` // network resources (and peers) in the group
	// Unknown: the account refers to this group but does not have it (a
	// policy naming a deleted group). Name is then the one the reference
	// carried, if any.
	Unknown bool `json:"unknown,omitempty"`
}

// Peer is a machine in the account.
type Peer struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	IP        string   `json:"ip,omitempty"`
	DNSLabel  string   `json:"dns_label,omitempty"`
	OS        string   `json:"os,omitempty"`
	Connected bool     `json:"connected"`
	Groups    []string `json:"groups"`
	Unknown   bool     `json:"unknown,omitempty"`
}

// Policy is an access control policy with its rules.
type Policy struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Description   string   `json:"description,omitempty"`
	Enabled       bool     `json:"enabled"`
	PostureChecks []string `json:"posture_checks"` // checks the sources must pass
	Rules         []Rule   `json:"rules"`
}

// Rule is one rule of a policy: its sources may reach its destinations.
type Rule struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Description   string   `json:"description,omitempty"`
	Enabled       bool     `json:"enabled"`
	Action        string   `json:"action"`   // accept or drop
	Protocol      string   `json:"protocol"` // all, tcp, udp, icmp, netbird-ssh
	Ports         []string `json:"ports"`    // "22", "8000-8080"; empty: all ports
	Bidirectional bool     `json:"bidirectional"`
	Sources       []Ref    `json:"sources"`      // groups, or a resource or peer
	Destinations  []Ref    `json:"destinations"` // groups, or a resource or peer
}

// Access is one source of a rule reaching one of its destinations.
type Access struct {
	From   Ref    `json:"from"`
	To     Ref    `json:"to"`
	Policy string `json:"policy"` // policy id
	Rule   string `json:"rule"`   // rule id
	// Direct: the rule names the destination itself (a resource or a
	// peer); otherwise it names a group, and reaches what the group holds.
	Direct bool `json:"direct"`
	// Enabled: both the policy and the rule are enabled.
	Enabled       bool     `json:"enabled"`
	Action        string   `json:"action"`
	Protocol      string   `json:"protocol"`
	Ports         []string `json:"ports"`
	Bidirectional bool     `json:"bidirectional"`
}

// Network is a NetBird network: resources reached through its routers.
type Network struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Resources   []string `json:"resources"` // resource ids
	Routers     []string `json:"routers"`   // router ids
}

// Resource is a network resource: a host, subnet or domain.
type Resource struct {
	ID          string   `json:"id"`
	Network     string   `json:"network,omitempty"` // network id; empty when Unknown
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Address     string   `json:"address,omitempty"`
	Type        string   `json:"type,omitempty"` // host, subnet, domain
	Enabled     bool     `json:"enabled"`
	Groups      []string `json:"groups"`
	Unknown     bool     `json:"unknown,omitempty"`
}

// Router routes a network's traffic through a peer or the peers of groups.
type Router struct {
	ID         string   `json:"id"`
	Network    string   `json:"network"`
	Peer       string   `json:"peer,omitempty"`
	PeerGroups []string `json:"peer_groups"`
	Metric     int      `json:"metric"`
	Masquerade bool     `json:"masquerade"`
	Enabled    bool     `json:"enabled"`
}

// Route is a network route: the peers of Groups get it, through Peer or
// the peers of PeerGroups.
type Route struct {
	ID                  string   `json:"id"`
	NetworkID           string   `json:"network_id"` // the route's name; HA routes share it
	Description         string   `json:"description,omitempty"`
	Network             string   `json:"network,omitempty"` // a CIDR, or empty for a domain route
	Domains             []string `json:"domains"`
	Enabled             bool     `json:"enabled"`
	Peer                string   `json:"peer,omitempty"`
	PeerGroups          []string `json:"peer_groups"`
	Groups              []string `json:"groups"`                // distribution groups
	AccessControlGroups []string `json:"access_control_groups"` // groups whose policies apply
	Metric              int      `json:"metric"`
	Masquerade          bool     `json:"masquerade"`
}

// PostureCheck is a check a policy's sources must pass.
type PostureCheck struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Unknown     bool   `json:"unknown,omitempty"`
}

// Account is an account's objects as the API returns them: what Read
// fetches, and what Build turns into a Topology.
type Account struct {
	Peers         []api.PeerBatch
	Groups        []api.Group
	Policies      []api.Policy
	Networks      []api.Network
	Resources     map[string][]api.NetworkResource // by network id
	Routers       map[string][]api.NetworkRouter   // by network id
	Routes        []api.Route
	PostureChecks []api.PostureCheck
}

// Build makes the topology of an account. It never fails: a reference to
// an object the account does not have (a policy naming a deleted group)
// becomes an entry marked Unknown.
func Build(a Account) *Topology {
	b := &builder{
		groups: map[string]*Group{}, peers: map[string]*Peer{}, resources: map[string]*Resource{},
		checks: map[string]*PostureCheck{},
	}
	t := &Topology{}

	// Known objects first, so that references can be checked against them.
	for _, g := range a.Groups {
		b.groups[g.ID] = &Group{ID: g.ID, Name: g.Name}
	}
	for _, p := range a.Peers {
		b.peers[p.ID] = &Peer{ID: p.ID, Name: p.Name, IP: p.IP, DNSLabel: p.DNSLabel, OS: p.OS, Connected: p.Connected}
	}
	for _, n := range a.Networks {
		for _, r := range a.Resources[n.ID] {
			b.resources[r.ID] = &Resource{ID: r.ID, Network: n.ID, Name: r.Name, Description: deref(r.Description),
				Address: r.Address, Type: string(r.Type), Enabled: r.Enabled}
		}
	}
	for _, pc := range a.PostureChecks {
		b.checks[pc.ID] = &PostureCheck{ID: pc.ID, Name: pc.Name, Description: deref(pc.Description)}
	}

	for _, g := range a.Groups {
		out := b.groups[g.ID]
		for _, p := range g.Peers {
			out.Peers = append(out.Peers, b.peer(p.ID, p.Name))
		}
		for _, r := range g.Resources {
			out.Resources = append(out.Resources, b.resource(r))
		}
	}
	for _, p := range a.Peers {
		out := b.peers[p.ID]
		for _, g := range p.Groups {
			out.Groups = append(out.Groups, b.group(g.ID, g.Name))
			// As for resources: some answers fill only one side.
			b.groups[g.ID].Peers = append(b.groups[g.ID].Peers, p.ID)
		}
	}
	for _, n := range a.Networks {
		net := Network{ID: n.ID, Name: n.Name, Description: deref(n.Description), Resources: []string{}, Routers: []string{}}
		for _, r := range a.Resources[n.ID] {
			out := b.resources[r.ID]
			for _, g := range r.Groups {
				out.Groups = append(out.Groups, b.group(g.ID, g.Name))
				// Membership is told on both sides; some answers fill
				// only one.
				b.groups[g.ID].Resources = append(b.groups[g.ID].Resources, Ref{Kind: KindResource, ID: r.ID})
			}
			net.Resources = append(net.Resources, r.ID)
		}
		for _, r := range a.Routers[n.ID] {
			rt := Router{ID: r.ID, Network: n.ID, Metric: r.Metric, Masquerade: r.Masquerade, Enabled: r.Enabled}
			if r.Peer != nil && *r.Peer != "" {
				rt.Peer = b.peer(*r.Peer, "")
			}
			rt.PeerGroups = b.groupIDs(deref(r.PeerGroups))
			t.Routers = append(t.Routers, rt)
			net.Routers = append(net.Routers, r.ID)
		}
		t.Networks = append(t.Networks, net)
	}
	for _, r := range a.Routes {
		rt := Route{ID: r.ID, NetworkID: r.NetworkID, Description: r.Description, Network: deref(r.Network),
			Domains: slices.Clone(deref(r.Domains)), Enabled: r.Enabled, Metric: r.Metric, Masquerade: r.Masquerade,
			PeerGroups: b.groupIDs(deref(r.PeerGroups)), Groups: b.groupIDs(r.Groups),
			AccessControlGroups: b.groupIDs(deref(r.AccessControlGroups))}
		if r.Peer != nil && *r.Peer != "" {
			rt.Peer = b.peer(*r.Peer, "")
		}
		t.Routes = append(t.Routes, rt)
	}
	for _, p := range a.Policies {
		t.Policies = append(t.Policies, b.policy(p))
	}

	t.Groups = values(b.groups)
	t.Peers = values(b.peers)
	t.Resources = values(b.resources)
	t.PostureChecks = values(b.checks)
	t.sort()
	t.Access = access(t.Policies)
	return t
}

// builder resolves references while Build converts the account.
type builder struct {
	groups    map[string]*Group
	peers     map[string]*Peer
	resources map[string]*Resource
	checks    map[string]*PostureCheck
}

// group returns id, adding an unknown group named name if there is none.
func (b *builder) group(id, name string) string {
	if _, ok := b.groups[id]; !ok {
		b.groups[id] = &Group{ID: id, Name: name, Unknown: true}
	}
	return id
}

func (b *builder) groupIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, b.group(id, ""))
	}
	return out
}

func (b *builder) peer(id, name string) string {
	if _, ok := b.peers[id]; !ok {
		b.peers[id] = &Peer{ID: id, Name: name, Unknown: true}
	}
	return id
}

// resource resolves a policy's or group's resource reference: a peer or a
// network resource.
func (b *builder) resource(r api.Resource) Ref {
	if r.Type == api.ResourceTypePeer {
		return Ref{Kind: KindPeer, ID: b.peer(r.ID, "")}
	}
	if _, ok := b.resources[r.ID]; !ok {
		b.resources[r.ID] = &Resource{ID: r.ID, Type: string(r.Type), Unknown: true}
	}
	return Ref{Kind: KindResource, ID: r.ID}
}

func (b *builder) check(id string) string {
	if _, ok := b.checks[id]; !ok {
		b.checks[id] = &PostureCheck{ID: id, Unknown: true}
	}
	return id
}

func (b *builder) policy(p api.Policy) Policy {
	out := Policy{ID: deref(p.ID), Name: p.Name, Description: deref(p.Description), Enabled: p.Enabled}
	for _, id := range p.SourcePostureChecks {
		out.PostureChecks = append(out.PostureChecks, b.check(id))
	}
	for _, r := range p.Rules {
		rule := Rule{ID: deref(r.ID), Name: r.Name, Description: deref(r.Description), Enabled: r.Enabled,
			Action: string(r.Action), Protocol: string(r.Protocol), Bidirectional: r.Bidirectional,
			Ports: ports(deref(r.Ports), deref(r.PortRanges))}
		for _, g := range deref(r.Sources) {
			rule.Sources = append(rule.Sources, Ref{Kind: KindGroup, ID: b.group(g.ID, g.Name)})
		}
		if r.SourceResource != nil {
			rule.Sources = append(rule.Sources, b.resource(*r.SourceResource))
		}
		for _, g := range deref(r.Destinations) {
			rule.Destinations = append(rule.Destinations, Ref{Kind: KindGroup, ID: b.group(g.ID, g.Name)})
		}
		if r.DestinationResource != nil {
			rule.Destinations = append(rule.Destinations, b.resource(*r.DestinationResource))
		}
		out.Rules = append(out.Rules, rule)
	}
	return out
}

// ports merges a rule's single ports and ranges into one list sorted by
// first port: "22", "8000-8080".
func ports(single []string, ranges []api.RulePortRange) []string {
	type span struct {
		start, end int
		text       string
	}
	var all []span
	for _, p := range single {
		n, err := strconv.Atoi(p)
		if err != nil {
			n = -1 // not a number: kept as written, first
		}
		all = append(all, span{n, n, p})
	}
	for _, r := range ranges {
		text := strconv.Itoa(r.Start)
		if r.End != r.Start {
			text += "-" + strconv.Itoa(r.End)
		}
		all = append(all, span{r.Start, r.End, text})
	}
	slices.SortFunc(all, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), strings.Compare(a.text, b.text))
	})
	out := make([]string, 0, len(all))
	for _, s := range all {
		out = append(out, s.text)
	}
	return slices.Compact(out)
}

// access lists every source reaching every destination of every rule.
func access(policies []Policy) []Access {
	out := []Access{}
	for _, p := range policies {
		for _, r := range p.Rules {
			for _, from := range r.Sources {
				for _, to := range r.Destinations {
					out = append(out, Access{From: from, To: to, Policy: p.ID, Rule: r.ID,
						Direct: to.Kind != KindGroup, Enabled: p.Enabled && r.Enabled,
						Action: r.Action, Protocol: r.Protocol, Ports: r.Ports, Bidirectional: r.Bidirectional})
				}
			}
		}
	}
	return out
}

// sort puts every list in its order, and makes nil lists empty so that the
// JSON form has [] rather than null.
func (t *Topology) sort() {
	byName(t.Groups, func(g Group) (string, string) { return g.Name, g.ID })
	for i := range t.Groups {
		t.Groups[i].Peers = sortedIDs(t.Groups[i].Peers)
		t.Groups[i].Resources = sortedRefs(t.Groups[i].Resources)
	}
	byName(t.Peers, func(p Peer) (string, string) { return p.Name, p.ID })
	for i := range t.Peers {
		t.Peers[i].Groups = sortedIDs(t.Peers[i].Groups)
	}
	byName(t.Policies, func(p Policy) (string, string) { return p.Name, p.ID })
	for i := range t.Policies {
		p := &t.Policies[i]
		p.PostureChecks = sortedIDs(p.PostureChecks)
		byName(p.Rules, func(r Rule) (string, string) { return r.Name, r.ID })
		if p.Rules == nil {
			p.Rules = []Rule{}
		}
		for j := range p.Rules {
			r := &p.Rules[j]
			r.Sources, r.Destinations = sortedRefs(r.Sources), sortedRefs(r.Destinations)
		}
	}
	byName(t.Networks, func(n Network) (string, string) { return n.Name, n.ID })
	for i := range t.Networks {
		t.Networks[i].Resources = sortedIDs(t.Networks[i].Resources)
		t.Networks[i].Routers = sortedIDs(t.Networks[i].Routers)
	}
	byName(t.Resources, func(r Resource) (string, string) { return r.Name, r.ID })
	for i := range t.Resources {
		t.Resources[i].Groups = sortedIDs(t.Resources[i].Groups)
	}
	byName(t.Routers, func(r Router) (string, string) { return r.Network, r.ID })
	for i := range t.Routers {
		t.Routers[i].PeerGroups = sortedIDs(t.Routers[i].PeerGroups)
	}
	byName(t.Routes, func(r Route) (string, string) { return r.NetworkID, r.ID })
	for i := range t.Routes {
		r := &t.Routes[i]
		r.Domains, r.PeerGroups = sortedIDs(r.Domains), sortedIDs(r.PeerGroups)
		r.Groups, r.AccessControlGroups = sortedIDs(r.Groups), sortedIDs(r.AccessControlGroups)
	}
	byName(t.PostureChecks, func(c PostureCheck) (string, string) { return c.Name, c.ID })
	t.Groups = nonNil(t.Groups)
	t.Peers = nonNil(t.Peers)
	t.Policies = nonNil(t.Policies)
	t.Networks = nonNil(t.Networks)
	t.Resources = nonNil(t.Resources)
	t.Routers = nonNil(t.Routers)
	t.Routes = nonNil(t.Routes)
	t.PostureChecks = nonNil(t.PostureChecks)
}

func byName[T any](s []T, key func(T) (name, id string)) {
	slices.SortStableFunc(s, func(a, b T) int {
		an, ai := key(a)
		bn, bi := key(b)
		return cmp.Or(strings.Compare(an, bn), strings.Compare(ai, bi))
	})
}

func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return nonNil(slices.Compact(out))
}

func sortedRefs(refs []Ref) []Ref {
	out := slices.Clone(refs)
	slices.SortFunc(out, compareRefs)
	return nonNil(slices.Compact(out))
}

func compareRefs(a, b Ref) int {
	return cmp.Or(strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.ID, b.ID))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func values[T any](m map[string]*T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, *v)
	}
	return out
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
