package admission_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ar "github.com/spar-dev/spar/api/admissionregistration"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/admission"
)

// hookServer is a real HTTPS webhook; respond decides each answer.
type hookServer struct {
	*httptest.Server
	ca      []byte
	mu      sync.Mutex
	got     []*admission.ReviewRequest
	respond func(w http.ResponseWriter, r *http.Request, req *admission.ReviewRequest) *admission.ReviewResponse
}

func startHook(t testing.TB, respond func(w http.ResponseWriter, r *http.Request, req *admission.ReviewRequest) *admission.ReviewResponse) *hookServer {
	t.Helper()
	h := &hookServer{respond: respond}
	h.Server = httptest.NewTLSServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	h.ca = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: h.Certificate().Raw})
	return h
}

func (h *hookServer) serve(w http.ResponseWriter, r *http.Request) {
	var rv admission.Review
	if err := json.NewDecoder(r.Body).Decode(&rv); err != nil || rv.Request == nil {
		http.Error(w, "bad review", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.got = append(h.got, rv.Request)
	h.mu.Unlock()
	resp := h.respond(w, r, rv.Request)
	if resp == nil {
		return
	}
	if resp.UID == "" {
		resp.UID = rv.Request.UID
	}
	json.NewEncoder(w).Encode(admission.Review{TypeMeta: meta.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}, Response: resp})
}

func (h *hookServer) calls() []*admission.ReviewRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*admission.ReviewRequest(nil), h.got...)
}

func allow(http.ResponseWriter, *http.Request, *admission.ReviewRequest) *admission.ReviewResponse {
	return &admission.ReviewResponse{Allowed: true}
}

var podRule = ar.RuleWithOperations{Operations: []ar.OperationType{ar.Create, ar.Update},
	Rule: ar.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}}

func validatingConfig(name string, h *hookServer, mutate func(w *ar.ValidatingWebhook)) *ar.ValidatingWebhookConfiguration {
	w := ar.ValidatingWebhook{Name: name, ClientConfig: ar.WebhookClientConfig{URL: new(h.URL + "/validate"), CABundle: h.ca},
		Rules: []ar.RuleWithOperations{podRule}, SideEffects: new(ar.SideEffectClassNone), AdmissionReviewVersions: []string{"v1"}}
	if mutate != nil {
		mutate(&w)
	}
	c := &ar.ValidatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: name}, Webhooks: []ar.ValidatingWebhook{w}}
	c.Default()
	return c
}

func mutatingConfig(name string, h *hookServer, mutate func(w *ar.MutatingWebhook)) *ar.MutatingWebhookConfiguration {
	w := ar.MutatingWebhook{Name: name, ClientConfig: ar.WebhookClientConfig{URL: new(h.URL + "/mutate"), CABundle: h.ca},
		Rules: []ar.RuleWithOperations{podRule}, SideEffects: new(ar.SideEffectClassNone), AdmissionReviewVersions: []string{"v1"}}
	if mutate != nil {
		mutate(&w)
	}
	c := &ar.MutatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: name}, Webhooks: []ar.MutatingWebhook{w}}
	c.Default()
	return c
}

var webhookNamespaces = lister(namespace("dev", map[string]string{"env": "dev"}), namespace("prod", map[string]string{"env": "prod"}))

