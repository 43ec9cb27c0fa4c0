package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/meta"
)

// ResourceClient reads and writes one resource: a kind registered in the
// client's scheme (Resource) or any resource as unstructured objects
// (Dynamic). T is the object type, PT its pointer type, which satisfies
// meta.Object. A ResourceClient is a cheap value-like handle: Namespace
// returns a copy; create them once and share them, they are safe for
// concurrent use.
//
// Objects passed in are never modified; results are new objects owned by
// the caller.
type ResourceClient[T any, PT interface {
	*T
	meta.Object
}] struct {
	c   *Client
	res resourceInfo
	ns  string
	err error // the type is not registered: every call fails with it
	// partial asks the server for PartialObjectMetadata (Metadata).
	partial bool
}

// DynamicClient is the ResourceClient of unstructured objects, for custom
// resources and kinds the program has no Go type for.
type DynamicClient = ResourceClient[meta.Unstructured, *meta.Unstructured]

// resourceInfo is what a ResourceClient needs to build paths and bodies.
type resourceInfo struct {
	group, version, plural string
	kind                   string // "" when unknown (dynamic, unregistered)
	namespaced             bool
}

func (ri *resourceInfo) apiVersion() string { return meta.JoinAPIVersion(ri.group, ri.version) }

func (ri *resourceInfo) groupResource() meta.GroupResource {
	return meta.GroupResource{Group: ri.group, Resource: ri.plural}
}

// ErrNotRegistered is returned by every call of a ResourceClient whose Go
// type is not in the client's scheme.
var ErrNotRegistered = errors.New("type not registered in the client's scheme")

// Resource returns the client of the resource whose Go type is T, looked up
// in the client's scheme (Config.Scheme): client.Resource[core.Pod](c). If T
// is not registered, every call fails with an error wrapping
// ErrNotRegistered.
func Resource[T any, PT interface {
	*T
	meta.Object
}](c *Client) *ResourceClient[T, PT] {
	rc := &ResourceClient[T, PT]{c: c}
	r, ok := api.ResourceFor[T](c.scheme)
	if !ok {
		rc.err = fmt.Errorf("client: %v: %w", reflect.TypeFor[T](), ErrNotRegistered)
		return rc
	}
	rc.res = resourceInfo{group: r.Group, version: r.Version, plural: r.Plural, kind: r.Kind, namespaced: r.Namespaced}
	return rc
}

// Dynamic returns the client of any resource, by group, version and plural
// name, with objects as *meta.Unstructured. namespaced says whether the
// resource lives in namespaces (discovery's "namespaced"). Objects written
// through it get gvr's apiVersion when they have none; their kind must be
// set unless the client's scheme knows the resource.
func Dynamic(c *Client, gvr api.GVR, namespaced bool) *DynamicClient {
	ri := resourceInfo{group: gvr.Group, version: gvr.Version, plural: gvr.Resource, namespaced: namespaced}
	if r, ok := c.scheme.ByResource(gvr); ok {
		ri.kind = r.Kind
	}
	return &DynamicClient{c: c, res: ri}
}

// Namespace returns a copy of r that works in namespace ns; "" means all
// namespaces for List, Watch and DeleteCollection. Calls on one object need
// a namespace for namespaced kinds; Create, Update and UpdateStatus take
// the object's own when r has none. Cluster-scoped kinds ignore it.
func (r *ResourceClient[T, PT]) Namespace(ns string) *ResourceClient[T, PT] {
	cp := *r
	cp.ns = ns
	return &cp
}

