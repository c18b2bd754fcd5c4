package main

// The request-body validators: api/validate.gen.go.
//
// For every type that an operation takes as its JSON request body, and every
// named struct type inside it, we generate `func (v T) Validate() error`,
// which checks the rules of the document a client can check before sending:
// required properties, numeric bounds, enums, string lengths and patterns,
// array lengths, recursively through nested structs and array elements.
//
// Schemas are paired with Go types by walking both at once: the body schema
// of an operation with the type oapi-codegen generated for it, then each
// property with the struct field whose json tag names it, and so on. No rule
// is generated from a name guess: where schema and Go code don't line up, the
// rule is skipped and counted in the summary printed on stderr.

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// writeValidators generates the Validate methods of the request body types
// into path, from doc and the models oapi-codegen wrote into apiDir. Notes
// on the document and a summary go to stderr.
func writeValidators(path string, doc *openapi3.T, apiDir string) error {
	models, err := readModels(apiDir, filepath.Base(path))
	if err != nil {
		return err
	}
	res := generateValidators(doc, models)
	for _, n := range res.notes {
		fmt.Fprintln(os.Stderr, "codegen: note: "+n)
	}
	fmt.Fprintln(os.Stderr, "codegen: "+res.summary())
	return writeGo(path, res.src)
}

// ---- The Go side: what oapi-codegen generated. ----

// goModels is the declarations of package api the validators need.
type goModels struct {
	types   map[string]*ast.TypeSpec
	methods map[string]map[string]bool // receiver type name → method names
	consts  map[string][]string        // type name → values of its string constants
}

// readModels parses the Go files of package api, except tests and skip (our
// own output, which must not influence itself).
func readModels(dir, skip string) (*goModels, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var srcs [][]byte
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || filepath.Base(name) == skip {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, b)
	}
	return parseModels(srcs...)
}

func parseModels(srcs ...[]byte) (*goModels, error) {
	m := &goModels{types: map[string]*ast.TypeSpec{}, methods: map[string]map[string]bool{}, consts: map[string][]string{}}
	fset := token.NewFileSet()
	for i, src := range srcs {
		f, err := parser.ParseFile(fset, fmt.Sprintf("api%d.go", i), src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) != 1 {
					continue
				}
				recv := d.Recv.List[0].Type
				if s, ok := recv.(*ast.StarExpr); ok {
					recv = s.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					if m.methods[id.Name] == nil {
						m.methods[id.Name] = map[string]bool{}
					}
					m.methods[id.Name][d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.TypeParams == nil {
							m.types[s.Name.Name] = s
						}
					case *ast.ValueSpec:
						m.addConsts(d.Tok, s)
					}
				}
			}
		}
	}
	return m, nil
}

// addConsts records `X T = "value"` constants: the members of enum type T.
func (m *goModels) addConsts(tok token.Token, s *ast.ValueSpec) {
	typ, ok := s.Type.(*ast.Ident)
	if tok != token.CONST || !ok || len(s.Values) != len(s.Names) {
		return
	}
	for _, v := range s.Values {
		lit, ok := v.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			continue
		}
		if str, err := strconv.Unquote(lit.Value); err == nil {
			m.consts[typ.Name] = append(m.consts[typ.Name], str)
		}
	}
}

type goKind int

const (
	kOther goKind = iota
	kString
	kInt
	kUint
	kFloat
	kBool
	kStruct
	kUnion // a oneOf/anyOf: a struct around json.RawMessage
	kSlice
	kMap
)

// goType is a Go type as far as the validators care.
type goType struct {
	ptr   bool
	kind  goKind
	name  string          // the named type that has the methods, "" for builtins
	basic string          // the builtin underlying a string or number: "int64"
	st    *ast.StructType // kStruct
	elem  *goType         // kSlice
}

var basicKinds = map[string]goKind{
	"string": kString, "bool": kBool,
	"int": kInt, "int8": kInt, "int16": kInt, "int32": kInt, "int64": kInt,
	"uint": kUint, "uint8": kUint, "uint16": kUint, "uint32": kUint, "uint64": kUint,
	"float32": kFloat, "float64": kFloat,
}

func (m *goModels) resolve(e ast.Expr) goType {
	return m.resolveDepth(e, 0)
}

func (m *goModels) resolveDepth(e ast.Expr, depth int) goType {
	if depth > 20 {
		return goType{}
	}
	switch e := e.(type) {
	case *ast.StarExpr:
		t := m.resolveDepth(e.X, depth+1)
		if t.ptr {
			return goType{} // **T: not generated by oapi-codegen
		}
		t.ptr = true
		return t
	case *ast.ArrayType:
		if e.Len != nil {
			return goType{}
		}
		elem := m.resolveDepth(e.Elt, depth+1)
		return goType{kind: kSlice, elem: &elem}
	case *ast.MapType:
		return goType{kind: kMap}
	case *ast.Ident:
		if k, ok := basicKinds[e.Name]; ok {
			return goType{kind: k, basic: e.Name}
		}
		ts := m.types[e.Name]
		if ts == nil {
			return goType{}
		}
		if ts.Assign.IsValid() { // an alias: the target is the type
			return m.resolveDepth(ts.Type, depth+1)
		}
		switch u := ts.Type.(type) {
		case *ast.StructType:
			if structHasField(u, "union") {
				return goType{kind: kUnion, name: e.Name}
			}
			return goType{kind: kStruct, name: e.Name, st: u}
		case *ast.StarExpr:
			return goType{} // a defined pointer type: has no methods of its own
		default:
			t := m.resolveDepth(u, depth+1)
			if t.ptr {
				return goType{}
			}
			t.name = e.Name // methods are declared on this name, not on the underlying one
			return t
		}
	}
	return goType{} // time.Time, openapi_types.Email, interface{}, ...
}

