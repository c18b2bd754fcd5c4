package netbirdtest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird/internal/sample"
)

// state is the in-memory store of one account. Objects are kept as the
// JSON objects the server answers with (map[string]any), shaped by the
// document's response schemas. The Server's mutex guards it.
type state struct {
	id, domain string
	// managedBy is the account that manages this one (an MSP's child
	// account, see AddChildAccount), "" for none.
	managedBy string
	seq       *uint64              // shared by the server's accounts: ids are unique across them
	records   map[string][]*record // by kind name, in creation order
	tokens    []*token             // of this account's users
	dns       map[string]any       // the account's DNS settings
}

// record is one stored object.
type record struct {
	id     string
	parent string // the network of a network resource or router
	obj    map[string]any
}

// token is a personal access token. Only its hash is kept, as NetBird does.
type token struct {
	id, userID, name, createdBy, hash string
	created, expires, lastUsed        time.Time
}

func newState(id, domain string, seq *uint64) *state {
	return &state{id: id, domain: domain, seq: seq, records: map[string][]*record{}, dns: map[string]any{}}
}

// newID returns the next id: 20 characters of lowercase base32hex, the
// shape of NetBird's xid ids, e.g. "d1c00000000000000001".
func (st *state) newID() string {
	*st.seq++
	n := strconv.FormatUint(*st.seq, 32)
	return "d1c0" + strings.Repeat("0", 16-len(n)) + n
}

func (st *state) find(kind, id string) *record {
	for _, r := range st.records[kind] {
		if r.id == id {
			return r
		}
	}
	return nil
}

func (st *state) add(kind string, r *record) { st.records[kind] = append(st.records[kind], r) }

func (st *state) remove(kind, id string) {
	rs := st.records[kind]
	for i, r := range rs {
		if r.id == id {
			st.records[kind] = append(rs[:i:i], rs[i+1:]...)
			return
		}
	}
}

func (st *state) tokenByHash(hash string) *token {
	for _, t := range st.tokens {
		if t.hash == hash {
			return t
		}
	}
	return nil
}

func (st *state) tokenByID(id string) *token {
	for _, t := range st.tokens {
		if t.id == id {
			return t
		}
	}
	return nil
}

// kind describes a stateful resource: the operations that act on it and
// the hooks for what the server derives rather than stores.
type kind struct {
	name   string // in messages: "<name> not found"
	parent string // the parent kind for nested resources ("network")
	// Operation IDs; "" when NetBird has no such operation.
	list, get, create, update, remove string
	// filter selects objects for list, from the query.
	filter func(c *call, obj map[string]any) bool
	// created fills what a new object gets besides the request's fields.
	created func(c *call, obj map[string]any)
	// saved derives fields after a create or an update.
	saved func(c *call, obj map[string]any)
	// render derives fields at read time, on a copy.
	render func(c *call, obj map[string]any)
	// removed cleans up after a delete.
	removed func(id string)
}

// handler answers one operation. It runs with the Server's mutex held.
type handler func(c *call) response

// crud returns the generic handlers for k's operations.
func (s *Server) crud(k *kind) map[string]handler {
	m := map[string]handler{}
	if k.list != "" {
		m[k.list] = func(c *call) response { return s.listRecords(k, c) }
	}
	if k.get != "" {
		m[k.get] = func(c *call) response {
			r, miss := s.lookup(k, c)
			if r == nil {
				return miss
			}
			return jsonResponse(c.op.success, s.render(k, c, r, c.op.body))
		}
	}
	if k.create != "" {
		m[k.create] = func(c *call) response { return s.createRecord(k, c) }
	}
	if k.update != "" {
		m[k.update] = func(c *call) response {
			r, miss := s.lookup(k, c)
			if r == nil {
				return miss
			}
			r.obj = s.merge(c.op.body, r.obj, c.body).(map[string]any)
			r.obj["id"] = r.id
			if k.saved != nil {
				k.saved(c, r.obj)
			}
			return jsonResponse(c.op.success, s.render(k, c, r, c.op.body))
		}
	}
	if k.remove != "" {
		m[k.remove] = func(c *call) response {
			r, miss := s.lookup(k, c)
			if r == nil {
				return miss
			}
			s.st.remove(k.name, r.id)
			if k.removed != nil {
				k.removed(r.id)
			}
			return s.deleted(c)
		}
	}
	return m
}

