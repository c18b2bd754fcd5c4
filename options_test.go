package netbird_test

// Inputs to New: its options (options.go) and the configuration it reads
// (auth.Config). TestBadInputs is the bad-input table: every input a user
// can get wrong, from the configuration to path parameters, and the error
// it gives. Each row names the field and the rule its message must state;
// no row may reach the server, and no message may be more than one line or
// show a secret. SECURITY.md counts these rows, so the table stays whole,
// its request-body and path-parameter rows included.

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
)

// badInputEnv is what a row runs against: a harness whose server counts
// every request reaching it and answers 200 {}.
type badInputEnv struct {
	*harness
	sent atomic.Int64
}

// badInput is one row: what the user gets wrong, and what the message
// must say about it.
type badInput struct {
	name  string
	run   func(e *badInputEnv) error
	field string   // the field, variable, parameter or option named
	rule  string   // the rule stated, as a substring of the message
	not   []string // what the message must never contain (secrets)
}

// Inputs shared by the rows.
const (
	pwHost  = "http://admin:hunter2pw@netbird.example.com"
	jwtTwo  = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0"
	badPAT  = "nbp_apTmlmUXHSC4PKmHwtIZNaGr8eqcVI2gMURq" // testPAT with its last character changed: the checksum no longer matches
	longPAT = testPAT + "x"
)

// withConfig builds a client from cfg.
func withConfig(cfg auth.Config) func(*badInputEnv) error {
	return func(*badInputEnv) error {
		_, err := netbird.New(cfg)
		return err
	}
}

func host(h string) func(*badInputEnv) error {
	return withConfig(auth.Config{Host: h, Token: testPAT})
}

func token(tok string) func(*badInputEnv) error {
	return withConfig(auth.Config{Host: "api.netbird.io", Token: tok})
}

func basePathCfg(p string) func(*badInputEnv) error {
	return withConfig(auth.Config{Host: "api.netbird.io", Token: testPAT, BasePath: p})
}

// fromEnv runs NETBIRD_* configuration through auth.FromEnv and New (not
// NewFromEnv: a developer's .env must not change the outcome). Variables
// not given are empty, which FromEnv treats as unset.
func fromEnv(vars map[string]string) func(*badInputEnv) error {
	return func(e *badInputEnv) error {
		for _, k := range []string{auth.EnvHost, auth.EnvAPIToken, auth.EnvBasePath, auth.EnvTimeout,
			auth.EnvTokenKind, auth.EnvAllowInsecureHTTP, auth.EnvCAFile} {
			e.t.Setenv(k, vars[k])
		}
		cfg, err := auth.FromEnv()
		if err != nil {
			return err
		}
		_, err = netbird.New(cfg)
		return err
	}
}

func timeoutEnv(v string) func(*badInputEnv) error {
	return fromEnv(map[string]string{auth.EnvAPIToken: testPAT, auth.EnvTimeout: v})
}

func option(opt netbird.Option) func(*badInputEnv) error {
	return func(*badInputEnv) error {
		_, err := netbird.New(auth.Config{Host: "api.netbird.io", Token: testPAT}, opt)
		return err
	}
}

// forAccount asks for a client acting on the child account id.
func forAccount(id string) func(*badInputEnv) error {
	return func(e *badInputEnv) error { _, err := e.client.ForAccount(id); return err }
}

func validRoute() api.RouteRequest {
	network := "10.0.0.0/24"
	return api.RouteRequest{NetworkID: "net", Metric: 9999, Groups: []string{"g"}, Network: &network, Enabled: true, PeerGroups: &[]string{"pg"}}
}

func validPolicyRule() api.PolicyRuleUpdate {
	return api.PolicyRuleUpdate{Name: "r", Action: api.PolicyRuleUpdateActionAccept, Protocol: api.PolicyRuleUpdateProtocolTCP, Sources: &[]string{"g1"}, Destinations: &[]string{"g2"}, Enabled: true}
}

