package core

import (
	"strconv"
	"time"

	"github.com/spar-dev/spar/api/meta"
)

// GetPodCondition returns the pod condition of type t, or nil. The result
// points into status, so setting its fields changes status.
func GetPodCondition(status *PodStatus, t PodConditionType) *PodCondition {
	for i := range status.Conditions {
		if status.Conditions[i].Type == t {
			return &status.Conditions[i]
		}
	}
	return nil
}

// SetPodCondition adds or replaces the condition of c.Type and reports
// whether anything changed. LastTransitionTime is kept while the status
// stays the same and set to now (unless c carries one) when it changes, as
// the kubelet and scheduler do.
func SetPodCondition(status *PodStatus, c PodCondition) bool {
	old := GetPodCondition(status, c.Type)
	if old == nil {
		if c.LastTransitionTime.IsZero() {
			c.LastTransitionTime = meta.Now()
		}
		status.Conditions = append(status.Conditions, c)
		return true
	}
	if c.Status == old.Status {
		c.LastTransitionTime = old.LastTransitionTime
	} else if c.LastTransitionTime.IsZero() {
		c.LastTransitionTime = meta.Now()
	}
	changed := c.Status != old.Status || c.Reason != old.Reason || c.Message != old.Message ||
		c.ObservedGeneration != old.ObservedGeneration ||
		!c.LastProbeTime.Equal(old.LastProbeTime) || !c.LastTransitionTime.Equal(old.LastTransitionTime)
	*old = c
	return changed
}

// IsPodReady reports whether the pod's Ready condition is True.
func IsPodReady(pod *Pod) bool {
	c := GetPodCondition(&pod.Status, PodReady)
	return c != nil && c.Status == ConditionTrue
}

// IsPodAvailable reports whether the pod is ready and, unless
// minReadySeconds is 0, has been ready for more than minReadySeconds at now
// (how Deployments and ReplicaSets count available replicas).
func IsPodAvailable(pod *Pod, minReadySeconds int32, now time.Time) bool {
	c := GetPodCondition(&pod.Status, PodReady)
	if c == nil || c.Status != ConditionTrue {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	min := time.Duration(minReadySeconds) * time.Second
	return !c.LastTransitionTime.IsZero() && c.LastTransitionTime.Add(min).Before(now)
}

// IsPodTerminal reports whether the pod reached phase Succeeded or Failed;
// such a pod never runs again.
func IsPodTerminal(pod *Pod) bool {
	return pod.Status.Phase == PodSucceeded || pod.Status.Phase == PodFailed
}

// IsRestartableInitContainer reports whether c is a sidecar: an init
// container with restartPolicy Always, which keeps running alongside the
// regular containers.
func IsRestartableInitContainer(c *Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == ContainerRestartPolicyAlways
}

// GetNodeCondition returns the node condition of type t, or nil. The result
// points into status.
func GetNodeCondition(status *NodeStatus, t NodeConditionType) *NodeCondition {
	for i := range status.Conditions {
		if status.Conditions[i].Type == t {
			return &status.Conditions[i]
		}
	}
	return nil
}

// Ready reports whether the node's Ready condition is True.
func (n *Node) Ready() bool {
	c := GetNodeCondition(&n.Status, NodeReady)
	return c != nil && c.Status == ConditionTrue
}

// InternalIP returns the node's first InternalIP address, or "".
func (n *Node) InternalIP() string {
	for _, a := range n.Status.Addresses {
		if a.Type == NodeInternalIP {
			return a.Address
		}
	}
	return ""
}

// MatchTaint reports whether t and other have the same key and effect;
// a node has at most one taint per key and effect.
func (t *Taint) MatchTaint(other *Taint) bool {
	return t.Key == other.Key && t.Effect == other.Effect
}

// String formats the taint as kubectl does: key=value:effect, omitting the
// value and effect when empty.
func (t *Taint) String() string {
	s := t.Key
	if t.Value != "" {
		s += "=" + t.Value
	}
	if t.Effect != "" || t.Value != "" {
		s += ":" + string(t.Effect)
	}
	return s
}

// ToleratesTaint reports whether the toleration tolerates taint:
//   - an empty effect matches every effect, otherwise effects must be equal;
//   - an empty key matches every key (with operator Exists);
//   - Exists matches any value, Equal (or empty) an equal value, and Lt/Gt
//     compare the values as decimal integers (taint value < or > the
//     toleration's), failing when either does not parse.
func (t *Toleration) ToleratesTaint(taint *Taint) bool {
	if t.Effect != "" && t.Effect != taint.Effect {
		return false
	}
	if t.Key != "" && t.Key != taint.Key {
		return false
	}
	switch t.Operator {
	case "", TolerationOpEqual:
		return t.Value == taint.Value
	case TolerationOpExists:
		return true
	case TolerationOpLt, TolerationOpGt:
		tol, ok1 := parseDecimal(t.Value)
		val, ok2 := parseDecimal(taint.Value)
		if !ok1 || !ok2 {
			return false
		}
		if t.Operator == TolerationOpLt {
			return val < tol
		}
		return val > tol
	}
	return false
}

// parseDecimal parses a canonical decimal integer: optional '-', no '+', no
// leading zeros.
func parseDecimal(s string) (int64, bool) {
	digits := s
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if digits == "" || (len(digits) > 1 && digits[0] == '0') || digits[0] == '+' {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// TolerationsTolerateTaint reports whether any of tolerations tolerates taint.
func TolerationsTolerateTaint(tolerations []Toleration, taint *Taint) bool {
	for i := range tolerations {
		if tolerations[i].ToleratesTaint(taint) {
			return true
		}
	}
	return false
}

// FindUntoleratedTaint returns the first taint with an effect accepted by
// include that none of tolerations tolerates. A nil include accepts every
// effect. The scheduler uses it with NoSchedule and NoExecute.
func FindUntoleratedTaint(taints []Taint, tolerations []Toleration, include func(TaintEffect) bool) (*Taint, bool) {
	for i := range taints {
		t := &taints[i]
		if include != nil && !include(t.Effect) {
			continue
		}
		if !TolerationsTolerateTaint(tolerations, t) {
			return t, true
		}
	}
	return nil, false
}
