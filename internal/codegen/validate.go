package main

// The request-body validators: api/validate.gen.go, and the list of the
// rules they leave to the server, api/validate_unchecked.gen.txt.
//
// Every type an operation takes as its JSON body, and every named struct
// type inside it, gets `func (v T) Validate() error`. It checks the rules of
// the document as JSON Schema reads them, where the Go value can break
// them: required (a nil pointer, slice or map is sent as null or left out),
// enum, minimum/maximum, minLength/maxLength, pattern, minItems/maxItems,
// through nested objects and array elements. ValidationError and the
// helpers the checks call are hand-written, in api/validation.go.
//
// Schema and Go type are walked together: the body schema with the type
// oapi-codegen generated for it, each property with the field whose json
// tag names it. Every rule met on the way that does not become a check is
// written to the unchecked list by name, so a review sees it.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/types"
	"maps"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// writeValidators writes the validators of doc's request bodies and their
// unchecked list into dir (package api), for the types of pkg, and records
// in pkg which types have a Validate method.
func writeValidators(dir string, doc *openapi3.T, pkg *apiPackage) error {
	src, unchecked, validates, err := generateValidators(doc, pkg.types)
	if err != nil {
		return err
	}
	pkg.validates = validates
	if err := writeGo(filepath.Join(dir, "validate.gen.go"), src); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "validate_unchecked.gen.txt"), unchecked)
}

type gen struct {
	types     map[string]*ast.TypeSpec
	checks    map[string]*checks // by the name of the type that has the methods
	patterns  map[string]string  // variable → pattern
	unchecked map[string]bool    // "Type.path: rule"
	err       error
}

// checks is the body of one validateFields method.
type checks struct {
	schema *openapi3.Schema
	code   string
	busy   bool // being generated: the type contains itself
}

// generateValidators returns the source of validate.gen.go, the text of
// validate_unchecked.gen.txt and the types that get a Validate method.
func generateValidators(doc *openapi3.T, typeSpecs map[string]*ast.TypeSpec) (src, unchecked []byte, validates map[string]bool, err error) {
	g := &gen{types: typeSpecs, checks: map[string]*checks{}, patterns: map[string]string{}, unchecked: map[string]bool{}}
	bodies := map[string]string{} // lower case → XJSONRequestBody: the name normalizer may change case
	for name := range typeSpecs {
		if strings.HasSuffix(name, "JSONRequestBody") {
			bodies[strings.ToLower(name)] = name
		}
	}
	paths := doc.Paths.InMatchingOrder()
	slices.Sort(paths)
	for _, path := range paths {
		ops := doc.Paths.Value(path).Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			op := ops[method]
			if op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
				continue
			}
			schema := op.RequestBody.Value.Content.Get("application/json").Schema
			name, ok := bodies[strings.ToLower(op.OperationID+"JSONRequestBody")]
			u, named := g.resolve(ast.NewIdent(name))
			if st, isStruct := u.(*ast.StructType); ok && isStruct && schema != nil {
				g.named(named, st, schema.Value)
			} else {
				g.unchecked[fmt.Sprintf("%s %s: the body has no Go struct type", method, path)] = true
			}
		}
	}
	validates = map[string]bool{}
	for name := range g.checks {
		validates[name] = true
	}
	return g.render(), g.list(), validates, g.err
}

// named generates the checks of the named struct type name from schema s.
// A type met again with another schema (a $ref with a description of its
// own is one) must get the same checks from it: it has one method.
func (g *gen) named(name string, st *ast.StructType, s *openapi3.Schema) *checks {
	c := g.checks[name]
	switch {
	case c == nil:
		c = &checks{schema: s, busy: true}
		g.checks[name] = c
		c.code = (&emitter{g: g, typ: name}).fields("v", st, s, path{})
		c.busy = false
	case c.schema != s && !c.busy && (&emitter{g: g, typ: name}).fields("v", st, s, path{}) != c.code:
		g.err = fmt.Errorf("the Go type %s stands for schemas of the document with different rules; "+
			"give them the same rules, or separate Go types, in internal/codegen/overlay.yaml", name)
	}
	return c
}

// resolve follows type names to the type expression they stand for; named
// is the first defined type on the way, which has the methods.
func (g *gen) resolve(t ast.Expr) (u ast.Expr, named string) {
	for {
		id, ok := t.(*ast.Ident)
		if !ok || g.types[id.Name] == nil {
			return t, named
		}
		if !g.types[id.Name].Assign.IsValid() && named == "" {
			named = id.Name
		}
		t = g.types[id.Name].Type
	}
}

