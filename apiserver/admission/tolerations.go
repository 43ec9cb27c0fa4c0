package admission

import (
	"context"

	"github.com/spar-dev/spar/api/core"
)

// DefaultTolerationSeconds gives pods that do not say otherwise 300
// seconds on a node that is not ready or unreachable before the node
// lifecycle controller evicts them, by adding NoExecute tolerations for
// node.kubernetes.io/not-ready and node.kubernetes.io/unreachable.
type DefaultTolerationSeconds struct {
	// NotReadySeconds and UnreachableSeconds default to 300.
	NotReadySeconds, UnreachableSeconds int64
}

func newDefaultTolerationSeconds(Deps) (Plugin, error) {
	return &DefaultTolerationSeconds{NotReadySeconds: 300, UnreachableSeconds: 300}, nil
}

// Name implements Plugin.
func (*DefaultTolerationSeconds) Name() string { return DefaultTolerationSecondsName }

// Admit implements Mutator.
func (p *DefaultTolerationSeconds) Admit(_ context.Context, a *Attributes) error {
	if a.Group != "" || a.Resource != "pods" || a.Subresource != "" || (a.Operation != Create && a.Operation != Update) {
		return nil
	}
	pod, ok := a.Object.(*core.Pod)
	if !ok {
		return typeError(a, "*core.Pod")
	}
	// A toleration with an empty key (all taints) or an empty effect (all
	// effects) already covers a taint.
	covers := func(key string) bool {
		for _, t := range pod.Spec.Tolerations {
			if (t.Key == key || t.Key == "") && (t.Effect == core.TaintEffectNoExecute || t.Effect == "") {
				return true
			}
		}
		return false
	}
	for _, d := range []struct {
		key     string
		seconds int64
	}{{core.TaintNodeNotReady, p.NotReadySeconds}, {core.TaintNodeUnreachable, p.UnreachableSeconds}} {
		if !covers(d.key) {
			pod.Spec.Tolerations = append(pod.Spec.Tolerations, core.Toleration{Key: d.key, Operator: core.TolerationOpExists,
				Effect: core.TaintEffectNoExecute, TolerationSeconds: new(d.seconds)})
		}
	}
	return nil
}
