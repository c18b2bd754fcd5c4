package contract

// MSP accounts (netbird.Client.ForAccount) against NetBird's real
// management API. NetBird's auth middleware reads the query parameter
// account=<id> of every request and asks an IsValidChildAccountFunc
// whether the token's user may act on that account; the released
// self-hosted server (management/internals/server, BaseServer.
// IsValidChildAccount) answers false to every question, so there the
// parameter is always ignored. NetBird's test harness passes no such
// function at all, and its middleware then panics on any request carrying
// the parameter (a nil function call): buildHandler below builds the same
// handler as the harness, with the function the released server has.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/netbirdio/management-integrations/integrations"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/netbirdio/netbird/management/internals/controllers/network_map/controller"
	"github.com/netbirdio/netbird/management/internals/controllers/network_map/update_channel"
	"github.com/netbirdio/netbird/management/internals/modules/peers"
	ephemeral_manager "github.com/netbirdio/netbird/management/internals/modules/peers/ephemeral/manager"
	accesslogsmanager "github.com/netbirdio/netbird/management/internals/modules/reverseproxy/accesslogs/manager"
	"github.com/netbirdio/netbird/management/internals/modules/reverseproxy/domain/manager"
	proxymanager "github.com/netbirdio/netbird/management/internals/modules/reverseproxy/proxy/manager"
	reverseproxymanager "github.com/netbirdio/netbird/management/internals/modules/reverseproxy/service/manager"
	zonesManager "github.com/netbirdio/netbird/management/internals/modules/zones/manager"
	recordsManager "github.com/netbirdio/netbird/management/internals/modules/zones/records/manager"
	"github.com/netbirdio/netbird/management/internals/server/config"
	nbgrpc "github.com/netbirdio/netbird/management/internals/shared/grpc"
	"github.com/netbirdio/netbird/management/server"
	"github.com/netbirdio/netbird/management/server/activity"
	serverauth "github.com/netbirdio/netbird/management/server/auth"
	nbcache "github.com/netbirdio/netbird/management/server/cache"
	"github.com/netbirdio/netbird/management/server/geolocation"
	"github.com/netbirdio/netbird/management/server/groups"
	nbhttp "github.com/netbirdio/netbird/management/server/http"
	"github.com/netbirdio/netbird/management/server/http/middleware"
	"github.com/netbirdio/netbird/management/server/http/testing/testing_tools"
	"github.com/netbirdio/netbird/management/server/integrations/port_forwarding"
	"github.com/netbirdio/netbird/management/server/job"
	"github.com/netbirdio/netbird/management/server/networks"
	"github.com/netbirdio/netbird/management/server/networks/resources"
	"github.com/netbirdio/netbird/management/server/networks/routers"
	"github.com/netbirdio/netbird/management/server/permissions"
	"github.com/netbirdio/netbird/management/server/settings"
	"github.com/netbirdio/netbird/management/server/store"
	"github.com/netbirdio/netbird/management/server/telemetry"
	"github.com/netbirdio/netbird/management/server/users"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
)

// otherAccountID is the second account of NetBird's fixture, which none of
// the suite's users belongs to or manages.
const otherAccountID = "9439-34653001fc3b-bf1c8084-ba50-4ce7"

