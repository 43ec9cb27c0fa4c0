package endpoints

import (
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/controller"
)

func addresses(prefix string, n int) []core.EndpointAddress {
	out := make([]core.EndpointAddress, n)
	for i := range out {
		out[i].IP = fmt.Sprintf("%s.%d", prefix, i)
	}
	return out
}

func TestTruncate(t *testing.T) {
	type counts struct{ ready, notReady int }
	tests := []struct {
		name      string
		in        []counts
		want      []counts
		truncated bool
	}{
		{"at the limit", []counts{{600, 400}}, []counts{{600, 400}}, false},
		{"not ready cut first", []counts{{900, 200}}, []counts{{900, 100}}, true},
		{"not ready cut in proportion", []counts{{500, 300}, {300, 100}}, []counts{{500, 150}, {300, 50}}, true},
		{"ready cut in proportion, not ready dropped", []counts{{1000, 10}, {500, 0}}, []counts{{667, 0}, {333, 0}}, true},
		{"rounding up leaves the last short", []counts{{700, 0}, {700, 0}, {1, 0}}, []counts{{500, 0}, {500, 0}}, true},
		{"subsets left empty are dropped", []counts{{0, 50}, {1200, 0}}, []counts{{1000, 0}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var subsets []core.EndpointSubset
			for i, c := range tt.in {
				subsets = append(subsets, core.EndpointSubset{
					Addresses:         addresses(fmt.Sprintf("10.%d.0", i), c.ready),
					NotReadyAddresses: addresses(fmt.Sprintf("10.%d.1", i), c.notReady),
				})
			}
			out, truncated := truncate(subsets)
			var got []counts
			for _, s := range out {
				got = append(got, counts{len(s.Addresses), len(s.NotReadyAddresses)})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || truncated != tt.truncated {
				t.Errorf("truncate(%v) = %v, %v; want %v, %v", tt.in, got, truncated, tt.want, tt.truncated)
			}
		})
	}
}

func TestFindPort(t *testing.T) {
	always := core.ContainerRestartPolicyAlways
	pod := &core.Pod{Spec: core.PodSpec{
		InitContainers: []core.Container{
			{Name: "init", Ports: []core.ContainerPort{{Name: "once", ContainerPort: 1}}},
			{Name: "proxy", RestartPolicy: &always, Ports: []core.ContainerPort{{Name: "proxy", ContainerPort: 15001}}},
		},
		Containers: []core.Container{
			{Name: "app", Ports: []core.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "dns", ContainerPort: 53, Protocol: core.ProtocolUDP}}},
		},
	}}
	tests := []struct {
		port   core.ServicePort
		want   int32
		wantOK bool
	}{
		{core.ServicePort{Port: 80, TargetPort: meta.FromInt(9090)}, 9090, true},
		{core.ServicePort{Port: 80}, 80, true},
		{core.ServicePort{Port: 80, TargetPort: meta.FromString("http")}, 8080, true},
		{core.ServicePort{Port: 80, TargetPort: meta.FromString("http"), Protocol: core.ProtocolUDP}, 0, false},
		{core.ServicePort{Port: 53, TargetPort: meta.FromString("dns"), Protocol: core.ProtocolUDP}, 53, true},
		{core.ServicePort{Port: 53, TargetPort: meta.FromString("dns"), Protocol: core.ProtocolTCP}, 0, false},
		{core.ServicePort{Port: 15001, TargetPort: meta.FromString("proxy")}, 15001, true},
		{core.ServicePort{Port: 1, TargetPort: meta.FromString("once")}, 0, false},
		{core.ServicePort{Port: 1, TargetPort: meta.FromString("missing")}, 0, false},
	}
	for _, tt := range tests {
		got, ok := FindPort(pod, &tt.port)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("FindPort(%s %s/%s) = %d, %v; want %d, %v", tt.port.TargetPort.String(), tt.port.Protocol, tt.port.Name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestTriggerTimeTracker(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(sec int) meta.Time { return meta.NewTime(base.Add(time.Duration(sec) * time.Second)) }
	svc := &core.Service{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "web", CreationTimestamp: at(0)}}
	pod := func(name string, readySince int) *core.Pod {
		p := &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: name}}
		core.SetPodCondition(&p.Status, core.PodCondition{Type: core.PodReady, Status: core.ConditionTrue, LastTransitionTime: at(readySince)})
		return p
	}
	tr := NewTriggerTimeTracker()
	steps := []struct {
		name      string
		pods      []*core.Pod
		published bool
		want      meta.Time // zero: no trigger
	}{
		{"a new service is dated by its creation", []*core.Pod{pod("a", 5)}, true, at(0)},
		{"nothing changed", []*core.Pod{pod("a", 5)}, true, meta.Time{}},
		{"the earliest change wins", []*core.Pod{pod("a", 9), pod("b", 7)}, false, at(7)},
		{"an unpublished change is kept", []*core.Pod{pod("a", 9), pod("b", 8)}, true, at(7)},
		{"a pod that left is forgotten", []*core.Pod{pod("b", 8)}, true, meta.Time{}},
		{"and is new when it comes back", []*core.Pod{pod("a", 9), pod("b", 8)}, true, at(9)},
	}
	for _, s := range steps {
		got := tr.Compute(svc, s.pods)
		if !got.Equal(s.want.Time) {
			t.Errorf("%s: Compute = %v, want %v", s.name, got, s.want.Time)
		}
		if s.published {
			tr.Published("ns", "web")
		}
	}
	tr.Forget("ns", "web")
	if got := tr.Compute(svc, nil); !got.Equal(at(0).Time) {
		t.Errorf("after Forget: Compute = %v, want the creation time %v", got, at(0).Time)
	}
}

func TestStaleTracker(t *testing.T) {
	req := controller.Request{Namespace: "ns", Name: "web"}
	ep := func(rv string) *core.Endpoints {
		return &core.Endpoints{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "web", ResourceVersion: rv}}
	}
	tests := []struct {
		name    string
		wrote   string // "" for no write
		cacheRV uint64
		cur     *core.Endpoints
		want    bool
	}{
		{"never written", "", 3, ep("3"), false},
		{"an update not seen yet", "10", 9, ep("9"), true},
		{"an update seen", "10", 10, ep("10"), false},
		{"a create not seen yet", "10", 9, nil, true},
		{"a create seen, then deleted", "10", 11, nil, false},
	}
	for _, tt := range tests {
		st := staleTracker{written: map[controller.Request]uint64{}, events: map[controller.Request]uint64{}, waiting: map[controller.Request]bool{}}
		if tt.wrote != "" {
			st.wrote(req, tt.wrote)
		}
		if got := st.isStale(req, tt.cacheRV, tt.cur); got != tt.want {
			t.Errorf("%s: isStale = %v, want %v", tt.name, got, tt.want)
		}
		if _, kept := st.written[req]; kept != tt.want {
			t.Errorf("%s: write still tracked = %v, want %v (forgotten once seen)", tt.name, kept, tt.want)
		}
	}
}
