package netmap

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Format is an output format of Write.
type Format string

// The formats Write produces, all text, with no external program.
const (
	FormatMermaid Format = "mermaid" // a Mermaid flowchart (.mmd, or a ```mermaid block in Markdown)
	FormatDOT     Format = "dot"     // Graphviz DOT (dot -Tsvg turns it into a picture)
	FormatJSON    Format = "json"    // the Topology itself
)

// Formats lists the formats Write produces.
var Formats = []Format{FormatMermaid, FormatDOT, FormatJSON}

// ParseFormat returns the format named s ("mermaid", "dot", "json").
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("netmap: format %q: want one of mermaid, dot, json", s)
}

// Write writes t in format f. The output depends only on t and opts: the
// same account gives the same bytes, so maps can be committed and diffed.
func Write(w io.Writer, t *Topology, f Format, opts RenderOptions) error {
	switch f {
	case FormatMermaid:
		return WriteMermaid(w, t, opts)
	case FormatDOT:
		return WriteDOT(w, t, opts)
	case FormatJSON:
		return WriteJSON(w, t)
	}
	return fmt.Errorf("netmap: format %q: want one of mermaid, dot, json", f)
}

// WriteJSON writes t as indented JSON.
func WriteJSON(w io.Writer, t *Topology) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// writer collects the first write error, so that renderers can write
// line after line and check once.
type writer struct {
	w   *bufio.Writer
	err error
}

func newWriter(w io.Writer) *writer { return &writer{w: bufio.NewWriterSize(w, 64<<10)} }

func (w *writer) printf(format string, args ...any) {
	if w.err == nil {
		_, w.err = fmt.Fprintf(w.w, format, args...)
	}
}

func (w *writer) flush() error {
	if w.err != nil {
		return w.err
	}
	return w.w.Flush()
}

// labelLines drops empty lines and turns line breaks inside a name into
// spaces, so that a name can never break a renderer's syntax.
func labelLines(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
