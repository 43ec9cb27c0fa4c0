package replicaset_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/replicaset"
)

// Scale 0 → 5 → 2: pods are created from the template and owned by the
// ReplicaSet; on scale-down pending and unready pods go before ready ones.
func TestScaleUpAndDown(t *testing.T) {
	env := start(t)
	rs := createRS(t, env, newRS("web", 0))
	waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if rs.Status.ObservedGeneration != rs.Generation {
			return fmt.Errorf("observedGeneration %d, generation %d", rs.Status.ObservedGeneration, rs.Generation)
		}
		return nil
	})
	if n := len(pods(t, env.Client, "app=web")); n != 0 {
		t.Fatalf("%d pods at replicas 0", n)
	}

	scale(t, env, "web", 5)
	got := waitPods(t, env.Client, "app=web", 5)
	for _, p := range got {
		if !strings.HasPrefix(p.Name, "web-") || p.GenerateName != "web-" {
			t.Errorf("pod %q (generateName %q), want a name generated from web-", p.Name, p.GenerateName)
		}
		ref := meta.ControllerOf(&p.ObjectMeta)
		if ref == nil || ref.UID != rs.UID || ref.Kind != "ReplicaSet" || ref.APIVersion != "apps/v1" ||
			ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion {
			t.Errorf("pod %s owner references %+v, want controller ReplicaSet web blocking deletion", p.Name, p.OwnerReferences)
		}
		if p.Annotations["note"] != "from-template" || p.Spec.Containers[0].Image != "registry.k8s.io/pause:3.10" {
			t.Errorf("pod %s not made from the template: annotations %v, containers %+v", p.Name, p.Annotations, p.Spec.Containers)
		}
	}

	// Two stay Pending, one runs unready, two run ready.
	slices.SortFunc(got, func(a, b core.Pod) int { return strings.Compare(a.Name, b.Name) })
	setPod(t, env.Client, got[2].Name, core.PodRunning, false)
	setPod(t, env.Client, got[3].Name, core.PodRunning, true)
	setPod(t, env.Client, got[4].Name, core.PodRunning, true)
	waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if rs.Status.ReadyReplicas != 2 {
			return fmt.Errorf("readyReplicas %d, want 2", rs.Status.ReadyReplicas)
		}
		return nil
	})

	scale(t, env, "web", 2)
	left := waitPods(t, env.Client, "app=web", 2)
	if g, w := names(left), names(got[3:]); !slices.Equal(g, w) {
		t.Errorf("after scale-down %v remain, want the ready ones %v", g, w)
	}
	st := waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if rs.Status.Replicas != 2 || rs.Status.ObservedGeneration != rs.Generation {
			return fmt.Errorf("status %+v at generation %d", rs.Status, rs.Generation)
		}
		return nil
	}).Status
	want := apps.ReplicaSetStatus{Replicas: 2, FullyLabeledReplicas: 2, ReadyReplicas: 2, AvailableReplicas: 2, ObservedGeneration: st.ObservedGeneration}
	st.Conditions = nil
	if st.TerminatingReplicas != nil || fmt.Sprint(st) != fmt.Sprint(want) {
		t.Errorf("status %+v, want %+v", st, want)
	}
}

// A bare pod whose labels match is adopted and counts as a replica.
func TestAdoptsBarePod(t *testing.T) {
	env := start(t)
	ctx := t.Context()
	tmpl := newRS("web", 3).Spec.Template
	bare, err := podAPI(env.Client).Create(ctx, &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "bare", Namespace: ns, Labels: map[string]string{"app": "web"}},
		Spec:       tmpl.Spec,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A pod owned by another controller is not taken even if it matches.
	other, err := podAPI(env.Client).Create(ctx, &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "others", Namespace: ns, Labels: map[string]string{"app": "web"},
			OwnerReferences: []meta.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "db", UID: "1234", Controller: ptr(true)}}},
		Spec: tmpl.Spec,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := createRS(t, env, newRS("web", 3))
	waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if rs.Status.Replicas != 3 {
			return fmt.Errorf("status.replicas %d", rs.Status.Replicas)
		}
		return nil
	})
	all := waitPods(t, env.Client, "app=web", 4)
	owned := 0
	for _, p := range all {
		ref := meta.ControllerOf(&p.ObjectMeta)
		switch {
		case p.UID == other.UID:
			if ref == nil || ref.Kind != "StatefulSet" || len(p.OwnerReferences) != 1 {
				t.Errorf("the StatefulSet's pod now has references %+v", p.OwnerReferences)
			}
		case ref != nil && ref.UID == rs.UID:
			owned++
			if p.UID == bare.UID && (ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion) {
				t.Errorf("adopted pod reference %+v, want blockOwnerDeletion", ref)
			}
		default:
			t.Errorf("pod %s is not owned by the ReplicaSet: %+v", p.Name, p.OwnerReferences)
		}
	}
	if owned != 3 {
		t.Errorf("%d pods owned, want 3 (the bare one and 2 created)", owned)
	}
}

