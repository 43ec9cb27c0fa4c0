package table

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// benchPods returns n pods as a deployment leaves them: scheduled, running,
// with labels, an owner and a few restarts.
func benchPods(n int) []meta.Object {
	objs := make([]meta.Object, n)
	for i := range objs {
		ctrl := true
		objs[i] = &core.Pod{
			TypeMeta: meta.TypeMeta{Kind: "Pod", APIVersion: "v1"},
			ObjectMeta: meta.ObjectMeta{
				Name: fmt.Sprintf("web-5d9c7b-%05d", i), Namespace: "default", UID: meta.UID(fmt.Sprintf("uid-%d", i)),
				ResourceVersion: "1000", CreationTimestamp: meta.NewTime(now.Add(-time.Hour)),
				Labels:          map[string]string{"app": "web", "pod-template-hash": "5d9c7b"},
				OwnerReferences: []meta.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-5d9c7b", UID: "rs", Controller: &ctrl}},
			},
			Spec: core.PodSpec{NodeName: fmt.Sprintf("node-%d", i%10), Containers: []core.Container{{Name: "app", Image: "nginx:1.27"}, {Name: "proxy", Image: "envoy:1.30"}}},
			Status: core.PodStatus{
				Phase:      core.PodRunning,
				PodIPs:     []core.PodIP{{IP: fmt.Sprintf("10.244.%d.%d", i/250, i%250)}},
				Conditions: []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue}, {Type: core.PodInitialized, Status: core.ConditionTrue}},
				ContainerStatuses: []core.ContainerStatus{
					{Name: "app", Ready: true, RestartCount: int32(i % 3), State: core.ContainerState{Running: &core.ContainerStateRunning{}},
						LastTerminationState: core.ContainerState{Terminated: &core.ContainerStateTerminated{ExitCode: 1, FinishedAt: meta.NewTime(now.Add(-10 * time.Minute))}}},
					{Name: "proxy", Ready: true, State: core.ContainerState{Running: &core.ContainerStateRunning{}}},
				},
			},
		}
	}
	return objs
}

// BenchmarkBuildPodTable500 builds the table of one kubectl page (500
// pods) with PartialObjectMetadata row objects, the default.
func BenchmarkBuildPodTable500(b *testing.B) {
	objs := benchPods(500)
	p := For(meta.GroupKind{Kind: "Pod"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(p, objs, Options{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildAndEncodePodTable500 adds the JSON encoding of the
// response, which is what a list request costs end to end here.
func BenchmarkBuildAndEncodePodTable500(b *testing.B) {
	objs := benchPods(500)
	p := For(meta.GroupKind{Kind: "Pod"})
	b.ReportAllocs()
	for b.Loop() {
		t, err := Build(p, objs, Options{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(t); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildPodTable500NoObject is the rows alone (includeObject=None).
func BenchmarkBuildPodTable500NoObject(b *testing.B) {
	objs := benchPods(500)
	p := For(meta.GroupKind{Kind: "Pod"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(p, objs, Options{Now: now, IncludeObject: meta.IncludeNone}); err != nil {
			b.Fatal(err)
		}
	}
}
