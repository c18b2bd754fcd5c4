// Package depcheck proves that programs using the client do not pull the
// generator's or the tests' dependencies into their builds.
package depcheck

import (
	"os/exec"
	"strings"
	"testing"
)

// forbidden are import-path fragments that must never reach a user's binary.
var forbidden = []string{"kin-openapi", "yaml", "testify", "oapi-codegen/v2", "internal/spec"}

func TestProgramDependencies(t *testing.T) {
	for _, prog := range []string{"./apionly", "./clientonly"} {
		t.Run(prog, func(t *testing.T) {
			out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", prog).CombinedOutput()
			if err != nil {
				t.Fatalf("go list -deps %s: %v\n%s", prog, err, out)
			}
			deps := strings.Fields(string(out))
			var nonStd []string
			for _, d := range deps {
				for _, f := range forbidden {
					if strings.Contains(d, f) {
						t.Errorf("%s depends on %s", prog, d)
					}
				}
				if strings.Contains(strings.SplitN(d, "/", 2)[0], ".") {
					nonStd = append(nonStd, d)
				}
			}
			if len(nonStd) == 0 {
				t.Fatalf("%s: go list found no non-standard packages; the program does not import the client", prog)
			}
			t.Logf("%s: %d packages outside the standard library: %v", prog, len(nonStd), nonStd)
		})
	}
}
