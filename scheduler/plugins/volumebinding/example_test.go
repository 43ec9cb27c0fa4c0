package volumebinding_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/api/storage"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/scheduler/plugins/volumebinding"
)

// A claim of a WaitForFirstConsumer class is bound to the local volume of
// the node the pod goes to.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A real API server on a bolt file in a temporary directory.
	env, err := controllertest.Open(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	c := env.Client

	wffc := storage.VolumeBindingWaitForFirstConsumer
	must(client.Resource[storage.StorageClass](c).Create(ctx, &storage.StorageClass{ObjectMeta: meta.ObjectMeta{Name: "local"},
		Provisioner: volumebinding.NotSupportedProvisioner, VolumeBindingMode: &wffc}, nil))
	for _, node := range []string{"n1", "n2"} {
		must(client.Resource[core.PersistentVolume](c).Create(ctx, &core.PersistentVolume{
			ObjectMeta: meta.ObjectMeta{Name: "disk-" + node},
			Spec: core.PersistentVolumeSpec{
				Capacity:         core.ResourceList{core.ResourceStorage: resource.MustParse("100Gi")},
				AccessModes:      []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
				StorageClassName: "local",
				PersistentVolumeSource: core.PersistentVolumeSource{
					Local: &core.LocalVolumeSource{Path: "/mnt/disk"}},
				NodeAffinity: &core.VolumeNodeAffinity{Required: &core.NodeSelector{NodeSelectorTerms: []core.NodeSelectorTerm{{
					MatchExpressions: []core.NodeSelectorRequirement{{Key: pt.LabelHostname, Operator: core.NodeSelectorOpIn, Values: []string{node}}},
				}}}},
			}}, nil))
	}
	class := "local"
	must(client.Resource[core.PersistentVolumeClaim](c).Namespace("default").Create(ctx, &core.PersistentVolumeClaim{
		ObjectMeta: meta.ObjectMeta{Name: "data"},
		Spec: core.PersistentVolumeClaimSpec{StorageClassName: &class,
			AccessModes: []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
			Resources:   core.VolumeResourceRequirements{Requests: core.ResourceList{core.ResourceStorage: resource.MustParse("10Gi")}}},
	}, nil))

	m := controller.NewManager(c, nil)
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Obj(), pt.MakeNode("n2").Obj()}, nil)
	h.APIClient, h.Mgr = c, m
	p, err := volumebinding.New(nil, h)
	if err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)
	// A scheduler waits for its plugins' informers before scheduling.
	controller.GetInformer[core.PersistentVolumeClaim](m, nil).WaitForCacheSync(ctx)
	controller.GetInformer[core.PersistentVolume](m, nil).WaitForCacheSync(ctx)
	controller.GetInformer[storage.StorageClass](m, nil).WaitForCacheSync(ctx)

	// One scheduling cycle, the scheduler having picked n2.
	pl := p.(*volumebinding.VolumeBinding)
	pod := scheduler.NewPodInfo(pt.MakePod("db-0").PVC("data").Obj())
	state := scheduler.NewCycleState()
	if _, st := pl.PreFilter(ctx, state, pod, h.Snapshot().List()); !st.IsSuccess() {
		log.Fatal(st.Message())
	}
	for _, n := range h.Snapshot().List() {
		fmt.Println(n.Name(), pl.Filter(ctx, state, pod, n).IsSuccess())
	}
	if st := pl.Reserve(ctx, state, pod, "n2"); !st.IsSuccess() {
		log.Fatal(st.Message())
	}
	ctx2, cancel2 := context.WithTimeout(ctx, 10*time.Second)
	defer cancel2()
	if st := pl.PreBind(ctx2, state, pod, "n2"); !st.IsSuccess() {
		log.Fatal(st.Message())
	}
	claim, err := client.Resource[core.PersistentVolumeClaim](c).Namespace("default").Get(ctx, "data")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claim.Spec.VolumeName, claim.Status.Phase)
	// Output:
	// n1 true
	// n2 true
	// disk-n2 Bound
}

func must[T any](_ T, err error) {
	if err != nil {
		log.Fatal(err)
	}
}
