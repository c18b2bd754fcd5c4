package netbird

import (
	"regexp"
	"testing"
)

// ansiPattern is the definition stripANSI implements without a regexp.
var ansiPattern = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

var ansiSamples = []string{
	"",
	"plain text",
	"\x1b[31mred\x1b[0m",
	"\x1b[1;31;40mbold\x1b[m end",
	"\x1b[?25l hidden cursor \x1b[?25h",
	"\x1b[", "\x1b[12", "\x1b[12;", "\x1b", "x\x1b",
	"\x1b[31", "\x1b[3 1m", "\x1b[\x1b[31mnested",
	"\x1b\x1b[0mtwo escapes",
	"\x1b]0;title\x07 not CSI",
	"ünïcode \x1b[32m✓\x1b[0m",
}

func TestStripANSIMatchesThePattern(t *testing.T) {
	for _, s := range ansiSamples {
		if got, want := stripANSI(s), ansiPattern.ReplaceAllString(s, ""); got != want {
			t.Errorf("stripANSI(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzStripANSI(f *testing.F) {
	for _, s := range ansiSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := stripANSI(s), ansiPattern.ReplaceAllString(s, ""); got != want {
			t.Errorf("stripANSI(%q) = %q, want %q", s, got, want)
		}
	})
}

// Only NetBird's answer to an unknown token counts as unauthorized, not
// other 404s that mention an invalid token.
func TestUnknownTokenIsNarrow(t *testing.T) {
	for msg, want := range map[string]bool{
		"invalid token: pat: c29tZWhhc2g= not found": true,
		"Invalid Token: pat: x not found":            true,
		"invalid token length":                       false,
		"group: x not found":                         false,
	} {
		e := &APIError{StatusCode: 404, Message: msg}
		if got := e.unknownToken(); got != want {
			t.Errorf("%q: unknownToken %v, want %v", msg, got, want)
		}
		if IsUnauthorized(e) != want || IsNotFound(e) == want {
			t.Errorf("%q: IsUnauthorized %v, IsNotFound %v", msg, IsUnauthorized(e), IsNotFound(e))
		}
	}
	if (&APIError{StatusCode: 400, Message: "invalid token: x"}).unknownToken() {
		t.Error("a 400 counted as an unknown token")
	}
}
