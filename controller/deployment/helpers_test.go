package deployment_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	"github.com/spar-dev/spar/controller/replicaset"
)

const ns = "default"

// start returns an API server with the Deployment and ReplicaSet
// controllers running.
func start(t *testing.T) *controllertest.Env {
	t.Helper()
	env := controllertest.New(t, nil)
	addControllers(t, env.Manager)
	env.Start()
	return env
}

func addControllers(t testing.TB, m *controller.Manager) {
	t.Helper()
	if err := replicaset.Add(m, nil); err != nil {
		t.Fatal(err)
	}
	if err := deployment.Add(m, nil); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// newDeployment selects app=<name> and runs image.
func newDeployment(name string, n int32, image string) *apps.Deployment {
	lbl := map[string]string{"app": name}
	return &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: ns},
		Spec: apps.DeploymentSpec{
			Replicas: ptr(n),
			Selector: &meta.LabelSelector{MatchLabels: lbl},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: lbl},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "app", Image: image}}},
			},
		},
	}
}

func dAPI(c *client.Client) *client.ResourceClient[apps.Deployment, *apps.Deployment] {
	return client.Resource[apps.Deployment](c).Namespace(ns)
}

func rsAPI(c *client.Client) *client.ResourceClient[apps.ReplicaSet, *apps.ReplicaSet] {
	return client.Resource[apps.ReplicaSet](c).Namespace(ns)
}

func podAPI(c *client.Client) *client.ResourceClient[core.Pod, *core.Pod] {
	return client.Resource[core.Pod](c).Namespace(ns)
}

