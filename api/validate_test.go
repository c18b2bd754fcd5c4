package api_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/internal/spec"
)

type validator interface{ Validate() error }

func ptr[T any](v T) *T { return &v }

func validRule() api.PolicyRuleUpdate {
	return api.PolicyRuleUpdate{
		Name:     "r",
		Action:   api.PolicyRuleUpdateActionAccept,
		Protocol: api.PolicyRuleUpdateProtocolTCP,
		Sources:  &[]string{"g1"},
	}
}

func validRoute() api.RouteRequest {
	return api.RouteRequest{NetworkID: "net", Metric: 9999, Groups: []string{"g"}, Network: ptr("10.0.0.0/24")}
}

func TestValidate(t *testing.T) {
	schemas := bodySchemas(t)
	long := strings.Repeat("x", 41)
	for _, tc := range []struct {
		name  string
		body  validator
		field string // "" when the body is valid
		rule  string // substring of Rule
		value string
	}{
		{"token expires_in 0", api.PersonalAccessTokenRequest{Name: "t", ExpiresIn: 0}, "expires_in", "must be between 1 and 365", "0"},
		{"token expires_in 366", api.PersonalAccessTokenRequest{Name: "t", ExpiresIn: 366}, "expires_in", "must be between 1 and 365", "366"},
		{"token expires_in 1", api.PersonalAccessTokenRequest{Name: "t", ExpiresIn: 1}, "", "", ""},
		{"token expires_in 365", api.PersonalAccessTokenRequest{Name: "t", ExpiresIn: 365}, "", "", ""},
		// A required string is present in the JSON even when empty.
		{"token with an empty name", api.PersonalAccessTokenRequest{ExpiresIn: 30}, "", "", ""},
		{"inline body with an empty required string", api.AWSMarketplaceActivateRequest{}, "", "", ""},

		{"enum", api.DNSRecordRequest{Name: "a.example.com", Content: "1.2.3.4", Type: "MX"}, "type", `must be one of "A", "AAAA", "CNAME"`, `"MX"`},
		{"enum ok", api.DNSRecordRequest{Name: "a.example.com", Content: "1.2.3.4", Type: api.DNSRecordTypeA}, "", "", ""},
		{"empty enum", api.DNSRecordRequest{Name: "a.example.com", Content: "1.2.3.4"}, "type", "must be one of", `""`},
		{"minimum", api.DNSRecordRequest{Name: "a", Content: "x", Type: api.DNSRecordTypeA, TTL: -1}, "ttl", "must be at least 0", "-1"},
		{"minLength", api.DNSRecordRequest{Name: "a", Type: api.DNSRecordTypeA}, "content", "must be between 1 and 255 characters long", "0"},

		{"required nil slice", api.PolicyUpdate{Name: "p"}, "rules", "is required", ""},
		{"required empty slice", api.PolicyUpdate{Name: "p", Rules: []api.PolicyRuleUpdate{}}, "", "", ""},
		{"nested array element", api.PolicyUpdate{Name: "p", Rules: []api.PolicyRuleUpdate{validRule(), func() api.PolicyRuleUpdate {
			r := validRule()
			r.Protocol = "tcpx"
			return r
		}()}}, "rules[1].protocol", "must be one of", `"tcpx"`},
		{"nested array element ok", api.PolicyUpdate{Name: "p", Rules: []api.PolicyRuleUpdate{validRule()}}, "", "", ""},
		{"rule name may be empty", api.PolicyCreate{Name: "p", Rules: []api.PolicyRuleUpdate{func() api.PolicyRuleUpdate {
			r := validRule()
			r.Name = ""
			return r
		}()}}, "", "", ""},
		{"deep path", api.PostureCheckRequest{Name: "pc", Checks: &api.Checks{GeoLocationCheck: &api.GeoLocationCheck{
			Action: api.GeoLocationCheckActionAllow,
		}}}, "checks.geo_location_check.locations", "is required", ""},
		{"deep path ok", api.PostureCheckRequest{Name: "pc", Checks: &api.Checks{GeoLocationCheck: &api.GeoLocationCheck{
			Action: api.GeoLocationCheckActionAllow, Locations: []api.Location{{CountryCode: "DE"}},
		}}}, "", "", ""},

		{"route", validRoute(), "", "", ""},
		{"route without groups", func() api.RouteRequest { r := validRoute(); r.Groups = nil; return r }(), "groups", "is required", ""},
		{"maxLength", func() api.RouteRequest { r := validRoute(); r.NetworkID = long; return r }(),
			"network_id", "must be between 1 and 40 characters long", "41"},
		{"length counts characters", func() api.RouteRequest { r := validRoute(); r.NetworkID = strings.Repeat("é", 40); return r }(),
			"", "", ""},
		{"array element length", func() api.RouteRequest { r := validRoute(); r.Domains = &[]string{"example.com", ""}; return r }(),
			"domains[1]", "must be between 1 and 32 characters long", "0"},
		{"maximum", func() api.RouteRequest { r := validRoute(); r.Metric = 10000; return r }(),
			"metric", "must be between 1 and 9999", "10000"},

		{"pattern", api.ServiceRequest{Name: "s", Domain: "s.example.com", AccessRestrictions: &api.AccessRestrictions{
			AllowedCountries: &[]string{"DE", "DEU"},
		}}, "access_restrictions.allowed_countries[1]", "must match the pattern ^[a-zA-Z]{2}$", ""},
		{"pattern ok", api.ServiceRequest{Name: "s", Domain: "s.example.com", AccessRestrictions: &api.AccessRestrictions{
			AllowedCountries: &[]string{"DE", "fr"},
		}}, "", "", ""},
		{"optional pointer enum", api.ServiceRequest{Name: "s", Domain: "s.example.com", Mode: ptr(api.ServiceRequestMode("ftp"))},
			"mode", "must be one of", `"ftp"`},
		{"optional pointer number", api.ServiceRequest{Name: "s", Domain: "s.example.com", ListenPort: ptr(65536)},
			"listen_port", "must be between 0 and 65535", "65536"},

		{"minItems", api.AgentNetworkPolicyRequest{Name: "p", SourceGroups: []string{"g"}, DestinationProviderIds: []string{}},
			"destination_provider_ids", "must have at least 1 element", "0"},
		{"minItems ok", api.AgentNetworkPolicyRequest{Name: "p", SourceGroups: []string{"g"}, DestinationProviderIds: []string{"d"}},
			"", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.body.Validate()
			// The document's own verdict on the JSON the client would send.
			if doc := documentVerdict(t, schemas, tc.body); (doc == nil) != (err == nil) {
				t.Errorf("Validate: %v; kin-openapi: %v", err, doc)
			}
			if tc.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var ve *api.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a *ValidationError, got %T %v", err, err)
			}
			typ := strings.TrimPrefix(fmt.Sprintf("%T", tc.body), "api.")
			if ve.Type != typ || ve.Field != tc.field || !strings.Contains(ve.Rule, tc.rule) || ve.Value != tc.value {
				t.Errorf("got Type %q Field %q Rule %q Value %q; want %q %q %q %q", ve.Type, ve.Field, ve.Rule, ve.Value, typ, tc.field, tc.rule, tc.value)
			}
			want := "netbird: invalid " + typ + ": " + tc.field + " " + ve.Rule
			if tc.value != "" {
				want += ", got " + tc.value
			}
			if err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	err := api.PersonalAccessTokenRequest{Name: "t", ExpiresIn: 366}.Validate()
	const want = "netbird: invalid PersonalAccessTokenRequest: expires_in must be between 1 and 365, got 366"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	// Reachable through wrapping.
	var ve *api.ValidationError
	if !errors.As(fmt.Errorf("creating token: %w", err), &ve) || ve.Field != "expires_in" {
		t.Fatalf("errors.As through a wrap: %v", ve)
	}
}

// A password never shows up in an error, not even its length.
func TestSecretsStayOutOfErrors(t *testing.T) {
	for _, pw := range []string{"short", "s€cr€t"} {
		err := api.UserInviteAcceptRequest{Password: api.Secret(pw)}.Validate()
		var ve *api.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("%q: want a *ValidationError, got %v", pw, err)
		}
		if ve.Field != "password" || !strings.Contains(ve.Rule, "8") || ve.Value != "" {
			t.Errorf("%q: got %+v", pw, *ve)
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "got") {
			t.Errorf("%q: error shows the password: %v", pw, err)
		}
	}
	if err := (api.UserInviteAcceptRequest{Password: "Long3nough!"}).Validate(); err != nil {
		t.Errorf("8+ characters: %v", err)
	}
}

