package api

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/spar-dev/spar/api/meta"
)

// Verbs every resource supports unless its Resource says otherwise.
var DefaultVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

// Resource describes one kind and the REST resource that serves it.
type Resource struct {
	// Group is the API group, "" for core.
	Group string
	// Version is the API version, e.g. "v1".
	Version string
	// Kind is the object kind, e.g. "Deployment".
	Kind string
	// Plural is the resource name used in paths, e.g. "deployments".
	Plural string
	// Singular is the singular name, e.g. "deployment". Default: lower-case Kind.
	Singular string
	// Namespaced is true for namespaced kinds.
	Namespaced bool
	// ShortNames are kubectl's abbreviations, e.g. "deploy".
	ShortNames []string
	// Categories group resources for kubectl, e.g. "all".
	Categories []string
	// Verbs supported. Default: DefaultVerbs.
	Verbs []string
	// Subresources served besides the main resource, e.g. "status", "scale".
	Subresources []string

	// New returns a new, empty object of the kind. Set by Register.
	New func() meta.Object
	// NewList returns a new, empty list of the kind. Set by Register.
	NewList func() meta.ListObject

	goType reflect.Type // the struct type behind New; nil for unstructured kinds
}

// APIVersion returns "group/version", or "version" for the core group.
func (r *Resource) APIVersion() string { return meta.JoinAPIVersion(r.Group, r.Version) }

// ListKind is Kind + "List".
func (r *Resource) ListKind() string { return r.Kind + "List" }

// GroupKind returns the kind's group and name.
func (r *Resource) GroupKind() meta.GroupKind { return meta.GroupKind{Group: r.Group, Kind: r.Kind} }

// GroupResource returns the resource's group and plural name.
func (r *Resource) GroupResource() meta.GroupResource {
	return meta.GroupResource{Group: r.Group, Resource: r.Plural}
}

// HasSubresource reports whether name is one of r's subresources.
func (r *Resource) HasSubresource(name string) bool { return slices.Contains(r.Subresources, name) }

// GVK identifies a kind at a version.
type GVK struct {
	Group, Version, Kind string
}

// APIVersion returns "group/version", or "version" for the core group.
func (g GVK) APIVersion() string { return meta.JoinAPIVersion(g.Group, g.Version) }

func (g GVK) String() string { return g.APIVersion() + ", Kind=" + g.Kind }

// GVR identifies a resource at a version.
type GVR struct {
	Group, Version, Resource string
}

func (g GVR) String() string { return meta.JoinAPIVersion(g.Group, g.Version) + "/" + g.Resource }

// Scheme is the registry of kinds. It is safe for concurrent use; kinds may be
// added and removed at run time (custom resources).
type Scheme struct {
	mu      sync.RWMutex
	byGVK   map[GVK]*Resource
	byGVR   map[GVR]*Resource
	byType  map[reflect.Type]*Resource
	ordered []*Resource // registration order, for discovery
}

// NewScheme returns an empty scheme.
func NewScheme() *Scheme {
	return &Scheme{
		byGVK:  map[GVK]*Resource{},
		byGVR:  map[GVR]*Resource{},
		byType: map[reflect.Type]*Resource{},
	}
}

// Register adds the kind whose Go type is T to s, filling in r.New and
// r.NewList (a *meta.List[T]). T must be a struct embedding meta.TypeMeta and
// meta.ObjectMeta.
func Register[T any, PT interface {
	*T
	meta.Object
}](s *Scheme, r Resource) error {
	r.New = func() meta.Object { return PT(new(T)) }
	r.NewList = func() meta.ListObject { return new(meta.List[T]) }
	r.goType = reflect.TypeFor[T]()
	return s.Add(r)
}

// MustRegister is Register that panics on error, for static tables.
func MustRegister[T any, PT interface {
	*T
	meta.Object
}](s *Scheme, r Resource) {
	if err := Register[T, PT](s, r); err != nil {
		panic(err)
	}
}

