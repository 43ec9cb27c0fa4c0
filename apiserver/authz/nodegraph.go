package authz

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/storage"
	"github.com/spar-dev/spar/watch"
)

// NodeGraph records which objects each node may read because pods bound to
// it use them: the pods by node, and per pod its secrets, config maps,
// persistent volume claims and service account; the persistent volumes
// bound to those claims and the secrets the volumes name; volume
// attachments by node. The node authorizer asks it; the API server keeps
// it current by feeding it every change of pods, persistent volumes,
// volume attachments and nodes (Set, Delete, or Follow over its watch
// caches).
//
// A NodeGraph is safe for concurrent use. Objects passed in are not kept.
type NodeGraph struct {
	mu   sync.RWMutex
	pods map[nsName]*podEntry
	// refs counts, per object a pod uses, the pods of each node using it.
	refs map[objKey]map[string]int
	pvs  map[string]*pvEntry
	// pvsBySecret lists the volumes naming each secret.
	pvsBySecret map[objKey]map[string]struct{}
	vas         map[string]string   // volume attachment → node
	nodes       map[string]meta.UID // node → uid
}

type nsName struct{ ns, name string }

type objKind uint8

const (
	kindSecret objKind = iota
	kindConfigMap
	kindPVC
	kindServiceAccount
)

type objKey struct {
	kind     objKind
	ns, name string
}

type podEntry struct {
	node string
	uid  meta.UID
	refs []objKey
}

type pvEntry struct {
	claim   *nsName
	secrets []objKey
}

// NewNodeGraph returns an empty graph.
func NewNodeGraph() *NodeGraph {
	return &NodeGraph{
		pods:        map[nsName]*podEntry{},
		refs:        map[objKey]map[string]int{},
		pvs:         map[string]*pvEntry{},
		pvsBySecret: map[objKey]map[string]struct{}{},
		vas:         map[string]string{},
		nodes:       map[string]meta.UID{},
	}
}

// Set records the current state of a *core.Pod, *core.PersistentVolume,
// *storage.VolumeAttachment or *core.Node; other objects are ignored. A pod
// not yet bound to a node relates to nothing.
func (g *NodeGraph) Set(obj meta.Object) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch o := obj.(type) {
	case *core.Pod:
		key := nsName{o.Namespace, o.Name}
		g.deletePodLocked(key)
		if o.Spec.NodeName != "" {
			e := &podEntry{node: o.Spec.NodeName, uid: o.UID, refs: podRefs(o)}
			g.pods[key] = e
			for _, r := range e.refs {
				m := g.refs[r]
				if m == nil {
					m = map[string]int{}
					g.refs[r] = m
				}
				m[e.node]++
			}
		}
	case *core.PersistentVolume:
		g.deletePVLocked(o.Name)
		e := pvRefs(o)
		g.pvs[o.Name] = e
		for _, s := range e.secrets {
			m := g.pvsBySecret[s]
			if m == nil {
				m = map[string]struct{}{}
				g.pvsBySecret[s] = m
			}
			m[o.Name] = struct{}{}
		}
	case *storage.VolumeAttachment:
		if o.Spec.NodeName == "" {
			delete(g.vas, o.Name)
		} else {
			g.vas[o.Name] = o.Spec.NodeName
		}
	case *core.Node:
		g.nodes[o.Name] = o.UID
	}
}

// Delete forgets an object Set recorded; only its kind, namespace and name
// matter.
func (g *NodeGraph) Delete(obj meta.Object) {
	g.mu.Lock()
	defer g.mu.Unlock()
	om := obj.GetObjectMeta()
	switch obj.(type) {
	case *core.Pod:
		g.deletePodLocked(nsName{om.Namespace, om.Name})
	case *core.PersistentVolume:
		g.deletePVLocked(om.Name)
	case *storage.VolumeAttachment:
		delete(g.vas, om.Name)
	case *core.Node:
		delete(g.nodes, om.Name)
	}
}

func (g *NodeGraph) deletePodLocked(key nsName) {
	e := g.pods[key]
	if e == nil {
		return
	}
	delete(g.pods, key)
	for _, r := range e.refs {
		m := g.refs[r]
		if m[e.node]--; m[e.node] <= 0 {
			delete(m, e.node)
		}
		if len(m) == 0 {
			delete(g.refs, r)
		}
	}
}

