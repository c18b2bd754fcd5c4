package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netbirdio/netbird/shared/management/client/rest"
	officialapi "github.com/netbirdio/netbird/shared/management/http/api"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
)

// testPAT is a well-formed PAT (its checksum matches); no server knows it.
const testPAT = "nbp_apTmlmUXHSC4PKmHwtIZNaGr8eqcVI2gMURp"

const (
	peerID = "d0o6kbc6lnnbn6cg5s90"
	userID = "google-oauth2|277474792786460067937"
)

// ---- fixtures --------------------------------------------------------------

// fixtureTime is the clock of the fixtures, so they are the same every run.
var fixtureTime = time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)

var (
	osNames = []struct{ os, kernel string }{
		{"Ubuntu 24.04", "6.8.0-45-generic"},
		{"Debian GNU/Linux 12", "6.1.0-26-amd64"},
		{"Darwin 14.5.0", "23.5.0"},
		{"Windows 10.0.22631", "10.0.22631"},
		{"Alpine Linux 3.20", "6.6.49-0-lts"},
	}
	cities = []struct{ country, city string }{
		{"DE", "Berlin"}, {"DE", "Frankfurt am Main"}, {"NL", "Amsterdam"},
		{"US", "Ashburn"}, {"GB", "London"}, {"FR", "Paris"},
	}
	groupNames = []string{
		"All", "devs", "ops", "servers", "laptops", "databases", "ci-runners",
		"berlin-office", "contractors", "exit-nodes", "k8s-nodes", "monitoring",
	}
)

// xid returns a 20-character id in the xid alphabet NetBird uses.
func xid(r *rand.Rand) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuv"
	var b [20]byte
	b[0] = "cde"[r.IntN(3)]
	for i := 1; i < len(b); i++ {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b[:])
}

// fixtureGroups is a fixed pool of groups that peers belong to.
func fixtureGroups(r *rand.Rand) []api.GroupMinimum {
	issued := api.GroupMinimumIssuedAPI
	gs := make([]api.GroupMinimum, len(groupNames))
	for i, n := range groupNames {
		gs[i] = api.GroupMinimum{ID: xid(r), Name: n, PeersCount: 10 + r.IntN(500), ResourcesCount: r.IntN(8), Issued: &issued}
	}
	return gs
}

// makePeers returns n peers that look like a real account's: hostnames,
// overlay and public addresses, operating systems, groups, times.
func makePeers(n int) []api.PeerBatch {
	r := rand.New(rand.NewPCG(1, uint64(n))) //nolint:gosec // G404: fixtures are meant to be the same every run
	groups := fixtureGroups(r)
	peers := make([]api.PeerBatch, n)
	for i := range peers {
		o := osNames[r.IntN(len(osNames))]
		c := cities[r.IntN(len(cities))]
		name := fmt.Sprintf("host-%05d", i)
		gs := []api.GroupMinimum{groups[0]} // every peer is in All
		for _, j := range r.Perm(len(groups) - 1)[:r.IntN(4)] {
			gs = append(gs, groups[j+1])
		}
		// NetBird writes times with microseconds.
		created := fixtureTime.Add(-time.Duration(r.Int64N(int64(400 * 24 * time.Hour))).Truncate(time.Microsecond))
		seen := fixtureTime.Add(-time.Duration(r.Int64N(int64(time.Hour))).Truncate(time.Microsecond))
		yes, no := true, false
		p := api.PeerBatch{
			ID:                          xid(r),
			Name:                        name,
			Hostname:                    name,
			DNSLabel:                    name + ".netbird.cloud",
			ExtraDNSLabels:              []string{},
			IP:                          fmt.Sprintf("100.%d.%d.%d", 64+r.IntN(64), r.IntN(256), 1+r.IntN(254)),
			ConnectionIP:                fmt.Sprintf("%d.%d.%d.%d", 3+r.IntN(200), r.IntN(256), r.IntN(256), 1+r.IntN(254)),
			Connected:                   r.IntN(4) != 0,
			CreatedAt:                   created,
			LastLogin:                   created.Add(time.Duration(r.IntN(24*3600)) * time.Second),
			LastSeen:                    seen,
			OS:                          o.os,
			KernelVersion:               o.kernel,
			GeonameID:                   2643743 + r.IntN(100000),
			Version:                     "0.36." + strconv.Itoa(r.IntN(8)),
			UIVersion:                   "netbird-desktop-ui/0.36." + strconv.Itoa(r.IntN(8)),
			Groups:                      gs,
			SSHEnabled:                  r.IntN(3) == 0,
			UserID:                      userID,
			LoginExpirationEnabled:      true,
			LoginExpired:                r.IntN(20) == 0,
			InactivityExpirationEnabled: r.IntN(2) == 0,
			ApprovalRequired:            false,
			CountryCode:                 c.country,
			CityName:                    c.city,
			SerialNumber:                strings.ToUpper(xid(r)[:12]),
			Ephemeral:                   r.IntN(10) == 0,
			AccessiblePeersCount:        r.IntN(n + 1),
			LocalFlags: &api.PeerLocalFlags{
				RosenpassEnabled: &no, RosenpassPermissive: &no, ServerSSHAllowed: &yes,
				DisableClientRoutes: &no, DisableServerRoutes: &no, DisableDNS: &no,
				DisableFirewall: &no, BlockLanAccess: &no, BlockInbound: &no, LazyConnectionEnabled: &yes,
			},
		}
		if r.IntN(2) == 0 {
			v6 := fmt.Sprintf("fd00:4e42:ab12::%x", i+1)
			p.IPv6 = &v6
		}
		peers[i] = p
	}
	return peers
}

