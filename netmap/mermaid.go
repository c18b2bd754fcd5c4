package netmap

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteMermaid writes t as a Mermaid flowchart: groups, peers, routes, and
// one subgraph per network with its resources and routers. Access to a
// group is a dashed arrow, direct access to a resource or peer a solid
// one, both-way arrows for bidirectional rules; disabled rules, resources,
// routers and routes are grey and labelled "(disabled)"; objects referred
// to but missing from the account are red, labelled "unknown".
//
// Mermaid's renderers refuse diagrams above 500 edges or 50,000
// characters by default: for large accounts use RenderOptions.Merge, or DOT.
func WriteMermaid(w io.Writer, t *Topology, opts RenderOptions) error {
	g := picture(t, opts)
	out := newWriter(w)
	out.printf("---\ntitle: %s\n---\n", yamlQuote(opts.title()))
	out.printf("flowchart LR\n")
	for _, c := range mermaidClasses {
		out.printf("    classDef %s\n", c)
	}
	for _, n := range g.nodes {
		out.printf("    %s\n", mermaidNode(n))
	}
	for _, c := range g.clusters {
		out.printf("    subgraph %s[\"%s\"]\n", c.id, mermaidText(c.label))
		for _, n := range c.nodes {
			out.printf("        %s\n", mermaidNode(n))
		}
		out.printf("    end\n")
	}
	var grey, faded, red []string
	for i, e := range g.edges {
		out.printf("    %s %s%s %s\n", e.from, mermaidArrow(e), mermaidEdgeLabel(e.lines), e.to)
		switch {
		case e.disabled:
			faded = append(faded, strconv.Itoa(i))
		case e.drop:
			red = append(red, strconv.Itoa(i))
		case e.kind == edgeLink:
			grey = append(grey, strconv.Itoa(i))
		}
	}
	for _, s := range []struct {
		ids   []string
		style string
	}{
		{grey, "stroke:#9aa0a6,color:#5f6368"},
		{faded, "stroke:#dadce0,color:#9aa0a6"},
		{red, "stroke:#d93025,color:#a50e0e"},
	} {
		if len(s.ids) > 0 {
			out.printf("    linkStyle %s %s\n", strings.Join(s.ids, ","), s.style)
		}
	}
	return out.flush()
}

var mermaidClasses = []string{
	"group fill:#e8f0fe,stroke:#3367d6,color:#202124",
	"peer fill:#ffffff,stroke:#5f6368,color:#202124",
	"resource fill:#e6f4ea,stroke:#188038,color:#202124",
	"router fill:#fef7e0,stroke:#b06000,color:#202124",
	"route fill:#f3e8fd,stroke:#8430ce,color:#202124",
	"disabled fill:#f1f3f4,stroke:#9aa0a6,color:#80868b,stroke-dasharray:3 3",
	"unknown fill:#fce8e6,stroke:#d93025,color:#a50e0e,stroke-dasharray:5 3",
}

var mermaidShapes = map[nodeKind][2]string{
	nodeGroup:    {"(", ")"},   // rounded
	nodePeer:     {"[", "]"},   // rectangle
	nodeResource: {"{{", "}}"}, // hexagon
	nodeRouter:   {"[[", "]]"}, // subroutine
	nodeRoute:    {"[/", "/]"}, // parallelogram
}

var mermaidClassOf = map[nodeKind]string{
	nodeGroup: "group", nodePeer: "peer", nodeResource: "resource", nodeRouter: "router", nodeRoute: "route",
}

func mermaidNode(n node) string {
	shape := mermaidShapes[n.kind]
	class := mermaidClassOf[n.kind]
	switch {
	case n.unknown:
		class = "unknown"
	case n.disabled:
		class = "disabled"
	}
	return fmt.Sprintf("%s%s\"%s\"%s:::%s", n.id, shape[0], mermaidLines(n.lines), shape[1], class)
}

func mermaidArrow(e edge) string {
	switch {
	case e.kind == edgeLink:
		return "---"
	case e.kind == edgeGroupAccess && e.bidir:
		return "<-.->"
	case e.kind == edgeGroupAccess:
		return "-.->"
	case e.bidir:
		return "<-->"
	}
	return "-->"
}

func mermaidEdgeLabel(lines []string) string {
	if len(labelLines(lines)) == 0 {
		return ""
	}
	return "|\"" + mermaidLines(lines) + "\"|"
}

func mermaidLines(lines []string) string {
	parts := labelLines(lines)
	for i, l := range parts {
		parts[i] = mermaidText(l)
	}
	return strings.Join(parts, "<br/>")
}

// mermaidEscaper writes what could end a quoted label early or start
// HTML as Mermaid's entity codes.
var mermaidEscaper = strings.NewReplacer(
	`#`, "#35;", `"`, "#quot;", `&`, "#amp;", `<`, "#lt;", `>`, "#gt;",
	"`", "#96;", `|`, "#124;", `[`, "#91;", `]`, "#93;", `{`, "#123;", `}`, "#125;",
)

// mermaidText is s, on one line, safe inside a quoted Mermaid label.
func mermaidText(s string) string {
	return mermaidEscaper.Replace(strings.Join(strings.Fields(s), " "))
}

// yamlQuote quotes s for the YAML front matter.
func yamlQuote(s string) string {
	return strconv.Quote(strings.Join(strings.Fields(s), " "))
}
