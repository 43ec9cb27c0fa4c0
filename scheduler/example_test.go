package scheduler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins"
	"github.com/spar-dev/spar/store/bolt"
)

// DiskType is an out-of-tree plugin: its Filter keeps pods off nodes
// labelled maintenance=true, and its Score prefers nodes whose disk label
// is the type its arguments name.
type DiskType struct{ prefer string }

// DiskTypeArgs are the plugin's arguments (the profile's pluginConfig).
type DiskTypeArgs struct {
	Prefer string `json:"prefer"`
}

// NewDiskType is the plugin's factory, as the Registry holds it.
func NewDiskType(args json.RawMessage, _ scheduler.Handle) (scheduler.Plugin, error) {
	a := DiskTypeArgs{Prefer: "ssd"}
	if len(args) > 0 {
		if err := json.Unmarshal(args, &a); err != nil {
			return nil, fmt.Errorf("DiskType args: %w", err)
		}
	}
	return &DiskType{prefer: a.Prefer}, nil
}

func (*DiskType) Name() string { return "DiskType" }

// Filter implements scheduler.FilterPlugin.
func (*DiskType) Filter(_ context.Context, _ *scheduler.CycleState, _ *scheduler.PodInfo, n *scheduler.NodeInfo) *scheduler.Status {
	if n.Node.Labels["maintenance"] == "true" {
		// UnschedulableAndUnresolvable: evicting pods would not help.
		return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, "node(s) were under maintenance")
	}
	return nil
}

// Score implements scheduler.ScorePlugin.
func (d *DiskType) Score(_ context.Context, _ *scheduler.CycleState, _ *scheduler.PodInfo, n *scheduler.NodeInfo) (int64, *scheduler.Status) {
	if n.Node.Labels["disk"] == d.prefer {
		return scheduler.MaxNodeScore, nil
	}
	return scheduler.MinNodeScore, nil
}

// ScoreExtensions implements scheduler.ScorePlugin: the scores are
// already in [MinNodeScore, MaxNodeScore].
func (*DiskType) ScoreExtensions() scheduler.ScoreExtensions { return nil }

// An out-of-tree plugin joins the default plugins: it is registered by
// name in a Registry, enabled with a weight and arguments in a profile,
// and runs for the pods that name the profile's scheduler.
func Example_outOfTreePlugin() {
	ctx, cancel := context.WithCancel(context.Background())
	c, stopped := startAPIServer(ctx)
	defer stopped()
	defer cancel()

	reg := plugins.Registry()
	if err := reg.Merge(scheduler.Registry{"DiskType": NewDiskType}); err != nil {
		log.Fatal(err)
	}
	cfg := &scheduler.Configuration{Profiles: []scheduler.Profile{{
		SchedulerName: "disk-aware",
		Plugins: &scheduler.Plugins{MultiPoint: scheduler.PluginSet{
			Enabled: []scheduler.PluginRef{{Name: "DiskType", Weight: 5}}}},
		PluginConfig: []scheduler.PluginConfig{{Name: "DiskType", Args: json.RawMessage(`{"prefer": "ssd"}`)}},
	}}}
	nodes := client.Resource[core.Node](c)
	for name, labels := range map[string]map[string]string{
		"n1": {"disk": "hdd"},
		"n2": {"disk": "ssd", "maintenance": "true"},
		"n3": {"disk": "ssd"},
	} {
		rl := core.ResourceList{core.ResourceCPU: resource.MustParse("4"), core.ResourceMemory: resource.MustParse("16Gi"), core.ResourcePods: resource.MustParse("110")}
		if _, err := nodes.Create(ctx, &core.Node{ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels},
			Status: core.NodeStatus{Capacity: rl, Allocatable: rl}}, nil); err != nil {
			log.Fatal(err)
		}
	}
	// The scheduler syncs its informers (the nodes) before its first cycle.
	m := controller.NewManager(c, nil)
	if _, err := scheduler.New(m, scheduler.Options{Registry: reg, DefaultPlugins: plugins.Defaults(), Configuration: cfg}); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	pods := client.Resource[core.Pod](c).Namespace("default")
	for name, selector := range map[string]map[string]string{"db": nil, "repair": {"maintenance": "true"}} {
		if _, err := pods.Create(ctx, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: name},
			Spec: core.PodSpec{SchedulerName: "disk-aware", NodeSelector: selector,
				Containers: []core.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}}}, nil); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("db:", waitFor(ctx, pods, "db", func(p *core.Pod) string { return p.Spec.NodeName }))
	fmt.Println("repair:", waitFor(ctx, pods, "repair", func(p *core.Pod) string {
		if c := core.GetPodCondition(&p.Status, core.PodScheduled); c != nil {
			return c.Message
		}
		return ""
	}))
	// Output:
	// db: n3
	// repair: 0/3 nodes are available: 1 node(s) were under maintenance, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.
}

// startAPIServer runs an API server on a temporary bolt file until ctx
// ends. It returns an in-process client, and a function that waits for
// the server to stop and removes its file.
func startAPIServer(ctx context.Context) (_ *client.Client, stopped func()) {
	dir, err := os.MkdirTemp("", "spar-example")
	if err != nil {
		log.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), &bolt.Options{NoSync: true})
	if err != nil {
		log.Fatal(err)
	}
	srv, err := apiserver.New(apiserver.Config{Store: st})
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Run(ctx)
		st.Close()
		os.RemoveAll(dir)
	}()
	<-srv.Ready()
	return client.NewForHandler(srv.Handler()), func() { <-done }
}

// waitFor polls pod until get returns something, for up to 10s.
func waitFor(ctx context.Context, pods *client.ResourceClient[core.Pod, *core.Pod], name string, get func(*core.Pod) string) string {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if p, err := pods.Get(ctx, name); err == nil {
			if s := get(p); s != "" {
				return s
			}
		}
	}
	return "(timed out)"
}