// A long enum value is cut short in the error.
func TestLongValueIsShortened(t *testing.T) {
	bad := strings.Repeat("é", 100)
	err := api.DNSRecordRequest{Name: "a", Content: "x", Type: api.DNSRecordType(bad)}.Validate()
	var ve *api.ValidationError
	if !errors.As(err, &ve) {
		t.Fatal(err)
	}
	if len(ve.Value) > 80 || !strings.HasSuffix(ve.Value, "…") || !strings.HasPrefix(ve.Value, `"éé`) {
		t.Errorf("Value = %q", ve.Value)
	}
}

// Every type an operation takes as its JSON body has a Validate method, as
// the services rely on: each XJSONRequestBody, or the type it aliases.
func TestEveryRequestBodyHasValidate(t *testing.T) {
	fset := token.NewFileSet()
	models, err := parser.ParseFile(fset, "models.gen.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	validate, err := parser.ParseFile(fset, "validate.gen.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, d := range validate.Decls {
		if f, ok := d.(*ast.FuncDecl); ok && f.Recv != nil && f.Name.Name == "Validate" {
			has[f.Recv.List[0].Type.(*ast.Ident).Name] = true
		}
	}
	aliases := map[string]string{} // X = Y
	var bodies []string
	for _, d := range models.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range g.Specs {
			ts, ok := s.(*ast.TypeSpec)
			if !ok {
				continue
			}
			if id, ok := ts.Type.(*ast.Ident); ok && ts.Assign.IsValid() {
				aliases[ts.Name.Name] = id.Name
			}
			if strings.HasSuffix(ts.Name.Name, "JSONRequestBody") {
				bodies = append(bodies, ts.Name.Name)
			}
		}
	}
	for _, body := range bodies {
		name := body
		for aliases[name] != "" { // XJSONRequestBody = XJSONBody = Model
			name = aliases[name]
		}
		if !has[name] {
			t.Errorf("%s (%s) has no Validate method", body, name)
		}
	}
	n := len(bodies)
	if n < 50 {
		t.Errorf("found %d request body types; expected the whole API", n)
	}
}