// path builds /api/v1[/namespaces/ns]/plural[/name[/sub...]].
func (r *ResourceClient[T, PT]) path(ns, name string, sub ...string) string {
	var b strings.Builder
	if r.res.group == "" {
		b.WriteString("/api/")
	} else {
		b.WriteString("/apis/")
		b.WriteString(r.res.group)
		b.WriteByte('/')
	}
	b.WriteString(r.res.version)
	if r.res.namespaced && ns != "" {
		b.WriteString("/namespaces/")
		b.WriteString(url.PathEscape(ns))
	}
	b.WriteByte('/')
	b.WriteString(r.res.plural)
	if name != "" {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(name))
	}
	for _, s := range sub {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// objectPath is the path of one named object in r's namespace.
func (r *ResourceClient[T, PT]) objectPath(name string, sub ...string) (string, error) {
	if r.err != nil {
		return "", r.err
	}
	if name == "" {
		return "", fmt.Errorf("client: %s: a name is required", r.res.groupResource())
	}
	if r.res.namespaced && r.ns == "" {
		return "", fmt.Errorf("client: %s %q: a namespace is required", r.res.groupResource(), name)
	}
	return r.path(r.ns, name, sub...), nil
}

// namespaceOf picks the namespace of a write of obj: r's, else obj's.
func (r *ResourceClient[T, PT]) namespaceOf(om *meta.ObjectMeta) (string, error) {
	if !r.res.namespaced {
		return "", nil
	}
	switch {
	case r.ns == "" && om.Namespace == "":
		return "", fmt.Errorf("client: %s %q: a namespace is required", r.res.groupResource(), om.Name)
	case r.ns == "":
		return om.Namespace, nil
	case om.Namespace != "" && om.Namespace != r.ns:
		return "", fmt.Errorf("client: %s %q: the object's namespace %q is not the client's %q",
			r.res.groupResource(), om.Name, om.Namespace, r.ns)
	}
	return r.ns, nil
}

// encode returns obj as JSON with apiVersion and kind filled in when
// missing, without touching obj: the server needs them, and callers may
// pass shared objects.
func (r *ResourceClient[T, PT]) encode(obj *T) ([]byte, error) {
	cp := *obj
	tm := PT(&cp).GetTypeMeta()
	if tm.APIVersion == "" {
		tm.APIVersion = r.res.apiVersion()
	}
	if tm.Kind == "" {
		tm.Kind = r.res.kind
	}
	b, err := api.Encode(PT(&cp))
	if err != nil {
		return nil, fmt.Errorf("client: encoding %s: %w", r.res.groupResource(), err)
	}
	return b, nil
}

// Get returns the object called name.
func (r *ResourceClient[T, PT]) Get(ctx context.Context, name string) (*T, error) {
	p, err := r.objectPath(name)
	if err != nil {
		return nil, err
	}
	out := new(T)
	if err := r.c.call(ctx, &request{method: http.MethodGet, path: p, accept: r.accept(false)}, out); err != nil {
		return nil, err
	}
	return out, nil
}

// List returns the objects opts selects (all when nil), one page of them
// when opts.Limit is set. Watch from the list's ResourceVersion to follow
// changes.
func (r *ResourceClient[T, PT]) List(ctx context.Context, opts *ListOptions) (*meta.List[T], error) {
	if r.err != nil {
		return nil, r.err
	}
	out := new(meta.List[T])
	rq := &request{method: http.MethodGet, path: r.path(r.ns, ""), query: opts.query(), accept: r.accept(true)}
	if err := r.c.call(ctx, rq, out); err != nil {
		return nil, err
	}
	return out, nil
}

// ListAll lists in pages of opts.Limit (default 500, kubectl's chunk size),
// following continue tokens, and returns every item in one list read at
// one resourceVersion. If the server's history no longer holds that
// version before the last page (IsExpired), it falls back to a single
// unpaged list, as client-go's pager does.
func (r *ResourceClient[T, PT]) ListAll(ctx context.Context, opts *ListOptions) (*meta.List[T], error) {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit <= 0 {
		o.Limit = 500
	}
	first := o
	var all *meta.List[T]
	for {
		page, err := r.List(ctx, &o)
		if err != nil {
			if all != nil && IsExpired(err) {
				full := first
				full.Limit, full.Continue = 0, ""
				return r.List(ctx, &full)
			}
			return nil, err
		}
		if all == nil {
			all = page
		} else {
			all.Items = append(all.Items, page.Items...)
		}
		if page.Continue == "" {
			break
		}
		// The token carries the version; the server refuses both.
		o.Continue, o.ResourceVersion, o.ResourceVersionMatch = page.Continue, "", ""
	}
	all.Continue, all.RemainingItemCount = "", nil
	return all, nil
}

// Watch streams changes of the objects opts selects (see WatchOptions).
// The watch ends when ctx ends, Stop is called, the server closes it (its
// timeout), or it fails. A resourceVersion the server no longer has
// fails, either here or at the first Next, with an error for which
// IsExpired is true.
func (r *ResourceClient[T, PT]) Watch(ctx context.Context, opts *WatchOptions) (*Watcher[T], error) {
	if r.err != nil {
		return nil, r.err
	}
	wctx, cancel := context.WithCancel(ctx)
	rq := &request{method: http.MethodGet, path: r.path(r.ns, ""), query: opts.query(), accept: r.accept(false), stream: true}
	resp, err := r.c.send(wctx, rq)
	if err != nil {
		cancel()
		return nil, err
	}
	rv := func(obj *T) string { return PT(obj).GetObjectMeta().ResourceVersion }
	return newWatcher(ctx, cancel, resp.Body, rv), nil
}

// write sends obj with method to the path of obj's name (or to the
// collection for create) and returns the server's copy.
func (r *ResourceClient[T, PT]) write(ctx context.Context, method string, obj *T, opts *WriteOptions, sub ...string) (*T, error) {
	if r.err != nil {
		return nil, r.err
	}
	if obj == nil {
		return nil, fmt.Errorf("client: %s %s: nil object", method, r.res.groupResource())
	}
	om := PT(obj).GetObjectMeta()
	ns, err := r.namespaceOf(om)
	if err != nil {
		return nil, err
	}
	var p string
	if method == http.MethodPost {
		p = r.path(ns, "")
	} else {
		if om.Name == "" {
			return nil, fmt.Errorf("client: updating %s: the object has no name", r.res.groupResource())
		}
		p = r.path(ns, om.Name, sub...)
	}
	body, err := r.encode(obj)
	if err != nil {
		return nil, err
	}
	out := new(T)
	rq := &request{method: method, path: p, query: opts.query(), body: body, contentType: "application/json"}
	if err := r.c.call(ctx, rq, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Create creates obj (its name, or a name the server makes from
// metadata.generateName) and returns the stored object.
func (r *ResourceClient[T, PT]) Create(ctx context.Context, obj *T, opts *WriteOptions) (*T, error) {
	return r.write(ctx, http.MethodPost, obj, opts)
}

// Update replaces the object named by obj's metadata. With
// metadata.resourceVersion set, it fails with a conflict (IsConflict) if
// the object changed since that version; without, it overwrites. Status
// changes are ignored for kinds with a status subresource: use
// UpdateStatus.
func (r *ResourceClient[T, PT]) Update(ctx context.Context, obj *T, opts *WriteOptions) (*T, error) {
	return r.write(ctx, http.MethodPut, obj, opts)
}

// UpdateStatus writes obj's status through the status subresource; spec
// changes are ignored. Concurrency as for Update.
func (r *ResourceClient[T, PT]) UpdateStatus(ctx context.Context, obj *T, opts *WriteOptions) (*T, error) {
	return r.write(ctx, http.MethodPut, obj, opts, "status")
}

// Patch applies a patch of type pt to the object called name, or to its
// subresource (e.g. "status"), and returns the result. The server retries
// conflicting writes itself unless the patch sets metadata.resourceVersion.
// For the scale subresource use PatchScale.
func (r *ResourceClient[T, PT]) Patch(ctx context.Context, name string, pt PatchType, data []byte, opts *WriteOptions, subresources ...string) (*T, error) {
	p, err := r.objectPath(name, subresources...)
	if err != nil {
		return nil, err
	}
	out := new(T)
	rq := &request{method: http.MethodPatch, path: p, query: opts.query(), body: data, contentType: string(pt), accept: r.accept(false)}
	if err := r.c.call(ctx, rq, out); err != nil {
		return nil, err
	}
	return out, nil
}

// deleteBody encodes DeleteOptions as the server expects them.
func deleteBody(opts *meta.DeleteOptions) ([]byte, error) {
	if opts == nil {
		return nil, nil
	}
	o := *opts
	o.TypeMeta = meta.TypeMeta{Kind: "DeleteOptions", APIVersion: "v1"}
	return api.Encode(&o)
}

// Delete deletes the object called name. opts (nil for the defaults) sets
// the grace period, preconditions, propagation to dependents (Background,
// Foreground, Orphan) and dry run. An object with finalizers, or a pod
// with a grace period, is only marked for deletion (deletionTimestamp) and
// disappears later.
func (r *ResourceClient[T, PT]) Delete(ctx context.Context, name string, opts *meta.DeleteOptions) error {
	p, err := r.objectPath(name)
	if err != nil {
		return err
	}
	body, err := deleteBody(opts)
	if err != nil {
		return err
	}
	return r.c.call(ctx, &request{method: http.MethodDelete, path: p, body: body, contentType: jsonIf(body), accept: r.accept(false)}, nil)
}

// DeleteCollection deletes every object list selects (all when nil) in r's
// namespace, each as Delete with opts would.
func (r *ResourceClient[T, PT]) DeleteCollection(ctx context.Context, opts *meta.DeleteOptions, list *ListOptions) error {
	if r.err != nil {
		return r.err
	}
	body, err := deleteBody(opts)
	if err != nil {
		return err
	}
	rq := &request{method: http.MethodDelete, path: r.path(r.ns, ""), query: list.query(), body: body, contentType: jsonIf(body), accept: r.accept(true)}
	return r.c.call(ctx, rq, nil)
}

func jsonIf(body []byte) string {
	if body == nil {
		return ""
	}
	return "application/json"
}

// GetScale reads the scale subresource of the object called name
// (deployments, replicasets, statefulsets, custom resources that declare
// one).
func (r *ResourceClient[T, PT]) GetScale(ctx context.Context, name string) (*autoscaling.Scale, error) {
	p, err := r.objectPath(name, "scale")
	if err != nil {
		return nil, err
	}
	out := new(autoscaling.Scale)
	if err := r.c.call(ctx, &request{method: http.MethodGet, path: p}, out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateScale writes the scale subresource of the object called name: the
// server sets the object's spec.replicas to scale.Spec.Replicas. With
// scale's resourceVersion set it is a conditional write (IsConflict).
func (r *ResourceClient[T, PT]) UpdateScale(ctx context.Context, name string, scale *autoscaling.Scale, opts *WriteOptions) (*autoscaling.Scale, error) {
	p, err := r.objectPath(name, "scale")
	if err != nil {
		return nil, err
	}
	cp := *scale
	cp.TypeMeta = meta.TypeMeta{Kind: "Scale", APIVersion: "autoscaling/v1"}
	if cp.Name == "" {
		cp.Name = name
	}
	if cp.Namespace == "" {
		cp.Namespace = r.ns
	}
	body, err := api.Encode(&cp)
	if err != nil {
		return nil, fmt.Errorf("client: encoding the scale: %w", err)
	}
	out := new(autoscaling.Scale)
	rq := &request{method: http.MethodPut, path: p, query: opts.query(), body: body, contentType: "application/json"}
	if err := r.c.call(ctx, rq, out); err != nil {
		return nil, err
	}
	return out, nil
}

// PatchScale patches the scale subresource, as kubectl scale does with
// MergePatch `{"spec":{"replicas":N}}`, and returns the new Scale.
func (r *ResourceClient[T, PT]) PatchScale(ctx context.Context, name string, pt PatchType, data []byte, opts *WriteOptions) (*autoscaling.Scale, error) {
	p, err := r.objectPath(name, "scale")
	if err != nil {
		return nil, err
	}
	out := new(autoscaling.Scale)
	rq := &request{method: http.MethodPatch, path: p, query: opts.query(), body: data, contentType: string(pt)}
	if err := r.c.call(ctx, rq, out); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateSubresource POSTs body (encoded as JSON) to a subresource of the
// object called name, for the action subresources: the scheduler's
// "binding" of a pod to a node, a pod "eviction". The answer (a Status) is
// discarded; failures are returned as for every call.
func (r *ResourceClient[T, PT]) CreateSubresource(ctx context.Context, name, subresource string, body any, opts *WriteOptions) error {
	p, err := r.objectPath(name, subresource)
	if err != nil {
		return err
	}
	b, err := encodeBody(body)
	if err != nil {
		return fmt.Errorf("client: %s %q %s: %w", r.res.groupResource(), name, subresource, err)
	}
	rq := &request{method: http.MethodPost, path: p, query: opts.query(), body: b, contentType: "application/json"}
	return r.c.call(ctx, rq, nil)
}