func (g *NodeGraph) deletePVLocked(name string) {
	e := g.pvs[name]
	if e == nil {
		return
	}
	delete(g.pvs, name)
	for _, s := range e.secrets {
		delete(g.pvsBySecret[s], name)
		if len(g.pvsBySecret[s]) == 0 {
			delete(g.pvsBySecret, s)
		}
	}
}

// podRefs lists what a pod uses: what the kubelet must read to run it.
func podRefs(p *core.Pod) []objKey {
	ns := p.Namespace
	var refs []objKey
	add := func(kind objKind, name string) {
		if name == "" {
			return
		}
		k := objKey{kind, ns, name}
		for _, r := range refs {
			if r == k {
				return
			}
		}
		refs = append(refs, k)
	}
	add(kindServiceAccount, p.Spec.ServiceAccountName)
	for _, s := range p.Spec.ImagePullSecrets {
		add(kindSecret, s.Name)
	}
	containers := func(env []core.EnvVar, from []core.EnvFromSource) {
		for _, e := range env {
			if vf := e.ValueFrom; vf != nil {
				if vf.SecretKeyRef != nil {
					add(kindSecret, vf.SecretKeyRef.Name)
				}
				if vf.ConfigMapKeyRef != nil {
					add(kindConfigMap, vf.ConfigMapKeyRef.Name)
				}
			}
		}
		for _, f := range from {
			if f.SecretRef != nil {
				add(kindSecret, f.SecretRef.Name)
			}
			if f.ConfigMapRef != nil {
				add(kindConfigMap, f.ConfigMapRef.Name)
			}
		}
	}
	for i := range p.Spec.InitContainers {
		containers(p.Spec.InitContainers[i].Env, p.Spec.InitContainers[i].EnvFrom)
	}
	for i := range p.Spec.Containers {
		containers(p.Spec.Containers[i].Env, p.Spec.Containers[i].EnvFrom)
	}
	for i := range p.Spec.EphemeralContainers {
		containers(p.Spec.EphemeralContainers[i].Env, p.Spec.EphemeralContainers[i].EnvFrom)
	}
	for _, v := range p.Spec.Volumes {
		switch {
		case v.Secret != nil:
			add(kindSecret, v.Secret.SecretName)
		case v.ConfigMap != nil:
			add(kindConfigMap, v.ConfigMap.Name)
		case v.PersistentVolumeClaim != nil:
			add(kindPVC, v.PersistentVolumeClaim.ClaimName)
		case v.Ephemeral != nil:
			// The ephemeral volume controller names the claim after the
			// pod and the volume.
			add(kindPVC, p.Name+"-"+v.Name)
		case v.CSI != nil && v.CSI.NodePublishSecretRef != nil:
			add(kindSecret, v.CSI.NodePublishSecretRef.Name)
		case v.ISCSI != nil && v.ISCSI.SecretRef != nil:
			add(kindSecret, v.ISCSI.SecretRef.Name)
		case v.Projected != nil:
			for _, s := range v.Projected.Sources {
				if s.Secret != nil {
					add(kindSecret, s.Secret.Name)
				}
				if s.ConfigMap != nil {
					add(kindConfigMap, s.ConfigMap.Name)
				}
			}
		}
	}
	return refs
}

// pvRefs lists a volume's claim and the secrets its source names; a
// secret reference without a namespace is in the claim's.
func pvRefs(pv *core.PersistentVolume) *pvEntry {
	e := &pvEntry{}
	claimNS := ""
	if c := pv.Spec.ClaimRef; c != nil && (c.Kind == "" || c.Kind == "PersistentVolumeClaim") && c.Name != "" {
		e.claim = &nsName{c.Namespace, c.Name}
		claimNS = c.Namespace
	}
	add := func(ref *core.SecretReference) {
		if ref == nil || ref.Name == "" {
			return
		}
		ns := ref.Namespace
		if ns == "" {
			ns = claimNS
		}
		e.secrets = append(e.secrets, objKey{kindSecret, ns, ref.Name})
	}
	if s := pv.Spec.ISCSI; s != nil {
		add(s.SecretRef)
	}
	if s := pv.Spec.CSI; s != nil {
		add(s.ControllerPublishSecretRef)
		add(s.NodeStageSecretRef)
		add(s.NodePublishSecretRef)
		add(s.ControllerExpandSecretRef)
		add(s.NodeExpandSecretRef)
	}
	return e
}

