package netbirdtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Violation is one way a request or a response broke NetBird's API
// document. The server records every violation it sees (see
// [Server.Violations]) and, when started with [NewServer], fails the test
// with it.
type Violation struct {
	// OperationID is the operation's Go name, e.g. "CreateToken".
	OperationID string
	// Direction is "request" or "response".
	Direction string
	// Field says where: a JSON path into the body with dots
	// ("expires_in", "0.groups"), "query page", "path peerId",
	// "header Authorization", "body" for the body as a whole, or "status".
	Field string
	// Rule is the schema keyword broken and what was wrong, e.g.
	// "type: got string, want integer" or "required: property is missing".
	Rule string
	// Err is kin-openapi's error, for the details.
	Err error
}

// Error formats the violation as "CreateToken request: expires_in: type: got
// string, want integer".
func (v Violation) Error() string {
	return fmt.Sprintf("%s %s: %s: %s", v.OperationID, v.Direction, v.Field, v.Rule)
}

// String is the same as Error.
func (v Violation) String() string { return v.Error() }

// Unwrap returns Err.
func (v Violation) Unwrap() error { return v.Err }

// Status rules: besides the document's own statuses, two rules apply to
// every answer, in both modes:
//   - 404 is allowed for every operation with a path parameter. NetBird
//     answers 404 for ids it does not know, while the document lists 404 for
//     few operations (GET /api/groups/{groupId} does not, for one).
//   - An answer that refuses a request (401/404 for bad credentials, 400 for
//     an invalid request) is checked against the document only when the
//     operation lists its status. Some operations list no error statuses at
//     all (CreatePolicy lists only 200); the request, not the server, is at
//     fault, and a request violation is recorded already where there is one.
//
// Defects of the document's schemas are fixed in the client's overlay
// (internal/codegen/overlay.yaml), which the server's document includes.
// Schemas that require a property they do not declare (NetworkTrafficEvent:
// id and receive_timestamp) need nothing: any value satisfies such a
// property, and the server sends one (see Undeclared in internal/sample).
//
// Answers to injected faults ([Server.InjectFault]), handler overrides
// ([Server.Handle]) and rate limiting ([WithRateLimit]) are not validated:
// they are deliberate, and the document lists neither 429 nor 502 anywhere.

// finding is one leaf error of kin-openapi's validation, flattened.
type finding struct {
	field    string
	rule     string
	keyword  string             // schema keyword ("type", "required"), "status" or ""
	property string             // for "required": the missing property
	schema   *openapi3.Schema   // the schema broken
	within   []*openapi3.Schema // the schemas schema is a part of (allOf, oneOf)
	value    any                // the value that broke it
	status   int                // for "status": the status sent
	err      error
}

// formats are the string formats of the document that kin-openapi does not
// check by default (it checks date, date-time and byte), given to each
// validation rather than registered globally.
var formats = openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{
	"ipv4":  openapi3.NewIPValidator(true),
	"ipv6":  openapi3.NewIPValidator(false),
	"email": openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail),
	"cidr": openapi3.NewCallbackValidator(func(s string) error {
		_, err := netip.ParsePrefix(s)
		return err
	}),
})

// acceptAuth is the AuthenticationFunc given to kin-openapi: the server
// checks credentials itself (auth.go) before validating.
func acceptAuth(context.Context, *openapi3filter.AuthenticationInput) error { return nil }

// validateRequest checks the request against the document and returns what
// it breaks.
func (s *Server) validateRequest(ctx context.Context, c *call) []Violation {
	c.input = &openapi3filter.RequestValidationInput{
		Request:    c.r.Clone(ctx),
		PathParams: c.params,
		Route:      c.op.route,
		Options: &openapi3filter.Options{
			MultiError:              true,
			AuthenticationFunc:      acceptAuth,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{formats},
		},
	}
	c.input.Request.Body = io.NopCloser(bytes.NewReader(c.raw))
	err := openapi3filter.ValidateRequest(ctx, c.input)
	if err == nil {
		return nil
	}
	var out []Violation
	for _, f := range requestFindings(err) {
		out = append(out, Violation{OperationID: c.op.id, Direction: "request", Field: f.field, Rule: f.rule, Err: f.err})
	}
	return out
}

