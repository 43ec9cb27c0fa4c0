package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// StrictError lists the unknown and duplicate fields found while decoding.
// The object was otherwise decoded completely, so a caller in "Warn" mode can
// use it and report the fields as warnings.
type StrictError struct {
	// Fields are messages such as `unknown field "spec.replicaz"` and
	// `duplicate field "metadata.name"`, in document order.
	Fields []string
}

func (e *StrictError) Error() string {
	if len(e.Fields) == 1 {
		return "strict decoding error: " + e.Fields[0]
	}
	return "strict decoding error: " + strings.Join(e.Fields, ", ")
}

// DecodeStrict decodes JSON into v as Kubernetes does: field names are
// case-sensitive, numbers in untyped maps stay int64 where they are integers,
// and unknown or duplicate fields yield a *StrictError after v is filled in.
// Syntax and type errors are returned as plain errors and leave v undefined.
//
// A document that decodes cleanly into a zero value of a type without
// interface-typed fields takes a faster decoder (encoding/json/v2, see
// decodeFast); anything else, errors included, is decoded as Kubernetes
// decodes it, so the results and messages are the same either way.
func DecodeStrict(data []byte, v any) error {
	if decodeFast(data, v) {
		if se := nestedErrors(v); se != nil {
			return se
		}
		return nil
	}
	strict, err := kjson.UnmarshalStrict(data, v, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return fmt.Errorf("decoding JSON: %w", err)
	}
	var fields []string
	for _, e := range strict {
		fields = append(fields, e.Error())
	}
	if err := nestedErrors(v); err != nil {
		fields = append(fields, err.Fields...)
	}
	if len(fields) > 0 {
		return &StrictError{Fields: fields}
	}
	return nil
}

// nestedErrors returns the unknown and duplicate fields that types with
// custom decoders (a CRD schema's schema-or-bool fields) found themselves:
// the JSON decoder cannot see inside them.
func nestedErrors(v any) *StrictError {
	if n, ok := v.(nestedStrictErrors); ok {
		if fields := n.StrictFieldErrors(); len(fields) > 0 {
			return &StrictError{Fields: fields}
		}
	}
	return nil
}

// nestedStrictErrors is implemented by types whose custom JSON decoding
// records unknown or duplicate fields instead of failing.
type nestedStrictErrors interface {
	StrictFieldErrors() []string
}

// Decode decodes JSON into v like DecodeStrict but ignores unknown and
// duplicate fields (the last duplicate wins).
func Decode(data []byte, v any) error {
	if err := kjson.UnmarshalCaseSensitivePreserveInts(data, v); err != nil {
		return fmt.Errorf("decoding JSON: %w", err)
	}
	return nil
}

// IsStrictError reports whether err is (or wraps) a *StrictError.
func IsStrictError(err error) bool {
	var se *StrictError
	return errors.As(err, &se)
}

// ToJSON converts a document that is YAML or JSON to JSON. JSON input is
// returned unchanged. YAML duplicate keys are an error, as in Kubernetes.
func ToJSON(data []byte) ([]byte, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return data, nil
	}
	out, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, fmt.Errorf("decoding YAML: %w", err)
	}
	return out, nil
}

// Encode returns v as JSON without a trailing newline.
func Encode(v any) ([]byte, error) { return json.Marshal(v) }

// EncodeYAML returns v as YAML, with the field order of its JSON form.
func EncodeYAML(v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(j)
}
