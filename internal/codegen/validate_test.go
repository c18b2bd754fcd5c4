package main

import (
	"errors"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
)

const tinyDoc = `openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /things:
    post:
      operationId: CreateThing
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/ThingRequest'}}}
      responses: {'200': {description: ok}}
  /routes:
    post:
      operationId: CreateRoute
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/RouteRequest'}}}
      responses: {'200': {description: ok}}
  /plans:
    post:
      operationId: ActivatePlan
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                tier: {type: string}
              required: [tier]
      responses: {'200': {description: ok}}
components:
  schemas:
    ThingRequest:
      type: object
      properties:
        name: {type: string, minLength: 2, maxLength: 5}
        description: {type: string}
        count: {type: integer, minimum: 1, maximum: 10}
        ratio: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}
        kind: {type: string, enum: [a, b]}
        mode: {$ref: '#/components/schemas/Mode'}
        code: {type: string, pattern: '^[A-Z]{2}$'}
        lookahead: {type: string, pattern: '^(?=x)'}
        api_key: {type: string, minLength: 8}
        pin: {type: string, format: password, maxLength: 3}
        tags: {type: array, minItems: 1, maxItems: 3, items: {type: string, maxLength: 4}}
        parts: {type: array, items: {$ref: '#/components/schemas/Part'}}
        child: {$ref: '#/components/schemas/Part'}
        labels: {type: object, additionalProperties: {type: string, maxLength: 3}}
        created: {type: string, readOnly: true, minLength: 3}
        level: {$ref: '#/components/schemas/Level'}
      required: [name, description, count, kind, parts, created]
    Mode: {type: string, enum: [x, y]}
    Level:
      allOf:
        - $ref: '#/components/schemas/Mode'
        - {type: string, enum: [z]}
    Part:
      type: object
      properties:
        id: {type: string}
        size: {type: integer, format: int64, minimum: 0}
      required: [id]
    RouteRequest:
      type: object
      properties:
        network_id: {type: string}
      required: [id, network_id]
`

// generateFrom runs oapi-codegen's models and our validators on a document.
func generateFrom(t *testing.T, docText string) (models []byte, res *valResult) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(docText))
	if err != nil {
		t.Fatal(err)
	}
	code, err := codegen.Generate(doc, oapiConfig(codegen.GenerateOptions{Models: true}))
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseModels([]byte(code))
	if err != nil {
		t.Fatal(err)
	}
	res = generateValidators(doc, m)
	formatted, err := format.Source(res.src)
	if err != nil {
		t.Fatalf("generated code does not parse: %v\n%s", err, res.src)
	}
	res.src = formatted
	return []byte(code), res
}

