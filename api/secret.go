package api

import (
	"fmt"
	"log/slog"
)

// Secret is a string NetBird sends or takes that must not be printed: plain
// tokens, passwords, client secrets, API keys. It marshals to JSON as the
// plain string, but fmt (%v, %+v, %#v, %s, %q) and slog show only a
// redacted form. Use Reveal, or string(s), where the value is really needed.
//
// The overlay (internal/codegen/overlay.yaml) gives these fields this type.
type Secret string

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

// Redacted shows at most a recognisable prefix ("nbp_") and the last four
// characters of secrets long enough to keep the rest hidden.
func (s Secret) Redacted() string {
	if len(s) < 16 {
		return "[redacted]"
	}
	prefix := ""
	if len(s) > 4 && s[3] == '_' { // nbp_…, nbs_…
		prefix = string(s[:4])
	}
	return prefix + "…" + string(s[len(s)-4:])
}

// String returns the redacted form.
func (s Secret) String() string { return s.Redacted() }

// GoString returns the redacted form, for %#v.
func (s Secret) GoString() string { return `api.Secret("` + s.Redacted() + `")` }

// Format makes every fmt verb print the redacted form.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(s.GoString()))
		return
	}
	_, _ = f.Write([]byte(s.Redacted()))
}

// LogValue makes slog print the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.Redacted()) }