func structHasField(st *ast.StructType, name string) bool {
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.Name == name {
				return true
			}
		}
	}
	return false
}

func (m *goModels) hasMethod(typ, name string) bool { return m.methods[typ][name] }

// goField is one field of a generated struct.
type goField struct {
	Name, JSON string
	OmitEmpty  bool
	Type       goType
}

func (m *goModels) fields(st *ast.StructType) (fs []goField, embedded int) {
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 {
			embedded++
			continue
		}
		var tag reflect.StructTag
		if f.Tag != nil {
			if s, err := strconv.Unquote(f.Tag.Value); err == nil {
				tag = reflect.StructTag(s)
			}
		}
		jsonTag, ok := tag.Lookup("json")
		if !ok {
			continue
		}
		name, opts, _ := strings.Cut(jsonTag, ",")
		if name == "-" || name == "" {
			continue
		}
		omit := slices.Contains(strings.Split(opts, ","), "omitempty")
		t := m.resolve(f.Type)
		for _, n := range f.Names {
			if n.IsExported() {
				fs = append(fs, goField{Name: n.Name, JSON: name, OmitEmpty: omit, Type: t})
			}
		}
	}
	return fs, embedded
}

// ---- The generator. ----

// valResult is what generateValidators produces.
type valResult struct {
	src     []byte
	types   int            // types given a Validate method
	trivial int            // of which always return nil
	rules   map[string]int // generated checks by rule
	skipped map[string]int // rules not turned into checks, by reason
	notes   []string       // defects of the document, for stderr
}

func (r *valResult) summary() string {
	n := 0
	for _, c := range r.rules {
		n += c
	}
	s := 0
	for _, c := range r.skipped {
		s += c
	}
	return fmt.Sprintf("validators: %d types with Validate (%d without rules), %d checks (%s), %d rules skipped (%s)",
		r.types, r.trivial, n, countList(r.rules), s, countList(r.skipped))
}