// A pod whose labels change so that the selector no longer matches is
// released, and replaced.
func TestReleasesPodThatStopsMatching(t *testing.T) {
	env := start(t)
	rs := createRS(t, env, newRS("web", 2))
	got := waitPods(t, env.Client, "app=web", 2)
	victim := got[0]
	if _, err := podAPI(env.Client).Patch(t.Context(), victim.Name, client.MergePatch, []byte(`{"metadata":{"labels":{"app":"debug"}}}`), nil); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, 20*time.Second, func() error {
		p, err := podAPI(env.Client).Get(t.Context(), victim.Name)
		if err != nil {
			return err
		}
		if len(p.OwnerReferences) != 0 {
			return fmt.Errorf("released pod still has %+v", p.OwnerReferences)
		}
		return nil
	})
	now := waitPods(t, env.Client, "app=web", 2)
	for _, p := range now {
		if p.Name == victim.Name || !meta.IsControlledBy(&p.ObjectMeta, rs.UID) {
			t.Errorf("pod %s in the set: %+v", p.Name, p.OwnerReferences)
		}
	}
}

// Pods deleted behind the controller's back are replaced.
func TestReplacesDeletedPods(t *testing.T) {
	env := start(t)
	createRS(t, env, newRS("web", 3))
	got := waitPods(t, env.Client, "app=web", 3)
	for _, p := range got[:2] {
		if err := podAPI(env.Client).Delete(t.Context(), p.Name, nil); err != nil {
			t.Fatal(err)
		}
	}
	now := waitPods(t, env.Client, "app=web", 3)
	if !slices.Contains(names(now), got[2].Name) {
		t.Errorf("the surviving pod %s is gone: %v", got[2].Name, names(now))
	}
	for _, p := range got[:2] {
		if slices.Contains(names(now), p.Name) {
			t.Errorf("deleted pod %s is back", p.Name)
		}
	}
}

// Status counts: fullyLabeledReplicas counts pods with every template
// label, availableReplicas waits for minReadySeconds, observedGeneration
// follows the spec.
func TestStatus(t *testing.T) {
	env := start(t)
	ctx := t.Context()
	rs := newRS("web", 3)
	rs.Spec.MinReadySeconds = 1
	rs.Spec.Template.Labels = map[string]string{"app": "web", "tier": "front"}
	// An adopted bare pod without the tier label.
	if _, err := podAPI(env.Client).Create(ctx, &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "bare", Namespace: ns, Labels: map[string]string{"app": "web"}},
		Spec:       rs.Spec.Template.Spec,
	}, nil); err != nil {
		t.Fatal(err)
	}
	createRS(t, env, rs)
	got := waitPods(t, env.Client, "app=web", 3)
	waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if st := rs.Status; st.Replicas != 3 || st.FullyLabeledReplicas != 2 || st.ReadyReplicas != 0 || st.ObservedGeneration != 1 {
			return fmt.Errorf("status %+v, want 3 replicas, 2 fully labeled, none ready, generation 1", st)
		}
		return nil
	})
	// Ready since a time to come: ready, but not available.
	for _, p := range got {
		setReadySince(t, env.Client, p.Name, time.Now().Add(time.Hour))
	}
	rs2 := waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if rs.Status.ReadyReplicas != 3 {
			return fmt.Errorf("ready %d", rs.Status.ReadyReplicas)
		}
		return nil
	})
	if rs2.Status.AvailableReplicas != 0 {
		t.Errorf("%d available, want 0: none has been ready for minReadySeconds", rs2.Status.AvailableReplicas)
	}
	// Ready since now: available once minReadySeconds have passed, with
	// no event to say so (the controller looks again by itself).
	for _, p := range got {
		setReadySince(t, env.Client, p.Name, time.Now())
	}
	waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if st := rs.Status; st.ReadyReplicas != 3 || st.AvailableReplicas != 3 {
			return fmt.Errorf("ready %d, available %d", st.ReadyReplicas, st.AvailableReplicas)
		}
		return nil
	})
	// A spec change is observed even when it changes no counts.
	if _, err := rsAPI(env).Patch(ctx, "web", client.MergePatch, []byte(`{"spec":{"minReadySeconds":0}}`), nil); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if rs.Generation != 2 || rs.Status.ObservedGeneration != 2 {
			return fmt.Errorf("generation %d, observed %d", rs.Generation, rs.Status.ObservedGeneration)
		}
		return nil
	})
}

