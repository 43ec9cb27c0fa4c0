package schedulinggates_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// TestEndToEnd runs the real scheduler with the default plugins: a gated
// pod waits while a pod created after it is bound, and is bound once its
// gates are removed.
func TestEndToEnd(t *testing.T) {
	e := controllertest.New(t, nil)
	if _, err := scheduler.New(e.Manager, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()}); err != nil {
		t.Fatal(err)
	}
	e.Start()
	ctx := t.Context()
	n := pt.MakeNode("n1").Capacity("4", "16Gi", "110").Ready().Obj()
	if _, err := client.Resource[core.Node](e.Client).Create(ctx, n, nil); err != nil {
		t.Fatal(err)
	}
	pods := client.Resource[core.Pod](e.Client).Namespace("default")
	for _, w := range []*pt.PodWrapper{pt.MakePod("gated").SchedulingGates("example.com/quota", "example.com/ready"), pt.MakePod("plain")} {
		p := w.Req("100m", "").Obj()
		p.UID = ""
		if _, err := pods.Create(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	bound := func(name string) error {
		p, err := pods.Get(ctx, name)
		if err != nil {
			return err
		}
		if p.Spec.NodeName == "" {
			return fmt.Errorf("%s not bound", name)
		}
		return nil
	}
	controllertest.Eventually(t, 15*time.Second, func() error { return bound("plain") })
	if err := bound("gated"); err == nil {
		t.Fatal("the gated pod was bound")
	}

	// Gates are removed one by one, as their controllers finish.
	for range 2 {
		p, err := pods.Get(ctx, "gated")
		if err != nil {
			t.Fatal(err)
		}
		p.Spec.SchedulingGates = p.Spec.SchedulingGates[1:]
		if _, err := pods.Update(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	controllertest.Eventually(t, 15*time.Second, func() error { return bound("gated") })
}