// buildHandler builds NetBird's management API handler the way the test
// harness does (channel.BuildApiBlackBoxWithDBState, NetBird v0.77.1),
// seeded from sqlFile, but with isValidChildAccount where the harness
// passes nil. Only personal access tokens authenticate (no JWT).
func buildHandler(t *testing.T, sqlFile string, isValidChildAccount middleware.IsValidChildAccountFunc) http.Handler {
	t.Helper()
	ctx := context.Background()
	st, cleanup, err := store.NewTestStoreFromSQL(ctx, sqlFile, t.TempDir())
	if err != nil {
		t.Fatalf("test store: %v", err)
	}
	t.Cleanup(cleanup)
	metrics, err := telemetry.NewDefaultAppMetrics(ctx)
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	peersUpdateManager := update_channel.NewPeersUpdateManager(nil)
	peersUpdateManager.CreateChannel(ctx, testing_tools.TestPeerId)

	geoMock := &geolocation.Mock{}
	proxyController := integrations.NewController(st)
	userManager := users.NewManager(st)
	permissionsManager := permissions.NewManager(st)
	settingsManager := settings.NewManager(st, userManager, integrations.NewManager(&activity.InMemoryEventStore{}), permissionsManager, settings.IdpConfig{})
	peersManager := peers.NewManager(st, permissionsManager)
	jobManager := job.NewJobManager(nil, st, peersManager)
	cacheStore, err := nbcache.NewStore(ctx, 100*time.Millisecond, 300*time.Millisecond, 100)
	if err != nil {
		t.Fatalf("cache store: %v", err)
	}
	requestBuffer := server.NewAccountRequestBuffer(ctx, st)
	networkMapController := controller.NewController(ctx, st, metrics, peersUpdateManager, requestBuffer, server.MockIntegratedValidator{}, settingsManager, "",
		port_forwarding.NewControllerMock(), ephemeral_manager.NewEphemeralManager(st, peersManager), &config.Config{})
	am, err := server.BuildManager(ctx, nil, st, networkMapController, jobManager, nil, "", &activity.InMemoryEventStore{}, geoMock, false,
		server.MockIntegratedValidator{}, metrics, proxyController, settingsManager, permissionsManager, false, cacheStore)
	if err != nil {
		t.Fatalf("account manager: %v", err)
	}

	accessLogsManager := accesslogsmanager.NewManager(st, permissionsManager, nil)
	noopMeter := noop.NewMeterProvider().Meter("")
	proxyMgr, err := proxymanager.NewManager(st, noopMeter)
	if err != nil {
		t.Fatalf("proxy manager: %v", err)
	}
	proxyServiceServer := nbgrpc.NewProxyServiceServer(accessLogsManager, nbgrpc.NewOneTimeTokenStore(ctx, cacheStore), nbgrpc.NewPKCEVerifierStore(ctx, cacheStore),
		nbgrpc.ProxyOIDCConfig{}, peersManager, userManager, nil, proxyMgr, nil)
	domainManager := manager.NewManager(st, proxyMgr, permissionsManager, am)
	serviceProxyController, err := proxymanager.NewGRPCController(proxyServiceServer, noopMeter)
	if err != nil {
		t.Fatalf("proxy controller: %v", err)
	}
	serviceManager := reverseproxymanager.NewManager(st, am, permissionsManager, serviceProxyController, proxyMgr, domainManager)
	proxyServiceServer.SetServiceManager(serviceManager)
	am.SetServiceManager(serviceManager)

	authManager := serverauth.NewManager(st, "", "", "", "", []string{}, false, nil)
	groupsManager := groups.NewManager(st, permissionsManager, am)
	routersManager := routers.NewManager(st, permissionsManager, am)
	resourcesManager := resources.NewManager(st, permissionsManager, groupsManager, am, serviceManager)
	networksManager := networks.NewManager(st, permissionsManager, resourcesManager, routersManager, am)

	apiRouter := mux.NewRouter().PathPrefix("/api").Subrouter()
	h, err := nbhttp.NewAPIHandler(ctx, apiRouter, am, networksManager, resourcesManager, routersManager, groupsManager, geoMock, authManager, metrics,
		permissionsManager, settingsManager, zonesManager.NewManager(st, am, permissionsManager, ""), recordsManager.NewManager(st, am, permissionsManager),
		networkMapController, nil, serviceManager, nil, nil, nil, nil, nil, isValidChildAccount, nil)
	if err != nil {
		t.Fatalf("API handler: %v", err)
	}
	return h
}

// childQuestions records what NetBird's auth middleware asks its
// IsValidChildAccountFunc, and answers as the released self-hosted server
// does: no user manages any other account.
type childQuestions struct {
	mu   sync.Mutex
	seen []string // "user account child"
}

func (q *childQuestions) ask(_ context.Context, userID, accountID, childAccountID string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seen = append(q.seen, userID+" "+accountID+" "+childAccountID)
	return false
}

func (q *childQuestions) asked() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.seen...)
}

// reads are calls whose answers must not depend on the account parameter
// when NetBird ignores it. Each returns its answer as JSON, or its error.
var reads = map[string]func(context.Context, *netbird.Client) (any, error){
	"Users.Current":  func(ctx context.Context, c *netbird.Client) (any, error) { return c.Users.Current(ctx) },
	"Users.List":     func(ctx context.Context, c *netbird.Client) (any, error) { return c.Users.List(ctx, nil) },
	"Accounts.List":  func(ctx context.Context, c *netbird.Client) (any, error) { return c.Accounts.List(ctx) },
	"Groups.List":    func(ctx context.Context, c *netbird.Client) (any, error) { return c.Groups.List(ctx, nil) },
	"Peers.List":     func(ctx context.Context, c *netbird.Client) (any, error) { return c.Peers.List(ctx, nil) },
	"Policies.List":  func(ctx context.Context, c *netbird.Client) (any, error) { return c.Policies.List(ctx) },
	"Networks.List":  func(ctx context.Context, c *netbird.Client) (any, error) { return c.Networks.List(ctx) },
	"SetupKeys.List": func(ctx context.Context, c *netbird.Client) (any, error) { return c.SetupKeys.List(ctx) },
}

