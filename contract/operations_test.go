package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/internal/spec"
	"github.com/netbird-go/netbird/netbirdtest"
)

var update = flag.Bool("update", false, "rewrite REAL_SERVER.md from what the real server did")

// tableFile is the generated table of what the real server does with each
// operation.
const tableFile = "REAL_SERVER.md"

// fixtureIDs are the fixture's objects, by path parameter name.
var fixtureIDs = map[string]string{
	"accountId": accountID,
	"userId":    ownerID,
	"tokenId":   "9dj38s35-63fb-11ec-90d6-0242ac120004", // the owner's PAT
	"peerId":    peerID,
	"groupId":   allGroupID,
	"policyId":  "cs1tnh0hhcjnqoiuebf0",
	"networkId": "ct286bi7qv930dsrrug0",
	"routerId":  "ctc20ji7qv9ck2sebc80",
	"country":   "DE",
}

// outcome is what the real server did with one operation.
type outcome struct {
	id, method, path, goName string
	cloudOnly                bool
	result                   string   // ok, not served, refused NNN, client error
	departures               []string // where the answer departs from the document
}

// Every operation of the document, once, through its service method with
// the sandbox's sample inputs, against a fresh real server; every request
// and answer validated against the document with kin-openapi. The result is
// the table in REAL_SERVER.md, which must be current (go test -update
// rewrites it).
func TestEveryOperation(t *testing.T) {
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		outcomes []outcome
	)
	t.Run("ops", func(t *testing.T) {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				t.Run(op.OperationID, func(t *testing.T) {
					t.Parallel()
					o := runOperation(t, doc, path, method, op)
					mu.Lock()
					outcomes = append(outcomes, o)
					mu.Unlock()
				})
			}
		}
	})
	sort.Slice(outcomes, func(i, j int) bool { return outcomes[i].id < outcomes[j].id })
	table := renderTable(outcomes)
	if *update {
		if err := os.WriteFile(tableFile, table, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(tableFile)
	if err != nil || !bytes.Equal(old, table) {
		t.Errorf("%s is not what the real server does now (%v): run `make real-server-table` and review the difference", tableFile, err)
	}
}

func runOperation(t *testing.T, doc *openapi3.T, path, method string, op *openapi3.Operation) outcome {
	o := outcome{id: op.OperationID, method: method, path: path}
	svc, _ := op.Extensions["x-go-service"].(string)
	meth, _ := op.Extensions["x-go-method"].(string)
	o.goName = svc + "." + meth
	for _, tag := range op.Tags {
		if tg := doc.Tags.Get(tag); tg != nil {
			cloud, _ := tg.Extensions["x-cloud-only"].(bool)
			o.cloudOnly = o.cloudOnly || cloud
		}
	}
	s := startServer(t)
	v := &validator{doc: doc, next: http.DefaultTransport}
	c := s.client(t, owner, netbird.WithTransport(v), netbird.WithoutRetries())
	err := callOperation(t, c, svc, meth, op.OperationID, pathParams(path))
	var ae *netbird.APIError
	switch {
	case err == nil:
		o.result = "ok"
	case errors.As(err, &ae) && (ae.StatusCode == 404 && strings.Contains(ae.Message, "page not found") || ae.StatusCode == 405):
		o.result = "not served"
	case errors.As(err, &ae):
		o.result = fmt.Sprintf("refused %d", ae.StatusCode)
	default:
		o.result = "client error: " + err.Error()
	}
	if o.result != "not served" {
		o.departures = v.problems()
	}
	return o
}

var pathParamRE = regexp.MustCompile(`\{([^}]+)\}`)

func pathParams(path string) []string {
	var names []string
	for _, m := range pathParamRE.FindAllStringSubmatch(path, -1) {
		names = append(names, m[1])
	}
	return names
}

// callOperation calls svc.meth with reflection: path parameters from the
// fixture, the required query parameters and the body the sandbox suggests.
func callOperation(t *testing.T, c *netbird.Client, svc, meth, opID string, params []string) error {
	t.Helper()
	m := reflect.ValueOf(c).Elem().FieldByName(svc).MethodByName(meth)
	if !m.IsValid() {
		t.Fatalf("%s: no method %s.%s", opID, svc, meth)
	}
	mt := m.Type()
	args := []reflect.Value{reflect.ValueOf(context.Background())}
	next := 0
	for i := 1; i < mt.NumIn()-1; i++ { // the last is the variadic options
		in := mt.In(i)
		switch {
		case in.Kind() == reflect.String:
			v := fixtureIDs[params[next]]
			if v == "" {
				v = "sample-" + strings.ToLower(params[next])
			}
			next++
			args = append(args, reflect.ValueOf(v).Convert(in))
		case in.Kind() >= reflect.Int && in.Kind() <= reflect.Int64:
			next++
			args = append(args, reflect.ValueOf(1).Convert(in))
		case in.Kind() == reflect.Pointer:
			args = append(args, sampleQuery(t, opID, in))
		case in.Kind() == reflect.Struct:
			body, err := netbirdtest.SampleBody(opID)
			if err != nil {
				t.Fatal(err)
			}
			v := reflect.New(in)
			if err := json.Unmarshal(body, v.Interface()); err != nil {
				t.Fatalf("%s: sample body does not fit %s: %v", opID, in, err)
			}
			args = append(args, v.Elem())
		default:
			t.Fatalf("%s: argument %d has unexpected type %s", opID, i, in)
		}
	}
	out := m.Call(args)
	err, _ := out[len(out)-1].Interface().(error)
	return err
}

// sampleQuery fills the required query parameters the sandbox suggests.
func sampleQuery(t *testing.T, opID string, typ reflect.Type) reflect.Value {
	q, err := netbirdtest.SampleQuery(opID)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) == 0 {
		return reflect.Zero(typ)
	}
	p := reflect.New(typ.Elem())
	for i := range typ.Elem().NumField() {
		f := typ.Elem().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if v := q.Get(name); v != "" && f.Type.Kind() == reflect.String {
			p.Elem().Field(i).SetString(v)
		}
	}
	return p
}

