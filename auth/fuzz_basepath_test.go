package auth

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzBasePath checks BasePath, alone and together with a path written in
// Host, the way FuzzHost checks Host: no input makes Settings panic; a
// refusal is a *ConfigError naming BasePath or Host; an accepted base path
// is clean (a leading "/", no trailing "/", no empty, "." or ".." segment,
// nothing that needs escaping, ending in "/api"), and a path resolved
// against Settings.Server, as api's request builders resolve theirs, lands
// under it with escaped ids intact.
// Seeds are in testdata/fuzz/FuzzBasePath.
func FuzzBasePath(f *testing.F) {
	for _, s := range [][2]string{
		{"", "/api"}, {"", "/netbird/api/"}, {"", "/"}, {"/netbird/api", ""},
		{"/netbird/api", "/netbird/api"}, {"/a", "/b"}, {"", "api"}, {"", "//x"}, {"", "/a b"}, {"", "/a/../b"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, hostPath, basePath string) {
		host := "https://netbird.example.com"
		if strings.HasPrefix(hostPath, "/") {
			host += hostPath
		}
		s, err := Config{Host: host, BasePath: basePath, Token: testPAT}.Settings()
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || (ce.Field != "BasePath" && ce.Field != "Host") {
				t.Fatalf("error %T is not a *ConfigError for BasePath or Host: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), "netbird auth: "+ce.Field) {
				t.Fatalf("message %q does not start with the field", err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("message %q is not one line", err)
			}
			return
		}
		b := s.BasePath
		if !strings.HasSuffix(b, "/api") {
			t.Fatalf("base path %q does not end in /api", b)
		}
		{
			if b[0] != '/' || strings.HasSuffix(b, "/") || strings.Contains(b, "//") {
				t.Fatalf("odd base path %q", b)
			}
			for seg := range strings.SplitSeq(b[1:], "/") {
				if seg == "." || seg == ".." {
					t.Fatalf("base path %q has a dot segment", b)
				}
			}
			if url.PathEscape(strings.ReplaceAll(b, "/", "")) != strings.ReplaceAll(b, "/", "") {
				t.Fatalf("base path %q needs escaping", b)
			}
		}
		// Set in both places, the two must have agreed.
		if strings.TrimSpace(basePath) != "" && hostPath != "" && strings.HasPrefix(hostPath, "/") {
			hp, hr := cleanBasePath(hostPath)
			bp, br := cleanBasePath(strings.TrimSpace(basePath))
			if hr == "" && br == "" && hp != "" && hp != bp {
				t.Fatalf("Host path %q and BasePath %q differ, yet both were accepted as %q", hp, bp, b)
			}
		}
		back, err := url.Parse(s.BaseURL())
		if err != nil || back.Path != b || back.Host != "netbird.example.com" {
			t.Fatalf("BaseURL %q does not parse back: %v", s.BaseURL(), err)
		}
		server, err := url.Parse(s.Server())
		if err != nil {
			t.Fatalf("Server %q does not parse: %v", s.Server(), err)
		}
		u, err := server.Parse("./api/peers/a%2Fb")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := u.EscapedPath(), b+"/peers/a%2Fb"; got != want {
			t.Fatalf("path %q, want %q", got, want)
		}
	})
}
