// Package patch applies the PATCH bodies the API server accepts to an
// object's current JSON: the step between reading the stored object and
// validating the new one in the apiserver's update path (DESIGN.md,
// "apiserver": "the patch types kubectl sends"). It knows nothing of HTTP or
// storage; Apply takes bytes and a Go type and returns bytes, so it is usable
// and testable alone.
//
// # Patch types
//
//   - JSONPatch (application/json-patch+json, RFC 6902) and MergePatch
//     (application/merge-patch+json, RFC 7386) use
//     github.com/evanphx/json-patch/v5. Kubernetes runs version 4 of that
//     library; where the two differ, the patch is adjusted so the outcome
//     is what Kubernetes gives: replace of a missing object member adds it,
//     add and replace without a value set null, only replace and test
//     address the whole document, negative array indices count from the
//     end, a merge patch that is not an object (or a list) is malformed.
//     The API server's limits apply: at most MaxOperations operations
//     (10,000) and MaxCopyBytes (3 MiB) of growth by "copy". Left
//     different, as too rare to matter: replacing a missing member whose
//     name is a number, copying from a missing member (version 4 copies
//     null) and pointers with empty tokens fail here. Both behaviours were
//     compared with version 4 by differential fuzzing.
//   - StrategicMerge (application/strategic-merge-patch+json) is written
//     here, to the semantics of Kubernetes' strategicpatch as its API server
//     applies it. Merge keys and strategies come from the patchStrategy and
//     patchMergeKey struct tags of the spar API types, the tags k8s.io/api
//     carries (containers, env, volumes by name, ports by containerPort or
//     port, volumeMounts by mountPath, conditions by type, ownerReferences
//     by uid, finalizers as a merged set, ...); a list without a strategy
//     (tolerations, args) is replaced. The directives are $patch (replace,
//     delete; merge is refused as in Kubernetes), $retainKeys,
//     $setElementOrder/<list> and $deleteFromPrimitiveList/<list>. The
//     order of merged lists, server-only elements included, is Kubernetes'
//     to the element: the package was checked against the upstream library
//     with kubectl's recorded patches and with random patches of
//     Deployments. Types without a Go schema (custom resources, passed as
//     a nil type) refuse strategic merge, as Kubernetes does.
//   - Server-side apply (application/apply-patch+yaml) is not implemented.
//
// Per-type metadata is read by reflection once per Go type and cached. The
// original object is decoded lazily, one level where the patch reaches, and
// the parts it does not reach are copied to the result undecoded.
//
// # Errors and status codes
//
// Each failure matches one sentinel with errors.Is; its message is the one
// Kubernetes puts in the Status. An API server answers as Kubernetes does:
//
//	ErrUnsupported   415 UnsupportedMediaType  unknown patch type; strategic merge of a custom resource
//	ErrInvalidPatch  400 BadRequest            body is not JSON or not the right shape; bad directive
//	ErrCannotApply   422 Invalid               JSON patch operation fails (test, missing path, copy limit);
//	                                           result is not an object; a strategic list of lists
//	ErrTooLarge      413 RequestEntityTooLarge more than MaxOperations JSON patch operations
//	(none of these)  500 InternalError         the original object is not valid JSON
//
// Kubernetes answers strategic merge errors it has no category for (a list
// element without its merge key, an unknown $patch value, mismatched list
// element types) with a 500 and no reason; spar reports them as
// ErrInvalidPatch, a 400, since the fault is in the patch.
//
// The result is only JSON: the caller decodes it into the object's type
// (strictly, as fieldValidation says), applies defaults and validates, as for
// any update. Strategic merge leaves a directive it does not consume (say, a
// $retainKeys in a list element that is new) in the result, as Kubernetes
// does, so strict decoding reports it as an unknown field.
package patch
