package netbird

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
)

// Version is the version of this module, sent in the default User-Agent.
const Version = "0.1.0"

// Client calls the NetBird management API. Create one with New or
// NewFromEnv and share it: it is safe for concurrent use and reuses
// connections. Its services (c.Tokens, c.Peers, ...) are the fields of the
// embedded Services.
type Client struct {
	Services

	settings  *auth.Settings
	server    string // the base URL without "/api", ending in "/"; see auth.Settings.Server
	editor    api.RequestEditorFn
	rt        *retrier // the transport chain; see options.transport
	userAgent string
	timeout   time.Duration // for one whole call, retries included
	maxError  int64         // bytes of an error body read at most
	pace      *pacer        // this token's pace after 429s; see pacer
}

// New returns a client for the server and token in cfg. Options adjust the
// transport, retries, rate limit and logging; see Option.
func New(cfg auth.Config, opts ...Option) (*Client, error) {
	s, err := cfg.Settings()
	if err != nil {
		return nil, err
	}
	o := defaultOptions()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	c := &Client{
		settings:  s,
		server:    s.Server(),
		editor:    s.RequestEditor(),
		userAgent: o.userAgent,
		timeout:   s.Timeout,
		maxError:  o.maxErrorBody,
		pace:      &pacer{},
	}
	c.rt = o.transport(s)
	c.init(c)
	return c, nil
}

// NewFromEnv loads a .env file from the working directory if there is one
// (values already in the environment win), reads the configuration from the
// environment (see auth.FromEnv) and calls New.
func NewFromEnv(opts ...Option) (*Client, error) {
	if err := auth.LoadDotEnv(); err != nil {
		return nil, err
	}
	cfg, err := auth.FromEnv()
	if err != nil {
		return nil, err
	}
	return New(cfg, opts...)
}

// BaseURL is where the client sends requests, e.g. https://api.netbird.io/api.
func (c *Client) BaseURL() string { return c.settings.BaseURL() }

// String describes the client without its token.
func (c *Client) String() string { return "netbird.Client{" + c.BaseURL() + "}" }

// GoString is String, so %#v cannot print the token either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, also for a Client value (not only
// a pointer), whose fields would otherwise be printed one by one.
func (c Client) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// WithToken returns a client for the same server, with the same transport
// and options, that authenticates with token: for example a token just
// created for a service user.
func (c *Client) WithToken(token string) (*Client, error) {
	t, err := auth.ParseToken(token, auth.KindAuto)
	if err != nil {
		return nil, err
	}
	s := *c.settings
	s.Token = t
	cc := *c
	cc.settings = &s
	cc.editor = s.RequestEditor()
	cc.pace = &pacer{} // NetBird limits each token on its own
	cc.init(&cc)
	return &cc, nil
}

// errNoBody marks a success response that should have carried JSON but was empty.
var errNoBody = errors.New("empty response body")

// errNullBody marks a success response that carried null where an object belongs.
var errNullBody = errors.New("null response body, want an object")

// requestError wraps an error that happened before anything was sent.
func requestError(op string, err error) error {
	var ve *api.ValidationError
	if errors.As(err, &ve) {
		return err // already names the field and the rule
	}
	return fmt.Errorf("netbird: %s: %w", op, err)
}

// deadline applies the client's per-call timeout unless ctx already ends sooner.
func (c *Client) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout <= 0 {
		return ctx, func() {}
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= c.timeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, c.timeout)
}
