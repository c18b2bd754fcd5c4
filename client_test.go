package netbird_test

// The contract suite: the public API of the client against netbirdtest,
// which validates every request and every answer against NetBird's
// document. Any contract violation fails the test that caused it.

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/internal/opcall"
	"github.com/netbird-go/netbird/internal/spec"
	"github.com/netbird-go/netbird/netbirdtest"
)

func operations(t *testing.T) []opcall.Op {
	t.Helper()
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	return opcall.Operations(doc)
}

// call invokes one operation through its service method, with path
// parameters from the sandbox's objects.
func call(t *testing.T, srv *netbirdtest.Server, c *netbird.Client, o opcall.Op) error {
	t.Helper()
	callErr, err := opcall.Call(context.Background(), c, o, srv.SampleIDs())
	if err != nil {
		t.Fatal(err)
	}
	return callErr
}

// Every operation of the document, called through the client against the
// sandbox, in strict and in realistic mode: no contract violation, and a
// coverage check that fails when an operation was never called.
func TestContractEveryOperation(t *testing.T) {
	ops := operations(t)
	for _, mode := range sandboxModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			called := map[string]int{}
			t.Run("ops", func(t *testing.T) {
				for _, o := range ops {
					t.Run(o.ID, func(t *testing.T) {
						t.Parallel()
						srv, c := sandbox(t, mode.opts...)
						err := call(t, srv, c, o)
						// A self-hosted NetBird has no network traffic events.
						if mode.name == "realistic" && o.ID == "ListNetworkTrafficEvents" {
							if !netbird.IsNotFound(err) {
								t.Errorf("want 404 as from a self-hosted server, got %v", err)
							}
						} else if err != nil {
							t.Errorf("%s.%s: %v", o.Service, o.GoMethod, err)
						}
						mu.Lock()
						defer mu.Unlock()
						for id, n := range srv.Calls() {
							called[id] += n
						}
					})
				}
			})
			all, err := netbirdtest.Operations()
			if err != nil {
				t.Fatal(err)
			}
			var missing []string
			for _, id := range all {
				if called[id] == 0 {
					missing = append(missing, id)
				}
			}
			if len(missing) > 0 || len(all) != len(ops) {
				t.Errorf("coverage: %d/%d operations exercised; not called: %v", len(all)-len(missing), len(all), missing)
			}
			t.Logf("coverage: %d/%d operations exercised (%s mode)", len(all)-len(missing), len(all), mode.name)
		})
	}
}

// NetBird's token guide, end to end: list, create a 30-day ci-token, use
// it, delete it, see it refused; create an admin service user and give it
// a 365-day token.
func TestContractTokenGuide(t *testing.T) {
	for _, mode := range sandboxModes {
		realistic := mode.name == "realistic"
		srv, c := sandbox(t, mode.opts...)
		ctx := context.Background()
		me, err := c.Users.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		before, err := c.Tokens.List(ctx, me.ID)
		if err != nil {
			t.Fatal(err)
		}
		created, err := c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: "ci-token", ExpiresIn: 30})
		if err != nil {
			t.Fatal(err)
		}
		if err := auth.ValidPAT(created.PlainToken.Reveal()); err != nil {
			t.Errorf("created token is not a well-formed PAT: %v", err)
		}
		if days := time.Until(created.PersonalAccessToken.ExpirationDate).Hours() / 24; days < 29 || days > 31 {
			t.Errorf("ci-token expires in %.1f days, want 30", days)
		}
		after, err := c.Tokens.List(ctx, me.ID)
		if err != nil || len(after) != len(before)+1 {
			t.Errorf("list after create: %d tokens (before %d), %v", len(after), len(before), err)
		}

		ci, err := c.WithToken(created.PlainToken.Reveal())
		if err != nil {
			t.Fatal(err)
		}
		if who, err := ci.Users.Current(ctx); err != nil || who.ID != me.ID {
			t.Fatalf("the new token: %v, %v", who, err)
		}
		if err := c.Tokens.Delete(ctx, me.ID, created.PersonalAccessToken.ID); err != nil {
			t.Fatal(err)
		}
		_, err = ci.Users.Current(ctx)
		// Strict mode answers 401; a real server (realistic mode) 404
		// "invalid token: pat: <hash> not found". Both are unauthorized, and
		// neither is "not found": the user's code must see a dead token.
		var ae *netbird.APIError
		if !netbird.IsUnauthorized(err) || netbird.IsNotFound(err) || !errors.As(err, &ae) {
			t.Errorf("deleted token (realistic=%v): want it unauthorized, got %v", realistic, err)
		} else if want := map[bool]int{false: 401, true: 404}[realistic]; ae.StatusCode != want {
			t.Errorf("deleted token (realistic=%v): status %d, want %d as sent", realistic, ae.StatusCode, want)
		}
		if hash := sha256.Sum256([]byte(created.PlainToken.Reveal())); strings.Contains(fmt.Sprint(err), base64.StdEncoding.EncodeToString(hash[:])) {
			t.Errorf("the error shows the token's hash: %v", err)
		}

		name := "ci-bot"
		bot, err := c.Users.Create(ctx, api.UserCreateRequest{Name: &name, Role: "admin", AutoGroups: []string{}, IsServiceUser: true})
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		bots, err := c.Users.List(ctx, &api.ListUsersParams{ServiceUser: &yes})
		if err != nil || len(bots) != 1 || bots[0].ID != bot.ID {
			t.Errorf("service users: %+v, %v", bots, err)
		}
		botTok, err := c.Tokens.Create(ctx, bot.ID, api.PersonalAccessTokenRequest{Name: "bot", ExpiresIn: 365})
		if err != nil {
			t.Fatal(err)
		}
		botClient, err := c.WithToken(botTok.PlainToken.Reveal())
		if err != nil {
			t.Fatal(err)
		}
		// NetBird refuses "who am I?" to every service user; the token
		// still works, and the user list marks the bot as the caller.
		if _, err := botClient.Users.Current(ctx); !netbird.IsForbidden(err) {
			t.Errorf("the bot asking who it is: want 403 as from NetBird, got %v", err)
		}
		if seen, err := botClient.Users.List(ctx, &api.ListUsersParams{ServiceUser: &yes}); err != nil || len(seen) != 1 || seen[0].ID != bot.ID || seen[0].IsCurrent == nil || !*seen[0].IsCurrent {
			t.Errorf("the bot's token acts as %+v, %v", seen, err)
		}
		if v := srv.Violations(); len(v) != 0 {
			t.Errorf("violations: %v", v)
		}
	}
}

