package apiextensions

import (
	"encoding/json"
	"errors"

	"github.com/spar-dev/spar/api/meta"
)

// JSONSchemaProps is an OpenAPI v3 schema node as CRDs use it, with every
// keyword and x-kubernetes-* extension Kubernetes accepts.
type JSONSchemaProps struct {
	ID          string        `json:"id,omitempty" protobuf:"bytes,1,opt,name=id"`
	Schema      JSONSchemaURL `json:"$schema,omitempty" protobuf:"bytes,2,opt,name=schema"`
	Ref         *string       `json:"$ref,omitempty" protobuf:"bytes,3,opt,name=ref"`
	Description string        `json:"description,omitempty" protobuf:"bytes,4,opt,name=description"`
	// Type is object, array, string, integer, number or boolean.
	Type string `json:"type,omitempty" protobuf:"bytes,5,opt,name=type"`
	// Format refines Type: int32, int64, date-time, byte, uuid, ...
	Format string `json:"format,omitempty" protobuf:"bytes,6,opt,name=format"`
	Title  string `json:"title,omitempty" protobuf:"bytes,7,opt,name=title"`
	// Default is the value applied to an absent field.
	Default          *JSON    `json:"default,omitempty" protobuf:"bytes,8,opt,name=default"`
	Maximum          *float64 `json:"maximum,omitempty" protobuf:"fixed64,9,opt,name=maximum"`
	ExclusiveMaximum bool     `json:"exclusiveMaximum,omitempty" protobuf:"varint,10,opt,name=exclusiveMaximum"`
	Minimum          *float64 `json:"minimum,omitempty" protobuf:"fixed64,11,opt,name=minimum"`
	ExclusiveMinimum bool     `json:"exclusiveMinimum,omitempty" protobuf:"varint,12,opt,name=exclusiveMinimum"`
	MaxLength        *int64   `json:"maxLength,omitempty" protobuf:"varint,13,opt,name=maxLength"`
	MinLength        *int64   `json:"minLength,omitempty" protobuf:"varint,14,opt,name=minLength"`
	Pattern          string   `json:"pattern,omitempty" protobuf:"bytes,15,opt,name=pattern"`
	MaxItems         *int64   `json:"maxItems,omitempty" protobuf:"varint,16,opt,name=maxItems"`
	MinItems         *int64   `json:"minItems,omitempty" protobuf:"varint,17,opt,name=minItems"`
	UniqueItems      bool     `json:"uniqueItems,omitempty" protobuf:"varint,18,opt,name=uniqueItems"`
	MultipleOf       *float64 `json:"multipleOf,omitempty" protobuf:"fixed64,19,opt,name=multipleOf"`
	Enum             []JSON   `json:"enum,omitempty" protobuf:"bytes,20,rep,name=enum"`
	MaxProperties    *int64   `json:"maxProperties,omitempty" protobuf:"varint,21,opt,name=maxProperties"`
	MinProperties    *int64   `json:"minProperties,omitempty" protobuf:"varint,22,opt,name=minProperties"`
	Required         []string `json:"required,omitempty" protobuf:"bytes,23,rep,name=required"`
	// Items is the schema of array elements (or, in JSON Schema's tuple
	// form, not allowed in structural schemas, one schema per position).
	Items                *JSONSchemaPropsOrArray    `json:"items,omitempty" protobuf:"bytes,24,opt,name=items"`
	AllOf                []JSONSchemaProps          `json:"allOf,omitempty" protobuf:"bytes,25,rep,name=allOf"`
	OneOf                []JSONSchemaProps          `json:"oneOf,omitempty" protobuf:"bytes,26,rep,name=oneOf"`
	AnyOf                []JSONSchemaProps          `json:"anyOf,omitempty" protobuf:"bytes,27,rep,name=anyOf"`
	Not                  *JSONSchemaProps           `json:"not,omitempty" protobuf:"bytes,28,opt,name=not"`
	Properties           map[string]JSONSchemaProps `json:"properties,omitempty" protobuf:"bytes,29,rep,name=properties" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	AdditionalProperties *JSONSchemaPropsOrBool     `json:"additionalProperties,omitempty" protobuf:"bytes,30,opt,name=additionalProperties"`
	PatternProperties    map[string]JSONSchemaProps `json:"patternProperties,omitempty" protobuf:"bytes,31,rep,name=patternProperties" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	Dependencies         JSONSchemaDependencies     `json:"dependencies,omitempty" protobuf:"bytes,32,rep,name=dependencies" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	AdditionalItems      *JSONSchemaPropsOrBool     `json:"additionalItems,omitempty" protobuf:"bytes,33,opt,name=additionalItems"`
	Definitions          JSONSchemaDefinitions      `json:"definitions,omitempty" protobuf:"bytes,34,rep,name=definitions" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	ExternalDocs         *ExternalDocumentation     `json:"externalDocs,omitempty" protobuf:"bytes,35,opt,name=externalDocs"`
	Example              *JSON                      `json:"example,omitempty" protobuf:"bytes,36,opt,name=example"`
	Nullable             bool                       `json:"nullable,omitempty" protobuf:"varint,37,opt,name=nullable"`

	// XPreserveUnknownFields stops pruning of fields the schema does not
	// name, recursively until nested properties or additionalProperties
	// are given. Only true or unset are valid.
	XPreserveUnknownFields *bool `json:"x-kubernetes-preserve-unknown-fields,omitempty" protobuf:"varint,38,opt,name=xKubernetesPreserveUnknownFields"`
	// XEmbeddedResource marks an object that is a whole Kubernetes object
	// (apiVersion, kind, metadata are validated).
	XEmbeddedResource bool `json:"x-kubernetes-embedded-resource,omitempty" protobuf:"varint,39,opt,name=xKubernetesEmbeddedResource"`
	// XIntOrString marks a value that is an integer or a string.
	XIntOrString bool `json:"x-kubernetes-int-or-string,omitempty" protobuf:"varint,40,opt,name=xKubernetesIntOrString"`
	// XListMapKeys are the key fields of a list of type "map".
	XListMapKeys []string `json:"x-kubernetes-list-map-keys,omitempty" protobuf:"bytes,41,rep,name=xKubernetesListMapKeys"`
	// XListType is atomic (the default), set or map.
	XListType *string `json:"x-kubernetes-list-type,omitempty" protobuf:"bytes,42,opt,name=xKubernetesListType"`
	// XMapType is granular (the default) or atomic.
	XMapType *string `json:"x-kubernetes-map-type,omitempty" protobuf:"bytes,43,opt,name=xKubernetesMapType"`
	// XValidations are CEL rules.
	XValidations ValidationRules `json:"x-kubernetes-validations,omitempty" patchStrategy:"merge" patchMergeKey:"rule" protobuf:"bytes,44,rep,name=xKubernetesValidations"`
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
	Description string `json:"description,omitempty" protobuf:"bytes,1,opt,name=description"`
	URL         string `json:"url,omitempty" protobuf:"bytes,2,opt,name=url"`
}

