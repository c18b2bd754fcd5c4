package api

import (
	"regexp"
	"strconv"
	"sync"
	"unicode/utf8"
)

// ValidationError reports a request body that breaks a rule of the NetBird
// API document. The client returns it before anything is sent. Validate
// methods stop at the first broken rule, in the order the fields are
// declared, so one error names one field.
//
// The rules are the document's, read as JSON Schema reads them. A required
// property must be present: a nil pointer, slice or map in a required,
// non-nullable field would be sent as null or left out, and is an error,
// while an empty string, a zero number and false are present and pass
// unless another rule (minLength, minimum, enum) says otherwise. Enums,
// numeric bounds, string lengths (in characters), patterns and array
// lengths are checked, in nested objects and array elements too. Rules a
// client cannot check on the Go value, such as formats (cidr, email...),
// oneOf/anyOf and additionalProperties, are left to the server;
// validate_unchecked.gen.txt in this package lists every one of them.
type ValidationError struct {
	// Type is the Go type of the request body, e.g. "PersonalAccessTokenRequest".
	Type string
	// Field is the JSON path of the offending field: "expires_in",
	// "rules[0].sources", "settings.extra.network_traffic_logs_groups".
	Field string
	// Rule says what the document asks for, e.g. "must be between 1 and 365".
	Rule string
	// Value is the offending number, enum value or length, shortened; it is
	// empty for other strings and for every field that may hold a secret
	// (type Secret, format password, or a name with token, secret, password
	// or key).
	Value string
}

// Error reads like "netbird: invalid PersonalAccessTokenRequest: expires_in
// must be between 1 and 365, got 366".
func (e *ValidationError) Error() string {
	s := "netbird: invalid " + e.Type + ": " + e.Field + " " + e.Rule
	if e.Value != "" {
		s += ", got " + e.Value
	}
	return s
}

// validationFailed returns a ValidationError whose Type the caller sets:
// nested validateFields methods only know the field.
func validationFailed(field, rule, value string) *ValidationError {
	return &ValidationError{Field: field, Rule: rule, Value: value}
}

// validationFailedIn returns err with its Type set, as an error (nil stays
// an untyped nil).
func validationFailedIn(typ string, err *ValidationError) error {
	if err == nil {
		return nil
	}
	err.Type = typ
	return err
}

// validationQuote quotes an enum value for a ValidationError, cut to 64 bytes.
func validationQuote(s string) string {
	if len(s) > 64 {
		cut := 64
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}

// lazyRegexp holds one of the document's patterns and compiles it the
// first time a body is checked against it. Its values are plain data, so
// loading the package compiles nothing, and a program that checks no
// patterned body does not link package regexp (a closure made at load
// time, such as sync.OnceValue, would keep it linked).
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

func (l *lazyRegexp) MatchString(s string) bool {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re.MatchString(s)
}
