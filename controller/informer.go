package controller

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// Object constrains the pointer type of an API kind T.
type Object[T any] interface {
	*T
	meta.Object
}

// IndexFunc returns the index values of an object (e.g. its owners' UIDs).
type IndexFunc[T any] func(obj *T) []string

// Handler receives an informer's changes. Handlers run on the informer's
// goroutine, one event at a time and in order: keep them fast (enqueue a
// key and return). Objects are the informer's shared copies: never modify
// them.
type Handler[T any] interface {
	// OnAdd is called for new objects; initial is true for those delivered
	// by the first list (or to a handler added later).
	OnAdd(obj *T, initial bool)
	OnUpdate(old, obj *T)
	// OnDelete is called with the last known state of a deleted object.
	OnDelete(obj *T)
}

// HandlerFuncs adapts functions to Handler; nil ones are skipped.
type HandlerFuncs[T any] struct {
	AddFunc    func(obj *T, initial bool)
	UpdateFunc func(old, obj *T)
	DeleteFunc func(obj *T)
}

// OnAdd implements Handler.
func (h HandlerFuncs[T]) OnAdd(obj *T, initial bool) {
	if h.AddFunc != nil {
		h.AddFunc(obj, initial)
	}
}

// OnUpdate implements Handler.
func (h HandlerFuncs[T]) OnUpdate(old, obj *T) {
	if h.UpdateFunc != nil {
		h.UpdateFunc(old, obj)
	}
}

// OnDelete implements Handler.
func (h HandlerFuncs[T]) OnDelete(obj *T) {
	if h.DeleteFunc != nil {
		h.DeleteFunc(obj)
	}
}

// InformerOptions scope and tune an Informer. The zero value watches every
// object of the kind in every namespace.
type InformerOptions struct {
	// Namespace restricts the informer to one namespace. Default: all.
	Namespace string
	// LabelSelector and FieldSelector restrict the objects held. Default: all.
	LabelSelector string
	FieldSelector string
	// ResyncPeriod, when positive, calls OnUpdate(obj, obj) for every held
	// object that often, so level-triggered controllers recheck the world.
	// Default 0: no resync.
	ResyncPeriod time.Duration
	// PageSize is the page size of lists. Default 500, as client-go.
	PageSize int64
	// Logger receives list and watch errors. Default: discard.
	Logger logr.Logger
}

// Informer keeps a local cache of one kind in sync with the API server:
// it lists once, then watches from the list's resourceVersion, re-watching
// when a watch ends and re-listing when its version is gone (410), as
// DESIGN.md's principle 7 says. It calls its handlers for every change and
// keeps indexes for lookups.
type Informer[T any, PT Object[T]] struct {
	src  source[T]
	opts InformerOptions
	log  logr.Logger

	mu sync.RWMutex
	// items holds the current objects by "namespace/name" (or "name").
	// Invariant: every object in items is in every index, under each of
	// the values its IndexFunc returns.
	items    map[string]*T
	indexers map[string]IndexFunc[T]
	indexes  map[string]map[string]map[string]*T // index → value → key → obj
	handlers []Handler[T]
	synced   bool
	syncedCh chan struct{}
	// rv is the resourceVersion the cache reflects.
	rv string
}

// source is what an informer lists and watches: a typed ResourceClient
// or a MetadataClient, already scoped to the informer's namespace.
type source[T any] interface {
	ListAll(ctx context.Context, opts *client.ListOptions) (*meta.List[T], error)
	Watch(ctx context.Context, opts *client.WatchOptions) (*client.Watcher[T], error)
}

// NewInformer returns an informer for kind T through c. It holds nothing
// until Run.
func NewInformer[T any, PT Object[T]](c *client.Client, opts *InformerOptions) *Informer[T, PT] {
	o := informerDefaults(opts)
	rc := client.Resource[T, PT](c)
	if o.Namespace != "" {
		rc = rc.Namespace(o.Namespace)
	}
	return newInformer[T, PT](rc, o)
}

// MetadataInformer is an informer of any resource, built-in or custom,
// that holds only its objects' metadata (kind PartialObjectMetadata):
// names, labels, annotations, owner references, finalizers, deletion
// state. A controller that needs no more keeps a fraction of the memory a
// typed informer does (see BenchmarkInformerMemory), and lists and watches
// a fraction of the bytes.
type MetadataInformer = Informer[meta.PartialObjectMetadata, *meta.PartialObjectMetadata]

// NewMetadataInformer returns a metadata-only informer of resource gvr
// through c; namespaced says whether the resource lives in namespaces
// (discovery's "namespaced"). opts scope it as for NewInformer. It holds
// nothing until Run.
func NewMetadataInformer(c *client.Client, gvr api.GVR, namespaced bool, opts *InformerOptions) *MetadataInformer {
	o := informerDefaults(opts)
	mc := client.Metadata(c, gvr, namespaced)
	if o.Namespace != "" {
		mc = mc.Namespace(o.Namespace)
	}
	return newInformer[meta.PartialObjectMetadata](mc, o)
}

