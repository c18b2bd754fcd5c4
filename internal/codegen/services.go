package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/tools/imports"
)

// The resource services of the root package (gen.go) are derived from two
// sources: the named document (service, method, docs, cloud-only) and the
// generated api package (the request builders' signatures, result and
// parameter types). Each method calls oapi-codegen's builder,
// api.New<ID>Request, with the client's server URL and hands the request to
// call.go, which sends it and decodes the answer.

type service struct {
	Name       string // Tokens
	Doc        []string
	CloudOnly  bool
	Operations []*operation
}

type operation struct {
	ID, Method, HTTPMethod, Path  string
	Summary, Description, DocsURL string
	CloudOnly, Experimental       bool
	Deprecated                    bool
	BodyValidated                 bool   // the body type has a generated Validate method
	Args                          []arg  // as api.New<ID>Request takes them, after the server URL
	Result                        string // Go type returned with the error; "" for none
	Decode                        string // "json", "bytes" or "none"
	Page                          *paging
	Item                          string // element type of a bare-array result, also streamed (<Method>Seq)
	// RequiredQuery is the first query parameter the document requires:
	// params must not be nil. "" when none is required.
	RequiredQuery string
}

type arg struct {
	Name, Type string
	IsBody     bool
	IsPath     bool // a string path parameter: checked before sending
}

// paging describes a page-numbered list operation: params with a Page
// field, a response with Data and TotalPages.
type paging struct {
	Item   string // element type of Data
	Params string // params type without pointer
}

//go:embed templates/services.tmpl
var servicesTemplate string

func writeServices(path string, doc *openapi3.T, pkg *apiPackage) error {
	services, err := collectServices(doc, pkg)
	if err != nil {
		return err
	}
	tmpl, err := template.New("services").Funcs(template.FuncMap{
		"comment": comment,
		"join":    strings.Join,
	}).Parse(servicesTemplate)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, services); err != nil {
		return err
	}
	// The template imports everything an operation may need; drop what
	// this document's operations do not use.
	src, err := imports.Process(path, b.Bytes(), &imports.Options{Comments: true, TabIndent: true, TabWidth: 8})
	if err != nil {
		return fmt.Errorf("%s: generated code does not parse: %w", path, err)
	}
	return writeGo(path, src)
}

// apiPackage is the generated api package as the writers need it: its
// types and request builders, parsed once.
type apiPackage struct {
	fset      *token.FileSet
	funcs     map[string]*ast.FuncDecl // top-level functions by name
	types     map[string]*ast.TypeSpec
	validates map[string]bool // types with a Validate method (validate.go)
}

func readAPIPackage(dir string) (*apiPackage, error) {
	p := &apiPackage{fset: token.NewFileSet(), funcs: map[string]*ast.FuncDecl{}, types: map[string]*ast.TypeSpec{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(p.fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					p.funcs[d.Name.Name] = d
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						p.types[ts.Name.Name] = ts
					}
				}
			}
		}
	}
	return p, nil
}

// alias returns Y for `type X = Y`, Y an identifier.
func (p *apiPackage) alias(name string) (string, bool) {
	if ts := p.types[name]; ts != nil && ts.Assign.IsValid() {
		if id, ok := ts.Type.(*ast.Ident); ok {
			return id.Name, true
		}
	}
	return "", false
}

// structType returns the struct of a type declared as one, or nil.
func (p *apiPackage) structType(name string) *ast.StructType {
	if ts := p.types[name]; ts != nil {
		st, _ := ts.Type.(*ast.StructType)
		return st
	}
	return nil
}

func (p *apiPackage) src(n ast.Node) string {
	var buf bytes.Buffer
	_ = printer.Fprint(&buf, p.fset, n)
	return buf.String()
}

// qualified prints a type of package api as seen from package netbird.
func (p *apiPackage) qualified(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		if ast.IsExported(t.Name) {
			name := t.Name
			for target, ok := p.alias(name); ok; target, ok = p.alias(name) {
				if !ast.IsExported(target) {
					return target // an alias of a predeclared type: CountryCode = string
				}
				name = target // show users the model, not the alias (X = XJSONBody = Model)
			}
			return "api." + name
		}
		return t.Name
	case *ast.StarExpr:
		return "*" + p.qualified(t.X)
	case *ast.ArrayType:
		return "[]" + p.qualified(t.Elt)
	case *ast.MapType:
		return "map[" + p.qualified(t.Key) + "]" + p.qualified(t.Value)
	}
	return p.src(e)
}

// field finds a struct field by name.
func (p *apiPackage) field(structName, name string) ast.Expr {
	st := p.structType(structName)
	if st == nil {
		return nil
	}
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.Name == name {
				return f.Type
			}
		}
	}
	return nil
}

func collectServices(doc *openapi3.T, pkg *apiPackage) ([]*service, error) {
	tags := map[string]*openapi3.Tag{}
	for _, t := range doc.Tags {
		tags[t.Name] = t
	}
	byName := map[string]*service{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			o, svcName, err := newOperation(method, path, item, op, tags, pkg)
			if err != nil {
				return nil, err
			}
			s := byName[svcName]
			if s == nil {
				s = &service{Name: svcName, CloudOnly: true}
				byName[svcName] = s
			}
			s.CloudOnly = s.CloudOnly && o.CloudOnly
			for _, tag := range op.Tags {
				d := "NetBird's " + tag + " operations."
				if t := tags[tag]; t != nil && t.Description != "" {
					d = sentence(t.Description)
				}
				if !slices.Contains(s.Doc, d) {
					s.Doc = append(s.Doc, d)
				}
			}
			s.Operations = append(s.Operations, o)
		}
	}
	for _, s := range byName {
		slices.SortFunc(s.Operations, func(a, b *operation) int { return strings.Compare(a.Method, b.Method) })
	}
	return slices.SortedFunc(maps.Values(byName), func(a, b *service) int { return strings.Compare(a.Name, b.Name) }), nil
}

