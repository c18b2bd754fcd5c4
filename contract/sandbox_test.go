package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
)

// step is what one call of the scenario showed: status, NetBird's message
// for an error, and the shape of the answer (keys and kinds of values, no
// ids, names or times).
type step struct {
	name, status, message, shape string
}

// recorder keeps the body of the last answer.
type recorder struct {
	mu   sync.Mutex
	last []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.last = body
	r.mu.Unlock()
	return resp, nil
}

// shape describes a JSON value without its data.
func shape(v any) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + shape(v[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		if len(v) == 0 {
			return "[]"
		}
		return "[" + shape(v[0]) + "]"
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}

// scenario runs the token guide's core and a few errors against a server
// whose owner token is given, and records each step.
func scenario(t *testing.T, url, ownerTok string) []step {
	t.Helper()
	ctx := context.Background()
	rec := &recorder{}
	newClient := func(tok string) *netbird.Client {
		c, err := netbird.New(auth.Config{Host: url, Token: tok}, netbird.WithTransport(rec), netbird.WithoutRetries())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	owner := newClient(ownerTok)
	var steps []step
	ids := map[string]string{} // ids seen, replaced in messages
	record := func(name string, err error) {
		st := step{name: name, status: "200"}
		var ae *netbird.APIError
		switch {
		case errors.As(err, &ae):
			st.status, st.message = fmt.Sprint(ae.StatusCode), ae.Message
			for id, as := range ids {
				st.message = strings.ReplaceAll(st.message, id, as)
			}
		case err != nil:
			st.status = "error: " + err.Error()
		default:
			var v any
			rec.mu.Lock()
			_ = json.Unmarshal(rec.last, &v)
			rec.mu.Unlock()
			st.shape = shape(v)
		}
		steps = append(steps, st)
	}

	me, err := owner.Users.Current(ctx)
	record("owner: who am I", err)
	if err != nil {
		t.Fatal(err)
	}
	name := "cmp-bot"
	bot, err := owner.Users.Create(ctx, api.UserCreateRequest{Name: &name, Role: "admin", AutoGroups: []string{}, IsServiceUser: true})
	record("create a service user", err)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := owner.Tokens.Create(ctx, bot.ID, api.PersonalAccessTokenRequest{Name: "bot", ExpiresIn: 30})
	record("create its token", err)
	if err != nil {
		t.Fatal(err)
	}
	ids[tok.PersonalAccessToken.ID] = "<token id>"
	botc := newClient(tok.PlainToken.Reveal())
	_, err = botc.Users.Current(ctx)
	record("service user: who am I", err)
	yes := true
	_, err = botc.Users.List(ctx, &api.ListUsersParams{ServiceUser: &yes})
	record("service user: list service users", err)
	for _, unknown := range unknownIDs(owner) {
		record("unknown "+unknown.kind, unknown.get(ctx))
	}
	g, err := owner.Groups.Create(ctx, api.GroupRequest{Name: "cmp-group"})
	record("create a group", err)
	if err == nil {
		_, err = owner.Groups.Get(ctx, g.ID)
		record("get the group", err)
		record("delete the group", owner.Groups.Delete(ctx, g.ID))
	}
	_, err = owner.Tokens.List(ctx, me.ID)
	record("owner: list own tokens", err)
	record("delete the service user's token", owner.Tokens.Delete(ctx, bot.ID, tok.PersonalAccessToken.ID))
	_, err = botc.Peers.List(ctx, nil)
	record("the deleted token", err)
	record("delete the token again", owner.Tokens.Delete(ctx, bot.ID, tok.PersonalAccessToken.ID))
	record("delete the service user", owner.Users.Delete(ctx, bot.ID))
	return steps
}

// The sandbox in realistic mode answers the scenario as NetBird's real
// server does: same statuses, same messages, same shapes.
func TestSandboxAgreesWithTheRealServer(t *testing.T) {
	real := startServer(t)
	sandbox := netbirdtest.NewServer(t, netbirdtest.WithRealistic())
	want := scenario(t, real.URL, real.tokens[owner])
	got := scenario(t, sandbox.URL(), sandbox.Token())
	if len(got) != len(want) {
		t.Fatalf("the sandbox ran %d steps, the real server %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.status != g.status || w.message != g.message {
			t.Errorf("%s: sandbox %s %q, real server %s %q", w.name, g.status, g.message, w.status, w.message)
		}
		if w.shape != g.shape {
			t.Errorf("%s: answer shapes differ\nsandbox:     %s\nreal server: %s", w.name, g.shape, w.shape)
		}
	}
	if v := sandbox.Violations(); len(v) > 0 {
		t.Errorf("the sandbox saw violations: %v", v)
	}
}
