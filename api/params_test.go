package api

import (
	"math"
	"testing"
	"time"

	"github.com/oapi-codegen/runtime"
)

// The helpers in params.go stand in for oapi-codegen's runtime in the
// generated code, so they must produce what runtime produces. These tests
// compare the two on the values NetBird's parameters take and on awkward
// ones.

var paramStrings = []string{
	"", "plain", "with space", "a/b", "50%", "a&b=c", "x+y", "q?#frag",
	"google-oauth2|1234567890", "ünïcödé", "日本", "tab\there", "semi;colon", "comma,sep",
	"dot.", "..", "~tilde", "a\x00b", "\xff",
}

type namedString string

func TestStyleParamMatchesRuntime(t *testing.T) {
	ts := []time.Time{
		time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("x", -5*3600-30*60)),
		{},
	}
	type call struct {
		style   string
		explode bool
		loc     paramLocation
		rloc    runtime.ParamLocation
	}
	calls := []call{
		{"simple", false, paramLocationPath, runtime.ParamLocationPath},
		{"form", true, paramLocationQuery, runtime.ParamLocationQuery},
		{"form", false, paramLocationQuery, runtime.ParamLocationQuery},
	}
	check := func(t *testing.T, c call, name string, got string, gotErr error, value any) {
		t.Helper()
		want, wantErr := runtime.StyleParamWithOptions(c.style, c.explode, name, value, runtime.StyleParamOptions{ParamLocation: c.rloc})
		if (gotErr != nil) != (wantErr != nil) || got != want {
			t.Errorf("%s explode=%v %q = %T(%#v): got %q, %v; runtime gives %q, %v", c.style, c.explode, name, value, value, got, gotErr, want, wantErr)
		}
	}
	for _, c := range calls {
		opts := styleParamOptions{ParamLocation: c.loc}
		for _, name := range []string{"id", "sort by", "group_id"} {
			for _, s := range paramStrings {
				got, err := styleParam(c.style, c.explode, name, s, opts)
				check(t, c, name, got, err, s)
				got, err = styleParam(c.style, c.explode, name, namedString(s), opts)
				check(t, c, name, got, err, namedString(s))
			}
			for _, n := range []int{0, 1, -1, 100, math.MaxInt, math.MinInt} {
				got, err := styleParam(c.style, c.explode, name, n, opts)
				check(t, c, name, got, err, n)
				got, err = styleParam(c.style, c.explode, name, int64(n), opts)
				check(t, c, name, got, err, int64(n))
			}
			for _, n := range []int32{0, -7, math.MaxInt32, math.MinInt32} {
				got, err := styleParam(c.style, c.explode, name, n, opts)
				check(t, c, name, got, err, n)
			}
			for _, f := range []float64{0, 1.5, -2.25, 1e21, 1e-7} {
				got, err := styleParam(c.style, c.explode, name, f, opts)
				check(t, c, name, got, err, f)
				got, err = styleParam(c.style, c.explode, name, float32(f), opts)
				check(t, c, name, got, err, float32(f))
			}
			for _, b := range []bool{true, false} {
				got, err := styleParam(c.style, c.explode, name, b, opts)
				check(t, c, name, got, err, b)
			}
			for _, tm := range ts {
				got, err := styleParam(c.style, c.explode, name, tm, opts)
				check(t, c, name, got, err, tm)
			}
			for _, list := range [][]string{nil, {}, {"a"}, {"a", "b c", "d&e"}, paramStrings} {
				got, err := styleParam(c.style, c.explode, name, list, opts)
				check(t, c, name, got, err, list)
			}
		}
	}
}

func TestStyleParamRefusesUnknownStyles(t *testing.T) {
	for _, style := range []string{"label", "matrix", "deepObject", ""} {
		if got, err := styleParam(style, false, "id", "x", styleParamOptions{ParamLocation: paramLocationPath}); err == nil {
			t.Errorf("style %q: got %q and no error; want an error, not a guess", style, got)
		}
	}
}

