package netbird_test

// A cross-cutting security test: it has its own file, not one source file's.
//
// The token-leak audit: a representative workload with a known token,
// debug logging on (slog JSON and text), every error kind, retries,
// panics, and every public value that holds a token printed with every
// fmt verb and logged with slog. Nothing captured may contain any part of
// the token's secret, nor of the plain tokens the workload creates.
// SECURITY.md summarises the coverage.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
)

// syncBuffer is a bytes.Buffer safe for the handlers' concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// audit collects everything the workload prints, logs or returns.
type audit struct {
	t               *testing.T
	jsonLog, text   syncBuffer
	logger          *slog.Logger
	out             strings.Builder // formatted values, errors, panics
	secrets         []string        // every token whose secret must not appear
	values, formats int
	errs            map[string]int // error kinds seen
}

func newAudit(t *testing.T) *audit {
	a := &audit{t: t, errs: map[string]int{}}
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	a.logger = slog.New(slog.NewMultiHandler(slog.NewJSONHandler(&a.jsonLog, opts), slog.NewTextHandler(&a.text, opts)))
	return a
}

// verbs are the fmt verbs a program might print a value with.
var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3v"}

// print formats v with every verb, and logs it with both handlers.
func (a *audit) print(name string, v any) {
	a.values++
	for _, verb := range verbs {
		fmt.Fprintf(&a.out, "%s %s: "+verb+"\n", name, verb, v)
		a.formats++
	}
	a.logger.Info("value", slog.Any(name, v))
	a.logger.Info("nested value", slog.Group("g", slog.Any(name, v)))
}

// err records an error: its kind, and all its printed forms.
func (a *audit) err(name string, err error) {
	a.t.Helper()
	if err == nil {
		a.t.Fatalf("%s: no error", name)
	}
	kind := "other"
	var ae *netbird.APIError
	var te *netbird.TransportError
	var de *netbird.DecodeError
	var ve *api.ValidationError
	var ce *auth.ConfigError
	var re *netbird.RotationError
	switch {
	case errors.As(err, &re):
		kind = "RotationError"
	case errors.As(err, &ae):
		kind = fmt.Sprintf("APIError %d", ae.StatusCode)
	case errors.As(err, &te):
		kind = "TransportError"
	case errors.As(err, &de):
		kind = "DecodeError"
	case errors.As(err, &ve):
		kind = "ValidationError"
	case errors.As(err, &ce):
		kind = "ConfigError"
	}
	a.errs[kind]++
	a.print(name, err)
	a.logger.Error("call failed", "err", err)
}

// check fails the test for every secret found in what was captured.
func (a *audit) check() {
	a.t.Helper()
	for where, text := range map[string]string{"JSON log": a.jsonLog.String(), "text log": a.text.String(), "printed values and errors": a.out.String()} {
		for _, secret := range a.secrets {
			body := strings.TrimPrefix(secret, "nbp_")
			for i := 0; i+10 <= len(body); i++ {
				if w := body[i : i+10]; strings.Contains(text, w) {
					line := text[max(0, strings.Index(text, w)-120):min(len(text), strings.Index(text, w)+60)]
					a.t.Errorf("%s contains part of a token (%q…): …%s…", where, secret[:6], line)
					break
				}
			}
		}
	}
}

