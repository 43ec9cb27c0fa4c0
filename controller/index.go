package controller

import "github.com/spar-dev/spar/api/meta"

// Index names for the indexes most controllers need. Controllers that
// share an informer add them under these names with these functions, so
// one index serves them all (adding an index twice replaces it with an
// equal one).
const (
	// NamespaceIndex indexes objects by metadata.namespace.
	NamespaceIndex = "namespace"
	// ControllerIndex indexes objects by the UID of their controller: the
	// ownerReference with controller=true.
	ControllerIndex = "controller-uid"
)

// IndexByNamespace is the IndexFunc of NamespaceIndex.
func IndexByNamespace[T any, PT Object[T]](obj *T) []string {
	return []string{PT(obj).GetObjectMeta().Namespace}
}

// IndexByController is the IndexFunc of ControllerIndex.
func IndexByController[T any, PT Object[T]](obj *T) []string {
	if ref := meta.ControllerOf(PT(obj).GetObjectMeta()); ref != nil {
		return []string{string(ref.UID)}
	}
	return nil
}
