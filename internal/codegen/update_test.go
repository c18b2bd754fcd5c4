package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The NetBird documents of the drill live in shared/spec beside the
// repository (where CI keeps its copy of shared/).
const (
	newSpec   = "netbird-v0.77.1-openapi.yml"
	newCommit = "79a06720b684768b421f0a54f3bb14f22704994f"
	oldSpec   = "netbird-v0.70.0-openapi.yml"
	oldCommit = "34167c8a160d66668eb5592fb2589b13adcd8ee0"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// specDocs returns the directory of the NetBird documents, or skips.
func specDocs(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "spec")
	for _, f := range []string{newSpec, oldSpec} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			if os.Getenv("CI") != "" { // CI keeps them there: their absence is a broken checkout, not a reason to skip
				t.Fatalf("CI is set, but the NetBird documents are not in %s: %v", dir, err)
			}
			t.Skipf("the NetBird documents are not in %s (shared/spec beside the repository, where CI keeps them): %v", dir, err)
		}
	}
	return dir
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "git", append([]string{"-c", "user.name=test", "-c", "user.email=test@invalid", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=" + os.DevNull}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// copyTree copies the files of the working tree that git knows or would
// add (tracked and untracked, not ignored; no .git) into a new directory.
// With files given, it copies only those.
func copyTree(t *testing.T, files ...string) string {
	t.Helper()
	root := repoRoot(t)
	if len(files) == 0 {
		out := git(t, root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
		files = strings.Split(strings.TrimRight(out, "\x00"), "\x00")
	}
	dst := t.TempDir()
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("%s contains %q", what, w)
		}
	}
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The drill: from v0.77.1 down to v0.70.0 and back up, in a copy of the
// tree. Both ways regenerate and compile, the reports name real
// differences between the releases, and the round trip leaves the tree as
// it was but for the two entries in SPEC_CHANGES.md.
func TestSpecUpdateDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("the drill regenerates and builds the tree twice")
	}
	docs := specDocs(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("the drill needs git to compare the tree before and after")
	}
	tree := copyTree(t)
	git(t, tree, "init", "-q")

	// update runs one update; wantErr is "" for one that must finish, or
	// what its error must say.
	update := func(spec, version, commit, wantErr string) string {
		t.Helper()
		start := time.Now()
		var out, log bytes.Buffer
		err := runUpdate(updateOptions{Root: tree, Spec: filepath.Join(docs, spec), Version: version, Commit: commit,
			Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Out: &out, Log: &log})
		t.Logf("update to %s took %s", version, time.Since(start).Round(time.Millisecond))
		for _, l := range strings.Split(log.String(), "\n") {
			if strings.HasPrefix(l, "update-spec: ") {
				t.Log(l)
			}
		}
		if (err == nil) != (wantErr == "") || err != nil && !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("update to %s: got error %v, want %q\n%s\nthe report:\n%s", version, err, wantErr, log.String(), out.String())
		}
		return out.String()
	}

	// The drill runs between two NetBird releases it knows, whichever one
	// is vendored: another release is first moved to v0.77.1 (its tests
	// may then not compile, which the drill does not need).
	v, err := readVersion(filepath.Join(tree, versionFile))
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != "v0.77.1" {
		t.Logf("openapi.yaml is %s: moving the copy to v0.77.1 first", v.Version)
		var out, log bytes.Buffer
		err := runUpdate(updateOptions{Root: tree, Spec: filepath.Join(docs, newSpec), Version: "v0.77.1", Commit: newCommit,
			Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Out: &out, Log: &log})
		if err != nil && !strings.Contains(err.Error(), "do not vet") {
			t.Fatalf("moving to v0.77.1: %v\n%s", err, log.String())
		}
	}
	git(t, tree, "add", "-A")
	git(t, tree, "commit", "-q", "-m", "before the drill")

	// Down: 33 operations, their schemas and some fields are gone. The
	// client builds; tests that use what is gone do not, and the report
	// names each package with the identifier it used.
	down := update(oldSpec, "v0.70.0", oldCommit, "2 packages do not vet, 1 fail their tests")
	mustContain(t, "the report of v0.77.1 → v0.70.0", down,
		"## v0.77.1 → v0.70.0 (2026-01-02)",
		"Operations: 236 → 203; schemas: 223 → 190.",
		"### Operations removed (33)",
		"- `GET /api/agent-network/settings`: `GetAgentNetworkSettings` (`c.AgentNetwork.GetSettings`)\n",
		"- `POST /api/reverse-proxies/proxy-tokens`: `CreateProxyToken` (`c.ReverseProxies.CreateToken`)\n",
		"In oasdiff's words, each with the operations it concerns; 11 break programs that call the API.",
		"- removed the request property `create_pat`: `POST /api/setup`\n",
		"- **breaking:** removed the required property `data/items/window_start` from the response with the `200` status: `GET /api/events/network-traffic`\n",
		"- removed the optional property `personal_access_token` from the response with the `200` status: `POST /api/setup`\n",
		"- **breaking:** removed the enum value `adfs` of the request property `type`: `POST /api/identity-providers`, `PUT /api/identity-providers/{idpId}`\n",
		"fix `$.components.schemas.AgentNetworkProviderRequest.properties.api_key` does not apply to v0.70.0",
		"0 changed (these break programs that use them), 0 added.",
		"- `netbird: type AgentNetworkService` (with its ",
		"- `api: type NetworkTrafficEvent`: field NumOfDrops, field NumOfEnds, field NumOfStarts, field WindowEnd, field WindowStart\n",
		"identifiers of `api`'s low-level client for the removed operations (request builders, response wrappers, parameter types, client methods)",
		"### Tests that no longer compile (2)",
		"- `github.com/netbird-go/netbird/api_test`: api/validate_test.go:",
		"undefined: api.AgentNetworkPolicyRequest",
		"- `github.com/netbird-go/netbird_test`: ./services_test.go:",
		"undefined: netbird.AgentNetworkAPI",
		// What follows the document runs and passes, but for the table of
		// the real server's departures, which names what v0.70.0 lacks.
		"### Tests that fail (1)",
		"- `github.com/netbird-go/netbird/netbirdtest`: TestDepartureTableResolves\n",
		"**Verdict:** Not ready: 2 packages do not vet or build their tests, and tests fail in 1",
	)
	if t.Failed() {
		t.Log(down)
	}
	const settingsEntry = "  - target: $.paths['/api/agent-network/settings'].get\n    update: {operationId: GetAgentNetworkSettings, x-go-service: AgentNetwork, x-go-method: GetSettings}\n"
	retiredText := readFile(t, tree, retiredFile)
	mustContain(t, retiredFile, retiredText, settingsEntry,
		"dormantFixes:\n  - $.components.schemas.SetupResponse.properties.personal_access_token\n  - $.components.schemas.AgentNetworkProviderRequest.properties.api_key\n")
	mustNotContain(t, overlayFile, readFile(t, tree, overlayFile), settingsEntry, "\n  # AgentNetwork\n")
	mustContain(t, overlayFile, readFile(t, tree, overlayFile), "  - target: $.components.schemas.AgentNetworkProviderRequest.properties.api_key\n")
	mustContain(t, "api/spec.gen.go", readFile(t, tree, "api/spec.gen.go"), `const SpecVersion = "v0.70.0"`)
	mustNotContain(t, surfaceFile, readFile(t, tree, surfaceFile), "api: field NetworkTrafficEvent.WindowStart ", "netbird: type AgentNetworkService struct")

	// Up again: everything comes back, names included.
	up := update(newSpec, "v0.77.1", newCommit, "")
	mustContain(t, "the report of v0.70.0 → v0.77.1", up,
		"## v0.70.0 → v0.77.1 (2026-01-02)",
		"### Operations added (33)",
		"- `GET /api/agent-network/settings`: `GetAgentNetworkSettings` (`c.AgentNetwork.GetSettings`), the name it had before",
		"- added the required property `data/items/window_start` to the response with the `200` status: `GET /api/events/network-traffic`\n",
		"- added the required property `items/id` to the response with the `200` status: `GET /api/reverse-proxies/clusters`\n",
		"- **breaking:** added the new `adfs` enum value to the `type` response property for the response status `200`: `POST /api/identity-providers`, `GET /api/identity-providers/{idpId}`, `PUT /api/identity-providers/{idpId}`\n",
		"- added the new optional `query` request parameter `source_id`: `GET /api/events/network-traffic`\n",
		"fix `$.components.schemas.SetupResponse.properties.personal_access_token` applies again",
		"0 identifiers removed and 0 changed",
		"- `api: type NetworkTrafficEvent`: field NumOfDrops, field NumOfEnds, field NumOfStarts, field WindowEnd, field WindowStart\n",
		"**Verdict:** Ready to commit",
	)
	mustNotContain(t, "the report of v0.70.0 → v0.77.1", up, "need a name", "Possible renames", "Tests that no longer compile")

	if status := git(t, tree, "status", "--porcelain"); status != " M "+changesFile+"\n" {
		t.Errorf("after the round trip, git status shows more than %s:\n%s", changesFile, status)
		t.Log(git(t, tree, "diff", "--stat"))
	}
	changes := readFile(t, tree, changesFile)
	first, second := strings.Index(changes, "## v0.70.0 → v0.77.1"), strings.Index(changes, "## v0.77.1 → v0.70.0")
	if first < 0 || second < 0 || first > second {
		t.Errorf("%s does not hold both entries, newest first", changesFile)
	}
}

