package apiserver

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	ext "github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/meta"
)

// The structural-schema handling of custom resources, as Kubernetes does
// it: unknown fields are pruned (and reported), defaults applied, and the
// value validated against the OpenAPI v3 schema of the CRD version.

// prune drops the fields s does not know, appending their paths to unknown,
// and returns the pruned value. Fields under x-kubernetes-preserve-unknown-fields
// are kept; embedded resources keep apiVersion, kind and metadata.
func prune(v any, s *ext.JSONSchemaProps, path string, unknown *[]string) any {
	if s == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		preserve := s.XPreserveUnknownFields != nil && *s.XPreserveUnknownFields
		var additional *ext.JSONSchemaProps
		if ap := s.AdditionalProperties; ap != nil {
			if ap.Schema != nil {
				additional = ap.Schema
			} else if ap.Allows {
				preserve = true
			}
		}
		for k, fv := range x {
			child := joinPath(path, k)
			if ps, ok := s.Properties[k]; ok {
				x[k] = prune(fv, &ps, child, unknown)
				continue
			}
			if additional != nil {
				x[k] = prune(fv, additional, child, unknown)
				continue
			}
			if s.XEmbeddedResource && (k == "apiVersion" || k == "kind" || k == "metadata") {
				continue
			}
			if preserve {
				continue
			}
			*unknown = append(*unknown, child)
			delete(x, k)
		}
		return x
	case []any:
		if s.Items != nil && s.Items.Schema != nil {
			for i := range x {
				x[i] = prune(x[i], s.Items.Schema, fmt.Sprintf("%s[%d]", path, i), unknown)
			}
		}
		return x
	}
	return v
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// applyDefaults sets the schema's defaults for absent fields (recursively
// into present objects and list items).
func applyDefaults(v any, s *ext.JSONSchemaProps) any {
	if s == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		for k, ps := range s.Properties {
			fv, ok := x[k]
			if !ok && ps.Default != nil {
				var d any
				if err := json.Unmarshal(*ps.Default, &d); err == nil {
					x[k] = normalizeNumbers(d)
					fv, ok = x[k], true
				}
			}
			if ok {
				x[k] = applyDefaults(fv, &ps)
			}
		}
		if ap := s.AdditionalProperties; ap != nil && ap.Schema != nil {
			for k, fv := range x {
				if _, known := s.Properties[k]; !known {
					x[k] = applyDefaults(fv, ap.Schema)
				}
			}
		}
	case []any:
		if s.Items != nil && s.Items.Schema != nil {
			for i := range x {
				x[i] = applyDefaults(x[i], s.Items.Schema)
			}
		}
	}
	return v
}

// normalizeNumbers turns float64s that are integers into int64s, as the
// strict decoder leaves them.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	}
	return v
}

var patternCache sync.Map // string → *regexp.Regexp

func compiledPattern(p string) (*regexp.Regexp, error) {
	if re, ok := patternCache.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	patternCache.Store(p, re)
	return re, nil
}

