package interpodaffinity_test

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
// InterPodAffinity: replicas with hostname anti-affinity take a node each
// and the one too many waits with Kubernetes' message; a pod with affinity
// to the database joins its zone.
func TestEndToEnd(t *testing.T) {
	e := controllertest.New(t, nil)
	if _, err := scheduler.New(e.Manager, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()}); err != nil {
		t.Fatal(err)
	}
	e.Start()
	ctx := t.Context()
	zoneOf := map[string]string{}
	for i, z := range []string{"a", "b", "c"} {
		n := pt.MakeNode(fmt.Sprintf("n%d", i)).Zone(z).Capacity("4", "16Gi", "110").Ready().Obj()
		if _, err := client.Resource[core.Node](e.Client).Create(ctx, n, nil); err != nil {
			t.Fatal(err)
		}
		zoneOf[n.Name] = z
	}
	pods := client.Resource[core.Pod](e.Client).Namespace("default")
	create := func(w *pt.PodWrapper) {
		p := w.Req("100m", "").Obj()
		p.UID = ""
		if _, err := pods.Create(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	nodeOf := func(name string) string {
		var node string
		controllertest.Eventually(t, 15*time.Second, func() error {
			p, err := pods.Get(ctx, name)
			if err != nil {
				return err
			}
			if node = p.Spec.NodeName; node == "" {
				return fmt.Errorf("%s not bound", name)
			}
			return nil
		})
		return node
	}
	used := map[string]bool{}
	for i := range 3 {
		name := fmt.Sprint("cache-", i)
		create(pt.MakePod(name).Label("app", "cache").PodAntiAffinity(pt.Term(pt.LabelHostname, "app", "cache")))
		n := nodeOf(name)
		if used[n] {
			t.Errorf("%s shares %s with another replica", name, n)
		}
		used[n] = true
	}
	create(pt.MakePod("cache-3").Label("app", "cache").PodAntiAffinity(pt.Term(pt.LabelHostname, "app", "cache")))
	controllertest.Eventually(t, 15*time.Second, func() error {
		p, err := pods.Get(ctx, "cache-3")
		if err != nil {
			return err
		}
		// Preemption cannot help: the replicas have the same priority.
		want := "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. " +
			"preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
		if c := core.GetPodCondition(&p.Status, core.PodScheduled); c == nil || c.Message != want {
			return fmt.Errorf("cache-3: condition %+v, want message %q", c, want)
		}
		return nil
	})

	create(pt.MakePod("db").Label("app", "db").NodeSelector(map[string]string{pt.LabelZone: "b"}))
	nodeOf("db")
	create(pt.MakePod("api").PodAffinity(pt.Term(pt.LabelZone, "app", "db")))
	if z := zoneOf[nodeOf("api")]; z != "b" {
		t.Errorf("api went to zone %s, want the database's zone b", z)
	}
}