// readOutcome is what a read gave, comparable across calls: the answer as
// JSON (a list's items sorted: NetBird lists users in no fixed order), or
// the error's status and message (not its request id).
func readOutcome(v any, err error) string {
	if err != nil {
		if e, ok := errors.AsType[*netbird.APIError](err); ok {
			return fmt.Sprintf("error %d %s", e.StatusCode, e.Message)
		}
		return "error " + err.Error()
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		b, _ := json.Marshal(v)
		return string(b)
	}
	items := make([]string, rv.Len())
	for i := range items {
		b, _ := json.Marshal(rv.Index(i).Interface())
		items[i] = string(b)
	}
	slices.Sort(items)
	return "[" + strings.Join(items, ",") + "]"
}

// A client made by ForAccount reaches NetBird's real server with its
// account parameter, which NetBird's middleware reads and, on a self-hosted
// server where no user manages another account, ignores: for every kind
// of token and every account named (the user's own, another account of
// the server, an unknown id), each read answers exactly as without the
// parameter, errors included.
func TestForAccountIgnoredWithoutChildAccounts(t *testing.T) {
	questions := &childQuestions{}
	s := startServer(t, serverOptions{childAccounts: questions.ask})
	ctx := context.Background()
	for _, r := range roles {
		t.Run(string(r), func(t *testing.T) {
			c := s.client(t, r)
			for _, id := range []string{accountID, otherAccountID, "d1ca0000000000000002"} {
				fc, err := c.ForAccount(id)
				if err != nil {
					t.Fatal(err)
				}
				for name, read := range reads {
					want := readOutcome(read(ctx, c))
					got := readOutcome(read(ctx, fc))
					if r == owner && strings.HasPrefix(want, "error") {
						t.Errorf("%s: the owner's read failed (%s): nothing is compared", name, want)
					}
					if got != want {
						t.Errorf("%s with account=%s:\n got %s\nwant %s", name, id, got, want)
					}
				}
				if q := userOf[r] + " " + accountID + " " + id; !slices.Contains(questions.asked(), q) {
					t.Errorf("NetBird's middleware never asked whether %s of %s may act on %s: the parameter did not reach it", userOf[r], accountID, id)
				}
			}
		})
	}
}

// Writes are ignored the same way: a group created through a client for
// another account lands in the user's own, and Rotate (create, verify with
// the new token, delete) works through such a client.
func TestForAccountWritesActOnTheOwnAccount(t *testing.T) {
	s := startServer(t, serverOptions{childAccounts: (&childQuestions{}).ask})
	ctx := context.Background()
	c := s.client(t, owner)
	fc, err := c.ForAccount(otherAccountID)
	if err != nil {
		t.Fatal(err)
	}
	g, err := fc.Groups.Create(ctx, api.GroupRequest{Name: "msp-ignored"})
	must(t, err)
	own, err := c.Groups.Get(ctx, g.ID)
	must(t, err)
	if own.Name != "msp-ignored" {
		t.Errorf("the group in the owner's account: %+v", own)
	}
	must(t, fc.Groups.Delete(ctx, g.ID))

	old, err := c.Tokens.Create(ctx, ownerID, api.PersonalAccessTokenRequest{Name: "msp-old", ExpiresIn: 1})
	must(t, err)
	rotated, err := fc.Tokens.Rotate(ctx, ownerID, old.PersonalAccessToken.ID, "msp-rotated", 1)
	must(t, err)
	list, err := c.Tokens.List(ctx, ownerID)
	must(t, err)
	ids := map[string]bool{}
	for _, tk := range list {
		ids[tk.ID] = true
	}
	if ids[old.PersonalAccessToken.ID] || !ids[rotated.PersonalAccessToken.ID] {
		t.Errorf("after Rotate through the ForAccount client: %v (old %s, new %s)", ids, old.PersonalAccessToken.ID, rotated.PersonalAccessToken.ID)
	}
	must(t, c.Tokens.Delete(ctx, ownerID, rotated.PersonalAccessToken.ID))
}
