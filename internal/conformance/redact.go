package conformance

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
)

var (
	// NetBird's answer for a well-formed PAT it does not hold names the
	// token's hash: "invalid token: pat: <hash> not found".
	patHashRE = regexp.MustCompile(`(pat: )\S+( not found)`)
	// Anything shaped like a PAT.
	patRE = regexp.MustCompile(`nbp_[A-Za-z0-9]{36}`)
)

// Redact removes from s what could identify a token: PATs, and the hash
// NetBird puts in its "invalid token: pat: <hash> not found" answer.
func Redact(s string) string {
	s = patHashRE.ReplaceAllString(s, "${1}[redacted]${2}")
	return patRE.ReplaceAllString(s, "nbp_[redacted]")
}

// Redactor removes a given token, its hashes and anything Redact removes.
type Redactor struct{ secrets []string }

// NewRedactor redacts token and the hashes NetBird stores and shows of it.
func NewRedactor(token string) *Redactor {
	r := &Redactor{}
	if token = strings.TrimSpace(token); token != "" {
		sum := sha256.Sum256([]byte(token))
		r.secrets = []string{token,
			base64.StdEncoding.EncodeToString(sum[:]),
			base64.RawStdEncoding.EncodeToString(sum[:]),
			base64.URLEncoding.EncodeToString(sum[:]),
			base64.RawURLEncoding.EncodeToString(sum[:]),
		}
	}
	return r
}

// Redact is Redact, less the token and its hashes.
func (r *Redactor) Redact(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	return Redact(s)
}
