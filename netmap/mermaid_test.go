package netmap_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/netbird-go/netbird/netmap"
)

// The flowchart grammar WriteMermaid emits, checked line by line: a front
// matter with a quoted title, the header, class definitions, node
// declarations (in subgraphs or not), edges between declared nodes, and
// link styles naming existing edges. Labels are quoted and may hold no
// character that ends a label or starts HTML, only entity codes and <br/>.
var (
	mmID       = `([A-Za-z][A-Za-z0-9_]*)`
	mmLabel    = `"([^"]*)"`
	mmClassDef = regexp.MustCompile(`^classDef ([a-z]+) ([a-z-]+:[^,\s]+( [^,\s]+)?)(,[a-z-]+:[^,\s]+( [^,\s]+)?)*$`)
	mmNode     = regexp.MustCompile(`^` + mmID + `(\(|\[\[|\[/|\{\{|\[)` + mmLabel + `(\)|\]\]|/\]|\}\}|\]):::([a-z]+)$`)
	mmSubgraph = regexp.MustCompile(`^subgraph ` + mmID + `\[` + mmLabel + `\]$`)
	mmEdge     = regexp.MustCompile(`^` + mmID + ` (-->|-\.->|<-->|<-\.->|---)(\|` + mmLabel + `\|)? ` + mmID + `$`)
	mmLink     = regexp.MustCompile(`^linkStyle ([0-9]+(?:,[0-9]+)*) ([a-z-]+:#[0-9a-f]{6})(,[a-z-]+:#[0-9a-f]{6})*$`)
	mmEntity   = regexp.MustCompile(`#([a-z]+|[0-9]+);`)
	mmShapes   = map[string]string{"(": ")", "[": "]", "[[": "]]", "[/": "/]", "{{": "}}"}
	// Words Mermaid's flowchart lexer takes as keywords wherever a node id may stand.
	mmReserved = map[string]bool{"end": true, "subgraph": true, "graph": true, "flowchart": true, "style": true,
		"class": true, "classDef": true, "click": true, "linkStyle": true, "default": true, "call": true, "href": true}
)

