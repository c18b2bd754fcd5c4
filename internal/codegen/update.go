package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird/internal/spec"
)

// `make update-spec` (codegen update) takes a new release of NetBird's
// document:
//
//  1. reads it (a file, or an http(s) URL) and loads it with kin-openapi;
//  2. brings the naming table in step with it (retired.go): names of
//     operations it lacks retire, retired names of operations it has come
//     back, fixes whose target it lacks become dormant;
//  3. applies names and fixes and validates the result, as the generator
//     will: on any error here nothing in the tree has changed;
//  4. writes openapi.yaml, openapi.version, overlay.yaml and retired.yaml;
//  5. stops if an operation has no name, with the entries to paste;
//     otherwise runs `go generate ./...`, `go build ./...`, `go vet ./...`
//     and the fast tests;
//  6. reports what changed (report.go, surfacediff.go) on stdout and at
//     the top of SPEC_CHANGES.md.

// The files of the tree, relative to the module root.
const (
	specFile    = "openapi.yaml"
	versionFile = "openapi.version"
	overlayFile = "internal/codegen/overlay.yaml"
	retiredFile = "internal/codegen/retired.yaml"
	surfaceFile = "api_surface.txt"
	changesFile = "SPEC_CHANGES.md"
	// pendingDir keeps, untracked, the files as they were before an update
	// that stopped for names, so `make update-spec-continue` can finish
	// the same report once the names are pasted.
	pendingDir = ".update-spec"
)

// pendingFiles are the files an update changes whose earlier content its
// report compares with.
var pendingFiles = []string{specFile, versionFile, overlayFile, retiredFile, surfaceFile}

type updateOptions struct {
	Root            string // the module root
	Spec            string // the new document: a path, or an http(s) URL
	Version, Commit string // the NetBird release and commit it comes from
	Date            time.Time
	Out             io.Writer // the report
	Log             io.Writer // progress, and the output of the go command
	// Continue finishes an update that stopped for names, or with none
	// pending takes the vendored document again: names and fixes are
	// brought in step with it, and the tree regenerated and checked (make
	// names). Spec, Version and Commit are unset.
	Continue     bool
	MoveContract bool // move the contract module to the new NetBird release (contract.go)
}