// kind is what the checks need to know of a resolved type.
func kind(u ast.Expr) string {
	switch u := u.(type) {
	case *ast.StarExpr:
		return "pointer"
	case *ast.ArrayType:
		return "slice" // oapi-codegen makes no arrays of fixed length
	case *ast.MapType:
		return "map"
	case *ast.StructType:
		return "struct"
	case *ast.SelectorExpr:
		return types.ExprString(u) // time.Time
	case *ast.Ident:
		if k, ok := basicKinds[u.Name]; ok {
			return k
		}
	}
	return "other"
}

var basicKinds = map[string]string{"string": "string", "bool": "bool", "float32": "number", "float64": "number",
	"int": "number", "int8": "number", "int16": "number", "int32": "number", "int64": "number",
	"uint": "number", "uint8": "number", "uint16": "number", "uint32": "number", "uint64": "number"}

// emitter writes the checks of one named type.
type emitter struct {
	g      *gen
	typ    string
	loops  int  // nesting depth of loops over array elements
	secret bool // the field may hold a secret: errors show no value
}

// fields writes the checks of the struct st held in x against the object
// schema s (its allOf parts merged, as oapi-codegen merges them), in the
// order of the fields: the first failure is the one returned.
func (e *emitter) fields(x string, st *ast.StructType, s *openapi3.Schema, p path) string {
	props, required := map[string][]*openapi3.Schema{}, map[string]bool{}
	for _, c := range chain(s) {
		for name, ref := range c.Properties {
			if !slices.Contains(props[name], ref.Value) {
				props[name] = append(props[name], ref.Value)
			}
		}
		for _, r := range c.Required {
			required[r] = true
		}
		e.uncheck(p, rules(c)...) // the object's own: oneOf, additionalProperties...
	}
	for _, name := range slices.Sorted(maps.Keys(required)) {
		if props[name] == nil {
			e.uncheck(p.field(name), "required, but not a property")
		}
	}
	var b strings.Builder
	for _, f := range st.Fields.List {
		if f.Tag == nil || len(f.Names) != 1 {
			continue // embedded
		}
		name, opts, _ := strings.Cut(reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("json"), ",")
		ps := props[name]
		if ps == nil {
			continue // json:"-", or not in the document
		}
		delete(props, name)
		if some(ps, func(s *openapi3.Schema) bool { return s.ReadOnly }) {
			continue // not sent in requests
		}
		fx, fp := x+"."+f.Names[0].Name, p.field(name)
		e.secret = sensitive(name, f.Type, ps)
		var code string
		for _, s := range ps {
			code += e.check(fx, f.Type, s, fp)
		}
		u, _ := e.g.resolve(f.Type)
		k := kind(u)
		// omitempty leaves a zero value out: there is nothing to check.
		sent := map[string]string{"string": fx + ` != ""`, "number": fx + " != 0", "slice": "len(" + fx + ") != 0", "map": "len(" + fx + ") != 0"}[k]
		if code != "" && sent != "" && strings.Contains(opts, "omitempty") {
			code = fmt.Sprintf("if %s {\n%s}\n", sent, code)
		}
		// A nil pointer, slice or map is sent as null or left out: missing.
		if required[name] && !some(ps, nullable) && (k == "pointer" || k == "slice" || k == "map") {
			code = fmt.Sprintf("if %s == nil {\n%s}\n", fx, e.fail(fp, "is required", "")) + code
		}
		b.WriteString(code)
	}
	for _, name := range slices.Sorted(maps.Keys(props)) {
		e.uncheck(p.field(name), "not a field of the Go type")
	}
	return b.String()
}

