package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testPAT is the well-formed example token from NetBird's documentation.
const testPAT = "nbp_apTmlmUXHSC4PKmHwtIZNaGr8eqcVI2gMURp"

func TestSettingsHostForms(t *testing.T) {
	tests := []struct {
		host, basePath string
		insecure       bool
		wantServer     string
		wantBase       string
		wantInsecure   bool
	}{
		{host: "api.netbird.io", wantServer: "https://api.netbird.io", wantBase: "/api"},
		{host: "  api.netbird.io  ", wantServer: "https://api.netbird.io", wantBase: "/api"},
		{host: "API.NetBird.io", wantServer: "https://api.netbird.io", wantBase: "/api"},
		{host: "api.netbird.io/", wantServer: "https://api.netbird.io", wantBase: "/api"},
		{host: "netbird.example.com:33073", wantServer: "https://netbird.example.com:33073", wantBase: "/api"},
		{host: "https://netbird.example.com/", wantServer: "https://netbird.example.com", wantBase: "/api"},
		{host: "HTTPS://netbird.example.com", wantServer: "https://netbird.example.com", wantBase: "/api"},
		{host: "https://netbird.example.com:443", wantServer: "https://netbird.example.com:443", wantBase: "/api"},
		{host: "netbird.example.com:0443", wantServer: "https://netbird.example.com:443", wantBase: "/api"},
		{host: "http://localhost:33073", wantServer: "http://localhost:33073", wantBase: "/api", wantInsecure: true},
		{host: "http://localhost:33073/", wantServer: "http://localhost:33073", wantBase: "/api", wantInsecure: true},
		{host: "http://127.0.0.1:8080", wantServer: "http://127.0.0.1:8080", wantBase: "/api", wantInsecure: true},
		{host: "http://127.1.2.3", wantServer: "http://127.1.2.3", wantBase: "/api", wantInsecure: true},
		{host: "[::1]:33073", wantServer: "https://[::1]:33073", wantBase: "/api"},
		{host: "http://[::1]:8080", wantServer: "http://[::1]:8080", wantBase: "/api", wantInsecure: true},
		{host: "[2001:DB8::1]", wantServer: "https://[2001:db8::1]", wantBase: "/api"},
		{host: "10.0.0.5:33073", wantServer: "https://10.0.0.5:33073", wantBase: "/api"},
		{host: "netbird_mgmt:33073", wantServer: "https://netbird_mgmt:33073", wantBase: "/api"},
		{host: "xn--bcher-kva.example", wantServer: "https://xn--bcher-kva.example", wantBase: "/api"},
		{host: "http://netbird.internal", insecure: true, wantServer: "http://netbird.internal", wantBase: "/api", wantInsecure: true},
		// A path in Host is the base path when BasePath is empty or the same.
		{host: "https://netbird.example.com/netbird/api", wantServer: "https://netbird.example.com", wantBase: "/netbird/api"},
		{host: "https://netbird.example.com/netbird/api/", wantServer: "https://netbird.example.com", wantBase: "/netbird/api"},
		{host: "https://netbird.example.com/netbird/api", basePath: "/netbird/api/", wantServer: "https://netbird.example.com", wantBase: "/netbird/api"},
		// BasePath forms.
		{host: "api.netbird.io", basePath: "/api/", wantServer: "https://api.netbird.io", wantBase: "/api"},
		{host: "api.netbird.io", basePath: " /netbird/api ", wantServer: "https://api.netbird.io", wantBase: "/netbird/api"},
		{host: "https://netbird.example.com/", basePath: "/v1/api", wantServer: "https://netbird.example.com", wantBase: "/v1/api"},
	}
	for _, tt := range tests {
		t.Run(tt.host+"|"+tt.basePath, func(t *testing.T) {
			s, err := Config{Host: tt.host, BasePath: tt.basePath, Token: testPAT, AllowInsecureHTTP: tt.insecure}.Settings()
			if err != nil {
				t.Fatalf("Settings: %v", err)
			}
			if got := s.ServerURL.String(); got != tt.wantServer {
				t.Errorf("ServerURL = %q, want %q", got, tt.wantServer)
			}
			if s.BasePath != tt.wantBase {
				t.Errorf("BasePath = %q, want %q", s.BasePath, tt.wantBase)
			}
			if got, want := s.BaseURL(), tt.wantServer+tt.wantBase; got != want {
				t.Errorf("BaseURL = %q, want %q", got, want)
			}
			if s.Insecure != tt.wantInsecure {
				t.Errorf("Insecure = %v, want %v", s.Insecure, tt.wantInsecure)
			}
			if u := s.ServerURL; u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
				t.Errorf("ServerURL %#v has more than scheme and host", u)
			}
		})
	}
}

