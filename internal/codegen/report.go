package main

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// The report of a spec update: what changed in NetBird's document (from
// oasdiff's checker), what that means for the naming table, and what
// changed in the Go API (from api_surface.txt).

// docChanges lists what changed from one release of the document to the
// next, in oasdiff's words: each change once, with the operations it
// concerns, those that break callers first. It also counts those. Prose and
// examples are left out: they change no Go code.
func docChanges(from, to *openapi3.T) (lines []string, breaking int, err error) {
	cfg := diff.NewConfig(diff.WithExcludeElements([]string{
		diff.ExcludeDescriptionOption, diff.ExcludeSummaryOption, diff.ExcludeTitleOption, diff.ExcludeExamplesOption,
	}))
	d, sources, err := diff.GetWithOperationsSourcesMap(cfg, &load.SpecInfo{Spec: from}, &load.SpecInfo{Spec: to})
	if err != nil {
		return nil, 0, fmt.Errorf("oasdiff: %w", err)
	}
	type group struct {
		level checker.Level
		text  string
		ops   []string
	}
	byText := map[string]*group{}
	l := checker.NewDefaultLocalizer()
	for _, c := range checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO) {
		if c.GetId() == "api-version-not-bumped" {
			continue // info.version is not NetBird's release
		}
		text := c.GetUncolorizedText(l)
		g := byText[text]
		if g == nil {
			g = &group{level: c.GetLevel(), text: text}
			byText[text] = g
		}
		if c.GetOperation() != "" {
			g.ops = append(g.ops, "`"+c.GetOperation()+" "+c.GetPath()+"`")
		}
	}
	groups := slices.SortedFunc(maps.Values(byText), func(a, b *group) int {
		return cmp.Or(cmp.Compare(b.level, a.level), strings.Compare(a.text, b.text))
	})
	for _, g := range groups {
		line := g.text
		if g.level == checker.ERR {
			line, breaking = "**breaking:** "+line, breaking+1
		}
		if n := len(g.ops); n > 6 {
			line += fmt.Sprintf(": %s and %d more", strings.Join(g.ops[:6], ", "), n-6)
		} else if n > 0 {
			line += ": " + strings.Join(g.ops, ", ")
		}
		lines = append(lines, line)
	}
	return lines, breaking, nil
}

// renameSuggestion pairs an operation that left the document with a new,
// unnamed one that looks like the same operation under another path.
type renameSuggestion struct {
	from, to opKey
	name     name
	why      string
}

// suggestRenames pairs removed operations with unnamed added ones: same
// method, and the same path but for parameter names or the same summary.
func suggestRenames(removed []opKey, oldOps map[opKey]*openapi3.Operation, oldNames map[opKey]name,
	unnamed []opKey, newOps map[opKey]*openapi3.Operation) []renameSuggestion {
	type cand struct {
		renameSuggestion
		score int
	}
	var cands []cand
	for _, from := range removed {
		for _, to := range unnamed {
			a, b := oldOps[from], newOps[to]
			score, why := 0, []string(nil)
			if pathParam.ReplaceAllString(from.Path, "{}") == pathParam.ReplaceAllString(to.Path, "{}") {
				score, why = score+3, append(why, "the same path but for parameter names")
			}
			if a != nil && b != nil && a.Summary != "" && strings.EqualFold(a.Summary, b.Summary) {
				score, why = score+2, append(why, fmt.Sprintf("the same summary %q", b.Summary))
			}
			if n, named := oldNames[from]; named && from.Method == to.Method && score > 0 {
				cands = append(cands, cand{renameSuggestion{from, to, n, strings.Join(why, ", ")}, score})
			}
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int { return cmp.Compare(y.score, x.score) })
	var out []renameSuggestion
	used := map[opKey]bool{} // a removed operation, or an added one
	for _, c := range cands {
		if !used[c.from] && !used[c.to] {
			used[c.from], used[c.to] = true, true
			out = append(out, c.renameSuggestion)
		}
	}
	slices.SortFunc(out, func(x, y renameSuggestion) int {
		return cmp.Or(strings.Compare(x.to.Path, y.to.Path), methodRank(x.to.Method)-methodRank(y.to.Method))
	})
	return out
}

// pathParam matches a path parameter: /api/peers/{peerId}.
var pathParam = regexp.MustCompile(`\{[^}]*\}`)
