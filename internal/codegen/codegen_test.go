package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runWithOverlay runs the whole generator with an edited copy of the naming
// table, writing into a temporary directory, and returns its error.
func runWithOverlay(t *testing.T, edit func(string) string) error {
	t.Helper()
	b, err := os.ReadFile("overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := edit(string(b))
	if edited == string(b) {
		t.Fatal("the edit changed nothing in overlay.yaml")
	}
	dir := t.TempDir()
	overlay := filepath.Join(dir, "overlay.yaml")
	if err := os.WriteFile(overlay, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	return run(paths{
		Spec:    "../../openapi.yaml",
		Version: "../../openapi.version",
		Overlay: overlay,
		API:     filepath.Join(dir, "api"),
		Root:    dir,
		Surface: filepath.Join(dir, "api_surface.txt"),
	})
}

const listTokensEntry = "  - target: $.paths['/api/users/{userId}/tokens'].get\n    update: {operationId: ListTokens, x-go-service: Tokens, x-go-method: List}\n"

func TestMissingNameFailsWithSuggestion(t *testing.T) {
	err := runWithOverlay(t, func(s string) string { return strings.Replace(s, listTokensEntry, "", 1) })
	if err == nil {
		t.Fatal("generation succeeded without a name for GET /api/users/{userId}/tokens")
	}
	for _, want := range []string{
		"GET /api/users/{userId}/tokens has no name",
		"target: $.paths['/api/users/{userId}/tokens'].get",
		"operationId: ListTokens, x-go-service: Tokens, x-go-method: List",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
}

func TestDuplicateNameFails(t *testing.T) {
	err := runWithOverlay(t, func(s string) string {
		return strings.Replace(s, "operationId: GetToken,", "operationId: ListTokens,", 1)
	})
	if err == nil || !strings.Contains(err.Error(), "operationId ListTokens is used by both") {
		t.Fatalf("want a duplicate-name error, got %v", err)
	}
}

func TestDuplicateServiceMethodFails(t *testing.T) {
	err := runWithOverlay(t, func(s string) string {
		return strings.Replace(s, "x-go-service: Tokens, x-go-method: Get}", "x-go-service: Tokens, x-go-method: List}", 1)
	})
	if err == nil || !strings.Contains(err.Error(), "service method Tokens.List is used by both") {
		t.Fatalf("want a duplicate-method error, got %v", err)
	}
}

func TestEntryForMissingOperationFails(t *testing.T) {
	err := runWithOverlay(t, func(s string) string {
		return strings.Replace(s, "$.paths['/api/users/{userId}/tokens'].get", "$.paths['/api/users/{userId}/pats'].get", 1)
	})
	if err == nil || !strings.Contains(err.Error(), "names GET /api/users/{userId}/pats (ListTokens), which the document does not have") {
		t.Fatalf("want a stale-entry error, got %v", err)
	}
}

func TestNotAGoName(t *testing.T) {
	err := runWithOverlay(t, func(s string) string {
		return strings.Replace(s, "operationId: ListTokens,", "operationId: listTokens,", 1)
	})
	if err == nil || !strings.Contains(err.Error(), `operationId "listTokens" is not an exported Go name`) {
		t.Fatalf("want a bad-name error, got %v", err)
	}
}

func TestSpecChecksumMismatchFails(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	b, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(paths{Spec: spec, Version: "../../openapi.version", Overlay: "overlay.yaml", API: dir, Root: dir, Surface: filepath.Join(dir, "s.txt")})
	if err == nil || !strings.Contains(err.Error(), "has sha256") {
		t.Fatalf("want a checksum error, got %v", err)
	}
}

func TestInvalidDocumentFails(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	doc := "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /api/x:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Missing'}}}}\n"
	if err := os.WriteFile(spec, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(doc))
	version := filepath.Join(dir, "openapi.version")
	if err := os.WriteFile(version, []byte("version: v0\ncommit: x\nsha256: "+hex.EncodeToString(sum[:])+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(paths{Spec: spec, Version: version, Overlay: "overlay.yaml", API: dir, Root: dir, Surface: filepath.Join(dir, "s.txt")})
	if err == nil || !strings.Contains(err.Error(), "openapi.yaml") {
		t.Fatalf("want an invalid-document error naming the file, got %v", err)
	}
	t.Log(err)
}

// A document that loads but breaks OpenAPI rules fails validation, after
// the overlay is applied, with a message naming the file and the problem.
func TestDocumentFailingValidationFails(t *testing.T) {
	dir := t.TempDir()
	doc := "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /api/x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {type: string, pattern: '(?=x)'}}}\n"
	overlay := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/api/x'].get\n    update: {operationId: GetX, x-go-service: X, x-go-method: Get}\n"
	sum := sha256.Sum256([]byte(doc))
	files := map[string]string{
		"openapi.yaml":    doc,
		"overlay.yaml":    overlay,
		"openapi.version": "version: v0\ncommit: x\nsha256: " + hex.EncodeToString(sum[:]) + "\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := run(paths{Spec: filepath.Join(dir, "openapi.yaml"), Version: filepath.Join(dir, "openapi.version"), Overlay: filepath.Join(dir, "overlay.yaml"), API: dir, Root: dir, Surface: filepath.Join(dir, "s.txt")})
	if err == nil || !strings.Contains(err.Error(), "is not a valid OpenAPI document") || !strings.Contains(err.Error(), "unsupported Perl syntax") {
		t.Fatalf("want a validation error naming the pattern, got %v", err)
	}
}
