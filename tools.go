package netbird

// The code generator's version is pinned by the tool directive in go.mod
// (tool github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen), with the
// release of its require line. `go generate ./...` runs internal/codegen,
// which calls that release's pkg/codegen as a library; `go tool
// oapi-codegen` runs the same release's command. To move to another release:
//
//	go get -tool github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@vX.Y.Z
//	go generate ./...
//
// Not a blank import behind a build tag: go mod tidy loads every build tag
// of every module it reaches, so such an import would make each user's
// go.mod require the generator. Tool directives are not inherited
// (internal/depcheck checks what a user's module gets).
