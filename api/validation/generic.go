package validation

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// Messages shared by the validators of every API group.
const (
	// IsNegativeErrorMsg is the detail for a negative value that must not be.
	IsNegativeErrorMsg = "must be greater than or equal to 0"
	// IsNotPositiveErrorMsg is the detail for a value that must be positive.
	IsNotPositiveErrorMsg = "must be greater than zero"
	// FieldImmutableErrorMsg is the detail for a change to an immutable field.
	FieldImmutableErrorMsg = "field is immutable"
)

// NameFunc checks an object name. With prefix true the value is a
// generateName, to which the server appends a random suffix, so a trailing
// '-' is fine. It returns Kubernetes' messages, nil for a valid name.
type NameFunc func(name string, prefix bool) []string

// NameIsDNSSubdomain is the NameFunc of most kinds (pods, config maps,
// deployments, nodes, ...): a DNS-1123 subdomain.
func NameIsDNSSubdomain(name string, prefix bool) []string {
	if prefix {
		name = maskTrailingDash(name)
	}
	return IsDNS1123Subdomain(name)
}

// NameIsDNSLabel is the NameFunc of namespaces: a DNS-1123 label.
func NameIsDNSLabel(name string, prefix bool) []string {
	if prefix {
		name = maskTrailingDash(name)
	}
	return IsDNS1123Label(name)
}

// NameIsDNS1035Label is the NameFunc of services: a DNS-1035 label (it must
// start with a letter, because it becomes a DNS name and environment
// variable names).
func NameIsDNS1035Label(name string, prefix bool) []string {
	if prefix {
		name = maskTrailingDash(name)
	}
	return IsDNS1035Label(name)
}

// ValidatePathSegmentName is the NameFunc of kinds whose names only need to
// fit in one URL path segment (RBAC roles and bindings, custom resources
// without a stricter rule).
func ValidatePathSegmentName(name string, prefix bool) []string {
	if prefix {
		return IsPathSegmentPrefix(name)
	}
	return IsPathSegmentName(name)
}

// maskTrailingDash replaces a generateName's trailing dash the way
// Kubernetes does (it also drops the character before it), so that "web-"
// checks as a valid prefix.
func maskTrailingDash(name string) string {
	if len(name) > 1 && strings.HasSuffix(name, "-") {
		return name[:len(name)-2] + "a"
	}
	return name
}

// ValidateNonnegativeField reports value < 0.
func ValidateNonnegativeField(value int64, path *meta.Path) meta.FieldErrors {
	if value < 0 {
		return meta.FieldErrors{meta.Invalid(path, value, IsNegativeErrorMsg)}
	}
	return nil
}

// ValidatePositiveField reports value <= 0.
func ValidatePositiveField(value int64, path *meta.Path) meta.FieldErrors {
	if value <= 0 {
		return meta.FieldErrors{meta.Invalid(path, value, IsNotPositiveErrorMsg)}
	}
	return nil
}

// ValidateNonnegativeQuantity reports a negative quantity.
func ValidateNonnegativeQuantity(q resource.Quantity, path *meta.Path) meta.FieldErrors {
	if q.Sign() < 0 {
		return meta.FieldErrors{meta.Invalid(path, q.String(), IsNegativeErrorMsg)}
	}
	return nil
}

// ValidatePositiveQuantity reports a quantity that is zero or negative.
func ValidatePositiveQuantity(q resource.Quantity, path *meta.Path) meta.FieldErrors {
	if q.Sign() <= 0 {
		return meta.FieldErrors{meta.Invalid(path, q.String(), IsNotPositiveErrorMsg)}
	}
	return nil
}

// ImmutableField reports "field is immutable" with the new value when
// newVal and oldVal differ by SemanticEqual.
func ImmutableField(newVal, oldVal any, path *meta.Path) meta.FieldErrors {
	if !SemanticEqual(oldVal, newVal) {
		return meta.FieldErrors{meta.Invalid(path, newVal, FieldImmutableErrorMsg)}
	}
	return nil
}

