package volumebinding

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/storage"
	"github.com/spar-dev/spar/scheduler"
)

// Reasons, as Kubernetes words them.
const (
	ErrReasonBindConflict          = "node(s) didn't find available persistent volumes to bind"
	ErrReasonNodeConflict          = "node(s) had volume node affinity conflict"
	ErrReasonPVNotExist            = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
	ErrReasonUnboundImmediateClaim = "pod has unbound immediate PersistentVolumeClaims"
)

const stateKey scheduler.StateKey = Name

// binding is a static binding: claim to volume.
type binding struct {
	pv  *core.PersistentVolume
	pvc *core.PersistentVolumeClaim
}

// podVolumes is what Filter decided for one node: volumes to bind and
// claims to provision there.
type podVolumes struct {
	static    []binding
	provision []*core.PersistentVolumeClaim
	// assumed are the objects Reserve put in the assume cache.
	assumedPVs  []*core.PersistentVolume
	assumedPVCs []*core.PersistentVolumeClaim
	// node is the chosen node, set by Reserve for PreBind.
	node *core.Node
}

// stateData is the plugin's cycle state.
type stateData struct {
	bound []*core.PersistentVolumeClaim
	// delayed are the unbound claims of WaitForFirstConsumer classes, with
	// the volumes of their classes and the classes' names.
	delayed      []*core.PersistentVolumeClaim
	delayedClass map[*core.PersistentVolumeClaim]string
	pvsByClass   map[string][]*core.PersistentVolume

	mu     sync.Mutex // guards byNode: Filter runs in parallel
	byNode map[string]*podVolumes
	// allBound is set by Reserve: nothing to do in PreBind.
	allBound bool
}

// Clone implements scheduler.StateData. The node decisions are shared:
// preemption's what-if runs Filter on clones, and Reserve reads them from
// the original.
func (s *stateData) Clone() scheduler.StateData { return s }

// claimNames returns the claims a pod uses (ephemeral volumes' claims are
// named <pod>-<volume>) and whether each is ephemeral.
func claimNames(pod *core.Pod) (names []string, ephemeral []bool) {
	for _, v := range pod.Spec.Volumes {
		switch {
		case v.PersistentVolumeClaim != nil:
			names, ephemeral = append(names, v.PersistentVolumeClaim.ClaimName), append(ephemeral, false)
		case v.Ephemeral != nil:
			names, ephemeral = append(names, pod.Name+"-"+v.Name), append(ephemeral, true)
		}
	}
	return names, ephemeral
}

// PreFilter implements scheduler.PreFilterPlugin. It skips pods without
// claims; rejects, as unresolvable, pods whose claims are missing, lost,
// being deleted or unbound with Immediate binding (the volume controller
// or the user binds those); and, when bound local volumes pin the pod to
// nodes, narrows the nodes to those.
func (pl *VolumeBinding) PreFilter(ctx context.Context, state *scheduler.CycleState, pi *scheduler.PodInfo, nodes []*scheduler.NodeInfo) (*scheduler.PreFilterResult, *scheduler.Status) {
	pod := pi.Pod
	names, ephemeral := claimNames(pod)
	if len(names) == 0 {
		state.Write(stateKey, &stateData{allBound: true})
		return nil, scheduler.NewStatus(scheduler.Skip)
	}
	s := &stateData{delayedClass: map[*core.PersistentVolumeClaim]string{}, pvsByClass: map[string][]*core.PersistentVolume{},
		byNode: map[string]*podVolumes{}}
	immediate := false
	for i, name := range names {
		c, ok := pl.pvcs.Get(pod.Namespace, name)
		if !ok {
			msg := fmt.Sprintf("persistentvolumeclaim %q not found", name)
			if ephemeral[i] {
				msg = fmt.Sprintf("waiting for ephemeral volume controller to create the persistentvolumeclaim %q", name)
			}
			return nil, scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, msg)
		}
		c = pl.assumed.pvc(c)
		switch {
		case c.Status.Phase == core.ClaimLost:
			return nil, scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable,
				fmt.Sprintf("persistentvolumeclaim %q bound to non-existent persistentvolume %q", c.Name, c.Spec.VolumeName))
		case c.DeletionTimestamp != nil:
			return nil, scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, fmt.Sprintf("persistentvolumeclaim %q is being deleted", c.Name))
		case ephemeral[i] && !meta.IsControlledBy(&c.ObjectMeta, pod.UID):
			return nil, scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable,
				fmt.Sprintf("PVC %s/%s was not created for pod %s/%s (pod is not owner)", c.Namespace, c.Name, pod.Namespace, pod.Name))
		}
		if fullyBound(c) {
			s.bound = append(s.bound, c)
			continue
		}
		class := pl.claimClass(c)
		// A claim pre-bound to a volume by name waits for the binding to
		// complete, as one of an Immediate class does.
		if c.Spec.VolumeName != "" || !pl.waitForFirstConsumer(class) {
			immediate = true
			continue
		}
		s.delayed = append(s.delayed, c)
		s.delayedClass[c] = class
	}
	if immediate {
		return nil, scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, ErrReasonUnboundImmediateClaim)
	}
	for _, class := range s.delayedClass {
		if _, ok := s.pvsByClass[class]; !ok {
			var pvs []*core.PersistentVolume
			for _, pv := range pl.pvs.ByIndex(classIndex, class) {
				pvs = append(pvs, pl.assumed.pv(pv))
			}
			// In name order, so equal volumes are chosen deterministically.
			slices.SortFunc(pvs, func(a, b *core.PersistentVolume) int { return cmpString(a.Name, b.Name) })
			s.pvsByClass[class] = pvs
		}
	}
	state.Write(stateKey, s)
	return pl.eligibleNodes(s.bound, nodes), nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// waitForFirstConsumer reports whether the class delays binding. A class
