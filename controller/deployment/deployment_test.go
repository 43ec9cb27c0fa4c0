package deployment_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/deployment"
)

// A new Deployment gets one ReplicaSet named after its template's hash,
// with the hash in the selector and labels, revision 1, and the status of
// its pods.
func TestCreate(t *testing.T) {
	env := start(t)
	d := create(t, env.Client, newDeployment("web", 3, "nginx:1.27"))
	nodeAgent(t, env.Client, "app=web")
	d = waitComplete(t, env.Client, "web")

	rss := replicaSets(t, env.Client, d)
	if len(rss) != 1 {
		t.Fatalf("%d ReplicaSets, want 1", len(rss))
	}
	rs := rss[0]
	hash := deployment.PodTemplateHash(&d.Spec.Template, nil)
	checks := []struct {
		what      string
		got, want any
	}{
		{"name", rs.Name, "web-" + hash},
		{"selector", rs.Spec.Selector.MatchLabels, map[string]string{"app": "web", "pod-template-hash": hash}},
		{"labels", rs.Labels, map[string]string{"app": "web", "pod-template-hash": hash}},
		{"template labels", rs.Spec.Template.Labels, map[string]string{"app": "web", "pod-template-hash": hash}},
		{"replicas", *rs.Spec.Replicas, int32(3)},
		{"revision", rs.Annotations[deployment.RevisionAnnotation], "1"},
		{"desired-replicas", rs.Annotations[deployment.DesiredReplicasAnnotation], "3"},
		// maxSurge 25% of 3, rounded up.
		{"max-replicas", rs.Annotations[deployment.MaxReplicasAnnotation], "4"},
		{"deployment revision", d.Annotations[deployment.RevisionAnnotation], "1"},
		{"status", fmt.Sprintf("%d/%d/%d/%d/%d", d.Status.Replicas, d.Status.UpdatedReplicas, d.Status.ReadyReplicas,
			d.Status.AvailableReplicas, d.Status.UnavailableReplicas), "3/3/3/3/0"},
		{"observedGeneration", d.Status.ObservedGeneration, d.Generation},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if !meta.IsControlledBy(&rs.ObjectMeta, d.UID) {
		t.Errorf("ReplicaSet owners %+v", rs.OwnerReferences)
	}
	if c := condition(d, apps.DeploymentAvailable); c == nil || c.Status != core.ConditionTrue || c.Reason != deployment.ReasonMinimumReplicasAvailable {
		t.Errorf("Available condition %+v", c)
	}
	if c := condition(d, apps.DeploymentProgressing); c == nil || c.Status != core.ConditionTrue || c.Reason != deployment.ReasonNewReplicaSetAvailable ||
		c.Message != fmt.Sprintf("ReplicaSet %q has successfully progressed.", rs.Name) {
		t.Errorf("Progressing condition %+v", c)
	}
	pods, err := podAPI(env.Client).List(t.Context(), &client.ListOptions{LabelSelector: "app=web"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Labels["pod-template-hash"] != hash || !meta.IsControlledBy(&p.ObjectMeta, rs.UID) {
			t.Errorf("pod %s labels %v owners %+v", p.Name, p.Labels, p.OwnerReferences)
		}
	}
}

// The hash is Kubernetes' recipe: FNV-32a, collisionCount appended,
// rendered in the safe alphabet; a collision count changes it.
func TestPodTemplateHash(t *testing.T) {
	tmpl := &newDeployment("web", 1, "nginx").Spec.Template
	h0 := deployment.PodTemplateHash(tmpl, nil)
	h1 := deployment.PodTemplateHash(tmpl, ptr[int32](1))
	h2 := deployment.PodTemplateHash(tmpl, ptr[int32](2))
	for _, h := range []string{h0, h1, h2} {
		if len(h) < 1 || len(h) > 10 {
			t.Errorf("hash %q: want 1 to 10 characters (a uint32 in decimal)", h)
		}
		for _, r := range h {
			if !slicesContainsRune("bcdfghjklmnpqrstvwxz2456789", r) {
				t.Errorf("hash %q has %q, outside the safe alphabet", h, r)
			}
		}
	}
	if h0 == h1 || h1 == h2 {
		t.Errorf("collision counts do not change the hash: %s %s %s", h0, h1, h2)
	}
	if again := deployment.PodTemplateHash(tmpl, nil); again != h0 {
		t.Errorf("hash not stable: %s then %s", h0, again)
	}
	other := &newDeployment("web", 1, "nginx:2").Spec.Template
	if deployment.PodTemplateHash(other, nil) == h0 {
		t.Error("different templates hash the same")
	}
}

func slicesContainsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

// A rolling update respects maxSurge and maxUnavailable in every state the
// pods pass through, while the test makes the new pods ready one by one.
func TestRollingUpdateBounds(t *testing.T) {
	tests := []struct {
		replicas                 int32
		maxSurge, maxUnavailable meta.IntOrString
		wantSurge, wantUnav      int
	}{
		{5, meta.FromInt(2), meta.FromInt(1), 2, 1},
		{10, meta.FromString("25%"), meta.FromString("25%"), 3, 2}, // 2.5 rounds up for surge, down for unavailable
		{3, meta.FromInt(0), meta.FromInt(1), 0, 1},
		{3, meta.FromInt(1), meta.FromInt(0), 1, 0},
		{4, meta.FromString("10%"), meta.FromString("10%"), 1, 0}, // 0.4: surge 1, unavailable 0
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d-%s-%s", tt.replicas, tt.maxSurge.String(), tt.maxUnavailable.String()), func(t *testing.T) {
			env := start(t)
			d := newDeployment("web", tt.replicas, "app:v1")
			d.Spec.Strategy.RollingUpdate = &apps.RollingUpdateDeployment{MaxSurge: &tt.maxSurge, MaxUnavailable: &tt.maxUnavailable}
			create(t, env.Client, d)
			stop := nodeAgent(t, env.Client, "app=web")
			waitComplete(t, env.Client, "web")
			stop()

			maxPods := int(tt.replicas) + tt.wantSurge
			minReady := int(tt.replicas) - tt.wantUnav
			pt := trackPods(t, env.Client, "app=web", func(pods []*core.Pod) error {
				if len(pods) > maxPods {
					return fmt.Errorf("%d pods, more than replicas+maxSurge = %d", len(pods), maxPods)
				}
				if r := countReady(pods); r < minReady {
					return fmt.Errorf("%d pods ready, fewer than replicas-maxUnavailable = %d", r, minReady)
				}
				return nil
			})
			setImage(t, env.Client, "web", "app:v2")
			// Step by step: make one new pod ready, wait for the next.
			controllertest.Eventually(t, 60*time.Second, func() error {
				for _, p := range pt.active() {
					if image(p) == "app:v2" && !core.IsPodReady(p) {
						if err := setReady(t.Context(), env.Client, p.Name); err != nil && !client.IsNotFound(err) {
							return err
						}
						return fmt.Errorf("made %s ready; continuing", p.Name)
					}
				}
				d, err := dAPI(env.Client).Get(t.Context(), "web")
				if err != nil {
					return err
				}
				return complete(d)
			})
			// The tracker's watch may trail the status just read.
			controllertest.Eventually(t, 30*time.Second, func() error {
				final := pt.active()
				if len(final) != int(tt.replicas) {
					return fmt.Errorf("%d pods at the end, want %d", len(final), tt.replicas)
				}
				for _, p := range final {
					if image(p) != "app:v2" {
						return fmt.Errorf("pod %s still runs %s", p.Name, image(p))
					}
				}
				return nil
			})
			for _, v := range pt.violations() {
				t.Error(v)
			}
		})
	}
}

