package scheduler

import (
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// The nominator follows status.nominatedNodeName on pod updates, and keeps
// the scheduler's own nomination through updates that carry none yet.
func TestNominatorFollowsPodUpdates(t *testing.T) {
	pod := func(nnn string) *core.Pod {
		return &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "p", UID: "uid-p"},
			Status: core.PodStatus{NominatedNodeName: nnn}}
	}
	where := func(n *nominator) string {
		for node, pods := range n.byNode {
			for _, pi := range pods {
				if pi.Pod.UID == "uid-p" {
					return node
				}
			}
		}
		return ""
	}
	tests := []struct {
		name     string
		own      string // nominated by the scheduler first ("" for none)
		old, new string // status.nominatedNodeName before and after
		want     string
	}{
		{"nomination added", "", "", "n1", "n1"},
		{"nomination moved", "n1", "n1", "n2", "n2"},
		{"nomination cleared through the API", "n1", "n1", "", ""},
		{"own nomination kept while its write is in flight", "n1", "", "", "n1"},
		{"no nomination at all", "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := newNominator()
			if tc.own != "" {
				n.add(NewPodInfo(pod(tc.own)), tc.own)
			}
			n.update(pod(tc.old), pod(tc.new))
			if got := where(n); got != tc.want {
				t.Errorf("nominated to %q, want %q", got, tc.want)
			}
			if got, want := n.count.Load(), int64(len(n.nodeOf)); got != want {
				t.Errorf("count %d, want %d", got, want)
			}
			if tc.want != "" && len(n.forNode(tc.want)) != 1 {
				t.Errorf("forNode(%s) = %v", tc.want, n.forNode(tc.want))
			}
		})
	}
}
