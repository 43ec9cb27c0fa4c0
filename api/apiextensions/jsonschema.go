package apiextensions

import (
	"encoding/json"
	"errors"

	"github.com/spar-dev/spar/api/meta"
)

// JSONSchemaProps is an OpenAPI v3 schema node as CRDs use it, with every
// keyword and x-kubernetes-* extension Kubernetes accepts.
type JSONSchemaProps struct {
	ID          string        `json:"id,omitempty"`
	Schema      JSONSchemaURL `json:"$schema,omitempty"`
	Ref         *string       `json:"$ref,omitempty"`
	Description string        `json:"description,omitempty"`
	// Type is object, array, string, integer, number or boolean.
	Type string `json:"type,omitempty"`
	// Format refines Type: int32, int64, date-time, byte, uuid, ...
	Format string `json:"format,omitempty"`
	Title  string `json:"title,omitempty"`
	// Default is the value applied to an absent field.
	Default          *JSON    `json:"default,omitempty"`
	Maximum          *float64 `json:"maximum,omitempty"`
	ExclusiveMaximum bool     `json:"exclusiveMaximum,omitempty"`
	Minimum          *float64 `json:"minimum,omitempty"`
	ExclusiveMinimum bool     `json:"exclusiveMinimum,omitempty"`
	MaxLength        *int64   `json:"maxLength,omitempty"`
	MinLength        *int64   `json:"minLength,omitempty"`
	Pattern          string   `json:"pattern,omitempty"`
	MaxItems         *int64   `json:"maxItems,omitempty"`
	MinItems         *int64   `json:"minItems,omitempty"`
	UniqueItems      bool     `json:"uniqueItems,omitempty"`
	MultipleOf       *float64 `json:"multipleOf,omitempty"`
	Enum             []JSON   `json:"enum,omitempty"`
	MaxProperties    *int64   `json:"maxProperties,omitempty"`
	MinProperties    *int64   `json:"minProperties,omitempty"`
	Required         []string `json:"required,omitempty"`
	// Items is the schema of array elements (or, in JSON Schema's tuple
	// form, not allowed in structural schemas, one schema per position).
	Items                *JSONSchemaPropsOrArray    `json:"items,omitempty"`
	AllOf                []JSONSchemaProps          `json:"allOf,omitempty"`
	OneOf                []JSONSchemaProps          `json:"oneOf,omitempty"`
	AnyOf                []JSONSchemaProps          `json:"anyOf,omitempty"`
	Not                  *JSONSchemaProps           `json:"not,omitempty"`
	Properties           map[string]JSONSchemaProps `json:"properties,omitempty"`
	AdditionalProperties *JSONSchemaPropsOrBool     `json:"additionalProperties,omitempty"`
	PatternProperties    map[string]JSONSchemaProps `json:"patternProperties,omitempty"`
	Dependencies         JSONSchemaDependencies     `json:"dependencies,omitempty"`
	AdditionalItems      *JSONSchemaPropsOrBool     `json:"additionalItems,omitempty"`
	Definitions          JSONSchemaDefinitions      `json:"definitions,omitempty"`
	ExternalDocs         *ExternalDocumentation     `json:"externalDocs,omitempty"`
	Example              *JSON                      `json:"example,omitempty"`
	Nullable             bool                       `json:"nullable,omitempty"`

	// XPreserveUnknownFields stops pruning of fields the schema does not
	// name, recursively until nested properties or additionalProperties
	// are given. Only true or unset are valid.
	XPreserveUnknownFields *bool `json:"x-kubernetes-preserve-unknown-fields,omitempty"`
	// XEmbeddedResource marks an object that is a whole Kubernetes object
	// (apiVersion, kind, metadata are validated).
	XEmbeddedResource bool `json:"x-kubernetes-embedded-resource,omitempty"`
	// XIntOrString marks a value that is an integer or a string.
	XIntOrString bool `json:"x-kubernetes-int-or-string,omitempty"`
	// XListMapKeys are the key fields of a list of type "map".
	XListMapKeys []string `json:"x-kubernetes-list-map-keys,omitempty"`
	// XListType is atomic (the default), set or map.
	XListType *string `json:"x-kubernetes-list-type,omitempty"`
	// XMapType is granular (the default) or atomic.
	XMapType *string `json:"x-kubernetes-map-type,omitempty"`
	// XValidations are CEL rules.
	XValidations ValidationRules `json:"x-kubernetes-validations,omitempty" patchStrategy:"merge" patchMergeKey:"rule"`
}

// JSON is an arbitrary JSON value kept verbatim (default, enum, example).
type JSON = meta.RawJSON

// JSONSchemaURL is the value of $schema.
type JSONSchemaURL string

// JSONSchemaDependencies maps a property to the schema or the property
// names that its presence requires.
type JSONSchemaDependencies map[string]JSONSchemaPropsOrStringArray

// JSONSchemaDefinitions are named schemas.
type JSONSchemaDefinitions map[string]JSONSchemaProps

