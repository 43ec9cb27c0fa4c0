package core_test

import (
	"bytes"
	"os"
	"reflect"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// fullPod returns the pod of testdata/pod-probes.yaml with the status of
// testdata/pod-running.yaml: every kind of field a pod has.
func fullPod(t testing.TB) *core.Pod {
	t.Helper()
	read := func(name string) *core.Pod {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		j, err := api.ToJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		var p core.Pod
		if err := api.DecodeStrict(j, &p); err != nil {
			t.Fatal(err)
		}
		return &p
	}
	pod := read("pod-probes.yaml")
	pod.Status = read("pod-running.yaml").Status
	pod.Default()
	return pod
}

// checkNoSharing fails for every pointer, slice or map reachable from a that
// points to the same memory as its counterpart in b.
func checkNoSharing(t *testing.T, a, b reflect.Value, path string) {
	t.Helper()
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Errorf("%s: shared pointer", path)
			return
		}
		checkNoSharing(t, a.Elem(), b.Elem(), path)
	case reflect.Slice:
		if a.Len() == 0 {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Errorf("%s: shared slice", path)
			return
		}
		for i := range a.Len() {
			checkNoSharing(t, a.Index(i), b.Index(i), path+"["+strconv.Itoa(i)+"]")
		}
	case reflect.Map:
		if a.Len() == 0 {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Errorf("%s: shared map", path)
			return
		}
		it := a.MapRange()
		for it.Next() {
			checkNoSharing(t, it.Value(), b.MapIndex(it.Key()), path+"."+it.Key().String())
		}
	case reflect.Struct:
		for i := range a.NumField() {
			// Unexported fields (inside Quantity and Time) hold immutable values.
			if f := a.Type().Field(i); f.IsExported() {
				checkNoSharing(t, a.Field(i), b.Field(i), path+"."+f.Name)
			}
		}
	}
}

func TestDeepCopyPodSharesNothing(t *testing.T) {
	pod := fullPod(t)
	before, err := api.Encode(pod)
	if err != nil {
		t.Fatal(err)
	}
	cp := meta.DeepCopy(pod)
	if diff := cmp.Diff(pod, cp, cmpOpts); diff != "" {
		t.Fatalf("copy differs (-orig +copy):\n%s", diff)
	}
	checkNoSharing(t, reflect.ValueOf(pod), reflect.ValueOf(cp), "pod")

	// Change the copy at every depth; the original must not move.
	cp.Labels["app"] = "changed"
	cp.Spec.Containers[0].Env[1].ValueFrom.FieldRef.FieldPath = "changed"
	cp.Spec.Containers[0].Resources.Limits[core.ResourceCPU] = resource.MustParse("64")
	cp.Spec.Containers[0].Command = append(cp.Spec.Containers[0].Command, "x")
	cp.Spec.Containers[0].LivenessProbe.HTTPGet.HTTPHeaders[0].Value = "changed"
	*cp.Spec.TerminationGracePeriodSeconds = 1
	*cp.Spec.Volumes[4].ConfigMap.DefaultMode = 0
	cp.Spec.Volumes[7].Projected.Sources[0].Secret.Items[0].Key = "changed"
	cp.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values[0] = "changed"
	cp.Spec.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].NamespaceSelector.MatchLabels["team"] = "changed"
	cp.Spec.SecurityContext.Sysctls[0].Value = "changed"
	cp.Spec.Overhead[core.ResourceMemory] = resource.MustParse("1")
	cp.Status.Conditions[0].Status = core.ConditionFalse
	cp.Status.ContainerStatuses[0].State.Running.StartedAt = meta.Now()
	cp.Status.ContainerStatuses[0].User.Linux.SupplementalGroups[0] = 42
	*cp.Status.StartTime = meta.Now()

	after, err := api.Encode(pod)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("changing the copy changed the original:\nbefore %s\nafter  %s", before, after)
	}
}

func BenchmarkDeepCopyPod(b *testing.B) {
	pod := fullPod(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = meta.DeepCopy(pod)
	}
}

func BenchmarkDecodePod(b *testing.B) {
	data, err := api.Encode(fullPod(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var p core.Pod
		if err := api.DecodeStrict(data, &p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodePod(b *testing.B) {
	pod := fullPod(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := api.Encode(pod); err != nil {
			b.Fatal(err)
		}
	}
}
