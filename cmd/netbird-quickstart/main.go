// Command netbird-quickstart walks through NetBird's API token guide with
// the netbird-go client.
//
// With no NETBIRD_API_TOKEN in the environment (or a .env file) it starts a
// local NetBird sandbox in this process and runs the whole walkthrough
// against it: nothing leaves the machine. With NETBIRD_API_TOKEN set it
// talks to that server (NETBIRD_HOST, default api.netbird.io): read-only
// steps always, steps that create and delete things only with -write, and
// it deletes what it created even when a step fails.
//
//	go run ./cmd/netbird-quickstart          # sandbox, or read-only against your server
//	go run ./cmd/netbird-quickstart -write   # also create, rotate and delete tokens and a service user
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/internal/cmdenv"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("netbird-quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("write", false, "against a real server: also create, rotate and delete a token and a service user (always on in the sandbox)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: netbird-quickstart [-write]\n\n"+
			"Walks through NetBird's API token guide with the netbird-go client.\n"+
			"Without NETBIRD_API_TOKEN (environment or .env) it uses a local sandbox.\n"+
			"With it, it reads from NETBIRD_HOST (default api.netbird.io) and writes only with -write.\n\n")
		fs.PrintDefaults()
	}
	if code, done := cmdenv.ParseFlags(fs, args); done {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	target, err := cmdenv.FromEnvOrSandbox()
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	defer target.Close()
	if target.Sandbox != nil {
		fmt.Fprintf(stdout, "No NETBIRD_API_TOKEN set: using a local NetBird sandbox at %s\n"+
			"(an in-process fake server that checks every request and answer against NetBird's API document; nothing leaves this machine).\n",
			target.Sandbox.BaseURL())
		*write = true
	} else {
		fmt.Fprintf(stdout, "Using your NetBird server (NETBIRD_HOST %s) with the token in NETBIRD_API_TOKEN.\n", target.Config.Host)
	}
	c, err := netbird.New(target.Config)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	w := &walk{ctx: ctx, c: c, out: stdout}
	err = w.run(*write)
	if cerr := w.cleanup(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	fmt.Fprintln(stdout, "\nDone.")
	return 0
}

// walk is the walkthrough; undo holds what to delete at the end, newest first.
type walk struct {
	ctx  context.Context
	c    *netbird.Client
	out  io.Writer
	undo []func(context.Context) error
}

func (w *walk) step(format string, args ...any) {
	fmt.Fprintf(w.out, "\n▸ "+format+"\n", args...)
}

func (w *walk) say(format string, args ...any) {
	fmt.Fprintf(w.out, "  "+format+"\n", args...)
}

func (w *walk) run(write bool) error {
	w.step("Who am I? (GET /api/users/current)")
	me, err := w.c.Users.Current(w.ctx)
	switch {
	case netbird.IsForbidden(err):
		// NetBird refuses this call to every service user, by design: the
		// token is good (a bad one gets 401), but it cannot see itself.
		w.say("NetBird answers 403 here for service users: this is a service user's token.")
		w.say("It cannot look itself up, so the steps about your own tokens are skipped.")
		me = nil
	case err != nil:
		return err
	default:
		w.say("user %s  %s  role %s  service user: %v", me.ID, me.Email, me.Role, me.IsServiceUser != nil && *me.IsServiceUser)
	}

	if me != nil {
		w.step("My tokens (GET /api/users/%s/tokens)", me.ID)
		tokens, err := w.c.Tokens.List(w.ctx, me.ID)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			w.say("%s  %-20s expires %s", t.ID, t.Name, t.ExpirationDate.Format(time.DateOnly))
		}
		if len(tokens) == 0 {
			w.say("(none)")
		}
	}

	if write {
		if me != nil {
			if err := w.tokenLifecycle(me.ID); err != nil {
				return err
			}
		}
		if err := w.serviceUser(); err != nil {
			return err
		}
	} else {
		w.step("Skipping the steps that create and delete things: run with -write to include them.")
	}

	w.step("Peers and groups")
	peers, err := w.c.Peers.List(w.ctx, nil)
	if err != nil {
		return err
	}
	for _, p := range peers {
		w.say("peer  %-20s %-15s connected: %v", p.Name, p.IP, p.Connected)
	}
	groups, err := w.c.Groups.List(w.ctx, nil)
	if netbird.IsForbidden(err) {
		w.say("groups: NetBird refuses them to this token's role (403)")
		return nil
	}
	if err != nil {
		return err
	}
	for _, g := range groups {
		w.say("group %-20s %d peers", g.Name, g.PeersCount)
	}
	return nil
}

