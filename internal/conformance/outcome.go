package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/internal/opcall"
)

// Kinds of outcome.
const (
	KindOK        = "ok"
	KindNotServed = "not served"
	KindRefused   = "refused"
	KindSkipped   = "skipped"
	KindFailed    = "failed" // the client could not make sense of the answer, or none came
)

// Outcome is what a server did with one operation.
type Outcome struct {
	Op opcall.Op
	// Result is as the real-server table shows it: "ok", "not served",
	// "refused NNN", "client error: ...".
	Result string
	// Kind is Result without its details (KindOK, KindRefused, ...).
	Kind string
	// Status is the answer's status for a refusal or a call not served.
	Status int
	// Why says why the call was refused, not served or skipped: the role,
	// a cloud-only operation, a precondition, ... (never a token or its hash).
	Why string
	// Findings are where the request or the answer departs from the
	// document (none for an operation not served).
	Findings []Finding
	// Departures are Findings as the real-server table shows them.
	Departures []string
}

// Run calls o through its service method on c (path parameters from ids,
// sample inputs otherwise, as opcall.Call does) and classifies what came.
// v must be the Validator in c's transport; the findings it makes during
// the call become the outcome's, so calls with one Validator must not
// overlap. The error is for a call that could not be made at all.
func Run(ctx context.Context, c *netbird.Client, v *Validator, o opcall.Op, ids map[string]string) (Outcome, error) {
	v.Take()
	callErr, err := opcall.Call(ctx, c, o, ids)
	if err != nil {
		return Outcome{}, err
	}
	out := Classify(o, callErr)
	findings := v.Take()
	if out.Kind != KindNotServed {
		out.Findings, out.Departures = findings, Problems(findings, false)
	}
	return out, nil
}

// Classify says what an operation's call error means: ok, not served (no
// route: 404 "page not found" or 405), refused with a status and why, or a
// failure of the client.
func Classify(o opcall.Op, callErr error) Outcome {
	out := Outcome{Op: o}
	var ae *netbird.APIError
	switch {
	case callErr == nil:
		out.Result, out.Kind = "ok", KindOK
	case errors.As(callErr, &ae) && (ae.StatusCode == 404 && strings.Contains(ae.Message, "page not found") || ae.StatusCode == 405):
		out.Result, out.Kind, out.Status = "not served", KindNotServed, ae.StatusCode
		out.Why = "no route for it on this server"
		if o.CloudOnly {
			out.Why = "cloud-only: NetBird Cloud serves it, a self-hosted server does not"
		}
	case errors.As(callErr, &ae):
		out.Result, out.Kind, out.Status = fmt.Sprintf("refused %d", ae.StatusCode), KindRefused, ae.StatusCode
		out.Why = why(o, ae)
	default:
		msg := Redact(callErr.Error())
		out.Result, out.Kind, out.Why = "client error: "+msg, KindFailed, msg
	}
	return out
}

// why explains a refusal from its status and NetBird's message.
func why(o opcall.Op, ae *netbird.APIError) string {
	msg := Redact(ae.Message)
	if msg == "" {
		msg = strings.ToLower(strings.TrimSpace(fmt.Sprint(ae.StatusCode)))
	}
	switch s := ae.StatusCode; {
	case TokenRefused(ae):
		return "token not accepted: " + msg
	case s == 403:
		return "role: " + msg + " (this token's user or role may not do this)"
	case o.CloudOnly && (s == 404 || s == 501):
		return "cloud-only: " + msg
	case s == 404:
		return "not found: " + msg
	case s == 412:
		return "precondition: " + msg + " (the server's setup lacks what this needs, e.g. an identity provider)"
	case s == 400 || s == 422:
		return "input refused: " + msg
	case s == 429:
		return "rate limited: " + msg
	case s >= 500:
		return "server error: " + msg
	}
	return msg
}

// TokenRefused reports whether err says the server does not accept the
// token at all: 401, or NetBird's 404 "invalid token" for a well-formed
// token it does not hold.
func TokenRefused(err error) bool {
	var ae *netbird.APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.StatusCode == 401 || ae.StatusCode == 404 && strings.HasPrefix(ae.Message, "invalid token")
}
