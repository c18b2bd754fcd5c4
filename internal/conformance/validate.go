package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Finding is one way a request or an answer departs from the document.
type Finding struct {
	Op        string   // operation id; "" when no route matched
	Direction string   // "request" or "answer"
	Status    int      // the answer's status
	Ptr       []string // JSON pointer of the value, in the body
	Keyword   string   // the schema keyword that failed (nullable, enum, minimum, ...); "status" for an unlisted status
	Reason    string   // kin-openapi's reason
	Value     any      // what came (for a schema finding)
	Want      string   // what the document says, in words ("one of host, subnet, domain")
}

var indexRE = regexp.MustCompile(`^\d+$`)

// IsIndex reports whether a JSON pointer part is an array index.
func IsIndex(p string) bool { return indexRE.MatchString(p) }

// Path is the JSON pointer with array indexes as [].
func (f Finding) Path() string {
	parts := make([]string, len(f.Ptr))
	for i, p := range f.Ptr {
		if IsIndex(p) {
			p = "[]"
		}
		parts[i] = p
	}
	return "/" + strings.Join(parts, "/")
}

// String is the finding as the real-server table shows it.
func (f Finding) String() string {
	where := f.Direction
	if f.Direction == "answer" {
		where = fmt.Sprintf("answer %d", f.Status)
	}
	if f.Keyword == "" || f.Keyword == "status" {
		return where + ": " + f.Reason
	}
	return where + " " + f.Path() + ": " + f.Reason
}

