package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bytedance/sonic"
	gojson "github.com/goccy/go-json"
	jsoniter "github.com/json-iterator/go"
	segjson "github.com/segmentio/encoding/json"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/internal/opcall"
	"github.com/netbird-go/netbird/internal/spec"
	"github.com/netbird-go/netbird/netbirdtest"
)

// The decode benchmarks ask whether another JSON decoder would pay for
// itself (issue 17, "Decode speed"): each decoder decodes the same
// pre-encoded answers, with no HTTP in between, and TestDecodersAgree checks
// that it decodes our types to the values encoding/json gives. The client
// itself still uses encoding/json; nothing here changes it.

// decoder is one way to decode a JSON document into a value.
type decoder struct {
	name      string
	unmarshal func(data []byte, v any) error
}

// decoders are encoding/json (first: the ratios compare with it) and the
// candidates, each in its encoding/json-compatible form. decode_jsonv2_test.go
// adds encoding/json/v2 under GOEXPERIMENT=jsonv2.
var decoders = []decoder{
	{"std", json.Unmarshal},
	// What the client does with long lists: a json.Decoder over the body,
	// as strict as json.Unmarshal about trailing data.
	{"std-stream", func(data []byte, v any) error {
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(v); err != nil {
			return err
		}
		if dec.More() {
			return errors.New("more data after the JSON value")
		}
		return nil
	}},
	{"goccy", gojson.Unmarshal},
	{"segmentio", segjson.Unmarshal},
	{"jsoniter", jsoniter.ConfigCompatibleWithStandardLibrary.Unmarshal},
	// ConfigStd: strings copied out of the input and validated as UTF-8,
	// as encoding/json does (the default config aliases the input).
	{"sonic", sonic.ConfigStd.Unmarshal},
}

