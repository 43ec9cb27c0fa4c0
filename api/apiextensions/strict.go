package apiextensions

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	kjson "sigs.k8s.io/json"
)

// fieldError is an unknown or duplicate field met while a schema union
// decoded its value, with the path relative to that value.
type fieldError struct {
	kind string // "unknown field" or "duplicate field"
	path string
}

// decodeStrict decodes data into v the way the API decodes objects
// (case-sensitive, integers preserved) and returns the unknown and
// duplicate fields instead of failing on them, so that a lenient decode
// of a CRD still succeeds and a strict one can report them.
func decodeStrict(data []byte, v any) ([]fieldError, error) {
	strict, err := kjson.UnmarshalStrict(data, v, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return nil, err
	}
	var out []fieldError
	for _, e := range strict {
		var fe kjson.FieldError
		if !errors.As(e, &fe) {
			continue
		}
		// The message is `<kind> "<path>"`; keep the kind to re-render it
		// with a longer path.
		kind := strings.TrimSuffix(fe.Error(), " "+strconv.Quote(fe.FieldPath()))
		out = append(out, fieldError{kind: kind, path: fe.FieldPath()})
	}
	return out, nil
}

// join appends a relative path to a prefix: "a" + "b" is "a.b", "a" + "[0].b"
// is "a[0].b".
func join(prefix, rel string) string {
	switch {
	case prefix == "":
		return rel
	case rel == "":
		return prefix
	case rel[0] == '[':
		return prefix + rel
	}
	return prefix + "." + rel
}

// StrictFieldErrors returns the unknown and duplicate fields found inside
// the schemas of c's versions, in messages of the form the strict decoder
// uses (`unknown field "spec.versions[0].schema.openAPIV3Schema.properties.spec.items.tpye"`),
// sorted.
//
// The strict decoder reports unknown fields everywhere except inside values
// decoded by a custom UnmarshalJSON; the schema keywords that take a schema
// or a bool/array (items, additionalProperties, additionalItems,
// dependencies) are such values, so they are checked here.
func (c *CustomResourceDefinition) StrictFieldErrors() []string {
	var out []string
	for i := range c.Spec.Versions {
		v := &c.Spec.Versions[i]
		if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
			continue
		}
		prefix := "spec.versions[" + strconv.Itoa(i) + "].schema.openAPIV3Schema"
		out = v.Schema.OpenAPIV3Schema.appendStrict(out, prefix)
	}
	slices.Sort(out)
	return out
}

// StrictFieldErrors is CustomResourceDefinition.StrictFieldErrors for a
// schema on its own, with paths relative to s.
func (s *JSONSchemaProps) StrictFieldErrors() []string {
	out := s.appendStrict(nil, "")
	slices.Sort(out)
	return out
}

func (s *JSONSchemaProps) appendStrict(out []string, path string) []string {
	if s == nil {
		return out
	}
	report := func(errs []fieldError, at string) {
		for _, e := range errs {
			out = append(out, fmt.Sprintf("%s %q", e.kind, join(at, e.path)))
		}
	}
	if it := s.Items; it != nil {
		at := join(path, "items")
		report(it.strict, at)
		out = it.Schema.appendStrict(out, at)
		for i := range it.JSONSchemas {
			out = it.JSONSchemas[i].appendStrict(out, at+"["+strconv.Itoa(i)+"]")
		}
	}
	for _, b := range []struct {
		name string
		v    *JSONSchemaPropsOrBool
	}{{"additionalProperties", s.AdditionalProperties}, {"additionalItems", s.AdditionalItems}} {
		if b.v != nil {
			at := join(path, b.name)
			report(b.v.strict, at)
			out = b.v.Schema.appendStrict(out, at)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s.Dependencies)) {
		d := s.Dependencies[k]
		at := join(path, "dependencies."+k)
		report(d.strict, at)
		out = d.Schema.appendStrict(out, at)
	}
	for _, list := range []struct {
		name    string
		schemas []JSONSchemaProps
	}{{"allOf", s.AllOf}, {"oneOf", s.OneOf}, {"anyOf", s.AnyOf}} {
		for i := range list.schemas {
			out = list.schemas[i].appendStrict(out, join(path, list.name)+"["+strconv.Itoa(i)+"]")
		}
	}
	out = s.Not.appendStrict(out, join(path, "not"))
	for _, m := range []struct {
		name    string
		schemas map[string]JSONSchemaProps
	}{{"properties", s.Properties}, {"patternProperties", s.PatternProperties}, {"definitions", s.Definitions}} {
		for _, k := range slices.Sorted(maps.Keys(m.schemas)) {
			p := m.schemas[k]
			out = p.appendStrict(out, join(path, m.name+"."+k))
		}
	}
	return out
}
