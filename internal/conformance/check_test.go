package conformance_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/internal/conformance"
	"github.com/netbird-go/netbird/netbirdtest"
)

func options(srv *netbirdtest.Server, write bool) conformance.Options {
	return conformance.Options{Config: auth.Config{Host: srv.URL(), Token: srv.Token()}, Write: write, RunID: "t3st"}
}

func check(t *testing.T, o conformance.Options) *conformance.Report {
	t.Helper()
	rep, err := conformance.Check(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// leftovers are the nbconf- objects on the server.
func leftovers(t *testing.T, srv *netbirdtest.Server) []conformance.Object {
	t.Helper()
	c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	return conformance.Leftovers(t.Context(), c)
}

func byResult(rep *conformance.Report) map[string]conformance.OpReport {
	m := map[string]conformance.OpReport{}
	for _, o := range rep.Operations {
		if o.Step == "" {
			m[o.Operation] = o
		}
	}
	return m
}

// sandboxModes are the sandbox's two modes: strict (what the document
// says) and realistic (what NetBird does).
var sandboxModes = []struct {
	name string
	opts []netbirdtest.Option
}{{"strict", nil}, {"realistic", []netbirdtest.Option{netbirdtest.WithRealistic()}}}

// Read-only against the sandbox, strict and realistic: every GET of the
// document is reported, nothing but GETs reach the server, and the
// realistic sandbox's departures (arrays sent as null, ...) are reported as
// warnings that do not fail the check.
func TestReadOnlyOnTheSandbox(t *testing.T) {
	for _, mode := range sandboxModes {
		t.Run(mode.name, func(t *testing.T) {
			srv := netbirdtest.NewServer(t, mode.opts...)
			rep := check(t, options(srv, false))
			if !rep.Summary.Passed || rep.Mode != "read-only" || rep.Cleanup != nil {
				t.Fatalf("summary %+v, mode %s, cleanup %+v", rep.Summary, rep.Mode, rep.Cleanup)
			}
			if rep.Summary.Operations != 100 || rep.Summary.OK < 95 {
				t.Errorf("want the document's 100 GETs, nearly all ok: %s", rep.SummaryLine())
			}
			for _, r := range srv.Requests() {
				if r.Method != http.MethodGet {
					t.Errorf("a read-only check sent %s %s", r.Method, r.Path)
				}
			}
			ops := byResult(rep)
			if p := ops["GetPeer"]; p.Result != "ok" || p.IDs["peerId"] == "" {
				t.Errorf("GetPeer should read a peer the peers list named: %+v", p)
			}
			if s := ops["GetUserInviteInfo"]; s.Result != "skipped" || !strings.Contains(s.Why, "{token}") {
				t.Errorf("GetUserInviteInfo should be skipped, saying why: %+v", s)
			}
			departing := ops["ListGroups"].Departures
			if mode.name == "strict" && len(departing) > 0 || mode.name == "realistic" && len(departing) == 0 {
				t.Errorf("%s: ListGroups departures %+v", mode.name, departing)
			}
			for _, d := range departing {
				if d.Breaking || d.Field == "" || d.Came == "" || d.Document == "" {
					t.Errorf("a null array is a warning with field, what came and what the document says: %+v", d)
				}
			}
		})
	}
}

// -write on the sandbox: every step ok, everything created removed.
func TestWriteOnTheSandbox(t *testing.T) {
	for _, mode := range sandboxModes {
		t.Run(mode.name, func(t *testing.T) {
			srv := netbirdtest.NewServer(t, mode.opts...)
			rep := check(t, options(srv, true))
			if !rep.Summary.Passed {
				t.Fatal(rep.SummaryLine())
			}
			steps := 0
			for _, o := range rep.Operations {
				if o.Step != "" {
					steps++
					if o.Result != "ok" {
						t.Errorf("%s: %s %s", o.Step, o.Result, o.Why)
					}
				}
			}
			if steps < 25 || len(rep.Cleanup.Created) != 7 || len(rep.Cleanup.Removed) != 7 {
				t.Errorf("%d steps, created %v, removed %v", steps, rep.Cleanup.Created, rep.Cleanup.Removed)
			}
			for _, o := range rep.Cleanup.Created {
				if !strings.HasPrefix(o.Name, "nbconf-t3st-") {
					t.Errorf("created %s %q without the run's prefix", o.Kind, o.Name)
				}
			}
			if l := leftovers(t, srv); len(l) > 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
}

// A delete that fails leaves an object behind: the run says so and fails;
// a read-only run lists it without touching it; the next -write run
// removes it first and says so.
func TestLeftoversOfAFailedRunAreRemovedByTheNext(t *testing.T) {
	srv := netbirdtest.NewServer(t)
	srv.InjectFault("DeleteGroup", netbirdtest.Fault{Status: 500})
	rep := check(t, options(srv, true))
	if rep.Summary.Passed || len(rep.Cleanup.LeftBehind) != 1 || rep.Cleanup.LeftBehind[0].Kind != "group" {
		t.Fatalf("want a failed run that leaves the group behind: %s %+v", rep.SummaryLine(), rep.Cleanup)
	}
	srv.ClearFaults()
	if l := leftovers(t, srv); len(l) != 1 {
		t.Fatalf("on the server: %v", l)
	}

	ro := check(t, options(srv, false))
	if ro.Cleanup == nil || len(ro.Cleanup.Leftovers) != 1 || len(leftovers(t, srv)) != 1 {
		t.Fatalf("a read-only run should list the leftover and keep it: %+v", ro.Cleanup)
	}

	o := options(srv, true)
	o.RunID = "s3cond"
	second := check(t, o)
	if !second.Summary.Passed || len(second.Cleanup.Leftovers) != 1 || second.Cleanup.Leftovers[0].Error != "" {
		t.Fatalf("the second run should remove the leftover: %s %+v", second.SummaryLine(), second.Cleanup)
	}
	if l := leftovers(t, srv); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

// failing fails the requests its function picks with a connection error.
type failing struct {
	fail func(*http.Request) bool
	seen atomic.Int32
}

func (f *failing) RoundTrip(req *http.Request) (*http.Response, error) {
	if f.fail(req) {
		return nil, errors.New("connection reset by peer (injected)")
	}
	return http.DefaultTransport.RoundTrip(req)
}

// A request that gets no answer mid-scenario fails the run, and the
// objects created before and after it are still removed.
func TestBrokenConnectionMidScenario(t *testing.T) {
	srv := netbirdtest.NewServer(t)
	o := options(srv, true)
	o.ClientOptions = []netbird.Option{netbird.WithoutRetries()}
	f := &failing{}
	f.fail = func(req *http.Request) bool {
		return req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/resources") && f.seen.Add(1) == 1
	}
	o.Transport = f
	rep := check(t, o)
	if rep.Summary.Passed || rep.Summary.Failed != 1 {
		t.Fatalf("want one failed step: %s", rep.SummaryLine())
	}
	if len(rep.Cleanup.LeftBehind) > 0 || len(leftovers(t, srv)) > 0 {
		t.Errorf("left behind: %+v / %v", rep.Cleanup.LeftBehind, leftovers(t, srv))
	}
}

// cancelling cancels the run's context once the first network is created,
// as Ctrl-C would.
type cancelling struct {
	once   sync.Once
	cancel context.CancelFunc
}

func (c *cancelling) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && req.Method == http.MethodPost && req.URL.Path == "/api/networks" {
		c.once.Do(c.cancel)
	}
	return resp, err
}

// Interrupted mid-scenario: the rest is skipped, the run is marked
// stopped and fails, and what was created before, including the network
// whose answer the interrupt may have cut off, is removed.
func TestInterruptedRunRemovesWhatItCreated(t *testing.T) {
	srv := netbirdtest.NewServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	o := options(srv, true)
	o.Transport = &cancelling{cancel: cancel}
	rep, err := conformance.Check(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Passed || rep.Stopped != "interrupted" || rep.Summary.Skipped < 3 {
		t.Fatalf("want a stopped, failed run with the rest skipped: %s", rep.SummaryLine())
	}
	kinds := map[string]bool{}
	for _, c := range rep.Cleanup.Removed {
		kinds[c.Kind] = true
	}
	if !kinds["group"] || !kinds["network"] {
		t.Errorf("removed %+v, want the group and the network", rep.Cleanup.Removed)
	}
	if l := leftovers(t, srv); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

// What breaks the client fails the check; a refusal for the token's role
// and plain departures do not.
func TestExitRule(t *testing.T) {
	cases := []struct {
		name   string
		op     string
		answer func(w http.ResponseWriter)
		passed bool
		result string
		breaks string
	}{
		{"403 is the role's, not a defect", "ListPolicies", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(403)
			_, _ = w.Write([]byte(`{"message":"permission denied","code":403}`))
		}, true, "refused", ""},
		{"5xx", "ListPolicies", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"message":"internal error","code":500}`))
		}, false, "refused", "the server failed (500)"},
		{"a 2xx the client cannot decode", "ListPolicies", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"not":"a list"}`))
		}, false, "failed", "could not use the answer"},
		{"a required property missing", "GetPeer", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"p1","name":"p"}`))
		}, false, "ok", "is missing from a successful answer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := netbirdtest.NewServer(t)
			srv.Handle(tc.op, func(w http.ResponseWriter, _ *http.Request) { tc.answer(w) })
			rep := check(t, options(srv, false))
			got := byResult(rep)[tc.op]
			if rep.Summary.Passed != tc.passed || got.Result != tc.result || !strings.Contains(got.Breaks, tc.breaks) || (tc.breaks == "") != (got.Breaks == "") {
				t.Errorf("passed %v, %s: %s, breaks %q", rep.Summary.Passed, tc.op, got.Result, got.Breaks)
			}
		})
	}
}

// A token the server does not hold stops the check before it starts, and
// the error names neither the token nor the hash NetBird puts in its answer.
func TestUnknownTokenIsRefusedWithoutShowingIt(t *testing.T) {
	srv := netbirdtest.NewServer(t, netbirdtest.WithRealistic())
	tok := auth.GeneratePAT()
	_, err := conformance.Check(t.Context(), conformance.Options{Config: auth.Config{Host: srv.URL(), Token: tok}})
	if err == nil || !strings.Contains(err.Error(), "does not accept this token") {
		t.Fatalf("want a refusal of the token, got %v", err)
	}
	if strings.Contains(err.Error(), tok) || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("the error shows the token or not that it hid its hash: %v", err)
	}
}
