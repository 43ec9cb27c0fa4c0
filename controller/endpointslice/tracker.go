package endpointslice

import (
	"strconv"
	"sync"

	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/controller"
)

// tracker remembers the slices this controller wrote or deleted, per
// service, so that it can tell its own writes from others' in informer
// events (only others' trigger a reconcile) and tell when the informer
// cache has not caught up with its writes (a reconcile then waits rather
// than act on stale slices and create duplicates). Kubernetes tracks
// metadata.generation; spar's resourceVersions are comparable integers,
// which serves the same purpose without the server bumping generations.
//
// A service whose sync found the cache stale waits for the next event of
// its slices (wait, observe) rather than retry with backoff: the event
// that ends the staleness is what wakes it.
type tracker struct {
	mu        sync.Mutex
	byService map[controller.Request]map[meta.UID]written
	events    map[controller.Request]uint64 // slice events seen, per service
	waiting   map[controller.Request]bool
}

// written is what the controller last did to a slice.
type written struct {
	rv      uint64 // the resourceVersion of its write
	deleted bool   // it deleted the slice
}

func newTracker() *tracker {
	return &tracker{
		byService: map[controller.Request]map[meta.UID]written{},
		events:    map[controller.Request]uint64{},
		waiting:   map[controller.Request]bool{},
	}
}

// epoch returns the number of slice events seen for svc; read it before
// reading the cache, and pass it to wait.
func (t *tracker) epoch(svc controller.Request) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.events[svc]
}

// wait makes svc wait for the next event of its slices. It returns false
// when one came since epoch: the caller retries at once instead.
func (t *tracker) wait(svc controller.Request, epoch uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.events[svc] != epoch {
		return false
	}
	t.waiting[svc] = true
	return true
}

// observe counts an event of one of svc's slices (called after the cache
// has it) and reports whether svc was waiting for one.
func (t *tracker) observe(svc controller.Request) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events[svc]++
	if t.waiting[svc] {
		delete(t.waiting, svc)
		return true
	}
	return false
}

// forgetService drops what is known of a deleted service, once its slices
// are gone.
func (t *tracker) forgetService(svc controller.Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.byService[svc]) == 0 {
		delete(t.byService, svc)
		delete(t.events, svc)
		delete(t.waiting, svc)
	}
}

func rvOf(s *discovery.EndpointSlice) uint64 { return parseRV(s.ResourceVersion) }

// parseRV parses a resourceVersion; spar's are decimal store revisions,
// which clients may compare.
func parseRV(rv string) uint64 {
	n, _ := strconv.ParseUint(rv, 10, 64)
	return n
}

// serviceOf returns the request of the service a slice belongs to, from
// its kubernetes.io/service-name label.
func serviceOf(s *discovery.EndpointSlice) (controller.Request, bool) {
	name := s.Labels[discovery.LabelServiceName]
	return controller.Request{Namespace: s.Namespace, Name: name}, name != ""
}

func (t *tracker) set(svc controller.Request, uid meta.UID, w written) {
	m := t.byService[svc]
	if m == nil {
		m = map[meta.UID]written{}
		t.byService[svc] = m
	}
	m[uid] = w
}

// wrote records a slice as the server returned it after a create or update.
func (t *tracker) wrote(svc controller.Request, s *discovery.EndpointSlice) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.set(svc, s.UID, written{rv: rvOf(s)})
}

// deleting records that the controller deleted s.
func (t *tracker) deleting(svc controller.Request, s *discovery.EndpointSlice) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.set(svc, s.UID, written{deleted: true})
}

// changedByOthers reports whether an added or updated slice shows a change
// this controller did not make.
func (t *tracker) changedByOthers(s *discovery.EndpointSlice) bool {
	svc, _ := serviceOf(s)
	t.mu.Lock()
	defer t.mu.Unlock()
	w, ok := t.byService[svc][s.UID]
	return !ok || w.deleted || rvOf(s) > w.rv
}

// deleted forgets a deleted slice and reports whether someone other than
// this controller deleted it.
func (t *tracker) deleted(s *discovery.EndpointSlice) bool {
	svc, _ := serviceOf(s)
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.byService[svc]
	w, ok := m[s.UID]
	if ok {
		delete(m, s.UID)
		if len(m) == 0 {
			delete(t.byService, svc)
		}
	}
	return !ok || !w.deleted
}

// forget drops a slice that no longer belongs to svc (relabelled).
func (t *tracker) forget(svc controller.Request, uid meta.UID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if m := t.byService[svc]; m != nil {
		delete(m, uid)
		if len(m) == 0 {
			delete(t.byService, svc)
		}
	}
}

// stale reports whether cached, the service's slices in the informer
// cache, miss a write of this controller: a slice older than written, one
// it deleted and the cache still holds, or one it wrote that the cache
// lacks while the cache's resourceVersion, cacheRV (read before cached),
// is older than the write. A written slice the cache lacks although it is
// newer was deleted since: it is forgotten, as are deletions the cache
// shows (their delete events may have come before they were recorded).
func (t *tracker) stale(svc controller.Request, cacheRV uint64, cached []*discovery.EndpointSlice) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.byService[svc]
	if len(m) == 0 {
		return false
	}
	cachedUID := func(uid meta.UID) bool {
		for _, s := range cached {
			if s.UID == uid {
				return true
			}
		}
		return false
	}
	for _, s := range cached {
		if w, ok := m[s.UID]; ok && (w.deleted || rvOf(s) < w.rv) {
			return true
		}
	}
	for uid, w := range m {
		switch {
		case cachedUID(uid):
		case w.deleted || w.rv <= cacheRV:
			delete(m, uid)
		default:
			return true // written, not yet seen
		}
	}
	if len(m) == 0 {
		delete(t.byService, svc)
	}
	return false
}