// validator checks each request and answer against the document with
// kin-openapi and keeps what departs from it.
type validator struct {
	doc    *openapi3.T
	next   http.RoundTripper
	once   sync.Once
	router routers.Router
	mu     sync.Mutex
	found  []string
}

var indexRE = regexp.MustCompile(`/\d+(/|$)`)

func (v *validator) problems() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	slices.Sort(v.found)
	return slices.Compact(v.found)
}

func (v *validator) add(kind string, err error) {
	var me openapi3.MultiError
	errs := []error{err}
	if errors.As(err, &me) {
		errs = me
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, e := range errs {
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			ptr := indexRE.ReplaceAllString("/"+strings.Join(se.JSONPointer(), "/"), "/[]$1")
			v.found = append(v.found, fmt.Sprintf("%s %s: %s", kind, ptr, se.Reason))
			continue
		}
		msg := e.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		v.found = append(v.found, kind+": "+msg)
	}
}

func (v *validator) RoundTrip(req *http.Request) (*http.Response, error) {
	v.once.Do(func() {
		doc := *v.doc
		doc.Servers = openapi3.Servers{{URL: req.URL.Scheme + "://" + req.URL.Host}}
		var err error
		if v.router, err = gorillamux.NewRouter(&doc); err != nil {
			panic(err)
		}
	})
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		v.add("request", err)
		return v.next.RoundTrip(req)
	}
	opts := &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		check := req.Clone(req.Context())
		check.Body = io.NopCloser(bytes.NewReader(body))
		in.Request = check
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		v.add("request", err)
	}
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)), Options: opts}
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		v.add(fmt.Sprintf("answer %d", resp.StatusCode), err)
	}
	return resp, nil
}

func renderTable(outcomes []outcome) []byte {
	var b bytes.Buffer
	counts := map[string]int{}
	for _, o := range outcomes {
		k := o.result
		if strings.HasPrefix(k, "refused") {
			k = "refused"
		}
		counts[k]++
	}
	departing := 0
	for _, o := range outcomes {
		if len(o.departures) > 0 {
			departing++
		}
	}
	fmt.Fprintf(&b, "<!-- Code generated by `make real-server-table` (contract/operations_test.go). DO NOT EDIT. -->\n\n")
	fmt.Fprintf(&b, "# What NetBird's real management API does with each operation\n\n")
	fmt.Fprintf(&b, "Every operation of `openapi.yaml` (with the fixes in `internal/codegen/overlay.yaml`), called once through its\n")
	fmt.Fprintf(&b, "service method with an owner's token and the sandbox's sample inputs, against NetBird's own management API\n")
	fmt.Fprintf(&b, "started from its test harness at the release in `openapi.version`, each on a fresh server seeded from NetBird's\n")
	fmt.Fprintf(&b, "fixture. Requests and answers are validated against the document with kin-openapi.\n\n")
	fmt.Fprintf(&b, "- ok: %d; refused: %d; not served (no route in this build): %d; client errors: %d\n", counts["ok"], counts["refused"], counts["not served"], len(outcomes)-counts["ok"]-counts["refused"]-counts["not served"])
	fmt.Fprintf(&b, "- answers or requests that depart from the document: %d operations\n", departing)
	fmt.Fprintf(&b, "- \"refused\" is often the sample input (an id the fixture lacks: 404) or this server's setup (no identity provider: 412),\n  not a defect; cloud-only operations are not served by a self-hosted server.\n\n")
	fmt.Fprintf(&b, "| operation | Go | method and path | cloud-only | result | departs from the document |\n|---|---|---|---|---|---|\n")
	for _, o := range outcomes {
		cloud := ""
		if o.cloudOnly {
			cloud = "yes"
		}
		dep := strings.Join(o.departures, "<br>")
		dep = strings.ReplaceAll(dep, "|", "\\|")
		fmt.Fprintf(&b, "| %s | `%s` | `%s %s` | %s | %s | %s |\n", o.id, o.goName, o.method, o.path, cloud, o.result, dep)
	}
	return b.Bytes()
}
