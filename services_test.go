package netbird_test

// The generated services (gen.go): every operation is a typed method of a
// service with an interface, and requests are checked before sending.

import (
	"context"
	"errors"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/internal/spec"
)

// Every operation of the document is a method of a service field of Client,
// and is listed in the API-surface file.
func TestEveryOperationIsAServiceMethod(t *testing.T) {
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	surface, err := os.ReadFile("api_surface.txt")
	if err != nil {
		t.Fatal(err)
	}
	client := reflect.ValueOf(&netbird.Client{}).Elem()
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			svc, _ := op.Extensions["x-go-service"].(string)
			meth, _ := op.Extensions["x-go-method"].(string)
			field := client.FieldByName(svc)
			if !field.IsValid() {
				t.Errorf("%s %s: Client has no service %q", method, path, svc)
				continue
			}
			if _, ok := field.Type().MethodByName(meth); !ok {
				t.Errorf("%s %s: %s has no method %s", method, path, field.Type(), meth)
			}
			line := "netbird: method (*" + svc + "Service) " + meth + "(ctx context.Context"
			if !strings.Contains(string(surface), line) {
				t.Errorf("%s %s: api_surface.txt has no %q", method, path, line)
			}
		}
	}
	if n < 200 {
		t.Fatalf("only %d operations in the document", n)
	}
}

// No service method hands the caller an untyped value: results are the
// generated models (or slices and maps of them), and every delete returns
// only an error.
func TestServiceResultsAreTyped(t *testing.T) {
	errType := reflect.TypeFor[error]()
	var untyped func(reflect.Type) bool
	untyped = func(t reflect.Type) bool {
		switch t.Kind() {
		case reflect.Interface:
			return true
		case reflect.Pointer, reflect.Slice, reflect.Array:
			return untyped(t.Elem())
		case reflect.Map:
			return untyped(t.Key()) || untyped(t.Elem())
		}
		return false
	}
	services := reflect.TypeFor[netbird.Services]()
	methods := 0
	for i := range services.NumField() {
		svc := services.Field(i).Type
		for j := range svc.NumMethod() {
			m := svc.Method(j)
			methods++
			out := m.Type.NumOut()
			if out == 1 && m.Type.Out(0).Kind() == reflect.Func { // an iter.Seq2[T, error] of pages
				if item := m.Type.Out(0).In(0).In(0); untyped(item) {
					t.Errorf("%s.%s yields %s", svc, m.Name, item)
				}
				continue
			}
			if out == 0 || m.Type.Out(out-1) != errType {
				t.Errorf("%s.%s: the last result is not an error", svc, m.Name)
				continue
			}
			for k := range out - 1 {
				if r := m.Type.Out(k); untyped(r) {
					t.Errorf("%s.%s returns %s", svc, m.Name, r)
				}
			}
			if strings.HasPrefix(m.Name, "Delete") && out != 1 {
				t.Errorf("%s.%s: a delete returns only an error, not %s", svc, m.Name, m.Type)
			}
		}
	}
	if methods < 200 {
		t.Fatalf("only %d service methods", methods)
	}
}

// Each service implements its interface, so users can mock it.
func TestServicesImplementTheirInterfaces(t *testing.T) {
	var s netbird.Services
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		f := v.Type().Field(i)
		typ, ok := serviceInterfaces[f.Name]
		if !ok {
			t.Errorf("no interface listed for service %s", f.Name)
			continue
		}
		if !f.Type.Implements(typ) {
			t.Errorf("%s does not implement %s", f.Type, typ)
		}
	}
}

var serviceInterfaces = map[string]reflect.Type{}