// Rotate never leaves the user without a working token.
func TestContractRotate(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*netbirdtest.Server, *netbird.Client, string, string) {
		srv, c := sandbox(t)
		me, err := c.Users.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		old, err := c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: "old", ExpiresIn: 30})
		if err != nil {
			t.Fatal(err)
		}
		return srv, c, me.ID, old.PersonalAccessToken.ID
	}
	tokenIDs := func(t *testing.T, c *netbird.Client, userID string) map[string]bool {
		list, err := c.Tokens.List(ctx, userID)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, tk := range list {
			ids[tk.ID] = true
		}
		return ids
	}

	t.Run("success", func(t *testing.T) {
		_, c, userID, oldID := setup(t)
		got, err := c.Tokens.Rotate(ctx, userID, oldID, "new", 30)
		if err != nil {
			t.Fatal(err)
		}
		ids := tokenIDs(t, c, userID)
		if ids[oldID] || !ids[got.PersonalAccessToken.ID] {
			t.Errorf("after rotation: %v (old %s, new %s)", ids, oldID, got.PersonalAccessToken.ID)
		}
	})
	t.Run("create fails", func(t *testing.T) {
		srv, c, userID, oldID := setup(t)
		before := tokenIDs(t, c, userID)
		srv.InjectFault("CreateToken", netbirdtest.Fault{Status: 500, Message: "boom", Times: 1})
		_, err := c.Tokens.Rotate(ctx, userID, oldID, "new", 30)
		var re *netbird.RotationError
		if !errors.As(err, &re) || re.Step != "create" || re.NewTokenID != "" {
			t.Fatalf("want a create RotationError, got %v", err)
		}
		if after := tokenIDs(t, c, userID); !reflect.DeepEqual(before, after) {
			t.Errorf("tokens changed: %v → %v", before, after)
		}
	})
	t.Run("verify fails", func(t *testing.T) {
		srv, c, userID, oldID := setup(t)
		before := tokenIDs(t, c, userID)
		srv.InjectFault("GetCurrentUser", netbirdtest.Fault{Status: 500, Message: "boom", Times: 1})
		_, err := c.Tokens.Rotate(ctx, userID, oldID, "new", 30)
		var re *netbird.RotationError
		if !errors.As(err, &re) || re.Step != "verify" {
			t.Fatalf("want a verify RotationError, got %v", err)
		}
		if after := tokenIDs(t, c, userID); !reflect.DeepEqual(before, after) {
			t.Errorf("the unverified token was left behind, or the old one removed: %v → %v", before, after)
		}
	})
	t.Run("403 on the current user proves the token", func(t *testing.T) {
		// NetBird answers 403 to GET /api/users/current for service users.
		srv, c, userID, oldID := setup(t)
		srv.InjectFault("GetCurrentUser", netbirdtest.Fault{Status: 403, Message: "permission denied", Times: 1})
		got, err := c.Tokens.Rotate(ctx, userID, oldID, "new", 30)
		if err != nil {
			t.Fatal(err)
		}
		if ids := tokenIDs(t, c, userID); ids[oldID] || !ids[got.PersonalAccessToken.ID] {
			t.Errorf("after rotation: %v (old %s, new %s)", ids, oldID, got.PersonalAccessToken.ID)
		}
	})
	t.Run("401 on the current user does not", func(t *testing.T) {
		srv, c, userID, oldID := setup(t)
		srv.InjectFault("GetCurrentUser", netbirdtest.Fault{Status: 401, Message: "token invalid", Times: 1})
		_, err := c.Tokens.Rotate(ctx, userID, oldID, "new", 30)
		var re *netbird.RotationError
		if !errors.As(err, &re) || re.Step != "verify" || !netbird.IsUnauthorized(err) {
			t.Fatalf("want a verify RotationError, got %v", err)
		}
		if ids := tokenIDs(t, c, userID); !ids[oldID] || len(ids) != 2 {
			t.Errorf("want only the old token and the setup's: %v", ids)
		}
	})
	t.Run("delete old fails", func(t *testing.T) {
		srv, c, userID, oldID := setup(t)
		srv.InjectFault("DeleteToken", netbirdtest.Fault{Status: 500, Message: "boom", Times: 1})
		got, err := c.Tokens.Rotate(ctx, userID, oldID, "new", 30)
		var re *netbird.RotationError
		if !errors.As(err, &re) || re.Step != "delete old token" || got == nil || re.NewTokenID != got.PersonalAccessToken.ID {
			t.Fatalf("want the new token and a delete RotationError, got %v, %v", got, err)
		}
		if ids := tokenIDs(t, c, userID); !ids[oldID] || !ids[got.PersonalAccessToken.ID] {
			t.Errorf("both tokens should be valid: %v", ids)
		}
	})
}