// typeCheck compiles the models and, last, the validators together, and
// fails on errors in the validators. Packages outside the standard library
// (oapi-codegen's runtime, used by unions) are empty stand-ins: the errors
// they cause in the models don't matter here.
func typeCheck(t *testing.T, files ...[]byte) {
	t.Helper()
	fset := token.NewFileSet()
	var parsed []*ast.File
	for i, src := range files {
		f, err := parser.ParseFile(fset, filepath.Join("api", string(rune('a'+i))+".go"), src, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
	}
	last := fset.File(parsed[len(parsed)-1].Pos()).Name()
	var errs []error
	conf := types.Config{
		Importer: stubImporter{importer.Default()},
		Error: func(err error) {
			var te types.Error
			if !errors.As(err, &te) || te.Fset.Position(te.Pos).Filename == last {
				errs = append(errs, err)
			}
		},
	}
	_, _ = conf.Check("api", fset, parsed, nil)
	for _, err := range errs {
		t.Errorf("generated code does not compile: %v", err)
	}
}

// validationGo is api/validation.go: ValidationError and the helpers the
// generated checks call.
func validationGo(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../api/validation.go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type stubImporter struct{ std types.Importer }

func (s stubImporter) Import(path string) (*types.Package, error) {
	if strings.Contains(strings.Split(path, "/")[0], ".") {
		p := types.NewPackage(path, filepath.Base(path))
		p.MarkComplete()
		return p, nil
	}
	return s.std.Import(path)
}

// funcBody returns the source of one generated method.
func funcBody(t *testing.T, src []byte, recv, name string) string {
	t.Helper()
	re := regexp.MustCompile(`(?ms)^func \(v ` + recv + `\) ` + name + `\(\).*?^}$`)
	m := re.Find(src)
	if m == nil {
		t.Fatalf("no %s.%s in:\n%s", recv, name, src)
	}
	return string(m)
}

func TestValidatorsOfTinyDocument(t *testing.T) {
	models, res := generateFrom(t, tinyDoc)
	typeCheck(t, models, validationGo(t), res.src)

	thing := funcBody(t, res.src, "ThingRequest", "validateFields")
	for _, want := range []string{
		// lengths, counted in characters
		`if n := utf8.RuneCountInString(v.Name); n < 2 || n > 5 {
		return validationFailed("name", "must be between 2 and 5 characters long", validationLen(v.Name))`,
		// an inclusive pair of bounds
		`if v.Count < 1 || v.Count > 10 {
		return validationFailed("count", "must be between 1 and 10", strconv.FormatInt(int64(v.Count), 10))`,
		// OpenAPI 3.1 numeric exclusive bounds, on an optional field
		`if *v.Ratio <= 0 {`, `"must be greater than 0"`, `if *v.Ratio >= 1 {`, `"must be less than 1"`,
		// an inline enum and a referenced one: their Valid methods
		`if !v.Kind.Valid() {
		return validationFailed("kind", "must be one of \"a\", \"b\"", validationQuote(string(v.Kind)))`,
		`if v.Mode != nil {
		if !v.Mode.Valid() {`,
		// a pattern, compiled on first use
		`if !patternThingRequestCode.MatchString(*v.Code) {`,
		// secrets: by name and by format, without their value
		`return validationFailed("api_key", "must be at least 8 characters long", "")`,
		`return validationFailed("pin", "must be at most 3 characters long", "")`,
		// array length, and its elements
		`if n := len(*v.Tags); n < 1 || n > 3 {`,
		`return validationFailed("tags["+strconv.Itoa(i)+"]", "must be at most 4 characters long", validationLen(x))`,
		// nested structs: their path is prefixed
		`err.Field = "parts[" + strconv.Itoa(i) + "]." + err.Field`,
		`if err := v.Child.validateFields(); err != nil {
			err.Field = "child." + err.Field`,
		// required strings
		`if v.Name == "" {
		return validationFailed("name", "is required", "")`,
	} {
		if !strings.Contains(thing, want) {
			t.Errorf("ThingRequest checks lack\n%s\nin\n%s", want, thing)
		}
	}
	for _, absent := range []string{
		`v.Description == ""`, // free text may be empty
		`"created"`,           // readOnly: never sent
		`"labels"`,            // additionalProperties: not checked
		`Lookahead`,           // Go cannot compile the pattern
		`"level"`,             // enums with nothing in common
	} {
		if strings.Contains(thing, absent) {
			t.Errorf("ThingRequest checks contain %s:\n%s", absent, thing)
		}
	}
	if !strings.Contains(string(res.src), `patternThingRequestCode = &lazyRegexp{expr: "^[A-Z]{2}$"}`) {
		t.Errorf("no lazily compiled pattern in\n%s", res.src)
	}

	// The inline body gets its checks on the type the client takes.
	if body := funcBody(t, res.src, "ActivatePlanJSONRequestBody", "validateFields"); !strings.Contains(body, `v.Tier == ""`) {
		t.Errorf("inline body not checked:\n%s", body)
	}
	if !strings.Contains(funcBody(t, res.src, "Part", "validateFields"), `if v.Size != nil {
		if *v.Size < 0 {`) {
		t.Error("Part.size not checked")
	}

	wantRules := map[string]int{
		"required": 5, "minLength": 2, "maxLength": 3, "minimum": 2, "maximum": 1,
		"exclusiveMinimum": 1, "exclusiveMaximum": 1, "enum": 2, "pattern": 1, "minItems": 1, "maxItems": 1,
	}
	if !maps.Equal(res.rules, wantRules) {
		t.Errorf("rules = %v, want %v", res.rules, wantRules)
	}
	wantSkipped := map[string]int{"additionalProperties": 1, "pattern Go cannot compile": 1, "enums with no common value": 2}
	if !maps.Equal(res.skipped, wantSkipped) {
		t.Errorf("skipped = %v, want %v", res.skipped, wantSkipped)
	}
	if res.types != 4 || res.trivial != 0 {
		t.Errorf("types %d (%d trivial), want 4 (0)", res.types, res.trivial)
	}
	t.Log(res.summary())
}

// A required property the schema does not define is a defect of the
// document: a note, a comment, and no check.
func TestRequiredButUndefinedIsANote(t *testing.T) {
	_, res := generateFrom(t, tinyDoc)
	const note = `RouteRequest requires "id", which it does not define; no check generated`
	if !slices.Contains(res.notes, note) {
		t.Errorf("notes %q lack %q", res.notes, note)
	}
	route := funcBody(t, res.src, "RouteRequest", "validateFields")
	if !strings.Contains(route, `// The document requires "id", which RouteRequest does not define; no check generated.`) {
		t.Errorf("no comment on the defect:\n%s", route)
	}
	if strings.Contains(route, `validationFailed("id"`) || strings.Contains(route, "v.ID") {
		t.Errorf("a check for id:\n%s", route)
	}
	if !strings.Contains(route, `v.NetworkID == ""`) {
		t.Errorf("network_id not checked:\n%s", route)
	}
	if !slices.ContainsFunc(res.notes, func(n string) bool { return strings.Contains(n, "pattern \"^(?=x)\" is not valid Go regexp syntax") }) {
		t.Errorf("no note on the pattern Go cannot compile: %q", res.notes)
	}
}

// OpenAPI 3.0 gives exclusive bounds as booleans next to minimum/maximum.
func TestExclusiveBoundsOpenAPI30(t *testing.T) {
	doc := strings.Replace(tinyDoc, "openapi: 3.1.0", "openapi: 3.0.3", 1)
	doc = strings.Replace(doc, "ratio: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}",
		"ratio: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true}", 1)
	models, res := generateFrom(t, doc)
	typeCheck(t, models, validationGo(t), res.src)
	thing := funcBody(t, res.src, "ThingRequest", "validateFields")
	for _, want := range []string{`if *v.Ratio <= 0 {`, `"must be greater than 0"`, `if *v.Ratio >= 1 {`, `"must be less than 1"`} {
		if !strings.Contains(thing, want) {
			t.Errorf("lacks %s:\n%s", want, thing)
		}
	}
}

func TestValidatorsAreDeterministic(t *testing.T) {
	_, a := generateFrom(t, tinyDoc)
	for range 3 {
		if _, b := generateFrom(t, tinyDoc); string(a.src) != string(b.src) || !slices.Equal(a.notes, b.notes) {
			t.Fatal("two runs generated different code")
		}
	}
}

// On the real document: the known defects are notes, route creation without
// an id passes, and the output compiles with the real models.
func TestValidatorsOfVendoredDocument(t *testing.T) {
	doc, err := util.LoadSwaggerWithOverlay("../../openapi.yaml", util.LoadSwaggerWithOverlayOpts{Path: "overlay.yaml", Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files [][]byte
	for _, gen := range []codegen.GenerateOptions{{Models: true}} {
		code, err := codegen.Generate(doc, oapiConfig(gen))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, []byte(code))
	}
	secret, err := os.ReadFile("../../api/secret.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, secret)
	for i, f := range files {
		if err := os.WriteFile(filepath.Join(dir, string(rune('a'+i))+".go"), f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := readModels(dir, "validate.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	res := generateValidators(doc, m)
	// (RouteRequest's required id, which it does not define, is removed by
	// a fix in overlay.yaml.)
	for _, want := range []string{
		`Resource.type: the enums of the allOf parts of ResourceType have no value in common; no check generated`,
	} {
		if !slices.Contains(res.notes, want) {
			t.Errorf("notes %q lack %q", res.notes, want)
		}
	}
	if len(res.notes) != 1 {
		t.Errorf("unexpected notes: %q", res.notes)
	}
	src, err := format.Source(res.src)
	if err != nil {
		t.Fatal(err)
	}
	route := funcBody(t, src, "RouteRequest", "validateFields")
	if strings.Contains(route, `validationFailed("id"`) || strings.Contains(route, `v.Description == ""`) {
		t.Errorf("RouteRequest checks id or an empty description:\n%s", route)
	}
	if res.types < 50 || res.rules["required"] == 0 || res.rules["enum"] == 0 {
		t.Errorf("too little generated: %s", res.summary())
	}
	typeCheck(t, append(files, validationGo(t), src)...)
}

// A Go type reached through schemas with different rules (here through an
// x-go-type) gets no checks: either set of checks would be wrong somewhere.
func TestConflictingSchemasGiveNoChecks(t *testing.T) {
	const doc = `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    post:
      operationId: CreateA
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}
      responses: {'200': {description: ok}}
components:
  schemas:
    A:
      type: object
      properties:
        plain: {$ref: '#/components/schemas/Part'}
        strict:
          type: object
          x-go-type: Part
          properties:
            name: {type: string}
            size: {type: integer, minimum: 5}
    Part:
      type: object
      properties:
        name: {type: string}
        size: {type: integer, minimum: 1}
`
	models, res := generateFrom(t, doc)
	typeCheck(t, models, validationGo(t), res.src)
	if !slices.ContainsFunc(res.notes, func(n string) bool {
		return strings.HasPrefix(n, "Part is the Go type of schemas with different rules")
	}) {
		t.Errorf("no note on the conflict: %q", res.notes)
	}
	if !strings.Contains(string(res.src), "func (v Part) Validate() error { return nil }") {
		t.Errorf("Part is checked:\n%s", res.src)
	}
	if !strings.Contains(string(res.src), "func (v A) validateFields() *ValidationError { return nil }") {
		t.Errorf("A calls Part's checks:\n%s", res.src)
	}
	if res.skipped["conflicting schemas"] == 0 {
		t.Errorf("skipped = %v", res.skipped)
	}
}
