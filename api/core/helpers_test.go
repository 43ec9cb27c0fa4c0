package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

func TestToleratesTaint(t *testing.T) {
	tests := []struct {
		name       string
		toleration core.Toleration
		taint      core.Taint
		want       bool
	}{
		{"equal key, value and effect", core.Toleration{Key: "k", Operator: "Equal", Value: "v", Effect: "NoSchedule"}, core.Taint{Key: "k", Value: "v", Effect: "NoSchedule"}, true},
		{"empty operator means Equal", core.Toleration{Key: "k", Value: "v"}, core.Taint{Key: "k", Value: "v", Effect: "NoExecute"}, true},
		{"different value", core.Toleration{Key: "k", Value: "v"}, core.Taint{Key: "k", Value: "w", Effect: "NoSchedule"}, false},
		{"different effect", core.Toleration{Key: "k", Operator: "Exists", Effect: "NoSchedule"}, core.Taint{Key: "k", Effect: "NoExecute"}, false},
		{"exists ignores value", core.Toleration{Key: "k", Operator: "Exists"}, core.Taint{Key: "k", Value: "anything", Effect: "PreferNoSchedule"}, true},
		{"empty key with exists tolerates everything", core.Toleration{Operator: "Exists"}, core.Taint{Key: "any", Value: "x", Effect: "NoExecute"}, true},
		{"empty key with exists and effect", core.Toleration{Operator: "Exists", Effect: "NoSchedule"}, core.Taint{Key: "any", Effect: "NoExecute"}, false},
		{"different key", core.Toleration{Key: "a", Operator: "Exists"}, core.Taint{Key: "b", Effect: "NoSchedule"}, false},
		{"unknown operator", core.Toleration{Key: "k", Operator: "Like", Value: "v"}, core.Taint{Key: "k", Value: "v", Effect: "NoSchedule"}, false},
		{"Gt taint above", core.Toleration{Key: "k", Operator: "Gt", Value: "5"}, core.Taint{Key: "k", Value: "10", Effect: "NoSchedule"}, true},
		{"Gt taint equal", core.Toleration{Key: "k", Operator: "Gt", Value: "10"}, core.Taint{Key: "k", Value: "10", Effect: "NoSchedule"}, false},
		{"Lt taint below", core.Toleration{Key: "k", Operator: "Lt", Value: "10"}, core.Taint{Key: "k", Value: "-3", Effect: "NoSchedule"}, true},
		{"Lt taint above", core.Toleration{Key: "k", Operator: "Lt", Value: "10"}, core.Taint{Key: "k", Value: "11", Effect: "NoSchedule"}, false},
		{"Lt non-numeric taint", core.Toleration{Key: "k", Operator: "Lt", Value: "10"}, core.Taint{Key: "k", Value: "high", Effect: "NoSchedule"}, false},
		{"Gt leading zero", core.Toleration{Key: "k", Operator: "Gt", Value: "05"}, core.Taint{Key: "k", Value: "10", Effect: "NoSchedule"}, false},
		{"Gt plus sign", core.Toleration{Key: "k", Operator: "Gt", Value: "5"}, core.Taint{Key: "k", Value: "+10", Effect: "NoSchedule"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.toleration.ToleratesTaint(&tt.taint); got != tt.want {
				t.Errorf("%+v.ToleratesTaint(%s) = %v, want %v", tt.toleration, tt.taint.String(), got, tt.want)
			}
		})
	}
}

