package auth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

const testJWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLWJ5dGVz_-"

func TestParseTokenAccepts(t *testing.T) {
	gen := GeneratePAT()
	tests := []struct {
		name, in string
		kind     TokenKind
		wantKind TokenKind
		want     string // the stored token; "" means strings.TrimSpace(in)
		header   string
	}{
		{"documented PAT", testPAT, KindAuto, KindPAT, "", "Token " + testPAT},
		{"forced PAT", testPAT, KindPAT, KindPAT, "", "Token " + testPAT},
		{"generated PAT", gen, KindAuto, KindPAT, "", "Token " + gen},
		{"trimmed PAT", " \t" + testPAT + "\r\n", KindAuto, KindPAT, testPAT, "Token " + testPAT},
		{"JWT", testJWT, KindAuto, KindJWT, "", "Bearer " + testJWT},
		{"forced JWT", testJWT, KindJWT, KindJWT, "", "Bearer " + testJWT},
		{"trimmed JWT", "\n" + testJWT + "\n", KindAuto, KindJWT, testJWT, "Bearer " + testJWT},
		{"short JWT", "a.b.c", KindAuto, KindJWT, "", "Bearer a.b.c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := ParseToken(tt.in, tt.kind)
			if err != nil {
				t.Fatalf("ParseToken: %v", err)
			}
			if tok.Kind() != tt.wantKind || tok.IsZero() {
				t.Errorf("Kind = %v, IsZero = %v", tok.Kind(), tok.IsZero())
			}
			want := tt.want
			if want == "" {
				want = strings.TrimSpace(tt.in)
			}
			if tok.value() != want {
				t.Errorf("value = %q, want %q", tok.value(), want)
			}
			h := http.Header{}
			tok.SetHeader(h)
			tok.SetHeader(h)
			if got := h.Values("Authorization"); len(got) != 1 || got[0] != tt.header {
				t.Errorf("Authorization = %q, want [%q]", got, tt.header)
			}
		})
	}
}

func TestGeneratePAT(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p := GeneratePAT()
		if len(p) != 40 || !strings.HasPrefix(p, "nbp_") {
			t.Fatalf("GeneratePAT() = %q", p)
		}
		if err := ValidPAT(p); err != nil {
			t.Fatalf("GeneratePAT() = %q: %v", p, err)
		}
		if seen[p] {
			t.Fatalf("GeneratePAT repeated %q", p)
		}
		seen[p] = true
	}
}

func TestNewPAT(t *testing.T) {
	p, err := NewPAT("apTmlmUXHSC4PKmHwtIZNaGr8eqcVI")
	if err != nil || p != testPAT {
		t.Fatalf("NewPAT = %q, %v; want %q", p, err, testPAT)
	}
	for _, bad := range []string{"", "short", "apTmlmUXHSC4PKmHwtIZNaGr8eqc-I", "apTmlmUXHSC4PKmHwtIZNaGr8eqcVIx"} {
		if _, err := NewPAT(bad); err == nil {
			t.Errorf("NewPAT(%q) succeeded", bad)
		}
	}
}

func TestPATChecksumPadding(t *testing.T) {
	// A secret whose CRC32 is small must still give six digits.
	for _, s := range []string{"000000000000000000000000000000", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"} {
		if sum := patChecksum(s); len(sum) != 6 {
			t.Errorf("patChecksum(%q) = %q", s, sum)
		}
	}
	if got := patChecksum("apTmlmUXHSC4PKmHwtIZNaGr8eqcVI"); got != "2gMURp" {
		t.Errorf("checksum = %q, want 2gMURp", got)
	}
}

