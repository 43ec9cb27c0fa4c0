package endpointslice_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/endpoints"
	"github.com/spar-dev/spar/controller/endpointslice"
)

const ns = "default"

// cluster is an API server with the EndpointSlice controller running; the
// test plays the user (services, pods) and the node agent (nodes, pod
// status).
type cluster struct {
	t        *testing.T
	ctx      context.Context
	pods     *client.ResourceClient[core.Pod, *core.Pod]
	services *client.ResourceClient[core.Service, *core.Service]
	slices   *client.ResourceClient[discovery.EndpointSlice, *discovery.EndpointSlice]
	nodes    *client.ResourceClient[core.Node, *core.Node]
}

func start(t *testing.T) *cluster {
	t.Helper()
	env := controllertest.New(t, nil)
	if err := endpointslice.Add(env.Manager, nil); err != nil {
		t.Fatal(err)
	}
	env.Start()
	c := &cluster{
		t: t, ctx: t.Context(),
		pods:     client.Resource[core.Pod](env.Client).Namespace(ns),
		services: client.Resource[core.Service](env.Client).Namespace(ns),
		slices:   client.Resource[discovery.EndpointSlice](env.Client).Namespace(ns),
		nodes:    client.Resource[core.Node](env.Client),
	}
	for _, n := range []struct{ name, zone string }{{"n1", "zone-a"}, {"n2", "zone-b"}} {
		node := &core.Node{ObjectMeta: meta.ObjectMeta{Name: n.name, Labels: map[string]string{core.LabelTopologyZone: n.zone}}}
		if _, err := c.nodes.Create(c.ctx, node, nil); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

type podSpec struct {
	name      string
	labels    map[string]string
	ports     []core.ContainerPort
	node      string
	hostname  string
	subdomain string
}

var web = map[string]string{"app": "web"}

func (c *cluster) createPod(p podSpec) *core.Pod {
	c.t.Helper()
	if p.node == "" {
		p.node = "n1"
	}
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

// setStatus plays the kubelet: the pod runs with ip and is ready or not.
func (c *cluster) setStatus(name, ip string, ready bool) {
	c.t.Helper()
	err := client.RetryOnConflict(c.ctx, client.DefaultRetry, func() error {
		pod, err := c.pods.Get(c.ctx, name)
		if err != nil {
			return err
		}
		pod.Status.Phase = core.PodRunning
		pod.Status.PodIP, pod.Status.PodIPs = ip, []core.PodIP{{IP: ip}}
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

func (c *cluster) listSlices(svc string) []discovery.EndpointSlice {
	c.t.Helper()
	l, err := c.slices.List(c.ctx, &client.ListOptions{LabelSelector: discovery.LabelServiceName + "=" + svc})
	if err != nil {
		c.t.Fatal(err)
	}
	return l.Items
}

// render shows a slice compactly:
// "ports=[name:port/proto] ip/pod@node(zone)#host:RST ..." where R, S
// and T are the ready, serving and terminating conditions (+ or -),
// endpoints sorted by pod name.
func render(s *discovery.EndpointSlice) string {
	var ports []string
	for _, p := range s.Ports {
		ports = append(ports, fmt.Sprintf("%s:%d/%s", deref(p.Name), deref(p.Port), deref(p.Protocol)))
	}
	slices.Sort(ports)
	var eps []string
	for _, e := range s.Endpoints {
		r := strings.Join(e.Addresses, ",")
		if e.TargetRef != nil {
			r += "/" + e.TargetRef.Name
		}
		if e.NodeName != nil {
			r += "@" + *e.NodeName
		}
		if e.Zone != nil {
			r += "(" + *e.Zone + ")"
		}
		if e.Hostname != nil {
			r += "#" + *e.Hostname
		}
		r += ":" + flag(e.Conditions.Ready) + flag(e.Conditions.Serving) + flag(e.Conditions.Terminating)
		eps = append(eps, r)
	}
	slices.SortFunc(eps, func(a, b string) int { return strings.Compare(podOf(a), podOf(b)) })
	return fmt.Sprintf("ports=[%s] %s", strings.Join(ports, " "), strings.Join(eps, " "))
}

func podOf(rendered string) string {
	_, after, _ := strings.Cut(rendered, "/")
	return after
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func flag(b *bool) string {
	switch {
	case b == nil:
		return "?"
	case *b:
		return "+"
	}
	return "-"
}

// waitFor waits until the slices of svc render as want (one per line,
// sorted).
func (c *cluster) waitFor(svc string, want ...string) []discovery.EndpointSlice {
	c.t.Helper()
	slices.Sort(want)
	var got []discovery.EndpointSlice
	controllertest.Eventually(c.t, 10*time.Second, func() error {
		got = c.listSlices(svc)
		var lines []string
		for i := range got {
			lines = append(lines, render(&got[i]))
		}
		slices.Sort(lines)
		if g, w := strings.Join(lines, "\n"), strings.Join(want, "\n"); g != w {
			return fmt.Errorf("slices of %s:\ngot  %s\nwant %s", svc, g, w)
		}
		return nil
	})
	return got
}

func TestSliceContents(t *testing.T) {
	c := start(t)
	svc := c.createService(service("web", web, core.ServicePort{Name: "http", Port: 80, TargetPort: meta.FromString("http")}))
	http := []core.ContainerPort{{Name: "http", ContainerPort: 8080}}
	c.createPod(podSpec{name: "a", labels: web, ports: http, node: "n1"})
	c.createPod(podSpec{name: "b", labels: web, ports: http, node: "n2"})
	c.createPod(podSpec{name: "no-ip", labels: web, ports: http})
	c.createPod(podSpec{name: "other", labels: map[string]string{"app": "db"}, ports: http})
	c.setStatus("a", "10.244.0.1", true)
	c.setStatus("b", "10.244.0.2", false)
	c.setStatus("other", "10.244.0.3", true)

	got := c.waitFor("web", "ports=[http:8080/TCP] 10.244.0.1/a@n1(zone-a):++- 10.244.0.2/b@n2(zone-b):---")
	s := got[0]
	if !strings.HasPrefix(s.Name, "web-") || len(s.Name) <= len("web-") {
		t.Errorf("name = %q, want web-<random>", s.Name)
	}
	if s.AddressType != discovery.AddressTypeIPv4 {
		t.Errorf("addressType = %q, want IPv4", s.AddressType)
	}
	if got, want := s.Labels, map[string]string{discovery.LabelServiceName: "web", discovery.LabelManagedBy: endpointslice.ManagedBy}; !equalMaps(got, want) {
		t.Errorf("labels = %v, want %v", got, want)
	}
	if len(s.OwnerReferences) != 1 {
		t.Fatalf("ownerReferences = %+v, want the service", s.OwnerReferences)
	}
	o := s.OwnerReferences[0]
	if o.APIVersion != "v1" || o.Kind != "Service" || o.Name != "web" || o.UID != svc.UID || !deref(o.Controller) || !deref(o.BlockOwnerDeletion) {
		t.Errorf("ownerReference = %+v, want v1 Service web %s, controller, blocking", o, svc.UID)
	}
	pod, err := c.pods.Get(c.ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s.Endpoints {
		if e.TargetRef.Name == "a" && (e.TargetRef.Kind != "Pod" || e.TargetRef.Namespace != ns || e.TargetRef.UID != pod.UID) {
			t.Errorf("targetRef = %+v, want pod %s/a %s", *e.TargetRef, ns, pod.UID)
		}
	}
	if _, err := time.Parse(time.RFC3339Nano, s.Annotations[endpoints.AnnotationLastChangeTriggerTime]); err != nil {
		t.Errorf("annotation %s: %v", endpoints.AnnotationLastChangeTriggerTime, err)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestNamedTargetPortsResolvedPerPod(t *testing.T) {
	c := start(t)
	c.createService(service("web", web, core.ServicePort{Name: "http", Port: 80, TargetPort: meta.FromString("http")}))
	c.createPod(podSpec{name: "a", labels: web, ports: []core.ContainerPort{{Name: "http", ContainerPort: 8080}}})
	c.createPod(podSpec{name: "b", labels: web, ports: []core.ContainerPort{{Name: "http", ContainerPort: 9090}}})
	c.createPod(podSpec{name: "c", labels: web, ports: []core.ContainerPort{{Name: "http", ContainerPort: 9090}}})
	c.setStatus("a", "10.244.0.1", true)
	c.setStatus("b", "10.244.0.2", true)
	c.setStatus("c", "10.244.0.3", true)
	// One slice per set of resolved ports.
	c.waitFor("web",
		"ports=[http:8080/TCP] 10.244.0.1/a@n1(zone-a):++-",
		"ports=[http:9090/TCP] 10.244.0.2/b@n1(zone-a):++- 10.244.0.3/c@n1(zone-a):++-")
}

func TestTerminatingPods(t *testing.T) {
	c := start(t)
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	all := service("all", web, core.ServicePort{Port: 80})
	all.Spec.PublishNotReadyAddresses = true
	c.createService(all)
	c.createPod(podSpec{name: "a", labels: web})
	c.createPod(podSpec{name: "b", labels: web})
	c.createPod(podSpec{name: "c", labels: web})
	c.setStatus("a", "10.244.0.1", true)
	c.setStatus("b", "10.244.0.2", true)
	c.setStatus("c", "10.244.0.3", false)
	c.waitFor("web", "ports=[:80/TCP] 10.244.0.1/a@n1(zone-a):++- 10.244.0.2/b@n1(zone-a):++- 10.244.0.3/c@n1(zone-a):---")
	c.waitFor("all", "ports=[:80/TCP] 10.244.0.1/a@n1(zone-a):++- 10.244.0.2/b@n1(zone-a):++- 10.244.0.3/c@n1(zone-a):+--")

	// Deleting pods on a node only marks them (deletionTimestamp): they
	// are terminating, still serving while ready, never ready unless the
	// service publishes everything.
	for _, name := range []string{"a", "c"} {
		if err := c.pods.Delete(c.ctx, name, nil); err != nil {
			t.Fatal(err)
		}
	}
	c.waitFor("web", "ports=[:80/TCP] 10.244.0.1/a@n1(zone-a):-++ 10.244.0.2/b@n1(zone-a):++- 10.244.0.3/c@n1(zone-a):--+")
	c.waitFor("all", "ports=[:80/TCP] 10.244.0.1/a@n1(zone-a):+++ 10.244.0.2/b@n1(zone-a):++- 10.244.0.3/c@n1(zone-a):+-+")
}

func TestHeadlessServiceHostnames(t *testing.T) {
	c := start(t)
	db := map[string]string{"app": "db"}
	svc := service("db", db)
	svc.Spec.ClusterIP = core.ClusterIPNone
	c.createService(svc)
	c.createPod(podSpec{name: "db-0", labels: db, hostname: "db-0", subdomain: "db"})
	c.createPod(podSpec{name: "db-1", labels: db, hostname: "db-1", subdomain: "other"})
	c.setStatus("db-0", "10.244.0.1", true)
	c.setStatus("db-1", "10.244.0.2", true)
	got := c.waitFor("db", "ports=[] 10.244.0.1/db-0@n1(zone-a)#db-0:++- 10.244.0.2/db-1@n1(zone-a):++-")
	if v, ok := got[0].Labels[endpoints.LabelHeadless]; !ok || v != "" {
		t.Errorf("labels = %v, want %s set and empty", got[0].Labels, endpoints.LabelHeadless)
	}
}

func TestPodsOnMissingNodesWaitForThem(t *testing.T) {
	c := start(t)
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	c.createPod(podSpec{name: "a", labels: web, node: "n1"})
	c.createPod(podSpec{name: "b", labels: web, node: "n3"})
	c.setStatus("a", "10.244.0.1", true)
	c.setStatus("b", "10.244.0.2", true)
	c.waitFor("web", "ports=[:80/TCP] 10.244.0.1/a@n1(zone-a):++-")
	node := &core.Node{ObjectMeta: meta.ObjectMeta{Name: "n3", Labels: map[string]string{core.LabelTopologyZone: "zone-c"}}}
	if _, err := c.nodes.Create(c.ctx, node, nil); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", "ports=[:80/TCP] 10.244.0.1/a@n1(zone-a):++- 10.244.0.2/b@n3(zone-c):++-")
}

func TestServiceWithoutEndpointsHasAPlaceholder(t *testing.T) {
	c := start(t)
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	first := c.waitFor("web", "ports=[] ")
	c.createPod(podSpec{name: "a", labels: web})
	c.setStatus("a", "10.244.0.1", true)
	// The placeholder is reused, not replaced.
	got := c.waitFor("web", "ports=[:80/TCP] 10.244.0.1/a@n1(zone-a):++-")
	if got[0].Name != first[0].Name {
		t.Errorf("slice %s replaced the placeholder %s; want it updated", got[0].Name, first[0].Name)
	}
	zero := int64(0)
	if err := c.pods.Delete(c.ctx, "a", &meta.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		t.Fatal(err)
	}
	if got := c.waitFor("web", "ports=[] "); got[0].Name != first[0].Name {
		t.Errorf("placeholder %s, want %s updated back", got[0].Name, first[0].Name)
	}
}

func TestServicesWithoutSelectorAreLeftAlone(t *testing.T) {
	c := start(t)
	c.createService(service("external", nil, core.ServicePort{Port: 5432}))
	c.createPod(podSpec{name: "a", labels: web})
	c.setStatus("a", "10.244.0.1", true)
	// Created after: once its slices exist the earlier events are done.
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	c.waitFor("web", "ports=[:80/TCP] 10.244.0.1/a@n1(zone-a):++-")
	if got := c.listSlices("external"); len(got) != 0 {
		t.Errorf("a selectorless service got %d slices", len(got))
	}
}

func TestSlicesRepairedAndCleanedUp(t *testing.T) {
	c := start(t)
	svc := c.createService(service("web", web, core.ServicePort{Port: 80}))
	c.createPod(podSpec{name: "a", labels: web})
	c.setStatus("a", "10.244.0.1", true)
	const want = "ports=[:80/TCP] 10.244.0.1/a@n1(zone-a):++-"
	got := c.waitFor("web", want)

	// Edited by hand: put back.
	edited := got[0]
	edited.Endpoints[0].Conditions.Ready = new(bool)
	if _, err := c.slices.Update(c.ctx, &edited, nil); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", want)
	// Deleted by hand: recreated.
	if err := c.slices.Delete(c.ctx, got[0].Name, nil); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", want)

	// A stale slice of a previous service of the same name, and one
	// managed by someone else.
	yes := true
	stale := &discovery.EndpointSlice{
		ObjectMeta: meta.ObjectMeta{Name: "web-stale", Labels: map[string]string{
			discovery.LabelServiceName: "web", discovery.LabelManagedBy: endpointslice.ManagedBy},
			OwnerReferences: []meta.OwnerReference{{APIVersion: "v1", Kind: "Service", Name: "web", UID: "previous", Controller: &yes}}},
		AddressType: discovery.AddressTypeIPv4,
		Endpoints:   []discovery.Endpoint{{Addresses: []string{"10.244.9.9"}}},
	}
	mine := &discovery.EndpointSlice{
		ObjectMeta: meta.ObjectMeta{Name: "web-mine", Labels: map[string]string{
			discovery.LabelServiceName: "web", discovery.LabelManagedBy: "someone-else"}},
		AddressType: discovery.AddressTypeIPv4,
		Endpoints:   []discovery.Endpoint{{Addresses: []string{"192.0.2.1"}}},
	}
	for _, s := range []*discovery.EndpointSlice{stale, mine} {
		if _, err := c.slices.Create(c.ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	c.waitFor("web", want, "ports=[] 192.0.2.1:???")

	// The service goes: so do its slices, but not the other manager's.
	if err := c.services.Delete(c.ctx, svc.Name, nil); err != nil {
		t.Fatal(err)
	}
	c.waitFor("web", "ports=[] 192.0.2.1:???")
}

func TestMaxEndpointsPerSliceOption(t *testing.T) {
	env := controllertest.New(t, nil)
	if err := endpointslice.Add(env.Manager, &endpointslice.Options{MaxEndpointsPerSlice: 1001}); err == nil {
		t.Error("MaxEndpointsPerSlice 1001 accepted; want an error (the API allows 1000)")
	}
}

func TestLeftoversOfDeletedServicesGoAtStart(t *testing.T) {
	env := controllertest.New(t, nil)
	sc := client.Resource[discovery.EndpointSlice](env.Client).Namespace(ns)
	yes := true
	left := &discovery.EndpointSlice{
		ObjectMeta: meta.ObjectMeta{Name: "gone-abcde", Labels: map[string]string{
			discovery.LabelServiceName: "gone", discovery.LabelManagedBy: endpointslice.ManagedBy},
			OwnerReferences: []meta.OwnerReference{{APIVersion: "v1", Kind: "Service", Name: "gone", UID: "deleted", Controller: &yes}}},
		AddressType: discovery.AddressTypeIPv4,
		Endpoints:   []discovery.Endpoint{{Addresses: []string{"10.244.0.1"}}},
	}
	if _, err := sc.Create(t.Context(), left, nil); err != nil {
		t.Fatal(err)
	}
	if err := endpointslice.Add(env.Manager, nil); err != nil {
		t.Fatal(err)
	}
	env.Start()
	controllertest.Eventually(t, 10*time.Second, func() error {
		_, err := sc.Get(t.Context(), "gone-abcde")
		if client.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("slice of a deleted service still there (err %v)", err)
	})
}