// Validate fails exactly when kin-openapi, reading the JSON the client
// would send against the document, does, for every request body: from a
// small valid instance of the body, each property is set in turn to values
// just inside and just outside each of its rules (nested objects and
// array elements included).
func TestValidateAgreesWithTheDocument(t *testing.T) {
	schemas := bodySchemas(t)
	bodies, compared := 0, 0
	for _, typ := range slices.SortedFunc(maps.Keys(schemas), func(a, b reflect.Type) int { return strings.Compare(a.Name(), b.Name()) }) {
		schema := schemas[typ]
		base, ok := example(schema, 0).(map[string]any)
		if !ok {
			t.Logf("%s: the body is not an object", typ.Name())
			continue
		}
		// try reports the verdicts on base as it is now; ok is false when
		// the JSON is no value of the Go type.
		try := func() (ours, doc error, ok bool) {
			b, _ := json.Marshal(base)
			v := reflect.New(typ)
			if json.Unmarshal(b, v.Interface()) != nil {
				return nil, nil, false
			}
			return v.Elem().Interface().(validator).Validate(), documentVerdict(t, schemas, v.Elem().Interface()), true
		}
		if ours, doc, ok := try(); !ok || ours != nil || doc != nil {
			t.Logf("%s: no valid instance to start from (Validate: %v; kin-openapi: %v)", typ.Name(), ours, doc)
			continue
		}
		bodies++
		sweep(schema, base, typ.Name()+".", 0, try, func(what string, ours, doc error) {
			compared++
			if (ours == nil) != (doc == nil) {
				t.Errorf("%s: Validate: %v; kin-openapi: %v", what, ours, doc)
			}
		})
	}
	t.Logf("%d bodies, %d values compared", bodies, compared)
	if bodies < 50 || compared < 200 {
		t.Errorf("only %d bodies and %d values compared; expected the whole API", bodies, compared)
	}
}

