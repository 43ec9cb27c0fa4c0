package api_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
)

// Every registered kind's New and NewList must produce values that encode
// and strictly decode back to themselves, with the right apiVersion and kind.
func TestSchemeNewRoundTrip(t *testing.T) {
	for _, r := range api.Default.Resources() {
		t.Run(r.GroupResource().String(), func(t *testing.T) {
			obj := r.New()
			if err := api.Default.SetTypeMeta(obj); err != nil {
				t.Fatal(err)
			}
			om := obj.GetObjectMeta()
			om.Name, om.ResourceVersion = "x", "7"
			if r.Namespaced {
				om.Namespace = "ns"
			}
			enc, err := api.Encode(obj)
			if err != nil {
				t.Fatal(err)
			}
			back := r.New()
			if err := api.DecodeStrict(enc, back); err != nil {
				t.Fatalf("decode %s: %v", enc, err)
			}
			// Compared on the wire: a nil raw JSON value (ControllerRevision's
			// data) encodes as null and decodes as the bytes "null".
			if again, err := api.Encode(back); err != nil || string(again) != string(enc) {
				t.Errorf("round trip changed the object: %s, then %s (%v)", enc, again, err)
			}
			if tm := back.GetTypeMeta(); tm.APIVersion != r.APIVersion() || tm.Kind != r.Kind {
				t.Errorf("type meta = %+v, want %s %s", tm, r.APIVersion(), r.Kind)
			}
			if got, ok := api.Default.ForObject(back); !ok || got != r {
				t.Errorf("ForObject(%T) = %v, want %s", back, got, r.Kind)
			}

			listJSON := fmt.Sprintf(`{"kind":%q,"apiVersion":%q,"metadata":{"resourceVersion":"9","continue":"c"},"items":[%s]}`,
				r.ListKind(), r.APIVersion(), enc)
			list := r.NewList()
			if err := api.DecodeStrict([]byte(listJSON), list); err != nil {
				t.Fatalf("decode list: %v", err)
			}
			if lm := list.GetListMeta(); lm.ResourceVersion != "9" || lm.Continue != "c" {
				t.Errorf("list meta = %+v", lm)
			}
			items := reflect.ValueOf(list).Elem().FieldByName("Items")
			if items.Len() != 1 || items.Index(0).Addr().Interface().(meta.Object).GetObjectMeta().Name != "x" {
				t.Errorf("list items = %+v, want the one object", items.Interface())
			}
			again, err := api.Encode(list)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != listJSON {
				t.Errorf("list re-encoded as\n%s\nwant\n%s", again, listJSON)
			}
		})
	}
}

// The kinds of the non-core groups all have a Default method, so generic
// code (the API server's create path) can default any of them.
func TestGroupKindsHaveDefault(t *testing.T) {
	for _, r := range api.Default.Resources() {
		if r.Group == "" {
			continue
		}
		if _, ok := r.New().(interface{ Default() }); !ok {
			t.Errorf("%s has no Default method", r.GroupResource())
		}
	}
}

