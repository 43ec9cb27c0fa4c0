package volumebinding

import (
	"context"
	"fmt"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/scheduler"
)

// Reserve implements scheduler.ReservePlugin: it assumes the node's
// decisions — volumes claimed by their claims, claims annotated with the
// node to provision on — so the next pods see them taken.
func (pl *VolumeBinding) Reserve(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, nodeName string) *scheduler.Status {
	s, st := getState(state)
	if st != nil {
		return st
	}
	s.mu.Lock()
	pv, ok := s.byNode[nodeName]
	s.mu.Unlock()
	if !ok {
		// No claims, or all bound.
		s.allBound = true
		return nil
	}
	// PreBind runs beside the next cycles, which update the snapshot in
	// place: it checks provisioned volumes against the Node object seen
	// here (informer objects are never modified).
	if n, ok := pl.h.Snapshot().Get(nodeName); ok {
		pv.node = n.Node
	}
	for _, b := range pv.static {
		if b.pv.Spec.ClaimRef != nil && b.pv.Spec.ClaimRef.UID == b.pvc.UID {
			continue // already bound on this side
		}
		c := *b.pv
		c.Annotations = cloneMap(c.Annotations)
		c.Annotations[AnnBoundByController] = "yes"
		c.Spec.ClaimRef = &core.ObjectReference{Kind: "PersistentVolumeClaim", APIVersion: "v1",
			Namespace: b.pvc.Namespace, Name: b.pvc.Name, UID: b.pvc.UID, ResourceVersion: b.pvc.ResourceVersion}
		pl.assumed.assumePV(&c)
		pv.assumedPVs = append(pv.assumedPVs, &c)
	}
	for _, claim := range pv.provision {
		if claim.Annotations[AnnSelectedNode] == nodeName {
			continue
		}
		c := *claim
		c.Annotations = cloneMap(c.Annotations)
		c.Annotations[AnnSelectedNode] = nodeName
		pl.assumed.assumePVC(&c)
		pv.assumedPVCs = append(pv.assumedPVCs, &c)
	}
	s.allBound = len(pv.static) == 0 && len(pv.provision) == 0
	return nil
}

