package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
)

// TokenKind says how a token is sent in the Authorization header.
type TokenKind int

const (
	// KindAuto detects the kind: a token starting with "nbp_" is a PAT, one
	// made of dot-separated parts is a JWT, anything else is an error.
	KindAuto TokenKind = iota
	// KindPAT is a NetBird personal access token, sent as
	// "Authorization: Token <pat>".
	KindPAT
	// KindJWT is a JWT from the identity provider, sent as
	// "Authorization: Bearer <jwt>".
	KindJWT
)

// String returns "auto", "pat" or "jwt", the words NETBIRD_TOKEN_KIND accepts.
func (k TokenKind) String() string {
	switch k {
	case KindAuto:
		return "auto"
	case KindPAT:
		return "pat"
	case KindJWT:
		return "jwt"
	}
	return "TokenKind(" + strconv.Itoa(int(k)) + ")"
}

// goSyntax returns the Go expression for k, for GoString methods.
func (k TokenKind) goSyntax() string {
	switch k {
	case KindAuto:
		return "auth.KindAuto"
	case KindPAT:
		return "auth.KindPAT"
	case KindJWT:
		return "auth.KindJWT"
	}
	return "auth.TokenKind(" + strconv.Itoa(int(k)) + ")"
}

// parseTokenKind reads the NETBIRD_TOKEN_KIND words; "" means KindAuto.
func parseTokenKind(s string) (TokenKind, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return KindAuto, true
	case "pat":
		return KindPAT, true
	case "jwt":
		return KindJWT, true
	}
	return 0, false
}

// Personal access token layout: "nbp_" + 30-char base62 secret + 6-char
// base62 CRC32 checksum of the secret.
const (
	patPrefix      = "nbp_"
	patSecretLen   = 30
	patChecksumLen = 6
	patLen         = len(patPrefix) + patSecretLen + patChecksumLen // 40

	base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// Token is a checked API token. Its zero value means "no token".
//
// A Token never shows its secret when printed or logged: String, GoString,
// Format and LogValue all give the [Token.Redacted] form.
type Token struct {
	kind TokenKind // KindPAT or KindJWT once parsed
	// header is the Authorization value, "Token <pat>" or "Bearer <jwt>",
	// built once rather than on every request; the token is what follows
	// the space. It is behind a pointer so that fmt, which cannot call
	// Format on a Token it reaches through unexported fields (a
	// netbird.Client printed with %s, a Settings inside a caller's
	// struct), prints an address there and never the token.
	header *string
}

// value returns the token itself, "" for the zero Token.
func (t Token) value() string {
	if t.header == nil {
		return ""
	}
	h := *t.header
	return h[strings.IndexByte(h, ' ')+1:]
}

// ParseToken checks s and returns it as a Token of the given kind; with
// KindAuto the kind is detected from the token's shape. Surrounding white
// space is trimmed. Errors are *ConfigError values with Field "Token" (or
// "TokenKind" for an unknown kind) and never contain any part of s.
func ParseToken(s string, kind TokenKind) (Token, error) {
	if kind != KindAuto && kind != KindPAT && kind != KindJWT {
		return Token{}, &ConfigError{Field: "TokenKind", Value: kind.String(),
			Reason: "unknown token kind (want KindAuto, KindPAT or KindJWT)"}
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return Token{}, tokenError("is empty")
	}
	if reason := checkTokenChars(s); reason != "" {
		return Token{}, tokenError(reason)
	}
	if kind == KindAuto {
		switch {
		case strings.HasPrefix(s, patPrefix):
			kind = KindPAT
		case strings.Contains(s, "."):
			kind = KindJWT
		default:
			return Token{}, tokenError(`is neither a personal access token (starting with "nbp_") ` +
				`nor a JWT (three dot-separated base64url parts)`)
		}
	}
	var reason string
	if kind == KindPAT {
		reason = checkPAT(s)
	} else {
		reason = checkJWT(s)
	}
	if reason != "" {
		return Token{}, tokenError(reason)
	}
	scheme := "Bearer "
	if kind == KindPAT {
		scheme = "Token "
	}
	h := scheme + s
	return Token{kind: kind, header: &h}, nil
}

// tokenError never carries a Value: no part of a token goes into an error.
func tokenError(reason string) error {
	return &ConfigError{Field: "Token", Reason: reason}
}

// checkTokenChars refuses anything that could split or bend an HTTP header.
func checkTokenChars(s string) string {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7f:
			return fmt.Sprintf("contains a control character at position %d (a pasted line break or tab?)", i+1)
		case c == ' ':
			return fmt.Sprintf("contains a space at position %d", i+1)
		case c >= 0x80:
			return "contains non-ASCII characters"
		}
	}
	return ""
}