func newOperation(method, path string, item *openapi3.PathItem, op *openapi3.Operation, tags map[string]*openapi3.Tag, pkg *apiPackage) (*operation, string, error) {
	svc, _ := op.Extensions["x-go-service"].(string)
	meth, _ := op.Extensions["x-go-method"].(string)
	if svc == "" || meth == "" {
		return nil, "", fmt.Errorf("%s %s: no x-go-service/x-go-method in the named document", method, path)
	}
	o := &operation{
		ID: op.OperationID, Method: meth, HTTPMethod: method, Path: path,
		Summary: strings.TrimSuffix(strings.TrimSpace(op.Summary), "."), Description: sentence(op.Description),
		Deprecated: op.Deprecated,
	}
	if strings.EqualFold(strings.TrimSuffix(o.Description, "."), o.Summary) {
		o.Description = "" // "Delete a peer." says nothing the summary did not
	}
	if len(op.Tags) > 0 {
		o.DocsURL = "https://docs.netbird.io/api/resources/" + slug(op.Tags[0])
		if t := tags[op.Tags[0]]; t != nil {
			o.CloudOnly, _ = t.Extensions["x-cloud-only"].(bool)
			o.Experimental, _ = t.Extensions["x-experimental"].(bool)
		}
	}

	builder := pkg.funcs["New"+o.ID+"Request"]
	if builder == nil {
		return nil, "", fmt.Errorf("%s %s: api has no New%sRequest", method, path, o.ID)
	}
	for _, f := range builder.Type.Params.List[1:] { // [0] is the server URL
		for _, n := range f.Names {
			a := arg{Name: n.Name, Type: pkg.qualified(f.Type), IsBody: n.Name == "body"}
			a.IsPath = !a.IsBody && n.Name != "params" && a.Type == "string"
			if a.IsBody {
				o.BodyValidated = pkg.validates[strings.TrimPrefix(a.Type, "api.")]
			}
			o.Args = append(o.Args, a)
		}
	}
	for _, p := range slices.Concat(item.Parameters, op.Parameters) {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && p.Value.Required && o.RequiredQuery == "" {
			o.RequiredQuery = p.Value.Name
		}
	}

	o.Decode = "none"
	for _, code := range []string{"200", "201", "202"} {
		t := pkg.field(o.ID+"Response", "JSON"+code)
		if t == nil {
			continue
		}
		o.Decode = "json"
		o.Result = pkg.qualified(t)
		if strings.HasPrefix(o.Result, "*[]") || strings.HasPrefix(o.Result, "*map[") {
			o.Result = o.Result[1:] // lists and maps are returned by value
		}
		if !strings.HasPrefix(o.Result, "*") && !strings.HasPrefix(o.Result, "[]") && !strings.HasPrefix(o.Result, "map[") {
			// The template returns nil for "no result"; keep every result nil-able.
			return nil, "", fmt.Errorf("%s %s: result type %s is not a pointer, slice or map", method, path, o.Result)
		}
		break
	}
	if strings.Contains(o.Result, "interface{}") {
		// A delete answers an empty object ({}): nothing for the caller,
		// so it returns only an error, like every other delete.
		if method == "DELETE" && o.Result == "map[string]interface{}" {
			o.Decode, o.Result = "none", ""
		} else {
			return nil, "", fmt.Errorf("%s %s: the document gives the answer no schema (result %s): describe it with a fix in overlay.yaml", method, path, o.Result)
		}
	}
	if o.Decode == "json" && strings.HasPrefix(o.Result, "[]") {
		o.Item = o.Result[2:]
	}
	if o.Decode == "none" && hasNonJSONSuccess(op) {
		o.Decode, o.Result = "bytes", "[]byte"
	}

	// Page-numbered lists: params with Page, a result with Data and TotalPages.
	if params := pkg.field(o.ID+"Params", "Page"); params != nil && o.Decode == "json" {
		res := strings.TrimPrefix(o.Result, "*api.")
		if data := pkg.field(res, "Data"); data != nil && pkg.field(res, "TotalPages") != nil {
			if arr, ok := data.(*ast.ArrayType); ok {
				o.Page = &paging{Item: pkg.qualified(arr.Elt), Params: "api." + o.ID + "Params"}
			}
		}
	}
	return o, svc, nil
}

func hasNonJSONSuccess(op *openapi3.Operation) bool {
	for code, r := range op.Responses.Map() {
		if !strings.HasPrefix(code, "2") || r.Value == nil {
			continue
		}
		for ct := range r.Value.Content {
			if !strings.Contains(ct, "json") {
				return true
			}
		}
	}
	return false
}

// sentence trims text and ends it with a full stop, so gofmt never mistakes
// a one-line paragraph for a heading.
func sentence(text string) string {
	text = strings.TrimSpace(text)
	if text != "" && !strings.ContainsRune(".!?:)", rune(text[len(text)-1])) {
		text += "."
	}
	return text
}

// slug turns a tag into the NetBird docs path segment: "Setup Keys" → "setup-keys".
func slug(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "-")
}

// comment formats text as Go comment lines, keeping paragraphs.
func comment(indent, text string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			b.WriteString(indent + "//\n")
		} else {
			b.WriteString(indent + "// " + line + "\n")
		}
	}
	return b.String()
}