// tokenLifecycle creates a 30-day CI token, proves it works, and deletes it.
func (w *walk) tokenLifecycle(userID string) error {
	w.step("Create a 30-day token named ci-token (POST /api/users/%s/tokens)", userID)
	created, err := w.c.Tokens.Create(w.ctx, userID, api.PersonalAccessTokenRequest{Name: "ci-token", ExpiresIn: 30})
	if err != nil {
		return err
	}
	id := created.PersonalAccessToken.ID
	w.undo = append(w.undo, func(ctx context.Context) error { return ignoreNotFound(w.c.Tokens.Delete(ctx, userID, id)) })
	w.say("token %s, shown once by NetBird; printed redacted: %v", id, created.PlainToken)

	w.step("Authenticate with the new token")
	ci, err := w.c.WithToken(created.PlainToken.Reveal())
	if err != nil {
		return err
	}
	me, err := ci.Users.Current(w.ctx)
	if err != nil {
		return err
	}
	w.say("the new token acts as %s", me.ID)

	w.step("Delete ci-token, then see it refused")
	if err := w.c.Tokens.Delete(w.ctx, userID, id); err != nil {
		return err
	}
	if _, err := ci.Users.Current(w.ctx); err == nil {
		return errors.New("the deleted token still works")
	} else {
		w.say("refused as expected: %v", err)
	}
	return nil
}

// serviceUser creates an admin service user with a 365-day token, rotates it,
// and leaves both for cleanup.
func (w *walk) serviceUser() error {
	name := fmt.Sprintf("quickstart-bot-%d", time.Now().Unix())
	w.step("Create service user %s with role admin (POST /api/users)", name)
	bot, err := w.c.Users.Create(w.ctx, api.UserCreateRequest{Name: &name, Role: "admin", AutoGroups: []string{}, IsServiceUser: true})
	if err != nil {
		return err
	}
	w.undo = append(w.undo, func(ctx context.Context) error { return ignoreNotFound(w.c.Users.Delete(ctx, bot.ID)) })
	w.say("service user %s", bot.ID)

	w.step("Give it a 365-day token")
	tok, err := w.c.Tokens.Create(w.ctx, bot.ID, api.PersonalAccessTokenRequest{Name: "bot-token", ExpiresIn: 365})
	if err != nil {
		return err
	}
	w.say("token %s (%v), expires %s", tok.PersonalAccessToken.ID, tok.PlainToken, tok.PersonalAccessToken.ExpirationDate.Format(time.DateOnly))

	w.step("Rotate it: create a new one, prove it works, then delete the old one")
	rotated, err := w.c.Tokens.Rotate(w.ctx, bot.ID, tok.PersonalAccessToken.ID, "bot-token-2", 90)
	if err != nil {
		return err
	}
	w.say("new token %s (%v); old token %s deleted", rotated.PersonalAccessToken.ID, rotated.PlainToken, tok.PersonalAccessToken.ID)
	return nil
}

// cleanup deletes what the walkthrough created, newest first, even after a failure.
func (w *walk) cleanup() error {
	if len(w.undo) == 0 {
		return nil
	}
	// Clean up even after Ctrl-C, but not forever.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(w.ctx), time.Minute)
	defer cancel()
	w.step("Clean up what the walkthrough created")
	var errs []error
	for i := len(w.undo) - 1; i >= 0; i-- {
		if err := w.undo[i](ctx); err != nil {
			errs = append(errs, fmt.Errorf("cleanup: %w", err))
		}
	}
	if len(errs) == 0 {
		w.say("nothing left behind")
	}
	return errors.Join(errs...)
}

func ignoreNotFound(err error) error {
	if netbird.IsNotFound(err) {
		return nil
	}
	return err
}