// sweep sets each property of obj (an instance of the object schema s),
// in turn, to values just inside and just outside its rules, reports the
// verdicts of try on each, and puts the property back. It goes on into
// the property's object, or the first element of its array of objects,
// where that is valid.
func sweep(s *openapi3.Schema, obj map[string]any, at string, depth int,
	try func() (error, error, bool), report func(what string, ours, doc error)) {
	props, required := properties(s)
	for _, name := range slices.Sorted(maps.Keys(props)) {
		prop := props[name]
		old, had := obj[name]
		for _, v := range around(prop, required[name]) {
			obj[name] = v
			if ours, doc, ok := try(); ok {
				report(fmt.Sprintf("%s%s = %.40v", at, name, v), ours, doc)
			}
		}
		// Then inside it: an object, or the first element of an array,
		// made present where the instance has none.
		inner := old
		if _, isObject := old.(map[string]any); !isObject && depth < 4 {
			inner = example(prop, 0)
		}
		if a, ok := inner.([]any); ok && len(a) == 0 {
			inner = []any{example(items(prop), 0)}
		}
		obj[name] = inner
		if ours, doc, ok := try(); ok && ours == nil && doc == nil {
			if m, ok := inner.(map[string]any); ok {
				sweep(prop, m, at+name+".", depth+1, try, report)
			} else if a, ok := inner.([]any); ok {
				if m, ok := a[0].(map[string]any); ok {
					sweep(items(prop), m, at+name+"[0].", depth+1, try, report)
				}
			}
		}
		if had {
			obj[name] = old
		} else {
			delete(obj, name)
		}
	}
}

// around is the values just inside and just outside the rules of s.
func around(s *openapi3.Schema, required bool) []any {
	var vs []any
	enum := enumOf(s)
	if len(enum) > 0 {
		vs = append(vs, enum[0], "no such value")
	}
	step := 0.5
	if is(s, "integer") {
		step = 1
	}
	// Lengths are made of two-byte characters: they count characters.
	text := is(s, "string") && len(enum) == 0 && !slices.ContainsFunc(chain(s), func(c *openapi3.Schema) bool { return c.Pattern != "" })
	for _, c := range chain(s) {
		if c.Min != nil {
			vs = append(vs, *c.Min-step, *c.Min, *c.Min+step)
		}
		if c.Max != nil {
			vs = append(vs, *c.Max-step, *c.Max, *c.Max+step)
		}
		if n := small(c.MinLength); text && n > 0 {
			vs = append(vs, strings.Repeat("é", n-1), strings.Repeat("é", n))
		}
		if text && c.MaxLength != nil {
			n := small(*c.MaxLength)
			vs = append(vs, strings.Repeat("é", n), strings.Repeat("é", n+1))
		}
		if n := small(c.MinItems); is(s, "array") && n > 0 {
			el := []any{example(items(s), 0)}
			vs = append(vs, slices.Repeat(el, n-1), slices.Repeat(el, n), slices.Repeat(el, n+1))
		}
		if is(s, "array") && c.MaxItems != nil {
			n, el := small(*c.MaxItems), []any{example(items(s), 0)}
			vs = append(vs, slices.Repeat(el, n), slices.Repeat(el, n+1))
		}
	}
	if required && !nullable(s) && (is(s, "array") || is(s, "object")) {
		vs = append(vs, nil) // sent as null: missing
	}
	return vs
}