func informerDefaults(opts *InformerOptions) InformerOptions {
	var o InformerOptions
	if opts != nil {
		o = *opts
	}
	if o.PageSize <= 0 {
		o.PageSize = 500
	}
	return o
}

func newInformer[T any, PT Object[T]](src source[T], o InformerOptions) *Informer[T, PT] {
	return &Informer[T, PT]{
		src: src, opts: o, log: o.Logger,
		items:    map[string]*T{},
		indexers: map[string]IndexFunc[T]{},
		indexes:  map[string]map[string]map[string]*T{},
		syncedCh: make(chan struct{}),
	}
}

// Key returns the cache key of obj: "namespace/name", or "name" for
// cluster-scoped objects.
func Key(obj meta.Object) string {
	om := obj.GetObjectMeta()
	if om.Namespace == "" {
		return om.Name
	}
	return om.Namespace + "/" + om.Name
}

// AddIndex adds an index. Adding one after Run has started indexes the
// objects already held.
func (inf *Informer[T, PT]) AddIndex(name string, fn IndexFunc[T]) {
	inf.mu.Lock()
	defer inf.mu.Unlock()
	inf.indexers[name] = fn
	idx := map[string]map[string]*T{}
	inf.indexes[name] = idx
	for k, obj := range inf.items {
		for _, v := range fn(obj) {
			addToIndex(idx, v, k, obj)
		}
	}
}

// AddHandler registers h. Objects already held are delivered to it as
// initial adds first.
func (inf *Informer[T, PT]) AddHandler(h Handler[T]) {
	inf.mu.Lock()
	defer inf.mu.Unlock()
	inf.handlers = append(inf.handlers, h)
	for _, obj := range inf.items {
		h.OnAdd(obj, true)
	}
}

// HasSynced reports whether the first list has been loaded.
func (inf *Informer[T, PT]) HasSynced() bool {
	select {
	case <-inf.syncedCh:
		return true
	default:
		return false
	}
}

// WaitForCacheSync blocks until the first list is loaded or ctx is done.
func (inf *Informer[T, PT]) WaitForCacheSync(ctx context.Context) bool {
	select {
	case <-inf.syncedCh:
		return true
	case <-ctx.Done():
		return false
	}
}

// Get returns the held object with the given namespace and name.
func (inf *Informer[T, PT]) Get(namespace, name string) (*T, bool) {
	key := name
	if namespace != "" {
		key = namespace + "/" + name
	}
	inf.mu.RLock()
	defer inf.mu.RUnlock()
	obj, ok := inf.items[key]
	return obj, ok
}

// List returns every held object (in no particular order).
func (inf *Informer[T, PT]) List() []*T {
	inf.mu.RLock()
	defer inf.mu.RUnlock()
	out := make([]*T, 0, len(inf.items))
	for _, obj := range inf.items {
		out = append(out, obj)
	}
	return out
}

// ByIndex returns the held objects whose index name has value.
func (inf *Informer[T, PT]) ByIndex(name, value string) []*T {
	inf.mu.RLock()
	defer inf.mu.RUnlock()
	m := inf.indexes[name][value]
	out := make([]*T, 0, len(m))
	for _, obj := range m {
		out = append(out, obj)
	}
	return out
}

// ResourceVersion returns the version the cache reflects.
func (inf *Informer[T, PT]) ResourceVersion() string {
	inf.mu.RLock()
	defer inf.mu.RUnlock()
	return inf.rv
}

func addToIndex[T any](idx map[string]map[string]*T, v, k string, obj *T) {
	m := idx[v]
	if m == nil {
		m = map[string]*T{}
		idx[v] = m
	}
	m[k] = obj
}

// putLocked stores obj under k, keeping the indexes consistent.
func (inf *Informer[T, PT]) putLocked(k string, obj *T) (old *T, existed bool) {
	old, existed = inf.items[k]
	if existed {
		inf.unindexLocked(k, old)
	}
	inf.items[k] = obj
	for name, fn := range inf.indexers {
		for _, v := range fn(obj) {
			addToIndex(inf.indexes[name], v, k, obj)
		}
	}
	return old, existed
}

func (inf *Informer[T, PT]) unindexLocked(k string, obj *T) {
	for name, fn := range inf.indexers {
		idx := inf.indexes[name]
		for _, v := range fn(obj) {
			if m := idx[v]; m != nil {
				delete(m, k)
				if len(m) == 0 {
					delete(idx, v)
				}
			}
		}
	}
}

func (inf *Informer[T, PT]) removeLocked(k string) (*T, bool) {
	old, ok := inf.items[k]
	if !ok {
		return nil, false
	}
	inf.unindexLocked(k, old)
	delete(inf.items, k)
	return old, true
}