func TestSettingsRejects(t *testing.T) {
	long := strings.Repeat("a.", 127) + "io" // 256 characters
	tests := []struct {
		name  string
		cfg   Config
		field string
		want  []string // substrings of the message
	}{
		{"empty host", Config{Host: "  "}, "Host", []string{"Host", "is empty"}},
		{"userinfo", Config{Host: "https://admin:hunter2@netbird.example.com"}, "Host", []string{"user information"}},
		{"query", Config{Host: "https://netbird.example.com/?x=1"}, "Host", []string{"query or fragment"}},
		{"fragment", Config{Host: "netbird.example.com#top"}, "Host", []string{"query or fragment"}},
		{"ftp scheme", Config{Host: "ftp://x"}, "Host", []string{`Host "ftp://x": unknown scheme "ftp" (want https, or http for local development)`}},
		{"ws scheme", Config{Host: "ws://netbird.example.com"}, "Host", []string{`unknown scheme "ws"`}},
		{"space inside", Config{Host: "netbird example.com"}, "Host", []string{"spaces"}},
		{"tab inside", Config{Host: "netbird\t.example.com"}, "Host", []string{"control characters"}},
		{"port zero", Config{Host: "netbird.example.com:0"}, "Host", []string{`port "0"`, "1 to 65535"}},
		{"port too big", Config{Host: "netbird.example.com:65536"}, "Host", []string{`port "65536"`}},
		{"port not number", Config{Host: "netbird.example.com:http"}, "Host", []string{`port "http"`}},
		{"port sign", Config{Host: "netbird.example.com:+80"}, "Host", []string{`port "+80"`}},
		{"empty port", Config{Host: "netbird.example.com:"}, "Host", []string{"empty port"}},
		{"too long", Config{Host: long}, "Host", []string{"256 characters", "253"}},
		{"unicode", Config{Host: "bücher.example"}, "Host", []string{"non-ASCII", "punycode"}},
		{"unbracketed ipv6", Config{Host: "::1"}, "Host", []string{"IPv6", "brackets"}},
		{"unbracketed ipv6 port", Config{Host: "2001:db8::1:33073"}, "Host", []string{"IPv6", "brackets"}},
		{"bad ipv6", Config{Host: "[not:an:ip]"}, "Host", []string{"IPv6"}},
		{"ipv6 zone", Config{Host: "[fe80::1%eth0]:80"}, "Host", []string{"zone"}},
		{"unclosed bracket", Config{Host: "[::1:80"}, "Host", []string{"without ']'"}},
		{"bad ipv4", Config{Host: "999.1.1.1"}, "Host", []string{"IPv4"}},
		{"empty label", Config{Host: "netbird..example.com"}, "Host", []string{"empty label"}},
		{"bad char", Config{Host: "net!bird.example.com"}, "Host", []string{`'!'`}},
		{"no host", Config{Host: "https://"}, "Host", []string{"no host name"}},
		{"no host path", Config{Host: "https:///api"}, "Host", []string{"no host name"}},
		{"malformed url", Config{Host: "https:/netbird.example.com"}, "Host", []string{"well-formed URL"}},
		{"conflicting path", Config{Host: "https://h.example/netbird/api", BasePath: "/api"}, "Host",
			[]string{"Host", "BasePath", "conflicting"}},
		{"host path dotdot", Config{Host: "https://h.example/a/../api"}, "Host", []string{`".."`}},
		{"http non-loopback", Config{Host: "http://netbird.example.com"}, "Host",
			[]string{"AllowInsecureHTTP", "NETBIRD_ALLOW_INSECURE_HTTP=true"}},
		{"http localhost lookalike", Config{Host: "http://localhost.example.com"}, "Host", []string{"AllowInsecureHTTP"}},
		{"base path relative", Config{BasePath: "api"}, "BasePath", []string{`BasePath "api"`, `must start with "/"`}},
		{"base path double slash", Config{BasePath: "/netbird//api"}, "BasePath", []string{`"//"`}},
		{"base path space", Config{BasePath: "/net bird"}, "BasePath", []string{"spaces"}},
		{"base path query", Config{BasePath: "/api?x"}, "BasePath", []string{"query"}},
		{"base path fragment", Config{BasePath: "/api#x"}, "BasePath", []string{"fragment"}},
		{"base path dotdot", Config{BasePath: "/api/.."}, "BasePath", []string{`".."`}},
		{"base path dot", Config{BasePath: "/./api"}, "BasePath", []string{`"."`}},
		{"base path percent", Config{BasePath: "/a%2Fb"}, "BasePath", []string{`'%'`}},
		{"base path root", Config{BasePath: "/"}, "BasePath", []string{`must end in "/api"`}},
		{"base path not api", Config{BasePath: "/netbird"}, "BasePath", []string{`must end in "/api"`, "/netbird/api"}},
		{"host path not api", Config{Host: "https://h.example/netbird"}, "Host", []string{`path must end in "/api"`}},
		{"negative timeout", Config{Timeout: -time.Second}, "Timeout", []string{`Timeout "-1s"`, "negative"}},
		{"no token", Config{Token: " "}, "Token", []string{"Token: is empty"}},
		{"bad token kind", Config{TokenKind: 7}, "TokenKind", []string{"TokenKind(7)"}},
		{"missing CA file", Config{CAFile: "/nonexistent/ca.pem"}, "CAFile", []string{`CAFile "/nonexistent/ca.pem"`, "does not exist"}},
		{"bad CA PEM", Config{CACertPEM: []byte("not a certificate")}, "CACertPEM", []string{"no PEM certificates"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.Host == "" {
				cfg.Host = "api.netbird.io"
			}
			if cfg.Token == "" {
				cfg.Token = testPAT
			}
			if tt.name == "empty host" {
				cfg.Host = tt.cfg.Host
			}
			s, err := cfg.Settings()
			if err == nil {
				t.Fatalf("Settings succeeded: %v", s)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *ConfigError: %v", err, err)
			}
			if ce.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", ce.Field, tt.field, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "netbird auth: "+tt.field) {
				t.Errorf("message %q does not start with the field name", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestUserinfoErrorHidesPassword(t *testing.T) {
	_, err := Config{Host: "https://admin:hunter2@netbird.example.com", Token: testPAT}.Settings()
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "admin") {
		t.Fatalf("error shows the user information: %v", err)
	}
}

func TestSettingsDefaults(t *testing.T) {
	s, err := Config{Host: "api.netbird.io", Token: testPAT}.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if s.Timeout != 30*time.Second {
		t.Errorf("Timeout = %v, want 30s", s.Timeout)
	}
	if s.RootCAs != nil {
		t.Error("RootCAs is set without CAFile or CACertPEM")
	}
	if s.Token.Kind() != KindPAT {
		t.Errorf("token kind = %v", s.Token.Kind())
	}
	tc := s.TLSConfig()
	if tc.MinVersion != tls.VersionTLS12 || tc.InsecureSkipVerify {
		t.Errorf("TLSConfig = %+v", tc)
	}
	s, err = Config{Host: "api.netbird.io", Token: testPAT, Timeout: 45 * time.Second}.Settings()
	if err != nil || s.Timeout != 45*time.Second {
		t.Errorf("Timeout = %v, %v; want 45s", s.Timeout, err)
	}
}

func TestInsecureHTTP(t *testing.T) {
	tests := []struct {
		host  string
		allow bool
		ok    bool
	}{
		{"http://localhost", false, true},
		{"http://localhost.:33073", false, true},
		{"http://127.0.0.1:33073", false, true},
		{"http://127.255.0.1", false, true},
		{"http://[::1]:33073", false, true},
		{"http://[::ffff:127.0.0.1]:33073", false, true},
		{"http://10.0.0.1", false, false},
		{"http://192.168.1.10:33073", false, false},
		{"http://netbird.example.com", false, false},
		{"http://[2001:db8::1]", false, false},
		{"http://netbird.example.com", true, true},
		{"http://10.0.0.1", true, true},
		{"https://netbird.example.com", false, true},
	}
	for _, tt := range tests {
		s, err := Config{Host: tt.host, Token: testPAT, AllowInsecureHTTP: tt.allow}.Settings()
		if (err == nil) != tt.ok {
			t.Errorf("%s allow=%v: err = %v, want ok=%v", tt.host, tt.allow, err, tt.ok)
			continue
		}
		if err == nil && s.Insecure != strings.HasPrefix(tt.host, "http://") {
			t.Errorf("%s: Insecure = %v", tt.host, s.Insecure)
		}
	}
}

// selfSignedPEM returns a freshly made self-signed CA certificate in PEM.
func selfSignedPEM(t *testing.T) ([]byte, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "netbird test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), cert
}

func TestCAFile(t *testing.T) {
	pemBytes, cert := selfSignedPEM(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "ca.pem")
	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(good, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	verifies := func(t *testing.T, s *Settings) {
		t.Helper()
		if s.RootCAs == nil {
			t.Fatal("RootCAs is nil")
		}
		if s.TLSConfig().RootCAs != s.RootCAs {
			t.Error("TLSConfig does not use RootCAs")
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: s.RootCAs}); err != nil {
			t.Errorf("the test CA is not in the pool: %v", err)
		}
	}
	t.Run("file", func(t *testing.T) {
		s, err := Config{Host: "api.netbird.io", Token: testPAT, CAFile: good}.Settings()
		if err != nil {
			t.Fatal(err)
		}
		verifies(t, s)
	})
	t.Run("inline", func(t *testing.T) {
		s, err := Config{Host: "api.netbird.io", Token: testPAT, CACertPEM: pemBytes}.Settings()
		if err != nil {
			t.Fatal(err)
		}
		verifies(t, s)
	})
	t.Run("no certificates", func(t *testing.T) {
		_, err := Config{Host: "api.netbird.io", Token: testPAT, CAFile: bad}.Settings()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "CAFile" || !strings.Contains(err.Error(), "no PEM certificates") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing", func(t *testing.T) {
		_, err := Config{Host: "api.netbird.io", Token: testPAT, CAFile: filepath.Join(dir, "nope.pem")}.Settings()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "CAFile" || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		_, err := Config{Host: "api.netbird.io", Token: testPAT, CAFile: dir}.Settings()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "CAFile" {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestServerBasePath builds a request the way api's request builders do
// (the document's "./api/..." resolved against Settings.Server) and sends
// it through the editor to a server that answers only under /netbird/api/:
// the base path is applied once, and the editor leaves the URL alone.
func TestServerBasePath(t *testing.T) {
	type seen struct{ path, auth []string }
	got := make(chan seen, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/netbird/api/", func(w http.ResponseWriter, r *http.Request) {
		got <- seen{[]string{r.URL.EscapedPath()}, r.Header.Values("Authorization")}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	s, err := Config{Host: srv.URL, BasePath: "/netbird/api", Token: testPAT}.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.URL + "/netbird/"; s.Server() != want {
		t.Fatalf("Server() = %q, want %q", s.Server(), want)
	}
	u, err := url.Parse(s.Server())
	if err != nil {
		t.Fatal(err)
	}
	u, err = u.Parse("./api/peers/abc%2Fdef")
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	edit := s.RequestEditor()
	for range 2 { // twice: the header must still have one value
		if err := edit(req.Context(), req); err != nil {
			t.Fatal(err)
		}
	}
	if got := req.URL.String(); got != u.String() {
		t.Fatalf("the editor changed the URL to %s", got)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d for %s", resp.StatusCode, req.URL)
	}
	g := <-got
	if want := "/netbird/api/peers/abc%2Fdef"; g.path[0] != want {
		t.Errorf("server saw path %q, want %q", g.path[0], want)
	}
	if want := []string{"Token " + testPAT}; len(g.auth) != 1 || g.auth[0] != want[0] {
		t.Errorf("server saw Authorization %q, want %q", g.auth, want)
	}
}

func TestRequestEditorRefusesOtherServer(t *testing.T) {
	s, err := Config{Host: "netbird.example.com:33073", Token: testPAT}.Settings()
	if err != nil {
		t.Fatal(err)
	}
	edit := s.RequestEditor()
	for _, u := range []string{
		"https://evil.example.com:33073/api/peers",
		"http://netbird.example.com:33073/api/peers",
		"https://netbird.example.com/api/peers",
		"https://netbird.example.com:443/api/peers",
	} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := edit(context.Background(), req); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s: err = %v, want a refusal", u, err)
		}
		if h := req.Header.Get("Authorization"); h != "" {
			t.Errorf("%s: Authorization set to %q on a refused request", u, h)
		}
	}
	for _, u := range []string{
		"https://NETBIRD.example.com:33073/api/peers",
		"HTTPS://netbird.example.com:33073/api/peers",
	} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := edit(context.Background(), req); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}

	// The default port matches an explicit one.
	s, err = Config{Host: "api.netbird.io", Token: testPAT}.Settings()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.netbird.io:443/api/peers", nil)
	if err := s.RequestEditor()(context.Background(), req); err != nil {
		t.Errorf("explicit default port refused: %v", err)
	}
}

func TestRequestEditorJWT(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl"
	s, err := Config{Host: "api.netbird.io", Token: jwt}.Settings()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.netbird.io/api/users", nil)
	req.Header.Add("Authorization", "stale")
	if err := s.RequestEditor()(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Values("Authorization"); len(got) != 1 || got[0] != "Bearer "+jwt {
		t.Errorf("Authorization = %q", got)
	}
}
