package auth

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// Token, Config and Settings implement fmt.Formatter themselves, so no verb
// or flag (%+v and %#v included) makes fmt walk their fields and print a
// token; slog.LogValuer does the same for log/slog. They also implement
// json.Marshaler, because slog's JSON handler falls back to encoding/json
// for values nested in a slice, map or struct, where LogValue is not asked.

// formatRedacted writes plain for %v, %+v, %s and %q (keeping width and
// flags), goSyntax for %#v, and fmt's bad-verb form for any other verb.
func formatRedacted(f fmt.State, verb rune, typeName, plain, goSyntax string) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = io.WriteString(f, goSyntax)
			return
		}
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, 's'), plain)
	case 's', 'q':
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), plain)
	default:
		_, _ = fmt.Fprintf(f, "%%!%c(%s=%s)", verb, typeName, plain)
	}
}

// String returns the [Token.Redacted] form.
func (t Token) String() string { return t.Redacted() }

// GoString returns the redacted form, quoted.
func (t Token) GoString() string { return strconv.Quote(t.Redacted()) }

// Format prints the redacted form whatever the verb.
func (t Token) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, "auth.Token", t.Redacted(), t.GoString())
}

// LogValue logs the redacted form.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.Redacted()) }

// MarshalJSON encodes the redacted form as a JSON string.
func (t Token) MarshalJSON() ([]byte, error) { return json.Marshal(t.Redacted()) }

// redactedToken shows Config.Token safely: the redacted form when it
// parses, otherwise only its length (useful to spot a truncated paste).
func (c Config) redactedToken() string {
	if strings.TrimSpace(c.Token) == "" {
		return ""
	}
	if t, err := ParseToken(c.Token, c.TokenKind); err == nil {
		return t.Redacted()
	}
	return fmt.Sprintf("<invalid token, %d bytes>", len(c.Token))
}

func pemSummary(pem []byte) string {
	if pem == nil {
		return "<nil>"
	}
	return fmt.Sprintf("<%d bytes>", len(pem))
}

// String shows the fields with the token redacted and CACertPEM summarised
// by its length.
func (c Config) String() string {
	return fmt.Sprintf("{Host:%s Token:%s TokenKind:%s BasePath:%s Timeout:%s AllowInsecureHTTP:%t CAFile:%s CACertPEM:%s}",
		c.Host, c.redactedToken(), c.TokenKind, c.BasePath, c.Timeout, c.AllowInsecureHTTP, c.CAFile, pemSummary(c.CACertPEM))
}

// GoString is like String in Go syntax; the token is still redacted.
func (c Config) GoString() string {
	pem := "[]byte(nil)"
	if c.CACertPEM != nil {
		pem = fmt.Sprintf("[]byte{/* %d bytes */}", len(c.CACertPEM))
	}
	return fmt.Sprintf("auth.Config{Host:%q, Token:%q, TokenKind:%s, BasePath:%q, Timeout:%d, AllowInsecureHTTP:%t, CAFile:%q, CACertPEM:%s}",
		c.Host, c.redactedToken(), c.TokenKind.goSyntax(), c.BasePath, int64(c.Timeout), c.AllowInsecureHTTP, c.CAFile, pem)
}

// Format prints c with the token redacted, whatever the verb.
func (c Config) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, "auth.Config", c.String(), c.GoString())
}

// LogValue logs c as a group with the token redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.String("token", c.redactedToken()),
		slog.String("token_kind", c.TokenKind.String()),
		slog.String("base_path", c.BasePath),
		slog.Duration("timeout", c.Timeout),
		slog.Bool("allow_insecure_http", c.AllowInsecureHTTP),
		slog.String("ca_file", c.CAFile),
		slog.Int("ca_cert_pem_bytes", len(c.CACertPEM)),
	)
}

// configJSON is the JSON form of a Config, for logs: the token is redacted.
type configJSON struct {
	Host              string `json:"host"`
	Token             string `json:"token"`
	TokenKind         string `json:"token_kind"`
	BasePath          string `json:"base_path"`
	Timeout           string `json:"timeout"`
	AllowInsecureHTTP bool   `json:"allow_insecure_http"`
	CAFile            string `json:"ca_file"`
	CACertPEMBytes    int    `json:"ca_cert_pem_bytes"`
}

// MarshalJSON encodes c for logs, with the token redacted; it is not a
// way to save a Config (the token cannot be read back).
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(configJSON{
		Host: c.Host, Token: c.redactedToken(), TokenKind: c.TokenKind.String(), BasePath: c.BasePath,
		Timeout: c.Timeout.String(), AllowInsecureHTTP: c.AllowInsecureHTTP, CAFile: c.CAFile,
		CACertPEMBytes: len(c.CACertPEM),
	})
}

func (s Settings) serverURL() string {
	if s.ServerURL == nil {
		return "<nil>"
	}
	return s.ServerURL.String()
}

func (s Settings) roots() string {
	if s.RootCAs == nil {
		return "system"
	}
	return "custom"
}

// String shows the settings with the token redacted; RootCAs is shown as
// "system" or "custom".
func (s Settings) String() string {
	return fmt.Sprintf("{ServerURL:%s BasePath:%s Timeout:%s Token:%s RootCAs:%s Insecure:%t}",
		s.serverURL(), s.BasePath, s.Timeout, s.Token.Redacted(), s.roots(), s.Insecure)
}

// GoString is like String in Go syntax; the token is still redacted.
func (s Settings) GoString() string {
	return fmt.Sprintf("auth.Settings{ServerURL:%q, BasePath:%q, Timeout:%d, Token:%s, RootCAs:/* %s */, Insecure:%t}",
		s.serverURL(), s.BasePath, int64(s.Timeout), s.Token.GoString(), s.roots(), s.Insecure)
}

// Format prints s with the token redacted, whatever the verb.
func (s Settings) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, "auth.Settings", s.String(), s.GoString())
}

// LogValue logs s as a group with the token redacted.
func (s Settings) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("server_url", s.serverURL()),
		slog.String("base_path", s.BasePath),
		slog.Duration("timeout", s.Timeout),
		slog.String("token", s.Token.Redacted()),
		slog.String("root_cas", s.roots()),
		slog.Bool("insecure", s.Insecure),
	)
}

// MarshalJSON encodes s for logs, with the token redacted.
func (s Settings) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ServerURL string `json:"server_url"`
		BasePath  string `json:"base_path"`
		Timeout   string `json:"timeout"`
		Token     string `json:"token"`
		RootCAs   string `json:"root_cas"`
		Insecure  bool   `json:"insecure"`
	}{s.serverURL(), s.BasePath, s.Timeout.String(), s.Token.Redacted(), s.roots(), s.Insecure})
}
