package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/diff"
)

// The report of a spec update: what changed in NetBird's document (from
// oasdiff), what that means for the naming table, and what changed in the
// Go API (from api_surface.txt).

// specDiff compares two releases of the document with oasdiff. Prose
// (descriptions, summaries, titles) and examples are left out: they change
// no Go code.
func specDiff(from, to *openapi3.T) (*diff.Diff, error) {
	cfg := diff.NewConfig(diff.WithExcludeElements([]string{
		diff.ExcludeDescriptionOption, diff.ExcludeSummaryOption, diff.ExcludeTitleOption, diff.ExcludeExamplesOption,
	}))
	d, err := diff.Get(cfg, from, to)
	if err != nil {
		return nil, fmt.Errorf("oasdiff: %w", err)
	}
	if d == nil {
		d = &diff.Diff{}
	}
	return d, nil
}

// opChange is one changed operation and what changed in it.
type opChange struct {
	key  opKey
	what string
}

// changedOperations describes each operation both releases have and that
// changed, in the new document's order.
func changedOperations(d *diff.Diff, order []opKey) []opChange {
	if d.EndpointsDiff == nil {
		return nil
	}
	var out []opChange
	for _, k := range order {
		if md := d.EndpointsDiff.Modified[diff.Endpoint{Method: k.Method, Path: k.Path}]; !md.Empty() {
			out = append(out, opChange{k, describeOperation(md)})
		}
	}
	return out
}

// describeOperation says in one line what changed in an operation.
func describeOperation(d *diff.MethodDiff) string {
	var parts []string
	if p := d.ParametersDiff; !p.Empty() {
		for _, loc := range diff.ParamLocations {
			for _, n := range p.Added[loc] {
				parts = append(parts, fmt.Sprintf("%s parameter %s added", loc, n))
			}
			for _, n := range p.Deleted[loc] {
				parts = append(parts, fmt.Sprintf("%s parameter %s removed", loc, n))
			}
			for _, n := range slices.Sorted(maps.Keys(p.Modified[loc])) {
				parts = append(parts, fmt.Sprintf("%s parameter %s changed", loc, n))
			}
		}
	}
	if rb := d.RequestBodyDiff; !rb.Empty() {
		switch {
		case rb.Added:
			parts = append(parts, "request body added")
		case rb.Deleted:
			parts = append(parts, "request body removed")
		default:
			parts = append(parts, "request body"+contentSchemas(rb.ContentDiff)+" changed")
		}
	}
	if rs := d.ResponsesDiff; !rs.Empty() {
		if len(rs.Added) > 0 {
			parts = append(parts, "responses added: "+strings.Join(rs.Added, ", "))
		}
		if len(rs.Deleted) > 0 {
			parts = append(parts, "responses removed: "+strings.Join(rs.Deleted, ", "))
		}
		byWhat := map[string][]string{}
		for _, status := range slices.Sorted(maps.Keys(rs.Modified)) {
			w := describeResponse(rs.Modified[status])
			byWhat[w] = append(byWhat[w], status)
		}
		for _, w := range slices.Sorted(maps.Keys(byWhat)) {
			s := byWhat[w]
			word := "response"
			if len(s) > 1 {
				word = "responses"
			}
			parts = append(parts, fmt.Sprintf("%s %s: %s", word, strings.Join(s, ", "), w))
		}
	}
	if v := d.DeprecatedDiff; v != nil {
		if v.To == true {
			parts = append(parts, "deprecated")
		} else {
			parts = append(parts, "no longer deprecated")
		}
	}
	if !d.SecurityDiff.Empty() {
		parts = append(parts, "security requirements changed")
	}
	if t := d.TagsDiff; !t.Empty() {
		parts = append(parts, "tags"+plusMinus(t.Added, t.Deleted))
	}
	if v := d.OperationIDDiff; v != nil {
		parts = append(parts, fmt.Sprintf("NetBird's operationId %v → %v (our names stay)", v.From, v.To))
	}
	if e := d.ExtensionsDiff; !e.Empty() {
		parts = append(parts, "extensions"+plusMinus(e.Added, e.Deleted)+modifiedKeys(e.Modified))
	}
	if !d.ServersDiff.Empty() || !d.CallbacksDiff.Empty() || !d.ExternalDocsDiff.Empty() {
		parts = append(parts, "servers, callbacks or external docs changed")
	}
	if len(parts) == 0 {
		return "changed"
	}
	return strings.Join(parts, "; ")
}

