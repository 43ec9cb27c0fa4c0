package resourcequota_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/apiserver/admission/quota"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/resourcequota"
)

func rl(pairs ...string) core.ResourceList {
	l := core.ResourceList{}
	for i := 0; i < len(pairs); i += 2 {
		l[core.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return l
}

func pod(name string, mutate func(p *core.Pod)) *core.Pod {
	p := &core.Pod{ObjectMeta: meta.ObjectMeta{Name: name}, Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "x"}}}}
	if mutate != nil {
		mutate(p)
	}
	return p
}

// waitUsed waits until the quota's status.used prints as want.
func waitUsed(t *testing.T, c *client.Client, ns, name, want string) {
	t.Helper()
	controllertest.Eventually(t, 10*time.Second, func() error {
		q, err := client.Resource[core.ResourceQuota](c).Namespace(ns).Get(context.Background(), name)
		if err != nil {
			return err
		}
		if got := quota.Format(q.Status.Used); got != want || !quota.Equals(q.Status.Hard, q.Spec.Hard) {
			return fmt.Errorf("status = hard %s, used %s; want used %s", quota.Format(q.Status.Hard), got, want)
		}
		return nil
	})
}

func TestCountsAndReplenishes(t *testing.T) {
	env := controllertest.New(t, nil)
	if err := resourcequota.Add(env.Manager, &resourcequota.Options{ResyncPeriod: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx, c := context.Background(), env.Client
	pods := client.Resource[core.Pod](c).Namespace("default")
	for _, p := range []*core.Pod{
		pod("a", func(p *core.Pod) { p.Spec.Containers[0].Resources.Requests = rl("cpu", "250m", "memory", "1Gi") }),
		pod("b", nil),
		pod("done", func(p *core.Pod) { p.Spec.Containers[0].Resources.Requests = rl("cpu", "4") }),
	} {
		if _, err := pods.Create(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	done, _ := pods.Get(ctx, "done")
	done.Status.Phase = core.PodSucceeded
	if _, err := pods.UpdateStatus(ctx, done, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[core.Service](c).Namespace("default").Create(ctx, &core.Service{ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: core.ServiceSpec{Type: core.ServiceTypeNodePort, Ports: []core.ServicePort{{Port: 80}}}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[apps.Deployment](c).Namespace("default").Create(ctx, &apps.Deployment{ObjectMeta: meta.ObjectMeta{Name: "d"},
		Spec: apps.DeploymentSpec{Selector: &meta.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
			Template: core.PodTemplateSpec{ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"a": "b"}},
				Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "x"}}}}}}, nil); err != nil {
		t.Fatal(err)
	}

	quotas := client.Resource[core.ResourceQuota](c).Namespace("default")
	for _, q := range []*core.ResourceQuota{
		{ObjectMeta: meta.ObjectMeta{Name: "all"}, Spec: core.ResourceQuotaSpec{Hard: rl("pods", "10", "count/pods", "10",
			"requests.cpu", "8", "requests.memory", "8Gi", "services.nodeports", "5", "count/deployments.apps", "3", "resourcequotas", "4")}},
		{ObjectMeta: meta.ObjectMeta{Name: "besteffort"}, Spec: core.ResourceQuotaSpec{Hard: rl("pods", "10"),
			Scopes: []core.ResourceQuotaScope{core.ResourceQuotaScopeBestEffort}}},
	} {
		if _, err := quotas.Create(ctx, q, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitUsed(t, c, "default", "all", "count/deployments.apps=1,count/pods=3,pods=2,requests.cpu=250m,requests.memory=1Gi,resourcequotas=2,services.nodeports=1")
	waitUsed(t, c, "default", "besteffort", "pods=1")

	// A deleted pod is given back at once.
	if err := pods.Delete(ctx, "a", &meta.DeleteOptions{GracePeriodSeconds: new(int64(0))}); err != nil {
		t.Fatal(err)
	}
	waitUsed(t, c, "default", "all", "count/deployments.apps=1,count/pods=2,pods=1,requests.cpu=0,requests.memory=0,resourcequotas=2,services.nodeports=1")

	// Drift (usage charged for an object never stored) is repaired by the
	// periodic recount.
	q, _ := quotas.Get(ctx, "besteffort")
	q.Status.Used = rl("pods", "9")
	if _, err := quotas.UpdateStatus(ctx, q, nil); err != nil {
		t.Fatal(err)
	}
	waitUsed(t, c, "default", "besteffort", "pods=1")

	// A changed spec is synced.
	q, _ = quotas.Get(ctx, "besteffort")
	q.Spec.Hard = rl("pods", "10", "count/pods", "10")
	if _, err := quotas.Update(ctx, q, nil); err != nil {
		t.Fatal(err)
	}
	waitUsed(t, c, "default", "besteffort", "count/pods=1,pods=1")
}
