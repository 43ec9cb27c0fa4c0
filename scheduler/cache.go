package scheduler

import (
	"slices"
	"sync"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// zoneLabel spreads the snapshot's node order across zones.
const zoneLabel = "topology.kubernetes.io/zone"

// Cache holds every node with the pods bound (or assumed) to it and their
// aggregated requests, updated incrementally from informer events. A pod is
// "assumed" from Reserve until the API server's copy of it, bound, arrives
// through the informer; an assumed pod whose binding finished but never
// shows up expires after AssumeTTL, so a lost binding does not hold
// resources forever.
type Cache struct {
	ttl time.Duration

	mu sync.Mutex
	// nodes by name. Invariant: every node is in the recency list, most
	// recently changed first, and a node's Generation is the value of
	// generation when it last changed.
	nodes      map[string]*cacheNode
	head       *cacheNode
	generation int64
	// pods by UID; assumed is the subset not yet confirmed by the informer.
	pods    map[meta.UID]*cachedPod
	assumed map[meta.UID]bool
	// images maps an image name to the nodes that have it.
	images map[string]map[string]bool
	// nodeSetChanged is set when nodes are added or removed, so the
	// snapshot rebuilds its ordered list.
	nodeSetChanged bool
}

type cacheNode struct {
	info       *NodeInfo
	prev, next *cacheNode
}

type cachedPod struct {
	pi       *PodInfo
	node     string
	deadline time.Time // zero until the binding finished (assumed pods)
}

// NewCache returns an empty cache; assumed pods expire ttl after their
// binding finished (default 30s when ttl <= 0).
func NewCache(ttl time.Duration) *Cache {
	if ttl <= 0 {
		ttl = 30 * time.Second
	}
	return &Cache{ttl: ttl, nodes: map[string]*cacheNode{}, pods: map[meta.UID]*cachedPod{},
		assumed: map[meta.UID]bool{}, images: map[string]map[string]bool{}}
}

// node returns the cache entry for name, creating it.
func (c *Cache) node(name string) *cacheNode {
	n, ok := c.nodes[name]
	if !ok {
		n = &cacheNode{info: newNodeInfo()}
		c.nodes[name] = n
		c.nodeSetChanged = true
	}
	return n
}

// touch marks n changed: a new generation, moved to the list's head.
func (c *Cache) touch(n *cacheNode) {
	c.generation++
	n.info.Generation = c.generation
	if c.head == n {
		return
	}
	if n.prev != nil {
		n.prev.next = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	}
	n.prev, n.next = nil, c.head
	if c.head != nil {
		c.head.prev = n
	}
	c.head = n
}

func (c *Cache) unlink(n *cacheNode) {
	if n.prev != nil {
		n.prev.next = n.next
	} else if c.head == n {
		c.head = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	}
	n.prev, n.next = nil, nil
}

// AddNode adds or updates a node.
func (c *Cache) AddNode(node *core.Node) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.node(node.Name)
	if n.info.Node == nil {
		c.nodeSetChanged = true
	}
	c.setImages(node.Name, n.info.Node, node)
	n.info.setNode(node)
	c.touch(n)
}

// UpdateNode is AddNode.
func (c *Cache) UpdateNode(node *core.Node) { c.AddNode(node) }

// RemoveNode removes a node. Its pods stay accounted (on a node-less
// entry) until their deletions arrive.
func (c *Cache) RemoveNode(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.nodes[name]
	if !ok {
		return
	}
	c.setImages(name, n.info.Node, nil)
	c.nodeSetChanged = true
	if len(n.info.Pods) == 0 {
		c.unlink(n)
		delete(c.nodes, name)
		c.generation++
		return
	}
	n.info.setNode(nil)
	c.touch(n)
}

// setImages updates the image index for a node going from old to new.
func (c *Cache) setImages(name string, old, new *core.Node) {
	if old != nil {
		for _, img := range old.Status.Images {
			for _, nm := range img.Names {
				if s := c.images[nm]; s != nil {
					delete(s, name)
					if len(s) == 0 {
						delete(c.images, nm)
					}
				}
			}
		}
	}
	if new != nil {
		for _, img := range new.Status.Images {
			for _, nm := range img.Names {
				s := c.images[nm]
				if s == nil {
					s = map[string]bool{}
					c.images[nm] = s
				}
				s[name] = true
			}
		}
	}
}

// imageStatesLocked builds a node's image states (sizes and spread).
func (c *Cache) imageStatesLocked(node *core.Node) map[string]*ImageState {
	if node == nil || len(node.Status.Images) == 0 {
		return nil
	}
	out := make(map[string]*ImageState, len(node.Status.Images))
	for _, img := range node.Status.Images {
		for _, nm := range img.Names {
			out[nm] = &ImageState{Size: img.SizeBytes, NumNodes: len(c.images[nm])}
		}
	}
	return out
}

