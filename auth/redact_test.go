package auth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRedacted(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{testPAT, "nbp_…MURp"},
		{testJWT, "eyJ…Vz_-"},
		{"abc.def.ghi", "…"},
		{"eyJa.b.c", "eyJ…"},
		{"xxxxxxxxxx.yyyyyyyyyy.zzzzzzzzzz", "…zzzz"},
	}
	for _, tt := range tests {
		tok, err := ParseToken(tt.in, KindAuto)
		if err != nil {
			t.Fatal(err)
		}
		if got := tok.Redacted(); got != tt.want {
			t.Errorf("Redacted(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatForms(t *testing.T) {
	tok, err := ParseToken(testPAT, KindAuto)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Host: "api.netbird.io", Token: testPAT, Timeout: time.Minute, CACertPEM: []byte("12345")}
	s, err := Config{Host: "api.netbird.io", Token: testPAT, Timeout: time.Minute}.Settings()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format string
		arg    any
		want   string
	}{
		{"%v", tok, "nbp_…MURp"},
		{"%s", tok, "nbp_…MURp"},
		{"%q", tok, `"nbp_…MURp"`},
		{"%#v", tok, `"nbp_…MURp"`},
		{"%12s|", tok, "   nbp_…MURp|"},
		{"%d", tok, "%!d(auth.Token=nbp_…MURp)"},
		{"%v", Token{}, ""},
		{"%v", cfg, "{Host:api.netbird.io Token:nbp_…MURp TokenKind:auto BasePath: Timeout:1m0s AllowInsecureHTTP:false CAFile: CACertPEM:<5 bytes>}"},
		{"%#v", cfg, `auth.Config{Host:"api.netbird.io", Token:"nbp_…MURp", TokenKind:auth.KindAuto, BasePath:"", Timeout:60000000000, AllowInsecureHTTP:false, CAFile:"", CACertPEM:[]byte{/* 5 bytes */}}`},
		{"%v", Config{Host: "h", Token: testPAT[:39]}, "{Host:h Token:<invalid token, 39 bytes> TokenKind:auto BasePath: Timeout:0s AllowInsecureHTTP:false CAFile: CACertPEM:<nil>}"},
		{"%+v", s, "{ServerURL:https://api.netbird.io BasePath:/api Timeout:1m0s Token:nbp_…MURp RootCAs:system Insecure:false}"},
		{"%#v", *s, `auth.Settings{ServerURL:"https://api.netbird.io", BasePath:"/api", Timeout:60000000000, Token:"nbp_…MURp", RootCAs:/* system */, Insecure:false}`},
	}
	for _, tt := range tests {
		if got := fmt.Sprintf(tt.format, tt.arg); got != tt.want {
			t.Errorf("Sprintf(%q, %T) =\n  %s\nwant\n  %s", tt.format, tt.arg, got, tt.want)
		}
	}
}

