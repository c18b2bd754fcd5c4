package conformance

import (
	"context"
	"strings"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
)

// The write scenarios create, read, update and delete temporary objects of
// the kinds a self-hosted server supports: a group, a setup key, a posture
// check, a policy, a network with a resource and a router, a route and a
// nameserver group. Every object is named Prefix+RunID+"-..." and harmless
// while it exists: policies, routes, resources, routers and nameserver
// groups are disabled, the group holds no peers, the setup key is revoked
// at once and the addresses are in TEST-NET-1 (192.0.2.0/24).
//
// Whatever happens (a refusal, a fault, the run's time running out, an
// interrupt), everything created is removed at the end with a fresh
// context; what cannot be removed is reported as left behind, and the next
// run with Write removes it first (sweep).

// undo is an object to remove at the end, unless a step removed it.
type undo struct {
	obj  Object
	del  func(context.Context) error
	done bool
}

// kind lists and deletes one kind of object, for the sweep.
type kind struct {
	name string
	list func(context.Context, *netbird.Client) ([]Object, error)
	del  func(context.Context, *netbird.Client, string) error
}

// kinds in the order they can be deleted: what uses a group before the group.
var kinds = []kind{
	{"policy", func(ctx context.Context, c *netbird.Client) ([]Object, error) {
		l, err := c.Policies.List(ctx)
		var out []Object
		for _, p := range l {
			if p.ID != nil {
				out = append(out, Object{Kind: "policy", ID: *p.ID, Name: p.Name})
			}
		}
		return out, err
	}, func(ctx context.Context, c *netbird.Client, id string) error { return c.Policies.Delete(ctx, id) }},
	{"route", func(ctx context.Context, c *netbird.Client) ([]Object, error) {
		l, err := c.Routes.List(ctx)
		var out []Object
		for _, r := range l {
			name := r.NetworkID
			if strings.HasPrefix(r.Description, Prefix) {
				name = r.Description
			}
			out = append(out, Object{Kind: "route", ID: r.ID, Name: name})
		}
		return out, err
	}, func(ctx context.Context, c *netbird.Client, id string) error { return c.Routes.Delete(ctx, id) }},
	{"nameserver group", func(ctx context.Context, c *netbird.Client) ([]Object, error) {
		l, err := c.DNS.ListNameserverGroups(ctx)
		var out []Object
		for _, n := range l {
			out = append(out, Object{Kind: "nameserver group", ID: n.ID, Name: n.Name})
		}
		return out, err
	}, func(ctx context.Context, c *netbird.Client, id string) error {
		return c.DNS.DeleteNameserverGroup(ctx, id)
	}},
	{"network", func(ctx context.Context, c *netbird.Client) ([]Object, error) {
		l, err := c.Networks.List(ctx)
		var out []Object
		for _, n := range l {
			out = append(out, Object{Kind: "network", ID: n.ID, Name: n.Name})
		}
		return out, err
	}, func(ctx context.Context, c *netbird.Client, id string) error { return c.Networks.Delete(ctx, id) }},
	{"setup key", func(ctx context.Context, c *netbird.Client) ([]Object, error) {
		l, err := c.SetupKeys.List(ctx)
		var out []Object
		for _, k := range l {
			out = append(out, Object{Kind: "setup key", ID: k.ID, Name: k.Name})
		}
		return out, err
	}, func(ctx context.Context, c *netbird.Client, id string) error { return c.SetupKeys.Delete(ctx, id) }},
	{"posture check", func(ctx context.Context, c *netbird.Client) ([]Object, error) {
		l, err := c.PostureChecks.List(ctx)
		var out []Object
		for _, p := range l {
			out = append(out, Object{Kind: "posture check", ID: p.ID, Name: p.Name})
		}
		return out, err
	}, func(ctx context.Context, c *netbird.Client, id string) error { return c.PostureChecks.Delete(ctx, id) }},
	{"group", func(ctx context.Context, c *netbird.Client) ([]Object, error) {
		l, err := c.Groups.List(ctx, nil)
		var out []Object
		for _, g := range l {
			out = append(out, Object{Kind: "group", ID: g.ID, Name: g.Name})
		}
		return out, err
	}, func(ctx context.Context, c *netbird.Client, id string) error { return c.Groups.Delete(ctx, id) }},
}