func describeResponse(d *diff.ResponseDiff) string {
	var parts []string
	if h := d.HeadersDiff; !h.Empty() {
		for _, n := range h.Added {
			parts = append(parts, "header "+n+" added")
		}
		for _, n := range h.Deleted {
			parts = append(parts, "header "+n+" removed")
		}
		for _, n := range slices.Sorted(maps.Keys(h.Modified)) {
			parts = append(parts, "header "+n+" changed")
		}
	}
	if c := d.ContentDiff; !c.Empty() {
		parts = append(parts, "body"+contentSchemas(c)+" changed")
	}
	if len(parts) == 0 {
		return "changed"
	}
	return strings.Join(parts, ", ")
}

// contentSchemas names the component schemas of changed media types, as
// " (Peer)", or "".
func contentSchemas(c *diff.ContentDiff) string {
	if c == nil {
		return ""
	}
	var names []string
	for _, k := range slices.Sorted(maps.Keys(c.MediaTypeModified)) {
		mt := c.MediaTypeModified[k]
		if mt == nil || mt.SchemaDiff == nil {
			continue
		}
		sd := mt.SchemaDiff
		if sd.BaseComponent == "" && sd.RevisionComponent == "" && sd.ItemsDiff != nil {
			sd = sd.ItemsDiff // a list of a component
		}
		for _, n := range []string{sd.BaseComponent, sd.RevisionComponent} {
			if n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " (" + strings.Join(names, " → ") + ")"
}

func plusMinus(added, deleted []string) string {
	var s []string
	for _, a := range added {
		s = append(s, "+"+a)
	}
	for _, d := range deleted {
		s = append(s, "−"+d)
	}
	if len(s) == 0 {
		return ""
	}
	return " " + strings.Join(s, " ")
}

func modifiedKeys(m diff.ModifiedInterfaces) string {
	if len(m) == 0 {
		return ""
	}
	return " changed: " + strings.Join(slices.Sorted(maps.Keys(m)), ", ")
}

// schemaChanges are the changes to the document's schemas that matter to
// Go code, each a line naming the schema and the field.
type schemaChanges struct {
	schemasAdded, schemasRemoved []string
	fieldsAdded, fieldsRemoved   []string
	retyped, required, enums     []string
	constraints                  []string
}

func collectSchemaChanges(d *diff.Diff) *schemaChanges {
	c := &schemaChanges{}
	if d.ComponentsDiff == nil || d.ComponentsDiff.SchemasDiff.Empty() {
		return c
	}
	sd := d.ComponentsDiff.SchemasDiff
	c.schemasAdded = slices.Sorted(slices.Values(sd.Added))
	c.schemasRemoved = slices.Sorted(slices.Values(sd.Deleted))
	for _, n := range slices.Sorted(maps.Keys(sd.Modified)) {
		c.walk(n, sd.Modified[n], 0)
	}
	return c
}

// walk records the changes in one schema, at a path such as Peer.groups[].
// Schemas that are components of their own are reported under their own
// name, not again wherever they are used.
func (c *schemaChanges) walk(at string, d *diff.SchemaDiff, depth int) {
	if d.Empty() || depth > 12 {
		return
	}
	if depth > 0 && d.BaseComponent != "" && d.RevisionComponent != "" {
		if d.BaseComponent != d.RevisionComponent {
			c.retyped = append(c.retyped, fmt.Sprintf("`%s`: %s → %s", at, d.BaseComponent, d.RevisionComponent))
		}
		return
	}
	if d.TypeDiff != nil && d.Base != nil && d.Revision != nil {
		c.retyped = append(c.retyped, fmt.Sprintf("`%s`: type %s → %s", at, typeList(d.Base), typeList(d.Revision)))
	}
	if v := d.FormatDiff; v != nil {
		c.retyped = append(c.retyped, fmt.Sprintf("`%s`: format %s → %s", at, valueText(v.From), valueText(v.To)))
	}
	if v := d.NullableDiff; v != nil {
		c.retyped = append(c.retyped, fmt.Sprintf("`%s`: nullable %s → %s", at, valueText(v.From), valueText(v.To)))
	}
	if e := d.EnumDiff; !e.Empty() {
		switch {
		case e.EnumAdded:
			c.enums = append(c.enums, fmt.Sprintf("`%s`: is now an enum", at))
		case e.EnumDeleted:
			c.enums = append(c.enums, fmt.Sprintf("`%s`: is no longer an enum", at))
		}
		if len(e.Added) > 0 {
			c.enums = append(c.enums, fmt.Sprintf("`%s`: values added: %s", at, enumText(e.Added)))
		}
		if len(e.Deleted) > 0 {
			c.enums = append(c.enums, fmt.Sprintf("`%s`: values removed: %s", at, enumText(e.Deleted)))
		}
	}
	var propsAdded, propsDeleted []string
	if p := d.PropertiesDiff; !p.Empty() {
		propsAdded, propsDeleted = p.Added, p.Deleted
	}
	if r := d.RequiredDiff; !r.Empty() {
		// A field that comes or goes says so itself, required or not.
		for _, n := range r.Added {
			if !slices.Contains(propsAdded, n) {
				c.required = append(c.required, fmt.Sprintf("`%s.%s`: now required", at, n))
			}
		}
		for _, n := range r.Deleted {
			if !slices.Contains(propsDeleted, n) {
				c.required = append(c.required, fmt.Sprintf("`%s.%s`: no longer required", at, n))
			}
		}
	}
	if p := d.PropertiesDiff; !p.Empty() {
		for _, n := range p.Added {
			req := ""
			if d.Revision != nil && slices.Contains(d.Revision.Required, n) {
				req = ", required"
			}
			c.fieldsAdded = append(c.fieldsAdded, fmt.Sprintf("`%s.%s` (%s%s)", at, n, typeName(p.Revision[n], 0), req))
		}
		for _, n := range p.Deleted {
			c.fieldsRemoved = append(c.fieldsRemoved, fmt.Sprintf("`%s.%s`", at, n))
		}
		for _, n := range slices.Sorted(maps.Keys(p.Modified)) {
			c.walk(at+"."+n, p.Modified[n], depth+1)
		}
	}
	c.walk(at+"[]", d.ItemsDiff, depth+1)
	c.walk(at+"{}", d.AdditionalPropertiesDiff, depth+1)
	for kind, s := range map[string]*diff.SubschemasDiff{"allOf": d.AllOfDiff, "oneOf": d.OneOfDiff, "anyOf": d.AnyOfDiff} {
		if s.Empty() {
			continue
		}
		for _, p := range s.Added {
			c.retyped = append(c.retyped, fmt.Sprintf("`%s`: %s part added: %s", at, kind, p.String()))
		}
		for _, p := range s.Deleted {
			c.retyped = append(c.retyped, fmt.Sprintf("`%s`: %s part removed: %s", at, kind, p.String()))
		}
		for _, m := range s.Modified {
			c.walk(at, m.Diff, depth+1) // the parts of allOf make one Go type
		}
	}
	for _, b := range []struct {
		name string
		v    *diff.ValueDiff
	}{
		{"minimum", d.MinDiff}, {"maximum", d.MaxDiff}, {"exclusiveMinimum", d.ExclusiveMinDiff}, {"exclusiveMaximum", d.ExclusiveMaxDiff},
		{"minLength", d.MinLengthDiff}, {"maxLength", d.MaxLengthDiff}, {"pattern", d.PatternDiff},
		{"minItems", d.MinItemsDiff}, {"maxItems", d.MaxItemsDiff}, {"uniqueItems", d.UniqueItemsDiff}, {"multipleOf", d.MultipleOfDiff},
	} {
		if b.v != nil {
			c.constraints = append(c.constraints, fmt.Sprintf("`%s`: %s %s → %s", at, b.name, valueText(b.v.From), valueText(b.v.To)))
		}
	}
}

func typeList(s *openapi3.Schema) string {
	if s.Type == nil || len(*s.Type) == 0 {
		return "(any)"
	}
	return strings.Join(s.Type.Slice(), "|")
}

// typeName says what a schema is in a few words: a component's name,
// "string", "array of Peer".
func typeName(r *openapi3.SchemaRef, depth int) string {
	switch {
	case r == nil || depth > 3:
		return "schema"
	case r.Ref != "":
		return r.Ref[strings.LastIndex(r.Ref, "/")+1:]
	case r.Value == nil:
		return "schema"
	case r.Value.Type.Is("array"):
		return "array of " + typeName(r.Value.Items, depth+1)
	case len(r.Value.AllOf) == 1:
		return typeName(r.Value.AllOf[0], depth+1)
	case r.Value.Type != nil && len(*r.Value.Type) > 0 && r.Value.Format != "":
		return typeList(r.Value) + "/" + r.Value.Format
	case r.Value.Type != nil && len(*r.Value.Type) > 0:
		return typeList(r.Value)
	default:
		return "object"
	}
}

func valueText(v any) string {
	if v == nil {
		return "none"
	}
	return fmt.Sprint(v)
}

func enumText(vals diff.EnumValues) string {
	s := make([]string, len(vals))
	for i, v := range vals {
		s[i] = fmt.Sprintf("`%v`", v)
	}
	return strings.Join(s, ", ")
}

// renameSuggestion pairs an operation that left the document with a new,
// unnamed one that looks like the same operation under another path.
type renameSuggestion struct {
	from, to opKey
	name     name
	why      string
}

// suggestRenames pairs removed operations with unnamed added ones: same
// method, and the same path but for parameter names, the same summary, or
// the same tag and a path that shares most of its words.
func suggestRenames(removed []opKey, oldOps map[opKey]*openapi3.Operation, oldNames map[opKey]name,
	unnamed []opKey, newOps map[opKey]*openapi3.Operation) []renameSuggestion {
	type cand struct {
		from, to opKey
		score    int
		why      []string
	}
	var cands []cand
	for _, from := range removed {
		if _, named := oldNames[from]; !named {
			continue
		}
		for _, to := range unnamed {
			if from.Method != to.Method {
				continue
			}
			a, b := oldOps[from], newOps[to]
			score, why := 0, []string(nil)
			if pathShape(from.Path) == pathShape(to.Path) {
				score, why = score+3, append(why, "the same path but for parameter names")
			}
			if a != nil && b != nil && a.Summary != "" && strings.EqualFold(a.Summary, b.Summary) {
				score, why = score+2, append(why, fmt.Sprintf("the same summary %q", b.Summary))
			}
			if a != nil && b != nil && len(a.Tags) > 0 && len(b.Tags) > 0 && a.Tags[0] == b.Tags[0] && pathLikeness(from.Path, to.Path) >= 0.5 {
				score, why = score+1, append(why, fmt.Sprintf("tag %s and a similar path", b.Tags[0]))
			}
			if score >= 2 {
				cands = append(cands, cand{from, to, score, why})
			}
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int { return cmp.Compare(y.score, x.score) })
	var out []renameSuggestion
	usedFrom, usedTo := map[opKey]bool{}, map[opKey]bool{}
	for _, c := range cands {
		if usedFrom[c.from] || usedTo[c.to] {
			continue
		}
		usedFrom[c.from], usedTo[c.to] = true, true
		out = append(out, renameSuggestion{c.from, c.to, oldNames[c.from], strings.Join(c.why, ", ")})
	}
	slices.SortFunc(out, func(x, y renameSuggestion) int {
		return cmp.Or(strings.Compare(x.to.Path, y.to.Path), methodRank(x.to.Method)-methodRank(y.to.Method))
	})
	return out
}

// pathShape is a path with its parameter names left out: /api/peers/{}.
func pathShape(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// pathLikeness is the share of path segments (parameters as {}) two paths
// have in common, position by position from both ends.
func pathLikeness(a, b string) float64 {
	x, y := strings.Split(pathShape(a), "/"), strings.Split(pathShape(b), "/")
	same := 0
	for i := 0; i < min(len(x), len(y)); i++ {
		if x[i] == y[i] {
			same++
		}
	}
	for i := 1; i <= min(len(x), len(y)); i++ {
		if x[len(x)-i] == y[len(y)-i] {
			same++
		}
	}
	return float64(same) / float64(len(x)+len(y))
}