func TestSchemeGroupResources(t *testing.T) {
	tests := []struct {
		gvr          api.GVR
		kind         string
		namespaced   bool
		shortNames   []string
		categories   []string
		subresources []string
	}{
		{api.GVR{Group: "apps", Version: "v1", Resource: "deployments"}, "Deployment", true, []string{"deploy"}, []string{"all"}, []string{"status", "scale"}},
		{api.GVR{Group: "apps", Version: "v1", Resource: "replicasets"}, "ReplicaSet", true, []string{"rs"}, []string{"all"}, []string{"status", "scale"}},
		{api.GVR{Group: "apps", Version: "v1", Resource: "statefulsets"}, "StatefulSet", true, []string{"sts"}, []string{"all"}, []string{"status", "scale"}},
		{api.GVR{Group: "apps", Version: "v1", Resource: "daemonsets"}, "DaemonSet", true, []string{"ds"}, []string{"all"}, []string{"status"}},
		{api.GVR{Group: "apps", Version: "v1", Resource: "controllerrevisions"}, "ControllerRevision", true, nil, nil, nil},
		{api.GVR{Group: "batch", Version: "v1", Resource: "jobs"}, "Job", true, nil, []string{"all"}, []string{"status"}},
		{api.GVR{Group: "batch", Version: "v1", Resource: "cronjobs"}, "CronJob", true, []string{"cj"}, []string{"all"}, []string{"status"}},
		{api.GVR{Group: "autoscaling", Version: "v1", Resource: "horizontalpodautoscalers"}, "HorizontalPodAutoscaler", true, []string{"hpa"}, []string{"all"}, []string{"status"}},
		{api.GVR{Group: "discovery.k8s.io", Version: "v1", Resource: "endpointslices"}, "EndpointSlice", true, nil, nil, nil},
		{api.GVR{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"}, "Ingress", true, []string{"ing"}, nil, []string{"status"}},
		{api.GVR{Group: "networking.k8s.io", Version: "v1", Resource: "ingressclasses"}, "IngressClass", false, nil, nil, nil},
		{api.GVR{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"}, "NetworkPolicy", true, []string{"netpol"}, nil, nil},
		{api.GVR{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}, "Role", true, nil, nil, nil},
		{api.GVR{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}, "RoleBinding", true, nil, nil, nil},
		{api.GVR{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}, "ClusterRole", false, nil, nil, nil},
		{api.GVR{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}, "ClusterRoleBinding", false, nil, nil, nil},
		{api.GVR{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}, "Lease", true, nil, nil, nil},
		{api.GVR{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}, "CustomResourceDefinition", false, []string{"crd", "crds"}, []string{"api-extensions"}, []string{"status"}},
		{api.GVR{Group: "scheduling.k8s.io", Version: "v1", Resource: "priorityclasses"}, "PriorityClass", false, []string{"pc"}, nil, nil},
		{api.GVR{Group: "storage.k8s.io", Version: "v1", Resource: "storageclasses"}, "StorageClass", false, []string{"sc"}, nil, nil},
		{api.GVR{Group: "storage.k8s.io", Version: "v1", Resource: "csidrivers"}, "CSIDriver", false, nil, nil, nil},
		{api.GVR{Group: "storage.k8s.io", Version: "v1", Resource: "volumeattachments"}, "VolumeAttachment", false, nil, nil, []string{"status"}},
		{api.GVR{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"}, "PodDisruptionBudget", true, []string{"pdb"}, nil, []string{"status"}},
	}
	for _, tt := range tests {
		t.Run(tt.gvr.String(), func(t *testing.T) {
			r, ok := api.Default.ByResource(tt.gvr)
			if !ok {
				t.Fatalf("%s is not registered", tt.gvr)
			}
			if r.Kind != tt.kind || r.Namespaced != tt.namespaced {
				t.Errorf("kind %s namespaced %v, want %s %v", r.Kind, r.Namespaced, tt.kind, tt.namespaced)
			}
			if !slices.Equal(r.ShortNames, tt.shortNames) || !slices.Equal(r.Categories, tt.categories) || !slices.Equal(r.Subresources, tt.subresources) {
				t.Errorf("shortNames %q categories %q subresources %q, want %q %q %q",
					r.ShortNames, r.Categories, r.Subresources, tt.shortNames, tt.categories, tt.subresources)
			}
			if want := api.DefaultVerbs; !slices.Equal(r.Verbs, want) {
				t.Errorf("verbs = %q, want %q", r.Verbs, want)
			}
		})
	}
}

// kubectl resolves what users type through the scheme.
func TestSchemeFindGroupNames(t *testing.T) {
	tests := []struct {
		name, group, kind string
	}{
		{"deploy", "apps", "Deployment"},
		{"deployments.apps", "apps", "Deployment"},
		{"statefulset", "apps", "StatefulSet"},
		{"cj", "batch", "CronJob"},
		{"ing", "networking.k8s.io", "Ingress"},
		{"crds", "apiextensions.k8s.io", "CustomResourceDefinition"},
		{"CustomResourceDefinition", "apiextensions.k8s.io", "CustomResourceDefinition"},
		{"pdb", "policy", "PodDisruptionBudget"},
		{"pc", "scheduling.k8s.io", "PriorityClass"},
		{"sc", "storage.k8s.io", "StorageClass"},
		{"clusterrolebinding", "rbac.authorization.k8s.io", "ClusterRoleBinding"},
		{"leases.coordination.k8s.io", "coordination.k8s.io", "Lease"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := api.Default.Find(tt.name)
			if len(got) != 1 || got[0].Group != tt.group || got[0].Kind != tt.kind {
				var names []string
				for _, r := range got {
					names = append(names, r.Group+"/"+r.Kind)
				}
				t.Errorf("Find(%q) = %q, want [%s/%s]", tt.name, names, tt.group, tt.kind)
			}
		})
	}
}

// Every registered kind is a distinct Go type that satisfies meta.Object.
func TestSchemeGoTypesDistinct(t *testing.T) {
	seen := map[reflect.Type]string{}
	for _, r := range api.Default.Resources() {
		var obj meta.Object = r.New()
		typ := reflect.TypeOf(obj)
		if prev, dup := seen[typ]; dup {
			t.Errorf("%s and %s share Go type %s", prev, r.Kind, typ)
		}
		seen[typ] = r.Kind
	}
}