// A status write that conflicts with a concurrent edit (409) is retried
// on a fresh copy, and keeps the edit.
func TestStatusConflictRetried(t *testing.T) {
	srv := apiservertest.Start(t, nil)
	user := client.NewForHandler(srv.Handler())
	ct := newCounting(client.HandlerTransport(srv.Handler()))
	var edited atomic.Bool
	ct.before = func(req *http.Request) error {
		// The first status write of the ReplicaSet: a user edits it just
		// before the write lands.
		if req.Method == http.MethodPut && strings.HasSuffix(req.URL.Path, "/replicasets/web/status") && edited.CompareAndSwap(false, true) {
			_, err := client.Resource[apps.ReplicaSet](user).Namespace(ns).Patch(req.Context(), "web", client.MergePatch,
				[]byte(`{"metadata":{"annotations":{"edited":"by-user"}}}`), nil)
			return err
		}
		return nil
	}
	c, err := client.New(&client.Config{Host: "http://in-process", Transport: ct})
	if err != nil {
		t.Fatal(err)
	}
	m := controller.NewManager(c, nil)
	if err := replicaset.Add(m, nil); err != nil {
		t.Fatal(err)
	}
	runManager(t, m)
	env := &controllertest.Env{Server: srv, Client: user}
	createRS(t, env, newRS("web", 3))
	rs := waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if rs.Status.Replicas != 3 {
			return fmt.Errorf("status.replicas %d", rs.Status.Replicas)
		}
		return nil
	})
	if n := ct.count("PUT replicasets/status 409"); n < 1 {
		t.Errorf("%d status writes conflicted, want at least 1 (the test's edit)", n)
	}
	if rs.Annotations["edited"] != "by-user" {
		t.Errorf("annotations %v: the user's edit was lost", rs.Annotations)
	}
	if n := len(pods(t, user, "app=web")); n != 3 {
		t.Errorf("%d pods, want 3", n)
	}
}

// A controller restarted in the middle of creating pods (a second manager
// on the same server) creates only the missing ones: no pod is created
// twice.
func TestRestartDoesNotDoubleCreate(t *testing.T) {
	srv := apiservertest.Start(t, nil)
	user := client.NewForHandler(srv.Handler())
	env := &controllertest.Env{Server: srv, Client: user}
	const want = 10

	// Watch every pod change: the count must never exceed want.
	maxSeen := watchMaxPods(t, user, "app=web")

	// The first manager's pod creates succeed three times, then hang
	// until it is stopped (a controller killed mid-sync).
	first := newCounting(client.HandlerTransport(srv.Handler()))
	var creates atomic.Int32
	hung := make(chan struct{})
	var hungOnce sync.Once
	first.before = func(req *http.Request) error {
		if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/pods") && creates.Add(1) > 3 {
			hungOnce.Do(func() { close(hung) })
			<-req.Context().Done()
			return req.Context().Err()
		}
		return nil
	}
	c1, _ := client.New(&client.Config{Host: "http://in-process", Transport: first})
	m1 := controller.NewManager(c1, nil)
	replicaset.Add(m1, nil)
	stop1 := runManager(t, m1)
	createRS(t, env, newRS("web", want))
	<-hung
	waitPods(t, user, "app=web", 3)
	stop1()

	second := newCounting(client.HandlerTransport(srv.Handler()))
	c2, _ := client.New(&client.Config{Host: "http://in-process", Transport: second})
	m2 := controller.NewManager(c2, nil)
	replicaset.Add(m2, nil)
	runManager(t, m2)
	waitPods(t, user, "app=web", want)
	waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if rs.Status.Replicas != want {
			return fmt.Errorf("status.replicas %d", rs.Status.Replicas)
		}
		return nil
	})
	created := first.count("POST pods 201") + second.count("POST pods 201")
	if created != want {
		t.Errorf("%d pods created in all (%d before the restart, %d after), want %d",
			created, first.count("POST pods 201"), second.count("POST pods 201"), want)
	}
	if n := maxSeen(); n > want {
		t.Errorf("%d pods existed at once, want at most %d", n, want)
	}
}

