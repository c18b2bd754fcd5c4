package main

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/speakeasy-api/openapi/overlay"
)

// name is one entry of the naming table: the Go names of one operation.
type name struct {
	OperationID string `yaml:"operationId"`
	Service     string `yaml:"x-go-service"`
	Method      string `yaml:"x-go-method"`
}

// opKey identifies an operation by what cannot change without it being a
// different operation: HTTP method and path.
type opKey struct{ Method, Path string }

func (k opKey) String() string { return k.Method + " " + k.Path }

// namingTable maps every operation to its Go names.
type namingTable struct {
	file  string
	names map[opKey]name
	order []opKey          // as written, for messages
	ov    *overlay.Overlay // the file as read: names and fixes

	// The retired names (retired.yaml), if the generator read them: only
	// used to point at a name that can be restored.
	retiredFile string
	retired     map[opKey]name
}

// A naming entry targets one operation: $.paths['/api/users'].get
var namingTarget = regexp.MustCompile(`^\$\.paths\['([^']+)'\]\.(get|put|post|delete|patch|head|options)$`)

var goIdent = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

func readNamingTable(path string) (*namingTable, error) {
	ov, err := overlay.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t := &namingTable{file: path, names: map[opKey]name{}, ov: ov}
	return t, t.add(ov.Actions, false)
}

// add decodes the naming entries among actions into t. Other actions are
// fixes to the document and are skipped, unless onlyNames is set (the
// retired names hold nothing else).
func (t *namingTable) add(actions []overlay.Action, onlyNames bool) error {
	var errs []error
	for _, a := range actions {
		m := namingTarget.FindStringSubmatch(a.Target)
		if m == nil {
			if onlyNames {
				errs = append(errs, fmt.Errorf("%s: %q is not the target of a naming entry ($.paths['/api/...'].get)", t.file, a.Target))
			}
			continue // a fix to the document, not a name
		}
		k := opKey{strings.ToUpper(m[2]), m[1]}
		var n name
		if err := a.Update.Decode(&n); err != nil {
			errs = append(errs, fmt.Errorf("%s: entry for %s: %w", t.file, k, err))
			continue
		}
		for field, v := range map[string]string{"operationId": n.OperationID, "x-go-service": n.Service, "x-go-method": n.Method} {
			if !goIdent.MatchString(v) {
				errs = append(errs, fmt.Errorf("%s: entry for %s: %s %q is not an exported Go name", t.file, k, field, v))
			}
		}
		if _, dup := t.names[k]; dup {
			errs = append(errs, fmt.Errorf("%s: %s is named twice", t.file, k))
		}
		t.put(k, n)
	}
	return errors.Join(errs...)
}

func (t *namingTable) put(k opKey, n name) {
	if _, ok := t.names[k]; !ok {
		t.order = append(t.order, k)
	}
	t.names[k] = n
}