// jsonType names v's JSON type as schemas do.
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case int64, int, int32:
		return "integer"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return reflect.TypeOf(v).String()
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// validateValue checks v against s, with Kubernetes' messages
// (`spec.replicas in body must be of type integer: "string"`).
func validateValue(v any, s *ext.JSONSchemaProps, p *meta.Path) meta.FieldErrors {
	if s == nil {
		return nil
	}
	name := p.String()
	var errs meta.FieldErrors
	if v == nil {
		if s.Nullable || s.Type == "" {
			return nil
		}
		return meta.FieldErrors{meta.Invalid(p, "null", fmt.Sprintf("%s in body must be of type %s: \"null\"", name, s.Type))}
	}
	t := jsonType(v)
	if s.XIntOrString {
		if t != "integer" && t != "string" {
			return meta.FieldErrors{meta.Invalid(p, t, fmt.Sprintf("%s in body must be of type integer,string: %q", name, t))}
		}
	} else if s.Type != "" && s.Type != t && !(s.Type == "number" && t == "integer") {
		return meta.FieldErrors{meta.Invalid(p, t, fmt.Sprintf("%s in body must be of type %s: %q", name, s.Type, t))}
	}
	if len(s.Enum) > 0 {
		found := false
		var allowed []string
		for _, e := range s.Enum {
			var ev any
			if json.Unmarshal(e, &ev) == nil {
				ev = normalizeNumbers(ev)
				if reflect.DeepEqual(ev, normalizeNumbers(v)) {
					found = true
				}
				allowed = append(allowed, strings.Trim(string(e), `"`))
			}
		}
		if !found {
			errs = append(errs, meta.NotSupported(p, v, allowed))
		}
	}
	switch x := v.(type) {
	case string:
		if s.MaxLength != nil && int64(len([]rune(x))) > *s.MaxLength {
			errs = append(errs, &meta.FieldError{Type: meta.CauseTypeFieldValueTooLong, Field: name, BadValue: meta.OmitValue,
				Detail: fmt.Sprintf("may not be more than %d bytes", *s.MaxLength)})
		}
		if s.MinLength != nil && int64(len([]rune(x))) < *s.MinLength {
			errs = append(errs, meta.Invalid(p, x, fmt.Sprintf("%s in body should be at least %d chars long", name, *s.MinLength)))
		}
		if s.Pattern != "" {
			if re, err := compiledPattern(s.Pattern); err == nil && !re.MatchString(x) {
				errs = append(errs, meta.Invalid(p, x, fmt.Sprintf("%s in body should match '%s'", name, s.Pattern)))
			}
		}
	case []any:
		if s.MaxItems != nil && int64(len(x)) > *s.MaxItems {
			errs = append(errs, meta.TooMany(p, len(x), int(*s.MaxItems)))
		}
		if s.MinItems != nil && int64(len(x)) < *s.MinItems {
			errs = append(errs, meta.Invalid(p, len(x), fmt.Sprintf("%s in body should have at least %d items", name, *s.MinItems)))
		}
		if s.UniqueItems || (s.XListType != nil && *s.XListType == "set") {
			for i := range x {
				for j := 0; j < i; j++ {
					if reflect.DeepEqual(x[i], x[j]) {
						errs = append(errs, meta.Duplicate(p.Index(i), x[i]))
					}
				}
			}
		}
		if s.Items != nil && s.Items.Schema != nil {
			for i, e := range x {
				errs = append(errs, validateValue(e, s.Items.Schema, p.Index(i))...)
			}
		}
	case map[string]any:
		for _, r := range s.Required {
			if _, ok := x[r]; !ok {
				errs = append(errs, meta.Required(p.Child(r), ""))
			}
		}
		if s.MaxProperties != nil && int64(len(x)) > *s.MaxProperties {
			errs = append(errs, meta.TooMany(p, len(x), int(*s.MaxProperties)))
		}
		if s.MinProperties != nil && int64(len(x)) < *s.MinProperties {
			errs = append(errs, meta.Invalid(p, len(x), fmt.Sprintf("%s in body should have at least %d properties", name, *s.MinProperties)))
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := s.Properties[k]; ok {
				errs = append(errs, validateValue(x[k], &ps, p.Child(k))...)
			} else if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
				errs = append(errs, validateValue(x[k], s.AdditionalProperties.Schema, p.Key(k))...)
			}
		}
	default:
		if f, ok := toFloat(v); ok {
			if s.Maximum != nil && (f > *s.Maximum || s.ExclusiveMaximum && f == *s.Maximum) {
				op := "less than or equal to"
				if s.ExclusiveMaximum {
					op = "less than"
				}
				errs = append(errs, meta.Invalid(p, v, fmt.Sprintf("%s in body should be %s %v", name, op, *s.Maximum)))
			}
			if s.Minimum != nil && (f < *s.Minimum || s.ExclusiveMinimum && f == *s.Minimum) {
				op := "greater than or equal to"
				if s.ExclusiveMinimum {
					op = "greater than"
				}
				errs = append(errs, meta.Invalid(p, v, fmt.Sprintf("%s in body should be %s %v", name, op, *s.Minimum)))
			}
			if s.MultipleOf != nil && *s.MultipleOf != 0 && math.Mod(f, *s.MultipleOf) != 0 {
				errs = append(errs, meta.Invalid(p, v, fmt.Sprintf("%s in body should be a multiple of %v", name, *s.MultipleOf)))
			}
		}
	}
	for i := range s.AllOf {
		errs = append(errs, validateValue(v, &s.AllOf[i], p)...)
	}
	if len(s.AnyOf) > 0 && !slices.ContainsFunc(s.AnyOf, func(sub ext.JSONSchemaProps) bool { return len(validateValue(v, &sub, p)) == 0 }) {
		errs = append(errs, meta.Invalid(p, meta.OmitValue, fmt.Sprintf("%s in body must match at least one schema (anyOf)", name)))
	}
	if len(s.OneOf) > 0 {
		n := 0
		for i := range s.OneOf {
			if len(validateValue(v, &s.OneOf[i], p)) == 0 {
				n++
			}
		}
		if n != 1 {
			errs = append(errs, meta.Invalid(p, meta.OmitValue, fmt.Sprintf("%s in body must match exactly one schema (oneOf)", name)))
		}
	}
	if s.Not != nil && len(validateValue(v, s.Not, p)) == 0 {
		errs = append(errs, meta.Invalid(p, meta.OmitValue, fmt.Sprintf("%s in body must not validate the schema (not)", name)))
	}
	return errs
}
