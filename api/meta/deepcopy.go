package meta

import (
	"reflect"
	"sync"
)

// DeepCopy returns a copy of v that shares no mutable memory with it: pointers,
// slices and maps are copied recursively. It is derived once, generically, by
// reflection, so API types need no generated code. Unexported fields are
// copied shallowly; types that have them (Quantity, Time) are immutable
// values.
func DeepCopy[T any](v T) T {
	src := reflect.ValueOf(&v).Elem()
	if !needsCopy(src.Type()) {
		return v
	}
	var out T
	copyInto(reflect.ValueOf(&out).Elem(), src)
	return out
}

var needsCopyCache sync.Map // reflect.Type -> bool

// needsCopy reports whether values of t hold references to mutable memory.
func needsCopy(t reflect.Type) bool {
	if v, ok := needsCopyCache.Load(t); ok {
		return v.(bool)
	}
	// Assume yes while computing, which ends recursion on self-referencing types.
	needsCopyCache.Store(t, true)
	r := computeNeedsCopy(t)
	needsCopyCache.Store(t, r)
	return r
}

func computeNeedsCopy(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	case reflect.Array:
		return needsCopy(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.IsExported() && needsCopy(f.Type) {
				return true
			}
		}
	}
	return false
}

func copyInto(dst, src reflect.Value) {
	t := src.Type()
	if !needsCopy(t) {
		dst.Set(src)
		return
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(t.Elem())
		copyInto(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(t, src.Len(), src.Len())
		if needsCopy(t.Elem()) {
			for i := 0; i < src.Len(); i++ {
				copyInto(s.Index(i), src.Index(i))
			}
		} else {
			reflect.Copy(s, src)
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(t, src.Len())
		deep := needsCopy(t.Elem())
		it := src.MapRange()
		for it.Next() {
			if deep {
				v := reflect.New(t.Elem()).Elem()
				copyInto(v, it.Value())
				m.SetMapIndex(it.Key(), v)
			} else {
				m.SetMapIndex(it.Key(), it.Value())
			}
		}
		dst.Set(m)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		inner := src.Elem()
		v := reflect.New(inner.Type()).Elem()
		copyInto(v, inner)
		dst.Set(v)
	case reflect.Array:
		for i := 0; i < src.Len(); i++ {
			copyInto(dst.Index(i), src.Index(i))
		}
	case reflect.Struct:
		dst.Set(src) // unexported fields, shallowly
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && needsCopy(f.Type) {
				copyInto(dst.Field(i), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}