var (
	releaseVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*$`)
	commitID       = regexp.MustCompile(`^([0-9a-f]{7,64}|unknown)$`)
)

func cmdUpdate(args []string) error {
	fs := flag.NewFlagSet("update", flag.ContinueOnError)
	o := updateOptions{Out: os.Stdout, Log: os.Stderr, Date: time.Now().UTC()}
	fs.StringVar(&o.Root, "root", ".", "the module root")
	fs.StringVar(&o.Spec, "spec", "", "the new NetBird OpenAPI document: a path or an http(s) URL")
	fs.StringVar(&o.Version, "version", "", "the NetBird release of the document, e.g. v0.78.0")
	fs.StringVar(&o.Commit, "commit", "unknown", "the NetBird repository commit of the document")
	fs.BoolVar(&o.Continue, "continue", false, "finish the update that stopped for names, after pasting them; with none, bring names and fixes in step with openapi.yaml")
	fs.BoolVar(&o.MoveContract, "contract", true, "move the contract module to the new NetBird release, if the module proxy has it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return runUpdate(o)
}

func runUpdate(o updateOptions) error {
	at := func(rel string) string { return filepath.Join(o.Root, rel) }
	// before is where the files stood before this update: the tree, or
	// what an update that stopped for names kept.
	before := at
	if o.Continue {
		if _, err := os.Stat(filepath.Join(o.Root, pendingDir)); err == nil {
			before = func(rel string) string { return filepath.Join(o.Root, pendingDir, filepath.Base(rel)) }
		}
		v, err := readVersion(at(versionFile))
		if err != nil {
			return err
		}
		o.Spec, o.Version, o.Commit = at(specFile), v.Version, v.Commit
	}
	if o.Spec == "" || o.Version == "" {
		return errors.New("usage: make update-spec SPEC=<path or URL> VERSION=<vX.Y.Z> [COMMIT=<commit>]")
	}
	if !releaseVersion.MatchString(o.Version) {
		return fmt.Errorf("VERSION %q is not a NetBird release such as v0.78.0", o.Version)
	}
	if !commitID.MatchString(o.Commit) {
		return fmt.Errorf("COMMIT %q is not a commit id (hex) or \"unknown\"", o.Commit)
	}
	old := map[string][]byte{} // pendingFiles' content before the update
	for _, f := range pendingFiles {
		b, err := os.ReadFile(before(f))
		if err != nil {
			return err
		}
		old[f] = b
	}
	oldRaw, oldSurface := old[specFile], old[surfaceFile]
	oldVer, err := readVersion(before(versionFile))
	if err != nil {
		return err
	}
	newRaw, err := fetchSpec(o.Spec)
	if err != nil {
		return err
	}
	newDoc, err := loadDoc(newRaw, o.Spec)
	if err != nil {
		return err
	}
	oldDoc, err := loadDoc(oldRaw, specFile)
	if err != nil {
		return err
	}
	plan, err := planNames(o.Root, newRaw, newDoc)
	if err != nil {
		return err
	}
	if o.Continue { // the report compares with the names and fixes as they were
		if plan.before, err = readNamingTable(before(overlayFile)); err != nil {
			return err
		}
		ret, err := readRetired(before(retiredFile))
		if err != nil {
			return err
		}
		plan.rec.fixesBack, plan.rec.fixesGone = without(ret.dormant, plan.rec.dormant), without(plan.rec.dormant, ret.dormant)
	}
	if err := checkNamed(newRaw, plan); err != nil {
		return fmt.Errorf("%s with our names and fixes is not a valid OpenAPI document; nothing was changed:\n%w", o.Spec, err)
	}
	changes, breaking, err := docChanges(oldDoc, newDoc)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(newRaw)
	newVer := specVersion{Version: o.Version, Commit: o.Commit, SHA256: hex.EncodeToString(sum[:])}
	oldOrder, err := operationsInOrder(oldRaw)
	if err != nil {
		return err
	}
	rep := newReport(oldVer, newVer, o.Date, oldDoc, newDoc, oldOrder, plan)
	rep.changes, rep.breaking = changes, breaking
	rep.same = bytes.Equal(oldRaw, newRaw)

	versionText, err := renderVersion(at(versionFile), newVer)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		path string
		b    []byte
	}{
		{at(specFile), newRaw},
		{at(versionFile), versionText},
		{at(overlayFile), plan.overlay},
		{at(retiredFile), plan.retired},
	} {
		if err := writeFile(f.path, f.b); err != nil {
			return err
		}
	}
	finish := func(stop error) error {
		if err := rep.record(at(changesFile), o.Out); err != nil {
			return errors.Join(stop, err)
		}
		return stop
	}
	if n := len(plan.rec.unnamed); n > 0 {
		if err := keepPending(o.Root, old); err != nil {
			return err
		}
		rep.goAPI = fmt.Sprintf("Not regenerated yet: %d operations need names first.", n)
		rep.verdict = fmt.Sprintf("Not finished: %d operations need a name. Paste the entries above into `%s`, then run `make update-spec-continue`; or back out with `%s`.", n, overlayFile, backOut)
		return finish(fmt.Errorf("%s and %s now hold %s, but %d operations have no name, so nothing was regenerated: "+
			"paste the entries under \"Operations that need a name\" above into the naming section of %s (or reuse an old name where a rename is suggested), "+
			"then run `make update-spec-continue`", specFile, versionFile, o.Version, n, overlayFile))
	}
	switch {
	case rep.same:
	case o.MoveContract:
		rep.contract = moveContract(o.Root, o.Version)
	default:
		rep.contract = "The contract module was left alone (the update was run without -contract)."
	}
	if out, err := runGo(o.Root, o.Log, "generate", "./..."); err != nil {
		rep.goAPI = "Not regenerated: `go generate ./...` failed:\n\n```\n" + tail(out, 30) + "```"
		rep.verdict = "Not ready: `go generate ./...` fails (above). Fix the overlay or the generator, or back out with `" + backOut + "`."
		return finish(fmt.Errorf("go generate ./...: %w", err))
	}
	newSurface, err := os.ReadFile(at(surfaceFile))
	if err != nil {
		return err
	}
	rep.surface = diffSurface(string(oldSurface), string(newSurface))
	if out, err := runGo(o.Root, o.Log, "build", "./..."); err != nil {
		rep.goAPI = "Regenerated, but `go build ./...` fails: hand-written code uses what changed:\n\n```\n" + tail(out, 30) + "```"
		rep.verdict = "Not ready: `go build ./...` fails (above): change the hand-written code that uses what the document removed, or back out with `" + backOut + "`."
		return finish(fmt.Errorf("go build ./...: %w", err))
	}
	if out, err := runGo(o.Root, o.Log, "vet", "./..."); err != nil { // vet compiles the tests too
		rep.tests = brokenPackages(out)
	}
	// The fast tests run even where vet failed: go test reports the
	// packages that do not build, and runs the others.
	runFastTests(o.Root, o.Log, rep)
	if n := len(rep.tests) + len(rep.failing); n > 0 {
		rep.verdict = fmt.Sprintf("Not ready: %d packages do not vet or build their tests, and tests fail in %d (under Tests): change the tests or the hand-written code that relies on what the document changed, or back out with `%s`.",
			len(rep.tests), len(rep.failing), backOut)
		return finish(fmt.Errorf("%d packages do not vet, %d fail their tests (see the report)", len(rep.tests), len(rep.failing)))
	}
	rep.verdict = "Ready to commit: regenerated; `go build ./...`, `go vet ./...` and the fast tests pass. Run `make test` before you do."
	if len(rep.flaky) > 0 {
		rep.verdict += fmt.Sprintf(" (Tests in %d packages failed once and passed when run again: see Tests.)", len(rep.flaky))
	}
	if strings.HasPrefix(rep.contract, contractMoved) {
		rep.verdict += " Tidy the contract module first, as said above."
	}
	if err := os.RemoveAll(at(pendingDir)); err != nil {
		return err
	}
	return finish(nil)
}

// namesPlan is the naming table and retired file as a document needs them.
type namesPlan struct {
	before           *namingTable // overlay.yaml's entries before
	rec              *reconciliation
	overlay, retired []byte // the files' new content
}

func planNames(root string, raw []byte, doc *openapi3.T) (*namesPlan, error) {
	ovPath, retPath := filepath.Join(root, overlayFile), filepath.Join(root, retiredFile)
	ovBytes, err := os.ReadFile(ovPath)
	if err != nil {
		return nil, err
	}
	layout, err := readOverlayLayout(ovPath, ovBytes)
	if err != nil {
		return nil, err
	}
	table, err := readNamingTable(ovPath)
	if err != nil {
		return nil, err
	}
	ret, err := readRetired(retPath)
	if err != nil {
		return nil, err
	}
	order, err := operationsInOrder(raw)
	if err != nil {
		return nil, err
	}
	rec := reconcile(table, ret.names, doc, order)
	if rec.dormant, err = unmatchedFixes(table.ov, raw); err != nil {
		return nil, fmt.Errorf("%s: %w", ovPath, err)
	}
	rec.fixesBack, rec.fixesGone = without(ret.dormant, rec.dormant), without(rec.dormant, ret.dormant)
	return &namesPlan{
		before:  table,
		rec:     rec,
		overlay: layout.render(rec.active, order),
		retired: (&retired{names: rec.retired, dormant: rec.dormant}).render(),
	}, nil
}

// checkNamed applies the planned names and fixes to the new document and
// validates the result, as the generator will, without touching the tree.
func checkNamed(raw []byte, plan *namesPlan) error {
	dir, err := os.MkdirTemp("", "netbird-update-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sp, ov := filepath.Join(dir, specFile), filepath.Join(dir, "overlay.yaml")
	if err := os.WriteFile(sp, raw, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(ov, plan.overlay, 0o600); err != nil {
		return err
	}
	named, err := loadNamed(sp, ov, retiredFile, plan.rec.dormant)
	if err == nil {
		err = spec.Validate(named)
	}
	if err != nil {
		return errors.New(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
	}
	return nil
}

// fetchSpec reads the new document from a file or an http(s) URL.
func fetchSpec(src string) ([]byte, error) {
	if !strings.HasPrefix(src, "https://") && !strings.HasPrefix(src, "http://") {
		return os.ReadFile(src)
	}
	u, err := url.Parse(src)
	if err != nil {
		return nil, err
	}
	b, err := openapi3.ReadFromHTTP(&http.Client{Timeout: 2 * time.Minute})(nil, u)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w (download it and pass the file as SPEC instead)", src, err)
	}
	return b, nil
}

// loadDoc loads a document with kin-openapi; it may not refer to other files.
func loadDoc(raw []byte, name string) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable OpenAPI document: %w", name, err)
	}
	return doc, nil
}

// renderVersion rewrites the record of openapi.version, keeping its comments.
func renderVersion(path string, v specVersion) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out strings.Builder
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "#") {
			out.WriteString(line)
		}
	}
	fmt.Fprintf(&out, "version: %s\ncommit: %s\nsha256: %s\n", v.Version, v.Commit, v.SHA256)
	return []byte(out.String()), nil
}

// runGo runs the go command in dir and returns its output. The output of a
// success goes to log; that of a failure only back to the caller, whose
// report shows it, so it is printed once. Log also gets how long it took.
func runGo(dir string, log io.Writer, args ...string) (string, error) {
	start := time.Now()
	var buf bytes.Buffer
	cmd := exec.CommandContext(context.Background(), "go", args...)
	cmd.Dir = dir
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	err := cmd.Run()
	if err == nil {
		_, _ = log.Write(buf.Bytes())
	}
	fmt.Fprintf(log, "update-spec: go %s took %s\n", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return buf.String(), err
}

// splitLowLevel separates the removed identifiers a caller of the services
// touches (the root package's, and api's models, fields and enums) from
// those of api's low-level client that only belong to one operation:
// identifiers named after an operation (ListPeersResponse, NewListPeersRequest,
// ListPeersParams) and the generated clients' methods.
func splitLowLevel(groups []surfaceGroup, ops map[opKey]name) (callers []string, lowLevel int) {
	perOperation := func(id string) bool {
		if strings.HasPrefix(strings.TrimLeft(id, "(*"), "Client") {
			return true // a method of Client, ClientWithResponses or their interfaces
		}
		built := strings.HasPrefix(id, "New") || strings.HasPrefix(id, "Parse") // NewXRequest, ParseXResponse
		id = strings.TrimPrefix(strings.TrimPrefix(id, "New"), "Parse")
		for _, n := range ops {
			rest, ok := strings.CutPrefix(id, n.OperationID)
			if ok && rest != "" && (built || strings.HasPrefix(rest, "Response") || strings.HasPrefix(rest, "Params") || strings.HasPrefix(rest, "JSON")) {
				return true // not CreateSetupKeyRequest, a model of the document
			}
		}
		return false
	}
	for _, g := range groups {
		pkg, rest, _ := strings.Cut(g.key, ": ")
		_, id, _ := strings.Cut(rest, " ")
		if pkg == "api" && perOperation(id) {
			lowLevel++
		} else {
			callers = append(callers, g.String())
		}
	}
	return callers, lowLevel
}

// keepPending saves the files as they were before the update into
// pendingDir, for `make update-spec-continue`.
func keepPending(root string, old map[string][]byte) error {
	dir := filepath.Join(root, pendingDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for f, b := range old {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// without returns the items of a that b lacks.
func without(a, b []string) []string {
	return slices.DeleteFunc(slices.Clone(a), func(s string) bool { return slices.Contains(b, s) })
}

// backOut undoes an update: it only rewrites files git tracks.
const backOut = "git checkout -- ."

// brokenPackages reads go vet's output: one line a package that fails,
// with its first errors (which name the identifiers it used).
func brokenPackages(out string) []string {
	var pkgs []string
	var errs []string
	flush := func() {
		if len(pkgs) > 0 && len(errs) > 0 {
			pkgs[len(pkgs)-1] += ": " + strings.Join(errs[:min(3, len(errs))], "; ")
		}
		errs = nil
	}
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "# ["): // the same package, as its test variant
		case strings.HasPrefix(line, "# "):
			flush()
			pkg, _, _ := strings.Cut(strings.TrimPrefix(line, "# "), " ")
			pkgs = append(pkgs, "`"+pkg+"`")
		case line != "" && len(pkgs) > 0 && !strings.HasPrefix(line, "update-spec"):
			errs = append(errs, strings.TrimPrefix(line, "vet: "))
		}
	}
	flush()
	if len(pkgs) == 0 {
		pkgs = []string{"(go vet named no package)\n\n```\n" + tail(out, 20) + "```"}
	}
	return pkgs
}

// fastPackages are the test packages an update runs: the client, the
// models, auth and the sandbox (the generator's own tests and the
// benchmarks take minutes).
var fastPackages = []string{".", "./api/", "./auth/", "./netbirdtest/", "./internal/spec/"}

// testFailure is a package whose tests fail, with the top-level tests
// that failed.
type testFailure struct {
	pkg   string
	tests []string
}

func (f testFailure) String() string {
	s := "`" + f.pkg + "`"
	switch {
	case len(f.tests) > 8:
		s += fmt.Sprintf(": %s and %d more", strings.Join(f.tests[:8], ", "), len(f.tests)-8)
	case len(f.tests) > 0:
		s += ": " + strings.Join(f.tests, ", ")
	}
	return s
}

// failingTests reads go test's output: the packages that fail, with the
// tests that failed in them. Packages whose tests do not build are left
// out: go vet, which runs first, reports them with their errors.
func failingTests(out string) []testFailure {
	var fails []testFailure
	var tests []string
	for line := range strings.Lines(out) {
		switch {
		case strings.HasPrefix(line, "--- FAIL: "): // a top-level test; subtests are indented
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "--- FAIL: "), " ")
			tests = append(tests, name)
		case strings.HasPrefix(line, "FAIL\t"):
			if !strings.Contains(line, "[build failed]") {
				fails = append(fails, testFailure{pkg: strings.Fields(line)[1], tests: tests})
			}
			tests = nil
		}
	}
	return fails
}

// runFastTests runs the fast test packages, and the tests that fail once
// more on their own: a test that then passes failed for the machine's
// load, not for the update, and is listed apart.
func runFastTests(root string, log io.Writer, rep *report) {
	out, err := runGo(root, log, append([]string{"test", "-count=1"}, fastPackages...)...)
	if err == nil {
		return
	}
	fails := failingTests(out)
	if len(fails) == 0 && !strings.Contains(out, "[build failed]") {
		rep.failing = []string{"(go test named no package)\n\n```\n" + tail(out, 20) + "```"}
		return
	}
	for _, f := range fails {
		if len(f.tests) > 0 {
			again := []string{"test", "-count=1", "-run", "^(" + strings.Join(f.tests, "|") + ")$", f.pkg}
			if _, err := runGo(root, io.Discard, again...); err == nil {
				rep.flaky = append(rep.flaky, f.String())
				continue
			}
		}
		rep.failing = append(rep.failing, f.String())
	}
}

// tail returns the last n lines of s, ending with a newline.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n") + "\n"
}

// report is what one update changes, for people: printed, and kept in
// SPEC_CHANGES.md.
type report struct {
	from, to       specVersion
	date           time.Time
	same           bool // the document did not change
	oldOps, newOps map[opKey]*openapi3.Operation
	oldNames       map[opKey]name // overlay.yaml before
	removed, added []opKey
	changes        []string // what changed in the document (docChanges)
	breaking       int      // how many of those break callers
	rec            *reconciliation
	renames        []renameSuggestion
	oldN, newN     [2]int // operations and schemas, before and after
	surface        *surfaceDiff
	goAPI          string   // why the Go API part is missing or incomplete
	tests          []string // packages go vet refuses, with their first errors
	failing        []string // packages whose tests fail, with the tests
	flaky          []string // tests that failed, then passed on their own
	contract       string   // what the update did to the contract module
	verdict        string   // the last line: ready, or what to do next
}

func newReport(from, to specVersion, date time.Time, oldDoc, newDoc *openapi3.T, oldOrder []opKey, plan *namesPlan) *report {
	r := &report{from: from, to: to, date: date, rec: plan.rec, oldNames: plan.before.names,
		oldOps: map[opKey]*openapi3.Operation{}, newOps: plan.rec.opsByKey}
	for _, k := range oldOrder {
		r.oldOps[k] = oldDoc.Paths.Value(k.Path).GetOperation(k.Method)
		if r.newOps[k] == nil {
			r.removed = append(r.removed, k)
		}
	}
	for _, k := range plan.rec.docOrder {
		if r.oldOps[k] == nil {
			r.added = append(r.added, k)
		}
	}
	r.renames = suggestRenames(r.removed, r.oldOps, r.oldNames, plan.rec.unnamed, r.newOps)
	r.oldN = [2]int{len(oldOrder), len(oldDoc.Components.Schemas)}
	r.newN = [2]int{len(plan.rec.docOrder), len(newDoc.Components.Schemas)}
	return r
}

func short(s string, n int) string { return s[:min(n, len(s))] }

// goNames is ": `ListPeers` (`c.Peers.List`)", or "" for no name.
func goNames(n name) string {
	if n.OperationID == "" {
		return ""
	}
	return fmt.Sprintf(": `%s` (`c.%s.%s`)", n.OperationID, n.Service, n.Method)
}

// markdown renders the report as a SPEC_CHANGES.md entry.
func (r *report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("## %s → %s (%s)\n\n", r.from.Version, r.to.Version, r.date.Format("2006-01-02"))
	p("NetBird commit %s → %s; `openapi.yaml` sha256 %s… → %s…. Operations: %d → %d; schemas: %d → %d.\n",
		short(r.from.Commit, 12), short(r.to.Commit, 12), short(r.from.SHA256, 12), short(r.to.SHA256, 12), r.oldN[0], r.newN[0], r.oldN[1], r.newN[1])
	if r.same {
		p("\nThe document did not change.\n")
	}
	// sub writes items under head, list a section of them; either writes
	// nothing if there are none.
	sub := func(head string, items []string) {
		if len(items) > 0 {
			p("\n%s\n\n", head)
			for _, it := range items {
				p("- %s\n", it)
			}
		}
	}
	list := func(title, intro string, items []string) {
		head := fmt.Sprintf("### %s (%d)", title, len(items))
		if intro != "" {
			head += "\n\n" + intro
		}
		sub(head, items)
	}
	var removed, added, renames []string
	for _, k := range r.removed {
		removed = append(removed, fmt.Sprintf("`%s`%s", k, goNames(r.oldNames[k])))
	}
	for _, k := range r.added {
		switch n, ok := r.rec.active.names[k]; {
		case ok && slices.Contains(r.rec.restored, k):
			added = append(added, fmt.Sprintf("`%s`%s, the name it had before (restored from `%s`)", k, goNames(n), retiredFile))
		case ok:
			added = append(added, fmt.Sprintf("`%s`%s", k, goNames(n)))
		default:
			added = append(added, fmt.Sprintf("`%s`: no name yet", k))
		}
	}
	for _, s := range r.renames {
		renames = append(renames, fmt.Sprintf("`%s` → `%s` (%s). To keep its Go names%s, use this entry instead of the suggestion above:\n\n  ```yaml\n%s\n  ```",
			s.from, s.to, s.why, goNames(s.name), "  "+strings.ReplaceAll(entryText(s.to, s.name), "\n", "\n  ")))
	}
	list("Operations removed", fmt.Sprintf("Their names are kept in `%s` and come back with the operations.", retiredFile), removed)
	list("Operations added", "", added)
	if len(r.rec.unnamed) > 0 {
		p("\n### Operations that need a name (%d)\n\n", len(r.rec.unnamed))
		p("Generation fails until every operation has a name. Paste these entries into the naming section of `%s`, change the names as you see fit, then run `make update-spec-continue`, which puts them in their place and finishes this update:\n\n```yaml\n", overlayFile)
		for _, k := range r.rec.unnamed {
			p("%s\n", suggestEntry(k, r.newOps[k], r.rec.active))
		}
		p("```\n")
	}
	list("Possible renames", "", renames)
	list("Changes to the document", fmt.Sprintf("In oasdiff's words, each with the operations it concerns; %d break programs that call the API.", r.breaking), r.changes)
	list("Names and fixes", "", r.rec.notes(r.to.Version, r.same))

	p("\n### Go API (`%s`)\n\n", surfaceFile)
	if r.goAPI != "" {
		p("%s\n\n", r.goAPI)
	}
	switch s := r.surface; {
	case s == nil && r.goAPI == "":
		p("Not compared.\n")
	case s == nil:
	case s.nRemoved+s.nAdded+len(s.changed) == 0:
		p("No exported identifier of `api` or `netbird` changed.\n")
	default:
		p("%d identifiers removed and %d changed (these break programs that use them), %d added.\n", s.nRemoved, len(s.changed), s.nAdded)
		callers, lowLevel := splitLowLevel(s.removed, r.oldNames)
		if lowLevel > 0 {
			callers = append(callers, fmt.Sprintf("and %d identifiers of `api`'s low-level client for the removed operations (request builders, response wrappers, parameter types, client methods)", lowLevel))
		}
		var changed []string
		for _, c := range s.changed {
			changed = append(changed, fmt.Sprintf("`%s`\n  → `%s`", c[0], c[1]))
		}
		sub("Removed (models, fields and enums of `api`, then the services of `netbird`):", callers)
		sub("Changed:", changed)
		sub("Added:", s.added)
	}
	list("Tests that no longer compile", "", r.tests)
	list("Tests that fail", "", r.failing)
	list("Tests that failed once and passed when run again (the machine's load, not the update)", "", r.flaky)
	if r.contract != "" {
		p("\n### The real server (`contract/`)\n\n%s\n", r.contract)
	}
	if r.verdict != "" {
		p("\n**Verdict:** %s\n", r.verdict)
	}
	return b.String()
}