// Each error status NetBird uses, over the wire, becomes an *APIError with
// NetBird's message and the request id.
func TestContractErrorStatuses(t *testing.T) {
	srv, c := sandbox(t, netbirdtest.WithRealistic())
	c2, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()}, netbird.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	peerID := srv.SampleIDs()["peerId"]
	for _, status := range []int{400, 401, 403, 404, 409, 412, 422, 429, 500, 502, 503, 504} {
		srv.InjectFault("GetPeer", netbirdtest.Fault{Status: status, Message: "injected", Times: 1})
		_, err := c2.Peers.Get(ctx, peerID)
		var ae *netbird.APIError
		if !errors.As(err, &ae) || ae.StatusCode != status || ae.Message != "injected" || ae.RequestID == "" || ae.Op != "GetPeer" {
			t.Errorf("status %d: got %v", status, err)
		}
	}
	// Not injected: a real 404 from the sandbox's state.
	if _, err := c.Groups.Get(ctx, "no-such-group"); !netbird.IsNotFound(err) {
		t.Errorf("unknown group: %v", err)
	}
	// 503 twice, then success: the retry layer hides it.
	srv.InjectFault("ListPeers", netbirdtest.Fault{Status: 503, Message: "busy", Times: 2})
	if _, err := c.Peers.List(ctx, nil); err != nil {
		t.Errorf("503 twice then success: %v", err)
	}
	// A proxy's HTML 502 page still yields an APIError.
	srv.InjectFault("ListGroups", netbirdtest.Fault{Status: 502, HTML: true})
	_, err = c2.Groups.List(ctx, nil)
	var ae *netbird.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || strings.Contains(ae.Message, "<") {
		t.Errorf("HTML 502: %v", err)
	}
}

