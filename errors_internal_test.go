package netbird

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
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

// FuzzErrorBody feeds arbitrary error answers (status, body, X-Request-Id)
// for a request with an arbitrary id in its path to newAPIError, which
// turns every non-2xx answer into an *APIError. Whatever the server sends,
// Error() must not panic and must be safe to print in a log line: one line,
// no control characters, valid UTF-8, and of bounded length; the body is
// read only up to the cap. Seeds are in testdata/fuzz/FuzzErrorBody.
func FuzzErrorBody(f *testing.F) {
	f.Add(404, []byte(`{"message":"peer not found","code":404}`), "7f3c0a", "abc")
	f.Add(502, []byte("<html><body><h1>502 Bad Gateway</h1></body></html>"), "", "abc")
	f.Add(429, []byte(`{"message":"too many requests","code":429}`), "x", "")
	f.Add(500, []byte("\x1b[31mred\x1b[0m\r\nline two\u2028three"), "a\tb", "a\nb")
	f.Add(400, []byte(`{"message":"`+strings.Repeat("é", 600)+`"}`), strings.Repeat("r", 300), "a/b c")
	f.Add(999, []byte{0xff, 0xfe, '<', 0xc3}, "\xff\xfe\u202e", "..")
	f.Fuzz(func(t *testing.T, status int, body []byte, requestID, id string) {
		status = 100 + (status%900+900)%900 // net/http accepts three digits
		const maxBody = 4 << 10
		req, err := http.NewRequest(http.MethodGet, "https://api.netbird.io/api/peers/"+url.PathEscape(id), nil) //nolint:noctx // never sent
		if err != nil {
			t.Skip(err)
		}
		src := &countingReader{r: bytes.NewReader(body)}
		resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(src)}
		resp.Header.Set("X-Request-Id", requestID)

		e := newAPIError("GetPeer", req, resp, maxBody)
		if src.n > maxBody {
			t.Fatalf("read %d bytes of the body, cap %d", src.n, maxBody)
		}
		if e.StatusCode != status {
			t.Fatalf("StatusCode %d, want %d", e.StatusCode, status)
		}
		if n := utf8.RuneCountInString(e.Message); n > 501 {
			t.Fatalf("Message is %d runes long", n)
		}
		for _, field := range []struct{ name, s string }{
			{"Error()", e.Error()}, {"Message", e.Message}, {"RequestID", e.RequestID}, {"Path", e.Path},
		} {
			if reason := unprintable(field.s); reason != "" {
				t.Fatalf("%s %q %s", field.name, field.s, reason)
			}
		}
		// The prefix ("netbird: GET <path>: <status> <text>: ") is at most
		// ~60 runes plus the path; the message at most 501; the request id
		// (with its parentheses) is bounded too.
		if n, limit := utf8.RuneCountInString(e.Error()), 800+utf8.RuneCountInString(e.Path); n > limit {
			t.Fatalf("Error() is %d runes long, limit %d", n, limit)
		}
	})
}

// unprintable says why s cannot go into one log line as it is, or "".
func unprintable(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return "has a control character or line break"
		}
	}
	return ""
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