const changesHeader = `# Changes to NetBird's API document

Each ` + "`make update-spec`" + ` that changes ` + "`openapi.yaml`" + ` adds an entry here, newest
first: what changed in NetBird's OpenAPI document, what that did to our
names, and what it changes for Go programs that use netbird-go.
`

// record prints the report and, if the document changed, puts it at the
// top of SPEC_CHANGES.md, in place of the entry of the same update if it
// stopped for names before.
func (r *report) record(changesPath string, out io.Writer) error {
	md := r.markdown()
	fmt.Fprint(out, md)
	if r.same {
		return nil
	}
	b, err := os.ReadFile(changesPath)
	if errors.Is(err, os.ErrNotExist) {
		b, err = []byte(changesHeader), nil
	}
	if err != nil {
		return err
	}
	head, rest, _ := strings.Cut(string(b), "\n## ")
	// The entry of the same update, written when it stopped for names, is
	// replaced: one update, one entry.
	if strings.HasPrefix(rest, fmt.Sprintf("%s → %s (", r.from.Version, r.to.Version)) {
		_, rest, _ = strings.Cut(rest, "\n## ")
	}
	if rest != "" {
		rest = "\n## " + rest
	}
	text := strings.TrimRight(strings.TrimRight(head, "\n")+"\n\n"+md+rest, "\n") + "\n"
	return writeFile(changesPath, []byte(text))
}