// Recreate stops every old pod before it starts a new one.
func TestRecreate(t *testing.T) {
	env := start(t)
	d := newDeployment("web", 3, "app:v1")
	d.Spec.Strategy = apps.DeploymentStrategy{Type: apps.RecreateDeploymentStrategyType}
	create(t, env.Client, d)
	nodeAgent(t, env.Client, "app=web")
	waitComplete(t, env.Client, "web")
	pt := trackPods(t, env.Client, "app=web", func(pods []*core.Pod) error {
		images := map[string]int{}
		for _, p := range pods {
			images[image(p)]++
		}
		if images["app:v1"] > 0 && images["app:v2"] > 0 {
			return fmt.Errorf("old and new pods at once: %v", images)
		}
		return nil
	})
	setImage(t, env.Client, "web", "app:v2")
	d = waitComplete(t, env.Client, "web")
	for _, v := range pt.violations() {
		t.Error(v)
	}
	rss := replicaSets(t, env.Client, d)
	if len(rss) != 2 || *rss[0].Spec.Replicas != 0 || *rss[1].Spec.Replicas != 3 {
		t.Errorf("ReplicaSets %v, want the old one at 0 and the new one at 3", rsSummary(rss))
	}
}

func rsSummary(rss []apps.ReplicaSet) []string {
	var out []string
	for _, rs := range rss {
		out = append(out, fmt.Sprintf("%s(rev %s, %d/%d)", rs.Name, rs.Annotations[deployment.RevisionAnnotation], *rs.Spec.Replicas, rs.Status.Replicas))
	}
	return out
}

