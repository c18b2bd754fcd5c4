package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Defaults applied by [Config.Settings] and [FromEnv].
const (
	// DefaultHost is the NetBird cloud API host. [FromEnv] uses it when
	// NETBIRD_HOST is unset; a Config with an empty Host is an error.
	DefaultHost = "api.netbird.io"
	// DefaultBasePath is the path under which the management API is served.
	DefaultBasePath = "/api"
	// DefaultTimeout is the request timeout when Config.Timeout is zero.
	DefaultTimeout = 30 * time.Second
)

// Config holds connection settings as a user writes them. Check it and
// apply the defaults with [Config.Settings].
//
// Printing or logging a Config never shows the token: see the package
// documentation on redaction.
type Config struct {
	// Host is the management server: "api.netbird.io",
	// "netbird.example.com:33073", "https://netbird.example.com",
	// "http://localhost:33073", "[::1]:33073". The scheme defaults to https.
	// It may carry the base path ("https://netbird.example.com/netbird/api"),
	// used when BasePath is empty. Required: an empty Host is an error
	// ([FromEnv] defaults it to [DefaultHost]).
	Host string
	// Token is a personal access token ("nbp_…") or a JWT.
	Token string
	// TokenKind says which kind Token is; KindAuto (the zero value) detects it.
	TokenKind TokenKind
	// BasePath is where the API is served, default "/api". It must start
	// with "/" and end in "/api", where NetBird serves it: a proxy may add
	// a prefix ("/netbird/api").
	BasePath string
	// Timeout bounds each request; zero means [DefaultTimeout].
	Timeout time.Duration
	// AllowInsecureHTTP allows http:// to a host that is not loopback, which
	// sends the token unencrypted. Loopback hosts never need it.
	AllowInsecureHTTP bool
	// CAFile names a PEM file of root certificates trusted in addition to
	// the system roots (for a self-hosted server with a private CA).
	CAFile string
	// CACertPEM holds PEM root certificates, trusted in addition to the
	// system roots and CAFile.
	CACertPEM []byte
}

// Settings is a checked [Config] with defaults applied; build it with
// [Config.Settings]. Printing or logging Settings never shows the token.
type Settings struct {
	// ServerURL is scheme://host[:port], without path or trailing slash:
	// the server for the generated client.
	ServerURL *url.URL
	// BasePath is the cleaned path of the API ("/api", "/netbird/api").
	// It starts with "/" and ends in "/api".
	BasePath string
	// Timeout bounds each request.
	Timeout time.Duration
	// Token is the checked token.
	Token Token
	// RootCAs is the root pool for TLS; nil means the system roots.
	RootCAs *x509.CertPool
	// Insecure is true when the scheme is http, for warnings and logs.
	Insecure bool
}

// ConfigError reports a setting that is missing or wrong. Field names the
// Config field ("Host", "Token", …) or the environment variable
// ("NETBIRD_TIMEOUT", …). Value is the offending value when it is safe to
// show and "" otherwise; it never holds any part of a token.
type ConfigError struct {
	Field  string
	Value  string
	Reason string
	// Err is the underlying cause, when there is one (such as a file error).
	Err error
}

