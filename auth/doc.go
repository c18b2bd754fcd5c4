// Package auth turns user-supplied connection settings for the NetBird
// management REST API (https://docs.netbird.io/api) into checked, ready to
// use values: the server URL, the API base path, a timeout, a TLS root pool
// and a token that is only ever sent to the configured server.
//
// # Building settings
//
// Fill a [Config], by hand or with [FromEnv], and call [Config.Settings]:
//
//	cfg, err := auth.FromEnv()
//	if err != nil {
//		return err
//	}
//	s, err := cfg.Settings()
//	if err != nil {
//		return err // a *auth.ConfigError naming the field at fault
//	}
//	tr := http.DefaultTransport.(*http.Transport).Clone()
//	tr.TLSClientConfig = s.TLSConfig()
//	httpClient := &http.Client{Timeout: s.Timeout, Transport: tr}
//	// s.ServerURL is the server for the generated client and
//	// s.RequestEditor() its request editor: it maps the "/api" prefix of
//	// every generated path to s.BasePath and sets the Authorization header.
//
// Every problem is reported as a [*ConfigError] whose Field names the
// Config field (or the environment variable) at fault; use [errors.As].
//
// # Token kinds
//
// NetBird accepts two kinds of token:
//
//   - A personal access token (PAT), created in the NetBird dashboard. It is
//     "nbp_" followed by a 30-character secret and a 6-character checksum,
//     40 characters in all, and is sent as "Authorization: Token <pat>".
//     The checksum is verified locally, so a truncated or mistyped token is
//     reported before any request is made.
//   - A JWT from the identity provider, sent as "Authorization: Bearer <jwt>".
//     Only its shape (three base64url parts) is checked, never its signature.
//
// With [KindAuto] (the default) the kind is detected: the "nbp_" prefix means
// a PAT, anything containing dots is treated as a JWT. Surrounding white space
// is trimmed; spaces, control characters and non-ASCII characters inside a
// token are refused, so a pasted line break cannot inject a header.
//
// # Defaults
//
//   - Host: required in a Config (an empty Host is an error); [FromEnv]
//     uses "api.netbird.io" when NETBIRD_HOST is unset. The scheme defaults
//     to https.
//   - BasePath: "/api". It must end in "/api"; a proxy's prefix goes before
//     it ("/netbird/api"). A path written in Host, as in
//     "https://netbird.example.com/netbird/api", is used as the base path
//     when BasePath is empty.
//   - Timeout: 30 seconds.
//   - TLS: the system roots, plus CAFile and CACertPEM when given; TLS 1.2
//     or later.
//
// # Environment
//
// [FromEnv] reads:
//
//	NETBIRD_HOST                 server, default api.netbird.io
//	NETBIRD_API_TOKEN            token, required
//	NETBIRD_BASE_PATH            base path, default /api
//	NETBIRD_TIMEOUT              "45s", "2m" or a number of seconds such as "45"
//	NETBIRD_TOKEN_KIND           "pat" or "jwt", default detected
//	NETBIRD_ALLOW_INSECURE_HTTP  "true" to allow http:// to a non-loopback host
//	NETBIRD_CA_FILE              PEM file with extra root certificates
//
// [LoadDotEnv] loads a .env file first; variables already set in the
// environment win over the file.
//
// # Plain HTTP
//
// http:// is accepted without ceremony only for loopback hosts (localhost,
// 127.0.0.0/8, ::1), which is what a local development server uses. Any
// other host needs AllowInsecureHTTP (or NETBIRD_ALLOW_INSECURE_HTTP=true),
// because the token would cross the network unencrypted.
//
// # Redaction
//
// [Token], [Config] and [Settings] implement String, GoString, Format and
// [slog.LogValuer], so printing them with any verb (%v, %+v, %#v, %s, %q) or
// logging them with log/slog shows at most the "nbp_" prefix and the last
// four characters of a token. They also implement [encoding/json.Marshaler]
// with the same redaction, because slog's JSON handler encodes values nested
// in slices, maps and structs with encoding/json; so the JSON form of a
// Config is for logs and cannot be read back into a working Config.
// Errors never contain any part of a token.
package auth
