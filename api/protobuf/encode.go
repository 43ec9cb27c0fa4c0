package protobuf

import (
	"cmp"
	"math"
	"reflect"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// The encoder writes what upstream's generated (gogo, proto2) code writes,
// in the same order, so the bytes are identical for objects spar models
// completely: fields by ascending number; non-pointer scalars and structs
// always, zero or not; pointers and []byte only when non-nil; repeated
// scalars unpacked; map entries sorted by key.

// appendMessage appends the fields of struct v.
func appendMessage(b []byte, m *message, v reflect.Value) []byte {
	for i := range m.fields {
		f := &m.fields[i]
		b = appendField(b, f.num, f.c, v.Field(f.index))
	}
	return b
}

func appendField(b []byte, num protowire.Number, c *codec, v reflect.Value) []byte {
	switch c.kind {
	case kSlice:
		for i := range v.Len() {
			e := v.Index(i)
			if c.elem.kind == kPointer {
				if e.IsNil() {
					continue
				}
				e = e.Elem()
				b = appendValue(b, num, c.elem.elem, e)
				continue
			}
			b = appendValue(b, num, c.elem, e)
		}
		return b
	case kMap:
		return appendMap(b, num, c, v)
	case kPointer:
		if v.IsNil() {
			return b
		}
		return appendValue(b, num, c.elem, v.Elem())
	case kBytes:
		if v.IsNil() {
			return b
		}
	}
	return appendValue(b, num, c, v)
}

func appendMap(b []byte, num protowire.Number, c *codec, v reflect.Value) []byte {
	if v.Len() == 0 {
		return b
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(x, y reflect.Value) int {
		switch c.key.kind {
		case kString:
			return cmp.Compare(x.String(), y.String())
		case kInt:
			return cmp.Compare(x.Int(), y.Int())
		case kUint:
			return cmp.Compare(x.Uint(), y.Uint())
		}
		if x.Bool() == y.Bool() {
			return 0
		} else if x.Bool() {
			return 1
		}
		return -1
	})
	for _, k := range keys {
		b = protowire.AppendTag(b, num, protowire.BytesType)
		start := beginLength(&b)
		b = appendValue(b, 1, c.key, k)
		b = appendField(b, 2, c.elem, v.MapIndex(k))
		b = endLength(b, start)
	}
	return b
}

// appendValue appends one tagged value of type c.
func appendValue(b []byte, num protowire.Number, c *codec, v reflect.Value) []byte {
	if c.kind == kPointer {
		if v.IsNil() {
			return b
		}
		return appendValue(b, num, c.elem, v.Elem())
	}
	b = protowire.AppendTag(b, num, c.wireType())
	switch c.kind {
	case kBool:
		x := uint64(0)
		if v.Bool() {
			x = 1
		}
		return protowire.AppendVarint(b, x)
	case kInt:
		return protowire.AppendVarint(b, uint64(v.Int()))
	case kUint:
		return protowire.AppendVarint(b, v.Uint())
	case kFloat64:
		return protowire.AppendFixed64(b, math.Float64bits(v.Float()))
	case kFloat32:
		return protowire.AppendFixed32(b, math.Float32bits(float32(v.Float())))
	case kString:
		return protowire.AppendString(b, v.String())
	case kBytes:
		return protowire.AppendBytes(b, v.Bytes())
	}
	start := beginLength(&b)
	switch c.kind {
	case kMessage:
		b = appendMessage(b, c.msg, v)
	case kTime:
		if t := valueOf[meta.Time](v); !t.IsZero() {
			b = appendTimestamp(b, t.Unix(), 0)
		}
	case kMicroTime:
		if t := valueOf[meta.MicroTime](v); !t.IsZero() {
			ns := t.Nanosecond()
			b = appendTimestamp(b, t.Unix(), int32(ns-ns%1000))
		}
	case kQuantity:
		q := valueOf[resource.Quantity](v)
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, q.String())
	case kRawJSON:
		if !v.IsNil() {
			b = protowire.AppendTag(b, 1, protowire.BytesType)
			b = protowire.AppendBytes(b, v.Bytes())
		}
	}
	return endLength(b, start)
}

// valueOf returns v's value without copying it into an interface when v
// is addressable.
func valueOf[T any](v reflect.Value) T {
	if v.CanAddr() {
		return *v.Addr().Interface().(*T)
	}
	return v.Interface().(T)
}

func appendTimestamp(b []byte, sec int64, nanos int32) []byte {
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(sec))
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(int64(nanos)))
}

// beginLength reserves one byte for a length prefix (enough below 128
// bytes, the common case) and returns where the prefix starts.
func beginLength(b *[]byte) int {
	start := len(*b)
	*b = append(*b, 0)
	return start
}

// endLength writes the length of what follows the prefix at start,
// shifting the body when the length needs more than one byte.
func endLength(b []byte, start int) []byte {
	n := len(b) - start - 1
	if n < 0x80 {
		b[start] = byte(n)
		return b
	}
	size := protowire.SizeVarint(uint64(n))
	for range size - 1 {
		b = append(b, 0)
	}
	copy(b[start+size:], b[start+1:start+1+n])
	protowire.AppendVarint(b[start:start], uint64(n))
	return b
}