func TestMarshalJSON(t *testing.T) {
	s, err := Config{Host: "api.netbird.io", Token: testPAT}.Settings()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		v    any
		want string
	}{
		{s.Token, `"nbp_…MURp"`},
		{Config{Host: "h", Token: testPAT, Timeout: time.Second},
			`{"host":"h","token":"nbp_…MURp","token_kind":"auto","base_path":"","timeout":"1s","allow_insecure_http":false,"ca_file":"","ca_cert_pem_bytes":0}`},
		{s, `{"server_url":"https://api.netbird.io","base_path":"/api","timeout":"30s","token":"nbp_…MURp","root_cas":"system","insecure":false}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("json.Marshal(%T) =\n  %s\nwant\n  %s", tt.v, b, tt.want)
		}
	}
}

// TestNoLeak formats every token-holding value, and every error a bad token
// can produce, in every way we know, and checks that the secret part of the
// PAT (characters 4 to 34) never shows.
func TestNoLeak(t *testing.T) {
	pat := GeneratePAT()
	secret := pat[4:34]
	jwt := "eyJhbGciOiJIUzI1NiJ9." + secret + "." + secret[:10] + "sig"

	var outputs []string
	check := func(what, out string) {
		t.Helper()
		outputs = append(outputs, out)
		if strings.Contains(out, secret) || strings.Contains(out, secret[:10]) {
			t.Errorf("%s leaks the token: %s", what, out)
		}
	}

	tok, err := ParseToken(pat, KindAuto)
	if err != nil {
		t.Fatal(err)
	}
	jtok, err := ParseToken(jwt, KindAuto)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Host: "api.netbird.io", Token: pat}
	settings, err := cfg.Settings()
	if err != nil {
		t.Fatal(err)
	}
	badCfg := Config{Host: "api.netbird.io", Token: pat[:39]}
	values := map[string]any{
		"Token":            tok,
		"*Token":           &tok,
		"JWT Token":        jtok,
		"Config":           cfg,
		"*Config":          &cfg,
		"Config (bad)":     badCfg,
		"Config (JWT)":     Config{Host: "api.netbird.io", Token: jwt},
		"*Settings":        settings,
		"Settings":         *settings,
		"[]any":            []any{tok, cfg, settings},
		"struct{Settings}": struct{ S Settings }{*settings},
		"map":              map[string]any{"cfg": cfg},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10.50v"}
	for name, v := range values {
		for _, verb := range verbs {
			check(name+" "+verb, fmt.Sprintf(verb, v))
		}
		check(name+" Sprint", fmt.Sprint(v))
		check(name+" Sprintln", fmt.Sprintln(v))
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: json.Marshal: %v", name, err)
		}
		check(name+" JSON", string(b))

		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("msg", "value", v, slog.Any("any", v))
		slog.New(slog.NewTextHandler(&buf, nil)).Info("msg", "value", v, slog.Any("any", v))
		slog.New(slog.NewTextHandler(&buf, nil)).With("with", v).WithGroup("g").Info("msg", "value", v)
		check(name+" slog", buf.String())
	}

	// Every rejection path, fed a token that contains the secret.
	bad := map[string]struct {
		in   string
		kind TokenKind
	}{
		"39 chars":      {pat[:39], KindAuto},
		"41 chars":      {pat + "A", KindAuto},
		"bad checksum":  {pat[:34] + "000000", KindAuto},
		"wrong prefix":  {"nbx_" + pat[4:], KindPAT},
		"bad char":      {pat[:35] + "!" + pat[36:], KindAuto},
		"newline":       {pat[:20] + "\n" + pat[20:], KindAuto},
		"space":         {pat[:20] + " " + pat[20:], KindAuto},
		"non-ASCII":     {pat[:20] + "ü" + pat[20:], KindAuto},
		"JWT forced":    {pat, KindJWT},
		"JWT 2 parts":   {"eyJ." + secret, KindAuto},
		"JWT bad chars": {"eyJ." + secret + ".a+b", KindAuto},
		"neither":       {secret, KindAuto},
		"bad kind":      {pat, TokenKind(42)},
	}
	for name, b := range bad {
		_, err := ParseToken(b.in, b.kind)
		if err == nil {
			t.Fatalf("%s: ParseToken accepted it", name)
		}
		check(name+" ParseToken error", err.Error())
		check(name+" ParseToken error %#v", fmt.Sprintf("%#v", err))
		c := Config{Host: "api.netbird.io", Token: b.in, TokenKind: b.kind}
		_, err = c.Settings()
		check(name+" Settings error", fmt.Sprintf("%v %+v", err, err))
		check(name+" Config", fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c))
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("msg", "cfg", c, "err", err)
		check(name+" slog", buf.String())
	}

	// The editor's refusal names servers, never the token.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://evil.example.com/api/peers", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = settings.RequestEditor()(t.Context(), req)
	check("editor refusal", fmt.Sprint(err))

	if len(outputs) < 100 {
		t.Fatalf("only %d outputs checked", len(outputs))
	}
}
