package watch

import (
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/store"
)

// EventType names a watch event as it appears on the wire.
type EventType string

// Event types.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	Bookmark EventType = "BOOKMARK"
)

// Event is one event delivered to a watcher.
type Event struct {
	Type EventType
	// Object is the object after the change; for Deleted, the last state
	// with its resourceVersion set to the deletion's revision. Shared by all
	// watchers and the cache: read-only. Nil for Bookmark.
	Object meta.Object
	// Revision is the event's revision: the object's resourceVersion, or for
	// a Bookmark the revision the watcher is current with.
	Revision int64
	// InitialEventsEnd marks the Bookmark that ends the initial events of a
	// watch opened with SendInitialEvents.
	InitialEventsEnd bool

	enc *encCache // where encodings of Object are cached; nil for bookmarks
}

// Encoded returns an encoding of e.Object, computed by encode at most once
// per object version and format for all watchers and lists that ask. format
// is a small integer chosen by the caller (one per wire format); the bytes
// are shared and must not be modified. Bookmarks are not cached.
func (e *Event) Encoded(format int, encode func(meta.Object) ([]byte, error)) ([]byte, error) {
	if e.enc == nil {
		return encode(e.Object)
	}
	return e.enc.get(format, e.Object, encode)
}

// encCache holds the encodings of one object version.
type encCache struct {
	mu   sync.Mutex
	vals []encVal
}

type encVal struct {
	format int
	b      []byte
}

func (c *encCache) get(format int, obj meta.Object, encode func(meta.Object) ([]byte, error)) ([]byte, error) {
	// Encoding under the lock makes concurrent askers wait for the first one
	// instead of encoding the same object in parallel.
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range c.vals {
		if v.format == format {
			return v.b, nil
		}
	}
	b, err := encode(obj)
	if err != nil {
		return nil, err
	}
	c.vals = append(c.vals, encVal{format, b})
	return b, nil
}

// entry is one object version held by the cache. Immutable once built except
// for its encoding cache.
type entry struct {
	key    string
	obj    meta.Object
	rev    int64
	ns     string
	labels labels.Set
	fields entryFields
	enc    encCache
}

// entryFields are an entry's selectable fields: its name and namespace,
// and whatever Config.Fields returned (owned by the entry). Not one merged
// map: that was a second map built and filled for every event.
type entryFields struct {
	name, ns string
	more     fields.Set
}

func (f *entryFields) Has(field string) bool {
	switch field {
	case "metadata.name", "metadata.namespace":
		return true
	}
	return f.more.Has(field)
}

func (f *entryFields) Get(field string) string {
	switch field {
	case "metadata.name":
		return f.name
	case "metadata.namespace":
		return f.ns
	}
	return f.more[field]
}

// record is one change in the event window. Immutable once appended.
type record struct {
	typ  store.EventType // Added, Modified or Deleted
	rev  int64
	cur  *entry // nil for Deleted
	prev *entry // nil for Added
	at   time.Time

	delOnce sync.Once
	delObj  meta.Object // prev's object at revision rev, for DELETED events
	delEnc  encCache
}

// deleted returns the object sent in a DELETED event for r: the previous
// state with the resourceVersion of r, as Kubernetes does.
func (r *record) deleted() meta.Object {
	r.delOnce.Do(func() { r.delObj = withRevision(r.prev.obj, r.rev) })
	return r.delObj
}

// withRevision returns a shallow copy of obj with its resourceVersion set to
// rev. Shallow is enough: the copy is read-only like obj, and only the
// resourceVersion string differs.
func withRevision(obj meta.Object, rev int64) meta.Object {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic("watch: objects must be pointers to structs")
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	o := c.Interface().(meta.Object)
	o.GetObjectMeta().ResourceVersion = strconv.FormatInt(rev, 10)
	return o
}

// filter is a watcher's or list's selection.
type filter struct {
	ns    string
	label labels.Selector // nil: everything
	field fields.Selector // nil: everything
}

func (f *filter) matches(e *entry) bool {
	if f.ns != "" && e.ns != f.ns {
		return false
	}
	if f.label != nil && !f.label.Matches(e.labels) {
		return false
	}
	if f.field != nil && !f.field.Matches(&e.fields) {
		return false
	}
	return true
}

// event converts r into the event f's watcher sees, following Kubernetes:
// an object that starts matching is ADDED, one that stops matching is
// DELETED (with its previous state), one that keeps matching is MODIFIED.
func (f *filter) event(r *record) (Event, bool) {
	cur := r.cur != nil && f.matches(r.cur)
	prev := r.prev != nil && f.matches(r.prev)
	switch {
	case cur && prev:
		return Event{Type: Modified, Object: r.cur.obj, Revision: r.rev, enc: &r.cur.enc}, true
	case cur:
		return Event{Type: Added, Object: r.cur.obj, Revision: r.rev, enc: &r.cur.enc}, true
	case prev:
		return Event{Type: Deleted, Object: r.deleted(), Revision: r.rev, enc: &r.delEnc}, true
	}
	return Event{}, false
}
