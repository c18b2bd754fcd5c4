package netbirdtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"golang.org/x/time/rate"

	"github.com/netbird-go/netbird/internal/sample"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	basePath  string
	realistic bool
	rpm       int
	burst     int
	tls       bool
	reporter  func(Violation)
	clock     func() time.Time
}

// WithBasePath serves the API under p instead of "/api": the operation
// "/api/peers" is then answered at URL()+p+"/peers", e.g.
// "/netbird/api/peers" for p "/netbird/api". Requests outside p get a 404.
// Use it to prove that a client builds its URLs from a configured base path.
func WithBasePath(p string) Option {
	return func(o *options) { o.basePath = p }
}

// WithRealistic makes the server answer the way a real NetBird server does
// where that departs from the document: null arrays, "Host" as a network
// resource type, statuses the document does not list, 200 {} for deletes.
// Response validation lets exactly those departures through. The list is
// generated from NetBird's real server (departures.gen.json); see the
// package documentation.
func WithRealistic() Option {
	return func(o *options) { o.realistic = true }
}

// WithRateLimit turns on a per-token rate limiter like NetBird's
// (NB_API_RATE_LIMITING_ENABLED): rpm requests a minute with bursts of
// burst. Requests over the limit get 429 {"message":"too many
// requests","code":429} without a Retry-After header, as from NetBird.
// User agents containing "terraform" are exempt, as in NetBird. Off by
// default.
func WithRateLimit(rpm, burst int) Option {
	return func(o *options) { o.rpm, o.burst = rpm, burst }
}

// WithTLS serves HTTPS with httptest's self-signed certificate; use
// [Server.Client] to talk to it.
func WithTLS() Option {
	return func(o *options) { o.tls = true }
}

// WithReporter sets where violations go as they happen, besides
// [Server.Violations]. NewServer reports to t.Errorf unless this option is
// given; Start reports nowhere unless it is. f may be called from several
// goroutines at once.
func WithReporter(f func(Violation)) Option {
	return func(o *options) { o.reporter = f }
}

// WithClock sets the server's clock, used for timestamps, token expiry and
// rate limiting. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.clock = now }
}

// Server is a fake NetBird management server for tests: it checks every
// request and every answer against NetBird's API document, keeps state for
// the core resources and synthesizes answers for everything else. It is
// safe for concurrent use.
type Server struct {
	opts  options
	doc   *document
	ts    *httptest.Server
	token string       // the seeded admin's PAT
	synth sample.Synth // for synthesized answers

	mu sync.Mutex
	// st is the account being served: the seeded one, except while a
	// handler runs for a call that acts on a child account (see answer and
	// on). Everything reading it holds mu, so nothing else sees the switch.
	st         *state
	accounts   []*state // every account, the seeded one first
	seq        uint64   // the last id given, in any account
	handlers   map[string]handler
	overrides  map[string]http.HandlerFunc
	faults     map[string]*faultState
	limiters   map[string]*rate.Limiter
	log        []Request
	calls      map[string]int
	violations []Violation
}

// Request is one entry of the request log.
type Request struct {
	Method string
	// Path is the URL path as received, base path included.
	Path string
	// Query is the raw query string.
	Query string
	// OperationID is the operation the request was routed to, "" when
	// none matched (404, 405).
	OperationID string
	// Status is the status sent; 0 when the connection was reset or the
	// client went away first.
	Status int
	// Time is when the request arrived, by the server's clock.
	Time time.Time
}

