package volumebinding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// env is a real API server holding the storage objects of a test, and a
// handle whose snapshot holds the nodes.
type env struct {
	t   *testing.T
	ctx context.Context
	api *controllertest.Env
	h   *pt.Handle
}

// nodes: a1, a2 in zone a; b1 in zone b; c1 in zone c.
func newEnv(t *testing.T) *env {
	e := &env{t: t, ctx: context.Background(), api: controllertest.New(t, nil)}
	e.h = pt.NewHandle([]*core.Node{
		pt.MakeNode("a1").Zone("a").Obj(), pt.MakeNode("a2").Zone("a").Obj(),
		pt.MakeNode("b1").Zone("b").Obj(), pt.MakeNode("c1").Zone("c").Obj(),
	}, nil)
	e.h.APIClient, e.h.Mgr = e.api.Client, e.api.Manager
	return e
}

// plugin builds the plugin and starts the manager (once) so its
// informers run; it waits until they hold what the test created.
func (e *env) plugin(args string) *VolumeBinding {
	e.t.Helper()
	var raw json.RawMessage
	if args != "" {
		raw = json.RawMessage(args)
	}
	p, err := New(raw, e.h)
	if err != nil {
		e.t.Fatal(err)
	}
	pl := p.(*VolumeBinding)
	if e.h.Plugins == nil {
		e.api.Start()
	}
	e.h.Plugins = []scheduler.Plugin{pl}
	e.sync(pl)
	return pl
}