// ValidateDNS1123Label reports each IsDNS1123Label problem of value.
func ValidateDNS1123Label(value string, path *meta.Path) meta.FieldErrors {
	return invalidEach(path, value, IsDNS1123Label(value))
}

// ValidateDNS1123Subdomain reports each IsDNS1123Subdomain problem of value.
func ValidateDNS1123Subdomain(value string, path *meta.Path) meta.FieldErrors {
	return invalidEach(path, value, IsDNS1123Subdomain(value))
}

// ValidateQualifiedName reports each IsQualifiedName problem of value.
func ValidateQualifiedName(value string, path *meta.Path) meta.FieldErrors {
	return invalidEach(path, value, IsQualifiedName(value))
}

// InvalidEach turns the messages of an Is* check into one meta.Invalid
// each, at path with value.
func InvalidEach(path *meta.Path, value any, msgs []string) meta.FieldErrors {
	return invalidEach(path, value, msgs)
}

func invalidEach(path *meta.Path, value any, msgs []string) meta.FieldErrors {
	if len(msgs) == 0 {
		return nil
	}
	errs := make(meta.FieldErrors, len(msgs))
	for i, m := range msgs {
		errs[i] = meta.Invalid(path, value, m)
	}
	return errs
}

var (
	quantityType  = reflect.TypeFor[resource.Quantity]()
	timeType      = reflect.TypeFor[meta.Time]()
	microTimeType = reflect.TypeFor[meta.MicroTime]()
	stdTimeType   = reflect.TypeFor[time.Time]()
)

// SemanticEqual reports whether a and b are equal the way Kubernetes
// compares objects for immutability and no-op updates
// (apimachinery's equality.Semantic): quantities are equal when their
// values are ("1" and "1000m"), times when they are the same instant at
// wire precision, and a nil slice or map equals an empty one.
func SemanticEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == b
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	return semanticEqual(va, vb)
}

func semanticEqual(a, b reflect.Value) bool {
	if a.CanInterface() && b.CanInterface() {
		switch a.Type() {
		case quantityType:
			return a.Interface().(resource.Quantity).Cmp(b.Interface().(resource.Quantity)) == 0
		case timeType:
			return a.Interface().(meta.Time).Equal(b.Interface().(meta.Time))
		case microTimeType:
			return a.Interface().(meta.MicroTime).Time.Equal(b.Interface().(meta.MicroTime).Time)
		case stdTimeType:
			return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
		}
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		if a.Kind() == reflect.Interface && a.Elem().Type() != b.Elem().Type() {
			return false
		}
		return semanticEqual(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !semanticEqual(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		if a.Kind() == reflect.Slice && a.Type().Elem().Kind() == reflect.Uint8 {
			return string(a.Bytes()) == string(b.Bytes())
		}
		for i := range a.Len() {
			if !semanticEqual(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		it := a.MapRange()
		for it.Next() {
			bv := b.MapIndex(it.Key())
			if !bv.IsValid() || !semanticEqual(it.Value(), bv) {
				return false
			}
		}
		return true
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	case reflect.Func:
		return a.IsNil() && b.IsNil()
	}
	// Complex numbers and channels do not occur in API objects.
	return a.Equal(b)
}

// ValidatePortNumOrName checks a port given by number (1-65535) or by name
// (IsValidPortName), such as a probe's or a service's targetPort.
func ValidatePortNumOrName(port meta.IntOrString, path *meta.Path) meta.FieldErrors {
	switch port.Type {
	case meta.Int:
		return invalidEach(path, port.IntValue(), IsValidPortNum(port.IntValue()))
	case meta.String:
		return invalidEach(path, port.StrVal, IsValidPortName(port.StrVal))
	}
	return meta.FieldErrors{meta.InternalFieldError(path, fmt.Errorf("unknown type: %v", port.Type))}
}
