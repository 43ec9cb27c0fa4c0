package authz

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/authn"
)

// benchPolicy is the default policy plus 500 namespaces each with a Role
// and a RoleBinding for its own user, 250 namespaces binding edit to a
// group, and 250 ClusterRoles bound cluster-wide to groups: over 1,000
// roles and bindings besides the defaults.
func benchPolicy() *RuleSet {
	var objs []meta.Object
	for i := range 500 {
		ns := fmt.Sprintf("ns-%d", i)
		objs = append(objs,
			role(ns, "app", r("get", "list", "watch").g("").res("pods", "configmaps").rule(), r("*").g("apps").res("deployments", "deployments/scale").rule()),
			rb(ns, "app", "Role", "app", userSubject(fmt.Sprintf("user-%d", i))))
	}
	for i := range 250 {
		objs = append(objs, rb(fmt.Sprintf("ns-%d", i), "team-edit", "ClusterRole", "edit", groupSubject(fmt.Sprintf("team-%d", i))))
		objs = append(objs,
			cr(fmt.Sprintf("crd-%d", i), nil, r(read...).g(fmt.Sprintf("g%d.example.com", i)).res("things").rule()),
			crb(fmt.Sprintf("crd-%d", i), fmt.Sprintf("crd-%d", i), groupSubject(fmt.Sprintf("readers-%d", i))))
	}
	return testPolicy(objs...)
}

// measure runs fn b.N times and reports, besides ns/op, the median and
// 99th percentile of the mean time per call over batches of 100 calls:
// reading the clock costs about 200ns on this class of machine, too much
// to time calls of a few hundred nanoseconds one by one.
func measure(b *testing.B, fn func(i int)) {
	b.Helper()
	const batch = 100
	var samples []float64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		n := min(batch, b.N-i)
		t0 := time.Now()
		for j := range n {
			fn(i + j)
		}
		if n == batch {
			samples = append(samples, float64(time.Since(t0).Nanoseconds())/batch)
		}
		i += n
	}
	b.StopTimer()
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	b.ReportMetric(samples[len(samples)/2], "median-ns")
	b.ReportMetric(samples[len(samples)*99/100], "p99-ns")
}

func BenchmarkRBACAuthorize(b *testing.B) {
	a := NewRBAC(benchPolicy())
	ctx := context.Background()
	users := make([]*authn.User, 500)
	for i := range users {
		users[i] = &authn.User{Name: fmt.Sprintf("user-%d", i),
			Groups: []string{fmt.Sprintf("team-%d", i%250), fmt.Sprintf("readers-%d", i%250), authn.AllAuthenticated}}
	}
	cases := []struct {
		name string
		req  func(i int) Attributes
		want Decision
	}{
		{"role-allow", func(i int) Attributes { return res("get", "", "pods", "", fmt.Sprint("ns-", i%500), "p") }, Allow},
		{"aggregated-edit-allow", func(i int) Attributes {
			return res("create", "", "pods", "exec", fmt.Sprint("ns-", i%250), "p")
		}, Allow},
		{"clusterrole-allow", func(i int) Attributes {
			return res("list", fmt.Sprintf("g%d.example.com", i%250), "things", "", "", "")
		}, Allow},
		{"deny", func(i int) Attributes { return res("delete", "", "nodes", "", "", "n") }, NoOpinion},
		{"discovery", func(i int) Attributes { return nonRes("get", "/apis/apps/v1") }, Allow},
	}
	for _, c := range cases {
		reqs := make([]Attributes, 1000)
		for i := range reqs {
			reqs[i] = c.req(i)
			reqs[i].User = users[i%500]
			if c.name == "aggregated-edit-allow" {
				reqs[i].User = users[i%250]
			}
		}
		if d, reason, _ := a.Authorize(ctx, reqs[0]); d != c.want {
			b.Fatalf("%s: %v %q, want %v", c.name, d, reason, c.want)
		}
		b.Run(c.name, func(b *testing.B) {
			measure(b, func(i int) { a.Authorize(ctx, reqs[i%len(reqs)]) })
		})
	}
}

func BenchmarkRBACIndexBuild(b *testing.B) {
	s := benchPolicy()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buildIndex(ctx, s, 0)
	}
}

func BenchmarkNodeAuthorize(b *testing.B) {
	g := NewNodeGraph()
	// 100 nodes, 100 pods each, each pod with its own secret and config map
	// and a shared image pull secret.
	for n := range 100 {
		for p := range 100 {
			pod := &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: fmt.Sprint("ns-", p%20), Name: fmt.Sprintf("pod-%d-%d", n, p)},
				Spec: core.PodSpec{NodeName: fmt.Sprint("node-", n), ImagePullSecrets: []core.LocalObjectReference{{Name: "pull"}},
					Volumes: []core.Volume{
						{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: fmt.Sprintf("s-%d-%d", n, p)}}},
						{Name: "c", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{LocalObjectReference: core.LocalObjectReference{Name: fmt.Sprintf("c-%d-%d", n, p)}}}},
					}}}
			g.Set(pod)
		}
	}
	a := NewNode(g)
	ctx := context.Background()
	reqs := make([]Attributes, 1000)
	for i := range reqs {
		n, p := i%100, i%100
		reqs[i] = res("get", "", "secrets", "", fmt.Sprint("ns-", p%20), fmt.Sprintf("s-%d-%d", n, p))
		reqs[i].User = nodeUser(fmt.Sprint("node-", n))
	}
	if d, reason, _ := a.Authorize(ctx, reqs[0]); d != Allow {
		b.Fatalf("%v %q", d, reason)
	}
	b.Run("secret", func(b *testing.B) {
		measure(b, func(i int) { a.Authorize(ctx, reqs[i%len(reqs)]) })
	})
}

func BenchmarkCheckEscalation(b *testing.B) {
	a := NewRBAC(benchPolicy())
	ctx := context.Background()
	u := &authn.User{Name: "user-1", Groups: []string{"team-1", authn.AllAuthenticated}}
	p := DefaultPolicy()
	var view []rbac.PolicyRule
	for _, c := range p.ClusterRoles {
		if c.Name == "system:aggregate-to-view" {
			view = c.Rules
		}
	}
	if err := a.CheckEscalation(ctx, u, view, "ns-1"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		a.CheckEscalation(ctx, u, view, "ns-1")
	}
}
