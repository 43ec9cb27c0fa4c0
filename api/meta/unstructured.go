package meta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	kjson "sigs.k8s.io/json"
)

// Unstructured is an object without a Go type: a custom resource. Its
// apiVersion, kind and metadata are typed (so generic code treats it like
// any Object); every other top-level field is kept as decoded JSON in
// Content, with integers as int64 and other numbers as float64.
type Unstructured struct {
	TypeMeta
	ObjectMeta
	// Content holds the top-level fields other than apiVersion, kind and
	// metadata, e.g. "spec" and "status".
	Content map[string]any

	strict []string // unknown or duplicate fields met in metadata
}

// MarshalJSON writes kind, apiVersion, metadata, then Content's fields in
// key order.
func (u *Unstructured) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	put := func(k string, v any) error {
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(vb)
		return nil
	}
	if u.Kind != "" {
		put("kind", u.Kind)
	}
	if u.APIVersion != "" {
		put("apiVersion", u.APIVersion)
	}
	if err := put("metadata", &u.ObjectMeta); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(u.Content))
	for k := range u.Content {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := put(k, u.Content[k]); err != nil {
			return nil, fmt.Errorf("field %s: %w", k, err)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads any JSON object. Unknown or duplicate fields inside
// metadata do not fail the decode; StrictFieldErrors reports them.
func (u *Unstructured) UnmarshalJSON(data []byte) error {
	var top map[string]json.RawMessage
	if err := kjson.UnmarshalCaseSensitivePreserveInts(data, &top); err != nil {
		return err
	}
	*u = Unstructured{Content: map[string]any{}}
	for k, raw := range top {
		var err error
		switch k {
		case "kind":
			err = json.Unmarshal(raw, &u.Kind)
		case "apiVersion":
			err = json.Unmarshal(raw, &u.APIVersion)
		case "metadata":
			if string(raw) == "null" {
				continue
			}
			var strict []error
			strict, err = kjson.UnmarshalStrict(raw, &u.ObjectMeta, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
			for _, e := range strict {
				u.strict = append(u.strict, e.Error())
			}
			for i, s := range u.strict {
				// Name the field from the object's root, as for typed objects.
				u.strict[i] = prefixField(s, "metadata.")
			}
		default:
			var v any
			err = kjson.UnmarshalCaseSensitivePreserveInts(raw, &v)
			u.Content[k] = v
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

// prefixField turns `unknown field "x"` into `unknown field "metadata.x"`.
func prefixField(msg, prefix string) string {
	if i := bytes.IndexByte([]byte(msg), '"'); i >= 0 {
		return msg[:i+1] + prefix + msg[i+1:]
	}
	return msg
}

// StrictFieldErrors lists the unknown or duplicate metadata fields seen by
// the last UnmarshalJSON (api.DecodeStrict reports them).
func (u *Unstructured) StrictFieldErrors() []string { return u.strict }