// sync waits until the plugin's informers have caught up with the API.
func (e *env) sync(pl *VolumeBinding) {
	e.t.Helper()
	pvcs, err := client.Resource[core.PersistentVolumeClaim](e.api.Client).List(e.ctx, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	pvs, err := client.Resource[core.PersistentVolume](e.api.Client).List(e.ctx, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	classes, err := client.Resource[storage.StorageClass](e.api.Client).List(e.ctx, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	controllertest.Eventually(e.t, 5*time.Second, func() error {
		for _, c := range pvcs.Items {
			if got, ok := pl.pvcs.Get(c.Namespace, c.Name); !ok || got.ResourceVersion != c.ResourceVersion {
				return fmt.Errorf("claim %s not in the informer yet", c.Name)
			}
		}
		for _, v := range pvs.Items {
			if got, ok := pl.pvs.Get("", v.Name); !ok || got.ResourceVersion != v.ResourceVersion {
				return fmt.Errorf("volume %s not in the informer yet", v.Name)
			}
		}
		for _, c := range classes.Items {
			if got, ok := pl.classes.Get("", c.Name); !ok || got.ResourceVersion != c.ResourceVersion {
				return fmt.Errorf("class %s not in the informer yet", c.Name)
			}
		}
		return nil
	})
}

func (e *env) class(name, provisioner string, mode storage.VolumeBindingMode, zones ...string) {
	e.t.Helper()
	sc := &storage.StorageClass{ObjectMeta: meta.ObjectMeta{Name: name}, Provisioner: provisioner, VolumeBindingMode: &mode}
	if len(zones) > 0 {
		sc.AllowedTopologies = []core.TopologySelectorTerm{{MatchLabelExpressions: []core.TopologySelectorLabelRequirement{{Key: pt.LabelZone, Values: zones}}}}
	}
	if _, err := client.Resource[storage.StorageClass](e.api.Client).Create(e.ctx, sc, nil); err != nil {
		e.t.Fatal(err)
	}
}

// pv creates a volume of class, size, pinned to nodes with label key in
// values (none: reachable everywhere).
func (e *env) pv(name, class, size string, key string, values ...string) *core.PersistentVolume {
	e.t.Helper()
	pv := &core.PersistentVolume{ObjectMeta: meta.ObjectMeta{Name: name}, Spec: core.PersistentVolumeSpec{
		Capacity:               core.ResourceList{core.ResourceStorage: resource.MustParse(size)},
		AccessModes:            []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
		StorageClassName:       class,
		PersistentVolumeSource: core.PersistentVolumeSource{HostPath: &core.HostPathVolumeSource{Path: "/data/" + name}},
	}}
	if key != "" {
		pv.Spec.NodeAffinity = &core.VolumeNodeAffinity{Required: &core.NodeSelector{NodeSelectorTerms: []core.NodeSelectorTerm{{
			MatchExpressions: []core.NodeSelectorRequirement{{Key: key, Operator: core.NodeSelectorOpIn, Values: values}}}}}}
	}
	out, err := client.Resource[core.PersistentVolume](e.api.Client).Create(e.ctx, pv, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// pvc creates a claim of class ("-" for none) and size; bound to volume
// when volume is not "".
func (e *env) pvc(name, class, size, volume string, mutate ...func(*core.PersistentVolumeClaim)) *core.PersistentVolumeClaim {
	e.t.Helper()
	c := &core.PersistentVolumeClaim{ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default"}, Spec: core.PersistentVolumeClaimSpec{
		AccessModes: []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
		Resources:   core.VolumeResourceRequirements{Requests: core.ResourceList{core.ResourceStorage: resource.MustParse(size)}},
	}}
	if class != "-" {
		c.Spec.StorageClassName = &class
	}
	if volume != "" {
		c.Spec.VolumeName = volume
		c.Annotations = map[string]string{AnnBindCompleted: "yes"}
	}
	for _, m := range mutate {
		m(c)
	}
	out, err := client.Resource[core.PersistentVolumeClaim](e.api.Client).Create(e.ctx, c, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) getPV(name string) *core.PersistentVolume {
	e.t.Helper()
	v, err := client.Resource[core.PersistentVolume](e.api.Client).Get(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

func (e *env) getPVC(name string) *core.PersistentVolumeClaim {
	e.t.Helper()
	c, err := client.Resource[core.PersistentVolumeClaim](e.api.Client).Namespace("default").Get(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func verdict(st *scheduler.Status) string {
	if st.IsSuccess() {
		return "ok"
	}
	return st.Code().String() + ": " + st.Message()
}

// filter runs PreFilter and Filter on every node, as the framework does.
func (e *env) filter(pl *VolumeBinding, pod *core.Pod) (map[string]string, *scheduler.CycleState) {
	e.t.Helper()
	state := scheduler.NewCycleState()
	pi := scheduler.NewPodInfo(pod)
	r, st := pl.PreFilter(e.ctx, state, pi, e.h.Snapshot().List())
	out := map[string]string{}
	for _, n := range e.h.Snapshot().List() {
		switch {
		case st.IsSkip():
			out[n.Name()] = "skip"
		case !st.IsSuccess():
			out[n.Name()] = "PreFilter " + verdict(st)
		case r != nil && !r.NodeNames[n.Name()]:
			out[n.Name()] = "excluded"
		default:
			out[n.Name()] = verdict(pl.Filter(e.ctx, state, pi, n))
		}
	}
	return out, state
}

func all(v string) map[string]string {
	return map[string]string{"a1": v, "a2": v, "b1": v, "c1": v}
}

const (
	bindConflict = "UnschedulableAndUnresolvable: " + ErrReasonBindConflict
	nodeConflict = "UnschedulableAndUnresolvable: " + ErrReasonNodeConflict
)

func TestFilter(t *testing.T) {
	e := newEnv(t)
	e.class("standard", "example.com/csi", storage.VolumeBindingImmediate)
	e.class("local", NotSupportedProvisioner, storage.VolumeBindingWaitForFirstConsumer)
	e.class("fast", "example.com/csi", storage.VolumeBindingWaitForFirstConsumer, "a", "b")
	e.class("other", NotSupportedProvisioner, storage.VolumeBindingWaitForFirstConsumer)
	// Bound claims.
	e.pv("zone-a", "standard", "10Gi", pt.LabelZone, "a")
	e.pvc("bound-a", "standard", "1Gi", "zone-a")
	hostB1 := e.pv("host-b1", "local", "10Gi", pt.LabelHostname, "b1")
	hostB1.Spec.ClaimRef = &core.ObjectReference{Kind: "PersistentVolumeClaim", Namespace: "default", Name: "bound-b1"}
	if _, err := client.Resource[core.PersistentVolume](e.api.Client).Update(e.ctx, hostB1, nil); err != nil {
		t.Fatal(err)
	}
	e.pvc("bound-b1", "local", "1Gi", "host-b1")
	e.pvc("bound-missing", "standard", "1Gi", "nowhere")
	// Unbound claims.
	e.pvc("immediate", "standard", "1Gi", "")
	e.pvc("no-class", "-", "1Gi", "")
	e.pvc("unknown-class", "gold", "1Gi", "")
	e.pvc("prebound", "local", "1Gi", "", func(c *core.PersistentVolumeClaim) { c.Spec.VolumeName = "zone-a" })
	e.pvc("wffc-8g", "local", "8Gi", "")
	e.pvc("wffc-3g", "local", "3Gi", "")
	e.pvc("wffc-rwx", "local", "1Gi", "", func(c *core.PersistentVolumeClaim) {
		c.Spec.AccessModes = []core.PersistentVolumeAccessMode{core.ReadWriteMany}
	})
	e.pvc("wffc-selector", "local", "1Gi", "", func(c *core.PersistentVolumeClaim) { c.Spec.Selector = pt.Selector("disk", "ssd") })
	e.pvc("wffc-other", "other", "1Gi", "")
	e.pvc("dynamic", "fast", "100Gi", "")
	e.pvc("dynamic-started", "fast", "100Gi", "", func(c *core.PersistentVolumeClaim) {
		c.Annotations = map[string]string{AnnSelectedNode: "b1"}
	})
	e.pvc("deleting", "local", "1Gi", "", func(c *core.PersistentVolumeClaim) { c.Finalizers = []string{"test/keep"} })
	if err := client.Resource[core.PersistentVolumeClaim](e.api.Client).Namespace("default").Delete(e.ctx, "deleting", nil); err != nil {
		t.Fatal(err)
	}
	// Volumes for the WaitForFirstConsumer claims of class local: 10Gi in
	// zone a, 5Gi and 4Gi in zone b, 10Gi labelled disk=ssd and 100Gi
	// promised to another claim in zone c.
	e.pv("local-a", "local", "10Gi", pt.LabelZone, "a")
	e.pv("local-b-5g", "local", "5Gi", pt.LabelZone, "b")
	e.pv("local-b-4g", "local", "4Gi", pt.LabelZone, "b")
	ssd := e.pv("local-c-ssd", "local", "10Gi", pt.LabelZone, "c")
	ssd.Labels = map[string]string{"disk": "ssd"}
	if _, err := client.Resource[core.PersistentVolume](e.api.Client).Update(e.ctx, ssd, nil); err != nil {
		t.Fatal(err)
	}
	taken := e.pv("taken-c", "local", "100Gi", pt.LabelZone, "c")
	taken.Spec.ClaimRef = &core.ObjectReference{Kind: "PersistentVolumeClaim", Namespace: "default", Name: "someone-else"}
	if _, err := client.Resource[core.PersistentVolume](e.api.Client).Update(e.ctx, taken, nil); err != nil {
		t.Fatal(err)
	}
	pl := e.plugin("")

	pod := func(claims ...string) *core.Pod {
		w := pt.MakePod("p")
		for _, c := range claims {
			w.PVC(c)
		}
		return w.Obj()
	}
	tests := []struct {
		name string
		pod  *core.Pod
		want map[string]string
	}{
		{"no claims", pt.MakePod("p").Obj(), all("skip")},
		{"a missing claim", pod("nope"), all(`PreFilter UnschedulableAndUnresolvable: persistentvolumeclaim "nope" not found`)},
		{"a missing ephemeral claim", pt.MakePod("p").Volume(core.Volume{Name: "scratch",
			VolumeSource: core.VolumeSource{Ephemeral: &core.EphemeralVolumeSource{}}}).Obj(),
			all(`PreFilter UnschedulableAndUnresolvable: waiting for ephemeral volume controller to create the persistentvolumeclaim "p-scratch"`)},
		{"a claim being deleted", pod("deleting"), all(`PreFilter UnschedulableAndUnresolvable: persistentvolumeclaim "deleting" is being deleted`)},
		{"an unbound Immediate claim", pod("immediate"), all("PreFilter UnschedulableAndUnresolvable: " + ErrReasonUnboundImmediateClaim)},
		{"an unbound claim without a class", pod("no-class"), all("PreFilter UnschedulableAndUnresolvable: " + ErrReasonUnboundImmediateClaim)},
		{"an unbound claim of an unknown class", pod("unknown-class"), all("PreFilter UnschedulableAndUnresolvable: " + ErrReasonUnboundImmediateClaim)},
		{"a claim pre-bound by name waits for its binding", pod("prebound"), all("PreFilter UnschedulableAndUnresolvable: " + ErrReasonUnboundImmediateClaim)},
		{"a bound claim's volume node affinity", pod("bound-a"),
			map[string]string{"a1": "ok", "a2": "ok", "b1": nodeConflict, "c1": nodeConflict}},
		{"a bound local volume narrows the nodes", pod("bound-b1"),
			map[string]string{"a1": "excluded", "a2": "excluded", "b1": "ok", "c1": "excluded"}},
		{"a claim bound to a missing volume", pod("bound-missing"), all("UnschedulableAndUnresolvable: " + ErrReasonPVNotExist)},
		{"WaitForFirstConsumer: a volume big enough where the node is", pod("wffc-8g"),
			map[string]string{"a1": "ok", "a2": "ok", "b1": bindConflict, "c1": "ok"}},
		{"WaitForFirstConsumer: two claims need two volumes", pod("wffc-3g", "wffc-8g"),
			map[string]string{"a1": bindConflict, "a2": bindConflict, "b1": bindConflict, "c1": bindConflict}},
		{"WaitForFirstConsumer: access modes must match", pod("wffc-rwx"), all(bindConflict)},
		{"WaitForFirstConsumer: the claim's selector", pod("wffc-selector"),
			map[string]string{"a1": bindConflict, "a2": bindConflict, "b1": bindConflict, "c1": "ok"}},
		{"WaitForFirstConsumer: the class must match", pod("wffc-other"), all(bindConflict)},
		{"WaitForFirstConsumer and bound claims together", pod("bound-a", "wffc-8g"),
			map[string]string{"a1": "ok", "a2": "ok", "b1": nodeConflict + ", " + ErrReasonBindConflict, "c1": nodeConflict}},
		{"dynamic provisioning within the allowed topologies", pod("dynamic"),
			map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "c1": bindConflict}},
		{"a provisioning already started stays on its node", pod("dynamic-started"),
			map[string]string{"a1": bindConflict, "a2": bindConflict, "b1": "ok", "c1": bindConflict}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := e.filter(pl, tc.pod)
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}

	t.Run("the smallest volume that fits is chosen", func(t *testing.T) {
		_, state := e.filter(pl, pod("wffc-3g"))
		s, _ := getState(state)
		if b := s.byNode["b1"].static; len(b) != 1 || b[0].pv.Name != "local-b-4g" {
			t.Errorf("b1: got bindings %v, want local-b-4g", b)
		}
	})
}

// TestBindStatic reserves a volume for a claim, checks that the next pod
// does not get it, and binds it through the API.
func TestBindStatic(t *testing.T) {
	e := newEnv(t)
	e.class("local", NotSupportedProvisioner, storage.VolumeBindingWaitForFirstConsumer)
	e.pv("local-a", "local", "10Gi", pt.LabelZone, "a")
	e.pv("local-b", "local", "10Gi", pt.LabelZone, "b")
	e.pvc("data-0", "local", "1Gi", "")
	e.pvc("data-1", "local", "1Gi", "")
	pl := e.plugin("")

	pod0 := pt.MakePod("p0").PVC("data-0").Obj()
	pi0 := scheduler.NewPodInfo(pod0)
	got, state := e.filter(pl, pod0)
	if want := map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "c1": bindConflict}; !maps.Equal(got, want) {
		t.Fatalf("p0: got %v\nwant %v", got, want)
	}
	if st := pl.Reserve(e.ctx, state, pi0, "a1"); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	// local-a is promised to data-0: data-1 can only go to zone b now.
	got, _ = e.filter(pl, pt.MakePod("p1").PVC("data-1").Obj())
	if want := map[string]string{"a1": bindConflict, "a2": bindConflict, "b1": "ok", "c1": bindConflict}; !maps.Equal(got, want) {
		t.Errorf("p1 while p0 is reserved: got %v\nwant %v", got, want)
	}
	// Unreserve gives it back; Reserve again and bind.
	pl.Unreserve(e.ctx, state, pi0, "a1")
	got, _ = e.filter(pl, pt.MakePod("p1").PVC("data-1").Obj())
	if want := map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "c1": bindConflict}; !maps.Equal(got, want) {
		t.Errorf("p1 after p0's Unreserve: got %v\nwant %v", got, want)
	}
	if st := pl.Reserve(e.ctx, state, pi0, "a1"); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	if st := pl.PreBind(e.ctx, state, pi0, "a1"); !st.IsSuccess() {
		t.Fatalf("PreBind: %v", st.Message())
	}
	pv, pvc := e.getPV("local-a"), e.getPVC("data-0")
	if r := pv.Spec.ClaimRef; r == nil || r.Name != "data-0" || r.UID != pvc.UID || pv.Annotations[AnnBoundByController] != "yes" {
		t.Errorf("local-a: claimRef %+v, annotations %v", r, pv.Annotations)
	}
	if pv.Status.Phase != core.VolumeBound {
		t.Errorf("local-a: phase %q, want Bound", pv.Status.Phase)
	}
	if pvc.Spec.VolumeName != "local-a" || pvc.Annotations[AnnBindCompleted] != "yes" || pvc.Status.Phase != core.ClaimBound {
		t.Errorf("data-0: volumeName %q, annotations %v, phase %q", pvc.Spec.VolumeName, pvc.Annotations, pvc.Status.Phase)
	}
	if q := pvc.Status.Capacity[core.ResourceStorage]; q.String() != "10Gi" {
		t.Errorf("data-0: capacity %s, want 10Gi", q.String())
	}
	// Now bound: p0 again is restricted by the volume's zone.
	e.sync(pl)
	got, _ = e.filter(pl, pod0)
	if want := map[string]string{"a1": "ok", "a2": "ok", "b1": nodeConflict, "c1": nodeConflict}; !maps.Equal(got, want) {
		t.Errorf("p0 bound: got %v\nwant %v", got, want)
	}
}

// TestBindConflict: a volume changed after Filter fails the binding.
func TestBindConflict(t *testing.T) {
	e := newEnv(t)
	e.class("local", NotSupportedProvisioner, storage.VolumeBindingWaitForFirstConsumer)
	e.pv("local-a", "local", "10Gi", pt.LabelZone, "a")
	e.pvc("data-0", "local", "1Gi", "")
	pl := e.plugin("")
	pod := pt.MakePod("p0").PVC("data-0").Obj()
	pi := scheduler.NewPodInfo(pod)
	_, state := e.filter(pl, pod)
	if st := pl.Reserve(e.ctx, state, pi, "a1"); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	pv := e.getPV("local-a")
	pv.Labels = map[string]string{"touched": "yes"}
	if _, err := client.Resource[core.PersistentVolume](e.api.Client).Update(e.ctx, pv, nil); err != nil {
		t.Fatal(err)
	}
	st := pl.PreBind(e.ctx, state, pi, "a1")
	if st.Code() != scheduler.Error || !client.IsConflict(st.AsError()) {
		t.Errorf("PreBind: got %v %q, want a conflict error", st.Code(), st.Message())
	}
}

// TestBindDynamic: the claim gets the selected-node annotation and PreBind
// waits for a provisioner (played by the test) to bind it.
func TestBindDynamic(t *testing.T) {
	e := newEnv(t)
	e.class("fast", "example.com/csi", storage.VolumeBindingWaitForFirstConsumer)
	e.pvc("data-0", "fast", "1Gi", "")
	e.pvc("data-1", "fast", "1Gi", "")
	pl := e.plugin("")

	prebind := func(claim, node string) (chan *scheduler.Status, *core.PersistentVolumeClaim) {
		t.Helper()
		pod := pt.MakePod("p-" + claim).PVC(claim).Obj()
		pi := scheduler.NewPodInfo(pod)
		_, state := e.filter(pl, pod)
		if st := pl.Reserve(e.ctx, state, pi, node); !st.IsSuccess() {
			t.Fatal(st.Message())
		}
		done := make(chan *scheduler.Status, 1)
		go func() { done <- pl.PreBind(e.ctx, state, pi, node) }()
		var c *core.PersistentVolumeClaim
		controllertest.Eventually(t, 5*time.Second, func() error {
			c = e.getPVC(claim)
			if c.Annotations[AnnSelectedNode] != node {
				return fmt.Errorf("%s: selected-node %q", claim, c.Annotations[AnnSelectedNode])
			}
			return nil
		})
		return done, c
	}

	// The provisioner creates a volume on b1 and binds the claim.
	done, c := prebind("data-0", "b1")
	e.pv("pvc-data-0", "fast", "1Gi", pt.LabelHostname, "b1")
	c.Spec.VolumeName = "pvc-data-0"
	c.Annotations[AnnBindCompleted] = "yes"
	if _, err := client.Resource[core.PersistentVolumeClaim](e.api.Client).Namespace("default").Update(e.ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	if st := <-done; !st.IsSuccess() {
		t.Errorf("PreBind data-0: %v", st.Message())
	}

	// The provisioner gives up and removes the annotation.
	done, c = prebind("data-1", "a1")
	delete(c.Annotations, AnnSelectedNode)
	if _, err := client.Resource[core.PersistentVolumeClaim](e.api.Client).Namespace("default").Update(e.ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	if st := <-done; st.Code() != scheduler.Error || !strings.Contains(st.Message(), `provisioning failed for PVC "data-1"`) {
		t.Errorf("PreBind data-1: got %v %q, want provisioning failed", st.Code(), st.Message())
	}
}

// TestBindTimeout: without a provisioner, PreBind gives up after
// bindTimeoutSeconds (0 here: at the first check).
func TestBindTimeout(t *testing.T) {
	e := newEnv(t)
	e.class("fast", "example.com/csi", storage.VolumeBindingWaitForFirstConsumer)
	e.pvc("data-0", "fast", "1Gi", "")
	pl := e.plugin(`{"bindTimeoutSeconds":0}`)
	pod := pt.MakePod("p").PVC("data-0").Obj()
	pi := scheduler.NewPodInfo(pod)
	_, state := e.filter(pl, pod)
	if st := pl.Reserve(e.ctx, state, pi, "a1"); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	st := pl.PreBind(e.ctx, state, pi, "a1")
	if st.Code() != scheduler.Error || !errors.Is(st.AsError(), context.DeadlineExceeded) {
		t.Errorf("got %v %q, want a timeout", st.Code(), st.Message())
	}
}

// TestDefaultClass: a claim naming no class gets the default one.
func TestDefaultClass(t *testing.T) {
	e := newEnv(t)
	mode := storage.VolumeBindingWaitForFirstConsumer
	sc := &storage.StorageClass{ObjectMeta: meta.ObjectMeta{Name: "default-local",
		Annotations: map[string]string{storage.AnnotationIsDefaultStorageClass: "true"}},
		Provisioner: NotSupportedProvisioner, VolumeBindingMode: &mode}
	if _, err := client.Resource[storage.StorageClass](e.api.Client).Create(e.ctx, sc, nil); err != nil {
		t.Fatal(err)
	}
	e.pv("local-b", "default-local", "10Gi", pt.LabelZone, "b")
	e.pvc("data", "-", "1Gi", "")
	pl := e.plugin("")
	got, _ := e.filter(pl, pt.MakePod("p").PVC("data").Obj())
	if want := map[string]string{"a1": bindConflict, "a2": bindConflict, "b1": "ok", "c1": bindConflict}; !maps.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestNew(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		args, wantErr string
		want          time.Duration
	}{
		{"", "", 600 * time.Second},
		{`{"kind":"VolumeBindingArgs","apiVersion":"kubescheduler.config.k8s.io/v1","bindTimeoutSeconds":30}`, "", 30 * time.Second},
		{`{"bindTimeoutSeconds":-1}`, "should not be a negative value", 0},
		{`{"shape":[]}`, "shape", 0},
	} {
		p, err := New(json.RawMessage(tc.args), e.h)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("New(%s): got error %v, want one containing %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("New(%s): %v", tc.args, err)
			continue
		}
		if got := p.(*VolumeBinding).timeout; got != tc.want {
			t.Errorf("New(%s): timeout %v, want %v", tc.args, got, tc.want)
		}
	}
	if _, err := New(nil, pt.NewHandle(nil, nil)); err == nil {
		t.Errorf("New without a manager: no error")
	}
}

func TestEventsToRegister(t *testing.T) {
	e := newEnv(t)
	p, err := New(nil, e.h)
	if err != nil {
		t.Fatal(err)
	}
	events := p.(*VolumeBinding).EventsToRegister()
	pt.CheckEvents(t, events, []pt.EventCase{
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventPersistentVolumeClaim, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventPersistentVolumeClaim, Action: scheduler.UpdateOther}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventPersistentVolume, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventStorageClass, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeLabel}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.Delete}, Registered: false},
	})
}
