package controller_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
)

func configMap(ns, name string, data map[string]string) *core.ConfigMap {
	return &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name}, Data: data}
}

func TestInformerFollowsChanges(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	cms := client.Resource[core.ConfigMap](env.Client).Namespace("default")
	if _, err := cms.Create(ctx, configMap("default", "before", nil), nil); err != nil {
		t.Fatal(err)
	}
	inf := controller.GetInformer[core.ConfigMap](env.Manager, nil)
	inf.AddIndex("data-key", func(cm *core.ConfigMap) []string {
		var keys []string
		for k := range cm.Data {
			keys = append(keys, k)
		}
		return keys
	})
	var mu sync.Mutex
	var log []string
	inf.AddHandler(controller.HandlerFuncs[core.ConfigMap]{
		AddFunc: func(cm *core.ConfigMap, initial bool) {
			mu.Lock()
			defer mu.Unlock()
			log = append(log, fmt.Sprintf("add %s %v", cm.Name, initial))
		},
		UpdateFunc: func(old, cm *core.ConfigMap) {
			mu.Lock()
			defer mu.Unlock()
			log = append(log, fmt.Sprintf("update %s %d->%d", cm.Name, len(old.Data), len(cm.Data)))
		},
		DeleteFunc: func(cm *core.ConfigMap) {
			mu.Lock()
			defer mu.Unlock()
			log = append(log, "delete "+cm.Name)
		},
	})
	env.Start()
	if !inf.WaitForCacheSync(ctx) {
		t.Fatal("not synced")
	}
	if _, ok := inf.Get("default", "before"); !ok {
		t.Error("listed object missing")
	}
	if _, err := cms.Create(ctx, configMap("default", "after", map[string]string{"k": "v"}), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Patch(ctx, "after", client.MergePatch, []byte(`{"data":{"k2":"v"}}`), nil); err != nil {
		t.Fatal(err)
	}
	if err := cms.Delete(ctx, "before", nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"add before true", "add after false", "update after 1->2", "delete before"}
	controllertest.Eventually(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if fmt.Sprint(log) != fmt.Sprint(want) {
			return fmt.Errorf("handler saw %v, want %v", log, want)
		}
		return nil
	})
	if got := inf.ByIndex("data-key", "k2"); len(got) != 1 || got[0].Name != "after" {
		t.Errorf("index lookup = %v", got)
	}
	// A handler added late gets the current objects as initial adds.
	var late []string
	inf.AddHandler(controller.HandlerFuncs[core.ConfigMap]{AddFunc: func(cm *core.ConfigMap, initial bool) {
		if initial {
			late = append(late, cm.Name)
		}
	}})
	if fmt.Sprint(late) != "[after]" {
		t.Errorf("late handler got %v", late)
	}
}

// An informer run again after it missed changes (and the store compacted
// past them) re-lists and catches up, deletes included. A running
// informer's re-list on 410 Gone is TestInformerSurvivesBrokenWatch's.
func TestInformerRestartRelists(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	cms := client.Resource[core.ConfigMap](env.Client).Namespace("default")
	for i := range 3 {
		if _, err := cms.Create(ctx, configMap("default", fmt.Sprint("c", i), nil), nil); err != nil {
			t.Fatal(err)
		}
	}
	inf := controller.NewInformer[core.ConfigMap](env.Client, nil)
	ictx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); inf.Run(ictx) }()
	inf.WaitForCacheSync(ctx)
	cancel()
	<-done
	// While the informer is stopped: changes, then compaction past them.
	if err := cms.Delete(ctx, "c0", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Create(ctx, configMap("default", "c9", nil), nil); err != nil {
		t.Fatal(err)
	}
	rev, _ := env.Server.Store.Revision(ctx)
	if err := env.Server.Store.Compact(ctx, rev); err != nil {
		t.Fatal(err)
	}
	// Run again, it re-lists and reports what it missed.
	deleted := make(chan string, 1)
	inf.AddHandler(controller.HandlerFuncs[core.ConfigMap]{DeleteFunc: func(cm *core.ConfigMap) { deleted <- cm.Name }})
	go inf.Run(ctx)
	select {
	case name := <-deleted:
		if name != "c0" {
			t.Errorf("deleted %s", name)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("missed delete not reported after re-list")
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		if _, ok := inf.Get("default", "c9"); !ok {
			return errors.New("c9 not in the cache")
		}
		return nil
	})
}