func checkPAT(s string) string {
	if !strings.HasPrefix(s, patPrefix) {
		return `is not a personal access token: it does not start with "nbp_"`
	}
	if len(s) != patLen {
		return fmt.Sprintf("personal access token length is %d, want %d (a truncated paste or an extra character?)",
			len(s), patLen)
	}
	body := s[len(patPrefix):]
	for i := 0; i < len(body); i++ {
		if !isBase62(body[i]) {
			return fmt.Sprintf("personal access token has a character that is not a letter or digit at position %d",
				len(patPrefix)+i+1)
		}
	}
	if patChecksum(body[:patSecretLen]) != body[patSecretLen:] {
		return "personal access token checksum mismatch (the token was mistyped or altered)"
	}
	return ""
}

func checkJWT(s string) string {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return fmt.Sprintf("a JWT has 3 dot-separated parts, this token has %d", len(parts))
	}
	for i, p := range parts {
		if p == "" {
			return fmt.Sprintf("JWT part %d is empty", i+1)
		}
		for j := 0; j < len(p); j++ {
			if !isBase64URL(p[j]) {
				return fmt.Sprintf("JWT part %d is not base64url (letters, digits, '-' and '_')", i+1)
			}
		}
	}
	return ""
}

func isBase62(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

func isBase64URL(c byte) bool {
	return isBase62(c) || c == '-' || c == '_'
}

// patChecksum is NetBird's PAT checksum: CRC32-IEEE of the secret in base62,
// most significant digit first, left-padded with '0' to 6 characters
// (62^6 > 2^32, so 6 digits always suffice).
func patChecksum(secret string) string {
	n := crc32.ChecksumIEEE([]byte(secret))
	var b [patChecksumLen]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = base62Digits[n%62]
		n /= 62
	}
	return string(b[:])
}

// NewPAT returns the well-formed personal access token for a 30-character
// base62 secret: "nbp_" + secret + checksum. It is meant for tests and test
// servers that need tokens the real server would accept.
func NewPAT(secret30 string) (string, error) {
	if len(secret30) != patSecretLen {
		return "", errors.New("netbird auth: a PAT secret must be 30 characters long")
	}
	for i := 0; i < len(secret30); i++ {
		if !isBase62(secret30[i]) {
			return "", errors.New("netbird auth: a PAT secret must contain only letters and digits")
		}
	}
	return patPrefix + secret30 + patChecksum(secret30), nil
}

// GeneratePAT returns a new random, well-formed personal access token,
// using crypto/rand for the secret.
func GeneratePAT() string {
	// Rejection sampling: bytes >= 248 (= 4*62) are dropped so that every
	// base62 digit is equally likely.
	const limit = 256 - 256%62
	secret := make([]byte, 0, patSecretLen)
	var buf [64]byte
	for len(secret) < patSecretLen {
		_, _ = rand.Read(buf[:]) // never fails since Go 1.24
		for _, c := range buf {
			if c < limit && len(secret) < patSecretLen {
				secret = append(secret, base62Digits[c%62])
			}
		}
	}
	return patPrefix + string(secret) + patChecksum(string(secret))
}

// ValidPAT reports why s (after trimming surrounding white space) is not a
// well-formed personal access token, or nil when it is.
func ValidPAT(s string) error {
	_, err := ParseToken(s, KindPAT)
	return err
}

// Kind returns KindPAT or KindJWT, or KindAuto for the zero Token.
func (t Token) Kind() TokenKind { return t.kind }

// IsZero reports whether t holds no token.
func (t Token) IsZero() bool { return t.value() == "" }

// Redacted returns a form of the token safe to show: "nbp_…" and the last
// four characters for a PAT; for a JWT its "eyJ" header marker (when
// present), "…" and the last four characters (only the marker for a JWT
// shorter than 16 characters). The zero Token gives "".
func (t Token) Redacted() string {
	const ellipsis = "…"
	v := t.value()
	if v == "" {
		return ""
	}
	if t.kind == KindPAT {
		return patPrefix + ellipsis + v[len(v)-4:]
	}
	prefix := ""
	if strings.HasPrefix(v, "eyJ") { // base64 of `{"`, the same in every JWT
		prefix = "eyJ"
	}
	if len(v) < 16 {
		return prefix + ellipsis
	}
	return prefix + ellipsis + v[len(v)-4:]
}

// SetHeader sets the Authorization header in h ("Token <pat>" or
// "Bearer <jwt>"). It uses Set, never Add, so calling it again (a retry, an
// editor wired twice) leaves exactly one value. The zero Token does nothing.
func (t Token) SetHeader(h http.Header) {
	if t.header != nil {
		h["Authorization"] = []string{*t.header} // the canonical key: Set without the lookup
	}
}