func countList(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// valType is one Go type that gets a Validate method.
type valType struct {
	name    string
	st      *ast.StructType // nil for a union
	schemas []*openapi3.Schema
}

type valGen struct {
	doc       *openapi3.T
	m         *goModels
	compName  map[*openapi3.Schema]string
	types     map[string]*valType
	order     []string // visiting order, for the work list
	notes     map[string]bool
	patterns  map[string]string // variable name → regexp
	emptyUsed map[string]bool   // entries of emptyStrings that applied
}

func generateValidators(doc *openapi3.T, m *goModels) *valResult {
	g := &valGen{doc: doc, m: m, compName: map[*openapi3.Schema]string{}, types: map[string]*valType{},
		notes: map[string]bool{}, patterns: map[string]string{}, emptyUsed: map[string]bool{}}
	res := &valResult{rules: map[string]int{}, skipped: map[string]int{}}
	if doc.Components != nil {
		for name, ref := range doc.Components.Schemas {
			if ref != nil && ref.Value != nil {
				if _, dup := g.compName[ref.Value]; !dup || name < g.compName[ref.Value] {
					g.compName[ref.Value] = name
				}
			}
		}
	}
	g.collectBodies(res)

	// Visit every type reachable from the bodies, with every schema it is
	// reached with.
	seen := map[string]map[*openapi3.Schema]bool{}
	for i := 0; i < len(g.order); i++ {
		t := g.types[g.order[i]]
		for j := 0; j < len(t.schemas); j++ {
			s := t.schemas[j]
			if seen[t.name][s] {
				continue
			}
			if seen[t.name] == nil {
				seen[t.name] = map[*openapi3.Schema]bool{}
			}
			seen[t.name][s] = true
			out := g.emitType(t, s, func(string) bool { return true })
			for _, d := range out.deps {
				g.addType(d.name, d.st, d.schema)
			}
		}
	}

	all := func(string) bool { return true }

	// A type reached through schemas with different rules gets no checks:
	// either set would be wrong somewhere.
	conflict := map[string]bool{}
	for _, name := range g.order {
		t := g.types[name]
		first := g.emitType(t, t.schemas[0], all)
		for _, s := range t.schemas[1:] {
			if alt := g.emitType(t, s, all); alt.code != first.code || !slices.Equal(alt.comments, first.comments) {
				g.note(fmt.Sprintf("%s is the Go type of schemas with different rules (%s and %s); no checks generated for it",
					name, g.schemaName(t.schemas[0], name), g.schemaName(s, name)))
				conflict[name] = true
				break
			}
		}
	}

	// A type has rules if it checks something itself or calls a type that has.
	ruled := map[string]bool{}
	for _, name := range g.order {
		if t := g.types[name]; !conflict[name] && g.emitType(t, t.schemas[0], all).own > 0 {
			ruled[name] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, name := range g.order {
			if ruled[name] || conflict[name] {
				continue
			}
			t := g.types[name]
			for _, d := range g.emitType(t, t.schemas[0], all).deps {
				if ruled[d.name] {
					ruled[name], changed = true, true
				}
			}
		}
	}
	has := func(name string) bool { return ruled[name] }

	// Render, in name order.
	var body bytes.Buffer
	for _, name := range slices.Sorted(maps.Keys(g.types)) {
		t := g.types[name]
		out := g.emitType(t, t.schemas[0], has)
		if conflict[name] {
			for _, s := range t.schemas {
				for _, c := range g.emitType(t, s, has).rules {
					res.skipped["conflicting schemas"] += c
				}
			}
			out = emitted{comments: []string{"The document gives " + name + " different rules in different places; no checks generated."}}
		}
		for k, c := range out.rules {
			res.rules[k] += c
		}
		for k, c := range out.skipped {
			res.skipped[k] += c
		}
		res.types++
		if out.code == "" {
			res.trivial++
		}
		writeValidate(&body, name, out)
	}

	for k := range emptyStrings {
		if !g.emptyUsed[k] {
			g.note(fmt.Sprintf("emptyStrings in internal/codegen/validate.go names %s, which no request body has: remove the entry", k))
		}
	}

	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("package api\n\n")
	// ValidationError, its helpers and lazyRegexp are in api/validation.go.
	b.WriteString("import (\n")
	for _, pkg := range []string{"strconv", "unicode/utf8"} {
		if bytes.Contains(body.Bytes(), []byte(filepath.Base(pkg)+".")) {
			fmt.Fprintf(&b, "\t%q\n", pkg)
		}
	}
	b.WriteString(")\n\n")
	if len(g.patterns) > 0 {
		b.WriteString("// The document's patterns, compiled on first use (see lazyRegexp).\nvar (\n")
		for _, v := range slices.Sorted(maps.Keys(g.patterns)) {
			fmt.Fprintf(&b, "\t%s = &lazyRegexp{expr: %s}\n", v, strconv.Quote(g.patterns[v]))
		}
		b.WriteString(")\n\n")
	}
	b.Write(body.Bytes())
	res.src = b.Bytes()
	res.notes = slices.Sorted(maps.Keys(g.notes))
	return res
}

func writeValidate(b *bytes.Buffer, name string, out emitted) {
	if out.code == "" {
		if len(out.comments) == 0 {
			fmt.Fprintf(b, "// Validate returns nil: the document gives %s no rules a client can check.\n", name)
		} else {
			b.WriteString("// Validate returns nil.\n")
		}
		for _, c := range out.comments {
			fmt.Fprintf(b, "//\n// %s\n", c)
		}
		fmt.Fprintf(b, "func (v %s) Validate() error { return nil }\n\n", name)
		fmt.Fprintf(b, "func (v %s) validateFields() *ValidationError { return nil }\n\n", name)
		return
	}
	fmt.Fprintf(b, "// Validate checks v against the rules the NetBird API document gives\n// %s. It returns the first rule broken, as a *ValidationError, or nil.\n", name)
	fmt.Fprintf(b, "func (v %s) Validate() error { return validationFailedIn(%q, v.validateFields()) }\n\n", name, name)
	fmt.Fprintf(b, "func (v %s) validateFields() *ValidationError {\n", name)
	for _, c := range out.comments {
		fmt.Fprintf(b, "\t// %s\n", c)
	}
	b.WriteString(out.code)
	b.WriteString("\treturn nil\n}\n\n")
}

func (g *valGen) note(s string) { g.notes[s] = true }

func (g *valGen) schemaName(s *openapi3.Schema, goName string) string {
	if n, ok := g.compName[s]; ok {
		return n
	}
	return goName
}

// collectBodies finds the Go type of every JSON request body.
func (g *valGen) collectBodies(res *valResult) {
	bodyNames := map[string]string{} // lower-case → name, of every XJSONRequestBody
	for name := range g.m.types {
		if strings.HasSuffix(name, "JSONRequestBody") {
			bodyNames[strings.ToLower(name)] = name
		}
	}
	used := map[string]bool{}
	paths := g.doc.Paths.InMatchingOrder()
	slices.Sort(paths)
	for _, path := range paths {
		item := g.doc.Paths.Value(path)
		ops := item.Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			op := ops[method]
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			media := op.RequestBody.Value.Content.Get("application/json")
			if media == nil || media.Schema == nil || media.Schema.Value == nil {
				continue
			}
			name, ok := bodyNames[strings.ToLower(op.OperationID+"JSONRequestBody")]
			if !ok {
				g.note(fmt.Sprintf("%s %s: no Go type %sJSONRequestBody for its JSON body; not validated", method, path, op.OperationID))
				res.skipped["body without a Go type"]++
				continue
			}
			used[name] = true
			// Follow aliases to the type that gets the method.
			for {
				ts := g.m.types[name]
				id, ok := ts.Type.(*ast.Ident)
				if !ts.Assign.IsValid() || !ok || g.m.types[id.Name] == nil {
					break
				}
				name = id.Name
			}
			t := g.m.resolve(ast.NewIdent(name))
			switch {
			case t.ptr || t.name != name:
				g.note(fmt.Sprintf("%s %s: body type %s is not a named type; not validated", method, path, name))
				res.skipped["body not a named type"]++
			case t.kind == kStruct || t.kind == kUnion:
				g.addType(name, t.st, media.Schema.Value)
			default:
				g.note(fmt.Sprintf("%s %s: body type %s is not a struct; not validated", method, path, name))
				res.skipped["body not a struct"]++
			}
		}
	}
	for _, name := range bodyNames {
		if !used[name] {
			g.note(fmt.Sprintf("%s matches no operation with a JSON body; not validated", name))
		}
	}
}

func (g *valGen) addType(name string, st *ast.StructType, s *openapi3.Schema) {
	t := g.types[name]
	if t == nil {
		t = &valType{name: name, st: st}
		g.types[name] = t
		g.order = append(g.order, name)
	}
	if !slices.Contains(t.schemas, s) {
		t.schemas = append(t.schemas, s)
	}
}

// object is an object schema with its allOf parts merged, as oapi-codegen
// merges them into one struct.
type object struct {
	props     map[string]*openapi3.Schema
	refs      map[string]string // property → the component it refers to, if any
	required  map[string]bool
	ambiguous map[string]bool // defined differently by two allOf parts
	undefined []string        // required but not defined: a defect
	unions    bool            // has oneOf/anyOf
}

func flatten(s *openapi3.Schema) object {
	o := object{props: map[string]*openapi3.Schema{}, refs: map[string]string{}, required: map[string]bool{}, ambiguous: map[string]bool{}}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 20 {
			return
		}
		if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
			o.unions = true
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			ref := s.Properties[name]
			if ref == nil || ref.Value == nil {
				continue
			}
			if prev, ok := o.props[name]; ok && prev != ref.Value {
				o.ambiguous[name] = true
			}
			o.props[name] = ref.Value
			o.refs[name] = strings.TrimPrefix(ref.Ref, "#/components/schemas/")
		}
		for _, r := range s.Required {
			o.required[r] = true
		}
		for _, part := range s.AllOf {
			if part != nil {
				walk(part.Value, depth+1)
			}
		}
	}
	walk(s, 0)
	for _, r := range slices.Sorted(maps.Keys(o.required)) {
		if _, ok := o.props[r]; !ok {
			o.undefined = append(o.undefined, r)
		}
	}
	return o
}

