package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clearEnv unsets every NETBIRD_* variable FromEnv reads for the test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{EnvHost, EnvAPIToken, EnvBasePath, EnvTimeout, EnvTokenKind, EnvAllowInsecureHTTP, EnvCAFile} {
		t.Setenv(k, "") // registers the restore
		if err := os.Unsetenv(k); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFromEnvDefaults(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvAPIToken, testPAT)
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Host: "api.netbird.io", Token: testPAT}
	if c.Host != want.Host || c.Token != want.Token || c.BasePath != "" || c.Timeout != 0 ||
		c.TokenKind != KindAuto || c.AllowInsecureHTTP || c.CAFile != "" {
		t.Errorf("FromEnv = %v, want %v", c, want)
	}
	s, err := c.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if s.BaseURL() != "https://api.netbird.io/api" || s.Timeout != 30*time.Second {
		t.Errorf("Settings = %v", s)
	}
}

func TestFromEnvAll(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvHost, " http://netbird.internal:8080 ")
	t.Setenv(EnvAPIToken, testJWT)
	t.Setenv(EnvBasePath, "/netbird/api")
	t.Setenv(EnvTimeout, "45")
	t.Setenv(EnvTokenKind, "JWT")
	t.Setenv(EnvAllowInsecureHTTP, "true")
	t.Setenv(EnvCAFile, "/etc/netbird/ca.pem")
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Host: "http://netbird.internal:8080", Token: testJWT, TokenKind: KindJWT, BasePath: "/netbird/api",
		Timeout: 45 * time.Second, AllowInsecureHTTP: true, CAFile: "/etc/netbird/ca.pem"}
	if c.Host != want.Host || c.Token != want.Token || c.TokenKind != want.TokenKind || c.BasePath != want.BasePath ||
		c.Timeout != want.Timeout || c.AllowInsecureHTTP != want.AllowInsecureHTTP || c.CAFile != want.CAFile {
		t.Errorf("FromEnv =\n  %v\nwant\n  %v", c, want)
	}
}

func TestFromEnvMissingToken(t *testing.T) {
	clearEnv(t)
	for _, v := range []string{"", "  "} {
		t.Setenv(EnvAPIToken, v)
		_, err := FromEnv()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "NETBIRD_API_TOKEN" || !strings.Contains(err.Error(), "NETBIRD_API_TOKEN") {
			t.Errorf("token %q: err = %v", v, err)
		}
	}
}

func TestFromEnvTimeout(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"45s", 45 * time.Second, true},
		{"45", 45 * time.Second, true},
		{" 2m ", 2 * time.Minute, true},
		{"1m30s", 90 * time.Second, true},
		{"1500ms", 1500 * time.Millisecond, true},
		{"", 0, true}, // unset: Settings applies the default
		{"0", 0, false},
		{"0s", 0, false},
		{"-5", 0, false},
		{"-5s", 0, false},
		{"abc", 0, false},
		{"1.5", 0, false},
		{"99999999999999999", 0, false},
	}
	for _, tt := range tests {
		clearEnv(t)
		t.Setenv(EnvAPIToken, testPAT)
		t.Setenv(EnvTimeout, tt.in)
		c, err := FromEnv()
		if !tt.ok {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != "NETBIRD_TIMEOUT" {
				t.Errorf("%q: err = %v, want a NETBIRD_TIMEOUT error", tt.in, err)
				continue
			}
			if msg := err.Error(); !strings.Contains(msg, "NETBIRD_TIMEOUT") || !strings.Contains(msg, "positive") {
				t.Errorf("%q: message %q does not name the variable and the rule", tt.in, msg)
			}
			continue
		}
		if err != nil || c.Timeout != tt.want {
			t.Errorf("%q: Timeout = %v, %v; want %v", tt.in, c.Timeout, err, tt.want)
		}
	}
}