// requestFindings flattens the errors of openapi3filter.ValidateRequest.
func requestFindings(err error) []finding {
	var out []finding
	for _, e := range flattenMulti(err) {
		var re *openapi3filter.RequestError
		var se *openapi3filter.SecurityRequirementsError
		switch {
		case errors.As(e, &re) && re.Parameter != nil:
			prefix := re.Parameter.In + " " + re.Parameter.Name
			fs := schemaFindings(prefix, re.Err)
			if len(fs) == 0 {
				fs = []finding{{field: prefix, rule: requestReason(re), err: re}}
			}
			out = append(out, fs...)
		case errors.As(e, &re) && re.RequestBody != nil:
			fs := schemaFindings("", re.Err)
			if len(fs) == 0 {
				fs = []finding{{field: "body", rule: requestReason(re), err: re}}
			}
			out = append(out, fs...)
		case errors.As(e, &se):
			out = append(out, finding{field: "header Authorization", rule: "security: " + se.Error(), err: se})
		default:
			out = append(out, finding{field: "request", rule: e.Error(), err: e})
		}
	}
	return out
}

func requestReason(re *openapi3filter.RequestError) string {
	if re.Err != nil {
		if re.Reason != "" {
			return re.Reason + ": " + cleanReason(re.Err.Error())
		}
		return cleanReason(re.Err.Error())
	}
	return re.Reason
}

// validateResponse checks an answer against the document and returns what it
// breaks, less the status rules and, in realistic mode, the departures of
// realistic.go.
func (s *Server) validateResponse(ctx context.Context, c *call, status int, header http.Header, body []byte) []Violation {
	input := c.input
	if input == nil { // the request was refused before it was validated
		input = &openapi3filter.RequestValidationInput{Request: c.r, PathParams: c.params, Route: c.op.route}
	}
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{formats}}
	err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                opts,
	})
	if err == nil {
		return nil
	}
	var out []Violation
	for _, f := range responseFindings(status, err) {
		if f.keyword == "status" && s.statusAllowed(c, status) {
			continue
		}
		if s.opts.realistic && s.doc.departures.allows(c.op.id, f) {
			continue
		}
		out = append(out, Violation{OperationID: c.op.id, Direction: "response", Field: f.field, Rule: f.rule, Err: f.err})
	}
	return out
}

// statusAllowed applies the two status rules described above finding.
func (s *Server) statusAllowed(c *call, status int) bool {
	return status == http.StatusNotFound && len(c.op.params) > 0 || c.refused
}

// responseFindings flattens the errors of openapi3filter.ValidateResponse.
func responseFindings(status int, err error) []finding {
	var out []finding
	for _, e := range flattenMulti(err) {
		var re *openapi3filter.ResponseError
		if !errors.As(e, &re) {
			out = append(out, finding{field: "response", rule: e.Error(), err: e})
			continue
		}
		if re.Err == nil && strings.Contains(re.Reason, "status is not supported") {
			out = append(out, finding{field: "status", keyword: "status", status: status,
				rule: "status " + strconv.Itoa(status) + " is not listed for the operation", err: re})
			continue
		}
		fs := schemaFindings("", re.Err)
		if len(fs) == 0 {
			rule := re.Reason
			if re.Err != nil {
				rule += ": " + cleanReason(re.Err.Error())
			}
			fs = []finding{{field: "body", rule: rule, err: re}}
		}
		out = append(out, fs...)
	}
	return out
}

// flattenMulti splits kin-openapi's MultiError (nested or not) into its
// errors.
func flattenMulti(err error) []error {
	if err == nil {
		return nil
	}
	// Only a MultiError itself, not one wrapped in a RequestError: that
	// error says which parameter or body the ones inside are about.
	me, ok := err.(openapi3.MultiError) //nolint:errorlint // see above
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range me {
		out = append(out, flattenMulti(e)...)
	}
	return out
}