// badInputs is the table. Rows are grouped by what the user gets wrong.
var badInputs = []badInput{
	// Hosts.
	{name: "host/empty", run: host(""), field: "Host", rule: "is empty"},
	{name: "host/only spaces", run: host("   "), field: "Host", rule: "is empty"},
	{name: "host/space inside", run: host("netbird example.com"), field: `Host "netbird example.com"`, rule: "contains spaces or control characters"},
	{name: "host/line break inside", run: host("netbird.example.com\r\nX-Evil: 1"), field: "Host", rule: "contains spaces or control characters"},
	{name: "host/ftp scheme", run: host("ftp://netbird.example.com"), field: `Host "ftp://netbird.example.com"`, rule: `unknown scheme "ftp" (want https, or http for local development)`},
	{name: "host/user and password", run: host(pwHost), field: "Host", rule: "contains user information (user:password@)", not: []string{"hunter2pw", "admin"}},
	{name: "host/query", run: host("netbird.example.com?x=1"), field: `Host "netbird.example.com?x=1"`, rule: "has a query or fragment"},
	{name: "host/fragment", run: host("netbird.example.com#f"), field: `Host "netbird.example.com#f"`, rule: "has a query or fragment"},
	{name: "host/IPv6 without brackets", run: host("::1"), field: `Host "::1"`, rule: "looks like an IPv6 address without brackets; write it as [addr] or [addr]:port"},
	{name: "host/IPv6 without brackets with port", run: host("2001:db8::1:33073"), field: "Host", rule: "IPv6 address without brackets"},
	{name: "host/IPv6 unclosed bracket", run: host("[::1:33073"), field: "Host", rule: "has a '[' without ']'"},
	{name: "host/IPv6 empty port", run: host("[::1]:"), field: "Host", rule: "has an empty port after ':'"},
	{name: "host/IPv6 bad port", run: host("[::1]:99999"), field: "Host", rule: `port "99999" is not a number from 1 to 65535`},
	{name: "host/IPv6 zone", run: host("[fe80::1%eth0]:33073"), field: "Host", rule: "has an IPv6 zone"},
	{name: "host/300 characters", run: host(strings.Repeat("a", 60) + "." + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60) + "." + strings.Repeat("e", 56)),
		field: "Host", rule: "host name is 300 characters long, the limit is 253"},
	{name: "host/unicode", run: host("bücher.example"), field: `Host "bücher.example"`, rule: "contains non-ASCII characters; write an internationalised host name in its punycode (xn--) form"},
	{name: "host/a token (NETBIRD_HOST and NETBIRD_API_TOKEN swapped)", run: fromEnv(map[string]string{auth.EnvHost: testPAT, auth.EnvAPIToken: "api.netbird.io"}),
		field: "Host", rule: "looks like an API token", not: []string{testPAT[4:36]}},
	{name: "host/plain http to a remote host", run: host("http://netbird.example.com"), field: "Host", rule: "plain http to a host that is not loopback would send the token unencrypted"},
	// Tokens. No message may show any part of the token.
	{name: "token/empty", run: token(""), field: "Token", rule: "is empty"},
	{name: "token/39 characters", run: token(testPAT[:39]), field: "Token", rule: "personal access token length is 39, want 40", not: []string{testPAT[4:36]}},
	{name: "token/41 characters", run: token(longPAT), field: "Token", rule: "personal access token length is 41, want 40", not: []string{testPAT[4:36]}},
	{name: "token/bad checksum", run: token(badPAT), field: "Token", rule: "personal access token checksum mismatch", not: []string{testPAT[4:36]}},
	{name: "token/wrong prefix", run: token("nbx_" + testPAT[4:]), field: "Token", rule: `is neither a personal access token (starting with "nbp_") nor a JWT`, not: []string{testPAT[4:36]}},
	{name: "token/wrong prefix as PAT", run: withConfig(auth.Config{Host: "api.netbird.io", Token: "nbx_" + testPAT[4:], TokenKind: auth.KindPAT}),
		field: "Token", rule: `does not start with "nbp_"`, not: []string{testPAT[4:36]}},
	{name: "token/CRLF header injection", run: token(testPAT + "\r\nX-Evil: 1"), field: "Token", rule: "contains a control character at position 41", not: []string{testPAT[4:36], "X-Evil"}},
	{name: "token/space inside", run: token(testPAT[:20] + " " + testPAT[20:]), field: "Token", rule: "contains a space at position 21", not: []string{testPAT[4:20]}},
	{name: "token/non-ASCII", run: token(testPAT[:20] + "é" + testPAT[21:]), field: "Token", rule: "contains non-ASCII characters", not: []string{testPAT[4:20]}},
	{name: "token/JWT with 2 segments", run: token(jwtTwo), field: "Token", rule: "a JWT has 3 dot-separated parts, this token has 2", not: []string{jwtTwo[:20]}},
	{name: "token/unset in the environment", run: fromEnv(nil), field: auth.EnvAPIToken, rule: "is not set"},
	{name: "token/unknown kind in the environment", run: fromEnv(map[string]string{auth.EnvAPIToken: testPAT, auth.EnvTokenKind: "oauth"}),
		field: `NETBIRD_TOKEN_KIND "oauth"`, rule: `want "pat" or "jwt"`},
	{name: "token/WithToken", run: func(e *badInputEnv) error { _, err := e.client.WithToken(testPAT[:30]); return err },
		field: "Token", rule: "personal access token length is 30, want 40", not: []string{testPAT[4:30]}},
	// Timeouts. Config.Timeout 0 means the default (see TestAcceptedEdgeInputs).
	{name: "timeout/Config negative", run: withConfig(auth.Config{Host: "api.netbird.io", Token: testPAT, Timeout: -time.Second}),
		field: `Timeout "-1s"`, rule: "must not be negative"},
	{name: "timeout/env 0", run: timeoutEnv("0"), field: `NETBIRD_TIMEOUT "0"`, rule: `want a positive duration such as "45s"`},
	{name: "timeout/env negative duration", run: timeoutEnv("-5s"), field: `NETBIRD_TIMEOUT "-5s"`, rule: "want a positive duration"},
	{name: "timeout/env negative seconds", run: timeoutEnv("-5"), field: `NETBIRD_TIMEOUT "-5"`, rule: "want a positive duration"},
	{name: "timeout/env abc", run: timeoutEnv("abc"), field: `NETBIRD_TIMEOUT "abc"`, rule: "want a positive duration"},
	{name: "timeout/env overflow", run: timeoutEnv("99999999999999999999"), field: "NETBIRD_TIMEOUT", rule: "want a positive duration"},
	{name: "timeout/WithAttemptTimeout 0", run: option(netbird.WithAttemptTimeout(0)), field: "WithAttemptTimeout(0s)", rule: "must be positive"},
	// Base paths. "/api/" is accepted as "/api" (see TestAcceptedEdgeInputs).
	{name: "base path/relative", run: basePathCfg("api"), field: `BasePath "api"`, rule: `must start with "/"`},
	{name: "base path/empty segment", run: basePathCfg("//x"), field: `BasePath "//x"`, rule: `must not contain an empty segment ("//")`},
	{name: "base path/space", run: basePathCfg("/a b"), field: `BasePath "/a b"`, rule: "must not contain spaces or control characters"},
	{name: "base path/dot dot", run: basePathCfg("/a/../api"), field: "BasePath", rule: `must not contain "." or ".." segments`},
	{name: "base path/query", run: basePathCfg("/api?x=1"), field: "BasePath", rule: "must not contain a query or fragment"},
	{name: "base path/escaped slash", run: basePathCfg("/a%2Fb"), field: "BasePath", rule: `contains '%'`},
	{name: "base path/conflicts with Host", run: withConfig(auth.Config{Host: "https://netbird.example.com/netbird/api", Token: testPAT, BasePath: "/api"}),
		field: "Host", rule: `its path "/netbird/api" is conflicting with BasePath "/api"`},
	{name: "base path/from the environment", run: fromEnv(map[string]string{auth.EnvAPIToken: testPAT, auth.EnvBasePath: "api"}),
		field: "BasePath", rule: `must start with "/"`},
	// Request bodies that break the document: refused before sending.
	{name: "body/missing required", run: func(e *badInputEnv) error {
		_, err := e.client.Policies.Create(context.Background(), api.PolicyCreate{Name: "p"}) // nil Rules: sent as null
		return err
	}, field: "invalid PolicyCreate: rules", rule: "is required"},
	{name: "body/below minimum", run: func(e *badInputEnv) error {
		_, err := e.client.Tokens.Create(context.Background(), "u1", api.PersonalAccessTokenRequest{Name: "ci", ExpiresIn: 0})
		return err
	}, field: "invalid PersonalAccessTokenRequest: expires_in", rule: "must be between 1 and 365, got 0"},
	{name: "body/above maximum", run: func(e *badInputEnv) error {
		_, err := e.client.Tokens.Create(context.Background(), "u1", api.PersonalAccessTokenRequest{Name: "ci", ExpiresIn: 366})
		return err
	}, field: "expires_in", rule: "must be between 1 and 365, got 366"},
	{name: "body/out of range in a route", run: func(e *badInputEnv) error {
		r := validRoute()
		r.Metric = 0
		_, err := e.client.Routes.Create(context.Background(), r)
		return err
	}, field: "invalid RouteRequest: metric", rule: "must be between 1 and 9999, got 0"},
	{name: "body/bad enum", run: func(e *badInputEnv) error {
		_, err := e.client.DNSZones.CreateRecord(context.Background(), "z1", api.DNSRecordRequest{Name: "a.example.com", Content: "1.2.3.4", Type: "MX"})
		return err
	}, field: "invalid DNSRecordRequest: type", rule: `must be one of "A", "AAAA", "CNAME"`},
	{name: "body/bad enum in a nested rule", run: func(e *badInputEnv) error {
		r := validPolicyRule()
		r.Protocol = "tcpx"
		_, err := e.client.Policies.Create(context.Background(), api.PolicyCreate{Name: "p", Rules: []api.PolicyRuleUpdate{r}})
		return err
	}, field: "rules[0].protocol", rule: `must be one of`},
	{name: "body/too long", run: func(e *badInputEnv) error {
		r := validRoute()
		r.NetworkID = strings.Repeat("n", 41)
		_, err := e.client.Routes.Create(context.Background(), r)
		return err
	}, field: "network_id", rule: "must be between 1 and 40 characters long, got 41"},
	// Path parameters that would change which URL is called: refused,
	// naming the parameter (ids with "/", "%", spaces are escaped
	// instead: TestPathParametersAreEscaped).
	{name: "id/empty", run: func(e *badInputEnv) error {
		_, err := e.client.Peers.Get(context.Background(), "")
		return err
	}, field: "peerID", rule: "empty"},
	{name: "id/empty user of a token list", run: func(e *badInputEnv) error {
		_, err := e.client.Tokens.List(context.Background(), "")
		return err
	}, field: "userID", rule: "empty"},
	{name: "id/dot", run: func(e *badInputEnv) error {
		_, err := e.client.Peers.Get(context.Background(), ".")
		return err
	}, field: "peerID", rule: `"."`},
	{name: "id/dot dot deleting a token", run: func(e *badInputEnv) error {
		// Unchecked, "DELETE /api/users/u1/tokens/.." is resolved to
		// "DELETE /api/users/u1/": deleting the user, not a token.
		return e.client.Tokens.Delete(context.Background(), "u1", "..")
	}, field: "tokenID", rule: `".."`},
	// Child account ids (ForAccount): NetBird would ignore a bad one and act
	// on the token's own account, so they are refused (ids that merely need
	// escaping are escaped: TestForAccountRequestShape).
	{name: "account/empty", run: forAccount(""), field: "ForAccount: accountID", rule: "is empty"},
	{name: "account/only spaces", run: forAccount(" \t "), field: "ForAccount: accountID", rule: "is empty"},
	{name: "account/space around", run: forAccount(" d1ca0000000000000002"), field: `accountID " d1ca0000000000000002"`, rule: "starts or ends with a space"},
	{name: "account/line break inside", run: forAccount("d1ca\r\nX-Evil: 1"), field: "accountID", rule: "holds a control character"},
	// Options.
	{name: "option/negative retries", run: option(netbird.WithRetryPolicy(netbird.RetryPolicy{MaxRetries: -1})),
		field: "RetryPolicy.MaxRetries -1", rule: "must be between 0 and 20"},
	{name: "option/retry waits reversed", run: option(netbird.WithRetryPolicy(netbird.RetryPolicy{MaxRetries: 1, MinWait: time.Second, MaxWait: time.Millisecond})),
		field: "RetryPolicy waits", rule: "need 0 < MinWait ≤ MaxWait"},
	{name: "option/zero rate", run: option(netbird.WithRateLimit(0, 1)), field: "WithRateLimit(0, 1)", rule: "rate must be > 0 and burst ≥ 1"},
	{name: "option/zero error body cap", run: option(netbird.WithMaxErrorBody(0)), field: "WithMaxErrorBody(0)", rule: "must be positive"},
	{name: "option/Authorization through WithHeader", run: func(e *badInputEnv) error {
		_, err := e.client.Peers.List(context.Background(), nil, netbird.WithHeader("authorization", "Token "+testPAT))
		return err
	}, field: "WithHeader", rule: "cannot set Authorization", not: []string{testPAT[4:36]}},
	{name: "option/missing CA file", run: withConfig(auth.Config{Host: "api.netbird.io", Token: testPAT, CAFile: "/nonexistent/netbird-ca.pem"}),
		field: `CAFile "/nonexistent/netbird-ca.pem"`, rule: "file does not exist"},
	{name: "option/CA PEM without certificates", run: withConfig(auth.Config{Host: "api.netbird.io", Token: testPAT, CACertPEM: []byte("-----BEGIN NOTHING-----")}),
		field: "CACertPEM", rule: "contains no PEM certificates"},
}