// chain is s and, recursively, its allOf parts: every rule of each applies.
func chain(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 20 || slices.Contains(out, s) {
			return
		}
		out = append(out, s)
		for _, p := range s.AllOf {
			if p != nil {
				walk(p.Value, depth+1)
			}
		}
	}
	walk(s, 0)
	return out
}

func nullable(s *openapi3.Schema) bool {
	return s.Nullable || (s.Type != nil && s.Type.Includes("null"))
}

func readOnly(s *openapi3.Schema) bool {
	return slices.ContainsFunc(chain(s), func(s *openapi3.Schema) bool { return s.ReadOnly })
}

// sensitive fields never show their value in an error.
func sensitive(jsonName string, t goType, s *openapi3.Schema) bool {
	n := strings.ToLower(jsonName)
	for _, w := range []string{"token", "secret", "password", "key"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	if t.name == "Secret" {
		return true
	}
	return slices.ContainsFunc(chain(s), func(s *openapi3.Schema) bool { return s.Format == "password" })
}

// freeText names required strings that may be empty: a route or posture
// check without a description is normal, whatever `required` says.
func freeText(jsonName string) bool {
	return jsonName == "description" || strings.HasSuffix(jsonName, "_description")
}

// emptyStrings lists required strings, other than descriptions, that NetBird
// accepts empty, as "Go type.json name": the rule that required strings must
// not be "" would refuse what the server takes. A stale entry is a note.
var emptyStrings = map[string]string{
	// NetBird's policy handler stores a rule without checking its name, and
	// returns it with "": a policy read, changed and written back must pass.
	"PolicyRuleUpdate.name": "rule names may be empty",
}

func (g *valGen) emptyAllowed(typ, jsonName string) bool {
	_, ok := emptyStrings[typ+"."+jsonName]
	if ok {
		g.emptyUsed[typ+"."+jsonName] = true
	}
	return ok
}

// emitted is the generated body of one validateFields method.
type emitted struct {
	code     string
	comments []string
	own      int // checks of the type itself
	deps     []dep
	rules    map[string]int
	skipped  map[string]int
}

type dep struct {
	name   string
	st     *ast.StructType
	schema *openapi3.Schema
}

// emitter writes the checks of one type.
type emitter struct {
	g     *valGen
	typ   string
	has   func(string) bool
	out   *emitted
	depth int    // of nested loops
	ref   string // the component the current field refers to, for notes
}

// emitType generates the checks of t against schema s. has says which
// types have rules, so calls to the others are left out.
func (g *valGen) emitType(t *valType, s *openapi3.Schema, has func(string) bool) emitted {
	out := emitted{rules: map[string]int{}, skipped: map[string]int{}}
	if t.st == nil {
		out.comments = append(out.comments, t.name+" is a union (oneOf/anyOf) of schemas, left to the server.")
		return out
	}
	e := &emitter{g: g, typ: t.name, has: has, out: &out}
	obj := flatten(s)
	schemaName := g.schemaName(s, t.name)
	for _, r := range obj.undefined {
		g.note(fmt.Sprintf("%s requires %q, which it does not define; no check generated", schemaName, r))
		out.comments = append(out.comments, fmt.Sprintf("The document requires %q, which %s does not define; no check generated.", r, schemaName))
	}
	if obj.unions {
		out.comments = append(out.comments, "The oneOf/anyOf alternatives of "+schemaName+" are not checked.")
	}
	fields, embedded := g.m.fields(t.st)
	if embedded > 0 {
		out.skipped["embedded field"] += embedded
	}
	var b strings.Builder
	for _, f := range fields {
		prop, ok := obj.props[f.JSON]
		if !ok {
			continue
		}
		if obj.ambiguous[f.JSON] {
			out.skipped["property defined twice in allOf"] += countRules(prop, obj.required[f.JSON])
			continue
		}
		if readOnly(prop) {
			continue // not sent, and never required in a request
		}
		e.ref = obj.refs[f.JSON]
		b.WriteString(e.field(f, prop, obj.required[f.JSON]))
	}
	out.code = b.String()
	return out
}

// countRules counts the rules of s a validator would check, for skip counts.
func countRules(s *openapi3.Schema, required bool) int {
	return countRulesDepth(s, required, 0)
}

func countRulesDepth(s *openapi3.Schema, required bool, depth int) int {
	n := 0
	if required && s.Type != nil && s.Type.Includes("string") {
		n++ // only required strings are checked: other zero values are legal
	}
	if depth > 10 {
		return n
	}
	for _, c := range chain(s) {
		for name, p := range c.Properties {
			if p != nil && p.Value != nil {
				n += countRulesDepth(p.Value, slices.Contains(c.Required, name), depth+1)
			}
		}
		if c.Min != nil {
			n++
		}
		if c.Max != nil {
			n++
		}
		if c.ExclusiveMin.Value != nil {
			n++
		}
		if c.ExclusiveMax.Value != nil {
			n++
		}
		if len(c.Enum) > 0 {
			n++
		}
		if c.MinLength > 0 {
			n++
		}
		if c.MaxLength != nil {
			n++
		}
		if c.Pattern != "" {
			n++
		}
		if c.MinItems > 0 {
			n++
		}
		if c.MaxItems != nil {
			n++
		}
		if c.Items != nil && c.Items.Value != nil {
			n += countRulesDepth(c.Items.Value, false, depth+1)
		}
	}
	return n
}

// path is a JSON path under construction: literal text and Go expressions.
type path []pathPart

type pathPart struct {
	text string
	code bool
}

func (p path) lit(s string) path  { return append(slices.Clip(p), pathPart{text: s}) }
func (p path) expr(s string) path { return append(slices.Clip(p), pathPart{text: s, code: true}) }

// goExpr renders p as a Go string expression.
func (p path) goExpr() string {
	var parts []string
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, strconv.Quote(lit.String()))
			lit.Reset()
		}
	}
	for _, x := range p {
		if x.code {
			flush()
			parts = append(parts, x.text)
		} else {
			lit.WriteString(x.text)
		}
	}
	flush()
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " + ")
}