func TestTokenLeakAudit(t *testing.T) {
	a := newAudit(t)
	srv := netbirdtest.NewServer(t)
	tok := srv.Token()
	a.secrets = append(a.secrets, tok)
	ctx := context.Background()
	cfg := auth.Config{Host: srv.URL(), Token: tok}
	c, err := netbird.New(cfg, fastRetries, netbird.WithLogger(a.logger))
	if err != nil {
		t.Fatal(err)
	}

	// Success.
	me, err := c.Users.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Peers.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	created, err := c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: "audit", ExpiresIn: 1})
	if err != nil {
		t.Fatal(err)
	}
	a.secrets = append(a.secrets, created.PlainToken.Reveal())
	c2, err := c.WithToken(created.PlainToken.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Users.Current(ctx); err != nil {
		t.Fatal(err)
	}
	c4, err := c2.ForAccount(srv.AddChildAccount("Audit").ID) // a client acting on a child account, printed below
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c4.Groups.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rotated, err := c.Tokens.Rotate(ctx, me.ID, created.PersonalAccessToken.ID, "audit-rotated", 1)
	if err != nil {
		t.Fatal(err)
	}
	a.secrets = append(a.secrets, rotated.PlainToken.Reveal())
	c3, shortLived, err := c.Tokens.CreateShortLived(ctx, me.ID, "audit-short", 1)
	if err != nil {
		t.Fatal(err)
	}
	a.secrets = append(a.secrets, shortLived.PlainToken.Reveal())

	// Every error status NetBird or a proxy sends, retried where the
	// policy says so.
	peerID := srv.SampleIDs()["peerId"]
	for _, status := range []int{400, 401, 403, 404, 409, 412, 422, 429, 500, 502, 503, 504} {
		srv.InjectFault("GetPeer", netbirdtest.Fault{Status: status, Message: "injected"})
		_, err := c.Peers.Get(ctx, peerID)
		a.err(fmt.Sprintf("status %d", status), err)
	}
	srv.InjectFault("GetPeer", netbirdtest.Fault{Status: 502, HTML: true})
	_, err = c.Peers.Get(ctx, peerID)
	a.err("HTML 502", err)
	srv.ClearFaults()
	srv.InjectFault("ListPeers", netbirdtest.Fault{Status: 503, Times: 2})
	if _, err := c.Peers.List(ctx, nil); err != nil {
		t.Fatalf("503 twice then success: %v", err)
	}
	// Transport failures, decoding failures, a refused redirect.
	srv.InjectFault("ListGroups", netbirdtest.Fault{Reset: true})
	_, err = c.Groups.Create(ctx, api.GroupRequest{Name: "x"}) // not a reset: a success, then
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Groups.List(ctx, nil)
	a.err("reset", err)
	srv.ClearFaults()
	srv.InjectFault("GetCurrentUser", netbirdtest.Fault{Delay: time.Minute})
	slow, err := netbird.New(cfg, fastRetries, netbird.WithLogger(a.logger), netbird.WithAttemptTimeout(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = slow.Users.Current(ctx)
	a.err("attempt timeout", err)
	srv.ClearFaults()
	refused, err := netbird.New(auth.Config{Host: "http://" + freeAddr(t), Token: tok}, fastRetries, netbird.WithLogger(a.logger))
	if err != nil {
		t.Fatal(err)
	}
	_, err = refused.Users.Current(ctx)
	a.err("connection refused", err)
	srv.Handle("ListSetupKeys", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"not":"a list"`))
	})
	_, err = c.SetupKeys.List(ctx)
	a.err("invalid JSON", err)
	// Streams: their errors, and a stream that succeeds.
	streamErr := func(seq func(func(api.SetupKey, error) bool)) error {
		for _, err := range seq {
			if err != nil {
				return err
			}
		}
		return nil
	}
	a.err("stream of invalid JSON", streamErr(c.SetupKeys.ListSeq(ctx)))
	srv.InjectFault("ListSetupKeys", netbirdtest.Fault{Status: 404, Message: "injected", Times: 1})
	a.err("stream status 404", streamErr(c.SetupKeys.ListSeq(ctx)))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	a.err("stream cancelled", streamErr(c.SetupKeys.ListSeq(cancelled)))
	for _, err := range c.Peers.ListSeq(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
	}
	var otherAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization"))
	}))
	defer other.Close()
	srv.Handle("ListRoutes", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal?token=please", http.StatusTemporaryRedirect)
	})
	_, err = c.Routes.List(ctx)
	a.err("redirect to another host", err)
	if v, _ := otherAuth.Load().(string); v != "" {
		t.Errorf("the other host got Authorization %q", v)
	}
	// Refusals before sending: a body that breaks the document, a header
	// that tries to replace the token, configurations holding the token.
	_, err = c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: "x", ExpiresIn: 0})
	a.err("validation", err)
	_, err = c.Peers.List(ctx, nil, netbird.WithHeader("Authorization", "Token "+tok))
	a.err("WithHeader Authorization", err)
	for name, bad := range map[string]auth.Config{
		"token pasted into the host": {Host: "ftp://" + tok, Token: tok},
		"token as the password":      {Host: "https://admin:" + tok + "@netbird.example.com", Token: tok},
		"token with extra":           {Host: srv.URL(), Token: tok + "x"},
		"token with newline":         {Host: srv.URL(), Token: tok[:20] + "\n" + tok[20:]},
		"token as a JWT":             {Host: srv.URL(), Token: tok + ".x", TokenKind: auth.KindJWT},
		"token with bad checksum":    {Host: srv.URL(), Token: tok[:39] + string(rune('A'+(tok[39]-'A'+1)%26))},
	} {
		_, err := netbird.New(bad)
		a.err(name, err)
	}
	_, err = c.WithToken(tok + "\r\nX-Evil: 1")
	a.err("WithToken injection", err)
	// A deleted token, and a rotation that fails.
	if err := c.Tokens.Delete(ctx, me.ID, rotated.PersonalAccessToken.ID); err != nil {
		t.Fatal(err)
	}
	rc, err := c.WithToken(rotated.PlainToken.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	_, err = rc.Users.Current(ctx)
	a.err("deleted token", err)
	srv.InjectFault("GetCurrentUser", netbirdtest.Fault{Status: 500, Times: 1})
	_, err = c.Tokens.Rotate(ctx, me.ID, shortLived.PersonalAccessToken.ID, "audit-fail", 1)
	a.err("failed rotation", err)
	srv.ClearFaults()

	// Panics: a request editor that panics with the request (editors run
	// before authentication, so the request holds no token yet), and
	// panics with the values a program holds.
	for name, f := range map[string]func(){
		"editor panics with the request": func() {
			_, _ = c.Peers.List(ctx, nil, netbird.WithRequestEditor(func(_ context.Context, r *http.Request) error { panic(r) }))
		},
		"panic with the config":  func() { panic(cfg) },
		"panic with the client":  func() { panic(c) },
		"panic with the created": func() { panic(created) },
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", name)
				}
				a.print("panic: "+name, r)
			}()
			f()
		}()
	}

	// Every public value that holds a token or a secret.
	settings, err := cfg.Settings()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := auth.ParseToken(tok, auth.KindAuto)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{
		"auth.Config": cfg, "*auth.Config": &cfg, "auth.Settings": *settings, "*auth.Settings": settings,
		"auth.Token": parsed, "*auth.Token": &parsed,
		"*netbird.Client": c, "netbird.Client": *c, "*netbird.Client (WithToken)": c2, "*netbird.Client (short-lived)": c3, "*netbird.Client (ForAccount)": c4,
		"*api.PersonalAccessTokenGenerated": created, "api.PersonalAccessTokenGenerated": *created,
		"api.Secret": created.PlainToken, "*api.Secret": &created.PlainToken,
		"netbird.Services": c.Services,
		// Not a Secret inside a slice or map: slog's JSON handler encodes
		// those with encoding/json, where a Secret is the plain string
		// (see SECURITY.md).
		"[]any": []any{cfg, parsed, settings},
		"map":   map[string]any{"cfg": cfg, "token": parsed},
	} {
		a.print(name, v)
	}
	// The sandbox's own request log is printed too (it never holds the
	// Authorization header).
	a.print("netbirdtest requests", srv.Requests())

	for _, want := range []string{`"msg":"netbird request"`, `"status":429`, `"msg":"netbird request failed"`} {
		if !strings.Contains(a.jsonLog.String(), want) {
			t.Errorf("the JSON log lacks %s: the audit did not capture the client's logging", want)
		}
	}
	if !strings.Contains(a.text.String(), "msg=\"netbird request\"") || !strings.Contains(a.out.String(), "nbp_…") {
		t.Error("the audit did not capture the text log or the redacted forms")
	}
	a.check()
	t.Logf("leak audit: %d secrets, %d values printed with %d verbs (%d formats) and logged with slog JSON and text; error kinds %v; JSON log %d bytes, text log %d bytes",
		len(a.secrets), a.values, len(verbs), a.formats, a.errs, len(a.jsonLog.String()), len(a.text.String()))
}

// slog's JSON handler encodes a value that is not a slog.LogValuer with
// encoding/json, where api.Secret is the plain string (it must be, to send
// passwords in requests). An answer holding a secret, logged whole, must
// still not show it.
func TestLeakSlogJSONOfAnswerWithSecret(t *testing.T) {
	plain := api.Secret(auth.GeneratePAT())
	created := &api.PersonalAccessTokenGenerated{PlainToken: plain}
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, nil))
	l.Info("created a token", "token", created)
	l.Info("created a token", "token", *created)
	if strings.Contains(buf.String(), plain.Reveal()[4:]) {
		t.Errorf("slog's JSON handler shows the plain token: %s", buf.String())
	}
}

// Secrets nested deeper in a request or an answer: a reverse-proxy
// service's password, PIN and header credentials. None may show, whether
// the value is printed with fmt or logged with either slog handler.
func TestLeakSecretsNestedInRequests(t *testing.T) {
	password, pin, header := "pw-"+auth.GeneratePAT()[4:], "pin-"+auth.GeneratePAT()[4:], "Bearer "+auth.GeneratePAT()
	// Built from JSON, as an answer would be: it does not depend on which
	// of these fields are typed api.Secret.
	var svc api.ServiceRequest
	if err := json.Unmarshal(fmt.Appendf(nil, `{"name":"app","domain":"app.example.com","auth":{
		"password_auth":{"enabled":true,"password":%q},
		"pin_auth":{"enabled":true,"pin":%q},
		"header_auths":[{"enabled":true,"header":"Authorization","value":%q}]}}`, password, pin, header), &svc); err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{"password": password, "PIN": pin, "header value": header}
	check := func(t *testing.T, out string) {
		t.Helper()
		for name, secret := range secrets {
			if i := strings.Index(out, secret[8:]); i >= 0 {
				t.Errorf("the %s shows: …%s…", name, out[max(0, i-80):i+20])
			}
		}
	}
	// The models that hold a secret directly, with every verb. A model that
	// holds one only through another model (ServiceRequest.auth) is not
	// covered: slog's JSON handler encodes the inner one with
	// encoding/json, and fmt's %s, %q, %x and %d print a nested pointer
	// with its methods off. See SECURITY.md.
	a := svc.Auth
	holders := []any{*a.PasswordAuth, a.PasswordAuth, *a.PinAuth, a.PinAuth, (*a.HeaderAuths)[0], &(*a.HeaderAuths)[0]}
	t.Run("fmt", func(t *testing.T) {
		var out bytes.Buffer
		for _, verb := range verbs {
			for _, v := range holders {
				fmt.Fprintf(&out, verb+"\n", v)
			}
		}
		check(t, out.String())
	})
	t.Run("slog", func(t *testing.T) {
		var out bytes.Buffer
		opts := &slog.HandlerOptions{Level: slog.LevelDebug}
		l := slog.New(slog.NewMultiHandler(slog.NewJSONHandler(&out, opts), slog.NewTextHandler(&out, opts)))
		for _, v := range holders {
			l.Info("auth", "value", v)
		}
		check(t, out.String())
	})
}

// fmt cannot call the redacting methods of a value it reaches through an
// unexported field of the caller's own struct, and prints its fields one
// by one. A Token, Settings or Client held that way must still not show
// the token. (A Config, whose Token is a plain string field, cannot be
// protected this way: see SECURITY.md.)
func TestLeakThroughUnexportedFields(t *testing.T) {
	tok, err := auth.ParseToken(testPAT, auth.KindAuto)
	if err != nil {
		t.Fatal(err)
	}
	s, err := auth.Config{Host: "api.netbird.io", Token: testPAT}.Settings()
	if err != nil {
		t.Fatal(err)
	}
	c, err := netbird.New(auth.Config{Host: "api.netbird.io", Token: testPAT})
	if err != nil {
		t.Fatal(err)
	}
	type holder struct {
		tok    auth.Token
		s      auth.Settings
		sp     *auth.Settings
		client netbird.Client
		cp     *netbird.Client
	}
	h := holder{tok: tok, s: *s, sp: s, client: *c, cp: c}
	for _, verb := range verbs {
		for _, v := range []any{h, &h, []holder{h}} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, testPAT[4:20]) {
				t.Errorf("%s of a caller's struct shows the token: %.300s", verb, out)
			}
		}
	}
}
