package auth_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
)

// A personal access token as created in the NetBird dashboard.
const pat = "nbp_apTmlmUXHSC4PKmHwtIZNaGr8eqcVI2gMURp"

// The NetBird cloud, configured explicitly.
func ExampleConfig_Settings() {
	s, err := auth.Config{Host: "api.netbird.io", Token: pat}.Settings()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.BaseURL())
	fmt.Println(s.Token.Kind(), s.Token) // printing never shows the secret
	fmt.Println(s.Timeout)
	// Output:
	// https://api.netbird.io/api
	// pat nbp_…MURp
	// 30s
}

// A self-hosted management server on its own port, behind a reverse proxy
// that serves the API under /netbird/api.
func ExampleConfig_Settings_selfHosted() {
	s, err := auth.Config{
		Host:     "netbird.example.com:33073",
		BasePath: "/netbird/api",
		Token:    pat,
	}.Settings()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.BaseURL())

	// api's request builders take Server(), which ends just before the
	// "/api" that the document's paths begin with; the editor adds the token.
	req, err := api.NewListPeersRequest(s.Server(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.RequestEditor()(context.Background(), req); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.URL)
	// Output:
	// https://netbird.example.com:33073/netbird/api
	// https://netbird.example.com:33073/netbird/api/peers
}

// A development server on this machine: plain http is fine for loopback
// hosts, and refused for others unless AllowInsecureHTTP is set.
func ExampleConfig_Settings_localHTTP() {
	s, err := auth.Config{Host: "http://localhost:33073", Token: pat}.Settings()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.BaseURL(), s.Insecure)

	_, err = auth.Config{Host: "http://netbird.example.com", Token: pat}.Settings()
	var ce *auth.ConfigError
	if errors.As(err, &ce) {
		fmt.Println("refused:", ce.Field)
	}
	// Output:
	// http://localhost:33073/api true
	// refused: Host
}

// Settings from NETBIRD_* environment variables.
func ExampleFromEnv() {
	restore := setenv(map[string]string{
		"NETBIRD_HOST":      "https://netbird.example.com",
		"NETBIRD_API_TOKEN": pat,
		"NETBIRD_TIMEOUT":   "45",
	})
	defer restore()

	cfg, err := auth.FromEnv()
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := cfg.Settings()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.BaseURL(), s.Timeout)
	fmt.Println(cfg) // the token is redacted
	// Output:
	// https://netbird.example.com/api 45s
	// {Host:https://netbird.example.com Token:nbp_…MURp TokenKind:auto BasePath: Timeout:45s AllowInsecureHTTP:false CAFile: CACertPEM:<nil>}
}

// Settings from a .env file; variables already in the environment win.
func ExampleLoadDotEnv() {
	restore := setenv(map[string]string{"NETBIRD_HOST": "", "NETBIRD_API_TOKEN": "", "NETBIRD_TIMEOUT": ""})
	defer restore()

	dir, err := os.MkdirTemp("", "netbird-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = os.RemoveAll(dir) }()
	path := filepath.Join(dir, ".env")
	content := "NETBIRD_HOST=netbird.example.com:33073\nNETBIRD_API_TOKEN=" + pat + "\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		fmt.Println(err)
		return
	}

	if err := auth.LoadDotEnv(path); err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := auth.FromEnv()
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := cfg.Settings()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.BaseURL())
	// Output:
	// https://netbird.example.com:33073/api
}

// Errors name the field at fault and never show the token.
func ExampleConfigError() {
	_, err := auth.Config{Host: "api.netbird.io", Token: pat[:39]}.Settings()
	fmt.Println(err)
	_, err = auth.Config{Host: "ftp://x", Token: pat}.Settings()
	fmt.Println(err)
	// Output:
	// netbird auth: Token: personal access token length is 39, want 40 (a truncated paste or an extra character?)
	// netbird auth: Host "ftp://x": unknown scheme "ftp" (want https, or http for local development)
}

// setenv sets variables (unsetting those given as "") for an example and
// returns a function that restores the previous environment.
func setenv(vars map[string]string) (restore func()) {
	names := []string{"NETBIRD_HOST", "NETBIRD_API_TOKEN", "NETBIRD_BASE_PATH", "NETBIRD_TIMEOUT",
		"NETBIRD_TOKEN_KIND", "NETBIRD_ALLOW_INSECURE_HTTP", "NETBIRD_CA_FILE"}
	saved := map[string]*string{}
	for _, k := range names {
		if v, ok := os.LookupEnv(k); ok {
			saved[k] = &v
		} else {
			saved[k] = nil
		}
		_ = os.Unsetenv(k)
	}
	for k, v := range vars {
		if v != "" {
			_ = os.Setenv(k, v)
		}
	}
	return func() {
		for k, v := range saved {
			if v == nil {
				_ = os.Unsetenv(k)
			} else {
				_ = os.Setenv(k, *v)
			}
		}
	}
}