// fixture holds the fixed answers the server sends, marshalled once.
type fixture struct {
	peer      []byte         // GET /api/peers/{peerId}: one api.Peer
	peers     map[int][]byte // GET /api/peers?... sizes: lists of api.PeerBatch
	token     []byte         // POST /api/users/{userId}/tokens: api.PersonalAccessTokenGenerated
	notFound  []byte         // GET /api/peers/missing
	tokenBody api.PersonalAccessTokenRequest
}

var listSizes = []int{10, 1000, 10000}

var (
	fixtureOnce sync.Once
	fixtures    *fixture
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// getFixture builds the fixtures on first use; the largest list is ~13 MB.
func getFixture() *fixture {
	fixtureOnce.Do(func() {
		f := &fixture{peers: map[int][]byte{}}
		one := makePeers(1)[0]
		f.peer = mustJSON(api.Peer{
			ID: peerID, Name: one.Name, Hostname: one.Hostname, DNSLabel: one.DNSLabel,
			ExtraDNSLabels: one.ExtraDNSLabels, IP: one.IP, IPv6: one.IPv6, ConnectionIP: one.ConnectionIP,
			Connected: one.Connected, CreatedAt: one.CreatedAt, LastLogin: one.LastLogin, LastSeen: one.LastSeen,
			OS: one.OS, KernelVersion: one.KernelVersion, GeonameID: one.GeonameID, Version: one.Version,
			UIVersion: one.UIVersion, Groups: one.Groups, SSHEnabled: one.SSHEnabled, UserID: one.UserID,
			LoginExpirationEnabled: one.LoginExpirationEnabled, LoginExpired: one.LoginExpired,
			InactivityExpirationEnabled: one.InactivityExpirationEnabled, CountryCode: one.CountryCode,
			CityName: one.CityName, SerialNumber: one.SerialNumber, Ephemeral: one.Ephemeral,
			LocalFlags: one.LocalFlags,
		})
		for _, n := range listSizes {
			f.peers[n] = mustJSON(makePeers(n))
		}
		f.token = mustJSON(map[string]any{
			"personal_access_token": map[string]any{
				"id": "ch8i54g6lnn4g9hqv7n0", "name": "ci-token",
				"created_at": fixtureTime, "created_by": userID,
				"expiration_date": fixtureTime.Add(30 * 24 * time.Hour),
			},
			"plain_token": "nbp_F3f0d7rbEHQfS1kHWQrG9YB1vp0SRz2HMy1b",
		})
		f.notFound = mustJSON(map[string]any{"message": "peer not found", "code": 404})
		f.tokenBody = api.PersonalAccessTokenRequest{Name: "ci-token", ExpiresIn: 30}
		fixtures = f
	})
	return fixtures
}

// ---- server ----------------------------------------------------------------

// server is a loopback NetBird stand-in that answers with fixed bytes and
// counts the TCP connections it accepts.
type server struct {
	*httptest.Server
	conns   atomic.Int64            // connections accepted
	closed  atomic.Int64            // connections closed, by either side
	list    atomic.Pointer[[]byte]  // the answer to GET /api/peers
	barrier atomic.Pointer[barrier] // holds GET /api/peers/warm-up
}

// warmUpID is the peer id of warm-up calls: the server holds them until
// all of them have arrived (see warmUp).
const warmUpID = "warm-up"

// barrier releases the requests that wait on it once n have arrived.
type barrier struct {
	n       int64
	arrived atomic.Int64
	all     chan struct{}
}

func (b *barrier) wait() bool {
	if b.arrived.Add(1) == b.n {
		close(b.all)
	}
	select {
	case <-b.all:
		return true
	case <-time.After(10 * time.Second):
		return false
	}
}

// warmUp makes n calls of getPeer(ctx, warmUpID) at once and has the server
// hold each until all n are in flight, so the client ends up with exactly n
// pooled connections. Without it, a burst of first calls can open a few
// more than n: net/http gives a connection freed by one call to another
// call still waiting for its own dial, and that dial's connection then
// joins the pool. Such extra connections are reused afterwards, not
// churned, but they would blur a count meant to show reuse.
func (s *server) warmUp(tb testing.TB, n int, getPeer func(ctx context.Context, id string) error) {
	tb.Helper()
	b := &barrier{n: int64(n), all: make(chan struct{})}
	s.barrier.Store(b)
	defer s.barrier.Store(nil)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if err := getPeer(context.Background(), warmUpID); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatalf("warm-up: %v", err)
	}
}