func checkMermaid(src string) error {
	lines := strings.Split(src, "\n")
	if len(lines) < 5 || lines[len(lines)-1] != "" {
		return fmt.Errorf("want front matter, a header and a final newline; got %d lines", len(lines))
	}
	lines = lines[:len(lines)-1]
	if lines[0] != "---" || lines[2] != "---" || !strings.HasPrefix(lines[1], "title: ") {
		return fmt.Errorf("front matter: %q", lines[:3])
	}
	if _, err := strconv.Unquote(strings.TrimPrefix(lines[1], "title: ")); err != nil {
		return fmt.Errorf("front matter title is not one quoted string: %q", lines[1])
	}
	if lines[3] != "flowchart LR" {
		return fmt.Errorf("line 4: want the header flowchart LR, got %q", lines[3])
	}
	classes, nodes := map[string]bool{}, map[string]bool{}
	var edges [][2]string
	var links []string
	depth, subgraphs := 0, map[string]bool{}
	for i, raw := range lines[4:] {
		n := i + 5
		line := strings.TrimLeft(raw, " ")
		if want := 4 * (depth + 1); len(raw)-len(line) != want && line != "end" {
			return fmt.Errorf("line %d: indent %d, want %d: %q", n, len(raw)-len(line), want, raw)
		}
		checkID := func(id string) error {
			if mmReserved[id] || strings.HasPrefix(id, "o") || strings.HasPrefix(id, "x") {
				return fmt.Errorf("line %d: node id %q is a keyword or starts like an edge end", n, id)
			}
			return nil
		}
		switch {
		case mmClassDef.MatchString(line):
			classes[mmClassDef.FindStringSubmatch(line)[1]] = true
		case mmNode.MatchString(line):
			m := mmNode.FindStringSubmatch(line)
			if err := checkID(m[1]); err != nil {
				return err
			}
			if nodes[m[1]] || subgraphs[m[1]] {
				return fmt.Errorf("line %d: %s declared twice", n, m[1])
			}
			if mmShapes[m[2]] != m[4] {
				return fmt.Errorf("line %d: shape opened with %s closed with %s", n, m[2], m[4])
			}
			if !classes[m[5]] {
				return fmt.Errorf("line %d: class %s is not defined", n, m[5])
			}
			if err := checkMermaidLabel(m[3]); err != nil {
				return fmt.Errorf("line %d: %w", n, err)
			}
			nodes[m[1]] = true
		case mmSubgraph.MatchString(line):
			m := mmSubgraph.FindStringSubmatch(line)
			if err := checkID(m[1]); err != nil {
				return err
			}
			if nodes[m[1]] || subgraphs[m[1]] {
				return fmt.Errorf("line %d: %s declared twice", n, m[1])
			}
			if err := checkMermaidLabel(m[2]); err != nil {
				return fmt.Errorf("line %d: %w", n, err)
			}
			subgraphs[m[1]] = true
			depth++
		case line == "end":
			if depth == 0 {
				return fmt.Errorf("line %d: end without subgraph", n)
			}
			depth--
		case mmEdge.MatchString(line):
			m := mmEdge.FindStringSubmatch(line)
			if m[3] != "" {
				if err := checkMermaidLabel(m[4]); err != nil {
					return fmt.Errorf("line %d: %w", n, err)
				}
			}
			edges = append(edges, [2]string{m[1], m[5]})
		case mmLink.MatchString(line):
			links = append(links, mmLink.FindStringSubmatch(line)[1])
		default:
			return fmt.Errorf("line %d: not a statement of the flowchart grammar: %q", n, raw)
		}
	}
	if depth != 0 {
		return fmt.Errorf("%d subgraphs not ended", depth)
	}
	for _, e := range edges {
		for _, id := range e {
			if !nodes[id] {
				return fmt.Errorf("edge %s -> %s: %s is not a declared node", e[0], e[1], id)
			}
		}
	}
	for _, l := range links {
		for _, s := range strings.Split(l, ",") {
			if i, _ := strconv.Atoi(s); i >= len(edges) {
				return fmt.Errorf("linkStyle %s: there are %d edges", s, len(edges))
			}
		}
	}
	return nil
}

// checkMermaidLabel: text, entity codes and <br/> only.
func checkMermaidLabel(l string) error {
	rest := mmEntity.ReplaceAllString(strings.ReplaceAll(l, "<br/>", ""), "")
	if i := strings.IndexAny(rest, "\"#<>|[](){}`\n\r"); i >= 0 && !strings.ContainsRune("()", rune(rest[i])) {
		return fmt.Errorf("label %q holds %q unescaped", l, rest[i])
	}
	return nil
}

func TestMermaidSyntax(t *testing.T) {
	for name, out := range renderings(t, netmap.FormatMermaid, "mmd") {
		if err := checkMermaid(string(out)); err != nil {
			t.Errorf("%s: %v\n%s", name, err, out)
		}
	}
}

// The checker itself refuses what would break a Mermaid renderer.
func TestMermaidCheckerRefuses(t *testing.T) {
	head := "---\ntitle: \"t\"\n---\nflowchart LR\n    classDef group fill:#fff\n"
	for _, bad := range []string{
		head + "    g_a(\"a\"b\"):::group\n",                              // a quote inside a label
		head + "    g_a(\"a\"]:::group\n",                                 // mismatched brackets
		head + "    g_a(\"a\"):::group\n    g_a --> g_b\n",                // an undeclared node
		head + "    end(\"a\"):::group\n",                                 // a keyword as id
		head + "    g_a(\"<b>x</b>\"):::group\n",                          // HTML
		head + "    subgraph s[\"x\"]\n",                                  // a subgraph not ended
		head + "    g_a(\"a\"):::group\n    linkStyle 0 stroke:#000000\n", // a style for no edge
		head + "    g_a(\"a|b\"):::group\n",                               // a pipe
	} {
		if checkMermaid(bad) == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
}
