package netbird

// The code generator's version is pinned by the tool directive in go.mod:
//
//	tool github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen
//
// with the release given by go.mod's require line for
// github.com/oapi-codegen/oapi-codegen/v2. `go generate ./...` runs
// internal/codegen (see generate.go), which calls that release's pkg/codegen
// as a library; `go tool oapi-codegen` runs the same release's command, for
// comparing its output with ours. To move to another release:
//
//	go get -tool github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@vX.Y.Z
//	go generate ./...
//
// This file used to pin the generator with a blank import behind a `tools`
// build tag. go mod tidy loads every build tag, in this module and in every
// module that imports package netbird, so that import made each user's go.mod
// require oapi-codegen, kin-openapi, three YAML libraries and golang.org/x/tools
// although no user program ever built them. Tool directives are not inherited:
// a module that requires this one gets only the client's own dependencies
// (internal/depcheck checks this).
