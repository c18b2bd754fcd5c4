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
	"reflect"
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
	for _, mode := range []struct {
		name string
		opts []netbirdtest.Option
	}{{"strict", nil}, {"realistic", []netbirdtest.Option{netbirdtest.WithRealistic()}}} {
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
	for _, realistic := range []bool{false, true} {
		var opts []netbirdtest.Option
		if realistic {
			opts = append(opts, netbirdtest.WithRealistic())
		}
		srv, c := sandbox(t, opts...)
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
