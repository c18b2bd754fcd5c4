package main

import (
	"fmt"
	"go/ast"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The services build their requests themselves rather than through
// api.New<ID>Request: one URL parse per call instead of three, no fmt or
// reflection, and the context set when the request is made. describeRequest
// turns an operation's path and parameters into the Go code that does it,
// and refuses, naming it, anything that code would get wrong.

// plainPath matches path text that needs no escaping.
var plainPath = regexp.MustCompile(`^[A-Za-z0-9/_.~-]*$`)

func (o *operation) describeRequest(params openapi3.Parameters, body *openapi3.RequestBodyRef, pkg *apiPackage) error {
	for _, p := range params {
		if p.Value != nil && p.Value.In != openapi3.ParameterInPath && p.Value.In != openapi3.ParameterInQuery {
			return fmt.Errorf("parameter %q is in %s; the services send only path and query parameters", p.Value.Name, p.Value.In)
		}
	}
	if err := o.describePath(pkg); err != nil {
		return err
	}
	for _, a := range o.Args {
		switch {
		case a.IsBody:
			o.HasBody = true
			if body == nil || body.Value == nil {
				return fmt.Errorf("api takes a body the document does not describe")
			}
			for ct := range body.Value.Content {
				if ct != "application/json" {
					return fmt.Errorf("request body of type %s; the services send JSON only", ct)
				}
			}
		case a.Name == "params":
			if err := o.describeQuery(a.Type, params, pkg); err != nil {
				return err
			}
		}
	}
	return nil
}

// describePath sets PathExpr: the path's text with each {placeholder}
// replaced by the escaped path argument of api's builder at the same
// position (oapi-codegen orders them as the path does; the names are
// checked too).
func (o *operation) describePath(pkg *apiPackage) error {
	var args []arg
	for _, a := range o.Args {
		if !a.IsBody && a.Name != "params" {
			args = append(args, a)
		}
	}
	var parts []string
	literal := func(s string) error {
		if !plainPath.MatchString(s) {
			return fmt.Errorf("path text %q needs escaping, which the services do not do", s)
		}
		if n := len(parts); n > 0 && strings.HasSuffix(parts[n-1], `"`) {
			parts[n-1] = parts[n-1][:len(parts[n-1])-1] + s + `"`
		} else if s != "" {
			parts = append(parts, strconv.Quote(s))
		}
		return nil
	}
	rest, i := o.Path, 0
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if err := literal(rest); err != nil {
				return err
			}
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return fmt.Errorf("path has an unclosed {")
		}
		name := rest[open+1 : open+end]
		if err := literal(rest[:open]); err != nil {
			return err
		}
		rest = rest[open+end+1:]
		if i >= len(args) {
			return fmt.Errorf("path parameter {%s} has no argument in api's builder", name)
		}
		a := args[i]
		i++
		if looseName(a.Name) != looseName(name) {
			return fmt.Errorf("path parameter {%s} would be filled from argument %s: the orders differ", name, a.Name)
		}
		var expr string
		switch t := a.Type; {
		case t == "string":
			expr = "url.PathEscape(" + a.Name + ")"
		case t == "int":
			expr = "strconv.Itoa(" + a.Name + ")"
		case t == "int64":
			expr = "strconv.FormatInt(" + a.Name + ", 10)"
		case pkg.defined[strings.TrimPrefix(t, "api.")] == "string":
			expr = "url.PathEscape(string(" + a.Name + "))"
		default:
			return fmt.Errorf("path parameter {%s} has type %s, which the services cannot put in a path", name, t)
		}
		parts = append(parts, expr)
	}
	if i != len(args) {
		return fmt.Errorf("api's builder takes %d path arguments, the path has %d placeholders", len(args), i)
	}
	o.PathExpr = strings.Join(parts, " + ")
	return nil
}

// looseName compares a placeholder with oapi-codegen's argument name:
// peerId and peerID, account_id and accountID.
func looseName(s string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(s))
}