// check writes the checks of the value x, of Go type t, against schema s.
func (e *emitter) check(x string, t ast.Expr, s *openapi3.Schema, p path) string {
	u, named := e.g.resolve(t)
	var b strings.Builder
	var checked []string // the rules this Go type can be checked against
	switch kind(u) {
	case "pointer":
		if inner := e.check("*"+x, u.(*ast.StarExpr).X, s, p); inner != "" {
			return fmt.Sprintf("if %s != nil {\n%s}\n", x, inner)
		}
		return ""
	case "struct":
		if named == "" { // an inline object
			return e.fields(x, u.(*ast.StructType), s, p)
		}
		if c := e.g.named(named, u.(*ast.StructType), s); c.busy || c.code != "" {
			return fmt.Sprintf("if err := %s.validateFields(); err != nil {\nerr.Field = %s + err.Field\nreturn err\n}\n",
				strings.TrimPrefix(x, "*"), cat(p.expr, "."))
		}
		return ""
	case "slice":
		checked = []string{"minItems", "maxItems"}
		e.loops++
		i, el := "i", "x"
		if e.loops > 1 {
			i, el = i+strconv.Itoa(e.loops), el+strconv.Itoa(e.loops)
		}
		var inner string
		for _, c := range chain(s) {
			lo, hi := lengths(c.MinItems, c.MaxItems)
			b.WriteString(e.limits("len("+x+")", lo, hi, "element", p, "strconv.Itoa(n)"))
			if c.Items != nil {
				inner += e.check(el, u.(*ast.ArrayType).Elt, c.Items.Value, p.elem(i))
			}
		}
		e.loops--
		if inner != "" {
			fmt.Fprintf(&b, "for %s, %s := range %s {\n%s}\n", i, el, x, inner)
		}
	case "number":
		checked = []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
		n, got := "float64("+x+")", "strconv.FormatFloat(n, 'f', -1, 64)"
		for _, c := range chain(s) {
			lo, hi, exLo, exHi := c.Min, c.Max, c.ExclusiveMin.Value, c.ExclusiveMax.Value
			if c.ExclusiveMin.IsTrue() { // OpenAPI 3.0: a flag on minimum
				lo, exLo = nil, c.Min
			}
			if c.ExclusiveMax.IsTrue() {
				hi, exHi = nil, c.Max
			}
			b.WriteString(e.limits(n, lo, hi, "", p, got))
			if exLo != nil {
				fmt.Fprintf(&b, "if n := %s; n <= %s {\n%s}\n", n, num(*exLo), e.fail(p, "must be greater than "+num(*exLo), got))
			}
			if exHi != nil {
				fmt.Fprintf(&b, "if n := %s; n >= %s {\n%s}\n", n, num(*exHi), e.fail(p, "must be less than "+num(*exHi), got))
			}
		}
	case "string":
		checked = []string{"enum", "minLength", "maxLength", "pattern"}
		str := x
		if named != "" {
			str = "string(" + x + ")"
		}
		if !e.enum(&b, str, s, p) {
			checked = checked[1:]
		}
		for _, c := range chain(s) {
			lo, hi := lengths(c.MinLength, c.MaxLength)
			b.WriteString(e.limits("utf8.RuneCountInString("+str+")", lo, hi, "character", p, "strconv.Itoa(n)"))
			if _, err := regexp.Compile(c.Pattern); err != nil {
				e.uncheck(p, "pattern "+strconv.Quote(c.Pattern)+" (not Go syntax)")
			} else if c.Pattern != "" {
				fmt.Fprintf(&b, "if !%s.MatchString(%s) {\n%s}\n", e.g.patternVar(c.Pattern, e.typ+"."+p.text), str,
					e.fail(p, "must match the pattern "+c.Pattern, ""))
			}
		}
	case "map":
		if !slices.ContainsFunc(chain(s), func(c *openapi3.Schema) bool { return !plain(c.AdditionalProperties.Schema, 0) }) {
			checked = []string{"additionalProperties"} // the Go type of the values is all they ask
		}
	case "time.Time":
		checked = []string{"format date-time"} // what time.Time marshals to
	}
	for _, c := range chain(s) {
		for _, r := range rules(c) {
			if !slices.Contains(checked, r) {
				e.uncheck(p, r)
			}
		}
	}
	return b.String()
}

// enum writes the check of a string enum, with the values that all allOf
// parts allow, and reports whether it dealt with the rule.
func (e *emitter) enum(b *strings.Builder, str string, s *openapi3.Schema, p path) bool {
	var lists [][]any
	for _, c := range chain(s) {
		if len(c.Enum) > 0 {
			lists = append(lists, c.Enum)
		}
	}
	var quoted []string
	for _, v := range slices.Concat(lists...) {
		if _, ok := v.(string); !ok {
			return false // not a string enum
		}
		all := !slices.ContainsFunc(lists, func(l []any) bool { return !slices.Contains(l, v) })
		if q := strconv.Quote(v.(string)); all && !slices.Contains(quoted, q) {
			quoted = append(quoted, q)
		}
	}
	switch list := strings.Join(quoted, ", "); {
	case len(lists) == 0:
		return false
	case list == "":
		e.uncheck(p, "enum: its allOf parts have no value in common")
	default:
		fmt.Fprintf(b, "switch %s {\ncase %s:\ndefault:\n%s}\n", str, list, e.fail(p, "must be one of "+list, "validationQuote("+str+")"))
	}
	return true
}

