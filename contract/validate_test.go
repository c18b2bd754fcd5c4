package contract

import (
	"bytes"
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

// finding is one way a request or an answer departs from the document.
type finding struct {
	op        string // operation id; "" when no route matched
	direction string // "request" or "answer"
	status    int    // the answer's status
	ptr       []string
	keyword   string // the schema keyword that failed (nullable, enum, minimum, ...); "status" for an unlisted status
	reason    string
	value     any
}

var indexRE = regexp.MustCompile(`^\d+$`)

// path is the JSON pointer with array indexes as [].
func (f finding) path() string {
	parts := make([]string, len(f.ptr))
	for i, p := range f.ptr {
		if indexRE.MatchString(p) {
			p = "[]"
		}
		parts[i] = p
	}
	return "/" + strings.Join(parts, "/")
}

// String is the finding as the table shows it.
func (f finding) String() string {
	where := f.direction
	if f.direction == "answer" {
		where = fmt.Sprintf("answer %d", f.status)
	}
	if f.keyword == "" || f.keyword == "status" {
		return where + ": " + f.reason
	}
	return where + " " + f.path() + ": " + f.reason
}

// validator checks each request and answer against the document with
// kin-openapi and keeps what departs from it.
type validator struct {
	doc      *openapi3.T
	next     http.RoundTripper
	once     sync.Once
	router   routers.Router
	mu       sync.Mutex
	findings []finding
}

// problems are the findings as the table lists them, sorted, each once;
// withOp puts the operation id first.
func (v *validator) problems(withOp bool) []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for _, f := range v.findings {
		line := f.String()
		if withOp {
			line = f.op + ": " + line
		}
		out = append(out, line)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (v *validator) add(base finding, err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, f := range flatten(base, err) {
		v.findings = append(v.findings, f)
	}
}

// flatten lists what err says is wrong: the innermost schema errors (allOf
// and the like wrap what actually failed) with their full JSON pointers.
func flatten(f finding, err error) []finding {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []finding
		for _, e := range me {
			out = append(out, flatten(f, e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		f.ptr = append(append([]string{}, f.ptr...), se.JSONPointer()...)
		if se.Origin != nil {
			if inner := flatten(f, se.Origin); len(inner) > 0 {
				return inner
			}
		}
		f.keyword, f.reason, f.value = se.SchemaField, se.Reason, se.Value
		if f.keyword == "" {
			f.keyword = "schema"
		}
		return []finding{f}
	}
	if err == nil {
		return nil
	}
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && re.Err == nil && strings.Contains(re.Reason, "status") {
		f.keyword, f.reason = "status", re.Reason
		return []finding{f}
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	f.reason = msg
	return []finding{f}
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
		v.add(finding{direction: "request"}, err)
		return v.next.RoundTrip(req)
	}
	base := finding{op: route.Operation.OperationID, direction: "request"}
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
		v.add(base, err)
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
		base.direction, base.status = "answer", resp.StatusCode
		v.add(base, err)
	}
	return resp, nil
}