// schemaFindings turns the leaf schema errors inside err into findings whose
// field is prefix followed by the JSON path of the value.
func schemaFindings(prefix string, err error) []finding {
	var leaves []leaf
	collectLeaves(err, nil, &leaves)
	var out []finding
	for _, l := range leaves {
		se := l.err
		path := se.JSONPointer()
		keyword := se.SchemaField
		if keyword == "required" {
			for _, prop := range missingProperties(se.Reason) {
				p := path
				if len(p) == 0 || p[len(p)-1] != prop {
					p = append(p[:len(p):len(p)], prop)
				}
				out = append(out, finding{
					field: joinField(prefix, p), rule: "required: property is missing",
					keyword: keyword, property: prop, schema: se.Schema, within: l.within, err: se,
				})
			}
			continue
		}
		rule := cleanReason(se.Reason)
		if keyword != "" && !strings.HasPrefix(rule, keyword+":") {
			rule = keyword + ": " + rule
		}
		out = append(out, finding{field: joinField(prefix, path), rule: rule, keyword: keyword,
			schema: se.Schema, within: l.within, value: se.Value, err: se})
	}
	return out
}

// leaf is an innermost schema error and the schemas of the errors around it.
type leaf struct {
	err    *openapi3.SchemaError
	within []*openapi3.Schema
}

// collectLeaves finds the innermost schema errors: kin-openapi wraps the
// errors of allOf/oneOf parts and of JSON Schema 2020 validation in outer
// SchemaErrors whose Origin holds the real ones.
func collectLeaves(err error, within []*openapi3.Schema, out *[]leaf) bool {
	// A type switch, not errors.As: each level of wrapping is a level of
	// the schema, and the levels are walked one by one (Unwrap below).
	switch e := err.(type) { //nolint:errorlint // see above
	case nil:
		return false
	case openapi3.MultiError:
		found := false
		for _, x := range e {
			found = collectLeaves(x, within, out) || found
		}
		return found
	case *openapi3.SchemaError:
		if e.Origin != nil && collectLeaves(e.Origin, append(within[:len(within):len(within)], e.Schema), out) {
			return true
		}
		*out = append(*out, leaf{err: e, within: within})
		return true
	}
	if u := errors.Unwrap(err); u != nil {
		return collectLeaves(u, within, out)
	}
	return false
}

var (
	missing2020   = regexp.MustCompile(`missing propert(?:y|ies) (.*)$`)
	quoted        = regexp.MustCompile(`'([^']*)'`)
	missingLegacy = regexp.MustCompile(`property "([^"]*)" is missing`)
	reasonPrefix  = regexp.MustCompile(`^(?:error at "[^"]*": )?(?:at '[^']*': )?`)
)

// missingProperties reads the missing property names from a "required"
// error's reason, in either validator's wording.
func missingProperties(reason string) []string {
	if m := missingLegacy.FindStringSubmatch(reason); m != nil {
		return []string{m[1]}
	}
	var out []string
	if m := missing2020.FindStringSubmatch(reason); m != nil {
		for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
			out = append(out, q[1])
		}
	}
	if len(out) == 0 {
		out = []string{"?"}
	}
	return out
}

// cleanReason drops the location prefixes of the JSON Schema 2020 validator
// and keeps the first line.
func cleanReason(r string) string {
	r, _, _ = strings.Cut(r, "\n")
	r = reasonPrefix.ReplaceAllString(r, "")
	if r != "" {
		r = strings.ToLower(r[:1]) + r[1:]
	}
	return r
}

func joinField(prefix string, path []string) string {
	p := strings.Join(path, ".")
	switch {
	case prefix == "" && p == "":
		return "body"
	case prefix == "":
		return p
	case p == "":
		return prefix
	}
	return prefix + "." + p
}