// AssumePod accounts for a pod the scheduler has just placed on nodeName,
// before the API server confirms the binding.
func (c *Cache) AssumePod(pi *PodInfo, nodeName string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addPodLocked(pi, nodeName)
	c.assumed[pi.Pod.UID] = true
}

// FinishBinding starts the expiry clock of an assumed pod.
func (c *Cache) FinishBinding(uid meta.UID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.pods[uid]; ok && c.assumed[uid] {
		p.deadline = time.Now().Add(c.ttl)
	}
}

// ForgetPod removes an assumed pod (its binding failed).
func (c *Cache) ForgetPod(uid meta.UID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.assumed[uid] {
		c.removePodLocked(uid)
		delete(c.assumed, uid)
	}
}

// IsAssumed reports whether the pod is assumed and not yet confirmed.
func (c *Cache) IsAssumed(uid meta.UID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.assumed[uid]
}

// AddPod accounts for a bound pod from the informer (confirming it if it
// was assumed).
func (c *Cache) AddPod(pod *core.Pod) { c.addPod(pod) }

// addPod is AddPod, returning the pod's previous and new PodInfos (old is
// nil for a pod the cache did not have).
func (c *Cache) addPod(pod *core.Pod) (old, pi *PodInfo) {
	pi = NewPodInfo(pod)
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.pods[pod.UID]; ok {
		// An assumed pod confirmed, or a bound pod updated: replace the
		// cache's copy (on whatever node the API says).
		old = p.pi
		c.removePodLocked(pod.UID)
	}
	delete(c.assumed, pod.UID)
	c.addPodLocked(pi, pod.Spec.NodeName)
	return old, pi
}

// UpdatePod replaces a bound pod.
func (c *Cache) UpdatePod(pod *core.Pod) { c.addPod(pod) }

// RemovePod removes a pod.
func (c *Cache) RemovePod(uid meta.UID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removePodLocked(uid)
	delete(c.assumed, uid)
}

func (c *Cache) addPodLocked(pi *PodInfo, nodeName string) {
	n := c.node(nodeName)
	n.info.AddPod(pi)
	c.touch(n)
	c.pods[pi.Pod.UID] = &cachedPod{pi: pi, node: nodeName}
}

func (c *Cache) removePodLocked(uid meta.UID) {
	p, ok := c.pods[uid]
	if !ok {
		return
	}
	delete(c.pods, uid)
	n, ok := c.nodes[p.node]
	if !ok {
		return
	}
	n.info.RemovePod(uid)
	c.touch(n)
	if n.info.Node == nil && len(n.info.Pods) == 0 {
		c.unlink(n)
		delete(c.nodes, p.node)
		c.nodeSetChanged = true
	}
}

// expire drops assumed pods whose binding finished more than the TTL ago
// without the informer confirming them.
func (c *Cache) expire(now time.Time) []meta.UID {
	c.mu.Lock()
	defer c.mu.Unlock()
	var gone []meta.UID
	for uid := range c.assumed {
		if p := c.pods[uid]; p != nil && !p.deadline.IsZero() && now.After(p.deadline) {
			c.removePodLocked(uid)
			delete(c.assumed, uid)
			gone = append(gone, uid)
		}
	}
	return gone
}

// NodeCount returns the number of nodes (with a Node object).
func (c *Cache) NodeCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, cn := range c.nodes {
		if cn.info.Node != nil {
			n++
		}
	}
	return n
}

// Snapshot is a consistent, read-only view of the cache for one scheduling
// cycle. It is updated in place by UpdateSnapshot, copying only the nodes
// that changed since its last update into their NodeInfos: a NodeInfo
// pointer names a node for as long as the node exists, and its content is
// that of the current cycle, so plugins remember values across cycles
// (keyed by Generation), not NodeInfos.
type Snapshot struct {
	nodes map[string]*NodeInfo
	// list holds the nodes with a Node object, interleaved across zones so
	// that a search that stops early still sees every zone.
	list                             []*NodeInfo
	havePodsWithAffinity             []*NodeInfo
	havePodsWithRequiredAntiAffinity []*NodeInfo
	generation                       int64
}

// NewSnapshot returns an empty snapshot.
func NewSnapshot() *Snapshot {
	return &Snapshot{nodes: map[string]*NodeInfo{}}
}

// List returns the nodes, in the snapshot's order.
func (s *Snapshot) List() []*NodeInfo { return s.list }

