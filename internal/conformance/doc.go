// Package conformance checks a NetBird server against the document this
// client was generated from, and against what the client relies on. It is
// the runner of the real-server contract suite (contract/, which writes
// contract/REAL_SERVER.md with it) and of cmd/netbird-conformance, which
// points it at a user's own server.
//
// A [Validator] in the client's transport checks every request and answer
// with kin-openapi; [Run] calls one operation through its service method and
// classifies the outcome ([Classify]): ok, not served, refused (with the
// status and why: role, cloud-only, precondition, ...) or a failure of the
// client, with the findings where the answer departs from the document.
//
// It imports kin-openapi: package netbird and its consumers never import it
// (internal/depcheck checks).
package conformance