func TestFindUntoleratedTaint(t *testing.T) {
	taints := []core.Taint{
		{Key: "soft", Effect: core.TaintEffectPreferNoSchedule},
		{Key: "gpu", Value: "true", Effect: core.TaintEffectNoSchedule},
		{Key: core.TaintNodeUnreachable, Effect: core.TaintEffectNoExecute},
	}
	hard := func(e core.TaintEffect) bool {
		return e == core.TaintEffectNoSchedule || e == core.TaintEffectNoExecute
	}
	tests := []struct {
		name        string
		tolerations []core.Toleration
		want        string // key of the untolerated taint, "" for none
	}{
		{"no tolerations", nil, "gpu"},
		{"gpu tolerated", []core.Toleration{{Key: "gpu", Value: "true"}}, core.TaintNodeUnreachable},
		{"all tolerated", []core.Toleration{{Key: "gpu", Operator: "Exists"}, {Key: core.TaintNodeUnreachable, Operator: "Exists", Effect: core.TaintEffectNoExecute}}, ""},
		{"wildcard", []core.Toleration{{Operator: "Exists"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			taint, found := core.FindUntoleratedTaint(taints, tt.tolerations, hard)
			got := ""
			if found {
				got = taint.Key
			}
			if got != tt.want {
				t.Errorf("untolerated taint = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTaintString(t *testing.T) {
	tests := []struct {
		taint core.Taint
		want  string
	}{
		{core.Taint{Key: "k", Value: "v", Effect: "NoSchedule"}, "k=v:NoSchedule"},
		{core.Taint{Key: "k", Effect: "NoExecute"}, "k:NoExecute"},
		{core.Taint{Key: "k", Value: "v"}, "k=v:"},
		{core.Taint{Key: "k"}, "k"},
	}
	for _, tt := range tests {
		if got := tt.taint.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestPodConditions(t *testing.T) {
	var pod core.Pod
	if core.IsPodReady(&pod) {
		t.Fatal("a pod without conditions is ready")
	}
	if !core.SetPodCondition(&pod.Status, core.PodCondition{Type: core.PodReady, Status: core.ConditionFalse, Reason: "ContainersNotReady"}) {
		t.Fatal("adding a condition reported no change")
	}
	first := core.GetPodCondition(&pod.Status, core.PodReady)
	if first == nil || first.LastTransitionTime.IsZero() {
		t.Fatalf("added condition = %+v, want a transition time", first)
	}
	old := meta.NewTime(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))
	first.LastTransitionTime = old

	if core.SetPodCondition(&pod.Status, core.PodCondition{Type: core.PodReady, Status: core.ConditionFalse, Reason: "ContainersNotReady"}) {
		t.Error("setting an identical condition reported a change")
	}
	if got := core.GetPodCondition(&pod.Status, core.PodReady).LastTransitionTime; !got.Equal(old) {
		t.Errorf("transition time moved without a status change: %v", got)
	}
	if !core.SetPodCondition(&pod.Status, core.PodCondition{Type: core.PodReady, Status: core.ConditionTrue}) {
		t.Error("status change reported no change")
	}
	if got := core.GetPodCondition(&pod.Status, core.PodReady).LastTransitionTime; got.Equal(old) {
		t.Error("transition time kept across a status change")
	}
	if !core.IsPodReady(&pod) || len(pod.Status.Conditions) != 1 {
		t.Errorf("pod ready = %v with %d conditions, want ready with 1", core.IsPodReady(&pod), len(pod.Status.Conditions))
	}
	if core.GetPodCondition(&pod.Status, core.PodScheduled) != nil {
		t.Error("found a condition that was never set")
	}
}

func TestIsPodAvailable(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	readySince := func(d time.Duration, s core.ConditionStatus) *core.Pod {
		return &core.Pod{Status: core.PodStatus{Conditions: []core.PodCondition{{
			Type: core.PodReady, Status: s, LastTransitionTime: meta.NewTime(now.Add(-d)),
		}}}}
	}
	tests := []struct {
		name     string
		pod      *core.Pod
		minReady int32
		want     bool
	}{
		{"ready, no min", readySince(0, core.ConditionTrue), 0, true},
		{"not ready", readySince(time.Hour, core.ConditionFalse), 0, false},
		{"ready long enough", readySince(11*time.Second, core.ConditionTrue), 10, true},
		{"ready exactly min", readySince(10*time.Second, core.ConditionTrue), 10, false},
		{"ready too briefly", readySince(5*time.Second, core.ConditionTrue), 10, false},
		{"no conditions", &core.Pod{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.IsPodAvailable(tt.pod, tt.minReady, now); got != tt.want {
				t.Errorf("IsPodAvailable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNodeReady(t *testing.T) {
	tests := []struct {
		name  string
		conds []core.NodeCondition
		want  bool
	}{
		{"no conditions", nil, false},
		{"ready", []core.NodeCondition{{Type: core.NodeMemoryPressure, Status: core.ConditionFalse}, {Type: core.NodeReady, Status: core.ConditionTrue}}, true},
		{"not ready", []core.NodeCondition{{Type: core.NodeReady, Status: core.ConditionFalse}}, false},
		{"unknown", []core.NodeCondition{{Type: core.NodeReady, Status: core.ConditionUnknown}}, false},
	}
	for _, tt := range tests {
		n := core.Node{Status: core.NodeStatus{Conditions: tt.conds}}
		if got := n.Ready(); got != tt.want {
			t.Errorf("%s: Ready() = %v, want %v", tt.name, got, tt.want)
		}
	}
	n := core.Node{Status: core.NodeStatus{Addresses: []core.NodeAddress{
		{Type: core.NodeHostName, Address: "kind-worker"},
		{Type: core.NodeInternalIP, Address: "172.18.0.3"},
	}}}
	if got := n.InternalIP(); got != "172.18.0.3" {
		t.Errorf("InternalIP() = %q, want 172.18.0.3", got)
	}
}

func TestPodPhasesAndSidecars(t *testing.T) {
	for phase, terminal := range map[core.PodPhase]bool{
		core.PodPending: false, core.PodRunning: false, core.PodUnknown: false,
		core.PodSucceeded: true, core.PodFailed: true,
	} {
		if got := core.IsPodTerminal(&core.Pod{Status: core.PodStatus{Phase: phase}}); got != terminal {
			t.Errorf("IsPodTerminal(%s) = %v, want %v", phase, got, terminal)
		}
	}
	never := core.ContainerRestartPolicyNever
	for _, tt := range []struct {
		c    core.Container
		want bool
	}{
		{sidecar("", ""), true},
		{container("", ""), false},
		{core.Container{RestartPolicy: &never}, false},
	} {
		if got := core.IsRestartableInitContainer(&tt.c); got != tt.want {
			t.Errorf("IsRestartableInitContainer(%v) = %v, want %v", tt.c.RestartPolicy, got, tt.want)
		}
	}
	a := core.Taint{Key: "k", Value: "1", Effect: core.TaintEffectNoSchedule}
	if b := (core.Taint{Key: "k", Value: "2", Effect: core.TaintEffectNoSchedule}); !a.MatchTaint(&b) {
		t.Error("taints with the same key and effect do not match")
	}
	if b := (core.Taint{Key: "k", Effect: core.TaintEffectNoExecute}); a.MatchTaint(&b) {
		t.Error("taints with different effects match")
	}
}

// container builds a container with the given requests and limits, written
// as "cpu=100m,memory=1Gi".
func container(requests, limits string) core.Container {
	return core.Container{Name: "c", Resources: core.ResourceRequirements{Requests: list(requests), Limits: list(limits)}}
}

func list(s string) core.ResourceList {
	if s == "" {
		return nil
	}
	l := core.ResourceList{}
	for _, kv := range strings.Split(s, ",") {
		name, q, _ := strings.Cut(kv, "=")
		l[core.ResourceName(name)] = resource.MustParse(q)
	}
	return l
}

func sidecar(requests, limits string) core.Container {
	c := container(requests, limits)
	always := core.ContainerRestartPolicyAlways
	c.RestartPolicy = &always
	return c
}

func TestPodRequestsAndLimits(t *testing.T) {
	tests := []struct {
		name                     string
		spec                     core.PodSpec
		wantRequests, wantLimits string
	}{
		{
			name:         "containers add up",
			spec:         core.PodSpec{Containers: []core.Container{container("cpu=100m,memory=64Mi", "cpu=200m"), container("cpu=250m", "")}},
			wantRequests: "cpu=350m,memory=64Mi",
			wantLimits:   "cpu=200m",
		},
		{
			name: "an init container larger than the sum wins",
			spec: core.PodSpec{
				InitContainers: []core.Container{container("cpu=1,memory=16Mi", "cpu=2"), container("cpu=500m", "")},
				Containers:     []core.Container{container("cpu=100m,memory=64Mi", "cpu=1")},
			},
			wantRequests: "cpu=1,memory=64Mi",
			wantLimits:   "cpu=2",
		},
		{
			name: "sidecars add to the steady state and to later init containers",
			spec: core.PodSpec{
				InitContainers: []core.Container{
					container("cpu=300m", ""), // runs alone: 300m
					sidecar("cpu=200m", ""),   // from now on always running
					container("cpu=500m", ""), // runs with the sidecar: 700m
				},
				Containers: []core.Container{container("cpu=100m", "")}, // steady: 100m + 200m
			},
			wantRequests: "cpu=700m",
			wantLimits:   "",
		},
		{
			name: "overhead is added to requests and to present limits",
			spec: core.PodSpec{
				Containers: []core.Container{container("cpu=100m,memory=64Mi", "memory=128Mi")},
				Overhead:   list("cpu=10m,memory=16Mi"),
			},
			wantRequests: "cpu=110m,memory=80Mi",
			wantLimits:   "memory=144Mi",
		},
		{
			name: "pod-level resources replace container sums",
			spec: core.PodSpec{
				Resources:  &core.ResourceRequirements{Requests: list("cpu=1"), Limits: list("memory=1Gi")},
				Containers: []core.Container{container("cpu=100m,memory=64Mi,ephemeral-storage=1Gi", "")},
			},
			wantRequests: "cpu=1,memory=64Mi,ephemeral-storage=1Gi",
			wantLimits:   "memory=1Gi",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := &core.Pod{Spec: tt.spec}
			if diff := cmp.Diff(list(tt.wantRequests), core.PodRequests(pod), cmpOpts, cmpEmpty); diff != "" {
				t.Errorf("PodRequests (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(list(tt.wantLimits), core.PodLimits(pod), cmpOpts, cmpEmpty); diff != "" {
				t.Errorf("PodLimits (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpEmpty treats nil and empty resource lists as equal.
var cmpEmpty = cmp.FilterValues(func(a, b core.ResourceList) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

func TestComputePodQOS(t *testing.T) {
	tests := []struct {
		name string
		spec core.PodSpec
		want core.PodQOSClass
	}{
		{"no resources", core.PodSpec{Containers: []core.Container{container("", "")}}, core.PodQOSBestEffort},
		{"only other resources", core.PodSpec{Containers: []core.Container{container("ephemeral-storage=1Gi", "")}}, core.PodQOSBestEffort},
		{"zero requests", core.PodSpec{Containers: []core.Container{container("cpu=0", "")}}, core.PodQOSBestEffort},
		{"requests equal limits", core.PodSpec{Containers: []core.Container{container("cpu=1,memory=1Gi", "cpu=1000m,memory=1024Mi")}}, core.PodQOSGuaranteed},
		{"limits only", core.PodSpec{Containers: []core.Container{container("", "cpu=1,memory=1Gi")}}, core.PodQOSBurstable},
		{"request below limit", core.PodSpec{Containers: []core.Container{container("cpu=500m,memory=1Gi", "cpu=1,memory=1Gi")}}, core.PodQOSBurstable},
		{"one container without memory limit", core.PodSpec{Containers: []core.Container{
			container("cpu=1,memory=1Gi", "cpu=1,memory=1Gi"), container("cpu=1", "cpu=1"),
		}}, core.PodQOSBurstable},
		{"init container counts", core.PodSpec{
			InitContainers: []core.Container{container("cpu=1", "")},
			Containers:     []core.Container{container("cpu=1,memory=1Gi", "cpu=1,memory=1Gi")},
		}, core.PodQOSBurstable},
		{"pod-level guaranteed", core.PodSpec{
			Resources:  &core.ResourceRequirements{Requests: list("cpu=2,memory=2Gi"), Limits: list("cpu=2,memory=2Gi")},
			Containers: []core.Container{container("cpu=100m", "")},
		}, core.PodQOSGuaranteed},
		{"pod-level without memory limit", core.PodSpec{
			Resources:  &core.ResourceRequirements{Limits: list("cpu=2")},
			Containers: []core.Container{container("cpu=2,memory=1Gi", "cpu=2,memory=1Gi")},
		}, core.PodQOSBurstable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ComputePodQOS(&core.Pod{Spec: tt.spec}); got != tt.want {
				t.Errorf("ComputePodQOS = %s, want %s", got, tt.want)
			}
		})
	}
}