// Add registers r, whose New and NewList must be set (Register does this for
// Go types). It fails if the kind or resource is already registered.
func (s *Scheme) Add(r Resource) error {
	if r.Version == "" || r.Kind == "" || r.Plural == "" {
		return fmt.Errorf("api: resource needs version, kind and plural: %+v", r)
	}
	if r.New == nil || r.NewList == nil {
		return fmt.Errorf("api: resource %s needs New and NewList", r.Kind)
	}
	if r.Singular == "" {
		r.Singular = strings.ToLower(r.Kind)
	}
	if r.Verbs == nil {
		r.Verbs = DefaultVerbs
	}
	gvk := GVK{r.Group, r.Version, r.Kind}
	gvr := GVR{r.Group, r.Version, r.Plural}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byGVK[gvk]; ok {
		return fmt.Errorf("api: kind %s already registered", gvk)
	}
	if _, ok := s.byGVR[gvr]; ok {
		return fmt.Errorf("api: resource %s already registered", gvr)
	}
	p := &r
	s.byGVK[gvk] = p
	s.byGVR[gvr] = p
	if r.goType != nil {
		s.byType[r.goType] = p
	}
	s.ordered = append(s.ordered, p)
	return nil
}

// Remove unregisters the resource (for deleted custom resources).
func (s *Scheme) Remove(gvr GVR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byGVR[gvr]
	if !ok {
		return
	}
	delete(s.byGVR, gvr)
	delete(s.byGVK, GVK{r.Group, r.Version, r.Kind})
	if r.goType != nil {
		delete(s.byType, r.goType)
	}
	s.ordered = slices.DeleteFunc(s.ordered, func(x *Resource) bool { return x == r })
}

// ByKind looks a resource up by group, version and kind.
func (s *Scheme) ByKind(gvk GVK) (*Resource, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.byGVK[gvk]
	return r, ok
}

// ByResource looks a resource up by group, version and plural name.
func (s *Scheme) ByResource(gvr GVR) (*Resource, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.byGVR[gvr]
	return r, ok
}

// ForObject returns the resource of obj's Go type. Objects of types registered
// with Register are found by type; others by their TypeMeta.
func (s *Scheme) ForObject(obj meta.Object) (*Resource, bool) {
	t := reflect.TypeOf(obj)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s.mu.RLock()
	r, ok := s.byType[t]
	s.mu.RUnlock()
	if ok {
		return r, true
	}
	tm := obj.GetTypeMeta()
	g, v := tm.GroupVersion()
	return s.ByKind(GVK{g, v, tm.Kind})
}

// ResourceFor is ForObject for a Go type known at compile time.
func ResourceFor[T any](s *Scheme) (*Resource, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.byType[reflect.TypeFor[T]()]
	return r, ok
}

// Resources returns every registered resource in registration order.
func (s *Scheme) Resources() []*Resource {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.ordered)
}

// Find resolves a name as kubectl users type it, in any group: a plural
// ("deployments"), singular ("deployment"), short name ("deploy") or kind
// ("Deployment"), optionally qualified by group ("deployments.apps").
func (s *Scheme) Find(name string) []*Resource {
	name, group, qualified := strings.Cut(name, ".")
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*Resource
	for _, r := range s.ordered {
		if qualified && r.Group != group {
			continue
		}
		if r.Plural == name || r.Singular == name || strings.EqualFold(r.Kind, name) || slices.Contains(r.ShortNames, name) {
			out = append(out, r)
		}
	}
	return out
}

// SetTypeMeta fills in obj's apiVersion and kind from the scheme.
func (s *Scheme) SetTypeMeta(obj meta.Object) error {
	r, ok := s.ForObject(obj)
	if !ok {
		return fmt.Errorf("api: %T is not registered", obj)
	}
	tm := obj.GetTypeMeta()
	tm.APIVersion, tm.Kind = r.APIVersion(), r.Kind
	return nil
}

// Default is the scheme with every built-in kind. Components that serve or
// consume custom resources use their own NewBuiltinScheme.
var Default = NewBuiltinScheme()

// NewBuiltinScheme returns a scheme holding every built-in kind.
func NewBuiltinScheme() *Scheme {
	s := NewScheme()
	for _, add := range builtinGroups {
		add(s)
	}
	return s
}

// builtinGroups register the kinds of each built-in API group, in the order
// discovery lists them; each lives in scheme_<group>.go.
var builtinGroups = []func(*Scheme){
	addCore,
	addApps,
	addBatch,
	addAutoscaling,
	addDiscovery,
	addNetworking,
	addRBAC,
	addAuthentication,
	addAuthorization,
	addCertificates,
	addCoordination,
	addAPIExtensions,
	addScheduling,
	addStorage,
	addPolicy,
	addAdmissionRegistration,
}
