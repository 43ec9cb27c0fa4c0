package protobuf

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// maxDepth bounds message nesting, as protobuf libraries do, so hostile
// input cannot exhaust the stack.
const maxDepth = 100

// decoder holds the state of one Unmarshal call.
type decoder struct {
	strict  bool
	path    []pathElem // where we are, for error messages
	unknown []string   // strict mode: fields spar does not model
}

type pathElem struct {
	name  string
	index int // element of a repeated field, or -1
	key   string
	isKey bool
}

func (d *decoder) push(name string) { d.path = append(d.path, pathElem{name: name, index: -1}) }
func (d *decoder) pop()             { d.path = d.path[:len(d.path)-1] }

// pathString renders the current path as a JSON field path, e.g.
// spec.template.spec.containers[0].ports[1].
func (d *decoder) pathString() string {
	var sb strings.Builder
	for _, e := range d.path {
		if e.name != "" {
			if sb.Len() > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(e.name)
		}
		if e.index >= 0 {
			sb.WriteByte('[')
			sb.WriteString(strconv.Itoa(e.index))
			sb.WriteByte(']')
		}
		if e.isKey {
			sb.WriteByte('[')
			sb.WriteString(strconv.Quote(e.key))
			sb.WriteByte(']')
		}
	}
	return sb.String()
}

// errorf wraps a decoding failure with the path it happened at.
func (d *decoder) errorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if p := d.pathString(); p != "" {
		return fmt.Errorf("%w: %s: %s", ErrMalformed, p, msg)
	}
	return fmt.Errorf("%w: %s", ErrMalformed, msg)
}

func (d *decoder) parseError(n int) error {
	return d.errorf("%v", protowire.ParseError(n))
}

// decodeMessage merges the message in b into the struct v.
func (d *decoder) decodeMessage(m *message, v reflect.Value, b []byte) error {
	if len(d.path) > maxDepth {
		return d.errorf("message nested too deeply")
	}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return d.parseError(n)
		}
		b = b[n:]
		f := m.lookup(num)
		if f == nil {
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return d.parseError(n)
			}
			if d.strict && !zeroValue(typ, b[:n], 0) {
				p := d.pathString()
				if p != "" {
					p += "."
				}
				d.unknown = append(d.unknown, fmt.Sprintf("unknown field %q", p+"#"+strconv.Itoa(int(num))))
			}
			b = b[n:]
			continue
		}
		fv := v.Field(f.index)
		if k := f.c.kind; (k == kSlice && fv.Cap() == 0 && !(f.c.elem.scalar() && typ == protowire.BytesType)) ||
			(k == kMap && fv.IsNil()) {
			// Upstream writes the records of a repeated field or map one
			// after the other: size the slice or map once for all of them
			// rather than growing it record by record.
			if k == kSlice {
				fv.Grow(countRun(b, num, typ))
			} else {
				fv.Set(reflect.MakeMapWithSize(f.c.typ, countRun(b, num, typ)))
			}
		}
		d.path = append(d.path, pathElem{name: f.name, index: -1})
		n, err := d.decodeField(f.c, fv, typ, b)
		d.pop()
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// countRun counts the records of field num that start at b (just past the
// first one's tag) and follow each other without another field between.
func countRun(b []byte, num protowire.Number, typ protowire.Type) int {
	count := 0
	for {
		n := protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return max(count, 1)
		}
		count++
		b = b[n:]
		nextNum, nextTyp, m := protowire.ConsumeTag(b)
		if m < 0 || nextNum != num || nextTyp != typ {
			return count
		}
		b = b[m:]
	}
}

// decodeField decodes one wire record of a field into v and returns the
// bytes it used. Repeated fields and maps grow by one record at a time, as
// the wire allows them to be split and interleaved.
func (d *decoder) decodeField(c *codec, v reflect.Value, typ protowire.Type, b []byte) (int, error) {
	switch c.kind {
	case kSlice:
		if c.elem.scalar() && typ == protowire.BytesType {
			return d.decodePacked(c.elem, v, b)
		}
		i := v.Len()
		d.path[len(d.path)-1].index = i
		v.Grow(1)
		v.SetLen(i + 1)
		e := v.Index(i)
		e.SetZero()
		return d.decodeValue(c.elem, e, typ, b)
	case kMap:
		if typ != protowire.BytesType {
			return 0, d.errorf("map entry has wire type %d, want bytes", typ)
		}
		entry, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return 0, d.parseError(n)
		}
		return n, d.decodeMapEntry(c, v, entry)
	}
	return d.decodeValue(c, v, typ, b)
}

