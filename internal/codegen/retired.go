package main

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"
)

// Names are stable: an operation keeps its Go names for as long as its
// method and path stay, whatever NetBird's document says around it. When an
// operation leaves the document (NetBird removes it, or we go back to an
// older release), its entry moves from overlay.yaml to retired.yaml, and it
// moves back when the operation (same method and path) returns. Fixes to
// the document whose target the document lacks stay in overlay.yaml, word
// for word, and are listed in retired.yaml as dormant: the generator skips
// exactly those. `make update-spec` and `make names` keep both files in
// step with openapi.yaml, and always write them in one canonical layout, so
// that going to another release and back restores them byte for byte.

// retired is the content of retired.yaml.
type retired struct {
	file  string
	names *namingTable
	// dormant lists the targets of the fixes in overlay.yaml that match
	// nothing in openapi.yaml, in overlay order.
	dormant []string
}

func readRetired(path string) (*retired, error) {
	r := &retired{file: path, names: &namingTable{file: path, names: map[opKey]name{}}}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Names   []overlay.Action `yaml:"names"`
		Dormant []string         `yaml:"dormantFixes"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.dormant = f.Dormant
	return r, r.names.add(f.Names, true)
}

const retiredHeader = `# Names and fixes that openapi.yaml has no use for at present, kept so that
# nothing is lost when NetBird removes something and brings it back, or when
# we go back to an older release. Written by ` + "`make update-spec`" + ` and ` + "`make names`" + `;
# there is no need to edit it by hand.
#
# names: entries of the naming table (the format of overlay.yaml) whose
# operation openapi.yaml does not have. An entry goes back into overlay.yaml
# when the document has its operation (same method and path) again.
#
# dormantFixes: targets of fixes in overlay.yaml that match nothing in
# openapi.yaml. The generator skips exactly these fixes; any other fix that
# matches nothing fails generation.
`

// render writes r in its one layout: names sorted by path and method,
// dormant fixes in overlay order.
func (r *retired) render() []byte {
	var b strings.Builder
	b.WriteString(retiredHeader)
	keys := slices.Clone(r.names.order)
	slices.SortFunc(keys, func(a, b opKey) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), methodRank(a.Method)-methodRank(b.Method))
	})
	if len(keys) == 0 {
		b.WriteString("names: []\n")
	} else {
		b.WriteString("names:\n")
		for _, k := range keys {
			b.WriteString(entryText(k, r.names.names[k]))
			b.WriteByte('\n')
		}
	}
	e := yaml.NewEncoder(&b)
	e.SetIndent(2)
	_ = e.Encode(struct { // a list of strings always encodes
		Dormant []string `yaml:"dormantFixes"`
	}{r.dormant})
	return []byte(b.String())
}

var methodOrder = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}

func methodRank(m string) int { return slices.Index(methodOrder, m) }

// overlayLayout is overlay.yaml cut into its three parts: the header (up to
// and including "actions:"), the naming section, and the fixes, from the
// "# Fixes to the document." line to the end. Header and fixes are kept
// verbatim; the naming section is written from the naming table.
type overlayLayout struct{ header, fixes []byte }

const (
	actionsLine = "actions:\n"
	fixesLine   = "  # Fixes to the document.\n"
)

var (
	entryTargetLine = regexp.MustCompile(`^  - target: (\$\.paths\['[^']+'\]\.[a-z]+)$`)
	entryUpdateLine = regexp.MustCompile(`^    update: \{operationId: ([A-Za-z0-9]+), x-go-service: ([A-Za-z0-9]+), x-go-method: ([A-Za-z0-9]+)\}$`)
	groupLine       = regexp.MustCompile(`^  # [A-Za-z0-9]+$`)
)

// readOverlayLayout cuts overlay.yaml into its parts and checks that its
// naming section holds nothing the canonical layout would lose: entries of
// exactly two lines, "# Service" lines and blank lines.
func readOverlayLayout(path string, b []byte) (*overlayLayout, error) {
	i := bytes.Index(b, []byte("\n"+actionsLine))
	j := bytes.Index(b, []byte("\n"+fixesLine))
	if i < 0 || j < i {
		return nil, fmt.Errorf("%s: want a line %q, the naming entries, then a line %q and the fixes", path, strings.TrimSpace(actionsLine), strings.TrimSpace(fixesLine))
	}
	l := &overlayLayout{header: b[:i+1+len(actionsLine)], fixes: b[j+1:]}
	lines := strings.Split(string(b[i+1+len(actionsLine):j+1]), "\n")
	lines = lines[:len(lines)-1] // the section ends with a newline
	line0 := bytes.Count(l.header, []byte("\n")) + 1
	for n := 0; n < len(lines); n++ {
		line := lines[n]
		switch {
		case line == "" || groupLine.MatchString(line):
		case entryTargetLine.MatchString(line):
			target := entryTargetLine.FindStringSubmatch(line)[1]
			if !namingTarget.MatchString(target) || n+1 == len(lines) || !entryUpdateLine.MatchString(lines[n+1]) {
				return nil, fmt.Errorf("%s:%d: a naming entry is these two lines, keys in this order:\n%s", path, line0+n, entryText(opKey{"GET", "/api/example"}, name{"ListExamples", "Examples", "List"}))
			}
			n++
		default:
			return nil, fmt.Errorf("%s:%d: %q: the naming section holds only naming entries and \"# Service\" lines, and is rewritten by `make names`; fixes and their comments go below %q",
				path, line0+n, line, strings.TrimSpace(fixesLine))
		}
	}
	for n, line := range strings.Split(string(l.fixes), "\n") {
		if m := entryTargetLine.FindStringSubmatch(line); m != nil && namingTarget.MatchString(m[1]) {
			return nil, fmt.Errorf("%s:%d: a naming entry among the fixes: move it above %q", path, line0+len(lines)+n, strings.TrimSpace(fixesLine))
		}
	}
	return l, nil
}

// render writes overlay.yaml with the naming section in canonical layout:
// the entries in the document's order of operations, a "# Service" line
// before each run of entries of one service.
func (l *overlayLayout) render(t *namingTable, docOrder []opKey) []byte {
	var b bytes.Buffer
	b.Write(l.header)
	prev := ""
	for _, k := range docOrder {
		n, ok := t.names[k]
		if !ok {
			continue
		}
		if n.Service != prev {
			fmt.Fprintf(&b, "\n  # %s\n", n.Service)
			prev = n.Service
		}
		b.WriteString(entryText(k, n))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.Write(l.fixes)
	return b.Bytes()
}

// operationsInOrder lists the operations of an OpenAPI document (YAML or
// JSON) in the order the document declares them.
func operationsInOrder(raw []byte) ([]opKey, error) {
	var doc struct {
		Paths yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	var keys []opKey
	for i := 0; i+1 < len(doc.Paths.Content); i += 2 {
		path, item := doc.Paths.Content[i].Value, doc.Paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if m := strings.ToUpper(item.Content[j].Value); slices.Contains(methodOrder, m) {
				keys = append(keys, opKey{m, path})
			}
		}
	}
	return keys, nil
}

// reconciliation is what reconcile did to the naming table.
type reconciliation struct {
	active, retired *namingTable
	retiredNow      []opKey  // moved to retired.yaml: the document lost the operation
	restored        []opKey  // moved back: the operation is in the document again
	dropped         []string // retired entries given up, with the reason
	blocked         []string // retired entries that could not come back, with the reason
	unnamed         []opKey  // operations with no name anywhere, in document order
	dormant         []string // fixes that match nothing in the document
	fixesBack       []string // fixes that were dormant and apply again
	fixesGone       []string // fixes that applied and are dormant now
	opsByKey        map[opKey]*openapi3.Operation
	docOrder        []opKey
}

// reconcile brings the naming table and the retired names in step with a
// document: entries of operations it lacks retire, retired entries of
// operations it has come back, unless their names are taken meanwhile.
func reconcile(active, old *namingTable, doc *openapi3.T, docOrder []opKey) *reconciliation {
	r := &reconciliation{
		active:   &namingTable{file: active.file, names: map[opKey]name{}},
		retired:  &namingTable{file: old.file, names: map[opKey]name{}},
		opsByKey: map[opKey]*openapi3.Operation{},
		docOrder: docOrder,
	}
	for _, k := range docOrder {
		r.opsByKey[k] = doc.Paths.Value(k.Path).GetOperation(k.Method)
	}
	for _, k := range active.order {
		if r.opsByKey[k] != nil {
			r.active.put(k, active.names[k])
		} else {
			r.retired.put(k, active.names[k])
			r.retiredNow = append(r.retiredNow, k)
		}
	}
	for _, k := range old.order {
		n := old.names[k]
		switch _, named := r.active.names[k]; {
		case named:
			r.dropped = append(r.dropped, fmt.Sprintf("%s (%s): overlay.yaml names the operation", k, n.OperationID))
		case r.opsByKey[k] != nil:
			if other, taken := r.active.user(n, k); taken {
				r.retired.put(k, n)
				r.blocked = append(r.blocked, fmt.Sprintf("%s keeps %s (%s.%s) in retired.yaml: %s uses that name now; give one of them another name", k, n.OperationID, n.Service, n.Method, other))
				continue
			}
			r.active.put(k, n)
			r.restored = append(r.restored, k)
		default:
			if other, taken := r.active.user(n, k); taken {
				r.dropped = append(r.dropped, fmt.Sprintf("%s (%s): the name moved to %s", k, n.OperationID, other))
				continue
			}
			r.retired.put(k, n)
		}
	}
	for _, k := range docOrder {
		if _, ok := r.active.names[k]; !ok {
			r.unnamed = append(r.unnamed, k)
		}
	}
	return r
}

// notes says what reconcile did to fixes and retired names, one line
// each; doc names the document. Names that moved with their operations
// are left out unless moves is set (the report lists those operations).
func (r *reconciliation) notes(doc string, moves bool) []string {
	var out []string
	if moves {
		for _, k := range r.restored {
			out = append(out, fmt.Sprintf("name restored from `%s`: `%s` %s", retiredFile, k, r.active.names[k].OperationID))
		}
		for _, k := range r.retiredNow {
			out = append(out, fmt.Sprintf("name retired to `%s`: `%s` %s", retiredFile, k, r.retired.names[k].OperationID))
		}
	}
	for _, t := range r.fixesGone {
		out = append(out, fmt.Sprintf("fix `%s` does not apply to %s: kept in `%s`, listed as dormant in `%s`, skipped until the document has its target again", t, doc, overlayFile, retiredFile))
	}
	for _, t := range r.fixesBack {
		out = append(out, fmt.Sprintf("fix `%s` applies again", t))
	}
	for _, s := range r.dropped {
		out = append(out, "retired name given up: "+s)
	}
	for _, s := range r.blocked {
		out = append(out, "retired name not restored: "+s)
	}
	return out
}
