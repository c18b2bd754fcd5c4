package netmap

import (
	"fmt"
	"io"
	"strings"
)

// WriteDOT writes t as a Graphviz digraph, with the same nodes, edges and
// styles as WriteMermaid: networks are clusters, access to a group is
// dashed, direct access solid, bidirectional rules have arrows at both
// ends, disabled objects are grey and unknown ones red.
func WriteDOT(w io.Writer, t *Topology, opts RenderOptions) error {
	g := picture(t, opts)
	out := newWriter(w)
	out.printf("digraph netmap {\n")
	out.printf("\tgraph [label=%s, labelloc=t, fontname=\"Helvetica\", fontsize=16, rankdir=LR, nodesep=0.3, ranksep=1.2];\n", dotString(opts.title()))
	out.printf("\tnode [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#5f6368\"];\n")
	out.printf("\tedge [fontname=\"Helvetica\", fontsize=9, color=\"#5f6368\", fontcolor=\"#3c4043\"];\n")
	for _, n := range g.nodes {
		out.printf("\t%s;\n", dotNode(n))
	}
	for _, c := range g.clusters {
		out.printf("\tsubgraph %s {\n", dotString("cluster_"+c.id))
		out.printf("\t\tlabel=%s;\n\t\tstyle=\"rounded,filled\";\n\t\tfillcolor=\"#f8f9fa\";\n\t\tcolor=\"#dadce0\";\n", dotString(c.label))
		for _, n := range c.nodes {
			out.printf("\t\t%s;\n", dotNode(n))
		}
		out.printf("\t}\n")
	}
	for _, e := range g.edges {
		out.printf("\t%s -> %s [%s];\n", dotString(e.from), dotString(e.to), dotEdgeAttrs(e))
	}
	out.printf("}\n")
	return out.flush()
}

// dotNodeStyles are each kind's shape, style, fill and line colour.
var dotNodeStyles = map[nodeKind][4]string{
	nodeGroup:    {"box", "rounded,filled", "#e8f0fe", "#3367d6"},
	nodePeer:     {"box", "filled", "#ffffff", "#5f6368"},
	nodeResource: {"hexagon", "filled", "#e6f4ea", "#188038"},
	nodeRouter:   {"component", "filled", "#fef7e0", "#b06000"},
	nodeRoute:    {"parallelogram", "filled", "#f3e8fd", "#8430ce"},
}

func dotNode(n node) string {
	s := dotNodeStyles[n.kind]
	shape, style, fill, line, font := s[0], s[1], s[2], s[3], "#202124"
	switch {
	case n.unknown:
		style, fill, line, font = "dashed,filled", "#fce8e6", "#d93025", "#a50e0e"
	case n.disabled:
		style, fill, line, font = "dashed,filled", "#f1f3f4", "#9aa0a6", "#80868b"
	}
	return fmt.Sprintf("%s [label=%s, shape=%s, style=%q, fillcolor=%q, color=%q, fontcolor=%q]",
		dotString(n.id), dotLabel(n.lines), shape, style, fill, line, font)
}

func dotEdgeAttrs(e edge) string {
	var a []string
	if l := labelLines(e.lines); len(l) > 0 {
		a = append(a, "label="+dotLabel(l))
	}
	switch e.kind {
	case edgeGroupAccess:
		a = append(a, "style=dashed")
	case edgeDirectAccess:
		a = append(a, "style=solid", "penwidth=1.5")
	case edgeLink:
		a = append(a, "arrowhead=none")
	}
	if e.bidir {
		a = append(a, "dir=both")
	}
	switch {
	case e.disabled:
		a = append(a, `color="#dadce0"`, `fontcolor="#9aa0a6"`)
	case e.drop:
		a = append(a, `color="#d93025"`, `fontcolor="#a50e0e"`)
	case e.kind == edgeLink:
		a = append(a, `color="#9aa0a6"`, `fontcolor="#5f6368"`)
	}
	return strings.Join(a, ", ")
}

func dotLabel(lines []string) string {
	parts := labelLines(lines)
	for i, l := range parts {
		parts[i] = dotEscaper.Replace(l)
	}
	return `"` + strings.Join(parts, `\n`) + `"`
}

// dotString quotes s as a DOT identifier: a backslash or quote in a name
// stays text.
func dotString(s string) string {
	return `"` + dotEscaper.Replace(strings.Join(strings.Fields(s), " ")) + `"`
}

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)
