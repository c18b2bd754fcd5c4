package main

import (
	"go/ast"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestDescribeRequestRefusesWhatServicesCannotSend(t *testing.T) {
	yes := true
	no := false
	pathParam := &openapi3.ParameterRef{Value: &openapi3.Parameter{Name: "peerId", In: "path"}}
	query := func(p openapi3.Parameter) *openapi3.ParameterRef {
		p.Name, p.In = "page", "query"
		return &openapi3.ParameterRef{Value: &p}
	}
	pkg := &apiPackage{structs: map[string]*ast.StructType{
		"XParams": {Fields: &ast.FieldList{List: []*ast.Field{{
			Names: []*ast.Ident{ast.NewIdent("Page")},
			Type:  &ast.StarExpr{X: ast.NewIdent("int")},
			Tag:   &ast.BasicLit{Value: "`form:\"page,omitempty\"`"},
		}}}},
	}, defined: map[string]string{}}
	jsonBody := &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithJSONSchema(openapi3.NewObjectSchema())}
	formBody := &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithFormDataSchema(openapi3.NewObjectSchema())}
	for _, c := range []struct {
		name   string
		path   string
		args   []arg
		params openapi3.Parameters
		body   *openapi3.RequestBodyRef
		want   string // "" for no error
	}{
		{"fine", "/api/peers/{peerId}", []arg{{Name: "peerID", Type: "string"}, {Name: "params", Type: "*api.XParams"}},
			openapi3.Parameters{pathParam, query(openapi3.Parameter{})}, nil, ""},
		{"header parameter", "/api/peers", nil,
			openapi3.Parameters{{Value: &openapi3.Parameter{Name: "X-Trace", In: "header"}}}, nil, "in header"},
		{"deepObject", "/api/peers", []arg{{Name: "params", Type: "*api.XParams"}},
			openapi3.Parameters{query(openapi3.Parameter{Style: "deepObject", Explode: &yes})}, nil, "not style form"},
		{"explode false", "/api/peers", []arg{{Name: "params", Type: "*api.XParams"}},
			openapi3.Parameters{query(openapi3.Parameter{Explode: &no})}, nil, "not style form"},
		{"field not in the document", "/api/peers", []arg{{Name: "params", Type: "*api.XParams"}},
			nil, nil, `query parameter "page" is not in the document`},
		{"placeholders out of order", "/api/users/{userId}/tokens/{tokenId}", []arg{{Name: "tokenID", Type: "string"}, {Name: "userID", Type: "string"}},
			nil, nil, "orders differ"},
		{"placeholder without argument", "/api/peers/{peerId}", nil, nil, nil, "has no argument"},
		{"text that needs escaping", "/api/peers list/{peerId}", []arg{{Name: "peerID", Type: "string"}}, nil, nil, "needs escaping"},
		{"object in the path", "/api/peers/{peerId}", []arg{{Name: "peerID", Type: "api.Peer"}}, nil, nil, "cannot put in a path"},
		{"json body", "/api/peers", []arg{{Name: "body", Type: "api.Peer", IsBody: true}}, nil, jsonBody, ""},
		{"form body", "/api/peers", []arg{{Name: "body", Type: "api.Peer", IsBody: true}}, nil, formBody, "JSON only"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := &operation{Path: c.path, Args: c.args}
			err := o.describeRequest(c.params, c.body, pkg)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.name == "fine":
				if want := `"/api/peers/" + url.PathEscape(peerID)`; o.PathExpr != want {
					t.Errorf("path %s, want %s", o.PathExpr, want)
				}
				if want := "if params.Page != nil {\nr.query.Set(\"page\", strconv.Itoa(*params.Page))\n}"; len(o.Query) != 1 || o.Query[0] != want {
					t.Errorf("query statements %q, want [%q]", o.Query, want)
				}
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("got %v; want an error containing %q", err, c.want)
			}
		})
	}
}
