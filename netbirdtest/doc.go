// Package netbirdtest is a fake NetBird management server for tests: a
// sandbox that answers every operation of NetBird's REST API (the release
// package api was generated from: api.SpecVersion) and checks every request
// it gets and every answer it gives against NetBird's OpenAPI document.
//
// Start one in a test and point a client at it:
//
//	srv := netbirdtest.NewServer(t)
//	req, _ := http.NewRequest("GET", srv.BaseURL()+"/users/current", nil)
//	req.Header.Set("Authorization", "Token "+srv.Token())
//
// A request that breaks the document (a missing required field, a string
// where an integer belongs) gets 400 {"message":"<field>: <rule>","code":400}
// and fails the test through t.Errorf with the operation, the field and the
// rule broken. The server's own answers are validated too before they leave,
// so the sandbox cannot drift from the document.
//
// # What it keeps and what it makes up
//
// Users, tokens, peers, groups, setup keys, policies, routes, networks
// (with their resources and routers), nameserver groups, DNS settings and
// posture checks are kept in memory: what a test creates is listed, can be
// read, updated and deleted, and is then gone (404 "<kind> not found"). A
// new server holds a small account: the admin user (role owner) who owns
// [Server.Token], three peers, the group "All", a setup key, the default
// policy, a route, a network with one resource and one router, a nameserver
// group and a posture check. Ids are sequential and look like NetBird's
// ("d1c00000000000000001"); [Server.SampleIDs] names some by the path
// parameters of the document. Tokens created through the API work at
// once; deleted and expired ones are refused.
//
// Every other operation gets a deterministic answer synthesized from the
// document's schema: the same operation always gets the same bytes. The paged
// event and log lists (network traffic, proxy access logs, agent network
// access logs and sessions) page through a fixed set of 25 records.
//
// # Strict and realistic mode
//
// By default the server answers exactly as the document says (strict mode).
// A real NetBird server departs from its document in places, and a client
// must live with them. [WithRealistic] answers like the real server, and
// response validation then lets through exactly these departures, and
// nothing else. They are generated, not written by hand: the contract suite
// runs NetBird's real management API (module contract/, make
// real-server-table) and lists them in departures.gen.json, with where each
// was seen:
//   - arrays sent as null when empty (Peer.groups, Group.peers, account
//     settings' group lists, ...);
//   - enum values in another spelling (NetworkResource.type "Host");
//   - numbers below their minimum (a network router's metric 0);
//   - statuses an operation does not list: 404 for unknown ids, and for
//     operations a self-hosted server does not serve (the sandbox answers
//     GET /api/events/network-traffic so).
//
// Realistic mode also answers, as NetBird does:
//   - 404 "invalid token: pat: <hash> not found" for a well-formed token
//     that is not in the store, e.g. after it was deleted (strict mode: 401
//     "token invalid");
//   - 200 {} for deletes.
//
// The document the server validates against is the client's: NetBird's with
// the fixes of the overlay (ResourceType's four values, RouteRequest without
// the id it requires but does not define, ...). Beyond it, 404 is allowed for
// every operation with a path parameter, in both modes.
//
// # Credentials
//
// Send "Authorization: Token <pat>" (or "Bearer <pat>") with [Server.Token]
// or a token created through POST /api/users/{userId}/tokens. Like NetBird,
// the server answers 401 "no valid authentication provided" without a header
// or with another scheme, and 401 "token invalid" for a malformed or expired
// token. The sandbox has no identity provider, so it accepts no JWT.
//
// Permissions are NetBird's, as seen on a real server: a user with the role
// "user" may only ask who it is and list users and peers (seeing itself and
// its own peers), and gets 403 "permission denied" for everything else; a
// service user gets 403 on GET /api/users/current (NetBird never tells a
// service user who it is); another regular user's tokens are refused with
// 403 "admin role required to perform this action", even to the owner.
//
// # Child accounts (MSP)
//
// A managed service provider manages its customers' accounts with its own
// users' tokens: NetBird's auth middleware reads the query parameter
// account=<id> of any request and, when the token's user may manage that
// account, acts on it instead of the user's own. [Server.AddChildAccount]
// adds such an account, managed by the seeded one, with its own owner,
// token, peers, group and policy; [Server.AccountID] is the seeded
// account's id. Owners and admins of the seeded account act on its child
// accounts; for anyone else, and for an unknown id or the parameter given
// twice, the parameter is ignored without an error, as NetBird does. GET
// /api/accounts answers with the account being acted on.
//
// # Failures on purpose
//
// [Server.InjectFault] makes an operation (or all) answer with an error
// status, an HTML proxy page, a delay or a reset connection, for some or all
// requests; [WithRateLimit] turns on a limiter like NetBird's (429 without
// Retry-After); [Server.Handle] replaces an operation's handler. These
// answers are deliberate and not validated.
//
// Operations are named by their Go names, the operationIds of the client
// package api (ListPeers, CreateToken, GetCurrentUser), as listed in
// internal/codegen/overlay.yaml.
package netbirdtest
