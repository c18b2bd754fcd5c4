package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// This file replaces the parts of github.com/oapi-codegen/runtime that the
// generated code calls. The generator (internal/codegen/runtime.go) points
// oapi-codegen's runtime.X calls at these names, so a program that imports
// api links neither runtime nor google/uuid, go-jsonmerge and net/mail,
// and building a request needs no reflection for plain values. They cover
// what NetBird's document uses: simple path parameters, form query
// parameters, string response headers, and the merge of union types.
// api's tests check them against runtime itself.

type paramLocation int

const (
	paramLocationQuery paramLocation = iota + 1
	paramLocationPath
	paramLocationHeader
)

// styleParamOptions mirrors runtime.StyleParamOptions.
type styleParamOptions struct {
	ParamLocation paramLocation
	Type          string
	Format        string
}

// paramValue is every Go type the generated request builders pass as a
// parameter. A document that needs another fails to compile here, not at
// run time.
type paramValue interface {
	~string | ~int | ~int32 | ~int64 | ~bool | ~float32 | ~float64 | time.Time | []string
}

// styleParam serializes one parameter as runtime.StyleParamWithOptions
// does for the styles NetBird uses: "simple" (path) and "form" (query).
func styleParam[T paramValue](style string, explode bool, name string, value T, opts styleParamOptions) (string, error) {
	var prefix, sep string
	switch style {
	case "simple":
		sep = ","
	case "form":
		prefix = escapeParam(name, opts.ParamLocation) + "="
		sep = ","
		if explode {
			sep = "&" + prefix
		}
	default:
		return "", fmt.Errorf("parameter %q: style %q is not supported", name, style)
	}
	if list, ok := any(value).([]string); ok {
		var b strings.Builder
		b.WriteString(prefix)
		for i, s := range list {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(escapeParam(s, opts.ParamLocation))
		}
		return b.String(), nil
	}
	s, err := scalarString(value)
	if err != nil {
		return "", fmt.Errorf("parameter %q: %w", name, err)
	}
	return prefix + escapeParam(s, opts.ParamLocation), nil
}

// scalarString formats a value the way runtime does: date-times in
// RFC 3339 with nanoseconds, numbers in decimal.
func scalarString[T paramValue](value T) (string, error) {
	switch v := any(value).(type) {
	case string:
		return v, nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case bool:
		return strconv.FormatBool(v), nil
	case time.Time:
		return v.Format(time.RFC3339Nano), nil
	}
	// Named types (enums, CountryCode) and the rarer widths.
	v := reflect.ValueOf(value)
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Int, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Float32:
		return strconv.FormatFloat(v.Float(), 'f', -1, 32), nil
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64), nil
	}
	return "", fmt.Errorf("type %T is not supported", value)
}

func escapeParam(s string, loc paramLocation) string {
	switch loc {
	case paramLocationQuery:
		return url.QueryEscape(s)
	case paramLocationPath:
		return url.PathEscape(s)
	}
	return s // headers are not escaped
}

// bindStyledParameterOptions mirrors runtime.BindStyledParameterOptions.
type bindStyledParameterOptions struct {
	ParamLocation paramLocation
	Explode       bool
	Required      bool
	Type          string
	Format        string
}

// bindStyledParameter reads a response header into a string, as
// runtime.BindStyledParameterWithOptions does for the "simple" style:
// headers are taken as they are, not unescaped.
func bindStyledParameter(style, name, value string, dest *string, opts bindStyledParameterOptions) error {
	if style != "simple" || opts.ParamLocation != paramLocationHeader {
		return fmt.Errorf("parameter %q: only simple header parameters are supported", name)
	}
	if opts.Required && value == "" {
		return fmt.Errorf("parameter '%s' is empty, can't bind its value", name)
	}
	*dest = value
	return nil
}

// jsonMerge merges patch into data as runtime.JSONMerge does (its
// go-jsonmerge with CopyNonexistent): keys of data that patch also has are
// merged recursively where both are objects and replaced otherwise, keys
// only patch has are added, and a patch that is not an object leaves data
// as it was. Numbers keep their text.
func jsonMerge(data, patch json.RawMessage) (json.RawMessage, error) {
	if data == nil {
		data = []byte(`{}`)
	}
	if patch == nil {
		patch = []byte(`{}`)
	}
	d, err := decodeJSONNumbers(data)
	if err != nil {
		return nil, fmt.Errorf("error in data JSON: %w", err)
	}
	p, err := decodeJSONNumbers(patch)
	if err != nil {
		return nil, fmt.Errorf("error in patch JSON: %w", err)
	}
	merged, err := json.Marshal(mergeObjects(d, p))
	if err != nil {
		return nil, fmt.Errorf("error writing merged JSON: %w", err)
	}
	return merged, nil
}

func decodeJSONNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func mergeObjects(data, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return data
	}
	switch d := data.(type) {
	case map[string]any:
		out := make(map[string]any, len(d)+len(p))
		for k, v := range d {
			out[k] = mergeValue(v, p, k)
		}
		for k, v := range p {
			if _, ok := d[k]; !ok {
				out[k] = v
			}
		}
		return out
	case []any:
		// An object patch addresses an array's elements by index ("0", "1").
		out := make([]any, len(d))
		for i, v := range d {
			out[i] = mergeValue(v, p, strconv.Itoa(i))
		}
		return out
	}
	return data
}

func mergeValue(value any, patch map[string]any, key string) any {
	pv, ok := patch[key]
	if !ok {
		return value
	}
	_, patchIsObject := pv.(map[string]any)
	switch value.(type) {
	case map[string]any:
		if !patchIsObject {
			return value // go-jsonmerge records an error here and keeps the value
		}
		return mergeObjects(value, pv)
	case []any:
		if patchIsObject {
			return mergeObjects(value, pv)
		}
	}
	return pv
}