// Came is what the server sent where the finding is, shortened; "missing"
// for a required property that was not there. Values under names that
// hold secrets (token, key, secret, password) are never shown.
func (f Finding) Came() string {
	switch {
	case f.Keyword == "required":
		return "missing"
	case f.Keyword == "status":
		return fmt.Sprint(f.Status)
	case f.Keyword == "" || f.Keyword == "schema" && f.Value == nil:
		return ""
	}
	for _, p := range f.Ptr {
		if secretName(p) {
			return "[redacted]"
		}
	}
	b, err := json.Marshal(f.Value)
	if err != nil {
		return fmt.Sprintf("%T", f.Value)
	}
	s := string(b)
	if strings.HasPrefix(s, "\"nbp_") {
		return "[redacted]"
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// Breaking reports whether the finding breaks what this client relies on:
// a property the document requires missing from a successful answer (the
// client would hand the caller a zero value as if the server had sent it).
// Other departures decode fine and are warnings.
func (f Finding) Breaking() bool {
	return f.Direction == "answer" && f.Status >= 200 && f.Status < 300 && f.Keyword == "required"
}

func secretName(p string) bool {
	p = strings.ToLower(p)
	for _, s := range []string{"token", "key", "secret", "password"} {
		if strings.Contains(p, s) && p != "auto_groups" {
			return true
		}
	}
	return false
}

// Validator is an http.RoundTripper that checks each request and answer
// against the document with kin-openapi and keeps what departs from it.
// It never changes what is sent or received.
type Validator struct {
	doc      *openapi3.T
	next     http.RoundTripper
	prefix   string // the path before the document's "/api", for a server behind a proxy
	once     sync.Once
	router   routers.Router
	routeErr error
	mu       sync.Mutex
	findings []Finding
}

// NewValidator validates what goes through next against doc.
func NewValidator(doc *openapi3.T, next http.RoundTripper) *Validator {
	return &Validator{doc: doc, next: next}
}

// WithPathPrefix is for a server whose API is served under a prefix (a
// base path of "/netbird/api": prefix "/netbird").
func (v *Validator) WithPathPrefix(prefix string) *Validator {
	v.prefix = strings.TrimSuffix(prefix, "/")
	return v
}

// Findings are the findings so far, in the order they were made.
func (v *Validator) Findings() []Finding {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.findings)
}

// Take returns the findings so far and forgets them.
func (v *Validator) Take() []Finding {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := v.findings
	v.findings = nil
	return out
}

// Problems are the findings as the real-server table lists them, sorted,
// each once; withOp puts the operation id first.
func (v *Validator) Problems(withOp bool) []string {
	return Problems(v.Findings(), withOp)
}

// Problems lists findings as the real-server table does, sorted, each
// once; withOp puts the operation id first.
func Problems(findings []Finding, withOp bool) []string {
	var out []string
	for _, f := range findings {
		line := f.String()
		if withOp {
			line = f.Op + ": " + line
		}
		out = append(out, line)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (v *Validator) add(base Finding, err error, op *openapi3.Operation) {
	fs := flatten(base, err)
	for i := range fs {
		if fs[i].Keyword == "status" && op != nil {
			fs[i].Want = statuses(op)
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.findings = append(v.findings, fs...)
}

// flatten lists what err says is wrong: the innermost schema errors (allOf
// and the like wrap what actually failed) with their full JSON pointers.
func flatten(f Finding, err error) []Finding {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []Finding
		for _, e := range me {
			out = append(out, flatten(f, e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		f.Ptr = append(append([]string{}, f.Ptr...), se.JSONPointer()...)
		if se.Origin != nil {
			if inner := flatten(f, se.Origin); len(inner) > 0 {
				return inner
			}
		}
		f.Keyword, f.Reason, f.Value = se.SchemaField, se.Reason, se.Value
		if f.Keyword == "" {
			f.Keyword = "schema"
		}
		f.Want = want(f.Keyword, se.Schema)
		return []Finding{f}
	}
	if err == nil {
		return nil
	}
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && re.Err == nil && strings.Contains(re.Reason, "status") {
		f.Keyword, f.Reason = "status", re.Reason
		return []Finding{f}
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	f.Reason = msg
	return []Finding{f}
}

// want says in words what the schema asks for, for the failed keyword.
func want(keyword string, s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	typ := ""
	if s.Type != nil {
		typ = strings.Join(s.Type.Slice(), " or ")
	}
	switch keyword {
	case "nullable":
		return "not null: " + typ
	case "type":
		return "type " + typ
	case "enum":
		vals := make([]string, len(s.Enum))
		for i, e := range s.Enum {
			vals[i] = fmt.Sprint(e)
		}
		return "one of " + strings.Join(vals, ", ")
	case "minimum":
		if s.Min != nil {
			return fmt.Sprintf("at least %v", *s.Min)
		}
	case "maximum":
		if s.Max != nil {
			return fmt.Sprintf("at most %v", *s.Max)
		}
	case "required":
		return "required"
	case "pattern":
		return "matching " + s.Pattern
	case "format":
		return "format " + s.Format
	}
	return keyword
}

// statuses lists the statuses the operation's answers may have.
func statuses(op *openapi3.Operation) string {
	var out []string
	for code := range op.Responses.Map() {
		out = append(out, code)
	}
	slices.Sort(out)
	return "one of " + strings.Join(out, ", ")
}

// RoundTrip validates req, sends it through the next transport, and
// validates the answer.
func (v *Validator) RoundTrip(req *http.Request) (*http.Response, error) {
	v.once.Do(func() {
		doc := *v.doc
		doc.Servers = openapi3.Servers{{URL: req.URL.Scheme + "://" + req.URL.Host + v.prefix}}
		v.router, v.routeErr = gorillamux.NewRouter(&doc)
	})
	if v.routeErr != nil {
		return nil, fmt.Errorf("conformance: the document's routes: %w", v.routeErr)
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		v.add(Finding{Direction: "request"}, err, nil)
		return v.next.RoundTrip(req)
	}
	base := Finding{Op: route.Operation.OperationID, Direction: "request"}
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		check := req.Clone(req.Context())
		check.Body = io.NopCloser(bytes.NewReader(body))
		in.Request = check
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		v.add(base, err, route.Operation)
	}
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)), Options: opts}
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		base.Direction, base.Status = "answer", resp.StatusCode
		v.add(base, err, route.Operation)
	}
	return resp, nil
}
