module github.com/netbird-go/netbird/bench/size/official

go 1.26.0

require github.com/netbirdio/netbird v0.77.1

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/oapi-codegen/runtime v1.1.2 // indirect
	github.com/sirupsen/logrus v1.9.4 // indirect
	golang.org/x/sys v0.47.0 // indirect
)

// One of NetBird's own replace directives (its go.mod at v0.77.1), which
// apply only in NetBird's main module. The program builds without it, but go
// mod tidy also loads the rest package's tests, which build NetBird's
// management server and import a dex package that only NetBird's fork has.
// The other replaces of contract/go.mod are not needed here.
replace github.com/dexidp/dex => github.com/netbirdio/dex v0.244.1-0.20260716205454-a163de3129e5
