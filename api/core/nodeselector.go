package core

import (
	"slices"
	"strconv"
)

// Matches reports whether node satisfies the selector: any term (terms
// are ORed). A nil selector matches every node; one with no terms matches
// none, as Kubernetes evaluates required node affinity.
func (s *NodeSelector) Matches(node *Node) bool {
	if s == nil {
		return true
	}
	for i := range s.NodeSelectorTerms {
		if s.NodeSelectorTerms[i].Matches(node) {
			return true
		}
	}
	return false
}

// Matches reports whether node satisfies every requirement of the term. A
// term with no requirements matches nothing.
func (t *NodeSelectorTerm) Matches(node *Node) bool {
	if len(t.MatchExpressions) == 0 && len(t.MatchFields) == 0 {
		return false
	}
	for i := range t.MatchExpressions {
		r := &t.MatchExpressions[i]
		v, ok := node.Labels[r.Key]
		if !r.matches(v, ok) {
			return false
		}
	}
	for i := range t.MatchFields {
		r := &t.MatchFields[i]
		// metadata.name is the only field Kubernetes supports here.
		if r.Key != "metadata.name" || !r.matches(node.Name, true) {
			return false
		}
	}
	return true
}

// matches evaluates one requirement against a value (present or not).
func (r *NodeSelectorRequirement) matches(v string, present bool) bool {
	switch r.Operator {
	case NodeSelectorOpIn:
		return present && slices.Contains(r.Values, v)
	case NodeSelectorOpNotIn:
		return !present || !slices.Contains(r.Values, v)
	case NodeSelectorOpExists:
		return present
	case NodeSelectorOpDoesNotExist:
		return !present
	case NodeSelectorOpGt, NodeSelectorOpLt:
		if !present || len(r.Values) != 1 {
			return false
		}
		have, err1 := strconv.ParseInt(v, 10, 64)
		want, err2 := strconv.ParseInt(r.Values[0], 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		if r.Operator == NodeSelectorOpGt {
			return have > want
		}
		return have < want
	}
	return false
}

// MatchesNodeSelectorAndAffinity reports whether node satisfies pod's
// spec.nodeSelector and required node affinity: the node constraint the
// scheduler's NodeAffinity plugin enforces.
func MatchesNodeSelectorAndAffinity(pod *Pod, node *Node) bool {
	for k, v := range pod.Spec.NodeSelector {
		if lv, ok := node.Labels[k]; !ok || lv != v {
			return false
		}
	}
	if a := pod.Spec.Affinity; a != nil && a.NodeAffinity != nil {
		return a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.Matches(node)
	}
	return true
}
