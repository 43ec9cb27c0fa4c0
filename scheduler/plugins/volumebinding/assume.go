package volumebinding

import (
	"sync"

	"github.com/spar-dev/spar/api/core"
)

// assumeCache overlays the informers with the bindings the scheduler has
// decided (Reserve) but the API server has not yet shown back, so that
// the next pods do not pick a volume already promised. An assumed object
// stands until the informer holds a newer version of it (a write, ours or
// anyone's, went through) or the assumption is reverted (Unreserve).
type assumeCache struct {
	mu   sync.Mutex
	pvs  map[string]assumed[core.PersistentVolume]      // by name
	pvcs map[string]assumed[core.PersistentVolumeClaim] // by namespace/name
}

type assumed[T any] struct {
	obj *T
	// base is the resourceVersion of the informer's copy the assumption
	// was made on.
	base string
}

func (a *assumeCache) init() {
	a.pvs = map[string]assumed[core.PersistentVolume]{}
	a.pvcs = map[string]assumed[core.PersistentVolumeClaim]{}
}

// pv returns the volume as assumed, or cur (the informer's copy).
func (a *assumeCache) pv(cur *core.PersistentVolume) *core.PersistentVolume {
	a.mu.Lock()
	defer a.mu.Unlock()
	as, ok := a.pvs[cur.Name]
	if !ok {
		return cur
	}
	if as.base != cur.ResourceVersion {
		delete(a.pvs, cur.Name)
		return cur
	}
	return as.obj
}

// pvc returns the claim as assumed, or cur.
func (a *assumeCache) pvc(cur *core.PersistentVolumeClaim) *core.PersistentVolumeClaim {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := cur.Namespace + "/" + cur.Name
	as, ok := a.pvcs[k]
	if !ok {
		return cur
	}
	if as.base != cur.ResourceVersion {
		delete(a.pvcs, k)
		return cur
	}
	return as.obj
}

func (a *assumeCache) assumePV(pv *core.PersistentVolume) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pvs[pv.Name] = assumed[core.PersistentVolume]{pv, pv.ResourceVersion}
}

func (a *assumeCache) assumePVC(c *core.PersistentVolumeClaim) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pvcs[c.Namespace+"/"+c.Name] = assumed[core.PersistentVolumeClaim]{c, c.ResourceVersion}
}

// restorePV drops the assumption on a volume if it is still pv.
func (a *assumeCache) restorePV(pv *core.PersistentVolume) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if as, ok := a.pvs[pv.Name]; ok && as.obj == pv {
		delete(a.pvs, pv.Name)
	}
}

// restorePVC drops the assumption on a claim if it is still c.
func (a *assumeCache) restorePVC(c *core.PersistentVolumeClaim) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := c.Namespace + "/" + c.Name
	if as, ok := a.pvcs[k]; ok && as.obj == c {
		delete(a.pvcs, k)
	}
}
