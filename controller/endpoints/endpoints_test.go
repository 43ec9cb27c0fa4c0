package endpoints_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/endpoints"
)

const ns = "default"

// cluster is an API server with the endpoints controller running; the
// test plays the user (services, pods) and the node agent (pod status).
type cluster struct {
	t         *testing.T
	ctx       context.Context
	c         *client.Client
	pods      *client.ResourceClient[core.Pod, *core.Pod]
	services  *client.ResourceClient[core.Service, *core.Service]
	endpoints *client.ResourceClient[core.Endpoints, *core.Endpoints]
}

func start(t *testing.T) *cluster {
	t.Helper()
	env := controllertest.New(t, nil)
	if err := endpoints.Add(env.Manager, nil); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return &cluster{
		t: t, ctx: t.Context(), c: env.Client,
		pods:      client.Resource[core.Pod](env.Client).Namespace(ns),
		services:  client.Resource[core.Service](env.Client).Namespace(ns),
		endpoints: client.Resource[core.Endpoints](env.Client).Namespace(ns),
	}
}

type podSpec struct {
	name      string
	labels    map[string]string
	ports     []core.ContainerPort
	node      string
	hostname  string
	subdomain string
}

func (c *cluster) createPod(p podSpec) *core.Pod {
	c.t.Helper()
	pod := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: p.name, Labels: p.labels},
		Spec: core.PodSpec{
			NodeName: p.node, Hostname: p.hostname, Subdomain: p.subdomain,
			Containers: []core.Container{{Name: "app", Image: "app:1", Ports: p.ports}},
		},
	}
	out, err := c.pods.Create(c.ctx, pod, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// setStatus plays the kubelet: the pod runs with ip ("" for none yet) and
// is ready or not; phase overrides Running when set.
func (c *cluster) setStatus(name, ip string, ready bool, phase core.PodPhase) {
	c.t.Helper()
	err := client.RetryOnConflict(c.ctx, client.DefaultRetry, func() error {
		pod, err := c.pods.Get(c.ctx, name)
		if err != nil {
			return err
		}
		if phase == "" {
			phase = core.PodRunning
		}
		pod.Status.Phase = phase
		pod.Status.PodIP, pod.Status.PodIPs = ip, nil
		if ip != "" {
			pod.Status.PodIPs = []core.PodIP{{IP: ip}}
		}
		status := core.ConditionFalse
		if ready {
			status = core.ConditionTrue
		}
		core.SetPodCondition(&pod.Status, core.PodCondition{Type: core.PodReady, Status: status})
		_, err = c.pods.UpdateStatus(c.ctx, pod, nil)
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

func (c *cluster) createService(svc *core.Service) *core.Service {
	c.t.Helper()
	out, err := c.services.Create(c.ctx, svc, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

func service(name string, selector map[string]string, ports ...core.ServicePort) *core.Service {
	return &core.Service{ObjectMeta: meta.ObjectMeta{Name: name}, Spec: core.ServiceSpec{Selector: selector, Ports: ports}}
}

// render shows subsets compactly: one line per subset,
// "ready=[ip/pod@node ...] notReady=[...] ports=[name:port/proto ...]",
// with "#host" after a pod that has a hostname.
func render(subsets []core.EndpointSubset) string {
	addrs := func(as []core.EndpointAddress) string {
		var parts []string
		for _, a := range as {
			s := a.IP
			if a.TargetRef != nil {
				s += "/" + a.TargetRef.Name
			}
			if a.NodeName != nil {
				s += "@" + *a.NodeName
			}
			if a.Hostname != "" {
				s += "#" + a.Hostname
			}
			parts = append(parts, s)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	var lines []string
	for _, s := range subsets {
		var ports []string
		for _, p := range s.Ports {
			ports = append(ports, fmt.Sprintf("%s:%d/%s", p.Name, p.Port, p.Protocol))
		}
		lines = append(lines, fmt.Sprintf("ready=%s notReady=%s ports=[%s]", addrs(s.Addresses), addrs(s.NotReadyAddresses), strings.Join(ports, " ")))
	}
	return strings.Join(lines, "\n")
}

// waitFor waits until the Endpoints called name render as want ("" for
// no subsets) and returns them.
func (c *cluster) waitFor(name, want string) *core.Endpoints {
	c.t.Helper()
	var ep *core.Endpoints
	controllertest.Eventually(c.t, 10*time.Second, func() error {
		var err error
		ep, err = c.endpoints.Get(c.ctx, name)
		if err != nil {
			return err
		}
		if got := render(ep.Subsets); got != want {
			return fmt.Errorf("endpoints %s:\ngot  %s\nwant %s", name, got, want)
		}
		return nil
	})
	return ep
}

func (c *cluster) waitGone(name string) {
	c.t.Helper()
	controllertest.Eventually(c.t, 10*time.Second, func() error {
		_, err := c.endpoints.Get(c.ctx, name)
		if client.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("endpoints %s still there (err %v)", name, err)
	})
}

var web = map[string]string{"app": "web"}

func TestReadyAndNotReadyAddresses(t *testing.T) {
	c := start(t)
	c.createService(service("web", web, core.ServicePort{Name: "http", Port: 80, TargetPort: meta.FromInt(8080)}))
	c.createPod(podSpec{name: "ready", labels: web, node: "n1"})
	c.createPod(podSpec{name: "unready", labels: web, node: "n2"})
	c.createPod(podSpec{name: "no-ip", labels: web, node: "n1"})
	c.createPod(podSpec{name: "done", labels: web, node: "n1"})
	c.createPod(podSpec{name: "other", labels: map[string]string{"app": "db"}, node: "n1"})
	c.setStatus("ready", "10.244.0.2", true, "")
	c.setStatus("unready", "10.244.0.1", false, "")
	c.setStatus("no-ip", "", true, "")
	c.setStatus("done", "10.244.0.3", false, core.PodSucceeded)
	c.setStatus("other", "10.244.0.4", true, "")

	ep := c.waitFor("web", "ready=[10.244.0.2/ready@n1] notReady=[10.244.0.1/unready@n2] ports=[http:8080/TCP]")
	if got, want := ep.Labels[endpoints.LabelManagedBy], endpoints.ControllerName; got != want {
		t.Errorf("label %s = %q, want %q", endpoints.LabelManagedBy, got, want)
	}
	if _, ok := ep.Labels[endpoints.LabelHeadless]; ok {
		t.Errorf("a service with a cluster IP got the %s label", endpoints.LabelHeadless)
	}
	ref := ep.Subsets[0].Addresses[0].TargetRef
	pod, err := c.pods.Get(c.ctx, "ready")
	if err != nil {
		t.Fatal(err)
	}
	if ref.Kind != "Pod" || ref.Namespace != ns || ref.UID != pod.UID {
		t.Errorf("targetRef = %+v, want the pod %s/%s (uid %s)", *ref, ns, pod.Name, pod.UID)
	}
	if _, err := time.Parse(time.RFC3339Nano, ep.Annotations[endpoints.AnnotationLastChangeTriggerTime]); err != nil {
		t.Errorf("annotation %s: %v", endpoints.AnnotationLastChangeTriggerTime, err)
	}

	// The not-ready pod becomes ready: it moves over.
	c.setStatus("unready", "10.244.0.1", true, "")
	c.waitFor("web", "ready=[10.244.0.1/unready@n2 10.244.0.2/ready@n1] notReady=[] ports=[http:8080/TCP]")
}

func TestNamedTargetPortResolvedPerPod(t *testing.T) {
	c := start(t)
	c.createService(service("web", web,
		core.ServicePort{Name: "http", Port: 80, TargetPort: meta.FromString("web")},
		core.ServicePort{Name: "metrics", Port: 9100, TargetPort: meta.FromInt(9100)}))
	// Two pods expose "web" under different numbers; a third not at all.
	c.createPod(podSpec{name: "a", labels: web, node: "n1", ports: []core.ContainerPort{{Name: "web", ContainerPort: 8080}}})
	c.createPod(podSpec{name: "b", labels: web, node: "n1", ports: []core.ContainerPort{{Name: "web", ContainerPort: 9090}}})
	c.createPod(podSpec{name: "c", labels: web, node: "n1", ports: []core.ContainerPort{{Name: "admin", ContainerPort: 8080}}})
	// A UDP port of the same name does not match the TCP service port.
	c.createPod(podSpec{name: "d", labels: web, node: "n1", ports: []core.ContainerPort{{Name: "web", ContainerPort: 7070, Protocol: core.ProtocolUDP}}})
	for i, name := range []string{"a", "b", "c", "d"} {
		c.setStatus(name, fmt.Sprintf("10.244.0.%d", i+1), true, "")
	}
	c.waitFor("web", strings.Join([]string{
		"ready=[10.244.0.1/a@n1] notReady=[] ports=[http:8080/TCP]",
		"ready=[10.244.0.2/b@n1] notReady=[] ports=[http:9090/TCP]",
		"ready=[10.244.0.1/a@n1 10.244.0.2/b@n1 10.244.0.3/c@n1 10.244.0.4/d@n1] notReady=[] ports=[metrics:9100/TCP]",
	}, "\n"))
}

func TestPortsWithTheSameAddressesShareASubset(t *testing.T) {
	c := start(t)
	c.createService(service("web", web,
		core.ServicePort{Name: "https", Port: 443, TargetPort: meta.FromInt(8443)},
		core.ServicePort{Name: "http", Port: 80, TargetPort: meta.FromInt(8080)}))
	c.createPod(podSpec{name: "a", labels: web, node: "n1"})
	c.createPod(podSpec{name: "b", labels: web, node: "n1"})
	c.setStatus("a", "10.244.0.10", true, "")
	c.setStatus("b", "10.244.0.9", false, "")
	// Addresses sort as strings, as Kubernetes sorts them.
	c.waitFor("web", "ready=[10.244.0.10/a@n1] notReady=[10.244.0.9/b@n1] ports=[http:8080/TCP https:8443/TCP]")
}

func TestPublishNotReadyAddresses(t *testing.T) {
	c := start(t)
	svc := service("web", web, core.ServicePort{Port: 80})
	svc.Spec.PublishNotReadyAddresses = true
	c.createService(svc)
	c.createPod(podSpec{name: "a", labels: web, node: "n1"})
	c.createPod(podSpec{name: "b", labels: web, node: "n1"})
	c.setStatus("a", "10.244.0.1", false, "")
	c.setStatus("b", "10.244.0.2", true, "")
	c.waitFor("web", "ready=[10.244.0.1/a@n1 10.244.0.2/b@n1] notReady=[] ports=[:80/TCP]")

	// A terminating pod stays published too.
	if err := c.pods.Delete(c.ctx, "a", nil); err != nil {
		t.Fatal(err)
	}
	pod, err := c.pods.Get(c.ctx, "a")
	if err != nil || pod.DeletionTimestamp == nil {
		t.Fatalf("pod a after a graceful delete: %v, %v; want it terminating", pod, err)
	}
	c.createService(service("plain", web, core.ServicePort{Port: 80}))
	c.waitFor("plain", "ready=[10.244.0.2/b@n1] notReady=[] ports=[:80/TCP]")
	c.waitFor("web", "ready=[10.244.0.1/a@n1 10.244.0.2/b@n1] notReady=[] ports=[:80/TCP]")
}

func TestTerminatingPodsLeave(t *testing.T) {
	c := start(t)
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	c.createPod(podSpec{name: "a", labels: web, node: "n1"})
	c.createPod(podSpec{name: "b", labels: web, node: "n1"})
	c.setStatus("a", "10.244.0.1", true, "")
	c.setStatus("b", "10.244.0.2", true, "")
	c.waitFor("web", "ready=[10.244.0.1/a@n1 10.244.0.2/b@n1] notReady=[] ports=[:80/TCP]")
	// The pod has a node, so deleting it only marks it (the kubelet would
	// finish the job): it is no longer published.
	if err := c.pods.Delete(c.ctx, "a", nil); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", "ready=[10.244.0.2/b@n1] notReady=[] ports=[:80/TCP]")
}

func TestHeadlessServiceHostnames(t *testing.T) {
	c := start(t)
	svc := service("db", map[string]string{"app": "db"})
	svc.Spec.ClusterIP = core.ClusterIPNone
	c.createService(svc)
	db := map[string]string{"app": "db"}
	c.createPod(podSpec{name: "db-0", labels: db, node: "n1", hostname: "db-0", subdomain: "db"})
	c.createPod(podSpec{name: "db-1", labels: db, node: "n2", hostname: "db-1", subdomain: "db"})
	// Another subdomain: no hostname in this service.
	c.createPod(podSpec{name: "db-x", labels: db, node: "n2", hostname: "x", subdomain: "other"})
	c.setStatus("db-0", "10.244.0.1", true, "")
	c.setStatus("db-1", "10.244.0.2", false, "")
	c.setStatus("db-x", "10.244.0.3", true, "")
	ep := c.waitFor("db", "ready=[10.244.0.1/db-0@n1#db-0 10.244.0.3/db-x@n2] notReady=[10.244.0.2/db-1@n2#db-1] ports=[]")
	if v, ok := ep.Labels[endpoints.LabelHeadless]; !ok || v != "" {
		t.Errorf("labels = %v, want %s set and empty", ep.Labels, endpoints.LabelHeadless)
	}
}

func TestPodsLeavingTheSelector(t *testing.T) {
	c := start(t)
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	for i, name := range []string{"a", "b", "c"} {
		c.createPod(podSpec{name: name, labels: map[string]string{"app": "web", "track": "stable"}, node: "n1"})
		c.setStatus(name, fmt.Sprintf("10.244.0.%d", i+1), true, "")
	}
	c.waitFor("web", "ready=[10.244.0.1/a@n1 10.244.0.2/b@n1 10.244.0.3/c@n1] notReady=[] ports=[:80/TCP]")

	// Relabelled out of the selector.
	if _, err := c.pods.Patch(c.ctx, "a", client.MergePatch, []byte(`{"metadata":{"labels":{"app":"debug"}}}`), nil); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", "ready=[10.244.0.2/b@n1 10.244.0.3/c@n1] notReady=[] ports=[:80/TCP]")
	// Deleted outright (no grace: as the kubelet's final delete).
	zero := int64(0)
	if err := c.pods.Delete(c.ctx, "b", &meta.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", "ready=[10.244.0.3/c@n1] notReady=[] ports=[:80/TCP]")
	// Failed.
	c.setStatus("c", "10.244.0.3", false, core.PodFailed)
	c.waitFor("web", "")
	// Relabelled back in.
	if _, err := c.pods.Patch(c.ctx, "a", client.MergePatch, []byte(`{"metadata":{"labels":{"app":"web"}}}`), nil); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", "ready=[10.244.0.1/a@n1] notReady=[] ports=[:80/TCP]")

	// The service's selector narrows.
	svc, err := c.services.Get(c.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	svc.Spec.Selector = map[string]string{"app": "web", "track": "canary"}
	if _, err := c.services.Update(c.ctx, svc, nil); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", "")
}

func TestServiceDeleted(t *testing.T) {
	c := start(t)
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	c.createPod(podSpec{name: "a", labels: web, node: "n1"})
	c.setStatus("a", "10.244.0.1", true, "")
	c.waitFor("web", "ready=[10.244.0.1/a@n1] notReady=[] ports=[:80/TCP]")

	// Endpoints deleted behind the controller's back come back.
	if err := c.endpoints.Delete(c.ctx, "web", nil); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", "ready=[10.244.0.1/a@n1] notReady=[] ports=[:80/TCP]")

	if err := c.services.Delete(c.ctx, "web", nil); err != nil {
		t.Fatal(err)
	}
	c.waitGone("web")
}

func TestServicesWithoutSelectorAreLeftAlone(t *testing.T) {
	c := start(t)
	// A user's Endpoints, created before its service (as a manifest with
	// both may), and the selectorless service.
	mine := &core.Endpoints{ObjectMeta: meta.ObjectMeta{Name: "external"}, Subsets: []core.EndpointSubset{{
		Addresses: []core.EndpointAddress{{IP: "192.0.2.10"}}, Ports: []core.EndpointPort{{Port: 5432}},
	}}}
	created, err := c.endpoints.Create(c.ctx, mine, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.createService(service("external", nil, core.ServicePort{Port: 5432}))
	// A service with a selector, created after: once its endpoints exist,
	// the controller has processed the earlier events.
	c.createPod(podSpec{name: "a", labels: web, node: "n1"})
	c.setStatus("a", "10.244.0.1", true, "")
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	c.waitFor("web", "ready=[10.244.0.1/a@n1] notReady=[] ports=[:80/TCP]")

	got, err := c.endpoints.Get(c.ctx, "external")
	if err != nil {
		t.Fatal(err)
	}
	if got.ResourceVersion != created.ResourceVersion {
		t.Errorf("the user's Endpoints were rewritten: %s", render(got.Subsets))
	}
}

func TestMoreThanMaxAddressesAreTruncated(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 1,010 pods")
	}
	c := start(t)
	const n = endpoints.MaxAddresses + 10
	for i := range n {
		name := fmt.Sprintf("p%04d", i)
		c.createPod(podSpec{name: name, labels: web, node: "n1"})
		// The last 20 are not ready: they are the ones cut.
		c.setStatus(name, fmt.Sprintf("10.244.%d.%d", i/250, i%250+1), i < n-20, "")
	}
	// Created last, so that the controller does not rewrite 1,000
	// addresses for each pod.
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	controllertest.Eventually(t, 30*time.Second, func() error {
		ep, err := c.endpoints.Get(c.ctx, "web")
		if err != nil {
			return err
		}
		if len(ep.Subsets) != 1 {
			return fmt.Errorf("%d subsets, want 1", len(ep.Subsets))
		}
		ready, notReady := len(ep.Subsets[0].Addresses), len(ep.Subsets[0].NotReadyAddresses)
		if ready != n-20 || notReady != endpoints.MaxAddresses-(n-20) {
			return fmt.Errorf("%d ready and %d not ready addresses, want %d and %d", ready, notReady, n-20, endpoints.MaxAddresses-(n-20))
		}
		if got := ep.Annotations[endpoints.AnnotationOverCapacity]; got != "truncated" {
			return fmt.Errorf("annotation %s = %q, want truncated", endpoints.AnnotationOverCapacity, got)
		}
		return nil
	})
	// Below the limit again, the annotation goes.
	zero := int64(0)
	for i := range 20 {
		if err := c.pods.Delete(c.ctx, fmt.Sprintf("p%04d", i), &meta.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
			t.Fatal(err)
		}
	}
	controllertest.Eventually(t, 30*time.Second, func() error {
		ep, err := c.endpoints.Get(c.ctx, "web")
		if err != nil {
			return err
		}
		if got, ok := ep.Annotations[endpoints.AnnotationOverCapacity]; ok {
			return fmt.Errorf("annotation %s = %q, want none", endpoints.AnnotationOverCapacity, got)
		}
		if r, nr := len(ep.Subsets[0].Addresses), len(ep.Subsets[0].NotReadyAddresses); r+nr != endpoints.MaxAddresses-10 {
			return fmt.Errorf("%d addresses, want %d", r+nr, endpoints.MaxAddresses-10)
		}
		return nil
	})
}

func TestLeftoversOfDeletedServicesGoAtStart(t *testing.T) {
	env := controllertest.New(t, nil)
	eps := client.Resource[core.Endpoints](env.Client).Namespace(ns)
	// Written by the controller for a service deleted while it was down,
	// and a user's object for a service not created yet.
	left := &core.Endpoints{ObjectMeta: meta.ObjectMeta{Name: "gone", Labels: map[string]string{endpoints.LabelManagedBy: endpoints.ControllerName}}}
	users := &core.Endpoints{ObjectMeta: meta.ObjectMeta{Name: "later"}}
	for _, ep := range []*core.Endpoints{left, users} {
		if _, err := eps.Create(t.Context(), ep, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := endpoints.Add(env.Manager, nil); err != nil {
		t.Fatal(err)
	}
	env.Start()
	c := &cluster{t: t, ctx: t.Context(), c: env.Client, endpoints: eps}
	c.waitGone("gone")
	if _, err := eps.Get(t.Context(), "later"); err != nil {
		t.Errorf("the user's Endpoints: %v", err)
	}
}