// An upstream rename: the same operations under a new path. The update
// stops before generating, with entries to paste, and suggests keeping the
// old Go names; continuing then puts the pasted entries in place and
// drops the retired ones whose names moved. It runs on a tree of its own
// around testdata/tiny.yaml, so it holds whatever document is vendored.
func TestSpecUpdateRenamedPathNeedsNames(t *testing.T) {
	tree := tinyTree(t)
	spec := readFile(t, tree, specFile)
	renamed := strings.Replace(spec, "\n  /api/users:\n", "\n  /api/user-list:\n", 1)
	renamed = strings.Replace(renamed, "\n  /api/peers/{peerId}/jobs:\n", "\n  /api/peers/{id}/jobs:\n", 1)
	renamed = strings.Replace(renamed, "{name: peerId, in: path", "{name: id, in: path", 1)
	newDoc := filepath.Join(t.TempDir(), "renamed.yaml")
	if err := os.WriteFile(newDoc, []byte(renamed), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	err := runUpdate(updateOptions{Root: tree, Spec: newDoc, Version: "v1.0.1", Commit: "unknown", Date: time.Now(), Out: &out, Log: &log})
	if err == nil || !strings.Contains(err.Error(), "2 operations have no name") {
		t.Fatalf("want the update to stop for 2 unnamed operations, got %v\n%s", err, log.String())
	}
	report := out.String()
	mustContain(t, "the report", report,
		"### Operations removed (2)",
		"- `GET /api/users`: `ListUsers` (`c.Users.List`)\n",
		"- `GET /api/user-list`: no name yet\n",
		"### Operations that need a name (2)",
		"  - target: $.paths['/api/user-list'].get\n    update: {operationId: ListUserList, x-go-service: Users, x-go-method: ListUserList}\n",
		"### Possible renames (2)",
		"- `GET /api/users` → `GET /api/user-list` (the same summary \"List all Users\")",
		"- `GET /api/peers/{peerId}/jobs` → `GET /api/peers/{id}/jobs` (the same path but for parameter names",
		"    update: {operationId: ListUsers, x-go-service: Users, x-go-method: List}\n",
		"Not regenerated yet: 2 operations need names first.",
		"**Verdict:** Not finished: 2 operations need a name.",
	)
	if t.Failed() {
		t.Log(report)
	}
	mustContain(t, versionFile, readFile(t, tree, versionFile), "version: v1.0.1\ncommit: unknown\n")
	mustContain(t, changesFile, readFile(t, tree, changesFile), "## v1.0.0 → v1.0.1")
	mustContain(t, retiredFile, readFile(t, tree, retiredFile), "$.paths['/api/users'].get")
	if readFile(t, tree, specFile) != renamed {
		t.Errorf("%s is not the new document", specFile)
	}

	// Take the suggestions: paste the entries that keep the old names at
	// the end of the naming section.
	ov := readFile(t, tree, overlayFile)
	paste := "  - target: $.paths['/api/user-list'].get\n    update: {operationId: ListUsers, x-go-service: Users, x-go-method: List}\n" +
		"  - target: $.paths['/api/peers/{id}/jobs'].get\n    update: {operationId: ListPeerJobs, x-go-service: Jobs, x-go-method: List}\n"
	ov = strings.Replace(ov, "\n"+fixesLine, paste+"\n"+fixesLine, 1)
	if err := os.WriteFile(filepath.Join(tree, overlayFile), []byte(ov), 0o644); err != nil {
		t.Fatal(err)
	}
	// What the update does with them when it continues (the tree here has
	// no Go code to regenerate).
	plan := planOf(t, tree)
	mustContain(t, "the notes on names", strings.Join(plan.rec.notes(specFile, true), "\n"),
		"retired name given up: GET /api/users (ListUsers): the name moved to GET /api/user-list")
	for f, b := range map[string][]byte{overlayFile: plan.overlay, retiredFile: plan.retired} {
		if err := writeFile(filepath.Join(tree, f), b); err != nil {
			t.Fatal(err)
		}
	}
	mustContain(t, overlayFile, readFile(t, tree, overlayFile),
		"  # Users\n  - target: $.paths['/api/user-list'].get\n    update: {operationId: ListUsers, x-go-service: Users, x-go-method: List}\n")
	mustContain(t, retiredFile, readFile(t, tree, retiredFile), "names: []\n")
}

// tinyTree is a tree with only what an update reads and writes before it
// generates, around testdata/tiny.yaml as release v1.0.0.
func tinyTree(t *testing.T) string {
	t.Helper()
	tree := t.TempDir()
	spec, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ov, err := os.ReadFile("testdata/tiny-overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(spec)
	files := map[string][]byte{
		specFile:    spec,
		versionFile: []byte("version: v1.0.0\ncommit: unknown\nsha256: " + hex.EncodeToString(sum[:]) + "\n"),
		overlayFile: ov,
		retiredFile: (&retired{names: &namingTable{names: map[opKey]name{}}}).render(),
		surfaceFile: nil,
	}
	for f, b := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(tree, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tree, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return tree
}

// A document derived from the vendored one, with one operation added and
// one path renamed: the update stops for names; pasting the suggested and
// the kept names and continuing finishes the same update: regenerated and
// checked, one complete SPEC_CHANGES.md entry in place of the unfinished
// one, and nothing left to continue.
func TestSpecUpdateContinuesAfterNames(t *testing.T) {
	if testing.Short() {
		t.Skip("continuing regenerates and builds the tree")
	}
	tree := copyTree(t)
	spec := readFile(t, tree, specFile)
	const added = `paths:
  /api/peers/{peerId}/notes:
    get:
      summary: List the notes of a peer
      tags: [Peers]
      parameters:
        - {name: peerId, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: the notes
          content: {application/json: {schema: {type: array, items: {type: string}}}}
`
	// Move the first path whose operations all have names, whatever the
	// vendored document is, and keep their names.
	table, err := readNamingTable(filepath.Join(tree, overlayFile))
	if err != nil {
		t.Fatal(err)
	}
	var from string
	var moved []opKey
	for _, k := range table.order {
		if from == "" || k.Path == from {
			from = k.Path
			moved = append(moved, k)
		}
	}
	to := from + "-moved"
	renamed := strings.Replace(spec, "\n  "+from+":\n", "\n  "+to+":\n", 1)
	if renamed == spec {
		t.Fatalf("path %s is not in %s", from, specFile)
	}
	renamed = strings.Replace(renamed, "\npaths:\n", "\n"+added, 1)
	newDoc := filepath.Join(t.TempDir(), "renamed.yaml")
	if err := os.WriteFile(newDoc, []byte(renamed), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	err = runUpdate(updateOptions{Root: tree, Spec: newDoc, Version: "v0.77.2-test", Commit: "unknown", Date: time.Now(), Out: &out, Log: &log})
	if err == nil || !strings.Contains(err.Error(), "have no name") {
		t.Fatalf("want the update to stop for names, got %v", err)
	}
	const suggested = "  - target: $.paths['/api/peers/{peerId}/notes'].get\n    update: {operationId: ListPeerNotes, x-go-service: Peers, x-go-method: ListNotes}\n"
	mustContain(t, "the stopped report", out.String(), "run `make update-spec-continue`", suggested)
	ov := readFile(t, tree, overlayFile)
	paste := suggested
	for _, k := range moved {
		paste += entryText(opKey{k.Method, to}, table.names[k]) + "\n"
	}
	if err := os.WriteFile(filepath.Join(tree, overlayFile), []byte(strings.Replace(ov, "\n"+fixesLine, paste+"\n"+fixesLine, 1)), 0o644); err != nil {
		t.Fatal(err)
	}

	out.Reset()
	log.Reset()
	if err := runUpdate(updateOptions{Root: tree, Continue: true, Date: time.Now(), Out: &out, Log: &log}); err != nil {
		t.Fatalf("continue: %v\n%s\nthe report:\n%s", err, log.String(), out.String())
	}
	report := out.String()
	v, err := readVersion(filepath.Join(repoRoot(t), versionFile))
	if err != nil {
		t.Fatal(err)
	}
	header := "## " + v.Version + " → v0.77.2-test"
	mustContain(t, "the finished report", report,
		header,
		fmt.Sprintf("- `%s`%s\n", moved[0], goNames(table.names[moved[0]])),
		fmt.Sprintf("- `%s`%s\n", opKey{moved[0].Method, to}, goNames(table.names[moved[0]])),
		"- `GET /api/peers/{peerId}/notes`: `ListPeerNotes` (`c.Peers.ListNotes`)\n",
		"0 identifiers removed and 0 changed",
		"- `netbird: type PeersService`: method ListNotes",
		// The fast tests ran: the sandbox answers every operation, the new
		// and the moved one included.
		"`go vet ./...` and the fast tests pass",
		"**Verdict:** Ready to commit",
	)
	mustNotContain(t, "the finished report", report, "no name yet", "Operations that need a name", "Not regenerated yet")
	if t.Failed() {
		t.Log(report)
	}
	changes := readFile(t, tree, changesFile)
	if n := strings.Count(changes, header); n != 1 {
		t.Errorf("%s has %d entries for the update, want 1", changesFile, n)
	}
	mustNotContain(t, changesFile, changes, "Not regenerated yet")
	if _, err := os.Stat(filepath.Join(tree, pendingDir)); !os.IsNotExist(err) {
		t.Errorf("%s is still there after the update finished (%v)", pendingDir, err)
	}
	// Continuing with none pending (make names) takes the vendored
	// document again: nothing changes.
	out.Reset()
	if err := runUpdate(updateOptions{Root: tree, Continue: true, Date: time.Now(), Out: &out, Log: &log}); err != nil {
		t.Fatalf("continuing again: %v", err)
	}
	mustContain(t, "the report of make names", out.String(), "The document did not change.", "**Verdict:** Ready to commit")
	if again := readFile(t, tree, changesFile); again != changes {
		t.Errorf("make names changed %s", changesFile)
	}

	// The same document again: nothing changes, and the report says so.
	out.Reset()
	if err := runUpdate(updateOptions{Root: tree, Spec: newDoc, Version: "v0.77.2-test", Commit: "unknown", Date: time.Now(), Out: &out, Log: &log}); err != nil {
		t.Fatalf("the same document again: %v", err)
	}
	mustContain(t, "the report of the same document", out.String(), "The document did not change.", "**Verdict:** Ready to commit")
	if again := readFile(t, tree, changesFile); again != changes {
		t.Errorf("%s changed although the document did not", changesFile)
	}
}

// planOf is what the update plans for the naming files of the tree at
// root, for the document it vendors.
func planOf(t *testing.T, root string) *namesPlan {
	t.Helper()
	raw := []byte(readFile(t, root, specFile))
	doc, err := loadDoc(raw, specFile)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planNames(root, raw, doc)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// overlay.yaml and retired.yaml are in the layout the update writes, so a
// round trip through another release restores them byte for byte.
func TestNamingFilesAreCanonical(t *testing.T) {
	root := repoRoot(t)
	plan := planOf(t, root)
	for file, want := range map[string][]byte{overlayFile: plan.overlay, retiredFile: plan.retired} {
		if got, _ := os.ReadFile(filepath.Join(root, file)); !bytes.Equal(got, want) {
			t.Errorf("%s is not in canonical layout, or not in step with %s: run `make names`", file, specFile)
		}
	}
}

func TestOverlayLayoutRefusesWhatItWouldLose(t *testing.T) {
	b, err := os.ReadFile("testdata/tiny-overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readOverlayLayout("overlay.yaml", b); err != nil {
		t.Fatalf("the fixture's layout is refused as it is: %v", err)
	}
	for _, tc := range []struct{ edit, want string }{
		{"  # Jobs\n", "  # Jobs: the job queue\n"},
		{"    update: {operationId: ListPeerJobs, x-go-service: Jobs, x-go-method: List}\n", "    update: {operationId: ListPeerJobs, x-go-method: List, x-go-service: Jobs}\n"},
		{"\n" + fixesLine, "  - target: $.components.schemas.Peer.properties.name\n    update: {x-go-type: Secret}\n\n" + fixesLine},
	} {
		edited := strings.Replace(string(b), tc.edit, tc.want, 1)
		if _, err := readOverlayLayout("overlay.yaml", []byte(edited)); err == nil {
			t.Errorf("the layout accepts a naming section with %q", tc.want)
		} else {
			t.Log(err)
		}
	}
	misplaced := string(b) + "  - target: $.paths['/api/x'].get\n    update: {operationId: GetX, x-go-service: X, x-go-method: Get}\n"
	if _, err := readOverlayLayout("overlay.yaml", []byte(misplaced)); err == nil || !strings.Contains(err.Error(), "a naming entry among the fixes") {
		t.Errorf("want a naming entry among the fixes refused, got %v", err)
	}
}

// A fix whose target the document lacks fails generation unless
// retired.yaml lists it as dormant, and a dormant fix whose target is back
// fails too: the lists stay exact.
func TestDormantFixesAreExact(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/tiny-overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const bogus = "$.components.schemas.NoSuchSchema.properties.secret"
	overlay := filepath.Join(dir, "overlay.yaml")
	if err := os.WriteFile(overlay, append(b, []byte("  - target: "+bogus+"\n    update: {x-go-type: Secret}\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	gen := func(dormant ...string) error {
		r := &retired{names: &namingTable{names: map[opKey]name{}}, dormant: dormant}
		ret := filepath.Join(dir, "retired.yaml")
		if err := os.WriteFile(ret, r.render(), 0o644); err != nil {
			t.Fatal(err)
		}
		back, err := readRetired(ret)
		if err != nil || strings.Join(back.dormant, ",") != strings.Join(dormant, ",") {
			t.Fatalf("retired.yaml does not read back: %v %v", back, err)
		}
		_, err = loadNamed("testdata/tiny.yaml", overlay, ret, dormant)
		return err
	}
	if err := gen(); err == nil || !strings.Contains(err.Error(), bogus+" matches nothing in testdata/tiny.yaml") {
		t.Errorf("want an unlisted fix that matches nothing refused, got %v", err)
	}
	if err := gen(bogus); err != nil {
		t.Errorf("a dormant fix is not skipped: %v", err)
	}
	const live = "$.components.schemas.User.properties.password"
	if err := gen(bogus, live); err == nil || !strings.Contains(err.Error(), "lists the fix with target "+live+" as dormant, but") {
		t.Errorf("want a dormant fix whose target exists refused, got %v", err)
	}
}

func TestSurfaceDiff(t *testing.T) {
	before := `# header
api: type Gone struct
api: field Gone.A string
api: method (*Gone) Do() error
api: type Kept struct
api: field Kept.Old int
api: field Kept.Same string
api: field Kept.Retyped *bool
api: type Kind string
api: const KindA Kind
api: const KindB Kind
api: func NewThing(a int) *Thing
netbird: method (*PeersService) List(ctx context.Context) ([]api.Peer, error)
`
	after := `# header
api: type Kept struct
api: field Kept.New int
api: field Kept.Same string
api: field Kept.Retyped *string
api: type Kind string
api: const KindA Kind
api: func NewThing(a string) *Thing
api: type Fresh int
netbird: method (*PeersService) List(ctx context.Context) ([]api.Peer, error)
`
	d := diffSurface(before, after)
	var got []string
	for _, g := range d.removed {
		got = append(got, "-"+g.String())
	}
	for _, c := range d.changed {
		got = append(got, "~"+c[0]+" → "+c[1])
	}
	for _, g := range d.added {
		got = append(got, "+"+g)
	}
	want := []string{
		"-`api: type Gone` (with its 2 members)",
		"-`api: type Kept`: field Old",
		"-`api: type Kind`: const KindB",
		"~api: field Kept.Retyped *bool → api: field Kept.Retyped *string",
		"~api: func NewThing(a int) *Thing → api: func NewThing(a string) *Thing",
		"+`api: type Fresh`",
		"+`api: type Kept`: field New",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("surface diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.nRemoved != 5 || d.nAdded != 2 {
		t.Errorf("counted %d removed, %d added; want 5 and 2", d.nRemoved, d.nAdded)
	}
}

// Generation without a name for an operation whose old name is retired
// points at the name to restore rather than suggesting a new one.
func TestGeneratorPointsAtRetiredName(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	entry := listTokensEntry
	overlay, ret := filepath.Join(dir, "overlay.yaml"), filepath.Join(dir, "retired.yaml")
	if err := os.WriteFile(overlay, []byte(strings.Replace(string(b), entry, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ret, []byte(retiredHeader+"names:\n"+entry+"dormantFixes: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(paths{Spec: "../../openapi.yaml", Version: "../../openapi.version", Overlay: overlay, Retired: ret,
		API: filepath.Join(dir, "api"), Root: dir, Surface: filepath.Join(dir, "api_surface.txt")})
	if err == nil || !strings.Contains(err.Error(), "GET /api/users/{userId}/tokens has no name in "+overlay+", but "+ret+" keeps the name it had before: run `make names`") {
		t.Fatalf("want a pointer to the retired name, got %v", err)
	}
}

// go vet's output becomes one line a package, naming what broke.
func TestFailingTests(t *testing.T) {
	out := "--- FAIL: TestTokens (0.01s)\n    tokens_test.go:12: 404\n--- FAIL: TestRotate (0.00s)\n    --- FAIL: TestRotate/sub (0.00s)\nFAIL\nFAIL\tgithub.com/netbird-go/netbird\t0.5s\n" +
		"ok  \tgithub.com/netbird-go/netbird/api\t1.2s\n# github.com/netbird-go/netbird/auth\nauth/x.go:1:1: undefined: y\nFAIL\tgithub.com/netbird-go/netbird/auth [build failed]\n"
	var got []string
	for _, f := range failingTests(out) {
		got = append(got, f.String())
	}
	want := []string{"`github.com/netbird-go/netbird`: TestTokens, TestRotate"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("failingTests:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBrokenPackages(t *testing.T) {
	out := "# github.com/netbird-go/netbird/bench\n# [github.com/netbird-go/netbird/bench]\n" +
		"vet: bench/setup_test.go:135:6: p.IPv6 undefined (type api.PeerBatch has no field or method IPv6)\n" +
		"# github.com/netbird-go/netbird_test [github.com/netbird-go/netbird.test]\n" +
		"./call_test.go:10:2: undefined: api.Foo\n./call_test.go:11:2: undefined: api.Bar\n"
	got := brokenPackages(out)
	want := []string{
		"`github.com/netbird-go/netbird/bench`: bench/setup_test.go:135:6: p.IPv6 undefined (type api.PeerBatch has no field or method IPv6)",
		"`github.com/netbird-go/netbird_test`: ./call_test.go:10:2: undefined: api.Foo; ./call_test.go:11:2: undefined: api.Bar",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Removed identifiers a caller touches come first; the low-level client's
// per-operation ones are counted.
func TestSplitLowLevel(t *testing.T) {
	ops := map[opKey]name{{"GET", "/api/x"}: {"ListXs", "Xs", "List"}, {"POST", "/api/x"}: {"CreateX", "Xs", "Create"}}
	var groups []surfaceGroup
	for _, k := range []string{"netbird: method (XsService) List", "api: type X", "api: type CreateXRequest", "api: field Peer.X",
		"api: type ListXsResponse", "api: func NewListXsRequest", "api: func ParseCreateXResponse", "api: type ListXsParams",
		"api: method (*ClientWithResponses) ListXsWithResponse", "api: method ClientInterface.CreateX"} {
		groups = append(groups, surfaceGroup{key: k})
	}
	callers, lowLevel := splitLowLevel(groups, ops)
	if want := []string{"`netbird: method (XsService) List`", "`api: type X`", "`api: type CreateXRequest`", "`api: field Peer.X`"}; !slices.Equal(callers, want) {
		t.Errorf("callers %q, want %q", callers, want)
	}
	if lowLevel != 6 {
		t.Errorf("%d low-level identifiers, want 6", lowLevel)
	}
}
