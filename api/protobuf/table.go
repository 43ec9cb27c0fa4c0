package protobuf

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// kind says how one Go type is put on the wire.
type kind uint8

const (
	kBool      kind = iota // varint 0/1
	kInt                   // varint, sign-extended to 64 bits (int32, int64, int)
	kUint                  // varint (uint32, uint64, uint)
	kFloat64               // fixed64 (proto double)
	kFloat32               // fixed32 (proto float)
	kString                // length-delimited UTF-8
	kBytes                 // length-delimited []byte
	kMessage               // length-delimited message: a struct with protobuf tags
	kTime                  // metav1.Time: message {seconds=1, nanos=2}, whole seconds
	kMicroTime             // metav1.MicroTime: as kTime, keeping microseconds
	kQuantity              // resource.Quantity: message {string=1}
	kRawJSON               // runtime.RawExtension, FieldsV1, apiextensions JSON: message {raw=1}
	kPointer               // optional value: present on the wire when non-nil
	kSlice                 // repeated field: one wire record per element
	kMap                   // repeated entry message {key=1, value=2}
)

// codec is the cached wire description of one Go type.
type codec struct {
	typ  reflect.Type
	kind kind
	elem *codec   // pointee, slice element or map value
	key  *codec   // map key
	msg  *message // structs (kMessage)
}

// wireType is the protobuf wire type of a single (non-repeated) value.
func (c *codec) wireType() protowire.Type {
	switch c.kind {
	case kBool, kInt, kUint:
		return protowire.VarintType
	case kFloat64:
		return protowire.Fixed64Type
	case kFloat32:
		return protowire.Fixed32Type
	case kPointer:
		return c.elem.wireType()
	}
	return protowire.BytesType
}

// scalar reports whether c's values may be packed in a repeated field.
func (c *codec) scalar() bool {
	switch c.kind {
	case kBool, kInt, kUint, kFloat64, kFloat32:
		return true
	}
	return false
}

// field is one tagged struct field.
type field struct {
	num   protowire.Number
	name  string // JSON name, for error paths; "" for inlined structs
	index int    // struct field index
	c     *codec
}

// message is the field table of a struct type.
type message struct {
	fields []field // ordered by number, as upstream marshals them
	byNum  []int16 // number → index in fields, -1 when absent (dense: numbers are small)
	sparse map[protowire.Number]int
}

func (m *message) lookup(n protowire.Number) *field {
	if int(n) < len(m.byNum) {
		if i := m.byNum[n]; i >= 0 {
			return &m.fields[i]
		}
		return nil
	}
	if i, ok := m.sparse[n]; ok {
		return &m.fields[i]
	}
	return nil
}

var (
	cache   sync.Map   // reflect.Type → *codec
	buildMu sync.Mutex // serializes table construction (types may be recursive)
)

var (
	timeType      = reflect.TypeFor[meta.Time]()
	microTimeType = reflect.TypeFor[meta.MicroTime]()
	quantityType  = reflect.TypeFor[resource.Quantity]()
	rawJSONType   = reflect.TypeFor[meta.RawJSON]()
)