func TestControllerReconcilesAndRetries(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	inf := controller.GetInformer[core.ConfigMap](env.Manager, nil)
	var calls sync.Map // name → *atomic.Int32
	count := func(name string) int32 {
		v, _ := calls.LoadOrStore(name, new(atomic.Int32))
		return v.(*atomic.Int32).Load()
	}
	r := controller.ReconcilerFunc(func(ctx context.Context, req controller.Request) (controller.Result, error) {
		v, _ := calls.LoadOrStore(req.Name, new(atomic.Int32))
		n := v.(*atomic.Int32).Add(1)
		switch req.Name {
		case "flaky":
			if n < 3 {
				return controller.Result{}, errors.New("not yet")
			}
		case "broken":
			return controller.Result{}, controller.Terminal(errors.New("cannot ever work"))
		case "ticking":
			if n < 3 {
				return controller.Result{RequeueAfter: 10 * time.Millisecond}, nil
			}
		}
		return controller.Result{}, nil
	})
	c := controller.New("test", r, &controller.Options{Workers: 2})
	controller.Watch(c, inf, controller.Self[core.ConfigMap]())
	env.Manager.Add(c)
	env.Start()
	cms := client.Resource[core.ConfigMap](env.Client).Namespace("default")
	for _, name := range []string{"ok", "flaky", "broken", "ticking"} {
		if _, err := cms.Create(ctx, configMap("default", name, nil), nil); err != nil {
			t.Fatal(err)
		}
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		if count("ok") < 1 || count("flaky") < 3 || count("ticking") < 3 || count("broken") < 1 {
			return fmt.Errorf("calls: ok %d flaky %d ticking %d broken %d", count("ok"), count("flaky"), count("ticking"), count("broken"))
		}
		return nil
	})
	time.Sleep(100 * time.Millisecond) // a terminal error must not come back on its own
	if n := count("broken"); n != 1 {
		t.Errorf("terminal error retried: %d calls", n)
	}
}

// Two managers racing for one lease: only the leader reconciles. The
// other keeps its informer in sync and its queue filled but reconciles
// nothing; when the leader stops, it takes the lease over and works off
// its queue, and the old leader reconciles nothing more.
func TestLeaderElection(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	type candidate struct {
		id         string
		m          *controller.Manager
		c          *controller.Controller
		inf        *controller.Informer[core.ConfigMap, *core.ConfigMap]
		reconciled sync.Map // name → true
		count      atomic.Int32
		stop       context.CancelFunc
		done       chan error
	}
	newCandidate := func(id string) *candidate {
		cd := &candidate{id: id, done: make(chan error, 1)}
		cd.m = controller.NewManager(env.Client, &controller.ManagerOptions{LeaderElection: &controller.LeaderElection{
			Name: "test-lock", Identity: id, LeaseDuration: 2 * time.Second, RenewDeadline: time.Second, RetryPeriod: 100 * time.Millisecond}})
		cd.inf = controller.GetInformer[core.ConfigMap](cd.m, nil)
		cd.c = controller.New("c", controller.ReconcilerFunc(func(ctx context.Context, req controller.Request) (controller.Result, error) {
			cd.reconciled.Store(req.Name, true)
			cd.count.Add(1)
			return controller.Result{}, nil
		}), nil)
		controller.Watch(cd.c, cd.inf, controller.Self[core.ConfigMap]())
		cd.m.Add(cd.c)
		return cd
	}
	reconciledAll := func(cd *candidate, names ...string) error {
		for _, n := range names {
			if _, ok := cd.reconciled.Load(n); !ok {
				return fmt.Errorf("%s has not reconciled %s", cd.id, n)
			}
		}
		return nil
	}
	a, b := newCandidate("a"), newCandidate("b")

	// Both at once; watch that they never lead together.
	var overlap atomic.Bool
	sampling, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if a.m.IsLeader() && b.m.IsLeader() {
				overlap.Store(true)
			}
			select {
			case <-sampling.Done():
				return
			case <-tick.C:
			}
		}
	}()
	for _, cd := range []*candidate{a, b} {
		rctx, cancel := context.WithCancel(ctx)
		cd.stop = cancel
		go func() { cd.done <- cd.m.Run(rctx) }()
	}
	var leader, follower *candidate
	controllertest.Eventually(t, 10*time.Second, func() error {
		switch {
		case a.m.IsLeader():
			leader, follower = a, b
		case b.m.IsLeader():
			leader, follower = b, a
		default:
			return errors.New("nobody leads")
		}
		return nil
	})
	lease, err := client.Resource[coordination.Lease](env.Client).Namespace("kube-system").Get(ctx, "test-lock")
	if err != nil {
		t.Fatal(err)
	}
	if h := lease.Spec.HolderIdentity; h == nil || *h != leader.id {
		t.Errorf("lease holder = %v, want %s", h, leader.id)
	}

	cms := client.Resource[core.ConfigMap](env.Client).Namespace("default")
	names := []string{"x0", "x1", "x2", "x3", "x4"}
	for _, n := range names {
		if _, err := cms.Create(ctx, configMap("default", n, nil), nil); err != nil {
			t.Fatal(err)
		}
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		if err := reconciledAll(leader, names...); err != nil {
			return err
		}
		// The follower has seen every object too: they wait in its queue.
		if n := follower.c.Queue().Len(); n != len(names) {
			return fmt.Errorf("follower queue holds %d requests, want %d", n, len(names))
		}
		return nil
	})
	if n := follower.count.Load(); n != 0 || follower.m.IsLeader() {
		t.Fatalf("the follower reconciled %d times (leading %v)", n, follower.m.IsLeader())
	}

	// The leader stops; the follower takes over and works off its queue.
	leader.stop()
	if err := <-leader.done; err != nil {
		t.Errorf("%s stopped with %v", leader.id, err)
	}
	leaderCount := leader.count.Load()
	controllertest.Eventually(t, 10*time.Second, func() error {
		if !follower.m.IsLeader() {
			return fmt.Errorf("%s did not take over", follower.id)
		}
		return reconciledAll(follower, names...)
	})
	if _, err := cms.Create(ctx, configMap("default", "y", nil), nil); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, 10*time.Second, func() error { return reconciledAll(follower, "y") })
	if n := leader.count.Load(); n != leaderCount {
		t.Errorf("the stopped leader reconciled %d more times", n-leaderCount)
	}
	stopSampling()
	<-sampled
	if overlap.Load() {
		t.Error("both managers were leading at once")
	}
	follower.stop()
	if err := <-follower.done; err != nil {
		t.Errorf("%s stopped with %v", follower.id, err)
	}
}

