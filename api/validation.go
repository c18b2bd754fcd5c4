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
// Not every rule of the document is checked: formats (date-time, email,
// cidr...), unions (oneOf/anyOf) and additionalProperties maps are left to
// the server. Required strings must not be empty: NetBird's required strings
// are names and ids, where "" is never meaningful; free-text descriptions
// and policy rule names, which NetBird accepts empty, are the exceptions.
// Required numbers and booleans are not checked, as their zero value is
// legal. A nil slice is sent as null, which NetBird reads as empty, so only
// minItems applies to slices.
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
	// (format password, or a name with token, secret, password or key).
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

// validationFailed returns a ValidationError whose Type the caller sets.
func validationFailed(field, rule, value string) *ValidationError {
	return &ValidationError{Field: field, Rule: rule, Value: value}
}

// validationFailedIn returns err with its Type set, as an error.
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

// validationLen is the length of s as JSON Schema counts it: in characters.
func validationLen(s string) string { return strconv.Itoa(utf8.RuneCountInString(s)) }

// lazyRegexp compiles its pattern the first time a body is checked
// against it: loading the package compiles nothing, and a program that
// checks no such body does not link package regexp.
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

func (l *lazyRegexp) MatchString(s string) bool {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re.MatchString(s)
}