// Leftovers lists the objects named with Prefix on the server c reaches:
// what interrupted runs left behind. Kinds the token may not list are
// passed over.
func Leftovers(ctx context.Context, c *netbird.Client) []Object {
	var out []Object
	for _, k := range kinds {
		l, err := k.list(ctx, c)
		if err != nil {
			continue
		}
		for _, o := range l {
			if strings.HasPrefix(o.Name, Prefix) {
				out = append(out, o)
			}
		}
	}
	return out
}

// sweep lists what earlier runs left; with Write it removes it first.
func (ch *checker) sweep() {
	if ch.ctx.Err() != nil {
		return
	}
	left := Leftovers(ch.ctx, ch.c)
	ch.v.Take()
	if len(left) == 0 && !ch.opts.Write {
		return
	}
	ch.report.Cleanup = &Cleanup{}
	if !ch.opts.Write {
		ch.report.Cleanup.Leftovers = left
		ch.progress("found %d objects named %s* that an interrupted run left: run with -write to remove them", len(left), Prefix)
		return
	}
	if len(left) > 0 {
		ch.progress("removing %d objects named %s* that an interrupted run left", len(left), Prefix)
	}
	for _, o := range left {
		k := kindNamed(o.Kind)
		if err := k.del(ch.ctx, ch.c, o.ID); err != nil && !netbird.IsNotFound(err) {
			o.Error = Redact(err.Error())
		}
		ch.report.Cleanup.Leftovers = append(ch.report.Cleanup.Leftovers, o)
	}
	ch.v.Take()
}

func kindNamed(name string) kind {
	for _, k := range kinds {
		if k.name == name {
			return k
		}
	}
	panic("conformance: no kind " + name)
}

// writer runs the write scenarios.
type writer struct {
	ch     *checker
	prefix string
	undo   []*undo
}

func (ch *checker) write(ctx context.Context) {
	w := &writer{ch: ch, prefix: Prefix + ch.opts.RunID + "-"}
	if ch.report.Cleanup == nil {
		ch.report.Cleanup = &Cleanup{}
	}
	ch.progress("write scenarios: temporary objects named %s*", w.prefix)
	defer w.cleanup(ctx)
	if ch.ctx.Err() != nil {
		return
	}
	w.scenarios()
}

// step runs one call of a scenario and reports it; ok when it succeeded.
func (w *writer) step(opID, step string, ids map[string]string, call func(context.Context) error) bool {
	op := w.ch.ops[opID]
	if w.ch.ctx.Err() != nil {
		r := opReport(Outcome{Op: op, Kind: KindSkipped, Why: "the run was stopped: " + stopReason(w.ch.ctx)}, ids)
		r.Step = step
		w.ch.report.Operations = append(w.ch.report.Operations, r)
		return false
	}
	w.ch.v.Take()
	err := call(w.ch.ctx)
	out := Classify(op, err)
	out.Findings = w.ch.v.Take()
	if err != nil && w.ch.ctx.Err() != nil && out.Kind == KindFailed {
		out.Kind, out.Why, out.Findings = KindSkipped, "the run was stopped: "+stopReason(w.ch.ctx), nil
	}
	r := opReport(out, ids)
	r.Step = step
	if r.Breaks == "" {
		switch {
		case out.Kind == KindNotServed:
			r.Breaks = "the server does not serve an operation of the core resources"
		case out.Kind == KindRefused && out.Status != 403:
			r.Breaks = "the server refuses a request this client sends as the document describes: " + out.Why
		}
	}
	w.ch.report.Operations = append(w.ch.report.Operations, r)
	return err == nil
}