func (e *emitter) rule(kind string) {
	e.out.rules[kind]++
	e.out.own++
}

func (e *emitter) skip(reason string, n int) {
	if n > 0 {
		e.out.skipped[reason] += n
	}
}

// fail is the statement that reports a broken rule.
func fail(p path, rule, value string) string {
	if value == "" {
		value = `""`
	}
	return fmt.Sprintf("return validationFailed(%s, %s, %s)\n", p.goExpr(), strconv.Quote(rule), value)
}

// field writes the checks of one struct field.
func (e *emitter) field(f goField, s *openapi3.Schema, required bool) string {
	var b strings.Builder
	x := "v." + f.Name
	p := path{}.lit(f.JSON)
	secret := sensitive(f.JSON, f.Type, s)
	t := f.Type
	if required {
		switch {
		case t.ptr && !nullable(s):
			e.rule("required")
			fmt.Fprintf(&b, "if %s == nil {\n%s}\n", x, fail(p, "is required", ""))
		case t.ptr:
			// required but nullable: nil is sent as null, which is allowed
		case t.kind == kString && freeText(f.JSON):
			// may be empty; see freeText
		case t.kind == kString && e.g.emptyAllowed(e.typ, f.JSON):
			// may be empty; see emptyAllowed
		case t.kind == kString && !enumAllows(s, ""):
			e.rule("required")
			fmt.Fprintf(&b, "if %s == \"\" {\n%s}\n", x, fail(p, "is required", ""))
		}
	}
	checks := e.value(x, t, s, p, secret)
	if checks != "" && !t.ptr && f.OmitEmpty && !required {
		// An empty optional value is left out of the JSON: nothing to check.
		if zero := zeroTest(x, t); zero != "" {
			checks = fmt.Sprintf("if %s {\n%s}\n", zero, checks)
		}
	}
	b.WriteString(checks)
	return b.String()
}

