package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/internal/opcall"
	"github.com/netbird-go/netbird/internal/spec"
)

// Prefix starts the name of every object the write scenarios create, so
// that a later run finds what an interrupted one left.
const Prefix = "nbconf-"

// Options configure a check.
type Options struct {
	// Config reaches the server.
	Config auth.Config
	// Write also runs the write scenarios: temporary objects are created,
	// updated and deleted, and leftovers of earlier runs are removed.
	Write bool
	// Sandbox marks the report as being about a local sandbox.
	Sandbox bool
	// Progress receives a line every ProgressEvery operations (default 20)
	// and at each phase; nil for none.
	Progress      io.Writer
	ProgressEvery int
	// Transport is the base transport (default: one built from Config,
	// with its TLS settings). Tests put faults here.
	Transport http.RoundTripper
	// RunID names this run's objects (Prefix + RunID + "-"); random when "".
	RunID string
	// ClientOptions are added to the client's (e.g. netbird.WithoutRetries).
	ClientOptions []netbird.Option
	// CleanupTimeout bounds the removal of what the run created, which runs
	// on a fresh context, also after ctx ended (default 60s).
	CleanupTimeout int // seconds
}

// checker is one run.
type checker struct {
	opts     Options
	ctx      context.Context
	doc      *openapi3.T
	ops      map[string]opcall.Op // by id
	gets     map[string]opcall.Op // GET operations by path
	c        *netbird.Client
	v        *Validator
	settings *auth.Settings
	hc       *http.Client // for the id look-ups, not validated
	lists    map[string]listResult
	report   *Report
}

type listResult struct {
	ids []string
	why string // why there is no id
}

// Check runs the conformance check: every GET operation of the document
// (path ids taken from the server's own lists), then, with Write, the write
// scenarios. It returns the report, also when ctx ends early (then marked
// stopped); the error is for a check that could not start.
func Check(ctx context.Context, o Options) (*Report, error) {
	doc, err := spec.Load()
	if err != nil {
		return nil, err
	}
	settings, err := o.Config.Settings()
	if err != nil {
		return nil, err
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = 20
	}
	if o.CleanupTimeout <= 0 {
		o.CleanupTimeout = 60
	}
	if o.RunID == "" {
		var b [3]byte
		_, _ = rand.Read(b[:])
		o.RunID = hex.EncodeToString(b[:])
	}
	base := o.Transport
	if base == nil {
		base = &http.Transport{Proxy: http.ProxyFromEnvironment, TLSClientConfig: settings.TLSConfig(), ForceAttemptHTTP2: true}
	}
	v := NewValidator(doc, base).WithPathPrefix(strings.TrimSuffix(settings.BasePath, auth.DefaultBasePath))
	copts := append([]netbird.Option{netbird.WithTransport(v), netbird.WithUserAgent("netbird-conformance/" + netbird.Version)}, o.ClientOptions...)
	c, err := netbird.New(o.Config, copts...)
	if err != nil {
		return nil, err
	}
	ch := &checker{
		opts: o, ctx: ctx, doc: doc, c: c, v: v, settings: settings,
		ops: map[string]opcall.Op{}, gets: map[string]opcall.Op{}, lists: map[string]listResult{},
		hc:     &http.Client{Transport: base, Timeout: settings.Timeout},
		report: &Report{Server: settings.BaseURL(), Sandbox: o.Sandbox, Mode: "read-only"},
	}
	for _, op := range opcall.Operations(doc) {
		ch.ops[op.ID] = op
		if op.Method == http.MethodGet {
			ch.gets[op.Path] = op
		}
	}
	if o.Write {
		ch.report.Mode, ch.report.RunID = "write", o.RunID
	}
	if err := ch.preflight(); err != nil {
		return nil, err
	}
	ch.readOnly()
	ch.sweep()
	if o.Write {
		ch.write(ctx)
	}
	if err := ctx.Err(); err != nil && ch.report.Stopped == "" {
		ch.report.Stopped = stopReason(ctx)
	}
	ch.report.summarize()
	return ch.report, nil
}

func stopReason(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return "the run's time (-timeout) ran out"
	}
	return "interrupted"
}

// preflight proves the token is accepted before anything else: a server
// that refuses it can be checked for nothing.
func (ch *checker) preflight() error {
	status, msg, _, err := ch.get("/api/peers")
	if err != nil {
		return fmt.Errorf("reaching %s: %s", ch.settings.BaseURL(), Redact(err.Error()))
	}
	if status == 401 || status == 404 && strings.HasPrefix(msg, "invalid token") {
		return fmt.Errorf("the server does not accept this token: GET /api/peers answered %d %s", status, Redact(msg))
	}
	return nil
}

func (ch *checker) progress(format string, args ...any) {
	if ch.opts.Progress != nil {
		fmt.Fprintf(ch.opts.Progress, format+"\n", args...)
	}
}

