package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"reflect"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"
)

// Type is the Content-Type of a PATCH request.
type Type string

// The patch types the API server accepts.
const (
	// JSONPatch is a list of RFC 6902 operations (add, remove, replace,
	// move, copy, test) addressed by JSON pointers.
	JSONPatch Type = "application/json-patch+json"
	// MergePatch is an RFC 7386 JSON merge patch: objects merge key by key,
	// null deletes, anything else (lists included) replaces.
	MergePatch Type = "application/merge-patch+json"
	// StrategicMerge is Kubernetes' strategic merge patch: a merge patch
	// whose lists merge by key where the object's type says so, with
	// $patch, $retainKeys, $setElementOrder and $deleteFromPrimitiveList
	// directives.
	StrategicMerge Type = "application/strategic-merge-patch+json"
)

// ApplyPatch is the Content-Type of server-side apply, which spar does not
// implement: ParseType and Apply report it as ErrUnsupported.
const ApplyPatch Type = "application/apply-patch+yaml"

// Limits Kubernetes' API server applies to JSON patches (its
// maxJSONPatchOperations and the default of --json-patch-max-copy-bytes).
const (
	// MaxOperations is the most operations one JSON patch may have; more
	// is ErrTooLarge.
	MaxOperations = 10000
	// MaxCopyBytes bounds how much "copy" operations may grow a document,
	// so a small patch cannot build a huge object by copying a subtree
	// into itself repeatedly. More is ErrCannotApply.
	MaxCopyBytes = 3 << 20
)

// Errors, matched with errors.Is. Each failure matches exactly one of them;
// the status an API server answers with is noted on each, as Kubernetes
// answers (see the package documentation).
var (
	// ErrUnsupported is a patch type the server does not accept, or a
	// strategic merge patch of a type without a Go schema: 415.
	ErrUnsupported = errors.New("unsupported patch type")
	// ErrInvalidPatch is a patch that is malformed in itself: not JSON,
	// the wrong shape, a bad directive: 400 BadRequest.
	ErrInvalidPatch = errors.New("invalid patch")
	// ErrCannotApply is a well-formed patch that does not apply to the
	// object: a failed test, a path that does not exist, a result that is
	// not an object: 422 Invalid.
	ErrCannotApply = errors.New("patch cannot be applied")
	// ErrTooLarge is a JSON patch of more than MaxOperations operations:
	// 413 RequestEntityTooLarge.
	ErrTooLarge = errors.New("patch too large")
)

// Error is a patch failure. Its message is the one Kubernetes puts in the
// Status of its answer, without a prefix, so a server can use it verbatim;
// errors.Is matches its kind (ErrInvalidPatch, ...) and its cause.
type Error struct {
	kind  error
	msg   string
	cause error
}

func (e *Error) Error() string { return e.msg }

// Unwrap returns the kind and, when there is one, the underlying cause.
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

func newError(kind error, format string, args ...any) *Error {
	return &Error{kind: kind, msg: fmt.Sprintf(format, args...)}
}

func wrapError(kind, cause error) *Error {
	return &Error{kind: kind, msg: cause.Error(), cause: cause}
}

// ParseType returns the patch type of a request's Content-Type header,
// ignoring parameters such as charset. Types the server does not accept,
// server-side apply's included, are ErrUnsupported.
func ParseType(contentType string) (Type, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	switch t := Type(mt); t {
	case JSONPatch, MergePatch, StrategicMerge:
		return t, nil
	}
	return "", newError(ErrUnsupported, "unsupported patch type %q", contentType)
}

// Apply applies patch of type t to original (the object's current JSON) and
// returns the new JSON, which is always a JSON object. original is not
// modified.
//
// dataType is the Go type of the object (e.g. reflect.TypeFor[core.Pod]());
// strategic merge reads merge keys and strategies from its patchStrategy and
// patchMergeKey struct tags. A nil dataType means the object has no Go schema
// (custom resources): strategic merge is then ErrUnsupported, as in
// Kubernetes. The other types ignore dataType.
func Apply(t Type, original, patch []byte, dataType reflect.Type) ([]byte, error) {
	var (
		out []byte
		err error
	)
	switch t {
	case JSONPatch:
		out, err = applyJSONPatch(original, patch)
	case MergePatch:
		out, err = applyMergePatch(original, patch)
	case StrategicMerge:
		if dataType == nil {
			return nil, newError(ErrUnsupported, "strategic merge patch format is not supported")
		}
		out, err = applyStrategicMerge(original, patch, schemaFor(dataType))
	default:
		return nil, newError(ErrUnsupported, "unsupported patch type %q", string(t))
	}
	if err != nil {
		return nil, err
	}
	// Kubernetes decodes the result into the object's type, which fails
	// (422) unless it is an object; say so here rather than hand back
	// something no caller can use.
	if b := bytes.TrimLeft(out, " \t\r\n"); len(b) == 0 || b[0] != '{' {
		return nil, newError(ErrCannotApply, "the patch does not result in a JSON object: %.100s", out)
	}
	return out, nil
}

