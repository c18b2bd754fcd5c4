package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/internal/spec"
)

// TestFixturesMatchSpec validates what the benchmark server sends against
// NetBird's schemas, so the benchmarks decode realistic, valid answers.
func TestFixturesMatchSpec(t *testing.T) {
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := getFixture()
	var list []any
	if err := json.Unmarshal(f.peers[listSizes[0]], &list); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		schema string
		body   []byte
	}{
		{"Peer", f.peer},
		{"PeerBatch", mustJSON(list[0])},
		{"PeerBatch", mustJSON(list[len(list)-1])},
		{"PersonalAccessTokenGenerated", f.token},
		{"PersonalAccessTokenRequest", mustJSON(f.tokenBody)},
		{"ErrorResponse", f.notFound},
	}
	for _, c := range cases {
		ref := doc.Components.Schemas[c.schema]
		if ref == nil || ref.Value == nil {
			t.Fatalf("the document has no schema %s", c.schema)
		}
		var v any
		if err := json.Unmarshal(c.body, &v); err != nil {
			t.Fatal(err)
		}
		if err := ref.Value.VisitJSON(v, openapi3.EnableFormatValidation(), openapi3.MultiErrors()); err != nil {
			t.Errorf("%s does not match its schema: %v\n%s", c.schema, err, c.body)
		}
	}
	// The sizes the benchmarks name are the sizes served.
	for _, n := range listSizes {
		var ps []api.PeerBatch
		if err := json.Unmarshal(f.peers[n], &ps); err != nil {
			t.Fatal(err)
		}
		if len(ps) != n {
			t.Errorf("list of %d peers has %d", n, len(ps))
		}
	}
}

// TestImplsAgree proves the comparison is fair: every way of calling gets
// the same decoded result from the same bytes.
func TestImplsAgree(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	raw := newRawClient(srv.URL)
	ac := newAPIClient(t, srv.URL)
	nb := newNetbird(t, srv.URL)

	want, err := raw.getPeer(ctx, peerID)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := ac.GetPeerWithResponse(ctx, peerID)
	if err != nil || ar.JSON200 == nil {
		t.Fatalf("api GetPeer: %v", err)
	}
	got, err := nb.Peers.Get(ctx, peerID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, ar.JSON200) || !reflect.DeepEqual(want, got) {
		t.Errorf("GetPeer results differ:\nraw     %+v\napi     %+v\nnetbird %+v", want, ar.JSON200, got)
	}

	wantList, err := raw.listPeers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotList, err := nb.Peers.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(wantList) != listSizes[0] || !reflect.DeepEqual(wantList, gotList) {
		t.Errorf("ListPeers: raw has %d peers, netbird %d, or they differ", len(wantList), len(gotList))
	}

	tok, err := nb.Tokens.Create(ctx, userID, getFixture().tokenBody)
	if err != nil {
		t.Fatal(err)
	}
	rawTok, err := raw.createToken(ctx, userID, getFixture().tokenBody)
	if err != nil {
		t.Fatal(err)
	}
	if tok.PersonalAccessToken != rawTok.PersonalAccessToken || tok.PlainToken.Reveal() != rawTok.PlainToken.Reveal() {
		t.Errorf("CreateToken results differ: %+v vs %+v", tok, rawTok)
	}
}

// TestKeepAliveReusesConnections: under steady load from N workers sharing
// one client, the server sees at most N TCP connections, whatever the
// calls do: small and large answers, a POST with a body. The warm-up gives
// the client exactly N connections; steady load must then open none.
//
// NetBird's official client is left out: it sends through a plain
// http.Client, whose transport keeps 2 idle connections per host, so 8
// workers open and close connections all the time (about 35 for 600
// calls here).
func TestKeepAliveReusesConnections(t *testing.T) {
	for _, name := range implNames {
		if name == "official" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			steadyLoad(t, 8, 25, func(t *testing.T, url string) load {
				im := newImpl(t, url, name)
				return load{getPeer: im.getPeer, round: func(ctx context.Context) error {
					if err := im.getPeer(ctx, peerID); err != nil {
						return err
					}
					if _, err := im.listPeers(ctx); err != nil {
						return err
					}
					return im.createToken(ctx)
				}}
			})
		})
	}
}

// TestKeepAliveAfterErrors: error answers (404 with a JSON body) are read
// and closed so that their connection is reused too.
func TestKeepAliveAfterErrors(t *testing.T) {
	steadyLoad(t, 4, 25, func(t *testing.T, url string) load {
		im := netbirdImpl("netbird", newNetbird(t, url))
		return load{getPeer: im.getPeer, round: func(ctx context.Context) error {
			if err := im.getPeer(ctx, "missing"); !netbird.IsNotFound(err) {
				return fmt.Errorf("GetPeer(missing): %w, want a 404", err)
			}
			return im.getPeer(ctx, peerID)
		}}
	})
}

// load is what steadyLoad runs: getPeer warms the client up, each worker
// runs round again and again.
type load struct {
	getPeer func(ctx context.Context, id string) error
	round   func(ctx context.Context) error
}

// steadyLoad has workers goroutines share one client (from newLoad), warm
// it up and then each run rounds rounds; it fails if the server saw more
// than workers connections.
//
// One exception is retried, up to 3 times: a connection closed during the
// run. net/http drops a connection instead of reusing it when, for
// instance, the confirmation that the request was written comes more than
// 50 ms after the answer was read, which happens when a loaded machine (a
// CI runner under -race) does not schedule its goroutines; the calls
// waiting while it is replaced may then dial a few more. A client that
// does not reuse connections drops them on every run and still fails; one
// that opens connections without dropping any fails at once.
func steadyLoad(t *testing.T, workers, rounds int, newLoad func(t *testing.T, url string) load) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		srv := newServer(t)
		l := newLoad(t, srv.URL)
		srv.warmUp(t, workers, l.getPeer)
		if n := srv.conns.Load(); n != int64(workers) {
			t.Fatalf("warm-up: %d workers opened %d connections, want %d", workers, n, workers)
		}
		closedBefore := srv.closed.Load()
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Go(func() {
				for range rounds {
					if err := l.round(context.Background()); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		n := srv.conns.Load()
		if n <= int64(workers) {
			t.Logf("%d workers, %d rounds each, %d connections", workers, rounds, n)
			return
		}
		// The server may see a client's close a moment after the run.
		deadline := time.Now().Add(time.Second)
		for srv.closed.Load() == closedBefore && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		dropped := srv.closed.Load() - closedBefore
		if dropped == 0 || attempt == 3 {
			t.Fatalf("%d workers opened %d connections (%d closed during the run); keep-alive should reuse them", workers, n, dropped)
		}
		t.Logf("attempt %d: %d connections, %d closed during the run; trying again", attempt, n, dropped)
	}
}