// Get returns a node by name.
func (s *Snapshot) Get(name string) (*NodeInfo, bool) {
	n, ok := s.nodes[name]
	return n, ok && n.Node != nil
}

// HavePodsWithAffinity lists the nodes running pods with affinity terms.
func (s *Snapshot) HavePodsWithAffinity() []*NodeInfo { return s.havePodsWithAffinity }

// HavePodsWithRequiredAntiAffinity lists the nodes running pods with
// required anti-affinity.
func (s *Snapshot) HavePodsWithRequiredAntiAffinity() []*NodeInfo {
	return s.havePodsWithRequiredAntiAffinity
}

// UpdateSnapshot brings s up to date, in time proportional to the nodes
// that changed since its last update.
func (c *Cache) UpdateSnapshot(s *Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	affinityChanged := false
	for n := c.head; n != nil && n.info.Generation > s.generation; n = n.next {
		name := n.info.Name()
		if name == "" {
			continue // pods of a deleted node: not in the snapshot
		}
		old := s.nodes[name]
		if old != nil && (len(old.PodsWithAffinity) > 0) != (len(n.info.PodsWithAffinity) > 0) ||
			old != nil && (len(old.PodsWithRequiredAntiAffinity) > 0) != (len(n.info.PodsWithRequiredAntiAffinity) > 0) ||
			old == nil && len(n.info.PodsWithAffinity) > 0 {
			affinityChanged = true
		}
		// A known node is updated in place, as Kubernetes' snapshot does:
		// its NodeInfo stays where rebuildList put it, next to the others
		// in list order, so the per-node loops of a cycle walk memory in
		// order rather than chase NodeInfos scattered across the heap.
		if old == nil {
			old = new(NodeInfo)
			s.nodes[name] = old
		}
		n.info.cloneInto(old)
		old.ImageStates = c.imageStatesLocked(n.info.Node)
	}
	if c.nodeSetChanged {
		// Drop nodes the cache no longer has.
		for name := range s.nodes {
			if cn, ok := c.nodes[name]; !ok || cn.info.Node == nil {
				delete(s.nodes, name)
			}
		}
		s.rebuildList()
		c.nodeSetChanged = false
		affinityChanged = true
	}
	if affinityChanged {
		s.havePodsWithAffinity = s.havePodsWithAffinity[:0]
		s.havePodsWithRequiredAntiAffinity = s.havePodsWithRequiredAntiAffinity[:0]
		for _, n := range s.list {
			if len(n.PodsWithAffinity) > 0 {
				s.havePodsWithAffinity = append(s.havePodsWithAffinity, n)
			}
			if len(n.PodsWithRequiredAntiAffinity) > 0 {
				s.havePodsWithRequiredAntiAffinity = append(s.havePodsWithRequiredAntiAffinity, n)
			}
		}
	} else {
		// Same nodes, but their clones may be new: refresh the pointers.
		for i, n := range s.havePodsWithAffinity {
			s.havePodsWithAffinity[i] = s.nodes[n.Name()]
		}
		for i, n := range s.havePodsWithRequiredAntiAffinity {
			s.havePodsWithRequiredAntiAffinity[i] = s.nodes[n.Name()]
		}
	}
	s.generation = c.generation
}

// rebuildList orders the nodes: by zone, round-robin across zones, and by
// name within a zone, so the order is stable between rebuilds.
func (s *Snapshot) rebuildList() {
	byZone := map[string][]*NodeInfo{}
	var zones []string
	for _, n := range s.nodes {
		if n.Node == nil {
			continue
		}
		z := n.Node.Labels[zoneLabel]
		if _, ok := byZone[z]; !ok {
			zones = append(zones, z)
		}
		byZone[z] = append(byZone[z], n)
	}
	slices.Sort(zones)
	for _, z := range zones {
		slices.SortFunc(byZone[z], func(a, b *NodeInfo) int {
			switch {
			case a.Name() < b.Name():
				return -1
			case a.Name() > b.Name():
				return 1
			}
			return 0
		})
	}
	s.list = s.list[:0]
	for i := 0; ; i++ {
		added := false
		for _, z := range zones {
			if i < len(byZone[z]) {
				s.list = append(s.list, byZone[z][i])
				added = true
			}
		}
		if !added {
			break
		}
	}
	// The NodeInfos move into one array in list order (see UpdateSnapshot).
	slab := make([]NodeInfo, len(s.list))
	for i, n := range s.list {
		slab[i] = *n
		s.list[i] = &slab[i]
		s.nodes[n.Name()] = &slab[i]
	}
}
