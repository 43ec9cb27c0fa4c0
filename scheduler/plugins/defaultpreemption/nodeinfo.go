package defaultpreemption

import (
	"github.com/spar-dev/spar/scheduler"
)

// addPod and removePod account for a pod on a node clone, as the
// framework's unexported NodeInfo methods do, for preemption's what-if.
// They exist because NodeInfo exports its fields but not these methods.

func addPod(n *scheduler.NodeInfo, p *scheduler.PodInfo) {
	n.Pods = append(n.Pods, p)
	if len(p.RequiredAffinity)+len(p.RequiredAntiAffinity)+len(p.PreferredAffinity)+len(p.PreferredAntiAffinity) > 0 {
		n.PodsWithAffinity = append(n.PodsWithAffinity, p)
	}
	if len(p.RequiredAntiAffinity) > 0 {
		n.PodsWithRequiredAntiAffinity = append(n.PodsWithRequiredAntiAffinity, p)
	}
	n.Requested.Add(&p.Requests)
	n.NonZeroRequested.Add(&p.NonZeroRequests)
	for _, hp := range p.HostPorts {
		n.UsedPorts[hp] = true
	}
	for _, v := range p.Pod.Spec.Volumes {
		if c := v.PersistentVolumeClaim; c != nil {
			n.PVCRefCounts[p.Pod.Namespace+"/"+c.ClaimName]++
		}
	}
}

func removePod(n *scheduler.NodeInfo, p *scheduler.PodInfo) {
	found := false
	n.Pods, found = without(n.Pods, p)
	if !found {
		return
	}
	n.PodsWithAffinity, _ = without(n.PodsWithAffinity, p)
	n.PodsWithRequiredAntiAffinity, _ = without(n.PodsWithRequiredAntiAffinity, p)
	n.Requested.Sub(&p.Requests)
	n.NonZeroRequested.Sub(&p.NonZeroRequests)
	for _, hp := range p.HostPorts {
		delete(n.UsedPorts, hp)
	}
	for _, o := range n.Pods {
		for _, hp := range o.HostPorts {
			n.UsedPorts[hp] = true
		}
	}
	for _, v := range p.Pod.Spec.Volumes {
		if c := v.PersistentVolumeClaim; c != nil {
			k := p.Pod.Namespace + "/" + c.ClaimName
			if n.PVCRefCounts[k]--; n.PVCRefCounts[k] <= 0 {
				delete(n.PVCRefCounts, k)
			}
		}
	}
}

// without returns s without the pod with p's UID, in a new array (a clone
// may share its backing array with the snapshot).
func without(s []*scheduler.PodInfo, p *scheduler.PodInfo) ([]*scheduler.PodInfo, bool) {
	for i, o := range s {
		if o.Pod.UID == p.Pod.UID {
			out := make([]*scheduler.PodInfo, 0, len(s)-1)
			return append(append(out, s[:i]...), s[i+1:]...), true
		}
	}
	return s, false
}