// assumedPV returns the volume Reserve claimed for a claim, if it did.
func (pv *podVolumes) assumedPV(name string) *core.PersistentVolume {
	for _, a := range pv.assumedPVs {
		if a.Name == name {
			return a
		}
	}
	return nil
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Unreserve implements scheduler.ReservePlugin: the assumptions go.
// Writes PreBind made stay, as in Kubernetes: a claim bound to a volume
// is bound, and a provisioning under way is left to the provisioner.
func (pl *VolumeBinding) Unreserve(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, nodeName string) {
	s, st := getState(state)
	if st != nil {
		return
	}
	s.mu.Lock()
	pv, ok := s.byNode[nodeName]
	s.mu.Unlock()
	if !ok {
		return
	}
	for _, v := range pv.assumedPVs {
		pl.assumed.restorePV(v)
	}
	for _, c := range pv.assumedPVCs {
		pl.assumed.restorePVC(c)
	}
}

// PreBind implements scheduler.PreBindPlugin: it writes the bindings and
// waits, up to Args.BindTimeoutSeconds, until every claim is bound.
//
// For a volume chosen for a claim it does what Kubernetes' scheduler and
// volume controller do between them — spar runs no volume controller —:
// the volume's claimRef, the claim's volumeName with the bind-completed
// annotation, then both phases Bound. For a claim to provision it sets
// the selected-node annotation and waits for a provisioner to create and
// bind the volume; a provisioner that gives up removes the annotation,
// which fails the wait at once.
func (pl *VolumeBinding) PreBind(ctx context.Context, state *scheduler.CycleState, pi *scheduler.PodInfo, nodeName string) *scheduler.Status {
	s, st := getState(state)
	if st != nil {
		return st
	}
	if s.allBound {
		return nil
	}
	s.mu.Lock()
	pv, ok := s.byNode[nodeName]
	s.mu.Unlock()
	if !ok {
		return scheduler.AsStatus(fmt.Errorf("%w %q", errNoVolumes, nodeName))
	}
	c := pl.h.Client()
	if c == nil {
		return scheduler.AsStatus(fmt.Errorf("%s: binding volumes needs an API client", Name))
	}
	if err := pl.bind(ctx, c, pv, nodeName); err != nil {
		return scheduler.AsStatus(fmt.Errorf("binding volumes: %w", err))
	}
	if err := pl.waitBound(ctx, pv, nodeName); err != nil {
		return scheduler.AsStatus(fmt.Errorf("binding volumes: %w", err))
	}
	return nil
}

// bind writes the bindings. Writes are based on the versions Filter saw,
// so a concurrent change fails them with a conflict and the pod is
// retried with fresh state.
func (pl *VolumeBinding) bind(ctx context.Context, c *client.Client, pv *podVolumes, nodeName string) error {
	pvs := client.Resource[core.PersistentVolume](c)
	pvcs := client.Resource[core.PersistentVolumeClaim](c)
	for _, b := range pv.static {
		v := b.pv
		if a := pv.assumedPV(b.pv.Name); a != nil {
			written, err := pvs.Update(ctx, a, nil)
			if err != nil {
				return fmt.Errorf("persistentvolume %q: %w", a.Name, err)
			}
			v = written
		}
		claim, err := pvcs.Namespace(b.pvc.Namespace).Get(ctx, b.pvc.Name)
		if err != nil {
			return fmt.Errorf("persistentvolumeclaim %q: %w", b.pvc.Name, err)
		}
		if claim.UID != b.pvc.UID {
			return fmt.Errorf("persistentvolumeclaim %q was re-created", b.pvc.Name)
		}
		if !fullyBound(claim) {
			claim.Spec.VolumeName = v.Name
			claim.Annotations = cloneMap(claim.Annotations)
			claim.Annotations[AnnBindCompleted] = "yes"
			claim.Annotations[AnnBoundByController] = "yes"
			if claim, err = pvcs.Namespace(claim.Namespace).Update(ctx, claim, nil); err != nil {
				return fmt.Errorf("persistentvolumeclaim %q: %w", b.pvc.Name, err)
			}
		}
		if v.Status.Phase != core.VolumeBound {
			v.Status.Phase = core.VolumeBound
			if _, err := pvs.UpdateStatus(ctx, v, nil); err != nil {
				return fmt.Errorf("persistentvolume %q status: %w", v.Name, err)
			}
		}
		if claim.Status.Phase != core.ClaimBound {
			claim.Status.Phase = core.ClaimBound
			claim.Status.AccessModes = v.Spec.AccessModes
			claim.Status.Capacity = core.ResourceList{core.ResourceStorage: v.Spec.Capacity[core.ResourceStorage]}
			if _, err := pvcs.Namespace(claim.Namespace).UpdateStatus(ctx, claim, nil); err != nil {
				return fmt.Errorf("persistentvolumeclaim %q status: %w", claim.Name, err)
			}
		}
	}
	for _, a := range pv.assumedPVCs {
		if _, err := pvcs.Namespace(a.Namespace).Update(ctx, a, nil); err != nil {
			return fmt.Errorf("persistentvolumeclaim %q: %w", a.Name, err)
		}
	}
	return nil
}

// pollInterval is how often PreBind rechecks the claims while it waits.
const pollInterval = 50 * time.Millisecond

// waitBound waits until the informers show every claim bound, or fails
// when a binding is undone or the timeout passes.
func (pl *VolumeBinding) waitBound(ctx context.Context, pv *podVolumes, nodeName string) error {
	ctx, cancel := context.WithTimeout(ctx, pl.timeout)
	defer cancel()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		done, err := pl.checkBound(pv, nodeName)
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out waiting for the claims of the pod to be bound: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// checkBound reports whether every claim of pv is bound as decided.
func (pl *VolumeBinding) checkBound(pv *podVolumes, nodeName string) (bool, error) {
	for _, b := range pv.static {
		v, ok := pl.pvs.Get("", b.pv.Name)
		if !ok {
			return false, fmt.Errorf("persistentvolume %q disappeared", b.pv.Name)
		}
		c, ok := pl.pvcs.Get(b.pvc.Namespace, b.pvc.Name)
		if !ok {
			return false, fmt.Errorf("persistentvolumeclaim %q disappeared", b.pvc.Name)
		}
		if v.Spec.ClaimRef == nil || v.Spec.ClaimRef.UID != b.pvc.UID {
			if v.ResourceVersion == b.pv.ResourceVersion {
				return false, nil // the informer has not seen our write yet
			}
			return false, fmt.Errorf("ClaimRef got reset for pv %q", v.Name)
		}
		if !fullyBound(c) {
			return false, nil
		}
	}
	for _, p := range pv.provision {
		c, ok := pl.pvcs.Get(p.Namespace, p.Name)
		if !ok {
			return false, fmt.Errorf("persistentvolumeclaim %q disappeared", p.Name)
		}
		if c.ResourceVersion == p.ResourceVersion && c.Annotations[AnnSelectedNode] != nodeName {
			return false, nil // the informer has not seen our write yet
		}
		if c.Annotations[AnnSelectedNode] != nodeName {
			return false, fmt.Errorf("provisioning failed for PVC %q", c.Name)
		}
		if c.Spec.VolumeName != "" {
			v, ok := pl.pvs.Get("", c.Spec.VolumeName)
			if !ok {
				return false, nil // the provisioned volume is not in the informer yet
			}
			if pv.node != nil && !volumeNodeAffinityMatches(v, pv.node) {
				return false, fmt.Errorf("pv %q node affinity doesn't match node %q", v.Name, nodeName)
			}
		}
		if !fullyBound(c) {
			return false, nil
		}
	}
	return true, nil
}