// codecFor returns the cached codec of t, building it on first use.
func codecFor(t reflect.Type) (*codec, error) {
	if c, ok := cache.Load(t); ok {
		return c.(*codec), nil
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if c, ok := cache.Load(t); ok {
		return c.(*codec), nil
	}
	b := builder{seen: map[reflect.Type]*codec{}}
	c, err := b.build(t)
	if err != nil {
		return nil, err
	}
	// Publish only complete tables: a failed build leaves nothing behind.
	for t, c := range b.seen {
		cache.Store(t, c)
	}
	return c, nil
}

type builder struct {
	seen map[reflect.Type]*codec
}

func (b *builder) build(t reflect.Type) (*codec, error) {
	if c, ok := b.seen[t]; ok {
		return c, nil
	}
	if c, ok := cache.Load(t); ok {
		return c.(*codec), nil
	}
	c := &codec{typ: t}
	b.seen[t] = c // before recursing: schemas nest themselves
	switch t {
	case timeType:
		c.kind = kTime
		return c, nil
	case microTimeType:
		c.kind = kMicroTime
		return c, nil
	case quantityType:
		c.kind = kQuantity
		return c, nil
	case rawJSONType:
		c.kind = kRawJSON
		return c, nil
	}
	var err error
	switch t.Kind() {
	case reflect.Bool:
		c.kind = kBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.kind = kInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		c.kind = kUint
	case reflect.Float64:
		c.kind = kFloat64
	case reflect.Float32:
		c.kind = kFloat32
	case reflect.String:
		c.kind = kString
	case reflect.Pointer:
		c.kind = kPointer
		c.elem, err = b.build(t.Elem())
		if err == nil && (c.elem.kind == kPointer || c.elem.kind == kSlice || c.elem.kind == kMap) {
			err = fmt.Errorf("protobuf: pointer to %s is not supported", t.Elem())
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			c.kind = kBytes
			break
		}
		c.kind = kSlice
		c.elem, err = b.build(t.Elem())
		if err == nil && (c.elem.kind == kSlice || c.elem.kind == kMap) {
			err = fmt.Errorf("protobuf: %s: nested repeated fields need a wrapper message", t)
		}
	case reflect.Map:
		c.kind = kMap
		if c.key, err = b.build(t.Key()); err != nil {
			break
		}
		if k := c.key.kind; k != kString && k != kInt && k != kUint && k != kBool {
			err = fmt.Errorf("protobuf: map key type %s is not supported", t.Key())
			break
		}
		c.elem, err = b.build(t.Elem())
		if err == nil && (c.elem.kind == kSlice || c.elem.kind == kMap) {
			err = fmt.Errorf("protobuf: %s: map values that are repeated need a wrapper message", t)
		}
	case reflect.Struct:
		c.kind = kMessage
		c.msg, err = b.message(t)
	default:
		err = fmt.Errorf("protobuf: type %s is not supported", t)
	}
	if err != nil {
		delete(b.seen, t)
		return nil, err
	}
	return c, nil
}

// message builds the field table of struct t from its protobuf tags.
// Untagged fields (embedded TypeMeta, fields upstream does not have,
// unexported fields) are not on the wire.
func (b *builder) message(t reflect.Type) (*message, error) {
	m := &message{}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("protobuf")
		if !ok || tag == "-" || !sf.IsExported() {
			continue
		}
		num, name, err := parseTag(tag)
		if js, ok := sf.Tag.Lookup("json"); ok {
			// Paths in errors use JSON names; inlined structs add none.
			name, _, _ = strings.Cut(js, ",")
		}
		if err != nil {
			return nil, fmt.Errorf("protobuf: %s.%s: %w", t, sf.Name, err)
		}
		fc, err := b.build(sf.Type)
		if err != nil {
			return nil, fmt.Errorf("%w (in %s.%s)", err, t, sf.Name)
		}
		m.fields = append(m.fields, field{num: num, name: name, index: i, c: fc})
	}
	slices.SortFunc(m.fields, func(a, b field) int { return int(a.num) - int(b.num) })
	maxDense := 0
	for i, f := range m.fields {
		if i > 0 && m.fields[i-1].num == f.num {
			return nil, fmt.Errorf("protobuf: %s: fields %s and %s share number %d", t, m.fields[i-1].name, f.name, f.num)
		}
		if f.num < 256 {
			maxDense = int(f.num)
		}
	}
	m.byNum = make([]int16, maxDense+1)
	for i := range m.byNum {
		m.byNum[i] = -1
	}
	for i, f := range m.fields {
		if int(f.num) < len(m.byNum) {
			m.byNum[f.num] = int16(i)
			continue
		}
		if m.sparse == nil {
			m.sparse = map[protowire.Number]int{}
		}
		m.sparse[f.num] = i
	}
	return m, nil
}

// parseTag reads the number and name from a tag such as
// "bytes,1,opt,name=metadata". The wire type in the tag is not trusted:
// upstream has a few tags that disagree with the generated code (DeleteOptions'
// propagationPolicy says varint and is a string), so the Go type decides.
func parseTag(tag string) (protowire.Number, string, error) {
	parts := strings.Split(tag, ",")
	if len(parts) < 2 {
		return 0, "", fmt.Errorf("malformed protobuf tag %q", tag)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 || n > int(protowire.MaxValidNumber) {
		return 0, "", fmt.Errorf("malformed protobuf tag %q: bad field number", tag)
	}
	name := ""
	for _, p := range parts[2:] {
		if v, ok := strings.CutPrefix(p, "name="); ok {
			name = v
		}
	}
	return protowire.Number(n), name, nil
}