// A paused Deployment scales but does not roll out; resumed, it does.
func TestPauseResume(t *testing.T) {
	env := start(t)
	d := create(t, env.Client, newDeployment("web", 2, "app:v1"))
	nodeAgent(t, env.Client, "app=web")
	waitComplete(t, env.Client, "web")

	patch(t, env.Client, "web", `{"spec":{"paused":true}}`)
	waitDeployment(t, env.Client, "web", func(d *apps.Deployment) error {
		if c := condition(d, apps.DeploymentProgressing); c == nil || c.Reason != deployment.ReasonDeploymentPaused || c.Status != core.ConditionUnknown {
			return fmt.Errorf("progressing condition %+v", c)
		}
		return nil
	})
	setImage(t, env.Client, "web", "app:v2")
	patch(t, env.Client, "web", `{"spec":{"replicas":4}}`)
	waitDeployment(t, env.Client, "web", func(d *apps.Deployment) error {
		if d.Status.ObservedGeneration != d.Generation || d.Status.Replicas != 4 {
			return fmt.Errorf("generation %d, status %+v", d.Generation, d.Status)
		}
		return nil
	})
	if rss := replicaSets(t, env.Client, d); len(rss) != 1 || *rss[0].Spec.Replicas != 4 {
		t.Fatalf("paused: ReplicaSets %v, want the old one scaled to 4 and no new one", rsSummary(rss))
	}

	patch(t, env.Client, "web", `{"spec":{"paused":false}}`)
	d = waitComplete(t, env.Client, "web")
	rss := replicaSets(t, env.Client, d)
	if len(rss) != 2 || *rss[1].Spec.Replicas != 4 || rss[1].Spec.Template.Spec.Containers[0].Image != "app:v2" {
		t.Errorf("resumed: ReplicaSets %v", rsSummary(rss))
	}
}

// Undo as `kubectl rollout undo` does it: the template of the previous
// revision's ReplicaSet is patched back into the Deployment; that
// ReplicaSet becomes the new one with the next revision, remembering its
// old one.
func TestRollbackByRevision(t *testing.T) {
	env := start(t)
	d := create(t, env.Client, newDeployment("web", 2, "app:v1"))
	nodeAgent(t, env.Client, "app=web")
	waitComplete(t, env.Client, "web")
	setImage(t, env.Client, "web", "app:v2")
	d = waitComplete(t, env.Client, "web")
	rss := replicaSets(t, env.Client, d)
	if len(rss) != 2 {
		t.Fatalf("ReplicaSets %v", rsSummary(rss))
	}
	rev1 := rss[0]
	tmpl := meta.DeepCopy(rev1.Spec.Template)
	delete(tmpl.Labels, apps.DefaultDeploymentUniqueLabelKey)
	ops, _ := json.Marshal([]map[string]any{{"op": "replace", "path": "/spec/template", "value": tmpl}})
	if _, err := dAPI(env.Client).Patch(t.Context(), "web", client.JSONPatch, ops, nil); err != nil {
		t.Fatal(err)
	}
	d = waitDeployment(t, env.Client, "web", func(d *apps.Deployment) error {
		if err := complete(d); err != nil {
			return err
		}
		if d.Annotations[deployment.RevisionAnnotation] != "3" {
			return fmt.Errorf("deployment revision %q", d.Annotations[deployment.RevisionAnnotation])
		}
		return nil
	})
	rss = replicaSets(t, env.Client, d)
	if len(rss) != 2 {
		t.Fatalf("ReplicaSets %v, want the two revisions", rsSummary(rss))
	}
	back := rss[1]
	if back.UID != rev1.UID || back.Annotations[deployment.RevisionAnnotation] != "3" ||
		back.Annotations[deployment.RevisionHistoryAnnotation] != "1" || *back.Spec.Replicas != 2 {
		t.Errorf("rolled back to %s, want %s with revision 3, history 1, 2 replicas", rsSummary(rss[1:]), rev1.Name)
	}
	if *rss[0].Spec.Replicas != 0 {
		t.Errorf("revision 2 still has replicas: %v", rsSummary(rss))
	}
}

