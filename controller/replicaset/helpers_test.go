package replicaset_test

import (
	"context"
	"fmt"
	"net/http"
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
	"github.com/spar-dev/spar/controller/replicaset"
)

const ns = "default"

// start returns an API server with the ReplicaSet controller running.
func start(t *testing.T) *controllertest.Env {
	t.Helper()
	env := controllertest.New(t, nil)
	if err := replicaset.Add(env.Manager, nil); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env
}

func ptr[T any](v T) *T { return &v }

// newRS is a ReplicaSet selecting app=<name>.
func newRS(name string, n int32) *apps.ReplicaSet {
	lbl := map[string]string{"app": name}
	return &apps.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: ns},
		Spec: apps.ReplicaSetSpec{
			Replicas: ptr(n),
			Selector: &meta.LabelSelector{MatchLabels: lbl},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: lbl, Annotations: map[string]string{"note": "from-template"}},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}
}

func rsAPI(env *controllertest.Env) *client.ResourceClient[apps.ReplicaSet, *apps.ReplicaSet] {
	return client.Resource[apps.ReplicaSet](env.Client).Namespace(ns)
}

func podAPI(c *client.Client) *client.ResourceClient[core.Pod, *core.Pod] {
	return client.Resource[core.Pod](c).Namespace(ns)
}

func createRS(t *testing.T, env *controllertest.Env, rs *apps.ReplicaSet) *apps.ReplicaSet {
	t.Helper()
	out, err := rsAPI(env).Create(t.Context(), rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func scale(t *testing.T, env *controllertest.Env, name string, n int32) {
	t.Helper()
	if _, err := rsAPI(env).PatchScale(t.Context(), name, client.MergePatch, fmt.Appendf(nil, `{"spec":{"replicas":%d}}`, n), nil); err != nil {
		t.Fatal(err)
	}
}

// pods lists the pods of selector, active ones only, oldest name first.
func pods(t *testing.T, c *client.Client, selector string) []core.Pod {
	t.Helper()
	l, err := podAPI(c).List(t.Context(), &client.ListOptions{LabelSelector: selector})
	if err != nil {
		t.Fatal(err)
	}
	var out []core.Pod
	for _, p := range l.Items {
		if p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

// waitPods waits until selector matches n active pods and returns them.
func waitPods(t *testing.T, c *client.Client, selector string, n int) []core.Pod {
	t.Helper()
	var got []core.Pod
	controllertest.Eventually(t, 20*time.Second, func() error {
		got = pods(t, c, selector)
		if len(got) != n {
			return fmt.Errorf("%d pods match %q, want %d", len(got), selector, n)
		}
		return nil
	})
	return got
}

// setPod plays the node agent (there is no kubelet here): it writes the
// pod's phase and Ready condition through the status subresource.
func setPod(t *testing.T, c *client.Client, name string, phase core.PodPhase, ready bool) {
	t.Helper()
	err := client.RetryOnConflict(t.Context(), client.DefaultRetry, func() error {
		p, err := podAPI(c).Get(t.Context(), name)
		if err != nil {
			return err
		}
		p.Status.Phase = phase
		st := core.ConditionFalse
		if ready {
			st = core.ConditionTrue
		}
		core.SetPodCondition(&p.Status, core.PodCondition{Type: core.PodReady, Status: st})
		_, err = podAPI(c).UpdateStatus(t.Context(), p, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func names(ps []core.Pod) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	slices.Sort(out)
	return out
}

func waitStatus(t *testing.T, env *controllertest.Env, name string, check func(*apps.ReplicaSet) error) *apps.ReplicaSet {
	t.Helper()
	var rs *apps.ReplicaSet
	controllertest.Eventually(t, 20*time.Second, func() error {
		var err error
		if rs, err = rsAPI(env).Get(t.Context(), name); err != nil {
			return err
		}
		return check(rs)
	})
	return rs
}

// countingTransport counts requests by "METHOD resource[/subresource]"
// and answer code, and can run a hook before a request is sent.
type countingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	hits map[string]int
	// before, when set, runs before each request; it may block, or return
	// an error to fail the request without sending it.
	before func(req *http.Request) error
}

func newCounting(next http.RoundTripper) *countingTransport {
	return &countingTransport{next: next, hits: map[string]int{}}
}

// kind names a request by method and the path's resource part, e.g.
// "POST pods" or "PUT replicasets/status"; watches are "WATCH pods".
func kind(req *http.Request) string {
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	res := ""
	for i, p := range parts {
		if p == "namespaces" && i+2 < len(parts) {
			res = strings.Join(parts[i+2:], "/")
			break
		}
	}
	if res == "" && len(parts) > 0 {
		res = parts[len(parts)-1]
	}
	// Drop object names: resource[/name[/sub]] → resource[/sub].
	if seg := strings.Split(res, "/"); len(seg) == 3 {
		res = seg[0] + "/" + seg[2]
	} else if len(seg) == 2 {
		res = seg[0]
	}
	m := req.Method
	if req.URL.Query().Get("watch") == "true" {
		m = "WATCH"
	}
	return m + " " + res
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if c.before != nil {
		if err := c.before(req); err != nil {
			return nil, err
		}
	}
	resp, err := c.next.RoundTrip(req)
	code := 0
	if resp != nil {
		code = resp.StatusCode
	}
	c.mu.Lock()
	c.hits[kind(req)]++
	c.hits[fmt.Sprintf("%s %d", kind(req), code)]++
	c.mu.Unlock()
	return resp, err
}

func (c *countingTransport) count(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits[k]
}

func (c *countingTransport) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.hits {
		out[k] = v
	}
	return out
}

// runManager runs m until the returned stop function is called.
func runManager(t testing.TB, m *controller.Manager) (stop func()) {
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
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	t.Cleanup(stop)
	return stop
}
