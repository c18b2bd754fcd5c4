package netbird

// The whole code-generation pipeline: openapi.yaml + internal/codegen/overlay.yaml
// → api/*.gen.go, gen.go and api_surface.txt. See internal/codegen.
//go:generate go run ./internal/codegen
