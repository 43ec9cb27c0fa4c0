package controller

import (
	"sync"
	"time"
)

// DefaultExpectationsTTL is how long unmet expectations hold back a
// controller before they are given up, as Kubernetes' ExpectationsTimeout.
const DefaultExpectationsTTL = 5 * time.Minute

// Expectations remember, per controller key (e.g. "ns/name" of a
// ReplicaSet), the creations and deletions a controller has issued but not
// yet seen in its informer cache. A controller that acts only when its
// expectations are Satisfied never creates or deletes twice because its
// cache lags behind its own writes: after creating 5 pods it waits until
// the informer has delivered those 5 pods before it counts again.
//
// Creations are counted (the names of generated objects are not known
// until the server answers); deletions are tracked by object key, so a
// deletion observed twice (as an update setting deletionTimestamp, then as
// the delete) is counted once.
//
// Expectations expire: a controller whose events were lost (a watch
// broken at the wrong moment) is held back at most TTL after it last set
// them, then acts on what its cache shows. The zero value is ready to use.
type Expectations struct {
	// TTL is how long expectations hold after they were set. Default
	// DefaultExpectationsTTL (5 minutes).
	TTL time.Duration
	// Now returns the current time. Default time.Now.
	Now func() time.Time

	mu sync.Mutex
	m  map[string]*expectation
}

type expectation struct {
	adds int
	dels map[string]struct{}
	set  time.Time
}

func (e *Expectations) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Expectations) ttl() time.Duration {
	if e.TTL > 0 {
		return e.TTL
	}
	return DefaultExpectationsTTL
}

// ExpectCreations records that the controller of key is about to create n
// objects. It replaces any earlier expectations of key.
func (e *Expectations) ExpectCreations(key string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil {
		e.m = map[string]*expectation{}
	}
	e.m[key] = &expectation{adds: n, set: e.now()}
}

// ExpectDeletions records that the controller of key is about to delete
// the objects with the given keys. It replaces any earlier expectations of
// key.
func (e *Expectations) ExpectDeletions(key string, objKeys []string) {
	dels := make(map[string]struct{}, len(objKeys))
	for _, k := range objKeys {
		dels[k] = struct{}{}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil {
		e.m = map[string]*expectation{}
	}
	e.m[key] = &expectation{dels: dels, set: e.now()}
}

// CreationObserved lowers the creations expected for key by one: call it
// when the informer delivers an object the controller created, or when a
// create the controller expected was not sent or failed.
func (e *Expectations) CreationObserved(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x := e.m[key]; x != nil && x.adds > 0 {
		x.adds--
	}
}

// DeletionObserved records that the object objKey, whose deletion the
// controller of key expected, is gone (or being deleted, or its delete
// failed). Objects not expected, or already observed, change nothing.
func (e *Expectations) DeletionObserved(key, objKey string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x := e.m[key]; x != nil {
		delete(x.dels, objKey)
	}
}

// Satisfied reports whether the controller of key may act: it has no
// expectations, they were all observed, or they expired.
func (e *Expectations) Satisfied(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	x := e.m[key]
	if x == nil {
		return true
	}
	if x.adds <= 0 && len(x.dels) == 0 {
		return true
	}
	return e.now().Sub(x.set) > e.ttl()
}

// Pending returns the creations and deletions still expected for key.
func (e *Expectations) Pending(key string) (creations, deletions int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x := e.m[key]; x != nil {
		return x.adds, len(x.dels)
	}
	return 0, 0
}

// Delete forgets the expectations of key (its controller object is gone).
func (e *Expectations) Delete(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.m, key)
}
