package netbird_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
)

// The services build their requests themselves (gen.go); api's builders
// are oapi-codegen's. For every operation, with every query parameter set
// and path parameters that need escaping, both must send the same method,
// path, query and body.

type capture struct{ req *http.Request }

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) { return c.Do(r) }

func (c *capture) Do(r *http.Request) (*http.Response, error) {
	c.req = r
	return &http.Response{StatusCode: http.StatusTeapot, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

type sentRequest struct {
	method, path, contentType string
	query                     url.Values
	body                      string
}

func sent(t *testing.T, r *http.Request) sentRequest {
	t.Helper()
	if r == nil {
		t.Fatal("nothing was sent")
	}
	s := sentRequest{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.Query(), contentType: r.Header.Get("Content-Type")}
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		s.body = string(b)
	}
	return s
}

func TestServicesSendWhatAPIBuildersSend(t *testing.T) {
	token := auth.GeneratePAT()
	const server = "https://netbird.example.com"
	ours := &capture{}
	c, err := netbird.New(auth.Config{Host: server, Token: token}, netbird.WithTransport(ours), netbird.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	theirs := &capture{}
	raw, err := api.NewClient(server, api.WithHTTPClient(theirs))
	if err != nil {
		t.Fatal(err)
	}
	withQuery := 0
	for _, o := range operations(t) {
		t.Run(o.ID, func(t *testing.T) {
			m := reflect.ValueOf(c).Elem().FieldByName(o.Service).MethodByName(o.GoMethod)
			rm := reflect.ValueOf(raw).MethodByName(o.ID)
			if !m.IsValid() || !rm.IsValid() {
				t.Fatalf("no service method %s.%s or api method %s", o.Service, o.GoMethod, o.ID)
			}
			args := []reflect.Value{reflect.ValueOf(context.Background())}
			mt := m.Type()
			for i := 1; i < mt.NumIn()-1; i++ { // after ctx, before the options
				in := mt.In(i)
				v := reflect.New(in).Elem()
				switch {
				case in.Kind() == reflect.Pointer: // query parameters: all of them
					v = reflect.New(in.Elem())
					fillParams(t, v.Elem())
					withQuery++
				case in.Kind() == reflect.Struct: // the body
					b, err := netbirdtest.SampleBody(o.ID)
					if err != nil {
						t.Fatal(err)
					}
					if err := json.Unmarshal(b, v.Addr().Interface()); err != nil {
						t.Fatal(err)
					}
				default: // a path parameter that needs escaping
					fillParam(t, v)
				}
				args = append(args, v)
			}
			ours.req, theirs.req = nil, nil
			out := m.Call(args)
			var apiErr *netbird.APIError
			if err, _ := out[len(out)-1].Interface().(error); !errors.As(err, &apiErr) {
				t.Fatalf("service call: %v; want the capture's 418 as an *APIError", err)
			}
			if out := rm.Call(args); !out[1].IsNil() {
				t.Fatalf("api call: %v", out[1].Interface())
			}
			got, want := sent(t, ours.req), sent(t, theirs.req)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the service sent\n  %+v\napi's builder sends\n  %+v", got, want)
			}
		})
	}
	if withQuery == 0 {
		t.Fatal("no operation took query parameters; the test compared no query")
	}
}

func fillParams(t *testing.T, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer {
			f.Set(reflect.New(f.Type().Elem()))
			f = f.Elem()
		}
		fillParam(t, f)
	}
}

// fillParam sets a value that shows escaping and formatting mistakes.
func fillParam(t *testing.T, v reflect.Value) {
	t.Helper()
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 11, 27, 8, 30, 1, 123456789, time.FixedZone("", 5*3600+30*60))))
	case v.Kind() == reflect.String:
		v.SetString("a b/c%d&e=f+g?ü")
	case v.Kind() >= reflect.Int && v.Kind() <= reflect.Int64:
		v.SetInt(-42)
	case v.Kind() == reflect.Bool:
		v.SetBool(true)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		v.Set(reflect.ValueOf([]string{"g 1", "g/2", "g&3"}).Convert(v.Type()))
	default:
		t.Fatalf("no test value for %s", v.Type())
	}
}

// An empty list is left out of the query, as OpenAPI's form style asks;
// oapi-codegen's builder sends "name=" instead.
func TestServicesOmitEmptyLists(t *testing.T) {
	token := auth.GeneratePAT()
	ours := &capture{}
	c, err := netbird.New(auth.Config{Host: "https://netbird.example.com", Token: token}, netbird.WithTransport(ours), netbird.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	page := 2
	_, _ = c.AgentNetwork.ListAccessLogs(context.Background(), &api.ListAgentNetworkAccessLogsParams{GroupID: &[]string{}, Page: &page})
	if got := sent(t, ours.req).query.Encode(); got != "page=2" {
		t.Errorf("query %q, want page=2", got)
	}
}

// A query parameter the document requires is checked before sending, like
// a body's required fields.
func TestServicesRequireRequiredQueryParameters(t *testing.T) {
	ours := &capture{}
	c, err := netbird.New(auth.Config{Host: "https://netbird.example.com", Token: auth.GeneratePAT()}, netbird.WithTransport(ours))
	if err != nil {
		t.Fatal(err)
	}
	for _, params := range []*api.GetCustomerPortalParams{nil, {}} {
		_, err := c.Billing.GetPortal(context.Background(), params)
		var ve *api.ValidationError
		if !errors.As(err, &ve) || ve.Field != "baseURL" || ve.Rule != "is required" {
			t.Errorf("params %+v: got %v; want a *api.ValidationError for baseURL", params, err)
		}
		if ours.req != nil {
			t.Fatalf("params %+v: a request was sent", params)
		}
	}
}