// applyJSONPatch applies an RFC 6902 patch as Kubernetes' API server does.
// Kubernetes uses version 4 of the same library, with negative array
// indices counting from the end, a missing path an error for remove as for
// every other operation, copies bounded by MaxCopyBytes and the patch by
// MaxOperations; where version 5 departs from version 4, the patch is
// adjusted so the outcome is version 4's (see adjustOperation).
func applyJSONPatch(original, patch []byte) ([]byte, error) {
	// Decode with encoding/json rather than jsonpatch.DecodePatch so that,
	// as in Kubernetes, a body that is not a list of objects is a 400 while
	// a bad operation in a well-formed list is a 422, found when applying.
	var ops jsonpatch.Patch
	if err := json.Unmarshal(patch, &ops); err != nil {
		return nil, wrapError(ErrInvalidPatch, err)
	}
	if len(ops) > MaxOperations {
		return nil, newError(ErrTooLarge, "The allowed maximum operations in a JSON patch is %d, got %d", MaxOperations, len(ops))
	}
	kept := ops[:0]
	for _, op := range ops {
		keep, err := adjustOperation(op)
		if err != nil {
			return nil, wrapError(ErrCannotApply, err)
		}
		if keep {
			kept = append(kept, op)
		}
	}
	ops = kept
	opts := jsonpatch.NewApplyOptions()
	opts.SupportNegativeIndices = true
	opts.AccumulatedCopySizeLimit = MaxCopyBytes
	opts.AllowMissingPathOnRemove = false
	opts.EnsurePathExistsOnAdd = false
	opts.EscapeHTML = false
	out, err := ops.ApplyWithOptions(original, opts)
	if err != nil {
		return nil, wrapError(ErrCannotApply, err)
	}
	return out, nil
}

// adjustOperation checks that op has the members its kind needs (which the
// library assumes once a patch is decoded) and rewrites it where version 4
// of the library, which Kubernetes runs, behaves differently:
//
//   - add and replace without a value set null;
//   - only replace and test address the whole document (""), and
//     replacing it by anything but an object or a list does nothing (the
//     operation is dropped);
//   - replace of an object member that does not exist adds it. Version 4
//     treats replace of a member as add; so does this, whenever the
//     path's last token cannot be an array index. (A replace of a missing
//     member whose name is a number still fails.)
func adjustOperation(op jsonpatch.Operation) (keep bool, err error) {
	if op == nil {
		return false, errors.New("Unexpected kind: unknown")
	}
	kind := op.Kind()
	path, err := op.Path()
	if err != nil {
		return false, fmt.Errorf("%s operation failed to decode path: %w", kind, err)
	}
	// Version 4 addresses the whole document ("") only in replace and test,
	// and an empty token within a path is a member named "" (version 5
	// takes it for the value itself).
	if (path == "" && kind != "replace" && kind != "test") || hasEmptyToken(path, kind == "test") {
		return false, fmt.Errorf("%s operation does not apply: doc is missing path: %q", kind, path)
	}
	switch kind {
	case "add", "replace":
		if _, ok := op["value"]; !ok {
			op["value"] = nil // decoded JSON null
		}
		if kind == "replace" && path == "" {
			v := op["value"]
			if v == nil {
				return false, nil
			}
			if b := bytes.TrimLeft(*v, " \t\r\n"); len(b) == 0 || (b[0] != '{' && b[0] != '[') {
				return false, nil
			}
		}
		if kind == "replace" && path != "" && !isArrayIndex(path[strings.LastIndexByte(path, '/')+1:]) {
			addOp := json.RawMessage(`"add"`)
			op["op"] = &addOp
		}
	case "test":
		if _, ok := op["value"]; !ok {
			return false, errors.New("test operation has no value")
		}
	case "move", "copy":
		from, err := op.From()
		if err != nil {
			return false, fmt.Errorf("%s operation failed to decode from: %w", kind, err)
		}
		if from == "" || hasEmptyToken(from, true) {
			return false, fmt.Errorf("%s operation does not apply: doc is missing from path: %q", kind, from)
		}
	case "remove":
	default:
		return false, fmt.Errorf("Unexpected kind: %s", kind)
	}
	return true, nil
}

// hasEmptyToken reports whether a JSON pointer has an empty token before
// its last one (or, with last, as its last one).
func hasEmptyToken(pointer string, last bool) bool {
	tokens := strings.Split(pointer, "/")
	if len(tokens) < 2 {
		return false
	}
	for i, t := range tokens[1:] {
		if t == "" && (last || i < len(tokens)-2) {
			return true
		}
	}
	return false
}

// isArrayIndex reports whether a JSON pointer token can address an array
// element: "-", or an integer (negative ones count from the end).
func isArrayIndex(token string) bool {
	if token == "-" {
		return true
	}
	token = strings.TrimPrefix(token, "-")
	if token == "" {
		return false
	}
	for _, c := range token {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// applyMergePatch applies an RFC 7386 merge patch. As in Kubernetes, a
// patch that is neither an object nor a list is malformed (RFC 7386 would
// make it the new document, which no object can be).
func applyMergePatch(original, patch []byte) ([]byte, error) {
	if b := bytes.TrimLeft(patch, " \t\r\n"); len(b) == 0 || (b[0] != '{' && b[0] != '[') {
		return nil, wrapError(ErrInvalidPatch, jsonpatch.ErrBadJSONPatch)
	}
	out, err := jsonpatch.MergePatch(original, patch)
	switch {
	case errors.Is(err, jsonpatch.ErrBadJSONPatch):
		return nil, wrapError(ErrInvalidPatch, err)
	case err != nil:
		// Only a broken original gets here: the server's fault.
		return nil, fmt.Errorf("applying merge patch: %w", err)
	}
	return out, nil
}
