package netbird

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

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
	// The child account every request acts on, "" for the token's own;
	// accountQuery is its query parameter, account=<escaped id>, which
	// send adds to every request. See ForAccount.
	account, accountQuery string
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

// String describes the client without its token: the server, and the
// child account it acts on if it was made by ForAccount (an account id is
// not a secret).
func (c *Client) String() string {
	if c.account != "" {
		return "netbird.Client{" + c.BaseURL() + " account=" + strconv.Quote(c.account) + "}"
	}
	return "netbird.Client{" + c.BaseURL() + "}"
}

// GoString is String, so %#v cannot print the token either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, also for a Client value (not only
// a pointer), whose fields would otherwise be printed one by one.
func (c Client) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// WithToken returns a client for the same server, with the same transport
// and options, that authenticates with token: for example a token just
// created for a service user. A client made by ForAccount stays on its
// child account.
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

// ForAccount returns a client that acts on the child account accountID: a
// managed service provider (MSP) manages its customers' NetBird accounts
// with its own users' tokens. Every request of the returned client carries
// the query parameter account=<accountID>, which NetBird's authentication
// reads: when the token's user may manage that account, the request acts on
// it (its peers, groups, users, ...) instead of the user's own account.
//
// NetBird ignores the parameter without saying so when the user may not
// manage accountID (or when it is no child account at all, and always on a
// self-hosted server): the requests then act on the user's own account.
// c.Accounts.List on the returned client answers with the account that is
// actually served; check its ID before changing anything.
//
// The returned client shares c's server, token, transport, retries, rate
// limit and pace, so requests for several accounts still share the token's
// limits. WithToken and ForAccount can be combined in either order; Rotate
// and CreateShortLived keep the account too. ForAccount on a client that
// already acts on a child account replaces the account. c is not changed:
// keep it for the MSP's own account.
//
// accountID is sent escaped, whatever it holds. It is refused when empty or
// blank, or when it starts or ends with a space or holds a control
// character: NetBird would ignore such an id, and the calls would act on
// the wrong account.
func (c *Client) ForAccount(accountID string) (*Client, error) {
	if err := checkAccountID(accountID); err != nil {
		return nil, fmt.Errorf("netbird: ForAccount: %w", err)
	}
	cc := *c
	cc.account = accountID
	cc.accountQuery = url.Values{"account": {accountID}}.Encode()
	cc.init(&cc)
	return &cc, nil
}

// ChildAccount is the id of the child account the client acts on (see
// ForAccount), or "" when it acts on its token's own account.
func (c *Client) ChildAccount() string { return c.account }

// checkAccountID refuses an account id NetBird would silently ignore.
func checkAccountID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return errors.New("accountID is empty")
	case strings.TrimSpace(id) != id:
		return fmt.Errorf("accountID %q starts or ends with a space", id)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return fmt.Errorf("accountID %q holds a control character", id)
	}
	return nil
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
