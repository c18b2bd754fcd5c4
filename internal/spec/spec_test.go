package spec

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestEmbeddedDocumentIsNamedAndValid(t *testing.T) {
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			if op.OperationID == "" || op.Extensions["x-go-service"] == nil || op.Extensions["x-go-method"] == nil {
				t.Errorf("%s %s has no Go name in the embedded document", method, path)
			}
		}
	}
	raw, err := openapi3.NewLoader().LoadFromFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, item := range raw.Paths.Map() {
		want += len(item.Operations())
	}
	if n != want || n == 0 {
		t.Errorf("embedded document has %d operations, openapi.yaml %d", n, want)
	}
}
