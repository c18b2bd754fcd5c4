// Package contract runs the client's contract tests against NetBird's real
// management API: NetBird's own HTTP handler, real store (SQLite), account
// manager and permissions, started in-process from NetBird's exported test
// harness at the release named in ../openapi.version.
//
// It is a module of its own so that NetBird's dependencies never reach the
// client's go.mod, nor the modules of programs that import the client. Run
// it with `make contract` from the repository root, or `go test ./...` here.
package contract
