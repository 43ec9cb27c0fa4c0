package nodeports_test

import (
	"context"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/nodeports"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

const (
	tcp  = core.ProtocolTCP
	udp  = core.ProtocolUDP
	sctp = core.ProtocolSCTP
)

func newPlugin(t *testing.T) scheduler.FilterPlugin {
	t.Helper()
	p, err := nodeports.New(nil, pt.NewHandle(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	return p.(scheduler.FilterPlugin)
}

// filter runs Filter for pod on n1, which runs the existing pods.
func filter(t *testing.T, existing []*core.Pod, pod *core.Pod) *scheduler.Status {
	t.Helper()
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Obj()}, existing)
	return newPlugin(t).Filter(context.Background(), scheduler.NewCycleState(), scheduler.NewPodInfo(pod), h.Node("n1"))
}

func TestFilter(t *testing.T) {
	on := func(w *pt.PodWrapper) *pt.PodWrapper { return w.Node("n1") }
	tests := []struct {
		name     string
		existing []*pt.PodWrapper
		pod      *pt.PodWrapper
		conflict bool
	}{
		{name: "no host ports", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, ""))},
			pod: pt.MakePod("p").AddContainer(core.Container{Ports: []core.ContainerPort{{ContainerPort: 8080}}})},
		{name: "free node", pod: pt.MakePod("p").HostPort(8080, tcp, "")},
		{name: "same port, protocol and address", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, ""))},
			pod: pt.MakePod("p").HostPort(8080, tcp, ""), conflict: true},
		{name: "another port", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, ""))},
			pod: pt.MakePod("p").HostPort(8081, tcp, "")},
		{name: "another protocol", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, ""))},
			pod: pt.MakePod("p").HostPort(8080, udp, "")},
		{name: "SCTP beside TCP and UDP", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, "").HostPort(8080, udp, ""))},
			pod: pt.MakePod("p").HostPort(8080, sctp, "")},
		{name: "the protocol defaults to TCP", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, ""))},
			pod: pt.MakePod("p").HostPort(8080, "", ""), conflict: true},
		{name: "an empty host IP is 0.0.0.0", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, "0.0.0.0"))},
			pod: pt.MakePod("p").HostPort(8080, tcp, ""), conflict: true},
		{name: "a specific address under a wildcard", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, "0.0.0.0"))},
			pod: pt.MakePod("p").HostPort(8080, tcp, "10.0.0.1"), conflict: true},
		{name: "a wildcard over a specific address", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, "10.0.0.1"))},
			pod: pt.MakePod("p").HostPort(8080, tcp, "0.0.0.0"), conflict: true},
		{name: "an empty host IP over a specific address", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, "10.0.0.1"))},
			pod: pt.MakePod("p").HostPort(8080, tcp, ""), conflict: true},
		{name: "the same specific address", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, "10.0.0.1"))},
			pod: pt.MakePod("p").HostPort(8080, tcp, "10.0.0.1"), conflict: true},
		{name: "two specific addresses", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, tcp, "10.0.0.1"))},
			pod: pt.MakePod("p").HostPort(8080, tcp, "10.0.0.2")},
		{name: "a wildcard on another protocol", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(8080, udp, "0.0.0.0"))},
			pod: pt.MakePod("p").HostPort(8080, tcp, "10.0.0.1")},
		{name: "one of several ports conflicts", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(9090, tcp, ""))},
			pod: pt.MakePod("p").HostPort(8080, tcp, "").HostPort(9090, tcp, "").HostPort(53, udp, ""), conflict: true},
		{name: "ports of several pods", existing: []*pt.PodWrapper{
			on(pt.MakePod("a").HostPort(8080, tcp, "")), on(pt.MakePod("b").HostPort(53, udp, "10.0.0.1"))},
			pod: pt.MakePod("p").HostPort(53, udp, ""), conflict: true},
		{name: "pods on other nodes do not count", existing: []*pt.PodWrapper{pt.MakePod("a").HostPort(8080, tcp, "").Node("n2")},
			pod: pt.MakePod("p").HostPort(8080, tcp, "")},
		{name: "a sidecar's port is held", existing: []*pt.PodWrapper{on(pt.MakePod("a").Req("", "").InitContainer(sidecar(9000)))},
			pod: pt.MakePod("p").HostPort(9000, tcp, ""), conflict: true},
		{name: "a sidecar's port is wanted", existing: []*pt.PodWrapper{on(pt.MakePod("a").HostPort(9000, tcp, ""))},
			pod: pt.MakePod("p").InitContainer(sidecar(9000)), conflict: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var existing []*core.Pod
			for _, p := range tc.existing {
				existing = append(existing, p.Obj())
			}
			st := filter(t, existing, tc.pod.Obj())
			if !tc.conflict {
				if !st.IsSuccess() {
					t.Errorf("got %v %q, want Success", st.Code(), st.Message())
				}
				return
			}
			if st.Code() != scheduler.Unschedulable || st.Message() != nodeports.ErrReason {
				t.Errorf("got %v %q, want Unschedulable %q", st.Code(), st.Message(), nodeports.ErrReason)
			}
		})
	}
}