// created registers an object to remove at the end; the returned func
// marks it removed by a step.
func (w *writer) created(kind, id, name string) *undo {
	u := &undo{obj: Object{Kind: kind, ID: id, Name: name}, del: func(ctx context.Context) error {
		return kindNamed(kind).del(ctx, w.ch.c, id)
	}}
	w.undo = append(w.undo, u)
	w.ch.report.Cleanup.Created = append(w.ch.report.Cleanup.Created, u.obj)
	return u
}

func (w *writer) removed(u *undo) {
	u.done = true
	w.ch.report.Cleanup.Removed = append(w.ch.report.Cleanup.Removed, u.obj)
}

// cleanup removes, newest first, what the scenarios created and did not
// remove themselves, on a context of its own: the run's may have ended.
func (w *writer) cleanup(runCtx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(runCtx), time.Duration(w.ch.opts.CleanupTimeout)*time.Second)
	defer cancel()
	for i := len(w.undo) - 1; i >= 0; i-- {
		u := w.undo[i]
		if u.done {
			continue
		}
		err := u.del(ctx)
		switch {
		case err == nil || netbird.IsNotFound(err):
			w.removed(u)
		default:
			o := u.obj
			o.Error = Redact(err.Error())
			w.ch.report.Cleanup.LeftBehind = append(w.ch.report.Cleanup.LeftBehind, o)
		}
	}
	// A create whose answer was lost (a timeout, an interrupt, a broken
	// connection) made an object this run does not know: find it by name.
	for _, o := range Leftovers(ctx, w.ch.c) {
		if !strings.HasPrefix(o.Name, w.prefix) || w.known(o) {
			continue
		}
		if err := kindNamed(o.Kind).del(ctx, w.ch.c, o.ID); err != nil && !netbird.IsNotFound(err) {
			o.Error = Redact(err.Error())
			w.ch.report.Cleanup.LeftBehind = append(w.ch.report.Cleanup.LeftBehind, o)
			continue
		}
		w.ch.report.Cleanup.Created = append(w.ch.report.Cleanup.Created, o)
		w.ch.report.Cleanup.Removed = append(w.ch.report.Cleanup.Removed, o)
	}
	w.ch.v.Take()
}

// known reports whether o is an object the run registered (left behind
// ones included: they are reported already).
func (w *writer) known(o Object) bool {
	for _, u := range w.undo {
		if u.obj.Kind == o.Kind && u.obj.ID == o.ID {
			return true
		}
	}
	return false
}

func (w *writer) scenarios() {
	p := w.prefix
	var g *api.Group
	if !w.step("CreateGroup", "create group", nil, func(ctx context.Context) (err error) {
		g, err = w.ch.c.Groups.Create(ctx, api.GroupRequest{Name: p + "group"})
		return err
	}) {
		return
	}
	group := w.created("group", g.ID, g.Name)
	gids := map[string]string{"groupId": g.ID}
	w.step("GetGroup", "read group", gids, func(ctx context.Context) error { _, err := w.ch.c.Groups.Get(ctx, g.ID); return err })
	w.step("UpdateGroup", "rename group", gids, func(ctx context.Context) error {
		_, err := w.ch.c.Groups.Update(ctx, g.ID, api.GroupRequest{Name: p + "group-2"})
		return err
	})
	groups := []string{g.ID}

	w.setupKey(groups)
	w.policy(groups)
	w.network(groups)
	w.route(groups)
	w.nameservers(groups)

	if w.step("DeleteGroup", "delete group", gids, func(ctx context.Context) error { return w.ch.c.Groups.Delete(ctx, g.ID) }) {
		w.removed(group)
	}
}

func (w *writer) setupKey(groups []string) {
	var k *api.SetupKeyClear
	if !w.step("CreateSetupKey", "create setup key", nil, func(ctx context.Context) (err error) {
		k, err = w.ch.c.SetupKeys.Create(ctx, api.CreateSetupKeyRequest{Name: w.prefix + "key", Type: "reusable", ExpiresIn: 86400, AutoGroups: groups})
		return err
	}) {
		return
	}
	u := w.created("setup key", k.ID, k.Name)
	ids := map[string]string{"keyId": k.ID}
	w.step("UpdateSetupKey", "revoke setup key", ids, func(ctx context.Context) error {
		_, err := w.ch.c.SetupKeys.Update(ctx, k.ID, api.SetupKeyRequest{AutoGroups: []string{}, Revoked: true})
		return err
	})
	w.step("GetSetupKey", "read setup key", ids, func(ctx context.Context) error { _, err := w.ch.c.SetupKeys.Get(ctx, k.ID); return err })
	if w.step("DeleteSetupKey", "delete setup key", ids, func(ctx context.Context) error { return w.ch.c.SetupKeys.Delete(ctx, k.ID) }) {
		w.removed(u)
	}
}

