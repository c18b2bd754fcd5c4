package contract

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
)

// NetBird's token guide, step by step, with each kind of token: who am I,
// list, create (1, 30 and 365 days), use, delete, and the deleted token
// refused.
func TestGuideTokens(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	for _, r := range roles {
		t.Run(string(r), func(t *testing.T) {
			c := s.client(t, r)
			me, err := c.Users.Current(ctx)
			switch {
			case r == service:
				// NetBird's GetCurrentUserInfo refuses service users by design.
				if !netbird.IsForbidden(err) {
					t.Errorf("current user of a service user's token: want 403, got %v, %v", me, err)
				}
			case err != nil:
				t.Fatal(err)
			case me.ID != userOf[r]:
				t.Errorf("current user %s, want %s", me.ID, userOf[r])
			}
			uid := userOf[r]
			before, err := c.Tokens.List(ctx, uid)
			if r == user {
				// A user with the role "user" may not manage tokens, not even
				// its own: NetBird answers 403 to listing and creating.
				_, cerr := c.Tokens.Create(ctx, uid, api.PersonalAccessTokenRequest{Name: "ci", ExpiresIn: 1})
				if !netbird.IsForbidden(err) || !netbird.IsForbidden(cerr) {
					t.Errorf("a user-role token listing and creating its own tokens: want 403, got %v and %v", err, cerr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, days := range []int{1, 30, 365} {
				tok, err := c.Tokens.Create(ctx, uid, api.PersonalAccessTokenRequest{Name: fmt.Sprintf("ci-%d", days), ExpiresIn: days})
				if err != nil {
					t.Fatalf("create a %d-day token: %v", days, err)
				}
				if left := time.Until(tok.PersonalAccessToken.ExpirationDate).Hours() / 24; left < float64(days)-1 || left > float64(days)+1 {
					t.Errorf("%d-day token expires in %.1f days", days, left)
				}
				nc, err := c.WithToken(tok.PlainToken.Reveal())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := nc.Peers.List(ctx, nil); err != nil {
					t.Errorf("the new %d-day token: %v", days, err)
				}
				if err := c.Tokens.Delete(ctx, uid, tok.PersonalAccessToken.ID); err != nil {
					t.Fatal(err)
				}
				_, err = nc.Peers.List(ctx, nil)
				var ae *netbird.APIError
				if !netbird.IsUnauthorized(err) || netbird.IsNotFound(err) || !errors.As(err, &ae) || ae.StatusCode != 404 {
					t.Errorf("the deleted token: want NetBird's 404, unauthorized and not 'not found'; got %v", err)
				} else if strings.Contains(err.Error(), hashPAT(tok.PlainToken.Reveal())) {
					t.Errorf("the error shows the token's hash: %v", err)
				}
			}
			after, err := c.Tokens.List(ctx, uid)
			if err != nil || len(after) != len(before) {
				t.Errorf("tokens after the walk: %d, want %d as before (%v)", len(after), len(before), err)
			}
		})
	}
}

// Rotate and CreateShortLived, for the owner and for a service user (whose
// token NetBird refuses on GET /api/users/current).
func TestGuideRotateAndShortLived(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	for _, r := range []role{owner, service} {
		t.Run(string(r), func(t *testing.T) {
			c := s.client(t, r)
			uid := userOf[r]
			old, err := c.Tokens.Create(ctx, uid, api.PersonalAccessTokenRequest{Name: "old", ExpiresIn: 30})
			if err != nil {
				t.Fatal(err)
			}
			rotated, err := c.Tokens.Rotate(ctx, uid, old.PersonalAccessToken.ID, "new", 90)
			if err != nil {
				t.Fatalf("Rotate: %v", err)
			}
			ids := tokenIDs(t, c, uid)
			if ids[old.PersonalAccessToken.ID] || !ids[rotated.PersonalAccessToken.ID] {
				t.Errorf("after Rotate: tokens %v; want the new %s and not the old %s", ids, rotated.PersonalAccessToken.ID, old.PersonalAccessToken.ID)
			}
			if _, err := c.Tokens.Get(ctx, uid, old.PersonalAccessToken.ID); !netbird.IsNotFound(err) {
				t.Errorf("the old token after Rotate: want 404, got %v", err)
			}

			short, tok, err := c.Tokens.CreateShortLived(ctx, uid, "ci-run", 1)
			if err != nil {
				t.Fatalf("CreateShortLived: %v", err)
			}
			if _, err := short.Peers.List(ctx, nil); err != nil {
				t.Errorf("the short-lived token: %v", err)
			}
			if left := time.Until(tok.PersonalAccessToken.ExpirationDate); left > 25*time.Hour || left < 23*time.Hour {
				t.Errorf("the short-lived token expires in %v, want a day", left)
			}
			for _, id := range []string{rotated.PersonalAccessToken.ID, tok.PersonalAccessToken.ID} {
				if err := c.Tokens.Delete(ctx, uid, id); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// A service user made as the guide says (name, role admin, service user, no
// auto groups), with a 365-day token that works, rotated, then removed.
func TestGuideServiceUser(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	c := s.client(t, owner)
	name := "ci-bot"
	bot, err := c.Users.Create(ctx, api.UserCreateRequest{Name: &name, Role: "admin", AutoGroups: []string{}, IsServiceUser: true})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	bots, err := c.Users.List(ctx, &api.ListUsersParams{ServiceUser: &yes})
	if err != nil || !containsUser(bots, bot.ID) {
		t.Errorf("service users %v (%v): want %s among them", bots, err, bot.ID)
	}
	tok, err := c.Tokens.Create(ctx, bot.ID, api.PersonalAccessTokenRequest{Name: "bot", ExpiresIn: 365})
	if err != nil {
		t.Fatal(err)
	}
	botClient, err := c.WithToken(tok.PlainToken.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := botClient.Groups.List(ctx, nil); err != nil {
		t.Errorf("the bot's token: %v", err)
	}
	if _, err := c.Tokens.Rotate(ctx, bot.ID, tok.PersonalAccessToken.ID, "bot-2", 365); err != nil {
		t.Errorf("Rotate the bot's token: %v", err)
	}
	if err := c.Users.Delete(ctx, bot.ID); err != nil {
		t.Fatal(err)
	}
	if users, err := c.Users.List(ctx, nil); err != nil || containsUser(users, bot.ID) {
		t.Errorf("the bot is still there after delete (%v)", err)
	}
}

// The quickstart against the real server, read-only and with -write, with
// an owner's token and with a service user's token.
func TestQuickstart(t *testing.T) {
	s := startServer(t)
	bin := t.TempDir() + "/quickstart"
	build := exec.Command("go", "build", "-o", bin, "./cmd/netbird-quickstart")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the quickstart: %v\n%s", err, out)
	}
	for _, r := range []role{owner, service} {
		for _, write := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/write=%v", r, write), func(t *testing.T) {
				var args []string
				if write {
					args = append(args, "-write")
				}
				cmd := exec.Command(bin, args...)
				cmd.Dir = t.TempDir() // no .env
				cmd.Env = append(os.Environ(), "NETBIRD_HOST="+s.URL, "NETBIRD_API_TOKEN="+s.tokens[r])
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("quickstart: %v\n%s", err, redact(out, s))
				}
				text := string(out)
				if !strings.Contains(text, "Done.") {
					t.Errorf("no 'Done.':\n%s", redact(out, s))
				}
				if r == service && !strings.Contains(text, "service user's token") {
					t.Errorf("with a service user's token it does not say why it cannot show the user:\n%s", redact(out, s))
				}
				if write && !strings.Contains(text, "old token") {
					t.Errorf("-write did not rotate:\n%s", redact(out, s))
				}
			})
		}
	}
}

// redact keeps the fixture's tokens out of failure messages.
func redact(out []byte, s *realServer) string {
	text := string(out)
	for _, tok := range s.tokens {
		text = strings.ReplaceAll(text, tok, "nbp_[redacted]")
	}
	return text
}

func tokenIDs(t *testing.T, c *netbird.Client, uid string) map[string]bool {
	t.Helper()
	list, err := c.Tokens.List(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, tk := range list {
		ids[tk.ID] = true
	}
	return ids
}

func containsUser(users []api.User, id string) bool {
	for _, u := range users {
		if u.ID == id {
			return true
		}
	}
	return false
}
