package authn

import "sync"

// defaultCacheSize bounds the verification caches: enough for every
// client of a large cluster, at most a few MiB.
const defaultCacheSize = 4096

// verifyCache remembers credentials whose cryptographic verification
// succeeded, so that a client sending the same certificate or token on
// every request pays one signature check, not one per request. Values
// carry their own validity; callers re-check it on every hit. When full,
// an arbitrary entry makes room: a cache miss only costs a verification.
type verifyCache[V any] struct {
	mu  sync.RWMutex
	m   map[string]V
	max int
}

func newVerifyCache[V any](size int) *verifyCache[V] {
	if size == 0 {
		size = defaultCacheSize
	}
	if size < 0 {
		return nil
	}
	return &verifyCache[V]{m: make(map[string]V), max: size}
}

// get looks key up; string(key) in a map index does not allocate.
func (c *verifyCache[V]) get(key []byte) (V, bool) {
	var zero V
	if c == nil {
		return zero, false
	}
	c.mu.RLock()
	v, ok := c.m[string(key)]
	c.mu.RUnlock()
	return v, ok
}

// getString is get for a key that is a string already.
func (c *verifyCache[V]) getString(key string) (V, bool) {
	var zero V
	if c == nil {
		return zero, false
	}
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

func (c *verifyCache[V]) put(key []byte, v V) { c.putString(string(key), v) }

func (c *verifyCache[V]) putString(key string, v V) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = v
}

func (c *verifyCache[V]) remove(key []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.m, string(key))
	c.mu.Unlock()
}