// Old empty ReplicaSets beyond revisionHistoryLimit are deleted, oldest
// revision first.
func TestRevisionHistoryLimit(t *testing.T) {
	env := start(t)
	d := newDeployment("web", 1, "app:v1")
	d.Spec.RevisionHistoryLimit = ptr[int32](1)
	d = create(t, env.Client, d)
	nodeAgent(t, env.Client, "app=web")
	waitComplete(t, env.Client, "web")
	for _, img := range []string{"app:v2", "app:v3", "app:v4"} {
		setImage(t, env.Client, "web", img)
		waitComplete(t, env.Client, "web")
	}
	controllertest.Eventually(t, 30*time.Second, func() error {
		rss := replicaSets(t, env.Client, d)
		var revs []string
		for _, rs := range rss {
			revs = append(revs, rs.Annotations[deployment.RevisionAnnotation])
		}
		if !slices.Equal(revs, []string{"3", "4"}) {
			return fmt.Errorf("revisions %v (%v), want 3 and 4", revs, rsSummary(rss))
		}
		return nil
	})
}

// A rollout whose pods never become ready fails its progress deadline.
func TestProgressDeadlineExceeded(t *testing.T) {
	env := start(t)
	d := newDeployment("web", 2, "app:v1")
	d.Spec.ProgressDeadlineSeconds = ptr[int32](2)
	create(t, env.Client, d)
	d = waitDeployment(t, env.Client, "web", func(d *apps.Deployment) error {
		c := condition(d, apps.DeploymentProgressing)
		if c == nil || c.Status != core.ConditionFalse || c.Reason != deployment.ReasonProgressDeadlineExceeded {
			return fmt.Errorf("progressing condition %+v", c)
		}
		return nil
	})
	c := condition(d, apps.DeploymentProgressing)
	if want := fmt.Sprintf("ReplicaSet %q has timed out progressing.", replicaSets(t, env.Client, d)[0].Name); c.Message != want {
		t.Errorf("message %q, want %q", c.Message, want)
	}
	if c := condition(d, apps.DeploymentAvailable); c == nil || c.Status != core.ConditionFalse || c.Reason != deployment.ReasonMinimumReplicasUnavailable {
		t.Errorf("Available condition %+v", c)
	}
	// Progress afterwards does not clear a reported failure by itself, but
	// a completed rollout does.
	nodeAgent(t, env.Client, "app=web")
	waitComplete(t, env.Client, "web")
}

// Scaling during a rollout shares the new replicas among the ReplicaSets
// in proportion to their sizes (Kubernetes' e2e case: 10 replicas, surge
// 3, unavailable 2, a new template that never becomes ready; scaled to 30,
// the old ReplicaSet goes from 8 to 20 and the new one from 5 to 13).
func TestProportionalScaling(t *testing.T) {
	env := start(t)
	d := newDeployment("web", 10, "app:v1")
	d.Spec.Strategy.RollingUpdate = &apps.RollingUpdateDeployment{MaxSurge: ptr(meta.FromInt(3)), MaxUnavailable: ptr(meta.FromInt(2))}
	d = create(t, env.Client, d)
	stop := nodeAgent(t, env.Client, "app=web")
	waitComplete(t, env.Client, "web")
	stop()
	setImage(t, env.Client, "web", "app:broken")
	sizes := func(want ...int32) func() error {
		return func() error {
			rss := replicaSets(t, env.Client, d)
			var got []int32
			for _, rs := range rss {
				got = append(got, *rs.Spec.Replicas)
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("ReplicaSets %v, want sizes %v", rsSummary(rss), want)
			}
			return nil
		}
	}
	controllertest.Eventually(t, 30*time.Second, sizes(8, 5))
	patch(t, env.Client, "web", `{"spec":{"replicas":30}}`)
	controllertest.Eventually(t, 30*time.Second, sizes(20, 13))
	for _, rs := range replicaSets(t, env.Client, d) {
		if rs.Annotations[deployment.DesiredReplicasAnnotation] != "30" || rs.Annotations[deployment.MaxReplicasAnnotation] != "33" {
			t.Errorf("%s annotations %v, want desired 30, max 33", rs.Name, rs.Annotations)
		}
	}
}

