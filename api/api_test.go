package api_test

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird/api"
)

// Every operation in the vendored document is one request method on
// ClientWithResponses, and no generated name carries the "/api" path prefix
// as an "Api" word.
func TestEveryOperationHasARequestMethod(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ops := 0
	for _, item := range doc.Paths.Map() {
		ops += len(item.Operations())
	}

	typ := reflect.TypeFor[*api.ClientWithResponses]()
	var methods []string
	for m := range typ.Methods() {
		if strings.HasSuffix(m.Name, "WithResponse") && !strings.HasSuffix(m.Name, "WithBodyWithResponse") {
			methods = append(methods, m.Name)
		}
	}
	if ops == 0 || len(methods) != ops {
		t.Errorf("document has %d operations, ClientWithResponses has %d request methods", ops, len(methods))
	}
	apiWord := regexp.MustCompile(`Api([A-Z]|$)`)
	for _, m := range methods {
		if apiWord.MatchString(m) {
			t.Errorf("method %s carries the path prefix as a name", m)
		}
	}
	for _, want := range []string{"ListTokensWithResponse", "GetTokenWithResponse", "CreateTokenWithResponse", "DeleteTokenWithResponse", "ListPeersWithResponse", "GetCurrentUserWithResponse", "InviteUserWithResponse", "ListNetworkTrafficEventsWithResponse"} {
		if _, ok := typ.MethodByName(want); !ok {
			t.Errorf("ClientWithResponses has no %s", want)
		}
	}
}

// No exported identifier of the generated packages carries "Api" as a word:
// the listing has every one of them.
func TestNoAPIPrefixArtefacts(t *testing.T) {
	b, err := os.ReadFile("../api_surface.txt")
	if err != nil {
		t.Fatal(err)
	}
	apiWord := regexp.MustCompile(`\b[A-Za-z0-9]*Api([A-Z][A-Za-z0-9]*)?\b`)
	lines := strings.Split(string(b), "\n")
	if len(lines) < 1000 {
		t.Fatalf("api_surface.txt has %d lines; expected the whole generated API", len(lines))
	}
	for _, l := range lines {
		if m := apiWord.FindString(l); m != "" {
			t.Errorf("%q in: %s", m, l)
		}
	}
}