// related reports whether node may read the object, per the graph.
func (g *NodeGraph) related(node string, res string, ns, name string) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	switch res {
	case "secrets":
		k := objKey{kindSecret, ns, name}
		if g.refs[k][node] > 0 {
			return true
		}
		for pv := range g.pvsBySecret[k] {
			if g.pvRelatedLocked(node, pv) {
				return true
			}
		}
		return false
	case "configmaps":
		return g.refs[objKey{kindConfigMap, ns, name}][node] > 0
	case "persistentvolumeclaims":
		return g.refs[objKey{kindPVC, ns, name}][node] > 0
	case "serviceaccounts":
		return g.refs[objKey{kindServiceAccount, ns, name}][node] > 0
	case "persistentvolumes":
		return g.pvRelatedLocked(node, name)
	case "pods":
		e := g.pods[nsName{ns, name}]
		return e != nil && e.node == node
	case "volumeattachments":
		return g.vas[name] == node
	}
	return false
}

func (g *NodeGraph) pvRelatedLocked(node, pv string) bool {
	e := g.pvs[pv]
	return e != nil && e.claim != nil && g.refs[objKey{kindPVC, e.claim.ns, e.claim.name}][node] > 0
}

// PodNode returns the node a pod is bound to and its UID, if the graph has
// the pod.
func (g *NodeGraph) PodNode(namespace, name string) (node string, uid meta.UID, ok bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	e := g.pods[nsName{namespace, name}]
	if e == nil {
		return "", "", false
	}
	return e.node, e.uid, true
}

// NodeUID returns the UID of a Node object, if the graph has seen it.
func (g *NodeGraph) NodeUID(name string) (meta.UID, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	uid, ok := g.nodes[name]
	return uid, ok
}

// Follow keeps the graph current with the objects of c (the watch cache of
// pods, persistentvolumes, volumeattachments or nodes) until ctx ends. It
// reads the cache's state, then its changes; when the watch has to restart
// (it fell behind, or the cache re-listed), it reads the state again and
// forgets the objects that disappeared meanwhile. It returns ctx's error.
func (g *NodeGraph) Follow(ctx context.Context, c *watch.Cache) error {
	var known map[nsName]meta.Object
	for ctx.Err() == nil {
		w, err := c.Watch(ctx, watch.WatchOptions{SendInitialEvents: true, InitialEventsEndBookmark: true})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			return fmt.Errorf("authz: watching for the node graph: %w", err)
		}
		err = g.follow(ctx, w, &known)
		w.Stop()
		if err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil && !restartable(err) {
			return err
		}
	}
	return ctx.Err()
}

// restartable reports watch errors after which a new watch sees all.
func restartable(err error) bool {
	return errors.Is(err, watch.ErrTooSlow) || errors.Is(err, watch.ErrExpired) || errors.Is(err, watch.ErrReset)
}

// follow applies one watch's events. During the initial events it
// collects what exists; at their end it deletes what was known before and
// is gone.
func (g *NodeGraph) follow(ctx context.Context, w *watch.Watcher, known *map[nsName]meta.Object) error {
	seen := map[nsName]meta.Object{}
	initial := true
	for {
		evs, err := w.Next(ctx)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if ev.Type == watch.Bookmark {
				if initial && ev.InitialEventsEnd {
					for k, o := range *known {
						if _, ok := seen[k]; !ok {
							g.Delete(o)
						}
					}
					initial = false
					*known = seen
				}
				continue
			}
			om := ev.Object.GetObjectMeta()
			k := nsName{om.Namespace, om.Name}
			if ev.Type == watch.Deleted {
				g.Delete(ev.Object)
				delete(seen, k)
				continue
			}
			g.Set(ev.Object)
			seen[k] = ev.Object
		}
	}
}