// Error reads like `netbird auth: Host "ftp://x": unknown scheme "ftp" (…)`.
func (e *ConfigError) Error() string {
	if e.Value == "" {
		return "netbird auth: " + e.Field + ": " + e.Reason
	}
	return fmt.Sprintf("netbird auth: %s %q: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns the underlying cause, if any.
func (e *ConfigError) Unwrap() error { return e.Err }

// Settings checks c and applies the defaults. The first problem found is
// returned as a *ConfigError naming the field at fault.
func (c Config) Settings() (*Settings, error) {
	if looksLikeToken(c.Host) {
		// Never echo it: it is probably the secret, put in the wrong place.
		return nil, &ConfigError{Field: "Host", Reason: "looks like an API token, not a host " +
			"(NETBIRD_HOST and NETBIRD_API_TOKEN swapped?); the value is not shown"}
	}
	h, err := parseHost(c.Host)
	if err != nil {
		return nil, err
	}
	basePath, err := resolveBasePath(strings.TrimSpace(c.Host), h.path, c.BasePath)
	if err != nil {
		return nil, err
	}
	if h.scheme == "http" && !isLoopback(h.hostname) && !c.AllowInsecureHTTP {
		return nil, &ConfigError{Field: "Host", Value: strings.TrimSpace(c.Host),
			Reason: "plain http to a host that is not loopback would send the token unencrypted; " +
				"use https, or opt in with AllowInsecureHTTP (NETBIRD_ALLOW_INSECURE_HTTP=true)"}
	}
	tok, err := ParseToken(c.Token, c.TokenKind)
	if err != nil {
		return nil, err
	}
	timeout := c.Timeout
	switch {
	case timeout < 0:
		return nil, &ConfigError{Field: "Timeout", Value: timeout.String(),
			Reason: "must not be negative (0 means the default, 30s)"}
	case timeout == 0:
		timeout = DefaultTimeout
	}
	roots, err := c.rootCAs()
	if err != nil {
		return nil, err
	}
	return &Settings{
		ServerURL: &url.URL{Scheme: h.scheme, Host: h.hostPort()},
		BasePath:  basePath,
		Timeout:   timeout,
		Token:     tok,
		RootCAs:   roots,
		Insecure:  h.scheme == "http",
	}, nil
}

// notAPIPath explains why a base path must end in /api: every path of the
// OpenAPI document begins with it, and the request builders keep it.
const notAPIPath = `must end in "/api", where NetBird serves its API (for example "/netbird/api" behind a proxy)`

// resolveBasePath picks the base path from BasePath or the path written in
// Host, refusing two different ones.
func resolveBasePath(host, hostPath, basePath string) (string, error) {
	fromHost := ""
	if hostPath != "" {
		p, reason := cleanBasePath(hostPath)
		if reason != "" {
			return "", &ConfigError{Field: "Host", Value: host, Reason: "path " + reason}
		}
		fromHost = p // "" when Host only ends in "/"
		if fromHost != "" && !strings.HasSuffix(fromHost, DefaultBasePath) {
			return "", &ConfigError{Field: "Host", Value: host, Reason: "path " + notAPIPath}
		}
	}
	bp := strings.TrimSpace(basePath)
	if bp == "" {
		if fromHost != "" {
			return fromHost, nil
		}
		return DefaultBasePath, nil
	}
	p, reason := cleanBasePath(bp)
	if reason != "" {
		return "", &ConfigError{Field: "BasePath", Value: bp, Reason: reason}
	}
	if !strings.HasSuffix(p, DefaultBasePath) {
		return "", &ConfigError{Field: "BasePath", Value: bp, Reason: notAPIPath}
	}
	if fromHost != "" && fromHost != p {
		return "", &ConfigError{Field: "Host", Value: host,
			Reason: fmt.Sprintf("its path %q is conflicting with BasePath %q; set the path in one place only", fromHost, bp)}
	}
	return p, nil
}

// rootCAs returns nil (system roots) unless extra certificates are given;
// then the system roots plus the extra certificates.
func (c Config) rootCAs() (*x509.CertPool, error) {
	if c.CAFile == "" && len(c.CACertPEM) == 0 {
		return nil, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			reason := "cannot be read: " + err.Error()
			var pe *fs.PathError
			switch {
			case errors.Is(err, fs.ErrNotExist):
				reason = "file does not exist"
			case errors.As(err, &pe):
				reason = "cannot be read: " + pe.Err.Error()
			}
			return nil, &ConfigError{Field: "CAFile", Value: c.CAFile, Reason: reason, Err: err}
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &ConfigError{Field: "CAFile", Value: c.CAFile,
				Reason: "contains no PEM certificates (want -----BEGIN CERTIFICATE----- blocks)"}
		}
	}
	if len(c.CACertPEM) > 0 && !pool.AppendCertsFromPEM(c.CACertPEM) {
		return nil, &ConfigError{Field: "CACertPEM",
			Reason: "contains no PEM certificates (want -----BEGIN CERTIFICATE----- blocks)"}
	}
	return pool, nil
}

// BaseURL returns ServerURL followed by BasePath, such as
// "https://api.netbird.io/api".
func (s *Settings) BaseURL() string {
	return s.ServerURL.String() + s.BasePath
}

// TLSConfig returns a new TLS configuration: TLS 1.2 or later, verified
// against RootCAs. Certificate verification is never turned off.
func (s *Settings) TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: s.RootCAs}
}

// Server returns the URL that api's request builders take as their server:
// ServerURL followed by BasePath without the "/api" that every path of the
// OpenAPI document begins with, ending in "/". A builder resolves
// "./api/peers" against it, so with BasePath "/netbird/api" requests go to
// https://host/netbird/api/peers: the base path is applied here, once.
func (s *Settings) Server() string {
	return s.ServerURL.String() + strings.TrimSuffix(s.BasePath, DefaultBasePath) + "/"
}

// RequestEditor returns a request editor for the generated client (it has
// the shape of oapi-codegen's RequestEditorFn). For each request it:
//
//  1. refuses, with an error, a request whose scheme and host are not
//     ServerURL's, so the token only ever goes to the configured server;
//  2. sets the Authorization header with Header.Set, so running the editor
//     twice leaves one value.
//
// It does not change the URL: requests are built for [Settings.Server].
func (s *Settings) RequestEditor() func(ctx context.Context, req *http.Request) error {
	return func(_ context.Context, req *http.Request) error {
		if req == nil || req.URL == nil {
			return errors.New("netbird auth: request has no URL")
		}
		if !sameOrigin(req.URL, s.ServerURL) {
			return fmt.Errorf("netbird auth: refusing to send the token to %s://%s: the configured server is %s",
				req.URL.Scheme, req.URL.Host, s.ServerURL)
		}
		if req.Header == nil {
			req.Header = make(http.Header)
		}
		s.Token.SetHeader(req.Header)
		return nil
	}
}

// sameOrigin compares scheme, host and port; a missing port counts as the
// scheme's default, and case does not matter.
func sameOrigin(a, b *url.URL) bool {
	if b == nil || !strings.EqualFold(a.Scheme, b.Scheme) || !strings.EqualFold(a.Hostname(), b.Hostname()) {
		return false
	}
	return portOrDefault(a) == portOrDefault(b)
}

func portOrDefault(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}

// looksLikeToken reports a host that holds a PAT or a JWT.
func looksLikeToken(host string) bool {
	h := strings.TrimSpace(host)
	return strings.Contains(h, "nbp_") || strings.HasPrefix(h, "eyJ") || strings.Contains(h, "://eyJ")
}
