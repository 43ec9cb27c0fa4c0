package admission_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	ar "github.com/spar-dev/spar/api/admissionregistration"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/client"
)

// TestDefaultChainThroughTheAPIServer runs kube-apiserver's default
// plugins in a real API server and checks what clients see.
func TestDefaultChainThroughTheAPIServer(t *testing.T) {
	c := startCluster(t, admission.DefaultPlugins)
	ctx := context.Background()
	mustCreate := func(obj meta.Object, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("create %T: %v", obj, err)
		}
	}
	sa, err := client.Resource[core.ServiceAccount](c).Namespace("default").Create(ctx,
		&core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "default"}}, nil)
	mustCreate(sa, err)
	lr, err := client.Resource[core.LimitRange](c).Namespace("default").Create(ctx, &core.LimitRange{ObjectMeta: meta.ObjectMeta{Name: "defaults"},
		Spec: core.LimitRangeSpec{Limits: []core.LimitRangeItem{{Type: core.LimitTypeContainer, Default: rl("cpu", "500m")}}}}, nil)
	mustCreate(lr, err)

	pods := client.Resource[core.Pod](c).Namespace("default")
	pod, err := pods.Create(ctx, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}}}, nil)
	mustCreate(pod, err)
	stored, err := pods.Get(ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	s := stored.Spec
	if s.ServiceAccountName != "default" || len(s.Volumes) != 1 || !strings.HasPrefix(s.Volumes[0].Name, "kube-api-access-") ||
		len(s.Containers[0].VolumeMounts) != 1 {
		t.Errorf("service account injection: %+v", s)
	}
	if len(s.Tolerations) != 2 || s.Priority == nil || *s.Priority != 0 || *s.PreemptionPolicy != core.PreemptLowerPriority {
		t.Errorf("tolerations %+v, priority %v", s.Tolerations, s.Priority)
	}
	if got := s.Containers[0].Resources.Limits.CPU(); got.String() != "500m" ||
		stored.Annotations["kubernetes.io/limit-ranger"] != "LimitRanger plugin set: cpu request for container app; cpu limit for container app" {
		t.Errorf("limits %v, annotations %v", s.Containers[0].Resources, stored.Annotations)
	}

	_, err = pods.Create(ctx, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "ghost"},
		Spec: core.PodSpec{ServiceAccountName: "ghost", Containers: []core.Container{{Name: "app", Image: "nginx"}}}}, nil)
	wantErr(t, err, `pods "ghost" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found`)

	// PodSecurity.
	ns, err := client.Resource[core.Namespace](c).Create(ctx, namespace("secure", map[string]string{"pod-security.kubernetes.io/enforce": "baseline"}), nil)
	mustCreate(ns, err)
	sa, err = client.Resource[core.ServiceAccount](c).Namespace("secure").Create(ctx, &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "default"}}, nil)
	mustCreate(sa, err)
	_, err = client.Resource[core.Pod](c).Namespace("secure").Create(ctx, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "host"},
		Spec: core.PodSpec{HostNetwork: true, Containers: []core.Container{{Name: "app", Image: "nginx"}}}}, nil)
	wantErr(t, err, `pods "host" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)`)
	wantCode(t, err, 403)

	// The system namespaces stay.
	err = client.Resource[core.Namespace](c).Delete(ctx, "kube-public", nil)
	wantErr(t, err, `namespaces "kube-public" is forbidden: this namespace may not be deleted`)

	// A validating webhook registered through the API.
	h := startHook(t, func(_ http.ResponseWriter, _ *http.Request, req *admission.ReviewRequest) *admission.ReviewResponse {
		var p core.Pod
		json.Unmarshal(req.Object, &p)
		if p.Labels["team"] == "" {
			return &admission.ReviewResponse{Allowed: false, Result: &meta.Status{Message: "pods need a team label", Code: 403}}
		}
		return &admission.ReviewResponse{Allowed: true}
	})
	cfg, err := client.Resource[ar.ValidatingWebhookConfiguration](c).Create(ctx, validatingConfig("team.example.com", h, nil), nil)
	mustCreate(cfg, err)
	if *cfg.Webhooks[0].TimeoutSeconds != 10 || *cfg.Webhooks[0].Rules[0].Scope != ar.AllScopes {
		t.Errorf("stored configuration not defaulted: %+v", cfg.Webhooks[0])
	}
	_, err = pods.Create(ctx, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "anonymous"},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}}}, nil)
	wantErr(t, err, `admission webhook "team.example.com" denied the request: pods need a team label`)
	wantCode(t, err, 403)
	_, err = pods.Create(ctx, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "owned", Labels: map[string]string{"team": "a"}},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}}}, nil)
	if err != nil {
		t.Errorf("labelled pod: %v", err)
	}
}