// A leader whose lease is taken over (here: stolen by writing the Lease)
// stops its controllers and returns ErrLeadershipLost.
func TestLeadershipLost(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	m := controller.NewManager(env.Client, &controller.ManagerOptions{LeaderElection: &controller.LeaderElection{
		Name: "lost", Identity: "me", LeaseDuration: 2 * time.Second, RenewDeadline: time.Second, RetryPeriod: 100 * time.Millisecond}})
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	controllertest.Eventually(t, 10*time.Second, func() error {
		if !m.IsLeader() {
			return errors.New("not leading")
		}
		return nil
	})
	leases := client.Resource[coordination.Lease](env.Client).Namespace("kube-system")
	err := client.RetryOnConflict(ctx, client.DefaultRetry, func() error {
		l, err := leases.Get(ctx, "lost")
		if err != nil {
			return err
		}
		other := "thief"
		l.Spec.HolderIdentity = &other
		_, err = leases.Update(ctx, l, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, controller.ErrLeadershipLost) {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the manager kept running after losing its lease")
	}
}

func TestRecorderWritesAndAggregates(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	cm, err := client.Resource[core.ConfigMap](env.Client).Namespace("default").Create(ctx, configMap("default", "target", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := env.Manager.Recorder("test-controller")
	env.Start()
	for range 3 {
		rec.Event(cm, controller.EventNormal, "Poked", "poked the config map")
	}
	events := client.Resource[core.Event](env.Client).Namespace("default")
	controllertest.Eventually(t, 10*time.Second, func() error {
		l, err := events.List(ctx, &client.ListOptions{FieldSelector: "involvedObject.name=target"})
		if err != nil {
			return err
		}
		if len(l.Items) != 1 || l.Items[0].Count != 3 || l.Items[0].Reason != "Poked" || l.Items[0].InvolvedObject.Kind != "ConfigMap" ||
			l.Items[0].Source.Component != "test-controller" {
			return fmt.Errorf("events = %+v", l.Items)
		}
		return nil
	})
}