// Run lists and watches until ctx is done. It returns nil then.
func (inf *Informer[T, PT]) Run(ctx context.Context) error {
	backoff := newBackoff()
	var resync <-chan time.Time
	if inf.opts.ResyncPeriod > 0 {
		t := time.NewTicker(inf.opts.ResyncPeriod)
		defer t.Stop()
		resync = t.C
	}
	needList := true
	for ctx.Err() == nil {
		if needList {
			if err := inf.list(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				inf.log.Error(err, "list failed; retrying")
				if !backoff.wait(ctx) {
					return nil
				}
				continue
			}
			needList = false
		}
		err := inf.watch(ctx, resync)
		switch {
		case ctx.Err() != nil:
			return nil
		case err == nil:
			backoff.reset() // the server ended the watch: resume
		case client.IsExpired(err):
			needList = true // the version is gone: re-list
		default:
			inf.log.V(1).Info("watch failed; retrying", "err", err.Error())
			if !backoff.wait(ctx) {
				return nil
			}
		}
	}
	return nil
}

// list replaces the cache with a fresh list, telling handlers what changed.
func (inf *Informer[T, PT]) list(ctx context.Context) error {
	l, err := inf.src.ListAll(ctx, &client.ListOptions{
		LabelSelector: inf.opts.LabelSelector, FieldSelector: inf.opts.FieldSelector, Limit: inf.opts.PageSize,
	})
	if err != nil {
		return err
	}
	inf.mu.Lock()
	defer inf.mu.Unlock()
	first := !inf.synced
	seen := make(map[string]bool, len(l.Items))
	for i := range l.Items {
		// Each object gets its own allocation: pointers into l.Items would
		// keep the whole list alive until the last of its objects changes
		// (as upstream's ExtractListWithAlloc avoids too).
		obj := new(T)
		*obj = l.Items[i]
		k := Key(PT(obj))
		seen[k] = true
		old, existed := inf.putLocked(k, obj)
		for _, h := range inf.handlers {
			if existed {
				h.OnUpdate(old, obj)
			} else {
				h.OnAdd(obj, first)
			}
		}
	}
	for k, obj := range inf.items {
		if !seen[k] {
			inf.removeLocked(k)
			for _, h := range inf.handlers {
				h.OnDelete(obj)
			}
		}
	}
	inf.rv = l.ResourceVersion
	if !inf.synced {
		inf.synced = true
		close(inf.syncedCh)
	}
	return nil
}

// watch applies watch events until the watch ends: nil when the server
// ended it cleanly, else why it failed. A request that fails before the
// watch starts is an error even when it wraps io.EOF (a connection closed
// before the response), so a server that drops connections is retried
// with backoff, not in a tight loop.
func (inf *Informer[T, PT]) watch(ctx context.Context, resync <-chan time.Time) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := inf.src.Watch(wctx, &client.WatchOptions{
		LabelSelector: inf.opts.LabelSelector, FieldSelector: inf.opts.FieldSelector,
		ResourceVersion: inf.ResourceVersion(), AllowWatchBookmarks: true,
		// Spread re-watches over time, as client-go does.
		TimeoutSeconds: int64(300 + rand.IntN(300)),
	})
	if err != nil {
		return err
	}
	defer w.Stop()
	events := make(chan result[client.Event[T]], 1)
	go func() {
		for {
			ev, err := w.Next()
			select {
			case events <- result[client.Event[T]]{ev, err}:
			case <-wctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-resync:
			inf.resync()
			continue
		case r := <-events:
			if errors.Is(r.err, io.EOF) {
				return nil
			}
			if r.err != nil {
				return r.err
			}
			inf.apply(r.v)
		}
	}
}

type result[V any] struct {
	v   V
	err error
}

func (inf *Informer[T, PT]) apply(ev client.Event[T]) {
	obj := ev.Object
	inf.mu.Lock()
	defer inf.mu.Unlock()
	if obj != nil {
		if rv := PT(obj).GetObjectMeta().ResourceVersion; rv != "" {
			inf.rv = rv
		}
	}
	switch ev.Type {
	case client.Added, client.Modified:
		k := Key(PT(obj))
		old, existed := inf.putLocked(k, obj)
		for _, h := range inf.handlers {
			if existed {
				h.OnUpdate(old, obj)
			} else {
				h.OnAdd(obj, false)
			}
		}
	case client.Deleted:
		k := Key(PT(obj))
		if _, ok := inf.removeLocked(k); ok {
			for _, h := range inf.handlers {
				h.OnDelete(obj)
			}
		}
	}
}

func (inf *Informer[T, PT]) resync() {
	inf.mu.RLock()
	defer inf.mu.RUnlock()
	for _, obj := range inf.items {
		for _, h := range inf.handlers {
			h.OnUpdate(obj, obj)
		}
	}
}

// backoff is the retry delay of lists and watches: 100ms doubling to 30s
// with jitter.
type backoffState struct{ d time.Duration }

func newBackoff() *backoffState { return &backoffState{d: 100 * time.Millisecond} }

func (b *backoffState) reset() { b.d = 100 * time.Millisecond }

func (b *backoffState) wait(ctx context.Context) bool {
	d := b.d + time.Duration(rand.Int64N(int64(b.d/2)+1))
	b.d = min(2*b.d, 30*time.Second)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// sortByKey orders objects by their cache key (for deterministic output).
func sortByKey[T any, PT Object[T]](objs []*T) {
	slices.SortFunc(objs, func(a, b *T) int {
		ka, kb := Key(PT(a)), Key(PT(b))
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
}
