package main

import (
	"errors"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
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
        ip: {type: string, format: ipv4}
        at: {type: string, format: date-time}
        tags: {type: array, minItems: 1, maxItems: 3, items: {type: string, maxLength: 4}}
        parts: {type: array, items: {$ref: '#/components/schemas/Part'}}
        grid: {type: array, items: {type: array, items: {type: integer, maximum: 9}}}
        notes: {type: array, nullable: true, items: {type: string}}
        child: {$ref: '#/components/schemas/Part'}
        meta:
          type: object
          properties:
            keys: {type: array, items: {type: string}}
          required: [keys]
        labels: {type: object, additionalProperties: {type: string, maxLength: 3}}
        extra: {type: object, additionalProperties: {type: string}}
        choice:
          oneOf: [{type: string}, {type: integer}]
        created: {type: string, readOnly: true, minLength: 3}
        level: {$ref: '#/components/schemas/Level'}
      required: [name, description, count, kind, parts, notes, meta, created]
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

// generated is what generateFrom produced.
type generated struct {
	models, src []byte
	unchecked   string
}

// generateFrom runs oapi-codegen's models and our validators on a document.
func generateFrom(t *testing.T, docText string) (generated, error) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(docText))
	if err != nil {
		t.Fatal(err)
	}
	return generateFromDoc(t, doc)
}

func generateFromDoc(t *testing.T, doc *openapi3.T) (generated, error) {
	t.Helper()
	code, err := codegen.Generate(doc, oapiConfig(codegen.GenerateOptions{Models: true}))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	secret, err := os.ReadFile("../../api/secret.go")
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string][]byte{"models.gen.go": []byte(code), "secret.go": secret} {
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkg, err := readAPIPackage(dir)
	if err != nil {
		t.Fatal(err)
	}
	src, unchecked, _, err := generateValidators(doc, pkg.types)
	if err != nil {
		return generated{}, err
	}
	formatted, err := format.Source(src)
	if err != nil {
		t.Fatalf("generated code does not parse: %v\n%s", err, src)
	}
	return generated{[]byte(code), formatted, string(unchecked)}, nil
}

