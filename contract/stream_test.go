package contract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/internal/opcall"
	"github.com/netbird-go/netbird/internal/spec"
)

// morePeersSQL adds n peers to the fixture's account: copies of its one
// peer row with an id, WireGuard key, address and name of their own
// (peers cannot be created through the API).
func morePeersSQL(t *testing.T, n int) string {
	t.Helper()
	var row string
	for line := range bytes.Lines(fixture(t)) {
		if bytes.HasPrefix(line, []byte("INSERT INTO peers VALUES('"+peerID+"'")) {
			row = string(line)
		}
	}
	const key, ip, names = "'6kjbmVq1hmucVzvBXo5OucY5OYv+jSsB1jUTLq291Do='", `'"192.168.0.0"'`, "'test','test'"
	if row == "" || strings.Count(row, key) != 1 || strings.Count(row, ip) != 1 || strings.Count(row, names) != 1 {
		t.Fatalf("the fixture's peer row is not as expected: %q", row)
	}
	var b strings.Builder
	for i := range n {
		sum := sha256.Sum256(fmt.Appendf(nil, "stream-peer-%d", i))
		name := fmt.Sprintf("stream-peer-%03d", i)
		r := strings.Replace(row, "'"+peerID+"'", fmt.Sprintf("'c0n7rac7stream%06d'", i), 1)
		r = strings.Replace(r, key, "'"+base64.StdEncoding.EncodeToString(sum[:])+"'", 1)
		r = strings.Replace(r, ip, fmt.Sprintf(`'"100.64.%d.%d"'`, i/250, 1+i%250), 1)
		b.WriteString(strings.Replace(r, names, "'"+name+"','"+name+"'", 1))
	}
	return b.String()
}

// normalized is the elements of a list as JSON, without the field the real
// server changes on every request: the last use of the token that asks.
func normalized(t *testing.T, list any) []string {
	t.Helper()
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	var elems []any
	if err := json.Unmarshal(b, &elems); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		if m, ok := e.(map[string]any); ok {
			delete(m, "last_used")
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	return out
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

// ordered says whether the real server lists o's elements in the same
// order from one request to the next: NetBird lists users in Go's map
// order, different every time, so a stream can only be compared with a
// slice form's answer to another request as a set.
func ordered(t *testing.T, ctx context.Context, c *netbird.Client, o opcall.Op) bool {
	t.Helper()
	var answers [][]string
	for range 3 {
		list, _, err, _, _, cerr := opcall.Stream(ctx, c, o, fixtureIDs)
		if cerr != nil || err != nil {
			t.Fatalf("%s: %v %v", o.ID, cerr, err)
		}
		answers = append(answers, normalized(t, list))
	}
	return slices.Equal(answers[0], answers[1]) && slices.Equal(answers[1], answers[2])
}

// sameError says whether two errors are the same answer: the same status
// and message for *APIErrors (their request ids differ), the same text
// otherwise.
func sameError(a, b error) bool {
	var ae, be *netbird.APIError
	if errors.As(a, &ae) && errors.As(b, &be) {
		return ae.StatusCode == be.StatusCode && ae.Message == be.Message && ae.Path == be.Path
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// The streaming forms against NetBird's real server: for every operation
// that has one, <Method>Seq yields what the slice form returns, element for
// element and in the same order, or the same error. (Where the server
// itself lists in a new order on every request, as NetBird does users, the
// two answers are compared as sets.) The account holds 200 peers added to
// NetBird's fixture, and 60 groups and 40 service users created through
// the API.
func TestStreamingForms(t *testing.T) {
	const peers, groups, users = 200, 60, 40
	s := startServer(t, serverOptions{sql: morePeersSQL(t, peers)})
	c := s.client(t, owner)
	ctx := context.Background()
	for i := range groups {
		if _, err := c.Groups.Create(ctx, api.GroupRequest{Name: fmt.Sprintf("stream-group-%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range users {
		name := fmt.Sprintf("stream-bot-%03d", i)
		if _, err := c.Users.Create(ctx, api.UserCreateRequest{Name: &name, Role: "user", IsServiceUser: true, AutoGroups: []string{}}); err != nil {
			t.Fatal(err)
		}
	}

	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	lengths, failed := map[string]int{}, map[string]string{}
	var asSets []string // operations whose order the server does not keep
	for _, o := range opcall.Operations(doc) {
		list, streamed, listErr, seqErr, ok, err := opcall.Stream(ctx, c, o, fixtureIDs)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		if !sameError(listErr, seqErr) {
			t.Errorf("%s.%sSeq: error %v, the slice form's %v", o.Service, o.GoMethod, seqErr, listErr)
		}
		if listErr != nil {
			failed[o.ID] = fmt.Sprint(listErr)
			continue
		}
		lengths[o.ID] = reflect.ValueOf(streamed).Len()
		want, got := normalized(t, list), normalized(t, streamed)
		if !slices.Equal(want, got) && slices.Equal(sorted(want), sorted(got)) && !ordered(t, ctx, c, o) {
			asSets = append(asSets, o.ID)
		} else if !slices.Equal(want, got) {
			t.Errorf("%s.%sSeq yielded %d elements that differ from the slice form's %d:\n%s\n%s", o.Service, o.GoMethod,
				len(got), len(want), strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	for id, least := range map[string]int{"ListPeers": peers + 1, "ListGroups": groups + 1, "ListUsers": users + 1, "ListSetupKeys": 1, "ListPolicies": 1} {
		if lengths[id] < least {
			t.Errorf("%s streamed %d elements, want at least %d", id, lengths[id], least)
		}
	}
	t.Logf("%d streaming forms agree with their slice forms (%v as sets: the server lists them in a new order each time); elements: %v", len(lengths), asSets, lengths)
	t.Logf("%d fail alike on this server: %v", len(failed), failed)

	// A loop that stops early leaves the client working.
	n := 0
	for p, err := range c.Peers.ListSeq(ctx, nil) {
		if err != nil || p.ID == "" {
			t.Fatalf("peer %d: %+v, %v", n, p, err)
		}
		if n++; n == 3 {
			break
		}
	}
	if _, err := c.Peers.List(ctx, nil); err != nil {
		t.Errorf("after a stream stopped early: %v", err)
	}
}