func newServer(tb testing.TB) *server {
	tb.Helper()
	f := getFixture()
	s := &server{}
	small := f.peers[listSizes[0]]
	s.list.Store(&small)
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var status int
		var body []byte
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/peers":
			status, body = http.StatusOK, *s.list.Load()
		case r.Method == http.MethodGet && r.URL.Path == "/api/peers/"+peerID:
			status, body = http.StatusOK, f.peer
		case r.Method == http.MethodGet && r.URL.Path == "/api/peers/"+warmUpID:
			status, body = http.StatusOK, f.peer
			if b := s.barrier.Load(); b == nil || !b.wait() {
				status, body = http.StatusServiceUnavailable, []byte(`{"message":"warm-up barrier not reached","code":503}`)
			}
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/peers/"):
			status, body = http.StatusNotFound, f.notFound
		case r.Method == http.MethodPost && r.URL.Path == "/api/users/"+userID+"/tokens":
			if _, err := io.Copy(io.Discard, r.Body); err != nil {
				return
			}
			status, body = http.StatusOK, f.token
		default:
			status, body = http.StatusTeapot, []byte(`{"message":"unexpected request","code":418}`)
		}
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.conns.Add(1)
		case http.StateClosed, http.StateHijacked:
			s.closed.Add(1)
		}
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

// serveList makes GET /api/peers answer with the list of n peers.
func (s *server) serveList(n int) {
	b := getFixture().peers[n]
	s.list.Store(&b)
}

// ---- clients ---------------------------------------------------------------

// transport is what the raw and api clients send through: the settings of
// the netbird client's own default transport, so all three pool
// connections alike (http.DefaultTransport keeps only 2 idle connections
// per host, which would make the raw client open new ones under load).
func transport() *http.Transport {
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConns:        100,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
}

// rawClient is what a careful program writes without a client library:
// net/http and encoding/json, decoding into the same api types.
type rawClient struct {
	hc     *http.Client
	base   string // server URL + "/api"
	header string // Authorization value
}

func newRawClient(serverURL string) *rawClient {
	return &rawClient{hc: &http.Client{Transport: transport()}, base: serverURL + "/api", header: "Token " + testPAT}
}

