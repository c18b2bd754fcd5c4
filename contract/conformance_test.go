package contract

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/internal/conformance"
)

// netbird-conformance's runner against NetBird's real server: read-only
// and with -write it passes, leaves the server as it found it, and its
// per-operation results agree with REAL_SERVER.md.
func TestConformanceCheck(t *testing.T) {
	s := startServer(t)
	cfg := auth.Config{Host: s.URL, Token: s.tokens[owner]}
	c := s.client(t, owner)
	before := counts(t, c)

	t.Run("read-only", func(t *testing.T) {
		rep, err := conformance.Check(context.Background(), conformance.Options{Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Summary.Passed {
			t.Errorf("%s\n%s", rep.SummaryLine(), text(t, rep))
		}
		agreesWithTable(t, rep)
		t.Log(rep.SummaryLine())
	})

	t.Run("write", func(t *testing.T) {
		rep, err := conformance.Check(context.Background(), conformance.Options{Config: cfg, Write: true})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Summary.Passed {
			t.Errorf("%s\n%s", rep.SummaryLine(), text(t, rep))
		}
		if len(rep.Cleanup.Created) < 7 || len(rep.Cleanup.Removed) != len(rep.Cleanup.Created) {
			t.Errorf("created %v, removed %v", rep.Cleanup.Created, rep.Cleanup.Removed)
		}
		if left := conformance.Leftovers(context.Background(), c); len(left) > 0 {
			t.Errorf("nbconf- objects left on the server: %v", left)
		}
	})

	if after := counts(t, c); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the server is not as found: %v, was %v", after, before)
	}
}

func text(t *testing.T, rep *conformance.Report) string {
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// agreesWithTable compares the check's results with REAL_SERVER.md, for
// the operations both ran: the same "not served" and the same refusals;
// where the table's sample id was unknown (refused 404) the check, which
// takes ids from the server's lists, may find one and get ok.
func agreesWithTable(t *testing.T, rep *conformance.Report) {
	t.Helper()
	data, err := os.ReadFile(tableFile)
	if err != nil {
		t.Fatal(err)
	}
	table := map[string]string{}
	for line := range strings.Lines(string(data)) {
		cells := strings.Split(line, " | ")
		if len(cells) < 6 || !strings.HasPrefix(cells[0], "| ") {
			continue
		}
		table[strings.TrimPrefix(cells[0], "| ")] = cells[4]
	}
	compared := 0
	for _, o := range rep.Operations {
		want, ok := table[o.Operation]
		if !ok || o.Result == conformance.KindSkipped {
			continue
		}
		compared++
		got := o.Result
		if o.Result == conformance.KindRefused {
			got = fmt.Sprintf("refused %d", o.Status)
		}
		if got != want && !(want == "refused 404" && got == "ok") {
			t.Errorf("%s: the check says %q (%s), REAL_SERVER.md %q", o.Operation, got, o.Why, want)
		}
	}
	if compared < 60 {
		t.Errorf("only %d operations compared with REAL_SERVER.md", compared)
	}
	t.Logf("%d operations agree with REAL_SERVER.md", compared)
}
