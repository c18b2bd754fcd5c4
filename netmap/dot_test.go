package netmap_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/netbird-go/netbird/netmap"
)

// dotGraph is what parseDOT found: nodes, edges and attribute names.
type dotGraph struct {
	nodes map[string]map[string]string // id → attributes
	edges [][2]string
}

// parseDOT parses the subset of the DOT language WriteDOT emits, by the
// grammar of graphviz.org/doc/info/lang.html:
//
//	graph     : 'digraph' ID '{' stmt_list '}'
//	stmt_list : (stmt ';')*
//	stmt      : ('graph'|'node'|'edge') attr_list | ID attr_list | ID '->' ID attr_list
//	          | ID '=' ID | 'subgraph' ID '{' stmt_list '}'
//	attr_list : '[' (ID '=' ID (','|';')?)* ']'
//
// IDs are double-quoted strings, names or numerals.
// The full grammar is checked by Graphviz itself in TestDOTWithGraphviz
// and by gonum's parser in the contract module.
func parseDOT(src string) (*dotGraph, error) {
	toks, err := dotTokens(src)
	if err != nil {
		return nil, err
	}
	p := &dotParser{toks: toks, g: &dotGraph{nodes: map[string]map[string]string{}}}
	if err := p.expect("digraph"); err != nil {
		return nil, err
	}
	if _, err := p.id(); err != nil {
		return nil, err
	}
	if err := p.block(0); err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("text after the graph: %q", p.toks[p.i].text)
	}
	for _, e := range p.g.edges {
		for _, id := range e {
			if p.g.nodes[id] == nil {
				return nil, fmt.Errorf("edge %s -> %s: %s is not a declared node", e[0], e[1], id)
			}
		}
	}
	return p.g, nil
}

type dotToken struct {
	text   string
	quoted bool
}

func dotTokens(src string) ([]dotToken, error) {
	var out []dotToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case strings.HasPrefix(src[i:], "->"):
			out = append(out, dotToken{text: "->"})
			i += 2
		case strings.ContainsRune("{}[];,=", rune(c)):
			out = append(out, dotToken{text: string(c)})
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				// As Graphviz's scanner: a backslash and the next character
				// go together: in "a\\" the string ends after a backslash.
				if src[j] == '\\' && j+1 < len(src) {
					b.WriteByte(src[j])
					j++
				} else if src[j] == '\n' {
					return nil, fmt.Errorf("offset %d: a line break inside a quoted string", j)
				}
				b.WriteByte(src[j])
			}
			if j == len(src) {
				return nil, fmt.Errorf("offset %d: unterminated string", i)
			}
			out = append(out, dotToken{text: b.String(), quoted: true})
			i = j + 1
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] == '.' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("offset %d: unexpected %q", i, c)
			}
			out = append(out, dotToken{text: src[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("offset %d: unexpected %q", i, c)
		}
	}
	return out, nil
}

type dotParser struct {
	toks []dotToken
	i    int
	g    *dotGraph
}

func (p *dotParser) peek() dotToken {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return dotToken{}
}

func (p *dotParser) expect(s string) error {
	if t := p.peek(); t.quoted || t.text != s {
		return fmt.Errorf("token %d: want %q, got %q", p.i, s, t.text)
	}
	p.i++
	return nil
}

func (p *dotParser) id() (string, error) {
	t := p.peek()
	if !t.quoted && (t.text == "" || strings.Contains("{}[];,=->", t.text)) {
		return "", fmt.Errorf("token %d: want an ID, got %q", p.i, t.text)
	}
	p.i++
	return t.text, nil
}

func (p *dotParser) block(depth int) error {
	if err := p.expect("{"); err != nil {
		return err
	}
	for {
		t := p.peek()
		switch {
		case t.text == "" && !t.quoted:
			return fmt.Errorf("unclosed { at depth %d", depth)
		case t.text == "}" && !t.quoted:
			p.i++
			return nil
		case !t.quoted && (t.text == "graph" || t.text == "node" || t.text == "edge"):
			p.i++
			if _, err := p.attrs(); err != nil {
				return err
			}
		case !t.quoted && t.text == "subgraph":
			p.i++
			if _, err := p.id(); err != nil {
				return err
			}
			if err := p.block(depth + 1); err != nil {
				return err
			}
			continue // no ';' after a subgraph's block
		default:
			from, err := p.id()
			if err != nil {
				return err
			}
			switch p.peek().text {
			case "=":
				p.i++
				if _, err := p.id(); err != nil {
					return err
				}
			case "->":
				p.i++
				to, err := p.id()
				if err != nil {
					return err
				}
				if _, err := p.attrs(); err != nil {
					return err
				}
				p.g.edges = append(p.g.edges, [2]string{from, to})
			default:
				a, err := p.attrs()
				if err != nil {
					return err
				}
				if p.g.nodes[from] != nil {
					return fmt.Errorf("node %s declared twice", from)
				}
				p.g.nodes[from] = a
			}
		}
		if err := p.expect(";"); err != nil {
			return err
		}
	}
}

func (p *dotParser) attrs() (map[string]string, error) {
	if err := p.expect("["); err != nil {
		return nil, err
	}
	a := map[string]string{}
	for p.peek().text != "]" || p.peek().quoted {
		name, err := p.id()
		if err != nil {
			return nil, err
		}
		if err := p.expect("="); err != nil {
			return nil, err
		}
		v, err := p.id()
		if err != nil {
			return nil, err
		}
		if _, dup := a[name]; dup {
			return nil, fmt.Errorf("attribute %s given twice", name)
		}
		a[name] = v
		if t := p.peek(); !t.quoted && (t.text == "," || t.text == ";") {
			p.i++
		}
	}
	p.i++
	return a, nil
}

func TestDOTSyntax(t *testing.T) {
	for name, out := range renderings(t, netmap.FormatDOT, "dot") {
		g, err := parseDOT(string(out))
		if err != nil {
			t.Errorf("%s: %v\n%s", name, err, out)
			continue
		}
		for id, attrs := range g.nodes {
			if attrs["label"] == "" {
				t.Errorf("%s: node %s has no label", name, id)
			}
		}
	}
}

func TestDOTCheckerRefuses(t *testing.T) {
	for _, bad := range []string{
		`digraph g { "a" [label="x"]; "a" -> "b" []; }`, // an undeclared node
		`digraph g { "a" [label="x"] }`,                 // a missing ';'
		`digraph g { "a" [label="x\"]; }`,               // an escaped closing quote
		`digraph g { "a" [label="x", label="y"]; }`,     // an attribute twice
		`digraph g { subgraph "c" { "a" [label="x"]; }`, // an unclosed brace
		"digraph g { \"a\" [label=\"x\ny\"]; }",         // a raw line break in a string
	} {
		if _, err := parseDOT(bad); err == nil {
			t.Errorf("accepted: %s", bad)
		}
	}
}

// With Graphviz installed, every rendering must lay out without an error
// or a warning. Without it the test is skipped: the structural check above
// and gonum's parser (contract module) still run.
func TestDOTWithGraphviz(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not on PATH")
	}
	for name, out := range renderings(t, netmap.FormatDOT, "dot") {
		cmd := exec.CommandContext(t.Context(), dot, "-Tsvg")
		cmd.Stdin = bytes.NewReader(out)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("%s: dot -Tsvg: %v\n%s", name, err, stderr.String())
		}
		if !bytes.Contains(stdout.Bytes(), []byte("<svg")) {
			t.Errorf("%s: dot wrote no SVG", name)
		}
	}
}
