package client

import (
	"context"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
)

// The Accept headers of a MetadataClient. The server reduces each object
// to its metadata (kind PartialObjectMetadata, apiVersion meta.k8s.io/v1);
// a server that cannot answers with whole objects as plain JSON, which
// decode into PartialObjectMetadata just the same.
const (
	acceptPartial     = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
	acceptPartialList = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
)

// accept is the Accept header of r's requests: "" (plain JSON) unless r is
// a metadata client. list is true for requests on a collection.
func (r *ResourceClient[T, PT]) accept(list bool) string {
	switch {
	case !r.partial:
		return ""
	case list:
		return acceptPartialList
	}
	return acceptPartial
}

// MetadataClient reads, watches and deletes the objects of one resource
// as metadata only (meta.PartialObjectMetadata): the server leaves out
// spec, status and data, so a program that needs names, labels, owners or
// finalizers of many objects — a garbage collector, a namespace cleaner, a
// metadata-only informer — moves and holds a fraction of the bytes. It
// works for every resource, built-in or custom, as upstream's metadata
// client does.
//
// A MetadataClient is a cheap handle, safe for concurrent use; Namespace
// returns a copy.
type MetadataClient struct {
	rc *ResourceClient[meta.PartialObjectMetadata, *meta.PartialObjectMetadata]
}

// Metadata returns the metadata client of resource gvr; namespaced says
// whether it lives in namespaces (discovery's "namespaced").
func Metadata(c *Client, gvr api.GVR, namespaced bool) *MetadataClient {
	rc := &ResourceClient[meta.PartialObjectMetadata, *meta.PartialObjectMetadata]{
		c: c, partial: true,
		res: resourceInfo{group: gvr.Group, version: gvr.Version, plural: gvr.Resource, namespaced: namespaced},
	}
	if r, ok := c.scheme.ByResource(gvr); ok {
		rc.res.kind = r.Kind
	}
	return &MetadataClient{rc: rc}
}

// Namespace returns a copy of m that works in namespace ns, as
// ResourceClient.Namespace does.
func (m *MetadataClient) Namespace(ns string) *MetadataClient {
	return &MetadataClient{rc: m.rc.Namespace(ns)}
}

// Get returns the metadata of the object called name.
func (m *MetadataClient) Get(ctx context.Context, name string) (*meta.PartialObjectMetadata, error) {
	return m.rc.Get(ctx, name)
}

// List returns the metadata of the objects opts selects, one page of them
// when opts.Limit is set: the wire's PartialObjectMetadataList.
func (m *MetadataClient) List(ctx context.Context, opts *ListOptions) (*meta.List[meta.PartialObjectMetadata], error) {
	return m.rc.List(ctx, opts)
}

// ListAll lists every object opts selects in pages, at one
// resourceVersion, as ResourceClient.ListAll does.
func (m *MetadataClient) ListAll(ctx context.Context, opts *ListOptions) (*meta.List[meta.PartialObjectMetadata], error) {
	return m.rc.ListAll(ctx, opts)
}

// Watch streams the changes of the objects opts selects, each event's
// object reduced to its metadata. Errors and resumption as for
// ResourceClient.Watch.
func (m *MetadataClient) Watch(ctx context.Context, opts *WatchOptions) (*Watcher[meta.PartialObjectMetadata], error) {
	return m.rc.Watch(ctx, opts)
}

// Patch patches the object called name (a merge patch of its metadata, to
// drop an owner reference or a finalizer) and returns its new metadata.
func (m *MetadataClient) Patch(ctx context.Context, name string, pt PatchType, data []byte, opts *WriteOptions) (*meta.PartialObjectMetadata, error) {
	return m.rc.Patch(ctx, name, pt, data, opts)
}

// Delete deletes the object called name, as ResourceClient.Delete does.
func (m *MetadataClient) Delete(ctx context.Context, name string, opts *meta.DeleteOptions) error {
	return m.rc.Delete(ctx, name, opts)
}

// DeleteCollection deletes every object list selects in m's namespace, as
// ResourceClient.DeleteCollection does.
func (m *MetadataClient) DeleteCollection(ctx context.Context, opts *meta.DeleteOptions, list *ListOptions) error {
	return m.rc.DeleteCollection(ctx, opts, list)
}
