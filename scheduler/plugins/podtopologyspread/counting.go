package podtopologyspread

import (
	"context"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

// count counts, for each constraint not skipped, the pods its selector
// matches per domain, over the nodes that count for it: nodes with its
// topology key (with requireAll, with every constraint's key) that pass
// its inclusion policies. Every domain of such a node has an entry, 0 if
// no pod matches. Per-node counts and domains come from memos, so only the
// nodes that changed since the last pod with the same selector are read.
func (pl *PodTopologySpread) count(ctx context.Context, pod *core.Pod, cs []constraint, nodes []*scheduler.NodeInfo, requireAll bool, skip func(j int) bool) []map[string]int {
	par := pl.h.Parallelizer()
	ids := make([][]int32, len(cs))
	names := make([][]string, len(cs))
	for j := range cs {
		ids[j], names[j] = pl.domains.Of(ctx, par, cs[j].topologyKey, nodes)
	}
	hasAll := func(i int) bool {
		for j := range ids {
			if ids[j][i] < 0 {
				return false
			}
		}
		return true
	}
	out := make([]map[string]int, len(cs))
	for j := range cs {
		if skip != nil && skip(j) {
			out[j] = map[string]int{}
			continue
		}
		c := &cs[j]
		counts := pl.nodeCounts(ctx, pod, c, nodes)
		perDomain := make([]int, len(names[j]))
		seen := make([]bool, len(names[j]))
		n := 0
		for i, node := range nodes {
			id := ids[j][i]
			if id < 0 || requireAll && !hasAll(i) || !c.includesNode(pod, node.Node) {
				continue
			}
			perDomain[id] += int(counts[i])
			if !seen[id] {
				seen[id] = true
				n++
			}
		}
		out[j] = make(map[string]int, n)
		for id, ok := range seen {
			if ok {
				out[j][names[j][id]] = perDomain[id]
			}
		}
	}
	return out
}

// countsKey names the memo entry of a constraint's per-node counts.
func countsKey(pod *core.Pod, c *constraint) string {
	return pod.Namespace + "\x00" + c.selector.String()
}

// nodeCounts returns the pods matching c on each node.
func (pl *PodTopologySpread) nodeCounts(ctx context.Context, pod *core.Pod, c *constraint, nodes []*scheduler.NodeInfo) []int32 {
	return pl.counts.Values(ctx, pl.h.Parallelizer(), countsKey(pod, c), nodes, func(n *scheduler.NodeInfo) int32 {
		return int32(countMatching(n.Pods, c.selector, pod.Namespace))
	})
}

// nodeCount returns the pods matching c (whose countsKey is key) on one
// node, remembered or not.
func (pl *PodTopologySpread) nodeCount(key string, pod *core.Pod, c *constraint, n *scheduler.NodeInfo) int {
	if v, ok := pl.counts.Lookup(key, n.Generation); ok {
		return int(v)
	}
	return countMatching(n.Pods, c.selector, pod.Namespace)
}