func TestParseTokenRejects(t *testing.T) {
	badSum := testPAT[:39] + "q"
	tests := []struct {
		name, in string
		kind     TokenKind
		field    string
		want     string
	}{
		{"empty", "", KindAuto, "Token", "is empty"},
		{"blank", " \n\t", KindAuto, "Token", "is empty"},
		{"39 chars", testPAT[:39], KindAuto, "Token", "length is 39, want 40"},
		{"41 chars", testPAT + "x", KindAuto, "Token", "length is 41, want 40"},
		{"41 chars forced", testPAT + "x", KindPAT, "Token", "length is 41, want 40"},
		{"bad checksum", badSum, KindAuto, "Token", "checksum mismatch"},
		{"bad char", testPAT[:10] + "-" + testPAT[11:], KindAuto, "Token", "not a letter or digit"},
		{"forced PAT without prefix", "xbp_" + testPAT[4:], KindPAT, "Token", `does not start with "nbp_"`},
		{"forced PAT given JWT", testJWT, KindPAT, "Token", `does not start with "nbp_"`},
		{"JWT 2 parts", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", KindAuto, "Token", "3 dot-separated parts, this token has 2"},
		{"JWT 4 parts", "a.b.c.d", KindAuto, "Token", "has 4"},
		{"JWT empty part", "a..c", KindAuto, "Token", "part 2 is empty"},
		{"JWT bad char", "a.b+c.d", KindAuto, "Token", "part 2 is not base64url"},
		{"JWT padding", "a.b.c=", KindAuto, "Token", "part 3 is not base64url"},
		{"forced JWT given PAT", testPAT, KindJWT, "Token", "has 1"},
		{"neither", "hunter2hunter2", KindAuto, "Token", "neither"},
		{"newline inside", testPAT[:20] + "\n" + testPAT[20:], KindAuto, "Token", "control character at position 21"},
		{"CR inside", testPAT[:20] + "\r" + testPAT[20:], KindAuto, "Token", "control character"},
		{"tab inside", testPAT[:20] + "\t" + testPAT[20:], KindAuto, "Token", "control character"},
		{"DEL inside", testPAT[:20] + "\x7f" + testPAT[20:], KindAuto, "Token", "control character"},
		{"NUL inside", testPAT[:20] + "\x00" + testPAT[20:], KindAuto, "Token", "control character"},
		{"space inside", testPAT[:20] + " " + testPAT[20:], KindAuto, "Token", "space at position 21"},
		{"header injection", testPAT + "\r\nX-Evil: 1", KindAuto, "Token", "control character"},
		{"non-ASCII", testPAT[:20] + "é" + testPAT[21:], KindAuto, "Token", "non-ASCII"},
		{"unknown kind", testPAT, TokenKind(9), "TokenKind", "unknown token kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := ParseToken(tt.in, tt.kind)
			if err == nil {
				t.Fatalf("ParseToken succeeded: %v", tok)
			}
			if !tok.IsZero() {
				t.Error("a rejected token is not zero")
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.field {
				t.Fatalf("err = %#v, want a *ConfigError for %s", err, tt.field)
			}
			if tt.field == "Token" && ce.Value != "" {
				t.Errorf("Value = %q, want empty for token errors", ce.Value)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("message %q lacks %q", err, tt.want)
			}
			if s := strings.TrimSpace(tt.in); len(s) > 8 && strings.Contains(err.Error(), s[4:len(s)-4]) {
				t.Errorf("message %q contains the token", err)
			}
		})
	}
}

func TestValidPAT(t *testing.T) {
	if err := ValidPAT(testPAT); err != nil {
		t.Error(err)
	}
	if err := ValidPAT(testJWT); err == nil {
		t.Error("ValidPAT accepted a JWT")
	}
}

func TestZeroToken(t *testing.T) {
	var tok Token
	if !tok.IsZero() || tok.Kind() != KindAuto || tok.Redacted() != "" {
		t.Errorf("zero Token: IsZero %v, Kind %v, Redacted %q", tok.IsZero(), tok.Kind(), tok.Redacted())
	}
	h := http.Header{"Authorization": {"kept"}}
	tok.SetHeader(h)
	if h.Get("Authorization") != "kept" {
		t.Error("zero Token changed the header")
	}
}

func TestTokenKindString(t *testing.T) {
	for k, want := range map[TokenKind]string{KindAuto: "auto", KindPAT: "pat", KindJWT: "jwt", 5: "TokenKind(5)"} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(k), got, want)
		}
	}
}
