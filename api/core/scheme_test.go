package core_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

func TestCoreResources(t *testing.T) {
	all := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	tests := []struct {
		name         string // as a kubectl user types it
		kind         string
		plural       string
		singular     string
		namespaced   bool
		shortNames   []string
		categories   []string
		verbs        []string
		subresources []string
		goType       any
	}{
		{"po", "Pod", "pods", "pod", true, []string{"po"}, []string{"all"}, all,
			[]string{"status", "binding", "eviction", "log", "exec", "attach", "portforward", "proxy"}, core.Pod{}},
		{"bindings", "Binding", "bindings", "binding", true, nil, nil, []string{"create"}, nil, core.Binding{}},
		{"podtemplate", "PodTemplate", "podtemplates", "podtemplate", true, nil, nil, all, nil, core.PodTemplate{}},
		{"svc", "Service", "services", "service", true, []string{"svc"}, []string{"all"}, all, []string{"status", "proxy"}, core.Service{}},
		{"ep", "Endpoints", "endpoints", "endpoints", true, []string{"ep"}, nil, all, nil, core.Endpoints{}},
		{"no", "Node", "nodes", "node", false, []string{"no"}, nil, all, []string{"status", "proxy"}, core.Node{}},
		{"ns", "Namespace", "namespaces", "namespace", false, []string{"ns"}, nil,
			[]string{"create", "delete", "get", "list", "patch", "update", "watch"}, []string{"status", "finalize"}, core.Namespace{}},
		{"cm", "ConfigMap", "configmaps", "configmap", true, []string{"cm"}, nil, all, nil, core.ConfigMap{}},
		{"secret", "Secret", "secrets", "secret", true, nil, nil, all, nil, core.Secret{}},
		{"sa", "ServiceAccount", "serviceaccounts", "serviceaccount", true, []string{"sa"}, nil, all, []string{"token"}, core.ServiceAccount{}},
		{"pv", "PersistentVolume", "persistentvolumes", "persistentvolume", false, []string{"pv"}, nil, all, []string{"status"}, core.PersistentVolume{}},
		{"pvc", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", true, []string{"pvc"}, nil, all, []string{"status"}, core.PersistentVolumeClaim{}},
		{"ev", "Event", "events", "event", true, []string{"ev"}, nil, all, nil, core.Event{}},
		{"limits", "LimitRange", "limitranges", "limitrange", true, []string{"limits"}, nil, all, nil, core.LimitRange{}},
		{"quota", "ResourceQuota", "resourcequotas", "resourcequota", true, []string{"quota"}, nil, all, []string{"status"}, core.ResourceQuota{}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			found := api.Default.Find(tt.name)
			if len(found) != 1 {
				t.Fatalf("Find(%q) = %d resources, want 1", tt.name, len(found))
			}
			r := found[0]
			got := []any{r.Group, r.Version, r.Kind, r.Plural, r.Singular, r.Namespaced, r.ShortNames, r.Categories, r.Verbs, r.Subresources}
			want := []any{"", "v1", tt.kind, tt.plural, tt.singular, tt.namespaced, tt.shortNames, tt.categories, tt.verbs, tt.subresources}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("resource (-want +got):\n%s", diff)
			}
			if r.APIVersion() != "v1" {
				t.Errorf("APIVersion = %q, want v1", r.APIVersion())
			}

			obj := r.New()
			if gotType := reflect.TypeOf(obj).Elem(); gotType != reflect.TypeOf(tt.goType) {
				t.Errorf("New() = %s, want *%s", gotType, reflect.TypeOf(tt.goType))
			}
			if _, ok := obj.(interface{ Default() }); !ok {
				t.Errorf("%T has no Default method", obj)
			}
			list := r.NewList()
			if items := reflect.ValueOf(list).Elem().FieldByName("Items"); items.Type().Elem() != reflect.TypeOf(tt.goType) {
				t.Errorf("NewList() items are %s, want %s", items.Type().Elem(), reflect.TypeOf(tt.goType))
			}

			if err := api.Default.SetTypeMeta(obj); err != nil {
				t.Fatal(err)
			}
			if tm := obj.GetTypeMeta(); *tm != (meta.TypeMeta{APIVersion: "v1", Kind: tt.kind}) {
				t.Errorf("SetTypeMeta gave %+v", *tm)
			}
		})
	}
	// kubectl get all lists pods and services among the core kinds.
	var inAll []string
	for _, r := range api.Default.Resources() {
		if r.Group == "" && len(r.Categories) > 0 {
			inAll = append(inAll, r.Plural)
		}
	}
	if diff := cmp.Diff([]string{"pods", "services"}, inAll); diff != "" {
		t.Errorf("core resources in category all (-want +got):\n%s", diff)
	}
}

// List aliases share meta.List's wire form.
func TestListWireForm(t *testing.T) {
	l := core.PodList{
		TypeMeta: meta.TypeMeta{APIVersion: "v1", Kind: "PodList"},
		ListMeta: meta.ListMeta{ResourceVersion: "7"},
		Items:    []core.Pod{{ObjectMeta: meta.ObjectMeta{Name: "a"}, Spec: core.PodSpec{Containers: []core.Container{}}}},
	}
	out, err := api.Encode(&l)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apiVersion":"v1","kind":"PodList","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"a"},"spec":{"containers":[]},"status":{}}]}`
	var gotV, wantV any
	if err := json.Unmarshal(out, &gotV); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &wantV); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantV, gotV); diff != "" {
		t.Errorf("encoded list %s (-want +got):\n%s", out, diff)
	}
}
