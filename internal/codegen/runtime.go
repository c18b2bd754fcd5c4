package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

const runtimePath = "github.com/oapi-codegen/runtime"

// localRuntime maps the oapi-codegen runtime names that the generated code
// uses to api's own versions of them (api/params.go). Without runtime, a
// program that imports api does not link runtime, google/uuid, go-jsonmerge
// and net/mail: five packages and about 60 KB, and the request builders
// style plain values without reflection.
var localRuntime = map[string]string{
	"StyleParamWithOptions":          "styleParam",
	"StyleParamOptions":              "styleParamOptions",
	"BindStyledParameterWithOptions": "bindStyledParameter",
	"BindStyledParameterOptions":     "bindStyledParameterOptions",
	"ParamLocationQuery":             "paramLocationQuery",
	"ParamLocationPath":              "paramLocationPath",
	"ParamLocationHeader":            "paramLocationHeader",
	"JSONMerge":                      "jsonMerge",
}

// dropRuntime rewrites oapi-codegen's output so that it calls api's
// helpers instead of package runtime. A runtime name with no local
// version is an error that names it: a new release of the document
// needs a helper added to api/params.go before it can be generated.
func dropRuntime(file string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	local, alias := "", "" // the name the file uses; the import's own name, if any
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == runtimePath {
			local = "runtime"
			if imp.Name != nil {
				local, alias = imp.Name.Name, imp.Name.Name
			}
		} else if strings.HasPrefix(p, runtimePath+"/") {
			return nil, fmt.Errorf("%s imports %s; map its types in oapiConfig's TypeMapping", file, p)
		}
	}
	if local == "" {
		return src, nil
	}
	var missing []string
	astutil.Apply(f, func(c *astutil.Cursor) bool {
		sel, ok := c.Node().(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != local {
			return true
		}
		name, ok := localRuntime[sel.Sel.Name]
		if !ok {
			if !slices.Contains(missing, sel.Sel.Name) {
				missing = append(missing, sel.Sel.Name)
			}
			return false
		}
		c.Replace(ast.NewIdent(name))
		return false
	}, nil)
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s uses %s.%s, which api/params.go does not provide; add it there and to localRuntime",
			file, runtimePath, strings.Join(missing, ", runtime."))
	}
	astutil.DeleteNamedImport(fset, f, alias, runtimePath)
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return buf.Bytes(), nil
}
