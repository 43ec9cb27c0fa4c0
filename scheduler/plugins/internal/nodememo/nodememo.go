// Package nodememo remembers per-node values across scheduling cycles,
// keyed by NodeInfo generation: what InterPodAffinity and PodTopologySpread
// compute over every node for every pod.
package nodememo

import (
	"context"
	"sync"

	"github.com/spar-dev/spar/scheduler"
)

// Memo remembers, per key, a value computed from each node, and
// recomputes it only for nodes that changed. It relies on the cache's
// generations: every change to a node or its pods gives the node a new
// NodeInfo.Generation, unique across nodes, so a generation names one
// version of one node. (A NodeInfo with generation 0, built by hand rather
// than by the cache, is never remembered.) The memo holds values only, and
// forgets old generations once they pile up.
//
// The affinity and spread plugins' PreFilter and PreScore match terms or
// count pods over every node of the cluster for every pod; consecutive pods
// of one workload share their terms and selectors, and between two of them
// only a few nodes change. Reading the
// labels of every pod costs a few cache misses each (ten thousand pods:
// about ten milliseconds); the memo makes it a pointer lookup per node.
type Memo[V any] struct {
	mu      sync.RWMutex
	max     int
	tick    uint64
	entries map[string]*memoEntry[V]
}

type memoEntry[V any] struct {
	vals map[int64]V // by NodeInfo.Generation
	used uint64
}

// New returns a memo that keeps at most maxKeys keys, forgetting the least
// recently used.
func New[V any](maxKeys int) *Memo[V] {
	return &Memo[V]{max: maxKeys, entries: map[string]*memoEntry[V]{}}
}

// Values returns compute(n) for every node, aligned with nodes, computing
// in parallel only what the memo does not hold for key.
func (m *Memo[V]) Values(ctx context.Context, p scheduler.Parallelizer, key string, nodes []*scheduler.NodeInfo, compute func(*scheduler.NodeInfo) V) []V {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[key]
	if e == nil {
		if len(m.entries) >= m.max {
			m.evictLocked()
		}
		e = &memoEntry[V]{vals: make(map[int64]V, len(nodes))}
		m.entries[key] = e
	}
	m.tick++
	e.used = m.tick
	out := make([]V, len(nodes))
	var missing []int
	for i, n := range nodes {
		v, ok := e.vals[n.Generation]
		if !ok || n.Generation == 0 {
			missing = append(missing, i)
			continue
		}
		out[i] = v
	}
	if len(missing) == 0 {
		return out
	}
	p.Until(ctx, len(missing), func(j int) {
		i := missing[j]
		out[i] = compute(nodes[i])
	})
	if ctx.Err() != nil {
		return out
	}
	// Forget the generations the snapshot moved past, once they pile up.
	if len(e.vals)+len(missing) > len(nodes)+len(nodes)/4+64 {
		fresh := make(map[int64]V, len(nodes))
		for i, n := range nodes {
			if n.Generation != 0 {
				fresh[n.Generation] = out[i]
			}
		}
		e.vals = fresh
		return out
	}
	for _, i := range missing {
		if g := nodes[i].Generation; g != 0 {
			e.vals[g] = out[i]
		}
	}
	return out
}

// Lookup returns the value remembered under key for a node generation.
func (m *Memo[V]) Lookup(key string, gen int64) (V, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e := m.entries[key]; e != nil && gen != 0 {
		v, ok := e.vals[gen]
		return v, ok
	}
	var zero V
	return zero, false
}

func (m *Memo[V]) evictLocked() {
	var oldest string
	var used uint64
	for k, e := range m.entries {
		if oldest == "" || e.used < used {
			oldest, used = k, e.used
		}
	}
	delete(m.entries, oldest)
}

// Domains gives nodes' topology domains as small integers, so that
// counting per domain indexes a slice instead of hashing label values.
type Domains struct {
	memo *Memo[int32]
	mu   sync.Mutex
	// per topology key: the values seen, and their ids.
	names map[string][]string
	ids   map[string]map[string]int32
}

// NewDomains returns an empty Domains.
func NewDomains() *Domains {
	return &Domains{memo: New[int32](16), names: map[string][]string{}, ids: map[string]map[string]int32{}}
}

// Of returns the domain id of each node for key (-1 for nodes without the
// label) and the values by id.
func (d *Domains) Of(ctx context.Context, p scheduler.Parallelizer, key string, nodes []*scheduler.NodeInfo) ([]int32, []string) {
	ids := d.memo.Values(ctx, p, key, nodes, func(n *scheduler.NodeInfo) int32 {
		v, ok := n.Labels()[key]
		if !ok {
			return -1
		}
		return d.id(key, v)
	})
	d.mu.Lock()
	defer d.mu.Unlock()
	return ids, d.names[key]
}

func (d *Domains) id(key, v string) int32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	m := d.ids[key]
	if m == nil {
		m = map[string]int32{}
		d.ids[key] = m
	}
	id, ok := m[v]
	if !ok {
		id = int32(len(d.names[key]))
		m[v] = id
		d.names[key] = append(d.names[key], v)
	}
	return id
}