// describeQuery sets Query: for each field of the params struct, the
// statements that add it to r.query, styled as the document's form,
// explode=true parameters are (a list repeats its name).
func (o *operation) describeQuery(paramsType string, params openapi3.Parameters, pkg *apiPackage) error {
	name := strings.TrimPrefix(strings.TrimPrefix(paramsType, "*"), "api.")
	st := pkg.structs[name]
	if st == nil {
		return fmt.Errorf("api has no struct %s", name)
	}
	o.ParamsType = name
	inDoc := map[string]*openapi3.Parameter{}
	for _, p := range params {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			inDoc[p.Value.Name] = p.Value
		}
	}
	seen := 0
	for _, f := range st.Fields.List {
		if len(f.Names) != 1 || f.Tag == nil {
			return fmt.Errorf("%s: a field without a name or a tag", name)
		}
		field := f.Names[0].Name
		tag, _ := strconv.Unquote(f.Tag.Value)
		qname, _, _ := strings.Cut(reflect.StructTag(tag).Get("form"), ",")
		p := inDoc[qname]
		if p == nil {
			return fmt.Errorf("%s.%s: query parameter %q is not in the document", name, field, qname)
		}
		seen++
		if (p.Style != "" && p.Style != openapi3.SerializationForm) || (p.Explode != nil && !*p.Explode) {
			return fmt.Errorf("query parameter %q is not style form with explode true; the services send no other", qname)
		}
		typ := f.Type
		v := "params." + field
		ptr := false
		if star, ok := typ.(*ast.StarExpr); ok {
			typ, v, ptr = star.X, "*"+v, true
		}
		stmt, err := queryStatement(qname, v, typ, pkg)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", name, field, err)
		}
		if ptr {
			stmt = "if params." + field + " != nil {\n" + stmt + "\n}"
		}
		if p.Required {
			missing := ""
			if ptr {
				missing = "params." + field + " == nil"
			} else if id, ok := typ.(*ast.Ident); ok && (id.Name == "string" || pkg.defined[id.Name] == "string") {
				missing = "params." + field + ` == ""`
			}
			o.RequiredQuery = append(o.RequiredQuery, requiredParam{Name: qname, Missing: missing})
		}
		o.Query = append(o.Query, stmt)
	}
	if seen != len(inDoc) {
		return fmt.Errorf("%s has %d query fields, the document %d query parameters", name, seen, len(inDoc))
	}
	return nil
}

type requiredParam struct {
	Name    string // the parameter's name in the document
	Missing string // Go condition, besides a nil params, meaning it is absent
}

// queryStatement adds value v of type typ to r.query as name.
func queryStatement(name, v string, typ ast.Expr, pkg *apiPackage) (string, error) {
	q := strconv.Quote(name)
	if arr, ok := typ.(*ast.ArrayType); ok {
		elem, err := queryValue("x", arr.Elt, pkg)
		if err != nil {
			return "", err
		}
		return "for _, x := range " + v + " {\nr.query.Add(" + q + ", " + elem + ")\n}", nil
	}
	val, err := queryValue(v, typ, pkg)
	if err != nil {
		return "", err
	}
	return "r.query.Set(" + q + ", " + val + ")", nil
}

// queryValue formats v as runtime's form style does: numbers in decimal,
// date-times in RFC 3339 with nanoseconds.
func queryValue(v string, typ ast.Expr, pkg *apiPackage) (string, error) {
	if sel, ok := typ.(*ast.SelectorExpr); ok {
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == "time" && sel.Sel.Name == "Time" {
			return strings.TrimPrefix(v, "*") + ".Format(time.RFC3339Nano)", nil
		}
	}
	id, ok := typ.(*ast.Ident)
	if !ok {
		return "", fmt.Errorf("type %s cannot be sent as a query parameter", pkg.src(typ))
	}
	basic, conv := id.Name, v
	if u, ok := pkg.defined[id.Name]; ok {
		basic, conv = u, u+"("+v+")"
	}
	switch basic {
	case "string":
		return conv, nil
	case "int":
		return "strconv.Itoa(" + conv + ")", nil
	case "int64":
		return "strconv.FormatInt(" + conv + ", 10)", nil
	case "int32":
		return "strconv.FormatInt(int64(" + v + "), 10)", nil
	case "bool":
		return "strconv.FormatBool(" + conv + ")", nil
	case "float64":
		return "strconv.FormatFloat(" + conv + ", 'f', -1, 64)", nil
	case "float32":
		return "strconv.FormatFloat(float64(" + v + "), 'f', -1, 32)", nil
	}
	return "", fmt.Errorf("type %s cannot be sent as a query parameter", id.Name)
}