// ValidationRules are the CEL rules of a schema node.
type ValidationRules []ValidationRule

// ValidationRule is one CEL rule, e.g. "self.minReplicas <= self.maxReplicas".
type ValidationRule struct {
	Rule              string `json:"rule" protobuf:"bytes,1,opt,name=rule"`
	Message           string `json:"message,omitempty" protobuf:"bytes,2,opt,name=message"`
	MessageExpression string `json:"messageExpression,omitempty" protobuf:"bytes,3,opt,name=messageExpression"`
	// Reason is the cause reported when the rule fails.
	// Default: FieldValueInvalid.
	Reason *FieldValueErrorReason `json:"reason,omitempty" protobuf:"bytes,4,opt,name=reason"`
	// FieldPath is reported as the failing field, relative to the node.
	FieldPath string `json:"fieldPath,omitempty" protobuf:"bytes,5,opt,name=fieldPath"`
	// OptionalOldSelf evaluates transition rules on create too, with
	// oldSelf as an absent optional.
	OptionalOldSelf *bool `json:"optionalOldSelf,omitempty" protobuf:"varint,6,opt,name=optionalOldSelf"`
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
	Schema      *JSONSchemaProps  `protobuf:"bytes,1,opt,name=schema"`
	JSONSchemas []JSONSchemaProps `protobuf:"bytes,2,rep,name=jSONSchemas"`
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
	Allows bool             `protobuf:"varint,1,opt,name=allows"`
	Schema *JSONSchemaProps `protobuf:"bytes,2,opt,name=schema"`
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
	Schema   *JSONSchemaProps `protobuf:"bytes,1,opt,name=schema"`
	Property []string         `protobuf:"bytes,2,rep,name=property"`
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