// watchMaxPods follows the pods of selector and returns a function giving
// the most that existed at once.
func watchMaxPods(t *testing.T, c *client.Client, selector string) func() int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w, err := podAPI(c).Watch(ctx, &client.WatchOptions{LabelSelector: selector})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	live := map[meta.UID]bool{}
	peak := 0
	go func() {
		defer w.Stop()
		for {
			ev, err := w.Next()
			if err != nil {
				return
			}
			mu.Lock()
			switch ev.Type {
			case client.Added, client.Modified:
				live[ev.Object.UID] = ev.Object.DeletionTimestamp == nil
			case client.Deleted:
				delete(live, ev.Object.UID)
			}
			n := 0
			for _, active := range live {
				if active {
					n++
				}
			}
			peak = max(peak, n)
			mu.Unlock()
		}
	}()
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// Failed creates (here: a quota admission plugin) stop the slow start at
// the first failure and set the ReplicaFailure condition, which is removed
// once creates succeed again.
func TestReplicaFailureCondition(t *testing.T) {
	var quota atomic.Int32
	quota.Store(3)
	var denied atomic.Int32
	limit := admission.ValidatorFunc(func(ctx context.Context, a *admission.Attributes) error {
		if a.Operation != admission.Create || a.Resource != "pods" {
			return nil
		}
		if quota.Add(-1) < 0 {
			quota.Add(1)
			denied.Add(1)
			return meta.NewForbidden(meta.GroupResource{Resource: "pods"}, "", `exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3`)
		}
		return nil
	})
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{Admission: &admission.Chain{Validators: []admission.Validator{limit}}}})
	c := client.NewForHandler(srv.Handler())
	m := controller.NewManager(c, nil)
	replicaset.Add(m, nil)
	runManager(t, m)
	env := &controllertest.Env{Server: srv, Client: c}

	createRS(t, env, newRS("web", 10))
	rs := waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if len(rs.Status.Conditions) == 0 || rs.Status.Replicas != 3 {
			return fmt.Errorf("status %+v", rs.Status)
		}
		return nil
	})
	cond := rs.Status.Conditions[0]
	if cond.Type != apps.ReplicaSetReplicaFailure || cond.Status != core.ConditionTrue || cond.Reason != "FailedCreate" ||
		!strings.Contains(cond.Message, "exceeded quota") {
		t.Errorf("condition %+v, want ReplicaFailure True FailedCreate with the quota message", cond)
	}
	// Slow start: the first sync sent batches of 1 and 2 (3 pods) and a
	// batch of 4 that all failed (later syncs retry with batches of 1).
	if n := denied.Load(); n < 4 {
		t.Errorf("%d creates denied, want at least the 4 of the failed batch", n)
	}
	waitEvent(t, c, "FailedCreate")

	quota.Store(100)
	waitStatus(t, env, "web", func(rs *apps.ReplicaSet) error {
		if len(rs.Status.Conditions) != 0 || rs.Status.Replicas != 10 {
			return fmt.Errorf("status %+v", rs.Status)
		}
		return nil
	})
}

// setReadySince makes a pod run and be ready since the given time.
func setReadySince(t *testing.T, c *client.Client, name string, since time.Time) {
	t.Helper()
	err := client.RetryOnConflict(t.Context(), client.DefaultRetry, func() error {
		p, err := podAPI(c).Get(t.Context(), name)
		if err != nil {
			return err
		}
		p.Status.Phase = core.PodRunning
		p.Status.Conditions = []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue, LastTransitionTime: meta.NewTime(since)}}
		_, err = podAPI(c).UpdateStatus(t.Context(), p, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func waitEvent(t *testing.T, c *client.Client, reason string) core.Event {
	t.Helper()
	var found core.Event
	controllertest.Eventually(t, 20*time.Second, func() error {
		l, err := client.Resource[core.Event](c).Namespace(ns).List(t.Context(), nil)
		if err != nil {
			return err
		}
		for _, ev := range l.Items {
			if ev.Reason == reason {
				found = ev
				return nil
			}
		}
		return errors.New("no " + reason + " event")
	})
	if found.Source.Component != replicaset.Component {
		t.Errorf("event from %q, want %q", found.Source.Component, replicaset.Component)
	}
	return found
}