// parentOf returns the parent id in c's path, checking that it exists.
func (s *Server) parentOf(k *kind, c *call) (string, *response) {
	if k.parent == "" {
		return "", nil
	}
	id := c.params[c.op.params[0]]
	if s.st.find(k.parent, id) == nil {
		miss := notFound(k.parent, id)
		return "", &miss
	}
	return id, nil
}

// lookup finds the object named by the last path parameter.
func (s *Server) lookup(k *kind, c *call) (*record, response) {
	parent, miss := s.parentOf(k, c)
	if miss != nil {
		return nil, *miss
	}
	id := c.params[c.op.params[len(c.op.params)-1]]
	r := s.st.find(k.name, id)
	if r == nil || r.parent != parent {
		return nil, notFound(k.name, id)
	}
	return r, response{}
}

// notFoundFormats are NetBird's messages for an unknown id, from the
// constructors of its status package (lower-cased, as NetBird sends them).
var notFoundFormats = map[string]string{
	"peer":          "peer not found: %s",
	"posture check": "posture checks: %s not found",
}

// notFound is NetBird's 404 for an unknown id of a kind.
func notFound(kind, id string) response {
	if f, ok := notFoundFormats[kind]; ok {
		return errorResponse(http.StatusNotFound, f, id)
	}
	return errorResponse(http.StatusNotFound, "%s: %s not found", kind, id)
}

func (s *Server) listRecords(k *kind, c *call) response {
	parent, miss := s.parentOf(k, c)
	if miss != nil {
		return *miss
	}
	var items *openapi3.SchemaRef
	if c.op.body != nil && c.op.body.Value != nil {
		items = c.op.body.Value.Items
	}
	out := []any{}
	for _, r := range s.st.records[k.name] {
		if r.parent != parent || k.filter != nil && !k.filter(c, r.obj) {
			continue
		}
		out = append(out, s.render(k, c, r, items))
	}
	return jsonResponse(c.op.success, out)
}

func (s *Server) createRecord(k *kind, c *call) response {
	parent, miss := s.parentOf(k, c)
	if miss != nil {
		return *miss
	}
	r := &record{id: s.st.newID(), parent: parent}
	r.obj = s.merge(c.op.body, s.minimal(c.op.body, ""), c.body).(map[string]any)
	r.obj["id"] = r.id
	if k.created != nil {
		k.created(c, r.obj)
	}
	if k.saved != nil {
		k.saved(c, r.obj)
	}
	s.st.add(k.name, r)
	return jsonResponse(c.op.success, s.render(k, c, r, c.op.body))
}

// deleted is the answer to a successful delete: 200 {} in realistic mode,
// as from NetBird; otherwise what the document declares (most deletes
// declare 200 without content).
func (s *Server) deleted(c *call) response {
	if s.opts.realistic || c.op.body != nil {
		return jsonResponse(c.op.success, map[string]any{})
	}
	return emptyResponse(c.op.success)
}

// render returns a copy of r's object for an answer: derived fields added
// and any required field of schema that is missing filled in.
func (s *Server) render(k *kind, c *call, r *record, schema *openapi3.SchemaRef) map[string]any {
	obj := deepCopy(r.obj).(map[string]any)
	if k.render != nil {
		k.render(c, obj)
	}
	s.complete(schema, obj)
	return obj
}