func (w *writer) policy(groups []string) {
	var pc *api.PostureCheck
	checks := &api.Checks{NbVersionCheck: &api.NBVersionCheck{MinVersion: "0.25.0"}}
	if !w.step("CreatePostureCheck", "create posture check", nil, func(ctx context.Context) (err error) {
		pc, err = w.ch.c.PostureChecks.Create(ctx, api.PostureCheckRequest{Name: w.prefix + "check", Description: "netbird-conformance", Checks: checks})
		return err
	}) {
		return
	}
	pcu := w.created("posture check", pc.ID, pc.Name)
	pcIDs := map[string]string{"postureCheckId": pc.ID}
	w.step("UpdatePostureCheck", "update posture check", pcIDs, func(ctx context.Context) error {
		_, err := w.ch.c.PostureChecks.Update(ctx, pc.ID, api.PostureCheckRequest{Name: w.prefix + "check-2", Description: "netbird-conformance", Checks: checks})
		return err
	})
	ports := []string{"22"}
	rule := api.PolicyRuleUpdate{Name: w.prefix + "rule", Enabled: true, Action: api.PolicyRuleUpdateActionAccept, Protocol: api.PolicyRuleUpdateProtocolTCP,
		Ports: &ports, Sources: &groups, Destinations: &groups}
	sourceChecks := []string{pc.ID}
	var pol *api.Policy
	if w.step("CreatePolicy", "create policy (disabled)", nil, func(ctx context.Context) (err error) {
		pol, err = w.ch.c.Policies.Create(ctx, api.PolicyCreate{Name: w.prefix + "policy", Enabled: false, Rules: []api.PolicyRuleUpdate{rule}, SourcePostureChecks: &sourceChecks})
		return err
	}) && pol.ID != nil {
		id := *pol.ID
		u := w.created("policy", id, pol.Name)
		ids := map[string]string{"policyId": id}
		w.step("GetPolicy", "read policy", ids, func(ctx context.Context) error { _, err := w.ch.c.Policies.Get(ctx, id); return err })
		w.step("UpdatePolicy", "rename policy", ids, func(ctx context.Context) error {
			_, err := w.ch.c.Policies.Update(ctx, id, api.PolicyUpdate{Name: w.prefix + "policy-2", Enabled: false, Rules: []api.PolicyRuleUpdate{rule}})
			return err
		})
		if w.step("DeletePolicy", "delete policy", ids, func(ctx context.Context) error { return w.ch.c.Policies.Delete(ctx, id) }) {
			w.removed(u)
		}
	}
	if w.step("DeletePostureCheck", "delete posture check", pcIDs, func(ctx context.Context) error { return w.ch.c.PostureChecks.Delete(ctx, pc.ID) }) {
		w.removed(pcu)
	}
}

