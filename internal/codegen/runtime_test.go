package main

import (
	"strings"
	"testing"
)

func TestDropRuntimeRewritesCalls(t *testing.T) {
	src := `package api

import (
	"net/url"

	"github.com/oapi-codegen/runtime"
)

func f(id string) (string, error) {
	_ = url.PathEscape
	return runtime.StyleParamWithOptions("simple", false, "id", id, runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath})
}
`
	out, err := dropRuntime("client.gen.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	if strings.Contains(got, "runtime") {
		t.Errorf("runtime is still referenced:\n%s", got)
	}
	want := `styleParam("simple", false, "id", id, styleParamOptions{ParamLocation: paramLocationPath})`
	if !strings.Contains(got, want) {
		t.Errorf("rewritten call missing; want %s in:\n%s", want, got)
	}
}

func TestDropRuntimeNamesWhatIsMissing(t *testing.T) {
	src := `package api

import rt "github.com/oapi-codegen/runtime"

var a, b = rt.MarshalForm, rt.JSONMerge
var c = rt.BindQueryParameter
`
	_, err := dropRuntime("client.gen.go", []byte(src))
	if err == nil {
		t.Fatal("no error for runtime functions api/params.go does not provide")
	}
	for _, want := range []string{"client.gen.go", "runtime.MarshalForm", "runtime.BindQueryParameter", "api/params.go"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "JSONMerge") {
		t.Errorf("error %q names JSONMerge, which api provides", err)
	}
}

func TestDropRuntimeRefusesRuntimeTypes(t *testing.T) {
	src := `package api

import openapi_types "github.com/oapi-codegen/runtime/types"

type T struct{ U openapi_types.UUID }
`
	_, err := dropRuntime("models.gen.go", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "runtime/types") || !strings.Contains(err.Error(), "TypeMapping") {
		t.Fatalf("got %v; want an error naming runtime/types and TypeMapping", err)
	}
}

func TestDropRuntimeRemovesAnAliasedImport(t *testing.T) {
	src := "package api\n\nimport rt \"github.com/oapi-codegen/runtime\"\n\nvar m = rt.JSONMerge\n"
	out, err := dropRuntime("models.gen.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out); strings.Contains(got, "runtime") || !strings.Contains(got, "var m = jsonMerge") {
		t.Errorf("got:\n%s", got)
	}
}
