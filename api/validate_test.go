package api_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/netbird-go/netbird/api"
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
		{"inline body with an empty required string", api.ActivateAWSMarketplaceJSONRequestBody{}, "", "", ""},

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
		{"deep path", api.PostureCheckUpdate{Name: "pc", Checks: &api.Checks{GeoLocationCheck: &api.GeoLocationCheck{
			Action: api.GeoLocationCheckActionAllow,
		}}}, "checks.geo_location_check.locations", "is required", ""},
		{"deep path ok", api.PostureCheckUpdate{Name: "pc", Checks: &api.Checks{GeoLocationCheck: &api.GeoLocationCheck{
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
	n := 0
	for _, d := range models.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range g.Specs {
			ts, ok := s.(*ast.TypeSpec)
			if !ok || !strings.HasSuffix(ts.Name.Name, "JSONRequestBody") {
				continue
			}
			n++
			name := ts.Name.Name
			if ts.Assign.IsValid() {
				name = ts.Type.(*ast.Ident).Name
			}
			if !has[name] {
				t.Errorf("%s (%s) has no Validate method", ts.Name.Name, name)
			}
		}
	}
	if n < 50 {
		t.Errorf("found %d request body types; expected the whole API", n)
	}
}