// Orphan ReplicaSets that match are adopted (one with the current
// template becomes the new ReplicaSet); one relabeled out of the selector
// is released.
func TestAdoptAndRelease(t *testing.T) {
	env := start(t)
	d := newDeployment("web", 2, "app:v1")
	// An orphan ReplicaSet with the Deployment's template and its hash.
	hash := deployment.PodTemplateHash(&d.Spec.Template, nil)
	lbl := map[string]string{"app": "web", "pod-template-hash": hash}
	orphan, err := rsAPI(env.Client).Create(t.Context(), &apps.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: "web-" + hash, Namespace: ns, Labels: lbl},
		Spec: apps.ReplicaSetSpec{Replicas: ptr[int32](2), Selector: &meta.LabelSelector{MatchLabels: lbl},
			Template: core.PodTemplateSpec{ObjectMeta: meta.ObjectMeta{Labels: lbl}, Spec: d.Spec.Template.Spec}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d = create(t, env.Client, d)
	nodeAgent(t, env.Client, "app=web")
	d = waitComplete(t, env.Client, "web")
	rss := replicaSets(t, env.Client, d)
	if len(rss) != 1 || rss[0].UID != orphan.UID {
		t.Fatalf("ReplicaSets %v, want the adopted orphan only", rsSummary(rss))
	}
	if ref := meta.ControllerOf(&rss[0].ObjectMeta); ref == nil || ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion {
		t.Errorf("adopted with %+v", rss[0].OwnerReferences)
	}
	// Relabeled out of the selector: released, and replaced.
	if _, err := rsAPI(env.Client).Patch(t.Context(), orphan.Name, client.MergePatch, []byte(`{"metadata":{"labels":{"app":"other"}}}`), nil); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, 30*time.Second, func() error {
		rs, err := rsAPI(env.Client).Get(t.Context(), orphan.Name)
		if err != nil {
			return err
		}
		if len(rs.OwnerReferences) != 0 {
			return fmt.Errorf("still owned: %+v", rs.OwnerReferences)
		}
		return nil
	})
}

// A controller manager stopped in the middle of a rollout and replaced by
// another (fresh caches, no memory) finishes it within the same bounds,
// with the same ReplicaSets.
func TestRestartMidRollout(t *testing.T) {
	env := controllertest.New(t, nil)
	addControllers(t, env.Manager)
	stopFirst := runManager(t, env.Manager)
	d := newDeployment("web", 4, "app:v1")
	d.Spec.Strategy.RollingUpdate = &apps.RollingUpdateDeployment{MaxSurge: ptr(meta.FromInt(1)), MaxUnavailable: ptr(meta.FromInt(0))}
	d = create(t, env.Client, d)
	stopAgent := nodeAgent(t, env.Client, "app=web")
	waitComplete(t, env.Client, "web")
	stopAgent()
	pt := trackPods(t, env.Client, "app=web", func(pods []*core.Pod) error {
		if len(pods) > 5 {
			return fmt.Errorf("%d pods, more than 5", len(pods))
		}
		if r := countReady(pods); r < 4 {
			return fmt.Errorf("%d ready, fewer than 4", r)
		}
		return nil
	})
	setImage(t, env.Client, "web", "app:v2")
	// Step until one new pod is ready and an old one is gone.
	step := func() error {
		for _, p := range pt.active() {
			if image(p) == "app:v2" && !core.IsPodReady(p) {
				if err := setReady(t.Context(), env.Client, p.Name); err != nil && !client.IsNotFound(err) {
					return err
				}
				return fmt.Errorf("made %s ready; continuing", p.Name)
			}
		}
		return nil
	}
	// Count first: once an old pod is gone, no more new pods are made
	// ready, so the rollout stays in mid-flight however fast it runs.
	controllertest.Eventually(t, 30*time.Second, func() error {
		n := 0
		for _, p := range pt.active() {
			if image(p) == "app:v1" {
				n++
			}
		}
		if n <= 3 {
			return nil
		}
		if err := step(); err != nil {
			return err
		}
		return fmt.Errorf("%d old pods", n)
	})
	stopFirst()

	second := controller.NewManager(env.Client, nil)
	addControllers(t, second)
	runManager(t, second)
	controllertest.Eventually(t, 60*time.Second, func() error {
		if err := step(); err != nil {
			return err
		}
		d, err := dAPI(env.Client).Get(t.Context(), "web")
		if err != nil {
			return err
		}
		return complete(d)
	})
	for _, v := range pt.violations() {
		t.Error(v)
	}
	if rss := replicaSets(t, env.Client, d); len(rss) != 2 {
		t.Errorf("ReplicaSets %v, want 2", rsSummary(rss))
	}
}

// runManager runs m until the returned stop is called or the test ends.
func runManager(t *testing.T, m *controller.Manager) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.Run(ctx); err != nil && ctx.Err() == nil {
			t.Errorf("manager: %v", err)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}