// readOnly runs every GET operation once.
func (ch *checker) readOnly() {
	var gets []opcall.Op
	for _, op := range opcall.Operations(ch.doc) {
		if op.Method == http.MethodGet {
			gets = append(gets, op)
		}
	}
	ch.progress("checking %d GET operations against %s", len(gets), ch.settings.BaseURL())
	for i, op := range gets {
		if i > 0 && i%ch.opts.ProgressEvery == 0 {
			ch.progress("… %d of %d operations", i, len(gets))
		}
		if ch.ctx.Err() != nil {
			ch.skip(op, nil, "the run was stopped: "+stopReason(ch.ctx))
			continue
		}
		ids, why := ch.ids(op)
		if why != "" {
			ch.skip(op, ids, why)
			continue
		}
		out, err := Run(ch.ctx, ch.c, ch.v, op, ids)
		if err != nil {
			ch.skip(op, ids, "cannot call it: "+err.Error())
			continue
		}
		if ch.ctx.Err() != nil && out.Kind == KindFailed {
			ch.skip(op, ids, "the run was stopped: "+stopReason(ch.ctx))
			continue
		}
		ch.report.Operations = append(ch.report.Operations, opReport(out, ids))
	}
	ch.progress("… %d of %d operations", len(gets), len(gets))
}

func (ch *checker) skip(op opcall.Op, ids map[string]string, why string) {
	r := opReport(Outcome{Op: op, Kind: KindSkipped, Why: why}, ids)
	ch.report.Operations = append(ch.report.Operations, r)
}

// ids finds the path parameters of op in the server's own lists: the
// first element of the list one level up ({peerId} from GET /api/peers,
// {resourceId} from GET /api/networks/<the network found>/resources); the
// user is the token's own where the server tells it. why says why an id
// could not be found.
func (ch *checker) ids(op opcall.Op) (ids map[string]string, why string) {
	if len(op.PathParams) == 0 {
		return nil, ""
	}
	ids = map[string]string{}
	path := op.Path
	for _, p := range op.PathParams {
		ph := "{" + p + "}"
		i := strings.Index(path, ph)
		collection := strings.TrimSuffix(path[:i], "/")
		if p == "token" {
			return ids, "no {token}: an invitation's token is only in its link"
		}
		l := ch.list(collection)
		if len(l.ids) == 0 {
			return ids, fmt.Sprintf("no {%s}: %s", p, l.why)
		}
		ids[p] = l.ids[0]
		path = strings.Replace(path, ph, l.ids[0], 1)
	}
	return ids, ""
}

// list is the ids of the list at collection (a path with ids filled in).
func (ch *checker) list(collection string) listResult {
	if l, ok := ch.lists[collection]; ok {
		return l
	}
	l := ch.fetchList(collection)
	ch.lists[collection] = l
	return l
}

func (ch *checker) fetchList(collection string) listResult {
	if collection == "/api/users" {
		if status, _, body, err := ch.get("/api/users/current"); err == nil && status == 200 {
			var me struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(body, &me) == nil && me.ID != "" {
				return listResult{ids: []string{me.ID}}
			}
		}
	}
	if _, ok := ch.gets[templateOf(ch, collection)]; !ok {
		return listResult{why: "the document has no list at " + collection + " to find one in"}
	}
	status, msg, body, err := ch.get(collection)
	switch {
	case err != nil:
		return listResult{why: fmt.Sprintf("GET %s failed: %s", collection, Redact(err.Error()))}
	case status != 200:
		return listResult{why: fmt.Sprintf("GET %s answered %d %s", collection, status, Redact(msg))}
	}
	var items []json.RawMessage
	if json.Unmarshal(body, &items) != nil {
		var paged struct {
			Data []json.RawMessage `json:"data"`
		}
		if json.Unmarshal(body, &paged) != nil || paged.Data == nil {
			return listResult{why: fmt.Sprintf("GET %s is not a list", collection)}
		}
		items = paged.Data
	}
	var ids []string
	for _, it := range items {
		if id := idOf(it); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return listResult{why: fmt.Sprintf("GET %s lists none", collection)}
	}
	return listResult{ids: ids}
}

// templateOf maps a path with ids filled in back to the document's path,
// by the GET operations' paths of the same shape.
func templateOf(ch *checker, path string) string {
	if _, ok := ch.gets[path]; ok {
		return path
	}
	parts := strings.Split(path, "/")
	for tmpl := range ch.gets {
		tp := strings.Split(tmpl, "/")
		if len(tp) != len(parts) {
			continue
		}
		match := true
		for i := range tp {
			if tp[i] != parts[i] && !strings.HasPrefix(tp[i], "{") {
				match = false
				break
			}
		}
		if match {
			return tmpl
		}
	}
	return ""
}

// idOf is an element's id: the element itself for a string, else its
// "id" (or, for countries, "country_code").
func idOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	for _, k := range []string{"id", "country_code"} {
		switch v := m[k].(type) {
		case string:
			if v != "" {
				return v
			}
		case float64:
			return fmt.Sprint(v)
		}
	}
	return ""
}

// get is a plain GET of an API path ("/api/peers") with the token: the
// status, NetBird's message for an error, and the body.
func (ch *checker) get(path string) (status int, msg string, body []byte, err error) {
	u := ch.settings.ServerURL.String() + strings.TrimSuffix(ch.settings.BasePath, auth.DefaultBasePath) + path
	req, err := http.NewRequestWithContext(ch.ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", nil, err
	}
	if err := ch.settings.RequestEditor()(ch.ctx, req); err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := ch.hc.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return 0, "", nil, err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(body, &e)
		msg = e.Message
	}
	return resp.StatusCode, msg, body, nil
}
