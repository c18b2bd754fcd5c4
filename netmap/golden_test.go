package netmap_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/netbird-go/netbird/netmap"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldens are the renderings kept in testdata/: the seeded sandbox account
// in every format, and merged.
var goldens = []struct {
	file   string
	format netmap.Format
	opts   netmap.RenderOptions
}{
	{"sandbox.mmd.golden", netmap.FormatMermaid, netmap.RenderOptions{}},
	{"sandbox.dot.golden", netmap.FormatDOT, netmap.RenderOptions{}},
	{"sandbox.json.golden", netmap.FormatJSON, netmap.RenderOptions{}},
	{"sandbox-merged.mmd.golden", netmap.FormatMermaid, netmap.RenderOptions{Merge: true}},
	{"sandbox-merged.dot.golden", netmap.FormatDOT, netmap.RenderOptions{Merge: true}},
}

func render(t testing.TB, top *netmap.Topology, f netmap.Format, opts netmap.RenderOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := netmap.Write(&buf, top, f, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	_, c, _ := seededAccount(t)
	top, err := netmap.Read(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			got := render(t, top, g.format, g.opts)
			path := filepath.Join("testdata", g.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./netmap -run TestGolden -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the rendering of the seeded account (run with -update if the change is intended):\n%s", path, lineDiff(want, got))
			}
		})
	}
}

// The same account gives the same bytes: read twice, and built from its
// objects in any order.
func TestDeterministic(t *testing.T) {
	_, c, _ := seededAccount(t)
	a, err := netmap.ReadAccount(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	again, err := netmap.Read(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	want := map[netmap.Format][]byte{}
	for _, f := range netmap.Formats {
		want[f] = render(t, netmap.Build(*a), f, netmap.RenderOptions{})
		if got := render(t, again, f, netmap.RenderOptions{}); !bytes.Equal(got, want[f]) {
			t.Errorf("%s: a second read renders differently:\n%s", f, lineDiff(want[f], got))
		}
	}
	for k := range 5 {
		other := *a
		other.Peers = reordered(a.Peers, k)
		other.Groups = reordered(a.Groups, k)
		other.Policies = reordered(a.Policies, k)
		other.Networks = reordered(a.Networks, k)
		other.Routes = reordered(a.Routes, k)
		other.PostureChecks = reordered(a.PostureChecks, k)
		for i := range other.Policies {
			other.Policies[i].Rules = reordered(other.Policies[i].Rules, k)
		}
		for i := range other.Groups {
			other.Groups[i].Peers = reordered(other.Groups[i].Peers, k)
		}
		for _, f := range netmap.Formats {
			for _, merge := range []bool{false, true} {
				opts := netmap.RenderOptions{Merge: merge}
				if f == netmap.FormatJSON && merge {
					continue
				}
				first := render(t, netmap.Build(*a), f, opts)
				if got := render(t, netmap.Build(other), f, opts); !bytes.Equal(got, first) {
					t.Fatalf("%s (merge %v): the account in another order renders differently:\n%s", f, merge, lineDiff(first, got))
				}
			}
		}
	}
}

// reordered returns a copy of s in another order: reversed, then rotated
// by k.
func reordered[T any](s []T, k int) []T {
	out := slices.Clone(s)
	slices.Reverse(out)
	if len(out) > 0 {
		k %= len(out)
		out = slices.Concat(out[k:], out[:k])
	}
	return out
}

// lineDiff shows the first lines where want and got part.
func lineDiff(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	var out bytes.Buffer
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl []byte
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if !bytes.Equal(wl, gl) {
			out.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + string(wl) + "\n  got:  " + string(gl) + "\n")
			shown++
		}
	}
	return out.String()
}