// NewServer starts a server for a test and closes it when the test ends.
// Every violation of the API document, by the client's requests or by the
// server's own answers, fails the test through t.Errorf, naming the
// operation, the field and the rule broken.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	reporter := func(v Violation) { t.Errorf("netbirdtest: %v", v) }
	s, err := start(append([]Option{WithReporter(reporter)}, opts...))
	if err != nil {
		t.Fatalf("netbirdtest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a server outside of a test, e.g. for a demo. The caller
// closes it. Violations are recorded (see [Server.Violations]) and passed to
// the [WithReporter] function if one is given.
func Start(opts ...Option) (*Server, error) {
	return start(opts)
}

func start(opts []Option) (*Server, error) {
	o := options{basePath: "/api", clock: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	bp, err := cleanBasePath(o.basePath)
	if err != nil {
		return nil, err
	}
	o.basePath = bp
	if o.rpm < 0 || o.burst < 0 || (o.rpm > 0) != (o.burst > 0) {
		return nil, fmt.Errorf("netbirdtest: WithRateLimit(%d, %d): both must be positive", o.rpm, o.burst)
	}
	doc, err := loadDocument()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:      o,
		doc:       doc,
		overrides: map[string]http.HandlerFunc{},
		faults:    map[string]*faultState{},
		limiters:  map[string]*rate.Limiter{},
		calls:     map[string]int{},
	}
	if o.realistic {
		s.synth.EmptyArrays = doc.departures.nullArrays
	}
	if s.handlers, err = s.routes(); err != nil {
		return nil, err
	}
	s.seed()
	if o.tls {
		s.ts = httptest.NewTLSServer(http.HandlerFunc(s.serveHTTP))
	} else {
		s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	}
	return s, nil
}

// cleanBasePath checks a base path: "" or "/x/y", no trailing slash.
func cleanBasePath(p string) (string, error) {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return "", nil
	}
	u, err := url.Parse(p)
	if err != nil || !strings.HasPrefix(p, "/") || u.Path != p || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("netbirdtest: base path %q must be a plain path starting with /", p)
	}
	return p, nil
}

// URL returns the server's root URL, scheme://127.0.0.1:port, without the
// base path.
func (s *Server) URL() string { return s.ts.URL }

// BaseURL returns URL() followed by the base path ("/api" by default).
func (s *Server) BaseURL() string { return s.ts.URL + s.opts.basePath }

// Token returns a well-formed personal access token of the seeded admin
// user. The server accepts it as "Token <pat>" and as "Bearer <pat>".
func (s *Server) Token() string { return s.token }

// Client returns an http.Client that trusts the server, needed with
// [WithTLS].
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close shuts the server down, waiting for requests in flight. It is safe to
// call more than once.
func (s *Server) Close() { s.ts.Close() }

// Handle replaces the handler of one operation, named by its Go name
// ("ListPeers"). Authentication and request validation still run first;
// the handler's answer is sent as it is and not validated. It panics if
// NetBird's document has no such operation.
func (s *Server) Handle(operationID string, h http.HandlerFunc) {
	op := s.doc.operation(operationID)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides[op.id] = h
}

// Requests returns a copy of the request log, oldest first. It never holds
// the Authorization header.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Violations returns the violations recorded so far, oldest first.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// Calls returns, for each operation ID, how many requests were routed to it,
// whatever the answer: use it to check which operations a test covered.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

func (s *Server) now() time.Time { return s.opts.clock() }

// call is one request on its way through the server.
type call struct {
	op     *operation
	r      *http.Request
	params map[string]string
	query  url.Values
	raw    []byte // the request body
	body   any    // the request body decoded as JSON, nil when there is none
	userID string // the authenticated user
	home   *state // the authenticated user's account
	acting *state // the account the call acts on: home, or a child account of it
	// input is what request validation used; response validation reuses it.
	input *openapi3filter.RequestValidationInput
	// refused is set when the server answers a refusal of the request
	// (credentials, validation): see statusAllowed.
	refused bool
}

// response is an answer before it is encoded, validated and sent.
type response struct {
	status      int
	value       any  // the JSON body
	isJSON      bool // value is to be sent as JSON
	raw         []byte
	contentType string
}

const jsonContentType = "application/json; charset=UTF-8"

func jsonResponse(status int, v any) response {
	return response{status: status, value: v, isJSON: true}
}

// errorResponse is NetBird's error body: {"message":...,"code":status}.
func errorResponse(status int, format string, args ...any) response {
	return jsonResponse(status, map[string]any{"message": fmt.Sprintf(format, args...), "code": status})
}

func emptyResponse(status int) response { return response{status: status} }