// decodeCase is one document and the type it decodes into.
type decodeCase struct {
	name string
	data []byte
	typ  reflect.Type
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// BenchmarkDecode decodes the benchmark server's answers, already in
// memory: one api.Peer (GetPeer) and lists of 1,000 and 10,000
// api.PeerBatch (ListPeers).
func BenchmarkDecode(b *testing.B) {
	f := getFixture()
	cases := []decodeCase{
		{"peers=1", f.peer, typeOf[api.Peer]()},
		{"peers=1000", f.peers[1000], typeOf[[]api.PeerBatch]()},
		{"peers=10000", f.peers[10000], typeOf[[]api.PeerBatch]()},
	}
	for _, c := range cases {
		for _, d := range decoders {
			b.Run(c.name+"/dec="+d.name, func(b *testing.B) {
				// Once before timing: type caches, sonic's JIT.
				if err := d.unmarshal(c.data, reflect.New(c.typ).Interface()); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.SetBytes(int64(len(c.data)))
				for b.Loop() {
					if err := d.unmarshal(c.data, reflect.New(c.typ).Interface()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// ---- agreement ---------------------------------------------------------------

// outcome is what one decoder made of one document.
type outcome struct {
	value    any    // the decoded value (a pointer), when err is empty
	err      string // the error, if any
	panicked bool
}

func decodeInto(d decoder, data []byte, typ reflect.Type) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			o = outcome{err: fmt.Sprint("panic: ", r), panicked: true}
		}
	}()
	v := reflect.New(typ).Interface()
	if err := d.unmarshal(data, v); err != nil {
		return outcome{err: err.Error()}
	}
	return outcome{value: v}
}

// disagreement says how got differs from encoding/json's want, or "".
func disagreement(want, got outcome) string {
	switch {
	case got.panicked:
		return got.err
	case want.err != "" && got.err == "":
		return "accepts what encoding/json refuses (" + want.err + ")"
	case want.err == "" && got.err != "":
		return "refuses what encoding/json accepts: " + got.err
	case want.err != "":
		return "" // both refuse; the messages may differ
	case !reflect.DeepEqual(want.value, got.value):
		return "decodes another value: " + firstDifference(want.value, got.value)
	}
	return ""
}

// firstDifference names the first place where a and b differ, for the
// test's report.
func firstDifference(a, b any) string {
	var walk func(path string, x, y reflect.Value) string
	walk = func(path string, x, y reflect.Value) string {
		if x.Kind() != y.Kind() {
			return path + ": kinds differ"
		}
		switch x.Kind() {
		case reflect.Pointer, reflect.Interface:
			if x.IsNil() || y.IsNil() {
				if x.IsNil() != y.IsNil() {
					return fmt.Sprintf("%s: nil %v, want nil %v", path, y.IsNil(), x.IsNil())
				}
				return ""
			}
			return walk(path, x.Elem(), y.Elem())
		case reflect.Slice:
			if x.IsNil() != y.IsNil() {
				return fmt.Sprintf("%s: nil slice %v, want %v", path, y.IsNil(), x.IsNil())
			}
			if x.Type().Elem().Kind() == reflect.Uint8 && !bytes.Equal(x.Bytes(), y.Bytes()) {
				return fmt.Sprintf("%s: %q, want %q", path, y.Bytes(), x.Bytes())
			}
			if x.Len() != y.Len() {
				return fmt.Sprintf("%s: length %d, want %d", path, y.Len(), x.Len())
			}
			for i := range x.Len() {
				if d := walk(fmt.Sprintf("%s[%d]", path, i), x.Index(i), y.Index(i)); d != "" {
					return d
				}
			}
		case reflect.Map:
			if x.IsNil() != y.IsNil() || x.Len() != y.Len() {
				return fmt.Sprintf("%s: map of %d (nil %v), want %d (nil %v)", path, y.Len(), y.IsNil(), x.Len(), x.IsNil())
			}
			for _, k := range x.MapKeys() {
				if d := walk(fmt.Sprintf("%s[%v]", path, k), x.MapIndex(k), y.MapIndex(k)); d != "" {
					return d
				}
			}
		case reflect.Struct:
			if x.Type() == reflect.TypeFor[time.Time]() {
				tx, ty := valueOf[time.Time](x), valueOf[time.Time](y)
				if !reflect.DeepEqual(tx, ty) {
					return fmt.Sprintf("%s: %s, want %s", path, ty.Format(time.RFC3339Nano), tx.Format(time.RFC3339Nano))
				}
				return ""
			}
			for i := range x.NumField() {
				if d := walk(path+"."+x.Type().Field(i).Name, x.Field(i), y.Field(i)); d != "" {
					return d
				}
			}
		default:
			if x.CanInterface() && y.CanInterface() {
				if !reflect.DeepEqual(x.Interface(), y.Interface()) {
					return fmt.Sprintf("%s: %#v, want %#v", path, y.Interface(), x.Interface())
				}
			} else if fmt.Sprint(x) != fmt.Sprint(y) {
				return fmt.Sprintf("%s: %v, want %v", path, y, x)
			}
		}
		return ""
	}
	return walk("", reflect.ValueOf(a), reflect.ValueOf(b))
}

// valueOf returns v's value, or T's zero value where reflect may not read
// it (an unexported field).
func valueOf[T any](v reflect.Value) T {
	if v.CanInterface() {
		return v.Interface().(T)
	}
	var zero T
	return zero
}

// known are the disagreements each decoder has with encoding/json on our
// types, found by TestDecodersAgree: by decoder, then case name, a word on
// what differs. The test fails on any other disagreement, and on a known one
// that is gone, so this table stays what the decoders do.
var known = map[string]map[string]string{
	"goccy": {},
	"segmentio": {
		"edge/key-unicode-fold": "does not fold the Kelvin sign (U+212A) to k in keys",
		"deep/arrays-into-any":  "no depth limit; quadratic into any: 0.7 s at 10,000 deep, 18 s at 40,000",
	},
	"jsoniter": {
		"edge/key-unicode-fold":   "no Unicode case folding of keys (ſ, K)",
		"edge/unknown-huge-float": "refuses 1e999999 in an unknown field that encoding/json skips",
		"edge/raw-message":        "null into a json.RawMessage gives nil, not the bytes null",
		"edge/raw-message-null":   "null into a json.RawMessage gives nil, not the bytes null",
		"edge/invalid-utf8":       "keeps invalid UTF-8 as is, where encoding/json writes U+FFFD",
		"edge/nul":                "accepts a NUL byte after the document",
	},
	"sonic": {
		"edge/key-unicode-fold":    "no Unicode case folding of keys (ſ, K)",
		"edge/nested-5000-unknown": "refuses nesting deeper than 4,096 (encoding/json: 10,000)",
		"edge/nested-5000-union":   "refuses nesting deeper than 4,096 (encoding/json: 10,000)",
	},
}

// TestDecodersAgree decodes the same documents with every decoder and
// compares with encoding/json: the benchmark fixtures, every answer the
// sandbox gives (strict and realistic) to the sample calls of every
// operation, and hand-written edge cases. A decoder must agree on the
// value, and on whether the document is refused; it must never panic.
func TestDecodersAgree(t *testing.T) {
	var cases []decodeCase
	f := getFixture()
	cases = append(cases,
		decodeCase{"fixture/peer", f.peer, typeOf[api.Peer]()},
		decodeCase{"fixture/token", f.token, typeOf[api.PersonalAccessTokenGenerated]()},
		decodeCase{"fixture/not-found", f.notFound, typeOf[api.ErrorResponse]()},
	)
	for _, n := range listSizes {
		cases = append(cases, decodeCase{fmt.Sprintf("fixture/peers=%d", n), f.peers[n], typeOf[[]api.PeerBatch]()})
	}
	sandbox := sandboxAnswers(t)
	if len(sandbox) < 100 {
		t.Errorf("only %d sandbox answers recorded", len(sandbox))
	}
	cases = append(cases, sandbox...)
	cases = append(cases, edgeCases()...)
	t.Logf("%d documents: %d fixtures, %d sandbox answers, %d edge cases", len(cases), 3+len(listSizes), len(sandbox), len(cases)-3-len(listSizes)-len(sandbox))

	seen := map[string]map[string]bool{}
	for _, c := range cases {
		want := decodeInto(decoders[0], c.data, c.typ)
		if want.panicked {
			t.Fatalf("%s: encoding/json %s", c.name, want.err)
		}
		for _, d := range decoders[1:] {
			diff := disagreement(want, decodeInto(d, c.data, c.typ))
			if diff == "" {
				continue
			}
			if seen[d.name] == nil {
				seen[d.name] = map[string]bool{}
			}
			seen[d.name][c.name] = true
			if _, ok := known[d.name][c.name]; ok {
				t.Logf("%s, %s (known): %s", d.name, c.name, diff)
				continue
			}
			t.Errorf("%s, %s: %s", d.name, c.name, diff)
		}
	}
	for _, d := range decoders[1:] {
		for name := range known[d.name] {
			if !strings.HasPrefix(name, "deep/") && !seen[d.name][name] {
				t.Errorf("%s, %s: known as a disagreement, but the decoders agree now", d.name, name)
			}
		}
	}
}

// recordingTransport keeps the body of the last answer it passes on.
type recordingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	last []byte
	ct   string
	code int
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	rt.mu.Lock()
	rt.last, rt.ct, rt.code = b, resp.Header.Get("Content-Type"), resp.StatusCode
	rt.mu.Unlock()
	return resp, nil
}

// sandboxAnswers calls every operation of the document through its service
// method, on a strict and a realistic sandbox (reads first, then writes, so
// the reads see the seeded account), and returns each 2xx JSON answer with
// the type the method decodes it into.
func sandboxAnswers(t *testing.T) []decodeCase {
	t.Helper()
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	ops := opcall.Operations(doc)
	slices.SortStableFunc(ops, func(a, b opcall.Op) int {
		return bool2int(a.Method != http.MethodGet) - bool2int(b.Method != http.MethodGet)
	})
	var out []decodeCase
	for _, mode := range []string{"strict", "realistic"} {
		var opts []netbirdtest.Option
		if mode == "realistic" {
			opts = append(opts, netbirdtest.WithRealistic())
		}
		srv := netbirdtest.NewServer(t, opts...)
		rt := &recordingTransport{next: srv.Client().Transport}
		c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()}, netbird.WithTransport(rt), netbird.WithoutRetries())
		if err != nil {
			t.Fatal(err)
		}
		ids := srv.SampleIDs()
		for _, o := range ops {
			m, args, err := opcall.Prepare(context.Background(), c, o, ids)
			if err != nil {
				t.Fatal(err)
			}
			rt.mu.Lock()
			rt.last, rt.code = nil, 0
			rt.mu.Unlock()
			res := m.Call(args)
			if len(res) != 2 {
				continue // no value: deletes
			}
			rt.mu.Lock()
			body, ct, code := rt.last, rt.ct, rt.code
			rt.mu.Unlock()
			if code/100 != 2 || len(body) == 0 || !strings.Contains(ct, "json") {
				continue
			}
			typ := res[0].Type()
			if typ.Kind() == reflect.Pointer {
				typ = typ.Elem()
			}
			out = append(out, decodeCase{fmt.Sprintf("sandbox-%s/%s", mode, o.ID), body, typ})
		}
	}
	return out
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rawHolder has json.RawMessage fields, as a caller's own type would.
type rawHolder struct {
	Raw  json.RawMessage  `json:"raw"`
	Ptr  *json.RawMessage `json:"ptr"`
	Rest []json.RawMessage
}

// edgeCases are hand-written documents on the points where decoders are
// known to part from encoding/json.
func edgeCases() []decodeCase {
	peer := typeOf[api.Peer]()
	peers := typeOf[[]api.PeerBatch]()
	channel := typeOf[api.NotificationChannelResponse]()
	token := typeOf[api.PersonalAccessTokenGenerated]()
	c := func(name, doc string, typ reflect.Type) decodeCase {
		return decodeCase{"edge/" + name, []byte(doc), typ}
	}
	return []decodeCase{
		// Unknown fields are skipped, whatever they hold.
		c("unknown-fields", `{"id":"a","future":{"x":[1,2.5e3,{"y":null}],"z":"\u00e9"},"name":"n","also_new":[true,false]}`, peer),
		c("unknown-bad-escape", `{"id":"a","x":"\q"}`, peer),
		c("unknown-control-char", "{\"id\":\"a\",\"x\":\"\x01\"}", peer),
		c("unknown-bad-number", `{"id":"a","x":01}`, peer),
		c("unknown-bad-literal", `{"id":"a","x":[nul]}`, peer),
		c("unknown-huge-float", `{"id":"a","x":1e999999}`, peer),
		c("unknown-fields-list", `[{"id":"a","future":[[]]},{"new":{}}]`, peers),
		// encoding/json matches keys case-insensitively; the last one wins.
		c("key-case", `{"ID":"upper","Name":"n","CONNECTED":true}`, peer),
		c("duplicate-keys", `{"id":"first","id":"second"}`, peer),
		c("key-escaped", `{"\u0069d":"a","na\u006De":"n"}`, peer),
		c("key-unicode-fold", `{"hoſtname":"long s","\u212Aernel_version":"kelvin"}`, peer),
		c("map-field", `{"type":"webhook","target":{"url":"u","headers":{"A":"1","A":"2","b":null}}}`, channel),
		// NetBird sends null for empty arrays.
		c("null-arrays", `{"id":"a","groups":null,"extra_dns_labels":null}`, peer),
		c("null-list", `null`, peers),
		c("null-element", `[null,{"id":"b"}]`, peers),
		c("empty-arrays", `{"groups":[],"extra_dns_labels":[]}`, peer),
		c("null-scalars", `{"connected":null,"name":null,"geoname_id":null}`, peer),
		c("null-time", `{"created_at":null,"ipv6":null,"local_flags":null}`, peer),
		c("null-object", `null`, peer),
		// Times as NetBird writes them, and in other zones.
		c("time-micro", `{"created_at":"2025-06-02T09:30:00.123456Z","last_seen":"2025-06-02T09:30:00Z"}`, peer),
		c("time-zones", `{"created_at":"2025-06-02T11:30:00.123456+02:00","last_login":"2025-06-01T23:00:00.5-10:30","last_seen":"2025-06-02T09:30:00.123456789Z"}`, peer),
		c("time-bad", `{"created_at":"2025-13-02T09:30:00Z"}`, peer),
		c("time-not-rfc3339", `{"created_at":"2025-06-02 09:30:00"}`, peer),
		c("time-number", `{"created_at":1748856600}`, peer),
		c("time-lowercase", `{"created_at":"2025-06-02t09:30:00z"}`, peer),
		c("time-hour-24", `{"created_at":"2025-06-02T24:00:00Z"}`, peer),
		c("time-leap-second", `{"created_at":"2016-12-31T23:59:60Z"}`, peer),
		c("time-offset-no-colon", `{"created_at":"2025-06-02T09:30:00+0200"}`, peer),
		c("time-escaped", `{"created_at":"2025\u002d06-02T09:30:00Z"}`, peer),
		c("time-space", `{"created_at": "2025-06-02T09:30:00Z" }`, peer),
		// Unions keep the target's bytes as json.RawMessage.
		c("union-webhook", `{"type":"webhook","enabled":true,"event_types":["peer.add"],"target": { "url" : "https://hooks.example.com/x",  "headers":{"X-Key":"***"} } ,"id":"c1"}`, channel),
		c("union-email", `{"type":"email","enabled":false,"event_types":[],"target":{"emails":["a@example.com","b@example.com"]}}`, channel),
		c("union-null", `{"type":"email","target":null}`, channel),
		c("union-scalar", `{"type":"email","target":"not an object"}`, channel),
		c("union-escapes", `{"type":"webhook","target":{"url":"https://x/\u00e9\/\"q\""}}`, channel),
		c("raw-message", `{"raw": [ 1 , {"a" : "b"} ] ,"ptr":{"n":null},"Rest":[ 1, "two" ,null]}`, typeOf[rawHolder]()),
		c("raw-message-null", `{"raw":null,"ptr":null}`, typeOf[rawHolder]()),
		// api.Secret decodes as the plain string.
		c("secret", `{"personal_access_token":{"id":"t","name":"n","created_at":"2025-06-02T09:30:00Z","created_by":"u","expiration_date":"2025-07-02T09:30:00Z"},"plain_token":"nbp_F3f0d7rbEHQfS1kHWQrG9YB1vp0SRz2HMy1b"}`, token),
		c("secret-escaped", `{"plain_token":"nbp_\u0046\u00e9\"\\\/\b\f\n\r\t"}`, token),
		c("secret-number", `{"plain_token":12345}`, token),
		// Strings: escapes, invalid UTF-8 (encoding/json writes U+FFFD),
		// lone surrogates, raw control characters (refused).
		c("escapes", `{"name":"a\u00e9\"\\\/\b\f\n\r\t\u003c\u2028\ud83d\ude00"}`, peer),
		c("invalid-utf8", "{\"name\":\"a\xff\xfeb\",\"os\":\"\xc3\"}", peer),
		c("lone-surrogate", `{"name":"a\ud800b","os":"\udc00"}`, peer),
		c("control-char", "{\"name\":\"a\x01b\"}", peer),
		c("bad-escape", `{"name":"a\qb"}`, peer),
		// Numbers into int fields: in range, out of range, not integers.
		c("int-max", `{"geoname_id":9223372036854775807,"accessible_peers_count":-9223372036854775808}`, typeOf[api.PeerBatch]()),
		c("int-overflow", `{"geoname_id":9223372036854775808}`, peer),
		c("int-huge", `{"geoname_id":123456789012345678901234567890}`, peer),
		c("int-huge-negative", `{"geoname_id":-123456789012345678901234567890}`, peer),
		c("int-exponent", `{"geoname_id":1e3}`, peer),
		c("int-fraction", `{"geoname_id":1.5}`, peer),
		c("int-negative-zero", `{"geoname_id":-0}`, peer),
		c("int-string", `{"geoname_id":"42"}`, peer),
		c("int-leading-zero", `{"geoname_id":0123}`, peer),
		c("int-plus", `{"geoname_id":+1}`, peer),
		c("number-long", `{"x":`+strings.Repeat("9", 100000)+`}`, peer),
		// Wrong types for fields.
		c("bool-string", `{"connected":"true"}`, peer),
		c("string-number", `{"name":42}`, peer),
		c("object-array", `{"local_flags":[]}`, peer),
		c("list-object", `{"id":"a"}`, peers),
		// Malformed documents: all must be refused, none may panic.
		c("empty", ``, peer),
		c("space", "  \n", peer),
		c("truncated", `[{"id":"a","name":"b"`, peers),
		c("truncated-string", `{"id":"a`, peer),
		c("missing-value", `{"id":}`, peer),
		c("missing-colon", `{"id" "a"}`, peer),
		c("trailing-comma", `[{"id":"a"},]`, peers),
		c("trailing-comma-object", `{"id":"a",}`, peer),
		c("trailing-data", `{"id":"a"} {"id":"b"}`, peer),
		c("trailing-garbage", `{"id":"a"}x`, peer),
		c("trailing-space", "{\"id\":\"a\"} \n\t", peer),
		c("single-quotes", `{'id':'a'}`, peer),
		c("nan", `{"x":NaN}`, peer),
		c("comment", `{"id":"a"/* c */}`, peer),
		c("bom", "\xef\xbb\xbf{\"id\":\"a\"}", peer),
		c("nul", "{\"id\":\"a\"}\x00", peer),
		c("bare-word", `{"connected":tru}`, peer),
		c("unquoted-key", `{id:"a"}`, peer),
		c("unclosed-array", `[[[`, peers),
		c("close-only", `]}`, peers),
		// Nesting deeper than some decoders allow, shallower than
		// encoding/json's limit of 10,000 (TestDecodeDeep goes deeper).
		c("nested-5000-unknown", `{"id":"a","x":`+strings.Repeat("[", 5000)+strings.Repeat("]", 5000)+`}`, peer),
		c("nested-5000-union", `{"type":"email","target":`+strings.Repeat("[", 5000)+strings.Repeat("]", 5000)+`}`, channel),
	}
}

// ---- deep nesting ------------------------------------------------------------

// deepDepth is how deeply the deep-nesting documents nest.
const deepDepth = 100_000

// deepCases nest arrays and objects deepDepth levels deep, where our types
// expect them and where they are skipped as unknown fields.
func deepCases() []decodeCase {
	arrays := strings.Repeat("[", deepDepth) + strings.Repeat("]", deepDepth)
	objects := strings.Repeat(`{"a":`, deepDepth) + "1" + strings.Repeat("}", deepDepth)
	open := strings.Repeat("[", deepDepth)
	return []decodeCase{
		{"deep/arrays-into-list", []byte(arrays), typeOf[[]api.PeerBatch]()},
		{"deep/arrays-unknown-field", []byte(`{"x":` + arrays + `}`), typeOf[api.Peer]()},
		{"deep/objects-unknown-field", []byte(`{"x":` + objects + `}`), typeOf[api.Peer]()},
		{"deep/arrays-into-union", []byte(`{"type":"email","target":` + arrays + `}`), typeOf[api.NotificationChannelResponse]()},
		{"deep/arrays-into-raw", []byte(`{"raw":` + arrays + `}`), typeOf[rawHolder]()},
		{"deep/arrays-into-any", []byte(arrays), typeOf[any]()},
		{"deep/unclosed-arrays", []byte(open), typeOf[[]api.PeerBatch]()},
	}
}

// deepChild is the environment variable that makes TestDecodeDeep the child
// process that decodes one deep document ("<decoder> <case>") and prints
// what came of it.
const deepChild = "NETBIRD_BENCH_DECODE_DEEP"

// deepLimit is how long a decoder may take on one deep document;
// encoding/json refuses each in milliseconds.
const deepLimit = 5 * time.Second

// TestDecodeDeep decodes documents nested 100,000 deep with each decoder,
// each in a process of its own, since running out of stack is fatal, not a
// panic that can be recovered. A decoder may refuse or decode them, but
// must not crash, panic, or take more than deepLimit. Where it answers
// otherwise than encoding/json (which refuses anything deeper than 10,000),
// the test says so in its log.
func TestDecodeDeep(t *testing.T) {
	if arg := os.Getenv(deepChild); arg != "" {
		name, cname, _ := strings.Cut(arg, " ")
		i := slices.IndexFunc(decoders, func(d decoder) bool { return d.name == name })
		j := slices.IndexFunc(deepCases(), func(c decodeCase) bool { return c.name == cname })
		if i < 0 || j < 0 {
			t.Fatalf("no decoder %q or case %q", name, cname)
		}
		c := deepCases()[j]
		start := time.Now()
		o := decodeInto(decoders[i], c.data, c.typ)
		status := "ok"
		switch {
		case o.panicked:
			status = "panic"
		case o.err != "":
			status = "error"
		}
		fmt.Printf("DEEP %s %s\n", status, time.Since(start).Round(time.Millisecond))
		return
	}
	if testing.Short() {
		t.Skip("starts a process per decoder and document")
	}
	// run decodes c with d in a child process: "ok", "error", "panic",
	// "crash" or "timeout", and the time it took.
	run := func(d decoder, c decodeCase) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), deepLimit)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDecodeDeep$", "-test.count=1") //nolint:gosec // G204: the test binary itself
		cmd.Env = append(os.Environ(), deepChild+"="+d.name+" "+c.name)
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			return "timeout", ">" + deepLimit.String()
		}
		for line := range strings.Lines(string(out)) {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "DEEP" && err == nil {
				return f[1], f[2]
			}
		}
		tail := string(out)
		if len(tail) > 300 {
			tail = "…" + tail[len(tail)-300:]
		}
		return "crash", fmt.Sprintf("%v: %s", err, tail)
	}
	for _, c := range deepCases() {
		want, took := run(decoders[0], c)
		if want != "error" && want != "ok" {
			t.Fatalf("%s: encoding/json: %s %s", c.name, want, took)
		}
		line := fmt.Sprintf("%s: std %s %s", c.name, want, took)
		for _, d := range decoders[1:] {
			got, took := run(d, c)
			line += fmt.Sprintf(", %s %s %s", d.name, got, took)
			if got == "ok" || got == "error" {
				continue
			}
			if _, ok := known[d.name][c.name]; ok {
				continue
			}
			t.Errorf("%s, %s: %s (%s)", d.name, c.name, got, took)
		}
		t.Log(line)
	}
}