func (w *writer) network(groups []string) {
	var n *api.Network
	if !w.step("CreateNetwork", "create network", nil, func(ctx context.Context) (err error) {
		n, err = w.ch.c.Networks.Create(ctx, api.NetworkRequest{Name: w.prefix + "network"})
		return err
	}) {
		return
	}
	nu := w.created("network", n.ID, n.Name)
	ids := map[string]string{"networkId": n.ID}
	w.step("UpdateNetwork", "rename network", ids, func(ctx context.Context) error {
		_, err := w.ch.c.Networks.Update(ctx, n.ID, api.NetworkRequest{Name: w.prefix + "network-2"})
		return err
	})
	var res *api.NetworkResource
	if w.step("CreateNetworkResource", "create network resource (disabled)", ids, func(ctx context.Context) (err error) {
		res, err = w.ch.c.Networks.CreateResource(ctx, n.ID, api.NetworkResourceRequest{Name: w.prefix + "resource", Address: "192.0.2.10/32", Enabled: false, Groups: groups})
		return err
	}) {
		rids := map[string]string{"networkId": n.ID, "resourceId": res.ID}
		w.step("UpdateNetworkResource", "update network resource", rids, func(ctx context.Context) error {
			_, err := w.ch.c.Networks.UpdateResource(ctx, n.ID, res.ID, api.NetworkResourceRequest{Name: w.prefix + "resource-2", Address: "192.0.2.11/32", Enabled: false, Groups: groups})
			return err
		})
		w.step("DeleteNetworkResource", "delete network resource", rids, func(ctx context.Context) error { return w.ch.c.Networks.DeleteResource(ctx, n.ID, res.ID) })
	}
	var rt *api.NetworkRouter
	if w.step("CreateNetworkRouter", "create network router (disabled)", ids, func(ctx context.Context) (err error) {
		rt, err = w.ch.c.Networks.CreateRouter(ctx, n.ID, api.NetworkRouterRequest{PeerGroups: &groups, Enabled: false, Masquerade: true, Metric: 9999})
		return err
	}) {
		rids := map[string]string{"networkId": n.ID, "routerId": rt.ID}
		w.step("DeleteNetworkRouter", "delete network router", rids, func(ctx context.Context) error { return w.ch.c.Networks.DeleteRouter(ctx, n.ID, rt.ID) })
	}
	if w.step("DeleteNetwork", "delete network", ids, func(ctx context.Context) error { return w.ch.c.Networks.Delete(ctx, n.ID) }) {
		w.removed(nu)
	}
}

func (w *writer) route(groups []string) {
	network := "192.0.2.0/24"
	req := api.RouteRequest{Description: w.prefix + "route", NetworkID: strings.TrimSuffix(w.prefix, "-"), Network: &network, PeerGroups: &groups,
		Enabled: false, Metric: 9999, Masquerade: true, Groups: groups}
	var r *api.Route
	if !w.step("CreateRoute", "create route (disabled)", nil, func(ctx context.Context) (err error) {
		r, err = w.ch.c.Routes.Create(ctx, req)
		return err
	}) {
		return
	}
	u := w.created("route", r.ID, req.Description)
	ids := map[string]string{"routeId": r.ID}
	w.step("GetRoute", "read route", ids, func(ctx context.Context) error { _, err := w.ch.c.Routes.Get(ctx, r.ID); return err })
	req.Metric = 9998
	w.step("UpdateRoute", "update route", ids, func(ctx context.Context) error { _, err := w.ch.c.Routes.Update(ctx, r.ID, req); return err })
	if w.step("DeleteRoute", "delete route", ids, func(ctx context.Context) error { return w.ch.c.Routes.Delete(ctx, r.ID) }) {
		w.removed(u)
	}
}

func (w *writer) nameservers(groups []string) {
	var ns *api.NameserverGroup
	if !w.step("CreateNameserverGroup", "create nameserver group (disabled)", nil, func(ctx context.Context) (err error) {
		ns, err = w.ch.c.DNS.CreateNameserverGroup(ctx, api.NameserverGroupRequest{Name: w.prefix + "dns", Description: "netbird-conformance", Enabled: false,
			Groups: groups, Primary: false, Domains: []string{"nbconf.example"},
			Nameservers: []api.Nameserver{{IP: "192.0.2.53", NSType: api.NameserverNSTypeUDP, Port: 53}}})
		return err
	}) {
		return
	}
	u := w.created("nameserver group", ns.ID, ns.Name)
	ids := map[string]string{"nsgroupId": ns.ID}
	if w.step("DeleteNameserverGroup", "delete nameserver group", ids, func(ctx context.Context) error { return w.ch.c.DNS.DeleteNameserverGroup(ctx, ns.ID) }) {
		w.removed(u)
	}
}
