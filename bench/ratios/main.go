// Command ratios reads `go test -bench` output and prints, as a Markdown
// table, how each variant of a benchmark compares with the first variant
// (impl=raw, impl=netbird for the streaming form, or layers=none): time/op,
// B/op, allocs/op, peak-heap-MB and peak-live-MB as ours/base ratios, and
// whether the targets are met.
//
//	cd bench && go run ./ratios bench.txt
//
// A benchmark's variant is the last element of its name (impl=netbird in
// GetPeer/impl=netbird); the other elements name the row. Ratios are paired:
// the k-th result of a variant is divided by the k-th result of the base,
// so when each run comes from its own `go test -count=1` process (as `make
// bench` does), the numbers divided were measured in the same process,
// minutes apart at most, and a slow process slows both. The table shows the
// median of the paired ratios and, in brackets, their range.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// target is a goal the issue sets for one ratio.
type target struct {
	row, variant, unit string
	max                float64
}

var targets = []target{
	{"GetPeer", "impl=netbird", "sec/op", 1.10},
	{"GetPeer", "impl=netbird", "allocs/op", 1.25},
	{"ListPeers/peers=10000", "impl=netbird", "sec/op", 1.10},
	{"ListPeers/peers=10000", "impl=netbird", "allocs/op", 1.25},
	{"ListPeersStream/peers=10000", "impl=netbird-seq", "sec/op", 1.00},
	{"ListPeersStream/peers=10000", "impl=netbird-seq", "peak-live-MB", 0.10},
}

// columns are the units shown as ratios, in order.
var columns = []string{"sec/op", "B/op", "allocs/op", "peak-heap-MB", "peak-live-MB"}

// extra are units shown as plain values of the variant (medians).
var extra = []string{"conns", "calls/s"}

type row struct {
	name     string
	variants []string                        // in order of appearance; [0] is the base
	results  map[string]map[string][]float64 // variant → unit → one value per run
}

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: ratios [file ...]   (go test -bench output; stdin if none)")
	}
	flag.Parse()
	var rows []*row
	byName := map[string]*row{}
	read := func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			name, variant, vals, ok := parseLine(sc.Text())
			if !ok {
				continue
			}
			rw := byName[name]
			if rw == nil {
				rw = &row{name: name, results: map[string]map[string][]float64{}}
				byName[name] = rw
				rows = append(rows, rw)
			}
			if rw.results[variant] == nil {
				rw.variants = append(rw.variants, variant)
				rw.results[variant] = map[string][]float64{}
			}
			for u, v := range vals {
				rw.results[variant][u] = append(rw.results[variant][u], v)
			}
		}
		return sc.Err()
	}
	if flag.NArg() == 0 {
		if err := read(os.Stdin); err != nil {
			fail(err)
		}
	}
	for _, f := range flag.Args() {
		fh, err := os.Open(f) //nolint:gosec // G304: it reads the files named on its command line
		if err != nil {
			fail(err)
		}
		err = read(fh)
		_ = fh.Close()
		if err != nil {
			fail(err)
		}
	}
	if len(rows) == 0 {
		fail(fmt.Errorf("no benchmark results in the input"))
	}
	printTable(os.Stdout, rows)
	printVersusOfficial(os.Stdout, rows)
}

// versusRows are the rows where official / ours must be at least 1 on
// time and allocations: NetBird's official client is not to be cheaper.
var versusRows = []string{"GetPeer", "CreateToken", "ListPeers/peers=10", "ListPeers/peers=1000", "ListPeers/peers=10000"}

