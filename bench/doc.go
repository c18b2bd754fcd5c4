// Package bench measures what the client costs compared with calling
// NetBird's API by hand: per-call time and allocations, large lists, many
// goroutines sharing one client, the retry and rate-limit layers, and client
// construction. Each benchmark runs the same calls, side by side, through
//
//   - impl=raw: hand-written net/http and encoding/json, decoding into the
//     same api types;
//   - impl=netbird: the netbird client with its defaults (retries on);
//   - impl=netbird-noretry: the netbird client with WithoutRetries;
//   - impl=api: the generated api.ClientWithResponses;
//   - impl=official: NetBird's own Go client
//     (github.com/netbirdio/netbird/shared/management/client/rest);
//   - impl=netbird-seq: the netbird client's streaming form
//     (c.Peers.ListSeq), against its slice form, in ListPeersStream only;
//
// against one loopback httptest server that answers with fixed bytes.
//
// It is a module of its own, so that NetBird's official client and its
// dependencies stay out of the client's go.mod. Apart from this file the
// package holds only tests. Its Test functions are quick checks that run
// with go test ./... in this directory, and in CI (the fixtures are
// spec-valid; keep-alive reuses connections); the benchmarks run only with
// -bench:
//
//	make bench                                  # the whole set, benchstat and a ratio table
//	make size                                   # binary size and dependencies (bench/size)
//	cd bench && go test -run '^$' -bench . -benchmem .
//
// BENCHMARKS.md at the repository root records results and methods.
package bench