// limits writes the check that n (a Go expression) is between lo and hi,
// either of which may be missing; noun is what a length counts.
func (e *emitter) limits(n string, lo, hi *float64, noun string, p path, got string) string {
	verb, long := "must be", map[string]string{"character": " long"}[noun]
	if noun == "element" {
		verb = "must have"
	}
	words := func(v float64) string { // "365", "1 element", "40 characters long"
		if noun == "" {
			return num(v)
		} else if v == 1 {
			return "1 " + noun + long
		}
		return num(v) + " " + noun + "s" + long
	}
	var cond, rule string
	switch {
	case lo != nil && hi != nil:
		cond, rule = fmt.Sprintf("n < %s || n > %s", num(*lo), num(*hi)), verb+" between "+num(*lo)+" and "+words(*hi)
	case lo != nil:
		cond, rule = "n < "+num(*lo), verb+" at least "+words(*lo)
	case hi != nil:
		cond, rule = "n > "+num(*hi), verb+" at most "+words(*hi)
	default:
		return ""
	}
	return fmt.Sprintf("if n := %s; %s {\n%s}\n", n, cond, e.fail(p, rule, got))
}

// lengths turns minLength and maxLength, or minItems and maxItems, into
// bounds: a minimum of 0 is none.
func lengths(lo uint64, hi *uint64) (*float64, *float64) {
	var l, h *float64
	if lo > 0 {
		l = new(float64(lo))
	}
	if hi != nil {
		h = new(float64(*hi))
	}
	return l, h
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// fail is the statement that reports a broken rule, with the value got
// (a Go expression) unless the field may hold a secret.
func (e *emitter) fail(p path, rule, got string) string {
	if e.secret || got == "" {
		got = `""`
	}
	return fmt.Sprintf("return validationFailed(%s, %s, %s)\n", p.expr, strconv.Quote(rule), got)
}

// rules names the validation keywords of s itself, not of its allOf parts,
// properties or items, which are walked on their own. The formats the Go
// type guarantees are left out, and password, which only asks user
// interfaces to hide the value.
func rules(s *openapi3.Schema) []string {
	format := s.Format
	if slices.Contains([]string{"int32", "int64", "float", "double", "password"}, format) {
		format = ""
	}
	var names []string
	for name, set := range map[string]bool{
		"enum": len(s.Enum) > 0, "const": s.Const != nil, "not": s.Not != nil,
		"oneOf": len(s.OneOf) > 0, "anyOf": len(s.AnyOf) > 0, "format " + format: format != "",
		"minimum": s.Min != nil, "maximum": s.Max != nil, "multipleOf": s.MultipleOf != nil,
		"exclusiveMinimum": s.ExclusiveMin.Value != nil, "exclusiveMaximum": s.ExclusiveMax.Value != nil,
		"minLength": s.MinLength > 0, "maxLength": s.MaxLength != nil, "pattern": s.Pattern != "",
		"minItems": s.MinItems > 0, "maxItems": s.MaxItems != nil, "uniqueItems": s.UniqueItems,
		"minProperties": s.MinProps > 0, "maxProperties": s.MaxProps != nil,
		"additionalProperties": s.AdditionalProperties.Schema != nil, "propertyNames": s.PropertyNames != nil,
		"patternProperties": len(s.PatternProperties) > 0, "if/then/else": s.If != nil,
		"dependentRequired": len(s.DependentRequired) > 0, "contains": s.Contains != nil, "prefixItems": len(s.PrefixItems) > 0,
	} {
		if set {
			names = append(names, name)
		}
	}
	return names // in no order: the list is sorted when written
}

// plain reports whether every Go value of the right type satisfies ref:
// no rule in it, nor in anything inside it (to a few levels).
func plain(ref *openapi3.SchemaRef, depth int) bool {
	if ref == nil {
		return true
	}
	for _, c := range chain(ref.Value) {
		if depth > 3 || len(c.Properties) > 0 || slices.ContainsFunc(rules(c), func(r string) bool { return r != "additionalProperties" }) ||
			!plain(c.Items, depth+1) || !plain(c.AdditionalProperties.Schema, depth+1) {
			return false
		}
	}
	return true
}

func (e *emitter) uncheck(p path, rules ...string) {
	for _, r := range rules {
		e.g.unchecked[strings.TrimSuffix(e.typ+"."+p.text, ".")+": "+r] = true
	}
}

// chain is s and, recursively, its allOf parts: the rules of each apply.
func chain(s *openapi3.Schema) []*openapi3.Schema {
	out := []*openapi3.Schema{s}
	for _, part := range s.AllOf {
		out = append(out, chain(part.Value)...)
	}
	return out
}

// some reports whether f holds for one of the schemas or their allOf parts.
func some(ps []*openapi3.Schema, f func(*openapi3.Schema) bool) bool {
	return slices.ContainsFunc(ps, func(s *openapi3.Schema) bool { return slices.ContainsFunc(chain(s), f) })
}

func nullable(s *openapi3.Schema) bool { return s.Nullable || s.Type.Includes("null") }

// sensitive fields never show their value in an error.
func sensitive(name string, t ast.Expr, ps []*openapi3.Schema) bool {
	name = strings.ToLower(name)
	return strings.TrimLeft(types.ExprString(t), "*[]") == "Secret" ||
		strings.Contains(name, "token") || strings.Contains(name, "secret") || strings.Contains(name, "password") || strings.Contains(name, "key") ||
		some(ps, func(s *openapi3.Schema) bool { return s.Format == "password" })
}

// path is where a value sits in a body: a Go string expression for the
// error, and text for the unchecked list ("rules[].sources").
type path struct{ expr, text string }

func (p path) field(name string) path {
	if p.text == "" {
		return path{strconv.Quote(name), name}
	}
	return path{cat(p.expr, "."+name), p.text + "." + name}
}

func (p path) elem(i string) path {
	return path{cat(p.expr, "[") + " + strconv.Itoa(" + i + ") + " + `"]"`, p.text + "[]"}
}

// cat appends the text s to the Go string expression expr, in one literal
// where expr ends with one.
func cat(expr, s string) string {
	if strings.HasSuffix(expr, `"`) {
		return expr[:len(expr)-1] + strconv.Quote(s)[1:]
	}
	return expr + " + " + strconv.Quote(s)
}

// patternVar names the variable of a pattern after the field that has it.
func (g *gen) patternVar(pattern, where string) string {
	v := "pattern"
	for _, w := range strings.FieldsFunc(where, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		v += strings.ToUpper(w[:1]) + w[1:]
	}
	for g.patterns[v] != "" && g.patterns[v] != pattern {
		v += "_"
	}
	g.patterns[v] = pattern
	return v
}

func (g *gen) render() []byte {
	var b, body bytes.Buffer
	for _, name := range slices.Sorted(maps.Keys(g.checks)) {
		if g.checks[name].code == "" {
			fmt.Fprintf(&body, "// Validate returns nil: the document gives %s no rule the client checks.\n"+
				"func (v %[1]s) Validate() error { return nil }\n\nfunc (v %[1]s) validateFields() *ValidationError { return nil }\n\n", name)
			continue
		}
		fmt.Fprintf(&body, "// Validate checks v against the rules the NetBird API document gives\n// %s. It returns the first rule broken, as a *ValidationError, or nil.\n"+
			"func (v %[1]s) Validate() error { return validationFailedIn(%[1]q, v.validateFields()) }\n\n"+
			"func (v %[1]s) validateFields() *ValidationError {\n%s\treturn nil\n}\n\n", name, g.checks[name].code)
	}
	b.WriteString(header + "package api\n\n// ValidationError and the helpers are in validation.go; the rules left to\n" +
		"// the server are listed in validate_unchecked.gen.txt.\n\nimport (\n")
	for _, pkg := range []string{"strconv", "unicode/utf8"} {
		if bytes.Contains(body.Bytes(), []byte(filepath.Base(pkg)+".")) {
			fmt.Fprintf(&b, "\t%q\n", pkg)
		}
	}
	b.WriteString(")\n\n// The document's patterns, compiled on first use.\nvar (\n")
	for _, v := range slices.Sorted(maps.Keys(g.patterns)) {
		fmt.Fprintf(&b, "\t%s = &lazyRegexp{expr: %q}\n", v, g.patterns[v])
	}
	b.WriteString(")\n\n")
	b.Write(body.Bytes())
	return b.Bytes()
}

// list is the text of validate_unchecked.gen.txt.
func (g *gen) list() []byte {
	b := []byte("# Generated by internal/codegen from openapi.yaml. DO NOT EDIT.\n#\n" +
		"# The rules of the request-body schemas that the Validate methods of\n" +
		"# validate.gen.go do not check, and leave to the server: one a line, as\n" +
		"# \"GoType.json.path: rule\", where [] stands for any array element.\n\n")
	for _, l := range slices.Sorted(maps.Keys(g.unchecked)) {
		b = append(b, l+"\n"...)
	}
	return b
}