// printVersusOfficial compares NetBird's official client with ours
// (impl=official / impl=netbird, paired as in printTable): above 1, ours
// is cheaper.
func printVersusOfficial(w io.Writer, rows []*row) {
	const theirs, ours = "impl=official", "impl=netbird"
	units := []string{"sec/op", "B/op", "allocs/op"}
	printed := false
	for _, rw := range rows {
		if rw.results[theirs] == nil || rw.results[ours] == nil {
			continue
		}
		if !printed {
			fmt.Fprintf(w, "\n| benchmark | official / ours: time | B/op | allocs/op | runs | target |\n|---|---:|---:|---:|---:|---|\n")
			printed = true
		}
		cells, runs := make([]string, 0, len(units)), 0
		var verdicts []string
		for _, u := range units {
			r, ok := pairedRatio(rw.results[theirs][u], rw.results[ours][u])
			if !ok {
				cells = append(cells, "")
				continue
			}
			runs = max(runs, r.n)
			cells = append(cells, fmt.Sprintf("%.2f×%s", r.med, spread(r)))
			if u != "B/op" && slices.Contains(versusRows, rw.name) {
				mark := "met"
				if r.med < 1 {
					mark = "MISSED"
				}
				verdicts = append(verdicts, fmt.Sprintf("%s ≥ 1.00× %s", short(u), mark))
			}
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s |\n", rw.name, strings.Join(cells, " | "), runs, strings.Join(verdicts, "; "))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ratios:", err)
	os.Exit(1)
}

// parseLine splits "BenchmarkGetPeer/impl=raw-2  4480  48779 ns/op  10445 B/op ..."
// into the row name (GetPeer), the variant (impl=raw) and the values by
// unit, with ns/op turned into sec/op.
func parseLine(line string) (name, variant string, vals map[string]float64, ok bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
		return "", "", nil, false
	}
	full := strings.TrimPrefix(f[0], "Benchmark")
	if i := strings.LastIndexByte(full, '-'); i > 0 {
		if _, err := strconv.Atoi(full[i+1:]); err == nil {
			full = full[:i] // the GOMAXPROCS suffix
		}
	}
	i := strings.LastIndexByte(full, '/')
	if i < 0 {
		return "", "", nil, false // no variants to compare
	}
	name, variant = full[:i], full[i+1:]
	vals = map[string]float64{}
	for j := 2; j+1 < len(f); j += 2 {
		v, err := strconv.ParseFloat(f[j], 64)
		if err != nil {
			return "", "", nil, false
		}
		u := f[j+1]
		if u == "ns/op" {
			u, v = "sec/op", v/1e9
		}
		vals[u] = v
	}
	return name, variant, vals, true
}

// ratio is the median and range of the paired ratios of one unit.
type ratio struct {
	med, lo, hi float64
	n           int
}

func pairedRatio(ours, base []float64) (ratio, bool) {
	n := min(len(ours), len(base))
	var rs []float64
	for k := range n {
		if base[k] != 0 {
			rs = append(rs, ours[k]/base[k])
		}
	}
	if len(rs) == 0 {
		return ratio{}, false
	}
	slices.Sort(rs)
	return ratio{med: median(rs), lo: rs[0], hi: rs[len(rs)-1], n: len(rs)}, true
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func printTable(w io.Writer, rows []*row) {
	fmt.Fprintf(w, "| benchmark | ours / base | %s | %s | runs | target |\n", strings.Join(columns, " | "), strings.Join(extra, " | "))
	fmt.Fprintf(w, "|---|---|%s%s---|---|\n", strings.Repeat("---:|", len(columns)), strings.Repeat("---:|", len(extra)))
	for _, rw := range rows {
		base := rw.variants[0]
		for _, v := range rw.variants {
			cells := make([]string, 0, len(columns)+len(extra))
			runs := 0
			var verdicts []string
			for _, u := range columns {
				if v == base {
					if _, has := rw.results[v][u]; has {
						cells = append(cells, "1")
					} else {
						cells = append(cells, "")
					}
					continue
				}
				r, ok := pairedRatio(rw.results[v][u], rw.results[base][u])
				if !ok {
					cells = append(cells, "")
					continue
				}
				runs = max(runs, r.n)
				cells = append(cells, fmt.Sprintf("%.2f×%s", r.med, spread(r)))
				for _, t := range targets {
					if t.row == rw.name && t.variant == v && t.unit == u {
						mark := "met"
						if r.med > t.max {
							mark = "MISSED"
						}
						verdicts = append(verdicts, fmt.Sprintf("%s ≤ %.2f× %s", short(u), t.max, mark))
					}
				}
			}
			for _, u := range extra {
				vs := slices.Clone(rw.results[v][u])
				if len(vs) == 0 {
					cells = append(cells, "")
					continue
				}
				slices.Sort(vs)
				cells = append(cells, formatValue(median(vs)))
			}
			label := v
			if v == base {
				label += " (base)"
				runs = len(rw.results[v]["sec/op"])
			} else {
				label += " / " + base
			}
			fmt.Fprintf(w, "| %s | %s | %s | %d | %s |\n", rw.name, label, strings.Join(cells, " | "), runs, strings.Join(verdicts, "; "))
		}
	}
}

// spread shows the range of the paired ratios when there is more than one.
func spread(r ratio) string {
	if r.n < 2 || r.hi-r.lo < 0.005 {
		return ""
	}
	return fmt.Sprintf(" [%.2f–%.2f]", r.lo, r.hi)
}

func short(unit string) string {
	switch unit {
	case "sec/op":
		return "time"
	case "allocs/op":
		return "allocs"
	}
	return unit
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
