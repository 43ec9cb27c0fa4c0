package defaultpreemption_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// TestEndToEnd runs the real scheduler with the default plugins and
// DefaultPreemption: a high-priority pod evicts the low-priority pod on
// the only node, is nominated to it, and is bound once the victim is gone
// (the test plays the kubelet that finishes the victim's deletion).
func TestEndToEnd(t *testing.T) {
	e := controllertest.New(t, nil)
	if _, err := scheduler.New(e.Manager, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults(),
		Queue: scheduler.QueueOptions{InitialBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	e.Start()
	ctx := t.Context()
	pods := client.Resource[core.Pod](e.Client).Namespace("default")
	for _, v := range []int32{1, 100} {
		if _, err := client.Resource[scheduling.PriorityClass](e.Client).Create(ctx,
			&scheduling.PriorityClass{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprint("p", v)}, Value: v}, nil); err != nil {
			t.Fatal(err)
		}
	}
	n := pt.MakeNode("n1").Capacity("4", "16Gi", "110").Ready().Obj()
	if _, err := client.Resource[core.Node](e.Client).Create(ctx, n, nil); err != nil {
		t.Fatal(err)
	}
	create := func(name string, prio int32) {
		p := pt.MakePod(name).Priority(prio).Req("3", "").Obj()
		p.UID, p.Spec.PriorityClassName = "", fmt.Sprint("p", prio)
		if _, err := pods.Create(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitFor := func(name string, cond func(*core.Pod) error) {
		t.Helper()
		controllertest.Eventually(t, 15*time.Second, func() error {
			p, err := pods.Get(ctx, name)
			if err != nil {
				return err
			}
			return cond(p)
		})
	}
	bound := func(p *core.Pod) error {
		if p.Spec.NodeName == "" {
			return fmt.Errorf("%s not bound", p.Name)
		}
		return nil
	}

	create("low", 1)
	waitFor("low", bound)
	create("high", 100)
	waitFor("high", func(p *core.Pod) error {
		if p.Status.NominatedNodeName != "n1" {
			return fmt.Errorf("high: nominatedNodeName %q", p.Status.NominatedNodeName)
		}
		return nil
	})
	var victim *core.Pod
	waitFor("low", func(p *core.Pod) error {
		if p.DeletionTimestamp == nil {
			return fmt.Errorf("low is not being deleted")
		}
		victim = p
		return nil
	})
	if c := core.GetPodCondition(&victim.Status, core.DisruptionTarget); c == nil || c.Reason != core.PodReasonPreemptionByScheduler {
		t.Errorf("low's DisruptionTarget condition: %+v", c)
	}
	// The kubelet stops the victim and deletes it for good.
	zero := int64(0)
	if err := pods.Delete(ctx, "low", &meta.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		t.Fatal(err)
	}
	waitFor("high", bound)
}
