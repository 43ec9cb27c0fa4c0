package core

import "testing"

func TestNodeSelectorMatches(t *testing.T) {
	node := &Node{}
	node.Name = "n1"
	node.Labels = map[string]string{"zone": "a", "cpus": "8"}
	req := func(k string, op NodeSelectorOperator, vs ...string) NodeSelectorRequirement {
		return NodeSelectorRequirement{Key: k, Operator: op, Values: vs}
	}
	tests := []struct {
		name string
		sel  *NodeSelector
		want bool
	}{
		{"nil matches", nil, true},
		{"no terms match nothing", &NodeSelector{}, false},
		{"empty term matches nothing", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{}}}, false},
		{"in", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{MatchExpressions: []NodeSelectorRequirement{req("zone", NodeSelectorOpIn, "a", "b")}}}}, true},
		{"notin absent", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{MatchExpressions: []NodeSelectorRequirement{req("gpu", NodeSelectorOpNotIn, "x")}}}}, true},
		{"exists", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{MatchExpressions: []NodeSelectorRequirement{req("zone", NodeSelectorOpExists)}}}}, true},
		{"does not exist", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{MatchExpressions: []NodeSelectorRequirement{req("zone", NodeSelectorOpDoesNotExist)}}}}, false},
		{"gt", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{MatchExpressions: []NodeSelectorRequirement{req("cpus", NodeSelectorOpGt, "4")}}}}, true},
		{"lt", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{MatchExpressions: []NodeSelectorRequirement{req("cpus", NodeSelectorOpLt, "4")}}}}, false},
		{"gt non-number", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{MatchExpressions: []NodeSelectorRequirement{req("zone", NodeSelectorOpGt, "4")}}}}, false},
		{"fields", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{MatchFields: []NodeSelectorRequirement{req("metadata.name", NodeSelectorOpIn, "n1")}}}}, true},
		{"terms are ORed", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{
			{MatchExpressions: []NodeSelectorRequirement{req("zone", NodeSelectorOpIn, "b")}},
			{MatchExpressions: []NodeSelectorRequirement{req("zone", NodeSelectorOpIn, "a")}}}}, true},
		{"requirements are ANDed", &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{MatchExpressions: []NodeSelectorRequirement{
			req("zone", NodeSelectorOpIn, "a"), req("cpus", NodeSelectorOpIn, "4")}}}}, false},
	}
	for _, tt := range tests {
		if got := tt.sel.Matches(node); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
