package client_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	ext "github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
)

func createGadgetCRD(t *testing.T, c *client.Client) {
	t.Helper()
	var crd ext.CustomResourceDefinition
	data, err := api.ToJSON([]byte(gadgetCRD))
	if err != nil {
		t.Fatal(err)
	}
	if err := api.DecodeStrict(data, &crd); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[ext.CustomResourceDefinition](c).Create(t.Context(), &crd, nil); err != nil {
		t.Fatalf("creating the CRD: %v", err)
	}
}

// find returns the resource of group, version and name in rs.
func find(rs []client.APIResource, group, version, name string) (client.APIResource, bool) {
	i := slices.IndexFunc(rs, func(r client.APIResource) bool {
		return r.Group == group && r.Version == version && r.Name == name
	})
	if i < 0 {
		return client.APIResource{}, false
	}
	return rs[i], true
}

func TestDiscovery(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		ctx := t.Context()
		d := client.Discovery(e.c)

		groups, err := d.ServerGroups(ctx)
		if err != nil {
			t.Fatalf("ServerGroups: %v", err)
		}
		if len(groups) == 0 || groups[0].Name != "" || groups[0].PreferredVersion != "v1" {
			t.Fatalf("ServerGroups = %+v, want the core group first", groups)
		}
		if i := slices.IndexFunc(groups, func(g client.APIGroup) bool { return g.Name == "apps" }); i < 0 || groups[i].PreferredVersion != "v1" {
			t.Errorf("ServerGroups = %+v, want apps at v1", groups)
		}

		createGadgetCRD(t, e.c)
		var all []client.APIResource
		eventually(t, "discovery to list gadgets", func() bool {
			all, err = d.ServerResources(ctx)
			_, ok := find(all, "example.com", "v1", "gadgets")
			return err == nil && ok
		})
		tests := []struct {
			group, version, name string
			kind                 string
			namespaced           bool
			verbs, shortNames    []string
		}{
			{"", "v1", "pods", "Pod", true, []string{"list", "watch", "delete", "deletecollection"}, []string{"po"}},
			{"", "v1", "pods/status", "Pod", true, []string{"get", "patch", "update"}, nil},
			{"", "v1", "namespaces", "Namespace", false, []string{"get", "list", "watch"}, []string{"ns"}},
			{"apps", "v1", "deployments", "Deployment", true, []string{"list", "watch", "create"}, []string{"deploy"}},
			{"apps", "v1", "deployments/scale", "Scale", true, []string{"get", "update"}, nil},
			{"example.com", "v1", "gadgets", "Gadget", true, []string{"list", "watch", "delete"}, nil},
			{"example.com", "v1", "gadgets/scale", "Scale", true, []string{"get", "update"}, nil},
		}
		for _, tt := range tests {
			r, ok := find(all, tt.group, tt.version, tt.name)
			if !ok {
				t.Errorf("ServerResources has no %s/%s %s", tt.group, tt.version, tt.name)
				continue
			}
			if r.Kind != tt.kind || r.Namespaced != tt.namespaced || !r.Supports(tt.verbs...) || !slices.Equal(r.ShortNames, tt.shortNames) {
				t.Errorf("%s = %+v, want kind %s, namespaced %v, verbs ⊇ %v, short names %v", tt.name, r, tt.kind, tt.namespaced, tt.verbs, tt.shortNames)
			}
			if want := (api.GVR{Group: tt.group, Version: tt.version, Resource: tt.name}); r.GVR() != want {
				t.Errorf("%s.GVR() = %v, want %v", tt.name, r.GVR(), want)
			}
			if got := r.IsSubresource(); got != slices.Contains([]string{"pods/status", "deployments/scale", "gadgets/scale"}, tt.name) {
				t.Errorf("%s.IsSubresource() = %v", tt.name, got)
			}
		}

		preferred, err := d.PreferredResources(ctx)
		if err != nil {
			t.Fatalf("PreferredResources: %v", err)
		}
		seen := map[string]bool{}
		for _, r := range preferred {
			key := r.Group + "/" + r.Name
			if r.IsSubresource() || seen[key] {
				t.Errorf("PreferredResources lists %s/%s %s (a subresource, or twice)", r.Group, r.Version, r.Name)
			}
			seen[key] = true
		}
		for _, want := range []string{"/pods", "/configmaps", "apps/deployments", "example.com/gadgets"} {
			if !seen[want] {
				t.Errorf("PreferredResources has no %s", want)
			}
		}
	})
}

// A group-version that fails leaves the others readable, and the error
// names it.
func TestDiscoveryPartialFailure(t *testing.T) {
	srv := apiservertest.Start(t, nil)
	h := srv.Handler()
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/apis/apps/v1" {
			http.Error(w, "the apps group is down", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
	c := client.NewForHandler(broken)
	all, err := client.Discovery(c).ServerResources(t.Context())
	var de *client.DiscoveryError
	if !errors.As(err, &de) || len(de.Failed) != 1 || de.Failed["apps/v1"] == nil {
		t.Fatalf("err = %v, want a DiscoveryError naming apps/v1 alone", err)
	}
	if _, ok := find(all, "", "v1", "pods"); !ok {
		t.Error("the core group is missing from a partial answer")
	}
	if _, ok := find(all, "apps", "v1", "deployments"); ok {
		t.Error("the failed group-version has resources")
	}
	preferred, err := client.Discovery(c).PreferredResources(t.Context())
	if !errors.As(err, &de) || len(preferred) == 0 {
		t.Errorf("PreferredResources = %d resources, %v; want the readable ones and the DiscoveryError", len(preferred), err)
	}
}

func TestPreferred(t *testing.T) {
	r := func(group, version, name string) client.APIResource {
		return client.APIResource{Group: group, Version: version, Name: name}
	}
	// ServerResources' order: each group's preferred version first.
	in := []client.APIResource{
		r("", "v1", "pods"), r("", "v1", "pods/status"),
		r("batch", "v1", "jobs"), r("batch", "v1", "cronjobs"),
		r("batch", "v1beta1", "cronjobs"), r("batch", "v1beta1", "legacyjobs"),
		r("other", "v2", "jobs"),
	}
	var got []string
	for _, x := range client.Preferred(in) {
		got = append(got, fmt.Sprintf("%s/%s/%s", x.Group, x.Version, x.Name))
	}
	want := []string{"/v1/pods", "batch/v1/jobs", "batch/v1/cronjobs", "batch/v1beta1/legacyjobs", "other/v2/jobs"}
	if !slices.Equal(got, want) {
		t.Errorf("Preferred = %v, want %v", got, want)
	}
}