// do sends one request and decodes a 200 answer into out.
func (c *rawClient) do(ctx context.Context, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", c.header)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (c *rawClient) getPeer(ctx context.Context, id string) (*api.Peer, error) {
	var p api.Peer
	if err := c.do(ctx, http.MethodGet, "/peers/"+url.PathEscape(id), nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

func (c *rawClient) listPeers(ctx context.Context) ([]api.PeerBatch, error) {
	var ps []api.PeerBatch
	if err := c.do(ctx, http.MethodGet, "/peers", nil, &ps); err != nil {
		return nil, err
	}
	return ps, nil
}

func (c *rawClient) createToken(ctx context.Context, user string, body api.PersonalAccessTokenRequest) (*api.PersonalAccessTokenGenerated, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var t api.PersonalAccessTokenGenerated
	if err := c.do(ctx, http.MethodPost, "/users/"+url.PathEscape(user)+"/tokens", b, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// newAPIClient is the generated client with an auth editor, as its README
// would have it.
func newAPIClient(tb testing.TB, serverURL string) *api.ClientWithResponses {
	tb.Helper()
	header := "Token " + testPAT
	c, err := api.NewClientWithResponses(serverURL,
		api.WithHTTPClient(&http.Client{Transport: transport()}),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", header)
			return nil
		}))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func newNetbird(tb testing.TB, serverURL string, opts ...netbird.Option) *netbird.Client {
	tb.Helper()
	c, err := netbird.New(auth.Config{Host: serverURL, Token: testPAT}, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// impl is one way of making the benchmarked calls.
type impl struct {
	name        string
	getPeer     func(ctx context.Context, id string) error
	listPeers   func(ctx context.Context) (int, error)
	createToken func(ctx context.Context) error
}

// implNames are the ways to call the server, in the order the benchmarks
// run and report them: raw first, since benchstat compares the others with
// the first column, and netbird next to it, so that the headline pair is
// measured seconds apart.
var implNames = []string{"raw", "netbird", "netbird-noretry", "api", "official"}

// implOrder is implNames rotated by the round that make bench gives each
// process in BENCH_ROUND (1, 2, ...), so that no client always runs first
// or last in its process; round 1, and a run without it, keep raw first.
func implOrder() []string {
	round, _ := strconv.Atoi(os.Getenv("BENCH_ROUND"))
	k := max(round-1, 0) % len(implNames)
	return append(slices.Clone(implNames[k:]), implNames[:k]...)
}

// newImpl returns the named way to call the server at serverURL, with a
// client of its own.
func newImpl(tb testing.TB, serverURL, name string) impl {
	tb.Helper()
	body := getFixture().tokenBody
	switch name {
	case "raw":
		raw := newRawClient(serverURL)
		return impl{
			name:    name,
			getPeer: func(ctx context.Context, id string) error { _, err := raw.getPeer(ctx, id); return err },
			listPeers: func(ctx context.Context) (int, error) {
				ps, err := raw.listPeers(ctx)
				return len(ps), err
			},
			createToken: func(ctx context.Context) error { _, err := raw.createToken(ctx, userID, body); return err },
		}
	case "api":
		ac := newAPIClient(tb, serverURL)
		return impl{
			name: name,
			getPeer: func(ctx context.Context, id string) error {
				r, err := ac.GetPeerWithResponse(ctx, id)
				if err == nil && r.JSON200 == nil {
					err = fmt.Errorf("GetPeer: %s", r.Status())
				}
				return err
			},
			listPeers: func(ctx context.Context) (int, error) {
				r, err := ac.ListPeersWithResponse(ctx, nil)
				if err != nil {
					return 0, err
				}
				if r.JSON200 == nil {
					return 0, fmt.Errorf("ListPeers: %s", r.Status())
				}
				return len(*r.JSON200), nil
			},
			createToken: func(ctx context.Context) error {
				r, err := ac.CreateTokenWithResponse(ctx, userID, body)
				if err == nil && r.JSON200 == nil {
					err = fmt.Errorf("CreateToken: %s", r.Status())
				}
				return err
			},
		}
	case "official":
		oc := rest.New(serverURL, testPAT)
		return impl{
			name:    name,
			getPeer: func(ctx context.Context, id string) error { _, err := oc.Peers.Get(ctx, id); return err },
			listPeers: func(ctx context.Context) (int, error) {
				ps, err := oc.Peers.List(ctx)
				return len(ps), err
			},
			createToken: func(ctx context.Context) error {
				_, err := oc.Tokens.Create(ctx, userID, officialapi.PersonalAccessTokenRequest{Name: body.Name, ExpiresIn: body.ExpiresIn})
				return err
			},
		}
	case "netbird":
		return netbirdImpl(name, newNetbird(tb, serverURL))
	case "netbird-noretry":
		return netbirdImpl(name, newNetbird(tb, serverURL, netbird.WithoutRetries()))
	}
	tb.Fatalf("unknown impl %q", name)
	return impl{}
}

func netbirdImpl(name string, c *netbird.Client) impl {
	body := getFixture().tokenBody
	return impl{
		name:    name,
		getPeer: func(ctx context.Context, id string) error { _, err := c.Peers.Get(ctx, id); return err },
		listPeers: func(ctx context.Context) (int, error) {
			ps, err := c.Peers.List(ctx, nil)
			return len(ps), err
		},
		createToken: func(ctx context.Context) error { _, err := c.Tokens.Create(ctx, userID, body); return err },
	}
}

// ---- peak heap -------------------------------------------------------------

// heapObjects is live plus not yet swept heap objects: the heap the
// process holds, which is what a peak is about.
const heapObjects = "/memory/classes/heap/objects:bytes"

// peakHeap runs fn once and returns the most heap it used at any moment:
// after a forced GC it samples heapObjects every 100µs while fn runs and
// subtracts the value before fn. runtime/metrics reads do not stop the
// world, so sampling barely slows fn; a peak shorter than the interval
// can be missed, which for calls of several milliseconds is noise.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	base := s[0].Value.Uint64()
	stop := make(chan struct{})
	done := make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: heapObjects}}
		peak := base
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	return <-done - base
}