func TestFromEnvBadValues(t *testing.T) {
	tests := []struct{ key, val string }{
		{EnvAllowInsecureHTTP, "yes please"},
		{EnvAllowInsecureHTTP, "2"},
		{EnvTokenKind, "bearer"},
	}
	for _, tt := range tests {
		clearEnv(t)
		t.Setenv(EnvAPIToken, testPAT)
		t.Setenv(tt.key, tt.val)
		_, err := FromEnv()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tt.key || !strings.Contains(err.Error(), tt.key) {
			t.Errorf("%s=%q: err = %v", tt.key, tt.val, err)
		}
	}
	for _, v := range []string{"1", "t", "TRUE", "false", "0"} {
		clearEnv(t)
		t.Setenv(EnvAPIToken, testPAT)
		t.Setenv(EnvAllowInsecureHTTP, v)
		if _, err := FromEnv(); err != nil {
			t.Errorf("%s=%q: %v", EnvAllowInsecureHTTP, v, err)
		}
	}
}

func TestFromEnvInsecureHTTP(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvAPIToken, testPAT)
	t.Setenv(EnvHost, "http://netbird.internal")
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Settings(); err == nil || !strings.Contains(err.Error(), "NETBIRD_ALLOW_INSECURE_HTTP=true") {
		t.Errorf("plain http without opt-in: err = %v", err)
	}
	t.Setenv(EnvAllowInsecureHTTP, "true")
	if c, err = FromEnv(); err != nil {
		t.Fatal(err)
	}
	if s, err := c.Settings(); err != nil || !s.Insecure {
		t.Errorf("plain http with opt-in: %v, %v", s, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDotEnvPrecedence(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	first := filepath.Join(dir, "first.env")
	second := filepath.Join(dir, "second.env")
	writeFile(t, first, "NETBIRD_API_TOKEN="+testPAT+"\nNETBIRD_HOST=from-file.example.com\n# a comment\nNETBIRD_TIMEOUT=\"12s\"\n")
	writeFile(t, second, "NETBIRD_TIMEOUT=99s\nNETBIRD_BASE_PATH=/second\n")
	t.Setenv(EnvHost, "from-env.example.com")

	if err := LoadDotEnv(first, second); err != nil {
		t.Fatal(err)
	}
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "from-env.example.com" {
		t.Errorf("Host = %q: the environment must win over the file", c.Host)
	}
	if c.Token != testPAT {
		t.Errorf("Token not loaded from the file: %v", c)
	}
	if c.Timeout != 12*time.Second {
		t.Errorf("Timeout = %v: the first file must win over the second", c.Timeout)
	}
	if c.BasePath != "/second" {
		t.Errorf("BasePath = %q: the second file must still add new variables", c.BasePath)
	}
}

func TestLoadDotEnvDefaultFile(t *testing.T) {
	clearEnv(t)
	t.Chdir(t.TempDir())
	if err := LoadDotEnv(); err != nil {
		t.Fatalf("missing default .env: %v", err)
	}
	writeFile(t, ".env", "NETBIRD_API_TOKEN="+testPAT+"\n")
	if err := LoadDotEnv(); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv(EnvAPIToken); got != testPAT {
		t.Errorf("NETBIRD_API_TOKEN = %q after loading .env", got)
	}
}

func TestLoadDotEnvErrors(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.env")
	if err := LoadDotEnv(missing); err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.env") {
		t.Errorf("missing named file: err = %v", err)
	}
	// A malformed file must not echo its contents, which may hold the token.
	bad := filepath.Join(dir, "bad.env")
	writeFile(t, bad, "NETBIRD_API_TOKEN=\""+testPAT+"\n")
	err := LoadDotEnv(bad)
	if err == nil || strings.Contains(err.Error(), testPAT[4:34]) || !strings.Contains(err.Error(), "bad.env") {
		t.Errorf("malformed file: err = %v", err)
	}
	bad2 := filepath.Join(dir, "bad2.env")
	writeFile(t, bad2, "NETBIRD-API-TOKEN="+testPAT+"\n")
	err = LoadDotEnv(bad2)
	if err == nil || strings.Contains(err.Error(), testPAT[4:34]) {
		t.Errorf("malformed file: err = %v", err)
	}
	if _, set := os.LookupEnv(EnvAPIToken); set {
		t.Error("a malformed file set variables")
	}
}
