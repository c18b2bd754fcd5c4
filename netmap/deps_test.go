package netmap_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// A program that imports netmap builds with exactly the modules of one that
// imports package netbird: netmap adds no dependency for its users.
func TestNoDependenciesOfItsOwn(t *testing.T) {
	modules := func(pkg string) []string {
		out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		m := strings.Fields(string(out))
		slices.Sort(m)
		return slices.Compact(m)
	}
	netmap, client := modules("github.com/netbird-go/netbird/netmap"), modules("github.com/netbird-go/netbird")
	if !slices.Equal(netmap, client) {
		t.Errorf("netmap builds with modules %q, package netbird with %q", netmap, client)
	}
}
