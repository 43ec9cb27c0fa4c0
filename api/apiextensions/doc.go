// Package apiextensions holds apiextensions.k8s.io/v1
// CustomResourceDefinition: the object that adds a kind to the API at run
// time. The API server watches CRDs and, for each established one, registers
// a resource in its api.Scheme that serves unstructured objects validated
// against the version's structural OpenAPI v3 schema (JSONSchemaProps).
//
// JSONSchemaProps models every field Kubernetes accepts, including the
// x-kubernetes-* extensions, so that real CRD manifests decode strictly.
// Some schema keywords take a schema or a bool/array (items,
// additionalProperties, additionalItems, dependencies); those values are
// decoded by their own UnmarshalJSON, which the strict decoder cannot see
// into, so they record unknown and duplicate fields themselves and
// CustomResourceDefinition.StrictFieldErrors reports them with full paths.
package apiextensions