func webhookChain(t *testing.T, m []*ar.MutatingWebhookConfiguration, v []*ar.ValidatingWebhookConfiguration) *admission.Chain {
	t.Helper()
	c, err := admission.New([]string{admission.MutatingAdmissionWebhookName, admission.ValidatingAdmissionWebhookName}, admission.Deps{
		Namespaces: webhookNamespaces, MutatingWebhooks: lister(m...), ValidatingWebhooks: lister(v...)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWebhookAllowSendsReview(t *testing.T) {
	h := startHook(t, allow)
	c := webhookChain(t, nil, []*ar.ValidatingWebhookConfiguration{validatingConfig("allow.example.com", h, nil)})
	pod := newPod("dev", "web", nil)
	if err := run(context.Background(), c, attrs(admission.Create, pod, nil)); err != nil {
		t.Fatal(err)
	}
	got := h.calls()
	if len(got) != 1 {
		t.Fatalf("webhook called %d times, want 1", len(got))
	}
	r := got[0]
	if r.UID == "" || r.Kind != (admission.GroupVersionKind{Version: "v1", Kind: "Pod"}) ||
		r.Resource != (admission.GroupVersionResource{Version: "v1", Resource: "pods"}) || r.Operation != admission.Create ||
		r.Namespace != "dev" || r.Name != "web" || r.UserInfo.Username != "alice" || r.DryRun == nil || *r.DryRun {
		t.Errorf("request = %+v", r)
	}
	var obj struct {
		meta.TypeMeta
		Metadata meta.ObjectMeta `json:"metadata"`
	}
	if err := json.Unmarshal(r.Object, &obj); err != nil || obj.Kind != "Pod" || obj.APIVersion != "v1" || obj.Metadata.Name != "web" {
		t.Errorf("object = %s (%v), want the pod with apiVersion and kind", r.Object, err)
	}
	if string(r.OldObject) != "" || !strings.Contains(string(r.Options), `"kind":"CreateOptions"`) {
		t.Errorf("oldObject = %s, options = %s", r.OldObject, r.Options)
	}
}

func TestWebhookDeny(t *testing.T) {
	h := startHook(t, func(_ http.ResponseWriter, _ *http.Request, req *admission.ReviewRequest) *admission.ReviewResponse {
		if strings.Contains(string(req.Object), `"image":"nginx:latest"`) {
			return &admission.ReviewResponse{Allowed: false, Result: &meta.Status{Message: "latest tags are not allowed", Code: 403}}
		}
		return &admission.ReviewResponse{Allowed: false}
	})
	c := webhookChain(t, nil, []*ar.ValidatingWebhookConfiguration{validatingConfig("deny.example.com", h, nil)})
	err := run(context.Background(), c, attrs(admission.Create, newPod("dev", "web", func(p *core.Pod) { p.Spec.Containers[0].Image = "nginx:latest" }), nil))
	wantErr(t, err, `admission webhook "deny.example.com" denied the request: latest tags are not allowed`)
	wantCode(t, err, 403)
	err = run(context.Background(), c, attrs(admission.Create, newPod("dev", "web", nil), nil))
	wantErr(t, err, `admission webhook "deny.example.com" denied the request without explanation`)
	wantCode(t, err, 400)
}

func TestWebhookPatch(t *testing.T) {
	pt := admission.PatchTypeJSONPatch
	// Each webhook appends its letter to an annotation, so the order they
	// ran in (and that each saw the one before) shows.
	letter := func(l string) func(http.ResponseWriter, *http.Request, *admission.ReviewRequest) *admission.ReviewResponse {
		return func(_ http.ResponseWriter, _ *http.Request, req *admission.ReviewRequest) *admission.ReviewResponse {
			var pod core.Pod
			json.Unmarshal(req.Object, &pod)
			patch := `[{"op":"add","path":"/metadata/annotations","value":{"order":"` + pod.Annotations["order"] + l + `"}},` +
				`{"op":"add","path":"/spec/containers/0/env","value":[{"name":"INJECTED","value":"` + l + `"}]}]`
			return &admission.ReviewResponse{Allowed: true, Patch: []byte(patch), PatchType: &pt,
				Warnings: []string{"patched by " + l}, AuditAnnotations: map[string]string{"letter": l}}
		}
	}
	a, b := startHook(t, letter("a")), startHook(t, letter("b"))
	c := webhookChain(t, []*ar.MutatingWebhookConfiguration{
		mutatingConfig("b.example.com", b, nil), mutatingConfig("a.example.com", a, nil)}, nil)
	pod := newPod("dev", "web", nil)
	rec := &recorder{}
	if err := run(rec.ctx(), c, attrs(admission.Create, pod, nil)); err != nil {
		t.Fatal(err)
	}
	if got := pod.Annotations["order"]; got != "ab" {
		t.Errorf("order annotation = %q, want ab (by configuration name, each seeing the last)", got)
	}
	if env := pod.Spec.Containers[0].Env; len(env) != 1 || env[0].Value != "b" {
		t.Errorf("env = %+v, want the last webhook's", env)
	}
	if pod.Kind != "" || pod.Name != "web" {
		t.Errorf("pod meta changed to %+v / %+v", pod.TypeMeta, pod.ObjectMeta)
	}
	if !reflect.DeepEqual(rec.warnings, []string{"patched by a", "patched by b"}) || rec.annotations["a.example.com/letter"] != "a" {
		t.Errorf("warnings %q, annotations %v", rec.warnings, rec.annotations)
	}
}

func TestWebhookPatchOfUnknownField(t *testing.T) {
	pt := admission.PatchTypeJSONPatch
	h := startHook(t, func(http.ResponseWriter, *http.Request, *admission.ReviewRequest) *admission.ReviewResponse {
		return &admission.ReviewResponse{Allowed: true, PatchType: &pt, Patch: []byte(`[{"op":"add","path":"/spec/bogus","value":1}]`)}
	})
	c := webhookChain(t, []*ar.MutatingWebhookConfiguration{mutatingConfig("bogus.example.com", h, nil)}, nil)
	err := run(context.Background(), c, attrs(admission.Create, newPod("dev", "web", nil), nil))
	wantCode(t, err, 500)
	if err == nil || !strings.Contains(err.Error(), `unknown field "spec.bogus"`) {
		t.Errorf("err = %v, want the unknown field named", err)
	}
}

// hang answers only when the caller gives up.
func hang(_ http.ResponseWriter, r *http.Request, _ *admission.ReviewRequest) *admission.ReviewResponse {
	<-r.Context().Done()
	return nil
}

func TestWebhookTimeoutFailurePolicy(t *testing.T) {
	h := startHook(t, hang)
	for _, tt := range []struct {
		policy ar.FailurePolicyType
		want   string
	}{
		{ar.Fail, `Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "` + h.URL + `/validate?timeout=1s": context deadline exceeded`},
		{ar.Ignore, ""},
	} {
		t.Run(string(tt.policy), func(t *testing.T) {
			c := webhookChain(t, nil, []*ar.ValidatingWebhookConfiguration{validatingConfig("slow.example.com", h, func(w *ar.ValidatingWebhook) {
				w.TimeoutSeconds, w.FailurePolicy = new(int32(1)), new(tt.policy)
			})})
			rec := &recorder{}
			err := run(rec.ctx(), c, attrs(admission.Create, newPod("dev", "web", nil), nil))
			wantErr(t, err, tt.want)
			if tt.policy == ar.Fail {
				wantCode(t, err, 500)
			} else if got := rec.annotations["failed-open.validating.webhook.admission.k8s.io/round_0_index_0"]; got != "slow.example.com" {
				t.Errorf("failed-open annotation = %q", got)
			}
		})
	}
	t.Run("mutating", func(t *testing.T) {
		c := webhookChain(t, []*ar.MutatingWebhookConfiguration{mutatingConfig("slow.example.com", h, func(w *ar.MutatingWebhook) {
			w.TimeoutSeconds = new(int32(1))
		})}, nil)
		err := run(context.Background(), c, attrs(admission.Create, newPod("dev", "web", nil), nil))
		if !strings.HasPrefix(string(meta.ReasonOf(err))+": "+errString(err), `InternalError: Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook`) {
			t.Errorf("err = %v", err)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestWebhookSelectorsAndRules(t *testing.T) {
	h := startHook(t, allow)
	cfg := func(mutate func(w *ar.ValidatingWebhook)) []*ar.ValidatingWebhookConfiguration {
		return []*ar.ValidatingWebhookConfiguration{validatingConfig("sel.example.com", h, mutate)}
	}
	prodOnly := func(w *ar.ValidatingWebhook) {
		w.NamespaceSelector = &meta.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}
	}
	injectOnly := func(w *ar.ValidatingWebhook) {
		w.ObjectSelector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "inject", Operator: meta.LabelSelectorOpIn, Values: []string{"true"}}}}
	}
	labelled := func(p *core.Pod) { p.Labels = map[string]string{"inject": "true"} }
	allResources := func(w *ar.ValidatingWebhook) {
		prodOnly(w)
		w.Rules = []ar.RuleWithOperations{{Operations: []ar.OperationType{ar.OperationAll}, Rule: ar.Rule{APIGroups: []string{"*"}, APIVersions: []string{"*"}, Resources: []string{"*"}}}}
	}
	statusOnly := func(w *ar.ValidatingWebhook) { w.Rules[0].Resources = []string{"pods/status"} }
	clusterScope := func(w *ar.ValidatingWebhook) { allResources(w); w.Rules[0].Scope = new(ar.ClusterScope) }
	status := func() *admission.Attributes {
		p := newPod("dev", "web", nil)
		a := attrs(admission.Update, p, p)
		a.Subresource = "status"
		return a
	}
	tests := []struct {
		name  string
		hooks []*ar.ValidatingWebhookConfiguration
		a     *admission.Attributes
		calls int
	}{
		{"namespace selector matches", cfg(prodOnly), attrs(admission.Create, newPod("prod", "web", nil), nil), 1},
		{"namespace selector misses", cfg(prodOnly), attrs(admission.Create, newPod("dev", "web", nil), nil), 0},
		{"object selector matches new", cfg(injectOnly), attrs(admission.Create, newPod("dev", "web", labelled), nil), 1},
		{"object selector matches old", cfg(injectOnly), attrs(admission.Update, newPod("dev", "web", nil), newPod("dev", "web", labelled)), 1},
		{"object selector misses", cfg(injectOnly), attrs(admission.Create, newPod("dev", "web", nil), nil), 0},
		{"operation misses", cfg(nil), attrs(admission.Delete, nil, newPod("dev", "web", nil)), 0},
		{"resource without subresource", cfg(nil), status(), 0},
		{"subresource rule", cfg(statusOnly), status(), 1},
		{"namespace by its own labels", cfg(allResources), attrs(admission.Create, namespace("prod2", map[string]string{"env": "prod"}), nil), 1},
		{"cluster-scoped ignores namespace selector", cfg(allResources), attrs(admission.Create, &core.Node{ObjectMeta: meta.ObjectMeta{Name: "n1"}}, nil), 1},
		{"cluster scope rule skips namespaced", cfg(clusterScope), attrs(admission.Create, newPod("prod", "web", nil), nil), 0},
		{"webhook configurations are exempt", cfg(allResources),
			attrs(admission.Create, validatingConfig("x.example.com", h, nil), nil), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.calls())
			if err := run(context.Background(), webhookChain(t, nil, tt.hooks), tt.a); err != nil {
				t.Fatal(err)
			}
			if got := len(h.calls()) - before; got != tt.calls {
				t.Errorf("webhook called %d times, want %d", got, tt.calls)
			}
		})
	}
	// A namespace the selector must look up but that does not exist.
	err := run(context.Background(), webhookChain(t, nil, cfg(prodOnly)), attrs(admission.Create, newPod("ghost", "web", nil), nil))
	wantErr(t, err, `namespaces "ghost" not found`)
}

func TestWebhookDryRun(t *testing.T) {
	h := startHook(t, allow)
	some := func(w *ar.ValidatingWebhook) { w.SideEffects = new(ar.SideEffectClassSome) }
	a := attrs(admission.Create, newPod("dev", "web", nil), nil)
	a.DryRun = true
	err := run(context.Background(), webhookChain(t, nil, []*ar.ValidatingWebhookConfiguration{validatingConfig("fx.example.com", h, some)}), a)
	wantErr(t, err, `admission webhook "fx.example.com" does not support dry run`)
	wantCode(t, err, 400)
	if err := run(context.Background(), webhookChain(t, nil, []*ar.ValidatingWebhookConfiguration{validatingConfig("pure.example.com", h, nil)}), a); err != nil {
		t.Fatal(err)
	}
	if got := h.calls(); len(got) != 1 || !*got[0].DryRun || !strings.Contains(string(got[0].Options), `"dryRun":["All"]`) {
		t.Errorf("calls = %+v, want one dry run", got)
	}
}

func TestWebhookInvalidResponse(t *testing.T) {
	h := startHook(t, func(http.ResponseWriter, *http.Request, *admission.ReviewRequest) *admission.ReviewResponse {
		return &admission.ReviewResponse{UID: "wrong", Allowed: true}
	})
	err := run(context.Background(), webhookChain(t, nil, []*ar.ValidatingWebhookConfiguration{validatingConfig("uid.example.com", h, nil)}),
		attrs(admission.Create, newPod("dev", "web", nil), nil))
	if err == nil || !strings.Contains(err.Error(), `failed calling webhook "uid.example.com": received invalid webhook response: expected response.uid=`) {
		t.Errorf("err = %v", err)
	}
	// A server error body is reported.
	h2 := startHook(t, func(w http.ResponseWriter, _ *http.Request, _ *admission.ReviewRequest) *admission.ReviewResponse {
		http.Error(w, "boom", http.StatusInternalServerError)
		return nil
	})
	err = run(context.Background(), webhookChain(t, nil, []*ar.ValidatingWebhookConfiguration{validatingConfig("boom.example.com", h2, nil)}),
		attrs(admission.Create, newPod("dev", "web", nil), nil))
	wantErr(t, err, `Internal error occurred: failed calling webhook "boom.example.com": failed to call webhook: an error on the server ("boom") has prevented the request from succeeding`)
	// A certificate the caBundle does not sign fails the call.
	_, otherCA := certFor(t, "elsewhere.example.com")
	h3 := startHook(t, allow)
	err = run(context.Background(), webhookChain(t, nil, []*ar.ValidatingWebhookConfiguration{validatingConfig("tls.example.com", h3, func(w *ar.ValidatingWebhook) {
		w.ClientConfig.CABundle = otherCA
	})}), attrs(admission.Create, newPod("dev", "web", nil), nil))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("err = %v, want a certificate error", err)
	}
}