func sidecar(port int32) core.Container {
	always := core.ContainerRestartPolicyAlways
	return core.Container{RestartPolicy: &always, Ports: []core.ContainerPort{{ContainerPort: port, HostPort: port}}}
}

// TestInitContainerHostPorts: an init container that is not a sidecar
// has exited before the pod's containers start, so its host ports are
// neither wanted nor held for the pod's life, as Kubernetes counts them
// (the host ports of the containers and of restartable init containers).
func TestInitContainerHostPorts(t *testing.T) {
	initWith := func(port int32) core.Container {
		return core.Container{Ports: []core.ContainerPort{{ContainerPort: port, HostPort: port}}}
	}
	if st := filter(t, []*core.Pod{pt.MakePod("a").Req("", "").InitContainer(initWith(9100)).Node("n1").Obj()},
		pt.MakePod("p").HostPort(9100, tcp, "").Obj()); !st.IsSuccess() {
		t.Errorf("a port an exited init container used: %v %q, want Success", st.Code(), st.Message())
	}
	if st := filter(t, []*core.Pod{pt.MakePod("a").HostPort(9100, tcp, "").Node("n1").Obj()},
		pt.MakePod("p").Req("", "").InitContainer(initWith(9100)).Obj()); !st.IsSuccess() {
		t.Errorf("an init container's port: %v %q, want Success", st.Code(), st.Message())
	}
}

// TestPortsFreedWithThePod: the node's used ports follow its pods.
func TestPortsFreedWithThePod(t *testing.T) {
	ctx := context.Background()
	a := pt.MakePod("a").HostPort(8080, tcp, "").Node("n1").Obj()
	b := pt.MakePod("b").HostPort(8081, tcp, "").Node("n1").Obj()
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Obj()}, []*core.Pod{a, b})
	pl := newPlugin(t)
	pod := scheduler.NewPodInfo(pt.MakePod("p").HostPort(8080, tcp, "").Obj())
	if st := pl.Filter(ctx, scheduler.NewCycleState(), pod, h.Node("n1")); st.Code() != scheduler.Unschedulable {
		t.Errorf("with a on n1: %v %q, want Unschedulable", st.Code(), st.Message())
	}
	h.RemovePod(a)
	if st := pl.Filter(ctx, scheduler.NewCycleState(), pod, h.Node("n1")); !st.IsSuccess() {
		t.Errorf("after a left: %v %q, want Success", st.Code(), st.Message())
	}
	other := scheduler.NewPodInfo(pt.MakePod("q").HostPort(8081, tcp, "").Obj())
	if st := pl.Filter(ctx, scheduler.NewCycleState(), other, h.Node("n1")); st.Code() != scheduler.Unschedulable {
		t.Errorf("b's port after a left: %v %q, want Unschedulable", st.Code(), st.Message())
	}
}

func TestConflicts(t *testing.T) {
	used := map[scheduler.HostPort]bool{
		{IP: "", Protocol: tcp, Port: 80}:         true,
		{IP: "10.0.0.1", Protocol: udp, Port: 53}: true,
	}
	for _, tc := range []struct {
		want scheduler.HostPort
		conf bool
	}{
		{scheduler.HostPort{IP: "", Protocol: tcp, Port: 80}, true},
		{scheduler.HostPort{IP: "0.0.0.0", Protocol: tcp, Port: 80}, true},
		{scheduler.HostPort{IP: "192.168.1.1", Protocol: tcp, Port: 80}, true},
		{scheduler.HostPort{IP: "", Protocol: udp, Port: 80}, false},
		{scheduler.HostPort{IP: "", Protocol: tcp, Port: 443}, false},
		{scheduler.HostPort{IP: "10.0.0.1", Protocol: udp, Port: 53}, true},
		{scheduler.HostPort{IP: "0.0.0.0", Protocol: udp, Port: 53}, true},
		{scheduler.HostPort{IP: "10.0.0.2", Protocol: udp, Port: 53}, false},
		{scheduler.HostPort{IP: "10.0.0.1", Protocol: tcp, Port: 53}, false},
	} {
		if got := nodeports.Conflicts(used, tc.want); got != tc.conf {
			t.Errorf("Conflicts(%+v) = %v, want %v", tc.want, got, tc.conf)
		}
	}
}

func TestEventsToRegister(t *testing.T) {
	events := newPlugin(t).(scheduler.EnqueueExtensions).EventsToRegister()
	pt.CheckEvents(t, events, []pt.EventCase{
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.Delete}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.Add}, Registered: false},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeLabel}, Registered: false},
	})
}