func create(t *testing.T, c *client.Client, d *apps.Deployment) *apps.Deployment {
	t.Helper()
	out, err := dAPI(c).Create(t.Context(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func patch(t *testing.T, c *client.Client, name, p string) *apps.Deployment {
	t.Helper()
	out, err := dAPI(c).Patch(t.Context(), name, client.StrategicMergePatch, []byte(p), nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func setImage(t *testing.T, c *client.Client, name, image string) *apps.Deployment {
	t.Helper()
	return patch(t, c, name, fmt.Sprintf(`{"spec":{"template":{"spec":{"containers":[{"name":"app","image":%q}]}}}}`, image))
}

// replicaSets returns the ReplicaSets d owns, by revision.
func replicaSets(t *testing.T, c *client.Client, d *apps.Deployment) []apps.ReplicaSet {
	t.Helper()
	l, err := rsAPI(c).List(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []apps.ReplicaSet
	for _, rs := range l.Items {
		if meta.IsControlledBy(&rs.ObjectMeta, d.UID) {
			out = append(out, rs)
		}
	}
	slices.SortFunc(out, func(a, b apps.ReplicaSet) int {
		return strings.Compare(fmt.Sprintf("%09s", a.Annotations[deployment.RevisionAnnotation]), fmt.Sprintf("%09s", b.Annotations[deployment.RevisionAnnotation]))
	})
	return out
}

// waitDeployment waits until check accepts the Deployment.
func waitDeployment(t *testing.T, c *client.Client, name string, check func(d *apps.Deployment) error) *apps.Deployment {
	t.Helper()
	var d *apps.Deployment
	controllertest.Eventually(t, 30*time.Second, func() error {
		var err error
		if d, err = dAPI(c).Get(t.Context(), name); err != nil {
			return err
		}
		return check(d)
	})
	return d
}

func condition(d *apps.Deployment, t apps.DeploymentConditionType) *apps.DeploymentCondition {
	for i := range d.Status.Conditions {
		if d.Status.Conditions[i].Type == t {
			return &d.Status.Conditions[i]
		}
	}
	return nil
}

// complete is `kubectl rollout status`'s test, plus no old replicas.
func complete(d *apps.Deployment) error {
	st := d.Status
	want := *d.Spec.Replicas
	if d.Generation > st.ObservedGeneration || st.UpdatedReplicas != want || st.Replicas != want || st.AvailableReplicas != want {
		return fmt.Errorf("rollout not complete: generation %d, status %+v", d.Generation, st)
	}
	if c := condition(d, apps.DeploymentProgressing); c == nil || c.Reason != deployment.ReasonNewReplicaSetAvailable {
		return fmt.Errorf("progressing condition %+v", c)
	}
	return nil
}

func waitComplete(t *testing.T, c *client.Client, name string) *apps.Deployment {
	t.Helper()
	return waitDeployment(t, c, name, complete)
}

// setReady plays the node agent (there is no kubelet here): the pod runs
// and is ready.
func setReady(ctx context.Context, c *client.Client, name string) error {
	return client.RetryOnConflict(ctx, client.DefaultRetry, func() error {
		p, err := podAPI(c).Get(ctx, name)
		if err != nil {
			return err
		}
		if core.IsPodReady(p) {
			return nil
		}
		p.Status.Phase = core.PodRunning
		core.SetPodCondition(&p.Status, core.PodCondition{Type: core.PodReady, Status: core.ConditionTrue})
		_, err = podAPI(c).UpdateStatus(ctx, p, nil)
		return err
	})
}

// nodeAgent makes every pod matching selector ready as it appears, until
// the returned stop is called (or the test ends).
func nodeAgent(t *testing.T, c *client.Client, selector string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			l, err := podAPI(c).List(ctx, &client.ListOptions{LabelSelector: selector})
			if err != nil {
				retryPause(ctx)
				continue
			}
			for _, p := range l.Items {
				if !core.IsPodReady(&p) && p.DeletionTimestamp == nil {
					setReady(ctx, c, p.Name)
				}
			}
			w, err := podAPI(c).Watch(ctx, &client.WatchOptions{LabelSelector: selector, ResourceVersion: l.ResourceVersion})
			if err != nil {
				retryPause(ctx)
				continue
			}
			for {
				ev, err := w.Next()
				if err != nil {
					break
				}
				if (ev.Type == client.Added || ev.Type == client.Modified) && !core.IsPodReady(ev.Object) && ev.Object.DeletionTimestamp == nil {
					setReady(ctx, c, ev.Object.Name)
				}
			}
			w.Stop()
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// retryPause paces the agent's retries after a failed list or watch.
func retryPause(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Millisecond):
	}
}

// podTracker follows the pods of a selector through a watch and checks a
// predicate on every state it observes, in the server's order.
type podTracker struct {
	mu    sync.Mutex
	pods  map[meta.UID]*core.Pod
	check func(pods []*core.Pod) error
	errs  []string
	seen  int
}

func trackPods(t *testing.T, c *client.Client, selector string, check func(pods []*core.Pod) error) *podTracker {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l, err := podAPI(c).List(ctx, &client.ListOptions{LabelSelector: selector})
	if err != nil {
		t.Fatal(err)
	}
	pt := &podTracker{pods: map[meta.UID]*core.Pod{}, check: check}
	for i := range l.Items {
		pt.pods[l.Items[i].UID] = &l.Items[i]
	}
	w, err := podAPI(c).Watch(ctx, &client.WatchOptions{LabelSelector: selector, ResourceVersion: l.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			ev, err := w.Next()
			if err != nil {
				return
			}
			pt.mu.Lock()
			switch ev.Type {
			case client.Added, client.Modified:
				pt.pods[ev.Object.UID] = ev.Object
			case client.Deleted:
				delete(pt.pods, ev.Object.UID)
			}
			pt.seen++
			if err := pt.check(pt.activeLocked()); err != nil {
				pt.errs = append(pt.errs, fmt.Sprintf("after event %d (%s %s): %v", pt.seen, ev.Type, ev.Object.Name, err))
			}
			pt.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return pt
}

func (pt *podTracker) activeLocked() []*core.Pod {
	var out []*core.Pod
	for _, p := range pt.pods {
		if p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *core.Pod) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// active returns the pods the tracker sees now.
func (pt *podTracker) active() []*core.Pod {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	return pt.activeLocked()
}

func (pt *podTracker) violations() []string {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	return slices.Clone(pt.errs)
}

func image(p *core.Pod) string { return p.Spec.Containers[0].Image }

func countReady(pods []*core.Pod) int {
	n := 0
	for _, p := range pods {
		if core.IsPodReady(p) {
			n++
		}
	}
	return n
}
