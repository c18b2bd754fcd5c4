package contract

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/internal/opcall"
	"github.com/netbird-go/netbird/internal/spec"
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
	op         opcall.Op
	result     string   // ok, not served, refused NNN, client error
	departures []string // where a request or an answer departs from the document
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
	ops := opcall.Operations(doc)
	outcomes := make([]outcome, len(ops))
	t.Run("ops", func(t *testing.T) {
		for i, o := range ops {
			t.Run(o.ID, func(t *testing.T) {
				t.Parallel()
				outcomes[i] = runOperation(t, doc, o)
			})
		}
	})
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

func runOperation(t *testing.T, doc *openapi3.T, o opcall.Op) outcome {
	s := startServer(t)
	v := &validator{doc: doc, next: http.DefaultTransport}
	c := s.client(t, owner, netbird.WithTransport(v), netbird.WithoutRetries())
	callErr, err := opcall.Call(context.Background(), c, o, fixtureIDs)
	if err != nil {
		t.Fatal(err)
	}
	out := outcome{op: o}
	var ae *netbird.APIError
	switch {
	case callErr == nil:
		out.result = "ok"
	case errors.As(callErr, &ae) && (ae.StatusCode == 404 && strings.Contains(ae.Message, "page not found") || ae.StatusCode == 405):
		out.result = "not served"
	case errors.As(callErr, &ae):
		out.result = fmt.Sprintf("refused %d", ae.StatusCode)
	default:
		out.result = "client error: " + callErr.Error()
	}
	if out.result != "not served" {
		out.departures = v.problems()
	}
	return out
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
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, f := range flatten(nil, err) {
		if !strings.HasPrefix(f, ":") {
			f = " " + f
		}
		v.found = append(v.found, kind+f)
	}
}

// flatten lists what err says is wrong, one line each: the innermost
// schema errors (allOf and the like wrap what actually failed) with their
// JSON pointers, array indexes as [].
func flatten(prefix []string, err error) []string {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []string
		for _, e := range me {
			out = append(out, flatten(prefix, e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		ptr := append(append([]string{}, prefix...), se.JSONPointer()...)
		if inner := flatten(ptr, se.Origin); se.Origin != nil && len(inner) > 0 {
			return inner
		}
		path := indexRE.ReplaceAllString("/"+strings.Join(ptr, "/"), "/[]$1")
		return []string{path + ": " + se.Reason}
	}
	if err == nil {
		return nil
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return []string{": " + msg}
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
		if o.op.CloudOnly {
			cloud = "yes"
		}
		dep := strings.Join(o.departures, "<br>")
		dep = strings.ReplaceAll(dep, "|", "\\|")
		fmt.Fprintf(&b, "| %s | `%s.%s` | `%s %s` | %s | %s | %s |\n", o.op.ID, o.op.Service, o.op.GoMethod, o.op.Method, o.op.Path, cloud, o.result, dep)
	}
	return b.Bytes()
}
