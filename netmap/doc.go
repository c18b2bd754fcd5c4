// Package netmap draws the network of a NetBird account: who (source
// groups, peers) can reach what (destination groups, network resources,
// routes), on which protocol and ports, through which policy.
//
// Read fetches peers, groups, policies with their rules, networks with
// their resources and routers, routes and posture checks through a
// client, a few requests at a time, and returns one Topology: typed,
// sorted, every reference resolved. An object the account refers to but
// does not have (a policy naming a deleted group) is kept, marked Unknown,
// and drawn as such. Build does the same from objects already read.
//
//	c, err := netbird.NewFromEnv()
//	...
//	t, err := netmap.Read(ctx, c)
//	...
//	err = netmap.WriteMermaid(os.Stdout, t, netmap.RenderOptions{Merge: true})
//
// WriteMermaid and WriteDOT draw the topology, WriteJSON writes it for
// other tools. In the pictures, access to a group is a dashed arrow,
// access straight to a resource or peer a solid one (both-way arrows for
// bidirectional rules), membership and routing peers grey lines without
// arrows; disabled policies, rules, resources, routers and routes are grey
// and labelled "(disabled)"; unknown objects are red. Groups and peers are
// drawn when a rule, route or router names them; the peers inside a group
// are counted, not drawn, so a map of thousands of peers stays readable.
//
// The output depends only on the account: the same account gives the same
// bytes, so a map can be committed and reviewed as a diff.
//
// cmd/netbird-netmap is the command-line tool built on this package.
package netmap
