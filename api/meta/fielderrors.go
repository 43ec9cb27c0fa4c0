package meta

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Path is the location of a field in an object, built as validation descends:
// NewPath("spec").Child("containers").Index(0).Child("image") prints as
// "spec.containers[0].image".
type Path struct {
	name   string // a field name, or "" for an index/key step
	index  string // "[0]" or "[key]" when name is ""
	parent *Path
}

// NewPath starts a path at the given field names.
func NewPath(name string, more ...string) *Path {
	p := &Path{name: name}
	for _, m := range more {
		p = p.Child(m)
	}
	return p
}

// Child appends field names.
func (p *Path) Child(name string, more ...string) *Path {
	c := &Path{name: name, parent: p}
	for _, m := range more {
		c = c.Child(m)
	}
	return c
}

// Index appends a list index.
func (p *Path) Index(i int) *Path { return &Path{index: "[" + strconv.Itoa(i) + "]", parent: p} }

// Key appends a map key.
func (p *Path) Key(k string) *Path { return &Path{index: "[" + k + "]", parent: p} }

// String renders the path.
func (p *Path) String() string {
	if p == nil {
		return "<nil>"
	}
	var parts []*Path
	for q := p; q != nil; q = q.parent {
		parts = append(parts, q)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		q := parts[i]
		if q.name != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(q.name)
		} else {
			b.WriteString(q.index)
		}
	}
	return b.String()
}

// FieldError is one validation failure, as Kubernetes' field.Error.
type FieldError struct {
	Type     CauseType
	Field    string
	BadValue any
	Detail   string
}

// omitValue as a BadValue prints no value.
type omitValue struct{}

// OmitValue, passed as a bad value, keeps the value out of the message (for
// secrets and for values too large to print).
var OmitValue = omitValue{}

// Error renders "spec.replicas: Invalid value: -1: must be greater than or equal to 0".
func (e *FieldError) Error() string { return e.Field + ": " + e.ErrorBody() }

// ErrorBody is Error without the field path.
func (e *FieldError) ErrorBody() string {
	var s string
	switch e.Type {
	case CauseTypeFieldValueRequired, CauseTypeFieldValueForbidden, CauseTypeFieldValueTooLong, CauseTypeInternal:
		s = typeString(e.Type)
	default:
		if e.BadValue == OmitValue {
			s = typeString(e.Type)
		} else {
			s = typeString(e.Type) + ": " + printValue(e.BadValue)
		}
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func typeString(t CauseType) string {
	switch t {
	case CauseTypeFieldValueNotFound:
		return "Not found"
	case CauseTypeFieldValueRequired:
		return "Required value"
	case CauseTypeFieldValueDuplicate:
		return "Duplicate value"
	case CauseTypeFieldValueInvalid:
		return "Invalid value"
	case CauseTypeFieldValueNotSupported:
		return "Unsupported value"
	case CauseTypeFieldValueForbidden:
		return "Forbidden"
	case CauseTypeFieldValueTooLong:
		return "Too long"
	case CauseTypeTooMany:
		return "Too many"
	case CauseTypeInternal:
		return "Internal error"
	case CauseTypeTypeInvalid:
		return "Invalid value"
	}
	return string(t)
}

func printValue(v any) string {
	if v == nil {
		return "null"
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "null"
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.String:
		return strconv.Quote(rv.String())
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		// Kubernetes prints composite values as JSON: ["a"], {"k":"v"}.
		if b, err := json.Marshal(rv.Interface()); err == nil {
			return string(b)
		}
		return fmt.Sprintf("%#v", rv.Interface())
	}
	return fmt.Sprint(rv.Interface())
}

// FieldErrors is a list of validation failures.
type FieldErrors []*FieldError

// Error renders one error as itself and several as "[a, b]", as Kubernetes
// aggregates them.
func (l FieldErrors) Error() string {
	switch len(l) {
	case 0:
		return ""
	case 1:
		return l[0].Error()
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Invalid reports a value that is malformed or out of range.
func Invalid(p *Path, value any, detail string) *FieldError {
	return &FieldError{CauseTypeFieldValueInvalid, p.String(), value, detail}
}

// Required reports a missing value.
func Required(p *Path, detail string) *FieldError {
	return &FieldError{CauseTypeFieldValueRequired, p.String(), "", detail}
}

// Forbidden reports a value that may not be set (or changed).
func Forbidden(p *Path, detail string) *FieldError {
	return &FieldError{CauseTypeFieldValueForbidden, p.String(), "", detail}
}

// Duplicate reports a value that must be unique.
func Duplicate(p *Path, value any) *FieldError {
	return &FieldError{CauseTypeFieldValueDuplicate, p.String(), value, ""}
}

// NotFound reports a reference to something that does not exist.
func NotFound(p *Path, value any) *FieldError {
	return &FieldError{CauseTypeFieldValueNotFound, p.String(), value, ""}
}

// NotSupported reports a value outside an enumeration.
func NotSupported(p *Path, value any, valid []string) *FieldError {
	quoted := make([]string, len(valid))
	for i, v := range valid {
		quoted[i] = strconv.Quote(v)
	}
	detail := ""
	if len(valid) > 0 {
		detail = "supported values: " + strings.Join(quoted, ", ")
	}
	return &FieldError{CauseTypeFieldValueNotSupported, p.String(), value, detail}
}

// TooLong reports a value longer than max bytes.
func TooLong(p *Path, max int) *FieldError {
	return &FieldError{CauseTypeFieldValueTooLong, p.String(), OmitValue,
		fmt.Sprintf("may not be more than %d bytes", max)}
}

// TooMany reports a list with more than max items.
func TooMany(p *Path, actual, max int) *FieldError {
	return &FieldError{CauseTypeTooMany, p.String(), actual,
		fmt.Sprintf("must have at most %d items", max)}
}

// InternalFieldError reports a failure of the validator itself.
func InternalFieldError(p *Path, err error) *FieldError {
	return &FieldError{CauseTypeInternal, p.String(), nil, err.Error()}
}
