package patch_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/apiserver/patch"
)

// The strategic merge tags of k8s.io/api v0.32 on the fields spar models
// ("package Type field strategy mergeKey"). Every one must be on the spar
// types, and no other.
var upstreamTags = []string{
	"admissionregistration MutatingWebhookConfiguration webhooks merge name",
	"admissionregistration ValidatingWebhookConfiguration webhooks merge name",
	"apiextensions JSONSchemaProps x-kubernetes-validations merge rule",
	"apps DaemonSetStatus conditions merge type",
	"apps DeploymentSpec strategy retainKeys ",
	"apps DeploymentStatus conditions merge type",
	"apps ReplicaSetStatus conditions merge type",
	"apps StatefulSetStatus conditions merge type",
	"batch JobStatus conditions merge type",
	"core Container env merge name",
	"core Container ports merge containerPort",
	"core Container volumeDevices merge devicePath",
	"core Container volumeMounts merge mountPath",
	"core ContainerStatus allocatedResourcesStatus merge name",
	"core ContainerStatus volumeMounts merge mountPath",
	"core EphemeralContainerCommon env merge name",
	"core EphemeralContainerCommon ports merge containerPort",
	"core EphemeralContainerCommon volumeDevices merge devicePath",
	"core EphemeralContainerCommon volumeMounts merge mountPath",
	"core NamespaceStatus conditions merge type",
	"core NodeSpec podCIDRs merge ",
	"core NodeStatus addresses merge type",
	"core NodeStatus conditions merge type",
	"core PersistentVolumeClaimStatus conditions merge type",
	"core PodSpec containers merge name",
	"core PodSpec ephemeralContainers merge name",
	"core PodSpec hostAliases merge ip",
	"core PodSpec imagePullSecrets merge name",
	"core PodSpec initContainers merge name",
	"core PodSpec resourceClaims merge,retainKeys name",
	"core PodSpec schedulingGates merge name",
	"core PodSpec topologySpreadConstraints merge topologyKey",
	"core PodSpec volumes merge,retainKeys name",
	"core PodStatus conditions merge type",
	"core PodStatus hostIPs merge ip",
	"core PodStatus podIPs merge ip",
	"core PodStatus resourceClaimStatuses merge,retainKeys name",
	"core ServiceAccount secrets merge name",
	"core ServiceSpec ports merge port",
	"core ServiceStatus conditions merge type",
	"meta ObjectMeta finalizers merge ",
	"meta ObjectMeta ownerReferences merge uid",
	"policy PodDisruptionBudgetSpec selector replace ",
	"policy PodDisruptionBudgetStatus conditions merge type",
}

// jsonFieldNames returns the JSON names of struct type t's fields, those of
// untagged embedded structs included.
func jsonFieldNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			names = append(names, jsonFieldNames(f.Type)...)
		} else if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

func TestPatchTags(t *testing.T) {
	var got []string
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for f := range typ.Fields() {
			walk(f.Type)
			strategy, key := f.Tag.Get("patchStrategy"), f.Tag.Get("patchMergeKey")
			if strategy == "" && key == "" {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			pkg := typ.PkgPath()[strings.LastIndexByte(typ.PkgPath(), '/')+1:]
			got = append(got, fmt.Sprintf("%s %s %s %s %s", pkg, typ.Name(), name, strategy, key))
			if key != "" {
				elem := f.Type.Elem()
				if elem.Kind() != reflect.Struct || !slices.Contains(jsonFieldNames(elem), key) {
					t.Errorf("%s.%s: merge key %q is not a field of %v", typ.Name(), f.Name, key, elem)
				}
			}
		}
	}
	for _, r := range api.NewBuiltinScheme().Resources() {
		walk(reflect.TypeOf(r.New()))
	}
	slices.Sort(got)
	got = slices.Compact(got)
	want := slices.Sorted(slices.Values(upstreamTags))
	if !slices.Equal(got, want) {
		t.Errorf("patch tags on the API types:\n%s\nwant (k8s.io/api v0.32):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestConcurrentFirstUse applies patches of one type from many goroutines
// at once, so that the race detector sees the type's metadata being built
// and cached concurrently.
func TestConcurrentFirstUse(t *testing.T) {
	type item struct {
		K string `json:"k"`
		V string `json:"v,omitempty"`
	}
	type fresh struct {
		Items []item `json:"items" patchStrategy:"merge" patchMergeKey:"k"`
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			out, err := patch.Apply(patch.StrategicMerge, []byte(`{"items":[{"k":"a"}]}`),
				[]byte(fmt.Sprintf(`{"items":[{"k":"a","v":"%d"}]}`, i)), reflect.TypeFor[fresh]())
			if err == nil && string(out) != fmt.Sprintf(`{"items":[{"k":"a","v":"%d"}]}`, i) {
				err = fmt.Errorf("got %s", out)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
