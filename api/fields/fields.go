package fields

import (
	"slices"
	"strings"
)

// Fields is what a field selector matches against: an object's selectable
// fields by name ("metadata.name", "spec.nodeName"). Which fields a kind
// offers is the API server's business, not this package's.
type Fields interface {
	// Has reports whether the object has the field.
	Has(field string) bool
	// Get returns the field's value, or "" when it is absent.
	Get(field string) string
}

// Set is a map of field names to values; it implements Fields.
type Set map[string]string

// Has reports whether field is present.
func (s Set) Has(field string) bool {
	_, ok := s[field]
	return ok
}

// Get returns the value of field, or "" when it is absent.
func (s Set) Get(field string) string { return s[field] }

// String renders the set as "f1=v1,f2=v2", sorted by field, with values
// escaped (EscapeValue) so that Parse reads it back.
func (s Set) String() string {
	names := make([]string, 0, len(s))
	for f := range s {
		names = append(names, f)
	}
	slices.Sort(names)
	var b strings.Builder
	for i, f := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(f)
		b.WriteByte('=')
		b.WriteString(EscapeValue(s[f]))
	}
	return b.String()
}