// complete adds the required properties of schema that obj lacks.
func (s *Server) complete(schema *openapi3.SchemaRef, obj map[string]any) {
	if schema == nil || schema.Value == nil {
		return
	}
	for _, name := range sample.RequiredOf(schema.Value) {
		if _, ok := obj[name]; ok {
			continue
		}
		if p := sample.PropertySchema(schema.Value, name); p != nil {
			obj[name] = s.minimal(p, name)
		} else {
			obj[name] = sample.Undeclared(name)
		}
	}
}

// minimal builds the smallest valid value for schema.
func (s *Server) minimal(schema *openapi3.SchemaRef, name string) any {
	v := sample.Synth{Minimal: true}.Value(schema, name, 0, 0)
	if v == nil && schema != nil && sample.ObjectLike(schema.Value) {
		return map[string]any{}
	}
	return v
}

// merge lays the request value req over base, shaped by schema: object
// properties are merged one by one (properties the schema does not have
// are dropped), arrays are replaced, and a string where the schema wants an
// object with an id (a group id where the answer has a GroupMinimum) becomes
// that object. A scalar of another JSON type than the schema's leaves base as
// it is.
func (s *Server) merge(schema *openapi3.SchemaRef, base, req any) any {
	if schema == nil || schema.Value == nil || req == nil {
		return base
	}
	sch := schema.Value
	switch rv := req.(type) {
	case map[string]any:
		if sample.ObjectLike(sch) {
			out, _ := deepCopy(base).(map[string]any)
			if out == nil {
				out, _ = s.minimal(schema, "").(map[string]any)
				if out == nil {
					out = map[string]any{}
				}
			}
			for k, v := range rv {
				if p := sample.PropertySchema(sch, k); p != nil && p.Value != nil && !p.Value.WriteOnly {
					out[k] = s.merge(p, out[k], v)
				}
			}
			return out
		}
	case []any:
		if sample.SchemaType(sch) == openapi3.TypeArray && sch.Items != nil {
			out := make([]any, 0, len(rv))
			for _, item := range rv {
				if v := s.merge(sch.Items, nil, item); v != nil {
					out = append(out, v)
				}
			}
			return out
		}
	case string:
		if sample.ObjectLike(sch) && sample.PropertySchema(sch, "id") != nil {
			return s.reference(schema, rv)
		}
	}
	if sameType(sch, req) {
		return deepCopy(req)
	}
	return base
}

// sameType reports whether the JSON value v has the type schema s wants.
// Request validation has checked the rest against the request's schema.
func sameType(s *openapi3.Schema, v any) bool {
	switch x := v.(type) {
	case string:
		return sample.SchemaType(s) == openapi3.TypeString
	case bool:
		return sample.SchemaType(s) == openapi3.TypeBoolean
	case float64:
		t := sample.SchemaType(s)
		return t == openapi3.TypeNumber || t == openapi3.TypeInteger && x == math.Trunc(x)
	}
	return false
}

// reference returns the object a request refers to by id: a group's
// GroupMinimum, a peer's PeerMinimum, or else the smallest valid object with
// that id.
func (s *Server) reference(schema *openapi3.SchemaRef, id string) map[string]any {
	switch schema.Ref[strings.LastIndex(schema.Ref, "/")+1:] {
	case "GroupMinimum", "Group":
		if g := s.st.find("group", id); g != nil {
			return groupMinimum(g)
		}
	case "PeerMinimum":
		if p := s.st.find("peer", id); p != nil {
			return map[string]any{"id": id, "name": p.obj["name"]}
		}
	}
	out, _ := s.minimal(schema, "").(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	out["id"] = id
	if _, ok := out["name"]; ok {
		out["name"] = id
	}
	return out
}

// deepCopy copies a JSON value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// jsonValue converts v to the types encoding/json decodes into (float64
// numbers, []any, map[string]any), which the rest of the server expects.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("netbirdtest: %v", err))
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("netbirdtest: %v", err))
	}
	return out
}