// zeroTest is a Go condition that is true when x would be sent; "" if the
// value is always sent.
func zeroTest(x string, t goType) string {
	switch t.kind {
	case kString:
		return x + ` != ""`
	case kInt, kUint, kFloat:
		return x + " != 0"
	case kSlice:
		return "len(" + x + ") != 0"
	}
	return ""
}

// enumAllows reports whether s has an enum, and v is in it.
func enumAllows(s *openapi3.Schema, v any) bool {
	lists := enumLists(s)
	return len(lists) > 0 && slices.Contains(intersect(lists), v)
}

// value writes the checks of the value x of Go type t and schema s.
func (e *emitter) value(x string, t goType, s *openapi3.Schema, p path, secret bool) string {
	if t.ptr {
		inner := t
		inner.ptr = false
		code := e.value("*"+x, inner, s, p, secret)
		if code == "" || onlyComments(code) {
			return code
		}
		return fmt.Sprintf("if %s != nil {\n%s}\n", x, code)
	}
	switch t.kind {
	case kString:
		return e.stringChecks(x, t, s, p, secret)
	case kInt, kUint, kFloat:
		return e.numberChecks(x, t, s, p, secret)
	case kStruct:
		e.out.deps = append(e.out.deps, dep{t.name, t.st, s})
		if !e.has(t.name) {
			return "" // nothing to check there
		}
		return fmt.Sprintf("if err := %s.validateFields(); err != nil {\nerr.Field = %s + err.Field\nreturn err\n}\n",
			recv(x), p.lit(".").goExpr())
	case kUnion:
		e.out.deps = append(e.out.deps, dep{t.name, nil, s})
		return fmt.Sprintf("// %s: a union (oneOf/anyOf); not checked.\n", joinPath(p, "i"))
	case kSlice:
		return e.sliceChecks(x, t, s, p, secret)
	case kMap:
		for _, c := range chain(s) {
			if c.AdditionalProperties.Schema != nil && c.AdditionalProperties.Schema.Value != nil {
				e.skip("additionalProperties", countRules(c.AdditionalProperties.Schema.Value, false))
			}
		}
		return ""
	case kBool:
		e.skip("enum on a boolean", enumCount(s))
		return ""
	default:
		e.skip("unsupported Go type", countRules(s, false))
		return ""
	}
}

func enumCount(s *openapi3.Schema) int {
	n := 0
	for _, c := range chain(s) {
		if len(c.Enum) > 0 {
			n++
		}
	}
	return n
}

func (e *emitter) stringChecks(x string, t goType, s *openapi3.Schema, p path, secret bool) string {
	var b strings.Builder
	str := x
	if t.name != "" {
		str = "string(" + x + ")"
	}
	if lists := enumLists(s); len(lists) > 0 {
		if vals := intersect(lists); len(vals) > 0 {
			b.WriteString(e.enumCheck(x, str, t, vals, p, secret))
		} else {
			e.g.note(fmt.Sprintf("%s.%s: the enums of the allOf parts of %s have no value in common; no check generated",
				e.typ, joinPath(p, "i"), cmp.Or(e.ref, e.g.compName[s], "its schema")))
			e.skip("enums with no common value", len(lists))
		}
	}
	for _, c := range chain(s) {
		minLen, maxLen := c.MinLength, c.MaxLength
		if minLen > 0 || maxLen != nil {
			n := "utf8.RuneCountInString(" + str + ")"
			val := "validationLen(" + str + ")"
			if secret {
				val = ""
			}
			var cond, rule string
			switch {
			case minLen > 0 && maxLen != nil:
				e.rule("minLength")
				e.rule("maxLength")
				cond = fmt.Sprintf("n := %s; n < %d || n > %d", n, minLen, *maxLen)
				rule = fmt.Sprintf("must be between %d and %d characters long", minLen, *maxLen)
			case minLen > 0:
				e.rule("minLength")
				cond = fmt.Sprintf("%s < %d", n, minLen)
				rule = fmt.Sprintf("must be at least %d %s long", minLen, plural(minLen, "character"))
			default:
				e.rule("maxLength")
				cond = fmt.Sprintf("%s > %d", n, *maxLen)
				rule = fmt.Sprintf("must be at most %d %s long", *maxLen, plural(*maxLen, "character"))
			}
			fmt.Fprintf(&b, "if %s {\n%s}\n", cond, fail(p, rule, val))
		}
		if c.Pattern != "" {
			if _, err := regexp.Compile(c.Pattern); err != nil {
				e.g.note(fmt.Sprintf("%s.%s: pattern %q is not valid Go regexp syntax (%v); no check generated", e.typ, joinPath(p, "i"), c.Pattern, err))
				e.skip("pattern Go cannot compile", 1)
				continue
			}
			e.rule("pattern")
			v := e.g.patternVar(c.Pattern, e.typ, p)
			fmt.Fprintf(&b, "if !%s.MatchString(%s) {\n%s}\n", v, str, fail(p, "must match the pattern "+c.Pattern, ""))
		}
	}
	return b.String()
}

