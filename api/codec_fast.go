package api

import (
	"encoding"
	"encoding/json"
	"reflect"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
)

// The fast path of DecodeStrict.
//
// Decoding a request body strictly with sigs.k8s.io/json (encoding/json v1
// made case-sensitive, plus a second pass for unknown and duplicate fields)
// was the largest single cost of a pod create in the API server. Go 1.27's
// encoding/json/v2 (here through its module mirror, as spar builds with Go
// 1.26) decodes the same document in about half the time with a quarter of
// the allocations, and by default it already does what Kubernetes asks of a
// strict decode: names match case-sensitively, a duplicate name is an error,
// and with RejectUnknownMembers so is an unknown one.
//
// It is used only where the outcome cannot differ from the reference path:
//   - v must point to a zero value, because v1 and v2 differ on what null
//     does to a field that already holds something;
//   - v's type must contain no interface-typed values outside types with
//     their own UnmarshalJSON, because v2 decodes an integer there as a
//     float64 where Kubernetes keeps an int64, and no time.Duration or
//     time.Time values, which v2 formats its own way;
//   - the document must decode without any error. Whatever v2 refuses
//     (unknown or duplicate fields, invalid UTF-8, base64 with line breaks,
//     type mismatches) goes to the reference decoder from a zero value
//     again, so the caller sees Kubernetes' own result and messages.
//
// TestDecodeFastMatches checks the two paths give equal objects on every
// testdata manifest of every group; FuzzDecodeFast compares them on
// arbitrary input.

var fastUnmarshalOptions = jsonv2.RejectUnknownMembers(true)

// decodeFast decodes data into v with encoding/json/v2 and reports whether
// it did; when it did not, *v is zero again.
func decodeFast(data []byte, v any) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || !fastType(rv.Type().Elem()) {
		return false
	}
	elem := rv.Elem()
	if !elem.IsZero() {
		return false
	}
	if err := jsonv2.Unmarshal(data, v, fastUnmarshalOptions); err != nil {
		elem.SetZero()
		return false
	}
	return true
}

// fastTypes caches fastType's answer per type.
var fastTypes sync.Map // reflect.Type → bool

// fastType reports whether values of t decode the same with v1 and v2 (for
// documents both accept): see the list above.
func fastType(t reflect.Type) bool {
	if ok, found := fastTypes.Load(t); found {
		return ok.(bool)
	}
	ok := walkFastType(t, map[reflect.Type]bool{})
	fastTypes.Store(t, ok)
	return ok
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	durationType        = reflect.TypeFor[time.Duration]()
	stdTimeType         = reflect.TypeFor[time.Time]()
)

func walkFastType(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return true // a recursive type: its other paths decide
	}
	seen[t] = true
	if t == durationType || t == stdTimeType {
		return false
	}
	// A type that decodes itself is called with its raw JSON by both.
	if t.Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		return true
	}
	if t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return false // v1 and v2 disagree on which values reach UnmarshalText
	}
	switch t.Kind() {
	case reflect.Interface, reflect.Func, reflect.Chan, reflect.Complex64, reflect.Complex128, reflect.UnsafePointer:
		return false
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return walkFastType(t.Elem(), seen)
	case reflect.Map:
		return walkFastType(t.Key(), seen) && walkFastType(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous || f.Tag.Get("json") == "-" {
				continue
			}
			if !walkFastType(f.Type, seen) {
				return false
			}
		}
	}
	return true
}