// ExternalDocumentation links to more documentation.
type ExternalDocumentation struct {
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
}

// ValidationRules are the CEL rules of a schema node.
type ValidationRules []ValidationRule

// ValidationRule is one CEL rule, e.g. "self.minReplicas <= self.maxReplicas".
type ValidationRule struct {
	Rule              string `json:"rule"`
	Message           string `json:"message,omitempty"`
	MessageExpression string `json:"messageExpression,omitempty"`
	// Reason is the cause reported when the rule fails.
	// Default: FieldValueInvalid.
	Reason *FieldValueErrorReason `json:"reason,omitempty"`
	// FieldPath is reported as the failing field, relative to the node.
	FieldPath string `json:"fieldPath,omitempty"`
	// OptionalOldSelf evaluates transition rules on create too, with
	// oldSelf as an absent optional.
	OptionalOldSelf *bool `json:"optionalOldSelf,omitempty"`
}

// FieldValueErrorReason is the reason of a failed validation rule.
type FieldValueErrorReason string

// Reasons of failed validation rules.
const (
	FieldValueRequired  FieldValueErrorReason = "FieldValueRequired"
	FieldValueDuplicate FieldValueErrorReason = "FieldValueDuplicate"
	FieldValueInvalid   FieldValueErrorReason = "FieldValueInvalid"
	FieldValueForbidden FieldValueErrorReason = "FieldValueForbidden"
)

// JSONSchemaPropsOrArray is a schema or an array of schemas; on the wire it
// is whichever is set, JSONSchemas first.
type JSONSchemaPropsOrArray struct {
	Schema      *JSONSchemaProps
	JSONSchemas []JSONSchemaProps
	strict      []fieldError
}

// MarshalJSON implements json.Marshaler.
func (s JSONSchemaPropsOrArray) MarshalJSON() ([]byte, error) {
	if len(s.JSONSchemas) > 0 {
		return json.Marshal(s.JSONSchemas)
	}
	return json.Marshal(s.Schema)
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *JSONSchemaPropsOrArray) UnmarshalJSON(data []byte) error {
	var nw JSONSchemaPropsOrArray
	var err error
	switch firstByte(data) {
	case '{':
		nw.Schema = new(JSONSchemaProps)
		nw.strict, err = decodeStrict(data, nw.Schema)
	case '[':
		nw.strict, err = decodeStrict(data, &nw.JSONSchemas)
	default:
		err = errors.New("a JSON schema or an array of JSON schemas expected")
	}
	if err != nil {
		return err
	}
	*s = nw
	return nil
}

// JSONSchemaPropsOrBool is a schema or a bool; a schema implies Allows.
// On the wire it is the schema if set, else the bool.
type JSONSchemaPropsOrBool struct {
	Allows bool
	Schema *JSONSchemaProps
	strict []fieldError
}

// MarshalJSON implements json.Marshaler.
func (s JSONSchemaPropsOrBool) MarshalJSON() ([]byte, error) {
	if s.Schema != nil {
		return json.Marshal(s.Schema)
	}
	return json.Marshal(s.Allows)
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *JSONSchemaPropsOrBool) UnmarshalJSON(data []byte) error {
	var nw JSONSchemaPropsOrBool
	switch string(data) {
	case "true":
		nw.Allows = true
	case "false":
	default:
		if firstByte(data) != '{' {
			return errors.New("a boolean or a JSON schema expected")
		}
		nw.Allows, nw.Schema = true, new(JSONSchemaProps)
		var err error
		if nw.strict, err = decodeStrict(data, nw.Schema); err != nil {
			return err
		}
	}
	*s = nw
	return nil
}

// JSONSchemaPropsOrStringArray is a schema or a list of property names; on
// the wire it is whichever is set, Property first.
type JSONSchemaPropsOrStringArray struct {
	Schema   *JSONSchemaProps
	Property []string
	strict   []fieldError
}

// MarshalJSON implements json.Marshaler.
func (s JSONSchemaPropsOrStringArray) MarshalJSON() ([]byte, error) {
	if len(s.Property) > 0 {
		return json.Marshal(s.Property)
	}
	if s.Schema != nil {
		return json.Marshal(s.Schema)
	}
	return []byte("null"), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *JSONSchemaPropsOrStringArray) UnmarshalJSON(data []byte) error {
	var nw JSONSchemaPropsOrStringArray
	var err error
	switch firstByte(data) {
	case '{':
		nw.Schema = new(JSONSchemaProps)
		nw.strict, err = decodeStrict(data, nw.Schema)
	case '[':
		nw.strict, err = decodeStrict(data, &nw.Property)
	default:
		if string(data) != "null" {
			err = errors.New("a JSON schema or an array of property names expected")
		}
	}
	if err != nil {
		return err
	}
	*s = nw
	return nil
}

func firstByte(data []byte) byte {
	if len(data) == 0 {
		return 0
	}
	return data[0]
}