// recv is x as the receiver of a value method: a pointer needs no *.
func recv(x string) string { return strings.TrimPrefix(x, "*") }

func onlyComments(code string) bool {
	for _, l := range strings.Split(strings.TrimSpace(code), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "//") {
			return false
		}
	}
	return true
}

// joinPath is p with its Go expressions shown as placeholder, for notes
// and names.
func joinPath(p path, placeholder string) string {
	var b strings.Builder
	for _, x := range p {
		if x.code {
			b.WriteString(placeholder)
		} else {
			b.WriteString(x.text)
		}
	}
	return b.String()
}

func plural(n uint64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// patternVar names the compiled pattern of one field: one variable per
// field and pattern, named after the first field with the pattern.
func (g *valGen) patternVar(pattern, typ string, p path) string {
	base := "pattern" + typ + goFieldName(joinPath(p, ""))
	v := base
	for i := 2; ; i++ {
		old, ok := g.patterns[v]
		if !ok {
			g.patterns[v] = pattern
			return v
		}
		if old == pattern {
			return v
		}
		v = base + strconv.Itoa(i)
	}
}

// goFieldName turns a JSON path into a part of a Go name: "rules[i].sources" → "RulesSources".
func goFieldName(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if up && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// enumLists is the enum of s and of each of its allOf parts.
func enumLists(s *openapi3.Schema) [][]any {
	var out [][]any
	for _, c := range chain(s) {
		if len(c.Enum) > 0 {
			out = append(out, c.Enum)
		}
	}
	return out
}

// intersect is the values in every list, in the order of the first.
func intersect(lists [][]any) []any {
	var out []any
	for _, v := range lists[0] {
		in := true
		for _, l := range lists[1:] {
			in = in && slices.Contains(l, v)
		}
		if in && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func (e *emitter) enumCheck(x, str string, t goType, enum []any, p path, secret bool) string {
	var vals []string
	for _, v := range enum {
		s, ok := v.(string)
		if !ok {
			e.skip("enum of non-strings", 1)
			return ""
		}
		vals = append(vals, strconv.Quote(s))
	}
	rule := "must be one of " + strings.Join(vals, ", ")
	val := "validationQuote(" + str + ")"
	if secret {
		val = ""
	}
	if t.name != "" && e.g.m.hasMethod(t.name, "Valid") && sameEnum(e.g.m, t.name, enum) {
		e.rule("enum")
		return fmt.Sprintf("if !%s.Valid() {\n%s}\n", recv(x), fail(p, rule, val))
	}
	// No Valid method, or one that checks another list than this schema's:
	// compare with this schema's list.
	e.rule("enum")
	return fmt.Sprintf("switch %s {\ncase %s:\ndefault:\n%s}\n", str, strings.Join(vals, ", "), fail(p, rule, val))
}

// sameEnum reports whether the constants oapi-codegen declared for the enum
// type name are exactly vals, so its Valid method checks this schema's list.
func sameEnum(m *goModels, name string, vals []any) bool {
	var want []string
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			return false
		}
		want = append(want, s)
	}
	got := m.enumConsts(name)
	slices.Sort(want)
	want = slices.Compact(want)
	return slices.Equal(got, want)
}

// enumConsts is the sorted values of the constants of type name.
func (m *goModels) enumConsts(name string) []string {
	vs := slices.Clone(m.consts[name])
	slices.Sort(vs)
	return slices.Compact(vs)
}

func (e *emitter) numberChecks(x string, t goType, s *openapi3.Schema, p path, secret bool) string {
	var b strings.Builder
	val := ""
	if !secret {
		switch t.kind {
		case kInt:
			val = "strconv.FormatInt(int64(" + x + "), 10)"
			if t.basic == "int64" && t.name == "" {
				val = "strconv.FormatInt(" + x + ", 10)"
			}
		case kUint:
			val = "strconv.FormatUint(uint64(" + x + "), 10)"
		case kFloat:
			bits := "64"
			if t.basic == "float32" {
				bits = "32"
			}
			val = "strconv.FormatFloat(float64(" + x + "), 'g', -1, " + bits + ")"
		}
	}
	for _, c := range chain(s) {
		type bound struct {
			kind, op, rule string
			v              float64
		}
		var bs []bound
		exMin, exMax := c.ExclusiveMin.IsTrue(), c.ExclusiveMax.IsTrue() // OpenAPI 3.0: booleans
		if c.Min != nil {
			if exMin {
				bs = append(bs, bound{"exclusiveMinimum", "<=", "must be greater than %s", *c.Min})
			} else {
				bs = append(bs, bound{"minimum", "<", "must be at least %s", *c.Min})
			}
		}
		if c.Max != nil {
			if exMax {
				bs = append(bs, bound{"exclusiveMaximum", ">=", "must be less than %s", *c.Max})
			} else {
				bs = append(bs, bound{"maximum", ">", "must be at most %s", *c.Max})
			}
		}
		if c.ExclusiveMin.Value != nil { // OpenAPI 3.1: numbers
			bs = append(bs, bound{"exclusiveMinimum", "<=", "must be greater than %s", *c.ExclusiveMin.Value})
		}
		if c.ExclusiveMax.Value != nil {
			bs = append(bs, bound{"exclusiveMaximum", ">=", "must be less than %s", *c.ExclusiveMax.Value})
		}
		var conds, kinds []string
		var rules []string
		for _, bd := range bs {
			lhs, ok := numberOperand(x, t, bd.v)
			if !ok {
				e.skip("bound out of the Go type's range", 1)
				continue
			}
			conds = append(conds, fmt.Sprintf("%s %s %s", lhs, bd.op, formatNumber(bd.v)))
			kinds = append(kinds, bd.kind)
			rules = append(rules, fmt.Sprintf(bd.rule, formatNumber(bd.v)))
		}
		// "must be between 1 and 365" for the common inclusive pair.
		if len(kinds) == 2 && kinds[0] == "minimum" && kinds[1] == "maximum" {
			e.rule("minimum")
			e.rule("maximum")
			rule := fmt.Sprintf("must be between %s and %s", formatNumber(*c.Min), formatNumber(*c.Max))
			fmt.Fprintf(&b, "if %s || %s {\n%s}\n", conds[0], conds[1], fail(p, rule, val))
		} else {
			for i := range conds {
				e.rule(kinds[i])
				fmt.Fprintf(&b, "if %s {\n%s}\n", conds[i], fail(p, rules[i], val))
			}
		}
		if len(c.Enum) > 0 {
			e.skip("enum of numbers", 1)
		}
	}
	return b.String()
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// numberOperand is x as compared with bound v, converted where v does not
// fit x's type (a comparison with an untyped constant converts the constant).
func numberOperand(x string, t goType, v float64) (string, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", false
	}
	if t.kind == kFloat {
		return x, true
	}
	if v != math.Trunc(v) {
		return "float64(" + x + ")", true
	}
	lo, hi := intRange(t)
	if v >= lo && v <= hi {
		return x, true
	}
	if t.kind == kInt && v >= math.MinInt64 && v < math.MaxInt64 {
		return "int64(" + x + ")", true
	}
	if t.kind == kUint && v >= 0 && v < math.MaxUint64 {
		return "uint64(" + x + ")", true
	}
	return "float64(" + x + ")", true
}

// intRange is the range of an integer type; int and uint as on 32-bit
// platforms, so the generated code compiles everywhere.
func intRange(t goType) (float64, float64) {
	switch t.basic {
	case "int8":
		return math.MinInt8, math.MaxInt8
	case "int16":
		return math.MinInt16, math.MaxInt16
	case "int32", "int":
		return math.MinInt32, math.MaxInt32
	case "int64":
		return math.MinInt64, math.MaxInt64 / 2 // keep clear of float rounding at the edge
	case "uint8":
		return 0, math.MaxUint8
	case "uint16":
		return 0, math.MaxUint16
	case "uint32", "uint":
		return 0, math.MaxUint32
	case "uint64":
		return 0, math.MaxUint64 / 2
	}
	return 0, 0
}

func (e *emitter) sliceChecks(x string, t goType, s *openapi3.Schema, p path, secret bool) string {
	var b strings.Builder
	var items *openapi3.Schema
	for _, c := range chain(s) {
		if c.Items != nil && c.Items.Value != nil && items == nil {
			items = c.Items.Value
		}
		minItems, maxItems := c.MinItems, c.MaxItems
		if minItems == 0 && maxItems == nil {
			continue
		}
		val := "strconv.Itoa(len(" + x + "))"
		var cond, rule string
		switch {
		case minItems > 0 && maxItems != nil:
			e.rule("minItems")
			e.rule("maxItems")
			cond = fmt.Sprintf("n := len(%s); n < %d || n > %d", x, minItems, *maxItems)
			rule = fmt.Sprintf("must have between %d and %d elements", minItems, *maxItems)
		case minItems > 0:
			e.rule("minItems")
			cond = fmt.Sprintf("len(%s) < %d", x, minItems)
			rule = fmt.Sprintf("must have at least %d %s", minItems, plural(minItems, "element"))
		default:
			e.rule("maxItems")
			cond = fmt.Sprintf("len(%s) > %d", x, *maxItems)
			rule = fmt.Sprintf("must have at most %d %s", *maxItems, plural(*maxItems, "element"))
		}
		fmt.Fprintf(&b, "if %s {\n%s}\n", cond, fail(p, rule, val))
	}
	if items != nil && t.elem != nil {
		e.depth++
		i, el := "i", "x"
		if e.depth > 1 {
			i, el = i+strconv.Itoa(e.depth), el+strconv.Itoa(e.depth)
		}
		inner := e.value(el, *t.elem, items, p.lit("[").expr("strconv.Itoa("+i+")").lit("]"), secret)
		e.depth--
		if inner != "" {
			if !strings.Contains(inner, i) {
				i = "_"
			}
			fmt.Fprintf(&b, "for %s, %s := range %s {\n%s}\n", i, el, x, inner)
		}
	}
	return b.String()
}
