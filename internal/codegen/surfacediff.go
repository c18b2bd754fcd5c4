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
	removed, added   []surfaceGroup
	changed          [][2]string // full lines, before and after
	nRemoved, nAdded int         // identifiers, members of whole types included
}

// surfaceGroup is an identifier on its own, a type that came or went with
// its members, or the members that came or went of a type that stays.
type surfaceGroup struct {
	key     string   // "api: type Peer", "api: func NewClient"
	whole   int      // a type that came or went: how many members with it
	members []string // a type that stays: "field Ipv6", "method List"
}

func (s *surfaceDiff) empty() bool {
	return s.nRemoved == 0 && s.nAdded == 0 && len(s.changed) == 0
}

// surfaceEntry is one line of the listing: the identifier it is about,
// without its type or signature, and the type it belongs to (fields,
// methods, and constants of a type of the package).
type surfaceEntry struct {
	line, owner, member string
}

// parseSurface reads a listing into entries by identifier key, such as
// "api: field Peer.Name" or "netbird: method (PeersService) List".
func parseSurface(text string) map[string]surfaceEntry {
	out := map[string]surfaceEntry{}
	ident := func(s string) string {
		if i := strings.IndexAny(s, " ([="); i >= 0 {
			return s[:i]
		}
		return s
	}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pkg, rest, ok := strings.Cut(line, ": ")
		if !ok {
			out[line] = surfaceEntry{line: line}
			continue
		}
		kind, rest, _ := strings.Cut(rest, " ")
		var key, owner, member string
		switch kind {
		case "method", "field":
			var name string
			if strings.HasPrefix(rest, "(") { // method (*T) Name(...)
				recv, after, _ := strings.Cut(rest[1:], ") ")
				owner, _, _ = strings.Cut(strings.TrimLeft(recv, "*"), "[")
				name = ident(after)
				key = fmt.Sprintf("%s: method (%s) %s", pkg, owner, name)
			} else { // field T.Name type, method Interface.Name(...)
				owner, name, _ = strings.Cut(ident(rest), ".")
				key = pkg + ": " + kind + " " + owner + "." + name
			}
			member = kind + " " + name
		case "const":
			name := ident(rest)
			key, member = pkg+": const "+name, "const "+name
			if _, typ, ok := strings.Cut(rest, " "); ok && goIdent.MatchString(typ) {
				owner = typ // an enum value: grouped with its type if the package has it
			}
		default: // type, func, var
			key = pkg + ": " + kind + " " + ident(rest)
		}
		if owner != "" {
			owner = pkg + ": type " + owner
		}
		out[key] = surfaceEntry{line, owner, member}
	}
	return out
}

func diffSurface(before, after string) *surfaceDiff {
	b, a := parseSurface(before), parseSurface(after)
	d := &surfaceDiff{}
	d.removed, d.nRemoved = oneSided(b, a)
	d.added, d.nAdded = oneSided(a, b)
	for _, k := range slices.SortedFunc(maps.Keys(b), compareSurfaceKeys) {
		if n, ok := a[k]; ok && n.line != b[k].line {
			d.changed = append(d.changed, [2]string{b[k].line, n.line})
		}
	}
	return d
}

// oneSided groups the identifiers of from that to lacks.
func oneSided(from, to map[string]surfaceEntry) ([]surfaceGroup, int) {
	groups := map[string]*surfaceGroup{}
	group := func(k string) *surfaceGroup {
		if groups[k] == nil {
			groups[k] = &surfaceGroup{key: k}
		}
		return groups[k]
	}
	n := 0
	for k, e := range from {
		if _, ok := to[k]; ok {
			continue
		}
		n++
		_, ownerFrom := from[e.owner]
		_, ownerTo := to[e.owner]
		switch {
		case e.owner == "" || (!ownerFrom && !ownerTo):
			group(k)
		case !ownerTo:
			group(e.owner).whole++ // the type is gone too
		default:
			g := group(e.owner)
			g.members = append(g.members, e.member)
		}
	}
	out := make([]surfaceGroup, 0, len(groups))
	for _, k := range slices.SortedFunc(maps.Keys(groups), compareSurfaceKeys) {
		g := *groups[k]
		slices.Sort(g.members)
		out = append(out, g)
	}
	return out, n
}

// compareSurfaceKeys puts the root package (what most programs call) before
// package api.
func compareSurfaceKeys(x, y string) int {
	rx, ry := strings.HasPrefix(x, "netbird: "), strings.HasPrefix(y, "netbird: ")
	if rx != ry {
		if rx {
			return -1
		}
		return 1
	}
	return strings.Compare(x, y)
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