// decodePacked reads a packed run of scalars (proto3 style). Upstream
// writes repeated scalars unpacked, but a decoder must accept both.
func (d *decoder) decodePacked(c *codec, v reflect.Value, b []byte) (int, error) {
	run, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return 0, d.parseError(n)
	}
	typ := c.wireType()
	for len(run) > 0 {
		i := v.Len()
		v.Grow(1)
		v.SetLen(i + 1)
		e := v.Index(i)
		e.SetZero()
		m, err := d.decodeValue(c, e, typ, run)
		if err != nil {
			return 0, err
		}
		run = run[m:]
	}
	return n, nil
}

// decodeMapEntry decodes one {key=1, value=2} entry; an absent key or
// value is the zero value, as in upstream's generated code.
func (d *decoder) decodeMapEntry(c *codec, v reflect.Value, b []byte) error {
	if v.IsNil() {
		v.Set(reflect.MakeMap(c.typ))
	}
	if c.typ == stringMapType {
		// Labels, annotations, selectors: most maps. Without reflect a
		// pair costs its two strings only.
		return d.decodeStringMapEntry(*(*map[string]string)(v.Addr().UnsafePointer()), b)
	}
	key := reflect.New(c.key.typ).Elem()
	val := reflect.New(c.elem.typ).Elem()
	valSeen := false
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return d.parseError(n)
		}
		b = b[n:]
		switch num {
		case 1:
			n, err := d.decodeValue(c.key, key, typ, b)
			if err != nil {
				return err
			}
			b = b[n:]
		case 2:
			if key.Kind() == reflect.String {
				d.path[len(d.path)-1].key, d.path[len(d.path)-1].isKey = key.String(), true
			}
			n, err := d.decodeValue(c.elem, val, typ, b)
			d.path[len(d.path)-1].isKey = false
			if err != nil {
				return err
			}
			valSeen = true
			b = b[n:]
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return d.parseError(n)
			}
			b = b[n:]
		}
	}
	if !valSeen && c.elem.kind == kBytes {
		// Upstream decodes a missing bytes value as empty, not nil.
		val.SetBytes([]byte{})
	}
	v.SetMapIndex(key, val)
	return nil
}

var stringMapType = reflect.TypeFor[map[string]string]()

// decodeStringMapEntry is decodeMapEntry for map[string]string.
func (d *decoder) decodeStringMapEntry(m map[string]string, b []byte) error {
	var key, val string
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return d.parseError(n)
		}
		b = b[n:]
		if num != 1 && num != 2 {
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return d.parseError(n)
			}
			b = b[n:]
			continue
		}
		if typ != protowire.BytesType {
			return d.errorf("wire type %d, want %d for %s", typ, protowire.BytesType, reflect.TypeFor[string]())
		}
		s, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return d.parseError(n)
		}
		if num == 1 {
			key = string(s)
		} else {
			val = string(s)
		}
		b = b[n:]
	}
	m[key] = val
	return nil
}

