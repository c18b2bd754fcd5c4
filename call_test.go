package netbird_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
)

// The base path is applied once, when api's builder makes the request:
// what WithRequestEditor sees is what is sent, escaped ids included.
func TestRequestEditorSeesTheURLSent(t *testing.T) {
	sent := &capture{}
	c, err := netbird.New(auth.Config{Host: "https://netbird.example.com/netbird/api", Token: auth.GeneratePAT()},
		netbird.WithTransport(sent), netbird.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	var seen string
	_, _ = c.Peers.Get(context.Background(), "a/b c", netbird.WithRequestEditor(func(_ context.Context, r *http.Request) error {
		seen = r.URL.String()
		return nil
	}))
	const want = "https://netbird.example.com/netbird/api/peers/a%2Fb%20c"
	if seen != want {
		t.Errorf("WithRequestEditor saw %s, want %s", seen, want)
	}
	if sent.req == nil || sent.req.URL.String() != want {
		t.Fatalf("sent %v, want %s", sent.req, want)
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