func newBadInputEnv(t *testing.T) *badInputEnv {
	t.Helper()
	e := &badInputEnv{harness: newHarness(t, netbird.WithoutRetries())}
	e.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		e.sent.Add(1)
		t.Logf("reached the server: %s %s", r.Method, r.RequestURI)
		writeJSON(w, 200, `{}`)
	})
	return e
}

func TestBadInputs(t *testing.T) {
	if len(badInputs) < 40 {
		t.Errorf("the table has %d rows; SECURITY.md promises at least 40", len(badInputs))
	}
	for _, row := range badInputs {
		t.Run(row.name, func(t *testing.T) {
			e := newBadInputEnv(t)
			err := row.run(e)
			if err == nil {
				t.Fatalf("accepted; want an error naming %s and saying %q", row.field, row.rule)
			}
			msg := err.Error()
			if !strings.Contains(msg, row.field) {
				t.Errorf("message %q does not name %s", msg, row.field)
			}
			if !strings.Contains(msg, row.rule) {
				t.Errorf("message %q does not state the rule %q", msg, row.rule)
			}
			if strings.ContainsAny(msg, "\r\n") {
				t.Errorf("message %q is more than one line", msg)
			}
			for _, secret := range row.not {
				if strings.Contains(msg, secret) {
					t.Errorf("message %q shows %q", msg, secret)
				}
			}
			if n := e.sent.Load(); n != 0 {
				t.Errorf("%d requests reached the server; a bad input must be refused before sending", n)
			}
		})
	}
}

