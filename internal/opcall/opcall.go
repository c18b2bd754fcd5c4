// Package opcall calls any operation of the document through its service
// method, by name, with sample inputs (internal/sample). The contract
// suites use it: against netbirdtest in the root package, and against
// NetBird's real server in the contract module; so does the conformance
// check (internal/conformance, cmd/netbird-conformance). It imports
// kin-openapi, so package netbird and its consumers never may.
package opcall

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/internal/sample"
)

// Op is one operation of the document, as its service method names it.
type Op struct {
	ID, Method, Path  string // operation id, HTTP method, path template
	Service, GoMethod string // c.<Service>.<GoMethod>
	PathParams        []string
	CloudOnly         bool // its tag is marked x-cloud-only
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// Operations lists the operations of the named document, by id.
func Operations(doc *openapi3.T) []Op {
	var ops []Op
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := Op{ID: op.OperationID, Method: method, Path: path}
			o.Service, _ = op.Extensions["x-go-service"].(string)
			o.GoMethod, _ = op.Extensions["x-go-method"].(string)
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				o.PathParams = append(o.PathParams, m[1])
			}
			for _, tag := range op.Tags {
				if t := doc.Tags.Get(tag); t != nil {
					cloud, _ := t.Extensions["x-cloud-only"].(bool)
					o.CloudOnly = o.CloudOnly || cloud
				}
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID })
	return ops
}

// Call invokes o through its service method on c: path parameters from ids
// (by name; "sample-<name>" for those ids lacks), the required query
// parameters sample.Query suggests, and the body sample.Body gives. It
// returns the call's error, or an error saying why it could not make the
// call.
func Call(ctx context.Context, c *netbird.Client, o Op, ids map[string]string) (callErr error, err error) {
	m, args, err := Prepare(ctx, c, o, ids)
	if err != nil {
		return nil, err
	}
	out := m.Call(args)
	callErr, _ = out[len(out)-1].Interface().(error)
	return callErr, nil
}

// Prepare returns o's service method on c and the arguments Call passes
// it, for a caller that wants the results too (or calls another method
// taking the same arguments, such as the streaming <GoMethod>Seq).
func Prepare(ctx context.Context, c *netbird.Client, o Op, ids map[string]string) (reflect.Value, []reflect.Value, error) {
	svc := reflect.ValueOf(c).Elem().FieldByName(o.Service)
	if !svc.IsValid() {
		return reflect.Value{}, nil, fmt.Errorf("%s: Client has no service %s", o.ID, o.Service)
	}
	m := svc.MethodByName(o.GoMethod)
	if !m.IsValid() {
		return reflect.Value{}, nil, fmt.Errorf("%s: %s has no method %s", o.ID, o.Service, o.GoMethod)
	}
	mt := m.Type()
	args := []reflect.Value{reflect.ValueOf(ctx)}
	next := 0
	for i := 1; i < mt.NumIn()-1; i++ { // after ctx, before the options
		in := mt.In(i)
		switch {
		case in.Kind() == reflect.String: // a path parameter
			name := o.PathParams[next]
			next++
			v := ids[name]
			if v == "" {
				v = "sample-" + strings.ToLower(name)
			}
			args = append(args, reflect.ValueOf(v).Convert(in))
		case in.Kind() >= reflect.Int && in.Kind() <= reflect.Int64: // a numeric path parameter
			next++
			args = append(args, reflect.ValueOf(1).Convert(in))
		case in.Kind() == reflect.Pointer: // query parameters: only the required ones
			p, err := queryParams(o.ID, in)
			if err != nil {
				return reflect.Value{}, nil, err
			}
			args = append(args, p)
		case in.Kind() == reflect.Struct: // the request body
			body, err := sample.Body(o.ID)
			if err != nil {
				return reflect.Value{}, nil, err
			}
			v := reflect.New(in)
			if err := json.Unmarshal(body, v.Interface()); err != nil {
				return reflect.Value{}, nil, fmt.Errorf("%s: sample body does not fit %s: %w", o.ID, in, err)
			}
			args = append(args, v.Elem())
		default:
			return reflect.Value{}, nil, fmt.Errorf("%s: argument %d has unexpected type %s", o.ID, i, in)
		}
	}
	return m, args, nil
}

// queryParams fills a *api.…Params with the required query parameters
// sample.Query suggests, matched by their form tags; nil when there are none.
func queryParams(opID string, typ reflect.Type) (reflect.Value, error) {
	q, err := sample.Query(opID)
	if err != nil {
		return reflect.Value{}, err
	}
	if len(q) == 0 {
		return reflect.Zero(typ), nil
	}
	p := reflect.New(typ.Elem())
	for i := range typ.Elem().NumField() {
		f := typ.Elem().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if v := q.Get(name); v != "" && f.Type.Kind() == reflect.String {
			p.Elem().Field(i).SetString(v)
			q.Del(name)
		}
	}
	if len(q) > 0 {
		return reflect.Value{}, fmt.Errorf("%s: required query parameters %v have no string field in %s", opID, q, typ)
	}
	return p, nil
}

// Stream calls o's method and its streaming form, <GoMethod>Seq, with the
// same arguments, and returns what each gave: the slice the method
// returned (made empty when nil) and the elements the stream yielded, in
// order, as slices of the same type, with each form's error. ok is false
// when o has no streaming form. err says why the calls could not be made,
// or that the stream broke its rules: yielding after an error, or an error
// with an element.
func Stream(ctx context.Context, c *netbird.Client, o Op, ids map[string]string) (list, streamed any, listErr, seqErr error, ok bool, err error) {
	m, args, err := Prepare(ctx, c, o, ids)
	if err != nil {
		return nil, nil, nil, nil, false, err
	}
	seq := reflect.ValueOf(c).Elem().FieldByName(o.Service).MethodByName(o.GoMethod + "Seq")
	if !seq.IsValid() {
		return nil, nil, nil, nil, false, nil
	}
	out := m.Call(args)
	listErr, _ = out[1].Interface().(error)
	lv := out[0]
	if lv.IsNil() {
		lv = reflect.MakeSlice(lv.Type(), 0, 0)
	}
	sv := reflect.MakeSlice(lv.Type(), 0, 0)
	for v, e := range seq.Call(args)[0].Seq2() {
		if seqErr != nil {
			return nil, nil, nil, nil, true, fmt.Errorf("%s: the stream went on after its error %w", o.ID, seqErr)
		}
		if !e.IsNil() {
			seqErr, _ = e.Interface().(error)
			if !v.IsZero() {
				return nil, nil, nil, nil, true, fmt.Errorf("%s: the stream yielded an element with its error %w", o.ID, seqErr)
			}
			continue
		}
		sv = reflect.Append(sv, v)
	}
	return lv.Interface(), sv.Interface(), listErr, seqErr, true, nil
}