func init() {
	// One line per service keeps the check exhaustive: a new service without
	// an entry fails the test above.
	for name, typ := range map[string]reflect.Type{
		"Accounts": reflect.TypeFor[netbird.AccountsAPI](), "AgentNetwork": reflect.TypeFor[netbird.AgentNetworkAPI](),
		"Billing": reflect.TypeFor[netbird.BillingAPI](), "DNS": reflect.TypeFor[netbird.DNSAPI](),
		"DNSZones": reflect.TypeFor[netbird.DNSZonesAPI](), "EDR": reflect.TypeFor[netbird.EDRAPI](),
		"EventStreaming": reflect.TypeFor[netbird.EventStreamingAPI](), "Events": reflect.TypeFor[netbird.EventsAPI](),
		"GeoLocations": reflect.TypeFor[netbird.GeoLocationsAPI](), "Groups": reflect.TypeFor[netbird.GroupsAPI](),
		"IDPIntegrations": reflect.TypeFor[netbird.IDPIntegrationsAPI](), "IdentityProviders": reflect.TypeFor[netbird.IdentityProvidersAPI](),
		"IngressPorts": reflect.TypeFor[netbird.IngressPortsAPI](), "Instance": reflect.TypeFor[netbird.InstanceAPI](),
		"Jobs": reflect.TypeFor[netbird.JobsAPI](), "MSP": reflect.TypeFor[netbird.MSPAPI](),
		"Networks": reflect.TypeFor[netbird.NetworksAPI](), "Notifications": reflect.TypeFor[netbird.NotificationsAPI](),
		"Peers": reflect.TypeFor[netbird.PeersAPI](), "Policies": reflect.TypeFor[netbird.PoliciesAPI](),
		"PostureChecks": reflect.TypeFor[netbird.PostureChecksAPI](), "ReverseProxies": reflect.TypeFor[netbird.ReverseProxiesAPI](),
		"Routes": reflect.TypeFor[netbird.RoutesAPI](), "SetupKeys": reflect.TypeFor[netbird.SetupKeysAPI](),
		"Tokens": reflect.TypeFor[netbird.TokensAPI](), "Users": reflect.TypeFor[netbird.UsersAPI](),
	} {
		serviceInterfaces[name] = typ
	}
}

// Bodies that break the document's rules are refused before anything is
// sent, with the field and the limit named.
func TestInvalidBodyIsRefusedBeforeSending(t *testing.T) {
	h := newHarness(t)
	var sent atomic.Int64
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { sent.Add(1); writeJSON(w, 200, `{}`) })
	ctx := context.Background()
	for _, tc := range []struct {
		body api.PersonalAccessTokenRequest
		want string
	}{
		{api.PersonalAccessTokenRequest{Name: "ci", ExpiresIn: 0}, "netbird: invalid PersonalAccessTokenRequest: expires_in must be between 1 and 365, got 0"},
		{api.PersonalAccessTokenRequest{Name: "ci", ExpiresIn: 366}, "netbird: invalid PersonalAccessTokenRequest: expires_in must be between 1 and 365, got 366"},
	} {
		_, err := h.client.Tokens.Create(ctx, "u1", tc.body)
		var ve *api.ValidationError
		if !errors.As(err, &ve) || err.Error() != tc.want {
			t.Errorf("Create(%+v) = %v, want %q", tc.body, err, tc.want)
		}
	}
	if sent.Load() != 0 {
		t.Errorf("%d invalid requests reached the server", sent.Load())
	}
}

// A query parameter the document requires is checked before sending: a
// nil params is refused, naming it.
func TestServicesRequireRequiredQueryParameters(t *testing.T) {
	sent := &capture{}
	c, err := netbird.New(auth.Config{Host: "https://netbird.example.com", Token: auth.GeneratePAT()}, netbird.WithTransport(sent))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Billing.GetPortal(context.Background(), nil)
	var ve *api.ValidationError
	if !errors.As(err, &ve) || ve.Field != "baseURL" || ve.Rule != "is required" {
		t.Errorf("got %v; want a *api.ValidationError for baseURL", err)
	}
	if sent.req != nil {
		t.Fatal("a request was sent")
	}
	_, _ = c.Billing.GetPortal(context.Background(), &api.GetCustomerPortalParams{BaseURL: "https://app.example.com"})
	if sent.req == nil || sent.req.URL.Query().Get("baseURL") != "https://app.example.com" {
		t.Fatalf("sent %v, want baseURL in the query", sent.req)
	}
}
