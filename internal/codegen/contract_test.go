package main

import (
	"strings"
	"testing"
)

// Moving the contract module takes NetBird's release and its replace
// directives, and keeps the module's own local replacements.
func TestMovedGoMod(t *testing.T) {
	ours := `module github.com/netbird-go/netbird/contract

go 1.26.0

require (
	github.com/netbird-go/netbird v0.0.0
	github.com/netbirdio/netbird v0.77.1
)

replace github.com/netbird-go/netbird => ../

// NetBird's own replace directives (its go.mod at v0.77.1): they apply only in
// NetBird's main module, so a module that requires NetBird must repeat them.
replace github.com/kardianos/service => github.com/netbirdio/service v0.0.0-20240911161631-f62744f42502

replace github.com/dexidp/dex => github.com/netbirdio/dex v0.244.1-0.20260716205454-a163de3129e5

replace github.com/wailsapp/wails/v3 => ./internal/wails
`
	theirs := `module github.com/netbirdio/netbird

go 1.25

replace github.com/dexidp/dex => github.com/netbirdio/dex v0.250.0-0.20261101000000-aaaaaaaaaaaa

replace github.com/wailsapp/wails/v3 => github.com/netbirdio/wails/v3 v3.0.0-1

replace github.com/netbirdio/netbird/shared => ./shared
`
	b, err := movedGoMod([]byte(ours), []byte(theirs), "v0.78.0")
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		"github.com/netbirdio/netbird v0.78.0\n",
		"replace github.com/netbird-go/netbird => ../\n",
		"replace github.com/wailsapp/wails/v3 => ./internal/wails\n",
		"// NetBird's own replace directives (its go.mod at v0.78.0)",
		"replace github.com/dexidp/dex => github.com/netbirdio/dex v0.250.0-0.20261101000000-aaaaaaaaaaaa\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the moved go.mod lacks %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"v0.77.1", "kardianos", "github.com/netbirdio/wails", "./shared"} {
		if strings.Contains(got, gone) {
			t.Errorf("the moved go.mod still has %q:\n%s", gone, got)
		}
	}
}
