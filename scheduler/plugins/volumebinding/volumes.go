package volumebinding

import (
	"slices"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/storage"
)

// claimClass is the class a claim asks for: the beta annotation, then
// spec.storageClassName. A claim naming none gets the default class (the
// one annotated is-default-class, the newest if several), as Kubernetes'
// DefaultStorageClass admission would have set; "" means no class.
func (pl *VolumeBinding) claimClass(c *core.PersistentVolumeClaim) string {
	if v, ok := c.Annotations[annBetaStorageClass]; ok {
		return v
	}
	if c.Spec.StorageClassName != nil {
		return *c.Spec.StorageClassName
	}
	var def *storage.StorageClass
	for _, sc := range pl.classes.List() {
		if sc.Annotations[storage.AnnotationIsDefaultStorageClass] != "true" {
			continue
		}
		if def == nil || sc.CreationTimestamp.After(def.CreationTimestamp.Time) ||
			sc.CreationTimestamp.Equal(def.CreationTimestamp) && sc.Name > def.Name {
			def = sc
		}
	}
	if def == nil {
		return ""
	}
	return def.Name
}

// volumeClass is a volume's class: the beta annotation, then
// spec.storageClassName.
func volumeClass(pv *core.PersistentVolume) string {
	if v, ok := pv.Annotations[annBetaStorageClass]; ok {
		return v
	}
	return pv.Spec.StorageClassName
}

// fullyBound reports a claim bound to its volume: a volume name and the
// bind-completed annotation (or, for claims bound without one, phase
// Bound).
func fullyBound(c *core.PersistentVolumeClaim) bool {
	if c.Spec.VolumeName == "" {
		return false
	}
	_, ok := c.Annotations[AnnBindCompleted]
	return ok || c.Status.Phase == core.ClaimBound
}

// boundToClaim reports a volume whose claimRef names the claim.
func boundToClaim(pv *core.PersistentVolume, c *core.PersistentVolumeClaim) bool {
	r := pv.Spec.ClaimRef
	if r == nil || r.Name != c.Name || r.Namespace != c.Namespace {
		return false
	}
	return r.UID == "" || r.UID == c.UID
}

// volumeNodeAffinityMatches reports whether node can reach the volume.
func volumeNodeAffinityMatches(pv *core.PersistentVolume, node *core.Node) bool {
	if pv.Spec.NodeAffinity == nil {
		return true
	}
	return pv.Spec.NodeAffinity.Required.Matches(node)
}

func volumeMode(m *core.PersistentVolumeMode) core.PersistentVolumeMode {
	if m == nil {
		return core.PersistentVolumeFilesystem
	}
	return *m
}

// accessModesMatch reports whether the volume offers every mode the
// claim asks for.
func accessModesMatch(c *core.PersistentVolumeClaim, pv *core.PersistentVolume) bool {
	for _, m := range c.Spec.AccessModes {
		if !slices.Contains(pv.Spec.AccessModes, m) {
			return false
		}
	}
	return true
}

// findMatchingVolume returns the volume for claim on node among pvs (of
// the claim's class), skipping those in excluded: the volume pre-bound to
// the claim if there is one (nil if node cannot reach it), else the
// smallest available volume that is big enough, of the same mode,
// selected by the claim's selector, reachable from node and offering the
// claim's access modes.
//
// Kubernetes considers only volumes in phase Available, which its volume
// controller sets; spar runs without one, so a volume no controller has
// looked at yet (phase Pending or none, no claimRef) is available too.
func findMatchingVolume(c *core.PersistentVolumeClaim, class string, pvs []*core.PersistentVolume, node *core.Node, excluded map[string]bool) *core.PersistentVolume {
	want := c.Spec.Resources.Requests[core.ResourceStorage]
	var sel labels.Selector
	if c.Spec.Selector != nil {
		s, err := labels.FromLabelSelector(c.Spec.Selector)
		if err != nil {
			return nil
		}
		sel = s
	}
	var best *core.PersistentVolume
	for _, pv := range pvs {
		if excluded[pv.Name] || pv.Spec.ClaimRef != nil && !boundToClaim(pv, c) {
			continue
		}
		size := pv.Spec.Capacity[core.ResourceStorage]
		if size.Cmp(want) < 0 || volumeMode(c.Spec.VolumeMode) != volumeMode(pv.Spec.VolumeMode) || pv.DeletionTimestamp != nil {
			continue
		}
		reachable := volumeNodeAffinityMatches(pv, node)
		if boundToClaim(pv, c) {
			if !reachable {
				return nil
			}
			return pv
		}
		switch pv.Status.Phase {
		case core.VolumeAvailable, core.VolumePending, "":
		default:
			continue
		}
		if sel != nil && !sel.Matches(labels.Set(pv.Labels)) || volumeClass(pv) != class || !reachable || !accessModesMatch(c, pv) {
			continue
		}
		if best == nil {
			best = pv
			continue
		}
		if bs := best.Spec.Capacity[core.ResourceStorage]; bs.Cmp(size) > 0 {
			best = pv
		}
	}
	return best
}

// topologyAllows reports whether node is in a class's allowed
// topologies (any term; all of a term's requirements).
func topologyAllows(terms []core.TopologySelectorTerm, node *core.Node) bool {
	if len(terms) == 0 {
		return true
	}
	for _, t := range terms {
		ok := true
		for _, r := range t.MatchLabelExpressions {
			if v, has := node.Labels[r.Key]; !has || !slices.Contains(r.Values, v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// localVolumeNodeNames returns the hostnames a volume's node affinity
// pins it to (kubernetes.io/hostname In [...] in every term), or nil if
// any term allows other nodes.
func localVolumeNodeNames(pv *core.PersistentVolume) map[string]bool {
	if pv.Spec.NodeAffinity == nil || pv.Spec.NodeAffinity.Required == nil {
		return nil
	}
	out := map[string]bool{}
	for _, t := range pv.Spec.NodeAffinity.Required.NodeSelectorTerms {
		var names map[string]bool
		for _, e := range t.MatchExpressions {
			if e.Key != "kubernetes.io/hostname" || e.Operator != core.NodeSelectorOpIn {
				continue
			}
			next := map[string]bool{}
			for _, v := range e.Values {
				if names == nil || names[v] {
					next[v] = true
				}
			}
			names = next
		}
		if names == nil {
			return nil
		}
		for n := range names {
			out[n] = true
		}
	}
	return out
}