// decodeValue decodes one non-repeated value of type c into v, which is
// addressable (a field, slice element or fresh map value).
func (d *decoder) decodeValue(c *codec, v reflect.Value, typ protowire.Type, b []byte) (int, error) {
	if c.kind == kPointer {
		if v.IsNil() {
			v.Set(reflect.New(c.elem.typ))
		}
		return d.decodeValue(c.elem, v.Elem(), typ, b)
	}
	if want := c.wireType(); typ != want {
		return 0, d.errorf("wire type %d, want %d for %s", typ, want, c.typ)
	}
	switch c.kind {
	case kBool, kInt, kUint:
		x, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return 0, d.parseError(n)
		}
		switch c.kind {
		case kBool:
			v.SetBool(x != 0)
		case kInt:
			// Negative int32s arrive sign-extended to 64 bits; SetInt
			// truncates to the field's width as the generated code does.
			v.SetInt(int64(x))
		default:
			v.SetUint(x)
		}
		return n, nil
	case kFloat64:
		x, n := protowire.ConsumeFixed64(b)
		if n < 0 {
			return 0, d.parseError(n)
		}
		v.SetFloat(math.Float64frombits(x))
		return n, nil
	case kFloat32:
		x, n := protowire.ConsumeFixed32(b)
		if n < 0 {
			return 0, d.parseError(n)
		}
		v.SetFloat(float64(math.Float32frombits(x)))
		return n, nil
	}
	data, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return 0, d.parseError(n)
	}
	switch c.kind {
	case kString:
		v.SetString(string(data))
	case kBytes:
		v.SetBytes(bytes.Clone(data))
	case kMessage:
		if err := d.decodeMessage(c.msg, v, data); err != nil {
			return 0, err
		}
	case kTime, kMicroTime:
		t, err := d.decodeTimestamp(data, c.kind == kMicroTime)
		if err != nil {
			return 0, err
		}
		if c.kind == kTime {
			*v.Addr().Interface().(*meta.Time) = meta.Time{Time: t}
		} else {
			*v.Addr().Interface().(*meta.MicroTime) = meta.MicroTime{Time: t}
		}
	case kQuantity:
		s, ok, err := d.singleBytes(data)
		if err != nil {
			return 0, err
		}
		q := resource.Quantity{}
		if ok {
			if q, err = resource.ParseQuantity(string(s)); err != nil {
				return 0, d.errorf("%v", err)
			}
		}
		*v.Addr().Interface().(*resource.Quantity) = q
	case kRawJSON:
		raw, ok, err := d.singleBytes(data)
		if err != nil {
			return 0, err
		}
		if ok {
			v.SetBytes(bytes.Clone(raw))
		} else {
			v.SetBytes(nil)
		}
	default:
		return 0, d.errorf("unsupported type %s", c.typ)
	}
	return n, nil
}

// decodeTimestamp reads {seconds=1, nanos=2}. An empty message is the zero
// time, as upstream marshals it. metav1.Time keeps whole seconds (upstream
// drops nanos so protobuf and JSON clients agree); MicroTime keeps
// microseconds.
func (d *decoder) decodeTimestamp(b []byte, micro bool) (time.Time, error) {
	if len(b) == 0 {
		return time.Time{}, nil
	}
	var sec, nsec int64
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return time.Time{}, d.parseError(n)
		}
		b = b[n:]
		if (num == 1 || num == 2) && typ == protowire.VarintType {
			x, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return time.Time{}, d.parseError(n)
			}
			if num == 1 {
				sec = int64(x)
			} else {
				nsec = int64(int32(x))
			}
			b = b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return time.Time{}, d.parseError(n)
		}
		b = b[n:]
	}
	if !micro {
		return time.Unix(sec, 0).Local(), nil
	}
	return time.Unix(sec, nsec-nsec%int64(time.Microsecond)).Local(), nil
}

// singleBytes reads field 1 (bytes) of a one-field wrapper message
// (Quantity, RawExtension, FieldsV1). ok is false when it is absent.
func (d *decoder) singleBytes(b []byte) (val []byte, ok bool, err error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, false, d.parseError(n)
		}
		b = b[n:]
		if num == 1 && typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, false, d.parseError(n)
			}
			val, ok = v, true
			b = b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return nil, false, d.parseError(n)
		}
		b = b[n:]
	}
	return val, ok, nil
}

// zeroValue reports whether an unknown field's value carries no
// information. Upstream's generated code writes every non-pointer field,
// zero or not, so a field spar does not model arrives as "" or 0 or an
// empty message from every client; only non-zero values are worth
// reporting. A length-delimited value is zero when it is empty or parses as
// a message whose fields are all zero.
func zeroValue(typ protowire.Type, b []byte, depth int) bool {
	switch typ {
	case protowire.VarintType:
		x, _ := protowire.ConsumeVarint(b)
		return x == 0
	case protowire.Fixed32Type:
		x, _ := protowire.ConsumeFixed32(b)
		return x == 0
	case protowire.Fixed64Type:
		x, _ := protowire.ConsumeFixed64(b)
		return x == 0
	case protowire.BytesType:
		v, _ := protowire.ConsumeBytes(b)
		if len(v) == 0 {
			return true
		}
		if depth >= maxDepth {
			return false
		}
		for len(v) > 0 {
			num, t, n := protowire.ConsumeTag(v)
			if n < 0 {
				return false
			}
			v = v[n:]
			n = protowire.ConsumeFieldValue(num, t, v)
			if n < 0 || !zeroValue(t, v[:n], depth+1) {
				return false
			}
			v = v[n:]
		}
		return true
	}
	return false
}