// NetBird's per-token rate limiter answers 429; the client's retries wait
// it out, and its own limiter avoids it.
func TestContractRateLimit(t *testing.T) {
	ctx := context.Background()
	// 1 request a second with a burst of 2: ten quick requests must meet 429s.
	slow, _ := sandbox(t, netbirdtest.WithRateLimit(60, 2))
	noRetry, err := netbird.New(auth.Config{Host: slow.URL(), Token: slow.Token()}, netbird.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	limited := 0
	for range 10 {
		if _, err := noRetry.Peers.List(ctx, nil); netbird.IsRateLimited(err) {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("10 quick requests at 1/s with burst 2 were never rate limited")
	}
	// 100 a second with a burst of 1, and the client's own limiter at 20 a
	// second: the client can only be slower than the server allows, never
	// faster, so no request meets a 429 however loaded the machine is.
	fast, _ := sandbox(t, netbirdtest.WithRateLimit(6000, 1))
	paced, err := netbird.New(auth.Config{Host: fast.URL(), Token: fast.Token()}, netbird.WithoutRetries(), netbird.WithRateLimit(20, 1))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := paced.Peers.List(ctx, nil); err != nil {
			t.Fatalf("request %d with the client's limiter below the server's rate: %v", i, err)
		}
	}
}

// servedAccount is the account GET /api/accounts answers with for c.
func servedAccount(t *testing.T, c *netbird.Client) string {
	t.Helper()
	accs, err := c.Accounts.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(accs) != 1 {
		t.Fatalf("%d accounts, want 1", len(accs))
	}
	return accs[0].ID
}

// groupNames lists the names of the groups c sees.
func groupNames(t *testing.T, c *netbird.Client) []string {
	t.Helper()
	gs, err := c.Groups.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	slices.Sort(out)
	return out
}

// An MSP's client acting on a child account (ForAccount), against the
// sandbox's parent and child accounts: reads show the child's objects and
// writes land there, through plain calls, iterators, WithToken in either
// order and Rotate; the parent client is unchanged.
func TestContractForAccount(t *testing.T) {
	for _, mode := range sandboxModes {
		realistic := mode.name == "realistic"
		srv, c := sandbox(t, mode.opts...)
		ctx := context.Background()
		acme := srv.AddChildAccount("Acme")
		child, err := c.ForAccount(acme.ID)
		if err != nil {
			t.Fatal(err)
		}
		if child.ChildAccount() != acme.ID || c.ChildAccount() != "" {
			t.Errorf("ChildAccount: %q and the parent's %q", child.ChildAccount(), c.ChildAccount())
		}

		// Reads.
		if got := servedAccount(t, child); got != acme.ID {
			t.Errorf("the child client is served %s, want %s", got, acme.ID)
		}
		if got := servedAccount(t, c); got != srv.AccountID() {
			t.Errorf("the parent client is served %s, want %s", got, srv.AccountID())
		}
		peers, err := child.Peers.List(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(peers) != 2 || !strings.HasPrefix(peers[0].Name, "acme-") || !strings.HasPrefix(peers[1].Name, "acme-") {
			t.Errorf("the child's peers: %+v", peers)
		}
		name := "acme-laptop"
		if found, err := child.Peers.List(ctx, &api.ListPeersParams{Name: &name}); err != nil || len(found) != 1 {
			t.Errorf("the child's peers named %s: %v, %v", name, found, err)
		}

		// Writes.
		g, err := child.Groups.Create(ctx, api.GroupRequest{Name: "acme-ops"})
		if err != nil {
			t.Fatal(err)
		}
		if got := groupNames(t, child); !slices.Equal(got, []string{"All", "acme-ops"}) {
			t.Errorf("the child's groups: %v", got)
		}
		if got := groupNames(t, c); slices.Contains(got, "acme-ops") {
			t.Errorf("the parent sees the child's group: %v", got)
		}
		if _, err := c.Groups.Get(ctx, g.ID); !netbird.IsNotFound(err) {
			t.Errorf("the child's group through the parent client: %v, want a 404", err)
		}

		// Iterators: every page is asked for the child account.
		if !realistic { // a self-hosted NetBird has no network traffic events
			n := 0
			for _, err := range child.Events.ListNetworkTrafficAll(ctx, &api.ListNetworkTrafficEventsParams{PageSize: ptr(10)}) {
				if err != nil {
					t.Fatal(err)
				}
				n++
			}
			pages := 0
			for _, r := range srv.Requests() {
				if r.OperationID == "ListNetworkTrafficEvents" {
					pages++
					if q, _ := url.ParseQuery(r.Query); q.Get("account") != acme.ID {
						t.Errorf("page request %q lacks the account", r.Query)
					}
				}
			}
			if n == 0 || pages < 2 {
				t.Errorf("the iterator yielded %d events from %d pages", n, pages)
			}
		}

		// A service user of the child account, made through the child client,
		// and its token: the token's own account is the child.
		bot, err := child.Users.Create(ctx, api.UserCreateRequest{Name: ptr("acme-ci"), Role: "admin", IsServiceUser: true, AutoGroups: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := child.Tokens.Create(ctx, bot.ID, api.PersonalAccessTokenRequest{Name: "ci", ExpiresIn: 30})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Tokens.List(ctx, bot.ID); !netbird.IsNotFound(err) {
			t.Errorf("the child's service user through the parent client: %v, want a 404", err)
		}

		// WithToken keeps the account, in either order: here with an admin
		// service user of the parent account, who may manage the child.
		pbot, err := c.Users.Create(ctx, api.UserCreateRequest{Name: ptr("msp-ci"), Role: "admin", IsServiceUser: true, AutoGroups: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		ptok, err := c.Tokens.Create(ctx, pbot.ID, api.PersonalAccessTokenRequest{Name: "msp", ExpiresIn: 30})
		if err != nil {
			t.Fatal(err)
		}
		childThenToken, err := child.WithToken(ptok.PlainToken.Reveal())
		if err != nil {
			t.Fatal(err)
		}
		tokenThenChild, err := c.WithToken(ptok.PlainToken.Reveal())
		if err != nil {
			t.Fatal(err)
		}
		if tokenThenChild, err = tokenThenChild.ForAccount(acme.ID); err != nil {
			t.Fatal(err)
		}
		for name, cl := range map[string]*netbird.Client{"ForAccount then WithToken": childThenToken, "WithToken then ForAccount": tokenThenChild} {
			if got := servedAccount(t, cl); got != acme.ID {
				t.Errorf("%s: served %s, want %s", name, got, acme.ID)
			}
			if got := groupNames(t, cl); !slices.Equal(got, []string{"All", "acme-ops"}) {
				t.Errorf("%s: groups %v", name, got)
			}
		}

		// Rotate the child's service user's token through the child client:
		// create, verify (with the new token, still for the child) and delete
		// all act on the child account.
		before := len(srv.Requests())
		rotated, err := child.Tokens.Rotate(ctx, bot.ID, tok.PersonalAccessToken.ID, "ci-rotated", 30)
		if err != nil {
			t.Fatal(err)
		}
		list, err := child.Tokens.List(ctx, bot.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != rotated.PersonalAccessToken.ID {
			t.Errorf("the child's service user's tokens after Rotate: %+v", list)
		}
		for _, r := range srv.Requests()[before:] {
			if q, _ := url.ParseQuery(r.Query); q.Get("account") != acme.ID {
				t.Errorf("%s %s?%s: no account", r.Method, r.Path, r.Query)
			}
		}
		bc, err := netbird.New(auth.Config{Host: srv.URL(), Token: rotated.PlainToken.Reveal()})
		if err != nil {
			t.Fatal(err)
		}
		if got := servedAccount(t, bc); got != acme.ID {
			t.Errorf("the rotated token, without ForAccount, is served %s, want %s", got, acme.ID)
		}
	}
}

// A user who may not manage the account it names is served its own
// account, without an error, as by NetBird: the child's own owner naming
// its parent or a sibling.
func TestContractForAccountIgnored(t *testing.T) {
	srv := netbirdtest.NewServer(t)
	acme := srv.AddChildAccount("Acme")
	globex := srv.AddChildAccount("Globex")
	owner, err := netbird.New(auth.Config{Host: srv.URL(), Token: acme.Token}, fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	own := groupNames(t, owner)
	for _, id := range []string{srv.AccountID(), globex.ID, "d1cazzzzzzzzzzzzzzzz"} {
		cl, err := owner.ForAccount(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := servedAccount(t, cl); got != acme.ID {
			t.Errorf("account=%s: served %s, want the user's own %s", id, got, acme.ID)
		}
		if got := groupNames(t, cl); !slices.Equal(got, own) {
			t.Errorf("account=%s: groups %v, want the user's own %v", id, got, own)
		}
	}
}

// A client acting on a child account says so when printed; the account id
// is not a secret, the token still never shows.
func TestForAccountString(t *testing.T) {
	c, err := netbird.New(auth.Config{Host: "api.netbird.io", Token: testPAT})
	if err != nil {
		t.Fatal(err)
	}
	child, err := c.ForAccount("d1ca0000000000000002")
	if err != nil {
		t.Fatal(err)
	}
	const want = `netbird.Client{https://api.netbird.io/api account="d1ca0000000000000002"}`
	for _, got := range []string{child.String(), fmt.Sprint(child), fmt.Sprintf("%+v", *child), fmt.Sprintf("%#v", child)} {
		if got != want {
			t.Errorf("printed %s, want %s", got, want)
		}
	}
	if got := c.String(); got != "netbird.Client{https://api.netbird.io/api}" {
		t.Errorf("the parent printed %s", got)
	}
}
