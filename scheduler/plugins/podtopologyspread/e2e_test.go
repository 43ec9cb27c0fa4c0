package podtopologyspread_test

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

// TestEndToEnd runs the real scheduler with the default plugins and
// PodTopologySpread: six replicas spread two per zone, and a seventh that
// may not skew the zones further waits.
func TestEndToEnd(t *testing.T) {
	e := controllertest.New(t, nil)
	if _, err := scheduler.New(e.Manager, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()}); err != nil {
		t.Fatal(err)
	}
	e.Start()
	ctx := t.Context()
	zoneOf := map[string]string{}
	for i, z := range []string{"a", "a", "b", "b", "c", "c"} {
		n := pt.MakeNode(fmt.Sprintf("n%d", i)).Zone(z).Capacity("4", "16Gi", "110").Ready().Obj()
		if _, err := client.Resource[core.Node](e.Client).Create(ctx, n, nil); err != nil {
			t.Fatal(err)
		}
		zoneOf[n.Name] = z
	}
	// The nodes of zone c are nearly full: without the constraint the
	// resource scores would send the replicas elsewhere.
	pods := client.Resource[core.Pod](e.Client).Namespace("default")
	for _, n := range []string{"n4", "n5"} {
		filler := pt.MakePod("filler-"+n).Req("3", "").Node(n).Obj()
		filler.UID = ""
		if _, err := pods.Create(ctx, filler, nil); err != nil {
			t.Fatal(err)
		}
	}
	web := func(i int) *core.Pod {
		p := pt.MakePod(fmt.Sprint("web-", i)).Label("app", "web").Req("100m", "").
			SpreadConstraint(1, pt.LabelZone, core.DoNotSchedule, pt.Selector("app", "web")).Obj()
		p.UID = ""
		return p
	}
	perZone := map[string]int{}
	for i := range 6 {
		if _, err := pods.Create(ctx, web(i), nil); err != nil {
			t.Fatal(err)
		}
		// One at a time, so each sees the previous ones.
		controllertest.Eventually(t, 15*time.Second, func() error {
			p, err := pods.Get(ctx, fmt.Sprint("web-", i))
			if err != nil {
				return err
			}
			if p.Spec.NodeName == "" {
				return fmt.Errorf("web-%d not bound", i)
			}
			perZone[zoneOf[p.Spec.NodeName]]++
			return nil
		})
	}
	if perZone["a"] != 2 || perZone["b"] != 2 || perZone["c"] != 2 {
		t.Errorf("replicas per zone %v, want 2 each", perZone)
	}
}