// that does not exist binds immediately (the claim waits for it).
func (pl *VolumeBinding) waitForFirstConsumer(class string) bool {
	if class == "" {
		return false
	}
	sc, ok := pl.classes.Get("", class)
	return ok && sc.VolumeBindingMode != nil && *sc.VolumeBindingMode == storage.VolumeBindingWaitForFirstConsumer
}

// eligibleNodes narrows the nodes when bound local volumes pin the pod to
// hostnames (nil: no narrowing).
func (pl *VolumeBinding) eligibleNodes(bound []*core.PersistentVolumeClaim, nodes []*scheduler.NodeInfo) *scheduler.PreFilterResult {
	var hosts map[string]bool
	for _, c := range bound {
		pv, ok := pl.pvs.Get("", c.Spec.VolumeName)
		if !ok {
			continue
		}
		names := localVolumeNodeNames(pl.assumed.pv(pv))
		if names == nil {
			continue
		}
		if hosts == nil {
			hosts = names
			continue
		}
		for h := range hosts {
			if !names[h] {
				delete(hosts, h)
			}
		}
	}
	if hosts == nil {
		return nil
	}
	out := map[string]bool{}
	for _, n := range nodes {
		if hosts[n.Labels()["kubernetes.io/hostname"]] {
			out[n.Name()] = true
		}
	}
	return &scheduler.PreFilterResult{NodeNames: out}
}

// PreFilterExtensions implements scheduler.PreFilterPlugin.
func (pl *VolumeBinding) PreFilterExtensions() scheduler.PreFilterExtensions { return nil }

func getState(state *scheduler.CycleState) (*stateData, *scheduler.Status) {
	s, ok := scheduler.ReadState[*stateData](state, stateKey)
	if !ok {
		return nil, scheduler.AsStatus(fmt.Errorf("reading %q from the cycle state: not found", stateKey))
	}
	return s, nil
}

// Filter implements scheduler.FilterPlugin: the node must reach every
// bound claim's volume, and every delayed claim must find an available
// volume the node reaches, or be provisionable there. Rejections are
// UnschedulableAndUnresolvable: evicting pods frees no volume.
func (pl *VolumeBinding) Filter(_ context.Context, state *scheduler.CycleState, pi *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	s, st := getState(state)
	if st != nil {
		return st
	}
	pv, reasons, err := pl.findPodVolumes(s, node.Node)
	if err != nil {
		return scheduler.AsStatus(err)
	}
	if len(reasons) > 0 {
		return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, reasons...)
	}
	s.mu.Lock()
	s.byNode[node.Name()] = pv
	s.mu.Unlock()
	return nil
}

// findPodVolumes decides the pod's volumes on node, or says why it cannot.
func (pl *VolumeBinding) findPodVolumes(s *stateData, node *core.Node) (*podVolumes, []string, error) {
	out := &podVolumes{}
	var reasons []string
	for _, c := range s.bound {
		pv, ok := pl.pvs.Get("", c.Spec.VolumeName)
		if !ok {
			return nil, []string{ErrReasonPVNotExist}, nil
		}
		if !volumeNodeAffinityMatches(pl.assumed.pv(pv), node) {
			reasons = append(reasons, ErrReasonNodeConflict)
			break
		}
	}
	if len(s.delayed) == 0 {
		return out, reasons, nil
	}
	var match, provision []*core.PersistentVolumeClaim
	for _, c := range s.delayed {
		// A claim whose provisioning already started on a node stays there.
		if sel, ok := c.Annotations[AnnSelectedNode]; ok {
			if sel != node.Name {
				return nil, append(reasons, ErrReasonBindConflict), nil
			}
			provision = append(provision, c)
			continue
		}
		match = append(match, c)
	}
	// Smallest claims first, so each gets the smallest volume that fits.
	slices.SortStableFunc(match, func(a, b *core.PersistentVolumeClaim) int {
		qa, qb := a.Spec.Resources.Requests[core.ResourceStorage], b.Spec.Resources.Requests[core.ResourceStorage]
		return qa.Cmp(qb)
	})
	chosen := map[string]bool{}
	satisfied := true
	for _, c := range match {
		pv := findMatchingVolume(c, s.delayedClass[c], s.pvsByClass[s.delayedClass[c]], node, chosen)
		if pv == nil {
			provision = append(provision, c)
			satisfied = false
			continue
		}
		chosen[pv.Name] = true
		out.static = append(out.static, binding{pv: pv, pvc: c})
	}
	if len(provision) > 0 {
		ok, err := pl.provisionable(s, provision, node)
		if err != nil {
			return nil, nil, err
		}
		satisfied = ok
		out.provision = provision
	}
	if !satisfied {
		reasons = append(reasons, ErrReasonBindConflict)
	}
	return out, reasons, nil
}

// provisionable reports whether every claim can be provisioned on node:
// its class has a provisioner and allows the node's topology.
func (pl *VolumeBinding) provisionable(s *stateData, claims []*core.PersistentVolumeClaim, node *core.Node) (bool, error) {
	for _, c := range claims {
		class := s.delayedClass[c]
		if class == "" {
			return false, fmt.Errorf("no class for claim %q", c.Namespace+"/"+c.Name)
		}
		sc, ok := pl.classes.Get("", class)
		if !ok {
			return false, fmt.Errorf("failed to find storage class %q", class)
		}
		if sc.Provisioner == "" || sc.Provisioner == NotSupportedProvisioner || !topologyAllows(sc.AllowedTopologies, node) {
			return false, nil
		}
	}
	return true, nil
}

var errNoVolumes = errors.New("no pod volumes found for the node")