func TestValidatingWebhooksRunInParallel(t *testing.T) {
	// Each webhook answers only once both have been called.
	var arrived sync.WaitGroup
	arrived.Add(2)
	both := make(chan struct{})
	go func() { arrived.Wait(); close(both) }()
	barrier := func(_ http.ResponseWriter, r *http.Request, _ *admission.ReviewRequest) *admission.ReviewResponse {
		arrived.Done()
		select {
		case <-both:
			return &admission.ReviewResponse{Allowed: true}
		case <-r.Context().Done():
			return nil
		}
	}
	a, b := startHook(t, barrier), startHook(t, barrier)
	c := webhookChain(t, nil, []*ar.ValidatingWebhookConfiguration{validatingConfig("a.example.com", a, nil), validatingConfig("b.example.com", b, nil)})
	if err := run(context.Background(), c, attrs(admission.Create, newPod("dev", "web", nil), nil)); err != nil {
		t.Fatalf("err = %v; the webhooks were not called concurrently", err)
	}
}

// certFor makes a CA and a serving certificate for dnsName.
func certFor(t *testing.T, dnsName string) (tls.Certificate, []byte) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "webhook-ca"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: dnsName}, DNSNames: []string{dnsName},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

func TestWebhookServiceReference(t *testing.T) {
	cert, ca := certFor(t, "hooks.policy.svc")
	var paths atomic.Value
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths.Store(r.URL.Path)
		var rv admission.Review
		json.NewDecoder(r.Body).Decode(&rv)
		json.NewEncoder(w).Encode(admission.Review{TypeMeta: meta.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
			Response: &admission.ReviewResponse{UID: rv.Request.UID, Allowed: false, Result: &meta.Status{Message: "from the service"}}})
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	var resolved string
	resolver := admission.ServiceResolverFunc(func(_ context.Context, ns, name string, port int32) (*url.URL, error) {
		resolved = name + "." + ns + ":" + strconv.Itoa(int(port))
		u, _ := url.Parse(srv.URL)
		return u, nil
	})
	cfg := &ar.ValidatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "svc"}, Webhooks: []ar.ValidatingWebhook{{
		Name: "svc.example.com", ClientConfig: ar.WebhookClientConfig{CABundle: ca,
			Service: &ar.ServiceReference{Namespace: "policy", Name: "hooks", Path: new("/validate-pods")}},
		Rules: []ar.RuleWithOperations{podRule}, SideEffects: new(ar.SideEffectClassNone), AdmissionReviewVersions: []string{"v1beta1", "v1"},
	}}}
	cfg.Default()
	c, err := admission.New([]string{admission.ValidatingAdmissionWebhookName}, admission.Deps{
		Namespaces: webhookNamespaces, ValidatingWebhooks: lister(cfg), ServiceResolver: resolver})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate(context.Background(), attrs(admission.Create, newPod("dev", "web", nil), nil))
	wantErr(t, err, `admission webhook "svc.example.com" denied the request: from the service`)
	if resolved != "hooks.policy:443" || paths.Load() != "/validate-pods" {
		t.Errorf("resolved %q, path %v", resolved, paths.Load())
	}
}

func BenchmarkValidatingWebhook(b *testing.B) {
	h := startHook(b, allow)
	c, err := admission.New([]string{admission.ValidatingAdmissionWebhookName}, admission.Deps{
		Namespaces: webhookNamespaces, ValidatingWebhooks: lister(validatingConfig("bench.example.com", h, nil))})
	if err != nil {
		b.Fatal(err)
	}
	pod := newPod("dev", "web", nil)
	for b.Loop() {
		if err := c.Validate(context.Background(), attrs(admission.Create, pod, nil)); err != nil {
			b.Fatal(err)
		}
	}
}
