package volumebinding_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/api/storage"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/scheduler/plugins/volumebinding"
)

// TestEndToEnd runs the real scheduler with the default plugins and
// VolumeBinding: a pod whose WaitForFirstConsumer claim has a volume only
// in zone b goes to zone b, and the claim ends up bound to that volume.
func TestEndToEnd(t *testing.T) {
	e := controllertest.New(t, nil)
	if _, err := scheduler.New(e.Manager, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()}); err != nil {
		t.Fatal(err)
	}
	e.Start()
	ctx := t.Context()
	for _, z := range []string{"a", "b"} {
		n := pt.MakeNode("node-"+z).Zone(z).Capacity("4", "16Gi", "110").Ready().Obj()
		if _, err := client.Resource[core.Node](e.Client).Create(ctx, n, nil); err != nil {
			t.Fatal(err)
		}
	}
	createClass(t, e.Client, "zonal")
	createVolume(t, e.Client, "disk-b", "zonal", "b", core.PersistentVolumeSource{HostPath: &core.HostPathVolumeSource{Path: "/disk"}})
	createClaim(t, e.Client, "data", "zonal")
	p := pt.MakePod("db").PVC("data").Req("100m", "").Obj()
	p.UID = ""
	pods := client.Resource[core.Pod](e.Client).Namespace("default")
	if _, err := pods.Create(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, 15*time.Second, func() error {
		p, err := pods.Get(ctx, "db")
		if err != nil {
			return err
		}
		if p.Spec.NodeName == "" {
			return fmt.Errorf("db not bound")
		}
		if p.Spec.NodeName != "node-b" {
			t.Fatalf("db bound to %s, want node-b", p.Spec.NodeName)
		}
		return nil
	})
	c, err := client.Resource[core.PersistentVolumeClaim](e.Client).Namespace("default").Get(ctx, "data")
	if err != nil {
		t.Fatal(err)
	}
	if c.Spec.VolumeName != "disk-b" || c.Status.Phase != core.ClaimBound {
		t.Errorf("claim: volumeName %q, phase %q; want disk-b, Bound", c.Spec.VolumeName, c.Status.Phase)
	}
}

// A pod rejected for its volumes is retried as soon as a claim or a
// volume that can help appears: the scheduler feeds claim and volume
// events to its queue (VolumeBinding asks for them), instead of leaving
// the pod to the unschedulable pods' five-minute flush.
func TestVolumeEventsRequeue(t *testing.T) {
	e := controllertest.New(t, nil)
	// Short backoffs; the pods still wait for the events (or for the
	// unschedulable pods' five-minute flush, beyond the test's deadlines).
	if _, err := scheduler.New(e.Manager, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults(),
		Queue: scheduler.QueueOptions{InitialBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	e.Start()
	ctx := t.Context()
	n := pt.MakeNode("node-a").Zone("a").Capacity("4", "16Gi", "110").Ready().Obj()
	if _, err := client.Resource[core.Node](e.Client).Create(ctx, n, nil); err != nil {
		t.Fatal(err)
	}
	createClass(t, e.Client, "local")
	pods := client.Resource[core.Pod](e.Client).Namespace("default")
	p := pt.MakePod("db").PVC("data").Req("100m", "").Obj()
	p.UID = ""
	if _, err := pods.Create(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	waitMessage := func(want string) {
		t.Helper()
		controllertest.Eventually(t, 15*time.Second, func() error {
			p, err := pods.Get(ctx, "db")
			if err != nil {
				return err
			}
			c := core.GetPodCondition(&p.Status, core.PodScheduled)
			if c == nil || !strings.HasPrefix(c.Message, want) {
				return fmt.Errorf("PodScheduled %+v, want a message starting %q", c, want)
			}
			return nil
		})
	}
	waitMessage(`0/1 nodes are available: persistentvolumeclaim "data" not found.`)

	// The claim appears: the pod is retried, and now waits for a volume.
	createClaim(t, e.Client, "data", "local")
	waitMessage("0/1 nodes are available: 1 node(s) didn't find available persistent volumes to bind.")

	// A volume appears: the pod is retried and bound.
	createVolume(t, e.Client, "disk-a", "local", "a", core.PersistentVolumeSource{Local: &core.LocalVolumeSource{Path: "/mnt/disk"}})
	controllertest.Eventually(t, 15*time.Second, func() error {
		p, err := pods.Get(ctx, "db")
		if err != nil {
			return err
		}
		if p.Spec.NodeName != "node-a" {
			return fmt.Errorf("db on %q, want node-a", p.Spec.NodeName)
		}
		return nil
	})
}

// createClass creates a WaitForFirstConsumer StorageClass without a
// provisioner.
func createClass(t *testing.T, c *client.Client, name string) {
	t.Helper()
	wffc := storage.VolumeBindingWaitForFirstConsumer
	if _, err := client.Resource[storage.StorageClass](c).Create(t.Context(), &storage.StorageClass{ObjectMeta: meta.ObjectMeta{Name: name},
		Provisioner: volumebinding.NotSupportedProvisioner, VolumeBindingMode: &wffc}, nil); err != nil {
		t.Fatal(err)
	}
}

// createVolume creates a 10Gi ReadWriteOnce volume of class reachable from
// the nodes of zone.
func createVolume(t *testing.T, c *client.Client, name, class, zone string, src core.PersistentVolumeSource) {
	t.Helper()
	if _, err := client.Resource[core.PersistentVolume](c).Create(t.Context(), &core.PersistentVolume{
		ObjectMeta: meta.ObjectMeta{Name: name},
		Spec: core.PersistentVolumeSpec{
			Capacity:               core.ResourceList{core.ResourceStorage: resource.MustParse("10Gi")},
			AccessModes:            []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
			StorageClassName:       class,
			PersistentVolumeSource: src,
			NodeAffinity: &core.VolumeNodeAffinity{Required: &core.NodeSelector{NodeSelectorTerms: []core.NodeSelectorTerm{{
				MatchExpressions: []core.NodeSelectorRequirement{{Key: pt.LabelZone, Operator: core.NodeSelectorOpIn, Values: []string{zone}}}}}}},
		}}, nil); err != nil {
		t.Fatal(err)
	}
}

// createClaim creates a 1Gi ReadWriteOnce claim of class in "default".
func createClaim(t *testing.T, c *client.Client, name, class string) {
	t.Helper()
	if _, err := client.Resource[core.PersistentVolumeClaim](c).Namespace("default").Create(t.Context(), &core.PersistentVolumeClaim{
		ObjectMeta: meta.ObjectMeta{Name: name},
		Spec: core.PersistentVolumeClaimSpec{StorageClassName: &class, AccessModes: []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
			Resources: core.VolumeResourceRequirements{Requests: core.ResourceList{core.ResourceStorage: resource.MustParse("1Gi")}}},
	}, nil); err != nil {
		t.Fatal(err)
	}
}
