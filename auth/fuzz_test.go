package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/netbird-go/netbird/api"
)

// FuzzHost checks that no Host value makes Settings panic, and that an
// accepted one yields a plain scheme://host[:port] server URL.
// Seeds are in testdata/fuzz/FuzzHost.
func FuzzHost(f *testing.F) {
	for _, s := range []string{"api.netbird.io", "https://netbird.example.com:33073/netbird/api/", "[::1]:33073"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		s, err := Config{Host: host, Token: testPAT}.Settings()
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *ConfigError: %v", err, err)
			}
			return
		}
		u := s.ServerURL
		if u.Scheme != "https" && u.Scheme != "http" {
			t.Fatalf("scheme %q", u.Scheme)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Path != "" || u.Opaque != "" || u.ForceQuery {
			t.Fatalf("ServerURL %#v has more than scheme and host", u)
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			t.Fatalf("plain http to %q accepted without AllowInsecureHTTP", u.Host)
		}
		if u.Hostname() == "" || strings.ContainsAny(u.Host, " \t\r\n@?#/\\") {
			t.Fatalf("odd host %q", u.Host)
		}
		if b := s.BasePath; b != "" && (b[0] != '/' || strings.HasSuffix(b, "/") || strings.Contains(b, "//")) {
			t.Fatalf("odd base path %q", b)
		}
		// The URL must survive a round trip through net/url unchanged.
		back, err := url.Parse(s.BaseURL())
		if err != nil || back.Host != u.Host || back.Scheme != u.Scheme || back.Path != s.BasePath {
			t.Fatalf("BaseURL %q does not parse back: %v %#v", s.BaseURL(), err, back)
		}
		// And the editor accepts requests built for it.
		req, err := api.NewListPeersRequest(s.Server(), nil)
		if err != nil {
			t.Fatalf("request for %s: %v", u, err)
		}
		if err := s.RequestEditor()(context.Background(), req); err != nil {
			t.Fatalf("editor refused its own server %s: %v", u, err)
		}
		if want := s.BasePath + "/peers"; req.URL.Path != want || req.URL.Host != u.Host {
			t.Fatalf("path %q, want %q", req.URL.Path, want)
		}
	})
}

// FuzzToken checks that no input makes ParseToken panic, that an accepted
// token makes a clean header value, and that errors never echo the input.
// Seeds are in testdata/fuzz/FuzzToken.
func FuzzToken(f *testing.F) {
	for _, s := range []string{testPAT, testJWT, "nbp_", "a.b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, kind := range []TokenKind{KindAuto, KindPAT, KindJWT} {
			tok, err := ParseToken(in, kind)
			if err != nil {
				if !tok.IsZero() {
					t.Fatal("rejected token is not zero")
				}
				// Error messages are fixed text plus numbers; an input long
				// enough to be a secret must never appear in one.
				if s := strings.TrimSpace(in); len(s) > 8 && strings.Contains(err.Error(), s) {
					t.Fatalf("error %q contains the input", err)
				}
				continue
			}
			h := http.Header{}
			tok.SetHeader(h)
			v := h.Get("Authorization")
			scheme, value, ok := strings.Cut(v, " ")
			if !ok || (scheme != "Token" && scheme != "Bearer") || value == "" {
				t.Fatalf("header %q", v)
			}
			for i := 0; i < len(value); i++ {
				if c := value[i]; c <= ' ' || c >= 0x7f {
					t.Fatalf("header value has byte %#x", c)
				}
			}
			if r := tok.Redacted(); len(value) > 8 && strings.Contains(r, value) {
				t.Fatalf("Redacted %q shows the whole token", r)
			}
		}
	})
}