// typeCheck compiles the models, api/secret.go, api/validation.go and the
// validators together, and fails on errors in the validators. Packages
// outside the standard library are empty stand-ins.
func typeCheck(t *testing.T, g generated) {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range []string{"models.gen.go", "../../api/secret.go", "../../api/validation.go", "validate.gen.go"} {
		var src any
		switch name {
		case "models.gen.go":
			src = g.models
		case "validate.gen.go":
			src = g.src
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var errs []error
	conf := types.Config{
		Importer: stubImporter{importer.Default()},
		Error: func(err error) {
			var te types.Error
			if !errors.As(err, &te) || te.Fset.Position(te.Pos).Filename == "validate.gen.go" {
				errs = append(errs, err)
			}
		},
	}
	_, _ = conf.Check("api", fset, files, nil)
	for _, err := range errs {
		t.Errorf("generated code does not compile: %v", err)
	}
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
	g, err := generateFrom(t, tinyDoc)
	if err != nil {
		t.Fatal(err)
	}
	typeCheck(t, g)

	thing := funcBody(t, g.src, "ThingRequest", "validateFields")
	for _, want := range []string{
		// lengths, counted in characters
		`if n := utf8.RuneCountInString(v.Name); n < 2 || n > 5 {
		return validationFailed("name", "must be between 2 and 5 characters long", strconv.Itoa(n))`,
		// an inclusive pair of bounds
		`if n := float64(v.Count); n < 1 || n > 10 {
		return validationFailed("count", "must be between 1 and 10", strconv.FormatFloat(n, 'f', -1, 64))`,
		// OpenAPI 3.1 numeric exclusive bounds, on an optional field
		`if n := float64(*v.Ratio); n <= 0 {`, `"must be greater than 0"`, `if n := float64(*v.Ratio); n >= 1 {`, `"must be less than 1"`,
		// an inline enum and a referenced one
		`switch string(v.Kind) {
	case "a", "b":
	default:
		return validationFailed("kind", "must be one of \"a\", \"b\"", validationQuote(string(v.Kind)))`,
		`if v.Mode != nil {
		switch string(*v.Mode) {`,
		// a pattern, compiled on first use
		`if !patternThingRequestCode.MatchString(*v.Code) {`,
		// secrets, by name and by format, without their value
		`return validationFailed("api_key", "must be at least 8 characters long", "")`,
		`return validationFailed("pin", "must be at most 3 characters long", "")`,
		// array length, and its elements
		`if n := len(*v.Tags); n < 1 || n > 3 {`,
		`return validationFailed("tags["+strconv.Itoa(i)+"]", "must be at most 4 characters long", strconv.Itoa(n))`,
		// arrays of arrays
		`for i, x := range *v.Grid {
			for i2, x2 := range x {
				if n := float64(x2); n > 9 {
					return validationFailed("grid["+strconv.Itoa(i)+"]["+strconv.Itoa(i2)+"]", "must be at most 9",`,
		// required: a nil slice would be sent as null
		`if v.Parts == nil {
		return validationFailed("parts", "is required", "")`,
		// nested structs: their path is prefixed
		`err.Field = "parts[" + strconv.Itoa(i) + "]." + err.Field`,
		`if err := v.Child.validateFields(); err != nil {
			err.Field = "child." + err.Field`,
		// an inline object is checked in place
		`if v.Meta.Keys == nil {
		return validationFailed("meta.keys", "is required", "")`,
	} {
		if !strings.Contains(thing, want) {
			t.Errorf("ThingRequest checks lack\n%s\nin\n%s", want, thing)
		}
	}
	for _, absent := range []string{
		`v.Name == ""`, `v.Description`, // a required string is present even when empty
		`v.Notes`,   // required but nullable: null is allowed
		`"created"`, // readOnly: never sent
		`Lookahead`, // Go cannot compile the pattern
		`"level"`,   // enums with nothing in common
		`v.Labels`, `v.Extra`, `v.Choice`, `v.IP`, `v.At`,
	} {
		if strings.Contains(thing, absent) {
			t.Errorf("ThingRequest checks contain %s:\n%s", absent, thing)
		}
	}
	if !strings.Contains(string(g.src), `patternThingRequestCode = &lazyRegexp{expr: "^[A-Z]{2}$"}`) {
		t.Errorf("no lazily compiled pattern in\n%s", g.src)
	}
	if !strings.Contains(funcBody(t, g.src, "Part", "validateFields"), `if v.Size != nil {
		if n := float64(*v.Size); n < 0 {`) {
		t.Error("Part.size not checked")
	}
	// A body with only a required string has no rule to check.
	if !strings.Contains(string(g.src), "func (v ActivatePlanJSONRequestBody) Validate() error { return nil }") {
		t.Errorf("ActivatePlanJSONRequestBody has checks:\n%s", g.src)
	}

	// Every rule that is not checked is listed, and only those: not the
	// formats the Go type keeps (password, int64, date-time as time.Time),
	// nor a map whose values have no rule.
	want := []string{
		"RouteRequest.id: required, but not a property",
		"ThingRequest.ip: format ipv4",
		"ThingRequest.labels: additionalProperties",
		`ThingRequest.level: enum: its allOf parts have no value in common`,
		`ThingRequest.lookahead: pattern "^(?=x)" (not Go syntax)`,
		"ThingRequest_Choice: oneOf",
	}
	var got []string
	for _, l := range strings.Split(g.unchecked, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("unchecked:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(g.unchecked, "# Generated by internal/codegen") {
		t.Errorf("the unchecked list does not say it is generated:\n%s", g.unchecked)
	}
}

// OpenAPI 3.0 gives exclusive bounds as flags next to minimum/maximum.
func TestExclusiveBoundsOpenAPI30(t *testing.T) {
	doc := strings.Replace(tinyDoc, "openapi: 3.1.0", "openapi: 3.0.3", 1)
	doc = strings.Replace(doc, "ratio: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}",
		"ratio: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true}", 1)
	g, err := generateFrom(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	typeCheck(t, g)
	thing := funcBody(t, g.src, "ThingRequest", "validateFields")
	for _, want := range []string{`if n := float64(*v.Ratio); n <= 0 {`, `"must be greater than 0"`, `if n := float64(*v.Ratio); n >= 1 {`, `"must be less than 1"`} {
		if !strings.Contains(thing, want) {
			t.Errorf("lacks %s:\n%s", want, thing)
		}
	}
}

func TestValidatorsAreDeterministic(t *testing.T) {
	a, err := generateFrom(t, tinyDoc)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if b, _ := generateFrom(t, tinyDoc); string(a.src) != string(b.src) || a.unchecked != b.unchecked {
			t.Fatal("two runs generated different output")
		}
	}
}

// The vendored document gives the committed output, which compiles with
// the real models.
func TestValidatorsOfVendoredDocument(t *testing.T) {
	// As the generator loads it, whichever release is vendored: the fixes
	// retired.yaml lists as dormant are skipped.
	ret, err := readRetired("retired.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := loadNamed("../../openapi.yaml", "overlay.yaml", "retired.yaml", ret.dormant)
	if err != nil {
		t.Fatal(err)
	}
	g, err := generateFromDoc(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	typeCheck(t, g)
	for file, got := range map[string]string{"validate.gen.go": string(g.src), "validate_unchecked.gen.txt": g.unchecked} {
		if want, err := os.ReadFile("../../api/" + file); err != nil || string(want) != got {
			t.Errorf("api/%s is not what the generator writes (%v): run go generate ./...", file, err)
		}
	}
}

// A Go type that stands for schemas with different rules (here through an
// x-go-type) cannot have one Validate method right for both: an error.
func TestConflictingSchemasFail(t *testing.T) {
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
        described: {$ref: '#/components/schemas/Part', description: the same rules}
        strict:
          type: object
          x-go-type: Part
          properties:
            size: {type: integer, minimum: 5}
    Part:
      type: object
      properties:
        size: {type: integer, minimum: 1}
`
	_, err := generateFrom(t, doc)
	if err == nil || !strings.Contains(err.Error(), "the Go type Part stands for schemas of the document with different rules") {
		t.Fatalf("want a conflict error, got %v", err)
	}
	// Without the x-go-type, a $ref with its own description is the same rules.
	g, err := generateFrom(t, strings.Replace(doc, "x-go-type: Part", "x-go-type: Other", 1))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(funcBody(t, g.src, "Part", "validateFields"), `n < 1`) {
		t.Errorf("Part is not checked:\n%s", g.src)
	}
}