// Inputs that look wrong but are accepted, by design, and what they become.
func TestAcceptedEdgeInputs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     auth.Config
		baseURL string
		timeout time.Duration
	}{
		{"Timeout 0 means the default", auth.Config{Host: "api.netbird.io"}, "https://api.netbird.io/api", auth.DefaultTimeout},
		{"base path with a trailing slash", auth.Config{Host: "api.netbird.io", BasePath: "/api/"}, "https://api.netbird.io/api", auth.DefaultTimeout},
		{"base path behind a proxy prefix", auth.Config{Host: "api.netbird.io", BasePath: "/netbird/api"}, "https://api.netbird.io/netbird/api", auth.DefaultTimeout},
		{"IPv6 with brackets and port", auth.Config{Host: "[::1]:33073"}, "https://[::1]:33073/api", auth.DefaultTimeout},
		{"IPv6 with brackets", auth.Config{Host: "[2001:DB8::1]"}, "https://[2001:db8::1]/api", auth.DefaultTimeout},
		{"host with spaces around and a trailing slash", auth.Config{Host: "  https://netbird.example.com/  ", Timeout: time.Minute}, "https://netbird.example.com/api", time.Minute},
		{"punycode host", auth.Config{Host: "xn--bcher-kva.example"}, "https://xn--bcher-kva.example/api", auth.DefaultTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Token = testPAT
			s, err := tc.cfg.Settings()
			if err != nil {
				t.Fatal(err)
			}
			if s.BaseURL() != tc.baseURL || s.Timeout != tc.timeout {
				t.Errorf("BaseURL %q, Timeout %v; want %q, %v", s.BaseURL(), s.Timeout, tc.baseURL, tc.timeout)
			}
		})
	}
}
