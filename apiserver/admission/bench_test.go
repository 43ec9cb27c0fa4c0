package admission_test

import (
	"context"
	"testing"

	ar "github.com/spar-dev/spar/api/admissionregistration"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/apiserver/admission"
)

// BenchmarkDefaultChainPodCreate measures the default chain on a pod
// create, over in-memory listers (as an API server's caches): a
// restricted namespace, a LimitRange, a quota (reserved in memory) and no
// webhooks.
func BenchmarkDefaultChainPodCreate(b *testing.B) {
	quotas := newMemQuotas(synced("dev", "q", rl("pods", "1000000000", "requests.cpu", "1000000"), rl("pods", "0", "requests.cpu", "0")))
	c, err := admission.New(admission.DefaultPlugins, admission.Deps{
		Namespaces:      lister(namespace("dev", map[string]string{"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted"})),
		ServiceAccounts: lister(&core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "default"}}),
		LimitRanges: lister(&core.LimitRange{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "l"}, Spec: core.LimitRangeSpec{Limits: []core.LimitRangeItem{
			{Type: core.LimitTypeContainer, Default: rl("cpu", "500m"), DefaultRequest: rl("cpu", "100m"), Max: rl("cpu", "2")}}}}),
		ResourceQuotas:     quotas.lister(),
		Quotas:             quotas,
		Pods:               lister[core.Pod](),
		PriorityClasses:    lister[scheduling.PriorityClass](),
		MutatingWebhooks:   lister[ar.MutatingWebhookConfiguration](),
		ValidatingWebhooks: lister[ar.ValidatingWebhookConfiguration](),
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		a := attrs(admission.Create, newPod("dev", "web", nil), nil)
		if err := c.Admit(ctx, a); err != nil {
			b.Fatal(err)
		}
		if err := c.Validate(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
}
