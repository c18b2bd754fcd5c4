package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// surfaceDiff compares two API-surface listings (api_surface.txt) by
// identifier: an identifier that is gone, or whose type or signature
// changed, breaks programs that use it; a new one breaks nothing.
type surfaceDiff struct {
	removed          []surfaceGroup
	added            []string
	changed          [][2]string // full lines, before and after
	nRemoved, nAdded int         // identifiers, members of whole types included
}

// surfaceGroup is an identifier on its own, a type that came or went with
// its members, or the members that came or went of a type that stays.
type surfaceGroup struct {
	key     string   // "api: type Peer", "api: func NewClient"
	whole   int      // a type that came or went: how many members with it
	members []string // a type that stays: "field IPv6", "method List"
}

// surfaceEntry is one line of the listing, with the type it belongs to
// ("api: type Peer") and its name as a member ("field Name") if it is a
// field, a method or a constant of a type of the package.
type surfaceEntry struct{ line, owner, member string }

// parseSurface reads a listing into entries by identifier: the line up to
// the identifier's name, "api: field Peer.Name", "netbird: method
// PeersService.List" (the receiver's pointer left out).
func parseSurface(text string) map[string]surfaceEntry {
	out := map[string]surfaceEntry{}
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(line, "\n")
		pkg, rest, _ := strings.Cut(line, ": ")
		kind, rest, _ := strings.Cut(rest, " ")
		if line == "" || strings.HasPrefix(line, "#") || rest == "" {
			continue
		}
		if recv, after, ok := strings.Cut(strings.TrimPrefix(rest, "("), ") "); ok && rest[0] == '(' {
			recv, _, _ = strings.Cut(strings.TrimLeft(recv, "*"), "[")
			rest = recv + "." + after // method (*T) Name(...)
		}
		id := rest
		if i := strings.IndexAny(rest, " ([="); i >= 0 {
			id = rest[:i]
		}
		e := surfaceEntry{line: line}
		owner, name, _ := strings.Cut(id, ".")
		_, typ, _ := strings.Cut(rest, " ")
		switch {
		case kind == "method" || kind == "field":
			e.owner, e.member = pkg+": type "+owner, kind+" "+name
		case kind == "const" && goIdent.MatchString(typ):
			e.owner, e.member = pkg+": type "+typ, kind+" "+id // an enum value
		}
		out[pkg+": "+kind+" "+id] = e
	}
	return out
}

func diffSurface(before, after string) *surfaceDiff {
	b, a := parseSurface(before), parseSurface(after)
	d := &surfaceDiff{}
	d.removed, d.nRemoved = oneSided(b, a)
	added, nAdded := oneSided(a, b)
	for _, g := range added {
		d.added = append(d.added, g.String())
	}
	d.nAdded = nAdded
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if n, ok := a[k]; ok && n.line != b[k].line {
			d.changed = append(d.changed, [2]string{b[k].line, n.line})
		}
	}
	return d
}

// oneSided groups the identifiers of from that to lacks, by the type they
// belong to: a type that is gone takes its members with it.
func oneSided(from, to map[string]surfaceEntry) ([]surfaceGroup, int) {
	groups := map[string]*surfaceGroup{}
	n := 0
	for k, e := range from {
		if _, ok := to[k]; ok {
			continue
		}
		n++
		_, ownerFrom := from[e.owner]
		_, ownerTo := to[e.owner]
		key := e.owner
		if e.owner == "" || (!ownerFrom && !ownerTo) {
			key = k
		}
		if groups[key] == nil {
			groups[key] = &surfaceGroup{key: key}
		}
		if g := groups[key]; key != k && !ownerTo {
			g.whole++ // the type is gone too
		} else if key != k {
			g.members = append(g.members, e.member)
		}
	}
	out := make([]surfaceGroup, 0, len(groups))
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		g := *groups[k]
		slices.Sort(g.members)
		out = append(out, g)
	}
	return out, n
}

func (g surfaceGroup) String() string {
	switch {
	case len(g.members) > 0:
		return fmt.Sprintf("`%s`: %s", g.key, strings.Join(g.members, ", "))
	case g.whole == 1:
		return fmt.Sprintf("`%s` (with its 1 member)", g.key)
	case g.whole > 1:
		return fmt.Sprintf("`%s` (with its %d members)", g.key, g.whole)
	default:
		return "`" + g.key + "`"
	}
}