// example is a small JSON value that s accepts, where one is easy to make.
func example(s *openapi3.Schema, depth int) any {
	if enum := enumOf(s); len(enum) > 0 {
		return enum[0]
	}
	var lo, minLength, minItems float64
	for _, c := range chain(s) {
		if len(c.OneOf) > 0 {
			return example(c.OneOf[0].Value, depth)
		}
		if c.Min != nil && c.ExclusiveMin.IsTrue() {
			lo = max(lo, *c.Min+1)
		} else if c.Min != nil {
			lo = max(lo, *c.Min)
		}
		minLength, minItems = max(minLength, float64(c.MinLength)), max(minItems, float64(c.MinItems))
	}
	switch {
	case is(s, "object") && depth < 6:
		props, required := properties(s)
		m := map[string]any{}
		for name := range required {
			if p := props[name]; p != nil && !p.ReadOnly {
				m[name] = example(p, depth+1)
			}
		}
		return m
	case is(s, "array") && depth < 6:
		return slices.Repeat([]any{example(items(s), depth+1)}, int(minItems))
	case is(s, "integer"), is(s, "number"):
		return lo
	case is(s, "boolean"):
		return false
	case slices.ContainsFunc(chain(s), func(c *openapi3.Schema) bool { return c.Format == "date-time" }):
		return "2025-01-02T03:04:05Z"
	}
	return strings.Repeat("a", int(minLength))
}

// small is a length or item count of the document, as an int: they are
// small.
func small(n uint64) int {
	if n > 1<<16 {
		panic(fmt.Sprintf("a length of %d in the document", n))
	}
	return int(n)
}

// properties merges the properties and required lists of s's allOf parts.
func properties(s *openapi3.Schema) (map[string]*openapi3.Schema, map[string]bool) {
	props, required := map[string]*openapi3.Schema{}, map[string]bool{}
	for _, c := range chain(s) {
		for name, p := range c.Properties {
			props[name] = p.Value
		}
		for _, r := range c.Required {
			required[r] = true
		}
	}
	return props, required
}

func items(s *openapi3.Schema) *openapi3.Schema {
	for _, c := range chain(s) {
		if c.Items != nil {
			return c.Items.Value
		}
	}
	return &openapi3.Schema{}
}

// enumOf is the values that every enum of s and its allOf parts allows.
func enumOf(s *openapi3.Schema) []any {
	var vals []any
	first := true
	for _, c := range chain(s) {
		if len(c.Enum) > 0 && first {
			vals, first = slices.Clone(c.Enum), false
		}
		vals = slices.DeleteFunc(vals, func(v any) bool { return len(c.Enum) > 0 && !slices.Contains(c.Enum, v) })
	}
	return vals
}

func chain(s *openapi3.Schema) []*openapi3.Schema {
	out := []*openapi3.Schema{s}
	for _, p := range s.AllOf {
		out = append(out, chain(p.Value)...)
	}
	return out
}

func is(s *openapi3.Schema, typ string) bool {
	return slices.ContainsFunc(chain(s), func(c *openapi3.Schema) bool {
		return c.Type.Is(typ) || typ == "object" && len(c.Properties) > 0
	})
}

func nullable(s *openapi3.Schema) bool {
	return slices.ContainsFunc(chain(s), func(c *openapi3.Schema) bool { return c.Nullable || c.Type.Includes("null") })
}

// bodySchemas maps the Go type of every JSON request body to its schema in
// the document the client was generated from: each XWithResponse method
// of ClientWithResponses takes the body of operation X before its request
// editors.
func bodySchemas(t *testing.T) map[reflect.Type]*openapi3.Schema {
	t.Helper()
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = op
		}
	}
	schemas := map[reflect.Type]*openapi3.Schema{}
	for m := range reflect.TypeFor[*api.ClientWithResponses]().Methods() {
		op := ops[strings.TrimSuffix(m.Name, "WithResponse")]
		if op == nil || op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
			continue
		}
		body := m.Type.In(m.Type.NumIn() - 2)
		if body.Kind() != reflect.Struct || !body.Implements(reflect.TypeFor[validator]()) {
			t.Fatalf("%s: the parameter before the request editors is %v, not a body", m.Name, body)
		}
		schemas[body] = op.RequestBody.Value.Content.Get("application/json").Schema.Value
	}
	if len(schemas) < 50 {
		t.Fatalf("found %d request bodies; expected the whole API", len(schemas))
	}
	return schemas
}

// documentVerdict validates the JSON of body with kin-openapi, as a request
// against the body's schema.
func documentVerdict(t *testing.T, schemas map[reflect.Type]*openapi3.Schema, body any) error {
	t.Helper()
	schema := schemas[reflect.TypeOf(body)]
	if schema == nil {
		t.Fatalf("%T is no request body", body)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return schema.VisitJSON(v, openapi3.VisitAsRequest())
}
