//go:build tools

// This file pins the code generator's version in go.mod, so `go generate`
// always runs the oapi-codegen release recorded there.
package netbird

import _ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