func TestBindStyledParameterMatchesRuntime(t *testing.T) {
	for _, required := range []bool{false, true} {
		for _, v := range paramStrings {
			var got, want string
			gotErr := bindStyledParameter("simple", "X-Request-Id", v, &got,
				bindStyledParameterOptions{ParamLocation: paramLocationHeader, Required: required, Type: "string"})
			wantErr := runtime.BindStyledParameterWithOptions("simple", "X-Request-Id", v, &want,
				runtime.BindStyledParameterOptions{ParamLocation: runtime.ParamLocationHeader, Required: required, Type: "string"})
			if got != want || (gotErr != nil) != (wantErr != nil) {
				t.Errorf("required=%v %q: got %q, %v; runtime gives %q, %v", required, v, got, gotErr, want, wantErr)
			}
		}
	}
	var s string
	if err := bindStyledParameter("form", "x", "v", &s, bindStyledParameterOptions{ParamLocation: paramLocationQuery}); err == nil {
		t.Error("a query parameter was bound without unescaping; want an error")
	}
}

var mergeCases = [][2]string{
	{`{}`, `{}`},
	{`{"type":"email","emails":["a@example.com"]}`, `{"type":"bundle"}`},
	{`{"a":{"b":1,"c":[1,2]},"d":"x"}`, `{"a":{"c":{"1":5},"e":true},"f":null}`},
	{`{"a":{"b":1}}`, `{"a":"scalar"}`},
	{`{"a":[1,{"x":1}]}`, `{"a":{"1":{"y":2}}}`},
	{`{"n":12345678901234567890}`, `{"m":0.1000000000000000055511151231257827}`},
	{`[1,2]`, `{"0":9}`},
	{`"text"`, `{"a":1}`},
	{`{"a":1}`, `[1]`},
	{`{"a":1}`, `null`},
	{`null`, `{"a":1}`},
	{`{"a":null}`, `{"a":{"b":1}}`},
	{`{"a":1}`, `{"a":1`},
	{`{"a":`, `{}`},
}

func TestJSONMergeMatchesRuntime(t *testing.T) {
	for _, c := range mergeCases {
		compareMerge(t, []byte(c[0]), []byte(c[1]))
	}
	compareMerge(t, nil, []byte(`{"a":1}`))
	compareMerge(t, []byte(`{"a":1}`), nil)
}

func FuzzJSONMerge(f *testing.F) {
	for _, c := range mergeCases {
		f.Add([]byte(c[0]), []byte(c[1]))
	}
	f.Fuzz(func(t *testing.T, data, patch []byte) {
		compareMerge(t, data, patch)
	})
}

func FuzzStyleParam(f *testing.F) {
	for i, s := range paramStrings {
		f.Add(s, int64(i), i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, s string, n int64, explode bool) {
		for _, loc := range []struct {
			style string
			ours  paramLocation
			rt    runtime.ParamLocation
		}{{"simple", paramLocationPath, runtime.ParamLocationPath}, {"form", paramLocationQuery, runtime.ParamLocationQuery}} {
			for _, v := range []any{s, namedString(s), n, []string{s, s}} {
				var got string
				var err error
				switch v := v.(type) {
				case string:
					got, err = styleParam(loc.style, explode, s, v, styleParamOptions{ParamLocation: loc.ours})
				case namedString:
					got, err = styleParam(loc.style, explode, s, v, styleParamOptions{ParamLocation: loc.ours})
				case int64:
					got, err = styleParam(loc.style, explode, s, v, styleParamOptions{ParamLocation: loc.ours})
				case []string:
					got, err = styleParam(loc.style, explode, s, v, styleParamOptions{ParamLocation: loc.ours})
				}
				want, wantErr := runtime.StyleParamWithOptions(loc.style, explode, s, v, runtime.StyleParamOptions{ParamLocation: loc.rt})
				if got != want || (err != nil) != (wantErr != nil) {
					t.Fatalf("%s explode=%v name %q value %#v: got %q, %v; runtime gives %q, %v", loc.style, explode, s, v, got, err, want, wantErr)
				}
			}
		}
	})
}

func compareMerge(t *testing.T, data, patch []byte) {
	t.Helper()
	got, gotErr := jsonMerge(data, patch)
	want, wantErr := runtime.JSONMerge(data, patch)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("merge %q into %q: error %v; runtime's %v", patch, data, gotErr, wantErr)
	}
	if gotErr != nil {
		return
	}
	if string(got) != string(want) {
		t.Fatalf("merge %q into %q: got %s; runtime gives %s", patch, data, got, want)
	}
}
