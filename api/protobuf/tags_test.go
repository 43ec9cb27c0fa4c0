package protobuf

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
)

// notOnTheWire lists fields that spar has and upstream's protobuf messages
// do not (Type.Field); they are skipped by the codec.
var notOnTheWire = map[string]bool{}

// TestEveryFieldTagged walks the type tree of every registered kind (and
// of the request bodies that are not kinds: DeleteOptions, Eviction, Scale,
// Binding) and fails on a field without a protobuf tag, two fields of one
// struct sharing a number, or a tag whose wire type or cardinality
// disagrees with the Go type.
func TestEveryFieldTagged(t *testing.T) {
	roots := []reflect.Type{
		reflect.TypeFor[meta.DeleteOptions](),
		reflect.TypeFor[policy.Eviction](),
		reflect.TypeFor[autoscaling.Scale](),
		reflect.TypeFor[core.Binding](),
		reflect.TypeFor[meta.Status](),
	}
	for _, r := range api.Default.Resources() {
		roots = append(roots, reflect.TypeOf(r.New()).Elem(), reflect.TypeOf(r.NewList()).Elem())
	}
	seen := map[reflect.Type]bool{}
	structs, fields := 0, 0
	var walk func(typ reflect.Type)
	walk = func(typ reflect.Type) {
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice:
			walk(typ.Elem())
			return
		case reflect.Map:
			walk(typ.Key())
			walk(typ.Elem())
			return
		case reflect.Struct:
		default:
			return
		}
		if seen[typ] {
			return
		}
		seen[typ] = true
		switch typ {
		case timeType, microTimeType, quantityType:
			return // encoded by hand, as upstream does
		}
		structs++
		nums := map[int]string{}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name := typ.String() + "." + f.Name
			if !f.IsExported() {
				continue
			}
			if f.Anonymous && f.Type == reflect.TypeFor[meta.TypeMeta]() {
				continue // carried by the envelope
			}
			tag, ok := f.Tag.Lookup("protobuf")
			if !ok {
				if !notOnTheWire[name] {
					t.Errorf("%s: no protobuf tag", name)
				}
				continue
			}
			fields++
			parts := strings.Split(tag, ",")
			if len(parts) < 4 {
				t.Errorf("%s: malformed tag %q", name, tag)
				continue
			}
			num, err := strconv.Atoi(parts[1])
			if err != nil || num < 1 {
				t.Errorf("%s: bad field number in %q", name, tag)
				continue
			}
			if other, dup := nums[num]; dup {
				t.Errorf("%s: number %d already used by %s", name, num, other)
			}
			nums[num] = f.Name
			checkTag(t, name, f, parts)
			walk(f.Type)
		}
	}
	for _, r := range roots {
		walk(r)
		if _, err := codecFor(r); err != nil {
			t.Errorf("codec for %s: %v", r, err)
		}
	}
	t.Logf("%d struct types, %d tagged fields, %d fields not on the wire", structs, fields, len(notOnTheWire))
}

// checkTag compares a tag's wire type and cardinality with the Go type.
func checkTag(t *testing.T, name string, f reflect.StructField, parts []string) {
	t.Helper()
	ft := f.Type
	rep := parts[2] == "rep"
	isBytes := ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Uint8
	switch {
	case ft.Kind() == reflect.Map:
		if !rep || parts[0] != "bytes" {
			t.Errorf("%s: a map must be bytes,N,rep, got %v", name, parts)
		}
		if f.Tag.Get("protobuf_key") == "" || f.Tag.Get("protobuf_val") == "" {
			t.Errorf("%s: a map needs protobuf_key and protobuf_val", name)
		}
		return
	case ft.Kind() == reflect.Slice && !isBytes && ft != rawJSONType:
		if !rep {
			t.Errorf("%s: a slice must be rep, got %v", name, parts)
		}
		ft = ft.Elem()
	case rep:
		t.Errorf("%s: rep on a non-repeated %s", name, ft)
	}
	if ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	want := "bytes"
	switch ft.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "varint"
	case reflect.Float64:
		want = "fixed64"
	case reflect.Float32:
		want = "fixed32"
	}
	if parts[0] != want {
		t.Errorf("%s: wire type %s in the tag, %s for Go type %s", name, parts[0], want, f.Type)
	}
}

// TestConcurrentBuild builds the tables of recursive types from several
// goroutines at once, from an empty cache: all see the same table.
func TestConcurrentBuild(t *testing.T) {
	cache.Clear()
	types := []reflect.Type{}
	for _, r := range api.Default.Resources() {
		types = append(types, reflect.TypeOf(r.New()).Elem())
	}
	got := make([][]*codec, 4)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			for _, typ := range types {
				c, err := codecFor(typ)
				if err != nil {
					t.Error(err)
					return
				}
				got[g] = append(got[g], c)
			}
		})
	}
	wg.Wait()
	for g := 1; g < len(got); g++ {
		for i := range got[0] {
			if got[g][i] != got[0][i] {
				t.Errorf("%s: goroutines got different tables", types[i])
			}
		}
	}
}
