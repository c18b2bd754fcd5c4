package contract

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netbirdio/netbird/management/server/http/middleware"
	"github.com/netbirdio/netbird/management/server/http/testing/testing_tools/channel"
	nbutil "github.com/netbirdio/netbird/shared/management/http/util"
	nbstatus "github.com/netbirdio/netbird/shared/management/status"
	log "github.com/sirupsen/logrus"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/auth"
)

// The account of NetBird's fixture (management/server/testdata/store.sql).
const (
	accountID   = "bf1c8084-ba50-4ce7-9439-34653001fc3b"
	ownerID     = "a23efe53-63fb-11ec-90d6-0242ac120003"
	adminID     = "edafee4e-63fb-11ec-90d6-0242ac120003"
	userID      = "f4f6d672-63fb-11ec-90d6-0242ac120003"
	peerID      = "ct286bi7qv930dsrrug0"
	allGroupID  = "cs1tnh0hhcjnqoiuebeg"
	ownerToken  = "nbp_apTmlmUXHSC4PKmHwtIZNaGr8eqcVI2gMURp"
	botID       = "c0n7rac7-b075-4e11-8000-000000000001" // our service user
	botUserName = "contract-bot"
)

// role is one kind of token the suite uses.
type role string

const (
	owner   role = "owner"
	admin   role = "admin"
	user    role = "user"
	service role = "service" // a service user with the admin role
)

var roles = []role{owner, admin, user, service}

// userOf is the user each token belongs to.
var userOf = map[role]string{owner: ownerID, admin: adminID, user: userID, service: botID}

// realServer is NetBird's management API on loopback, with a PAT for each role.
type realServer struct {
	URL     string
	tokens  map[role]string
	expired string // the admin's, expired a year ago
}

// serverOptions put NetBird's own per-token rate limiter in front of the
// handler (when rpm is set), build the handler with an
// IsValidChildAccountFunc (msp_test.go), and add rows to the store.
type serverOptions struct {
	rpm   float64
	burst int
	// childAccounts decides whether a user may act on the account named by
	// ?account=; NetBird's harness passes none (see buildHandler).
	childAccounts middleware.IsValidChildAccountFunc
	sql           string // SQL statements run after the fixture's
}

func TestMain(m *testing.M) {
	// NetBird's handler logs every request and error through logrus.
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// startServer starts NetBird's real management API, seeded from NetBird's
// fixture plus a service user and a PAT for the admin, the user and the
// service user.
func startServer(t *testing.T, opts ...serverOptions) *realServer {
	t.Helper()
	s := &realServer{tokens: map[role]string{owner: ownerToken}}
	var extra strings.Builder
	fmt.Fprintf(&extra, "\nINSERT INTO users VALUES('%s','%s','admin',1,0,'%s','[]',0,NULL,'2024-10-02 16:03:06.779156+02:00','api',0,'');\n", botID, accountID, botUserName)
	for i, r := range []role{admin, user, service} {
		tok := auth.GeneratePAT()
		s.tokens[r] = tok
		fmt.Fprintf(&extra, "INSERT INTO personal_access_tokens VALUES('c0n7rac7-pat-%d','%s','contract-%s','%s','5023-02-27 00:00:00+00:00','%s','2024-01-01 00:00:00+00:00',NULL);\n",
			i, userOf[r], r, hashPAT(tok), userOf[r])
	}
	s.expired = auth.GeneratePAT()
	fmt.Fprintf(&extra, "INSERT INTO personal_access_tokens VALUES('c0n7rac7-pat-expired','%s','contract-expired','%s','%s','%s','2024-01-01 00:00:00+00:00',NULL);\n",
		adminID, hashPAT(s.expired), time.Now().AddDate(-1, 0, 0).UTC().Format("2006-01-02 15:04:05+00:00"), adminID)
	for _, o := range opts {
		extra.WriteString(o.sql)
	}
	sql := filepath.Join(t.TempDir(), "store.sql")
	if err := os.WriteFile(sql, append(fixture(t), extra.String()...), 0o600); err != nil {
		t.Fatal(err)
	}
	var o serverOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	var h http.Handler
	if o.childAccounts != nil {
		h = buildHandler(t, sql, o.childAccounts)
	} else {
		h, _, _ = channel.BuildApiBlackBoxWithDBState(t, sql, nil, false)
	}
	if o.rpm > 0 {
		h = rateLimited(t, h, o)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// client is a client of s with role's token and the default options.
func (s *realServer) client(t *testing.T, r role, opts ...netbird.Option) *netbird.Client {
	t.Helper()
	c, err := netbird.New(auth.Config{Host: s.URL, Token: s.tokens[r]}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	fixtureOnce sync.Once
	fixtureSQL  []byte
	fixtureErr  error
)

// fixture is NetBird's own store.sql, from the NetBird module this module requires.
func fixture(t *testing.T) []byte {
	t.Helper()
	fixtureOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/netbirdio/netbird").Output()
		if err != nil {
			fixtureErr = fmt.Errorf("locating the NetBird module: %w", err)
			return
		}
		fixtureSQL, fixtureErr = os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "management", "server", "testdata", "store.sql"))
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureSQL
}

// hashPAT is how NetBird stores a PAT: base64 of its SHA-256.
func hashPAT(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// rateLimited puts NetBird's APIRateLimiter in front of h, keyed and
// answered the way NetBird's auth middleware does: one bucket per PAT,
// User-Agents containing "terraform" exempt, 429 "too many requests".
// (NetBird's test harness builds its handler without a limiter.)
func rateLimited(t *testing.T, h http.Handler, o serverOptions) http.Handler {
	rl := middleware.NewAPIRateLimiter(&middleware.RateLimiterConfig{
		RequestsPerMinute: o.rpm, Burst: o.burst, CleanupInterval: time.Hour, LimiterTTL: time.Hour,
	})
	t.Cleanup(rl.Stop)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if tok != "" && !strings.Contains(strings.ToLower(r.UserAgent()), "terraform") && !rl.Allow(tok) {
			nbutil.WriteError(r.Context(), nbstatus.Errorf(nbstatus.TooManyRequests, "too many requests"), w)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// The harness starts and answers the owner's token.
func TestServerStarts(t *testing.T) {
	s := startServer(t)
	me, err := s.client(t, owner).Users.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != ownerID || me.Role != "owner" {
		t.Errorf("current user: %s (%s), want the fixture's owner", me.ID, me.Role)
	}
}