// serveHTTP answers one request: base path, routing, faults, credentials,
// rate limit, permissions, request validation, the handler, response
// validation.
func (s *Server) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("X-Request-Id", requestID())
	w := &statusWriter{ResponseWriter: rw}
	entry := s.logRequest(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Time: s.now()})
	defer func() { s.logStatus(entry, w.status) }()

	apiPath, ok := s.apiPath(r.URL.Path)
	if !ok {
		writeResponse(w, nil, errorResponse(http.StatusNotFound, "not found"))
		return
	}
	found := s.doc.find(r, apiPath)
	if found.op == nil {
		if found.status == http.StatusMethodNotAllowed {
			writeResponse(w, nil, errorResponse(found.status, "method not allowed"))
		} else {
			writeResponse(w, nil, errorResponse(http.StatusNotFound, "not found"))
		}
		return
	}
	op := found.op
	s.mu.Lock()
	s.calls[op.id]++
	s.log[entry].OperationID = op.id
	s.mu.Unlock()

	if s.fault(w, r, op) {
		return
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client went away
	}
	c := &call{op: op, r: r, params: found.params, query: r.URL.Query(), raw: raw}
	if op.secured {
		if resp, ok := s.authenticate(c); !ok {
			c.refused = true
			s.send(r.Context(), w, c, resp)
			return
		}
		if s.limited(c) {
			writeResponse(w, nil, errorResponse(http.StatusTooManyRequests, "too many requests"))
			return
		}
		if resp, ok := s.permitted(c); !ok {
			c.refused = true
			s.send(r.Context(), w, c, resp)
			return
		}
	}
	if vs := s.validateRequest(r.Context(), c); len(vs) > 0 {
		s.record(vs)
		c.refused = true
		s.send(r.Context(), w, c, errorResponse(http.StatusBadRequest, "%s: %s", vs[0].Field, vs[0].Rule))
		return
	}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &c.body) // valid JSON: validation passed
	}
	s.mu.Lock()
	override := s.overrides[op.id]
	s.mu.Unlock()
	if override != nil {
		r.Body = io.NopCloser(bytes.NewReader(raw))
		override(w, r)
		return
	}
	s.send(r.Context(), w, c, s.answer(c))
}

// answer runs the operation's handler, or synthesizes an answer, on the
// account the call acts on.
func (s *Server) answer(c *call) (resp response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.acting == nil { // an operation without authentication
		c.home, c.acting = s.accounts[0], s.accounts[0]
	}
	s.on(c.acting, func() {
		if h := s.handlers[c.op.id]; h != nil {
			resp = h(c)
		} else {
			resp = s.synthesized(c)
		}
	})
	return resp
}

// send encodes resp (applying realistic mode's departures to success
// bodies), validates it against the document, records what it breaks and
// writes it.
func (s *Server) send(ctx context.Context, w http.ResponseWriter, c *call, resp response) {
	if resp.isJSON && s.opts.realistic && resp.status == c.op.success {
		resp.value = s.doc.departures.apply(c.op.body, resp.value)
	}
	body := encode(resp)
	header := http.Header{}
	if ct := contentType(resp); ct != "" {
		header.Set("Content-Type", ct)
	}
	header.Set("X-Request-Id", w.Header().Get("X-Request-Id"))
	s.record(s.validateResponse(ctx, c, resp.status, header, body))
	writeResponse(w, body, resp)
}

func encode(resp response) []byte {
	if !resp.isJSON {
		return resp.raw
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp.value); err != nil {
		panic(fmt.Sprintf("netbirdtest: encoding an answer: %v", err)) // values are built from JSON types only
	}
	return buf.Bytes()
}

func contentType(resp response) string {
	switch {
	case resp.isJSON:
		return jsonContentType
	case resp.contentType != "":
		return resp.contentType
	}
	return ""
}

// writeResponse writes resp; body is its encoding, or nil to encode it here.
func writeResponse(w http.ResponseWriter, body []byte, resp response) {
	if body == nil {
		body = encode(resp)
	}
	if ct := contentType(resp); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(body)
}

// apiPath maps a received path to the document's path: the base path is
// replaced by "/api". ok is false for paths outside the base path.
func (s *Server) apiPath(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, s.opts.basePath)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return "", false
	}
	return "/api" + rest, true
}

// record stores violations and reports them.
func (s *Server) record(vs []Violation) {
	if len(vs) == 0 {
		return
	}
	s.mu.Lock()
	s.violations = append(s.violations, vs...)
	s.mu.Unlock()
	if s.opts.reporter != nil {
		for _, v := range vs {
			s.opts.reporter(v)
		}
	}
}

func (s *Server) logRequest(r Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, r)
	return len(s.log) - 1
}

func (s *Server) logStatus(i, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log[i].Status = status
}

// requestID returns a random id for the X-Request-Id header.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status written, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (Flush, Hijack).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// hijack takes over the connection, for Fault.Reset.
func (w *statusWriter) hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, buf, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, errors.Join(errors.New("netbirdtest: cannot reset this connection"), err)
	}
	return conn, buf, nil
}