// check compares the table with the document: every operation must have
// exactly one entry, every entry an operation, and every name be unique.
func (t *namingTable) check(doc *openapi3.T) error {
	var errs []error
	inDoc := map[opKey]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			k := opKey{method, path}
			inDoc[k] = true
			if _, ok := t.names[k]; !ok {
				if old, ok := t.retired[k]; ok {
					errs = append(errs, fmt.Errorf("%s has no name in %s, but %s keeps the name it had before: run `make names` to restore it:\n%s", k, t.file, t.retiredFile, entryText(k, old)))
					continue
				}
				errs = append(errs, fmt.Errorf("%s has no name in %s; add:\n%s", k, t.file, suggestEntry(k, op, t)))
			}
		}
	}
	byOp := map[string]opKey{}
	byMethod := map[string]opKey{}
	for _, k := range t.order {
		n := t.names[k]
		if !inDoc[k] {
			errs = append(errs, fmt.Errorf("%s names %s (%s), which the document does not have: move it to the operation's new path to keep the Go name, or run `make names` to keep it in retired.yaml until the operation returns", t.file, k, n.OperationID))
		}
		if other, dup := byOp[n.OperationID]; dup {
			errs = append(errs, fmt.Errorf("%s: operationId %s is used by both %s and %s", t.file, n.OperationID, other, k))
		}
		byOp[n.OperationID] = k
		sm := n.Service + "." + n.Method
		if other, dup := byMethod[sm]; dup {
			errs = append(errs, fmt.Errorf("%s: service method %s is used by both %s and %s", t.file, sm, other, k))
		}
		byMethod[sm] = k
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

// user returns the operation, other than k, whose entry uses one of the
// names of n.
func (t *namingTable) user(n name, k opKey) (opKey, bool) {
	for _, other := range t.order {
		m := t.names[other]
		if other != k && (m.OperationID == n.OperationID || m.Service == n.Service && m.Method == n.Method) {
			return other, true
		}
	}
	return opKey{}, false
}

// suggestEntry proposes a naming-table entry for an operation that has none,
// with names that no entry of taken (the table it joins) already uses.
func suggestEntry(k opKey, op *openapi3.Operation, taken *namingTable) string {
	base := suggestName(k, op)
	n := base
	for i := 2; ; i++ { // a clash the maintainer renames anyway; keep it valid
		if _, used := taken.user(n, k); !used {
			return entryText(k, n)
		}
		n.OperationID, n.Method = base.OperationID+strconv.Itoa(i), base.Method+strconv.Itoa(i)
	}
}

// entryText is one naming-table entry as overlay.yaml and retired.yaml
// write it (two lines, no final newline).
func entryText(k opKey, n name) string {
	return fmt.Sprintf("  - target: $.paths['%s'].%s\n    update: {operationId: %s, x-go-service: %s, x-go-method: %s}",
		k.Path, strings.ToLower(k.Method), n.OperationID, n.Service, n.Method)
}

// suggestName proposes names from method, path and tag, the way the table's
// entries read: GET on a collection lists, GET on an item gets, POST
// creates, PUT updates, DELETE deletes. The noun comes from the path's last
// literal segment and the service from the first tag. The method is the
// bare verb for the service's own resource (Peers.Create, and
// Tokens.List for access-tokens); otherwise
// it names the noun (AgentNetwork.CreateProvider). The operationId names
// the service too, as its neighbours do (CreateAgentNetworkProvider).
func suggestName(k opKey, op *openapi3.Operation) name {
	segs := strings.Split(strings.Trim(k.Path, "/"), "/")
	item := strings.HasPrefix(segs[len(segs)-1], "{")
	var lit []string
	for _, s := range segs {
		if s != "api" && !strings.HasPrefix(s, "{") {
			lit = append(lit, s)
		}
	}
	noun := ""
	if len(lit) > 0 {
		noun = camel(lit[len(lit)-1])
	}
	verb := map[string]string{"GET": "Get", "POST": "Create", "PUT": "Update", "DELETE": "Delete", "PATCH": "Update"}[k.Method]
	if k.Method == "GET" && !item {
		verb = "List"
	}
	if k.Method != "GET" || item {
		noun = singular(noun)
	}
	service := noun
	if op != nil && len(op.Tags) > 0 {
		service = camel(op.Tags[0])
	}
	stem := singular(service)
	if noun == "" || strings.HasSuffix(strings.ToLower(singular(noun)), strings.ToLower(stem)) {
		return name{OperationID: verb + noun, Service: service, Method: verb}
	}
	id := noun
	if !strings.Contains(strings.ToLower(noun), strings.ToLower(stem)) {
		id = stem + noun
	}
	return name{OperationID: verb + id, Service: service, Method: verb + noun}
}

// singular makes a plural noun singular: "Policies" → "Policy", "Peers" → "Peer".
func singular(s string) string {
	if base, ok := strings.CutSuffix(s, "ies"); ok {
		return base + "y"
	}
	return strings.TrimSuffix(s, "s")
}

// camel turns "setup-keys" or "Setup Keys" into "SetupKeys".
func camel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
