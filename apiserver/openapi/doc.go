// Package openapi generates and serves the OpenAPI documents of the API
// server, as Kubernetes publishes them: the OpenAPI v3 documents, one per
// group-version (api/v1, apis/apps/v1, ...), with the index at /openapi/v3
// that lists them by hash; and the Swagger 2.0 document of the whole API at
// /openapi/v2, which kubectl 1.27 and 1.28 (and client-go's OpenAPISchema)
// download, in protobuf, before every apply, create and explain.
//
// kubectl depends on these documents (DESIGN.md, "apiserver";
// KUBECTL-WIRE.md, "OpenAPI and validation"): it sends fieldValidation=Strict
// only when the PATCH operation of a kind lists the fieldValidation
// parameter, computes apply's strategic merge patches from the
// x-kubernetes-patch-strategy and -patch-merge-key extensions when that
// operation accepts application/strategic-merge-patch+json, and kubectl
// explain walks components.schemas from the schema whose
// x-kubernetes-group-version-kind matches the kind.
//
// There is no code generation. Schemas of built-in kinds are derived at run
// time by reflection from the Go types registered in an api.Scheme: JSON
// tags give names and required fields (no omitempty), patchStrategy and
// patchMergeKey tags the patch extensions, and the apimachinery types get
// their Kubernetes names and forms (meta.Time is a date-time string,
// meta.IntOrString is int-or-string, resource.Quantity a string or number).
// Schema names follow Kubernetes (io.k8s.api.apps.v1.Deployment,
// io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta), so tools keyed on them
// work. Descriptions come from the doc comments of the Go sources, embedded
// as api.Source and parsed once, at first use; +listType and +listMapKey
// markers in them become the list extensions.
//
// Custom resources are published from their CRD's openAPIV3Schema (AddCRD),
// with apiVersion, kind and metadata filled in, and only the JSON and merge
// patch types, which tells kubectl to use merge patches for them.
//
// The v2 document is not a second generator: it is the same paths and
// schemas in Swagger 2.0's form (swagger.go), with references into
// definitions, a reference's description and patch extensions beside its
// $ref rather than in an allOf, request bodies as "in: body" parameters,
// and the CRDs' schemas reduced to what v2 readers take. Its protobuf form
// is a gnostic openapi_v2.Document, compiled by github.com/google/gnostic-models
// from the JSON.
//
// A Builder keeps every document and its hash; a v3 document is generated
// again only when the resources of its group-version change (the scheme,
// or a CRD added or removed), the v2 document when any do, on the next
// request for it.
package openapi
