// Package netbird is a client for the NetBird management REST API: users,
// tokens, peers, groups, policies, routes, networks, DNS, events, setup keys
// and every other operation in NetBird's OpenAPI document, generated from it
// so that nothing is missing and nothing drifts.
//
//	c, err := netbird.New(auth.Config{Host: "api.netbird.io", Token: os.Getenv("NETBIRD_API_TOKEN")})
//	if err != nil { ... }
//	me, err := c.Users.Current(ctx)
//	tokens, err := c.Tokens.List(ctx, me.ID)
//	created, err := c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: "ci-token", ExpiresIn: 30})
//
// NewFromEnv reads NETBIRD_HOST, NETBIRD_API_TOKEN and the other variables
// of package auth, from the environment or a .env file.
//
// # Calls
//
// Every operation is a method of a service field of Client (c.Peers,
// c.Tokens, c.SetupKeys, ...): path parameters are positional strings
// (escaped for you), query parameters an optional *api.…Params, bodies the
// generated request type, per-call RequestOptions last. Lists return
// []api.T, single objects *api.T, operations without a result only an
// error. Request bodies are checked against the document's rules (required
// fields, numeric bounds, enums, lengths, patterns) before anything is
// sent; a violation is an *api.ValidationError naming the field and the
// limit.
//
// Answers are decoded leniently, the way NetBird really sends them: null
// where an array is declared becomes a nil slice, unknown enum values and
// out-of-range numbers are kept as they are, and any 2xx status counts as
// success.
//
// # Child accounts (MSP)
//
// c.ForAccount(accountID) returns a client whose every request carries
// account=<accountID>, so that a managed service provider's token acts on
// a customer's (child) account. NetBird ignores the parameter without an
// error when the token's user may not manage that account; c.Accounts.List
// on the new client says which account is served.
//
// # Errors
//
// Every non-2xx answer is an *APIError with the status, NetBird's message
// and code, the X-Request-Id, the method and the path; errors.Is matches it
// against ErrNotFound, ErrUnauthorized and the other sentinels, and
// IsNotFound(err) and friends say the same. An answer that is not JSON (an
// HTML 502 page from a proxy) still gives an *APIError with a short,
// sanitized snippet. A call that got no answer is a *TransportError; a 2xx
// answer that cannot be decoded is a *DecodeError. None of them ever
// contains the token.
//
// # Retries
//
// One transport layer retries failed attempts, at most 3 times by default
// (see RetryPolicy; WithoutRetries turns it off):
// connections that could not be made and 429 answers for every method;
// 502, 503, 504 and broken connections only for idempotent methods, so a
// POST that may have created something is never repeated. Waits grow
// exponentially from 500ms to at most 10s, with jitter (computed by
// github.com/sethvargo/go-retry), or follow
// Retry-After when the server sends it. A cancelled context stops at once.
// auth.Config.Timeout (default 30s) bounds a whole call, retries included;
// WithAttemptTimeout bounds each attempt.
//
// WithRateLimit spaces requests on the client side, so a bulk job sharing
// one token stays under NetBird's per-token limit instead of collecting
// 429s.
//
// # Security
//
// The token is sent only to the configured server: never over plain HTTP
// to a non-loopback host unless the configuration says so, never along a
// redirect to another host. TLS verification is always on. Errors, the
// debug log (WithLogger) and fmt's %v/%+v/%#v of the client and of
// auth.Config never show it; secret fields of answers (plain tokens,
// passwords, client secrets) have the type api.Secret, which prints
// redacted.
package netbird
