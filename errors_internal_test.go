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
