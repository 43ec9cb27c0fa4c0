package patch

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// schema is what strategic merge needs to know about one Go type: for a
// struct, the patch metadata of each JSON field; for a slice, array or map,
// the schema of its elements. A type with its own JSON encoding (a
// json.Marshaler or encoding.TextMarshaler such as meta.Time, Quantity,
// IntOrString, RawJSON) is opaque: its JSON shape says nothing about its Go
// fields, so below it objects merge key by key and lists are replaced.
type schema struct {
	name   string                // the Go type's name, for error messages
	goKind string                // the Go type's kind, for error messages
	kind   reflect.Kind          // Struct, Slice, Map, or Invalid for opaque and scalar types
	fields map[string]*fieldMeta // Struct: JSON name → metadata
	elem   *schema               // Slice and Map: the element schema
	value  *fieldMeta            // Map: the metadata of every value
}

// fieldMeta is the strategic-merge metadata of one struct field, read from its
// patchStrategy and patchMergeKey tags (the tags Kubernetes' API types carry).
type fieldMeta struct {
	schema *schema
	// goKind is the kind of the field's Go type (Slice, Pointer, ...).
	goKind reflect.Kind
	// strategy is "merge", "replace" or "": how a list (or, for "replace",
	// a map) in a patch combines with the current value.
	strategy string
	// mergeKey names the field that identifies an element of a merged list
	// of objects; "" for lists of primitives.
	mergeKey string
	// err is a malformed patchStrategy tag, reported when the field is
	// patched (as Kubernetes does), not when the type is first seen.
	err error
}

// opaque is the schema of values strategic merge knows nothing about, such
// as the insides of types with their own JSON encoding.
var opaque = &schema{name: "unknown", goKind: "interface"}

// noField is the metadata of any key below an opaque value.
var noField = &fieldMeta{schema: opaque}

// schemas caches one *schema per Go type, so that a patch costs no
// reflection after the first one of its kind.
var schemas sync.Map // reflect.Type → *schema

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// schemaFor returns the (cached) schema of t.
func schemaFor(t reflect.Type) *schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := schemas.Load(t); ok {
		return s.(*schema)
	}
	// Build the whole graph of types reachable from t at once; building
	// records nodes in progress so recursive types (a CRD's JSONSchemaProps)
	// terminate.
	building := map[reflect.Type]*schema{}
	s := build(t, building)
	for bt, bs := range building {
		schemas.LoadOrStore(bt, bs)
	}
	// Another goroutine may have stored an equivalent graph first; either is
	// correct, but return the cached one so callers share it.
	actual, _ := schemas.LoadOrStore(t, s)
	return actual.(*schema)
}

func build(t reflect.Type, building map[reflect.Type]*schema) *schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := schemas.Load(t); ok {
		return s.(*schema)
	}
	if s, ok := building[t]; ok {
		return s
	}
	s := &schema{name: t.Name(), goKind: t.Kind().String()}
	if s.name == "" {
		s.name = t.String()
	}
	building[t] = s
	if hasOwnEncoding(t) {
		return s
	}
	switch t.Kind() {
	case reflect.Struct:
		s.kind = reflect.Struct
		s.fields = map[string]*fieldMeta{}
		for name, f := range jsonFields(t) {
			s.fields[name] = newFieldMeta(f, building)
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return s // []byte is a base64 string in JSON
		}
		s.kind = reflect.Slice
		s.elem = build(t.Elem(), building)
	case reflect.Map:
		// Kubernetes' lookup refuses to descend into a map's values; merging
		// them by their element type instead is the natural extension and
		// only matters for maps of structs (a CRD's schema properties).
		s.kind = reflect.Map
		s.elem = build(t.Elem(), building)
		s.value = &fieldMeta{schema: s.elem}
	}
	return s
}

func hasOwnEncoding(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonMarshaler) || pt.Implements(jsonMarshaler) ||
		t.Implements(textMarshaler) || pt.Implements(textMarshaler)
}

func newFieldMeta(f reflect.StructField, building map[reflect.Type]*schema) *fieldMeta {
	fm := &fieldMeta{schema: build(f.Type, building), goKind: f.Type.Kind(), mergeKey: f.Tag.Get("patchMergeKey")}
	// The tag is "merge", "replace", "retainKeys", or "retainKeys" with one
	// of the others. The server applies $retainKeys wherever a patch has it,
	// so the retainKeys strategy matters only to clients computing patches.
	var others []string
	if tag := f.Tag.Get("patchStrategy"); tag != "" {
		for _, st := range strings.Split(tag, ",") {
			if st != "retainKeys" {
				others = append(others, st)
			}
		}
		if n := strings.Count(tag, ",") + 1; n > 2 || len(others) > 1 {
			fm.err = fmt.Errorf("unexpected patch strategy: %v", strings.Split(tag, ","))
		}
	}
	if len(others) == 1 {
		fm.strategy = others[0]
	}
	return fm
}

// jsonFields returns the fields encoding/json encodes for struct type t, by
// JSON name, following its rules for embedded structs: an untagged embedded
// struct's fields are promoted, the shallowest field of a name wins, a tagged
// one wins among equals, and a name still ambiguous is dropped.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	type candidate struct {
		f      reflect.StructField
		depth  int
		tagged bool
		count  int
	}
	best := map[string]*candidate{}
	type level struct {
		t     reflect.Type
		depth int
	}
	queue := []level{{t, 0}}
	visited := map[reflect.Type]bool{}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if visited[cur.t] {
			continue
		}
		visited[cur.t] = true
		for i := 0; i < cur.t.NumField(); i++ {
			f := cur.t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				queue = append(queue, level{ft, cur.depth + 1})
				continue
			}
			if !f.IsExported() {
				continue
			}
			tagged := name != ""
			if !tagged {
				name = f.Name
			}
			c := best[name]
			switch {
			case c == nil || cur.depth < c.depth || (cur.depth == c.depth && tagged && !c.tagged):
				best[name] = &candidate{f: f, depth: cur.depth, tagged: tagged, count: 1}
			case cur.depth == c.depth && tagged == c.tagged:
				c.count++
			}
		}
	}
	out := make(map[string]reflect.StructField, len(best))
	for name, c := range best {
		if c.count == 1 {
			out[name] = c.f
		}
	}
	return out
}

// field returns the metadata of the field with JSON name key. Like
// encoding/json, an exact match wins over a case-insensitive one. Below an
// opaque type any key is a field without metadata; a struct's unknown field
// is an error, as in Kubernetes.
func (s *schema) field(key string) (*fieldMeta, error) {
	switch s.kind {
	case reflect.Struct:
		if f, ok := s.fields[key]; ok {
			return f, f.err
		}
		for name, f := range s.fields {
			if strings.EqualFold(name, key) {
				return f, f.err
			}
		}
		return nil, invalid("unable to find api field in struct %s for the json field %q", s.name, key)
	case reflect.Map:
		return s.value, nil
	}
	return noField, nil
}

// listField is field for a key whose value is a list, and returns the
// schema of the list's elements too. As in Kubernetes, a struct field that
// is not a slice (nor a pointer) cannot be one.
func (s *schema) listField(key string) (*fieldMeta, *schema, error) {
	f, err := s.field(key)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case f.schema.kind == reflect.Slice:
		return f, f.schema.elem, nil
	case s.kind == reflect.Struct && f.goKind != reflect.Pointer && f.goKind != reflect.Slice && f.goKind != reflect.Array:
		return nil, nil, invalid("expected slice or array type, but got: %s", s.goKind)
	}
	return f, f.schema, nil
}
