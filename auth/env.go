package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Environment variables read by [FromEnv].
//
//nolint:gosec // G101: these are variable names, not credentials.
const (
	EnvHost              = "NETBIRD_HOST"
	EnvAPIToken          = "NETBIRD_API_TOKEN"
	EnvBasePath          = "NETBIRD_BASE_PATH"
	EnvTimeout           = "NETBIRD_TIMEOUT"
	EnvTokenKind         = "NETBIRD_TOKEN_KIND"
	EnvAllowInsecureHTTP = "NETBIRD_ALLOW_INSECURE_HTTP"
	EnvCAFile            = "NETBIRD_CA_FILE"
)

// FromEnv builds a Config from the NETBIRD_* environment variables (listed
// in the package documentation). NETBIRD_HOST defaults to [DefaultHost];
// NETBIRD_API_TOKEN is required. FromEnv only reads and parses the values;
// [Config.Settings] checks them. Errors are *ConfigError values whose Field
// is the variable's name.
func FromEnv() (Config, error) {
	c := Config{
		Host:     DefaultHost,
		Token:    os.Getenv(EnvAPIToken),
		BasePath: os.Getenv(EnvBasePath),
		CAFile:   strings.TrimSpace(os.Getenv(EnvCAFile)),
	}
	if v := strings.TrimSpace(os.Getenv(EnvHost)); v != "" {
		c.Host = v
	}
	if strings.TrimSpace(c.Token) == "" {
		return Config{}, &ConfigError{Field: EnvAPIToken,
			Reason: "is not set; create a personal access token in the NetBird dashboard and export it"}
	}
	if v := strings.TrimSpace(os.Getenv(EnvTimeout)); v != "" {
		d, ok := parseTimeout(v)
		if !ok {
			return Config{}, &ConfigError{Field: EnvTimeout, Value: v,
				Reason: `want a positive duration such as "45s" or "2m", or a whole number of seconds such as "45"`}
		}
		c.Timeout = d
	}
	if v := os.Getenv(EnvTokenKind); v != "" {
		k, ok := parseTokenKind(v)
		if !ok {
			return Config{}, &ConfigError{Field: EnvTokenKind, Value: v, Reason: `want "pat" or "jwt" (or unset to detect)`}
		}
		c.TokenKind = k
	}
	if v := strings.TrimSpace(os.Getenv(EnvAllowInsecureHTTP)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, &ConfigError{Field: EnvAllowInsecureHTTP, Value: v, Reason: `want "true" or "false"`}
		}
		c.AllowInsecureHTTP = b
	}
	return c, nil
}

// parseTimeout reads a Go duration ("45s", "1m30s") or a whole number of
// seconds ("45"); the result must be positive.
func parseTimeout(v string) (time.Duration, bool) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 || n > math.MaxInt64/int64(time.Second) {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	d, err := time.ParseDuration(v)
	return d, err == nil && d > 0
}

// LoadDotEnv loads variables from .env files into the environment, for
// [FromEnv] to read. A variable already set in the environment wins over
// the files, and an earlier file wins over a later one (godotenv.Load
// semantics). With no paths it loads ".env" from the working directory,
// and a missing .env is not an error; a named file that is missing is.
func LoadDotEnv(paths ...string) error {
	if len(paths) == 0 {
		if _, err := os.Stat(".env"); errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		paths = []string{".env"}
	}
	for _, p := range paths {
		// godotenv.Read rather than godotenv.Load: Load returns parse errors
		// that quote the file's contents, which may include the token.
		vars, err := godotenv.Read(p)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return fmt.Errorf("netbird auth: .env file: %w", err)
			}
			return fmt.Errorf("netbird auth: .env file %q: malformed line (check quoting and variable names)", p)
		}
		for k, v := range vars {
			if _, set := os.LookupEnv(k); !set {
				if err := os.Setenv(k, v); err != nil {
					return fmt.Errorf("netbird auth: .env file %q: setting %s: %w", p, k, err)
				}
			}
		}
	}
	return nil
}
