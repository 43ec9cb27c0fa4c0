package admissionregistration_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	ar "github.com/spar-dev/spar/api/admissionregistration"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*ar.ValidatingWebhookConfiguration)(nil)
	_ validator = (*ar.MutatingWebhookConfiguration)(nil)
)

func TestDecodeAndDefault(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/webhooks.yaml")
	v := apitest.RoundTrip[ar.ValidatingWebhookConfiguration](t, docs[0])
	v.Default()
	w := v.Webhooks[0]
	if got := *w.ClientConfig.Service.Port; got != 443 {
		t.Errorf("service port = %d, want the default 443", got)
	}
	if got := string(w.ClientConfig.CABundle); !strings.HasPrefix(got, "-----BEGIN CERTIFICATE-----") {
		t.Errorf("caBundle = %q, want the decoded PEM", got)
	}
	if got := *w.Rules[0].Scope; got != ar.AllScopes {
		t.Errorf("scope = %q, want *", got)
	}
	if errs := v.Validate(); len(errs) > 0 {
		t.Errorf("Validate = %v, want none", errs)
	}

	m := apitest.RoundTrip[ar.MutatingWebhookConfiguration](t, docs[1])
	m.Default()
	mw := m.Webhooks[0]
	if *mw.TimeoutSeconds != 10 || *mw.MatchPolicy != ar.Equivalent || mw.NamespaceSelector == nil || *mw.FailurePolicy != ar.Ignore {
		t.Errorf("defaults = timeout %d, matchPolicy %s, namespaceSelector %v, failurePolicy %s; want 10, Equivalent, {}, Ignore (kept)",
			*mw.TimeoutSeconds, *mw.MatchPolicy, mw.NamespaceSelector, *mw.FailurePolicy)
	}
	b, err := api.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"namespaceSelector":{}`, `"timeoutSeconds":10`, `"matchPolicy":"Equivalent"`, `"reinvocationPolicy":"IfNeeded"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("encoding lacks %s:\n%s", want, b)
		}
	}
	if errs := m.Validate(); len(errs) > 0 {
		t.Errorf("Validate = %v, want none", errs)
	}
}

func TestMatchConditionsRejectedByName(t *testing.T) {
	got := apitest.StrictFields[ar.ValidatingWebhookConfiguration](t, "webhooks:\n- name: a.b.c\n  matchConditions:\n  - name: x\n    expression: 'true'\n")
	if want := `unknown field "webhooks[0].matchConditions"`; !slices.Contains(got, want) {
		t.Errorf("strict fields = %q, want %q among them", got, want)
	}
}

func expectErrors(t *testing.T, got meta.FieldErrors, want ...string) {
	t.Helper()
	var g []string
	for _, e := range got {
		g = append(g, e.Error())
	}
	if !slices.Equal(g, want) {
		t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(g, "\n      "), strings.Join(want, "\n      "))
	}
}

func validHook() ar.ValidatingWebhook {
	return ar.ValidatingWebhook{
		Name:                    "deny.example.com",
		ClientConfig:            ar.WebhookClientConfig{URL: new("https://hooks.example.com/deny")},
		Rules:                   []ar.RuleWithOperations{{Operations: []ar.OperationType{ar.Create}, Rule: ar.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}}},
		SideEffects:             new(ar.SideEffectClassNone),
		AdmissionReviewVersions: []string{"v1"},
	}
}

func TestValidateValidatingWebhookConfiguration(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(w *ar.ValidatingWebhook)
		want   []string
	}{
		{"valid", func(*ar.ValidatingWebhook) {}, nil},
		{"short name", func(w *ar.ValidatingWebhook) { w.Name = "deny.example" }, []string{
			`webhooks[0].name: Invalid value: "deny.example": should be a domain with at least three segments separated by dots`}},
		{"both url and service", func(w *ar.ValidatingWebhook) {
			w.ClientConfig.Service = &ar.ServiceReference{Namespace: "ns", Name: "svc"}
		}, []string{`webhooks[0].clientConfig: Required value: exactly one of url or service is required`}},
		{"http url", func(w *ar.ValidatingWebhook) { w.ClientConfig.URL = new("http://hooks.example.com/x?a=b") }, []string{
			`webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]`,
			`webhooks[0].clientConfig.url: Invalid value: "a=b": query parameters are not permitted in the URL`}},
		{"service path", func(w *ar.ValidatingWebhook) {
			w.ClientConfig = ar.WebhookClientConfig{Service: &ar.ServiceReference{Namespace: "ns", Name: "svc", Path: new("validate")}}
		}, []string{`webhooks[0].clientConfig.service.path: Invalid value: "validate": must start with a '/'`}},
		{"no side effects", func(w *ar.ValidatingWebhook) { w.SideEffects = nil }, []string{
			`webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun`}},
		{"side effects some", func(w *ar.ValidatingWebhook) { w.SideEffects = new(ar.SideEffectClassSome) }, []string{
			`webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"`}},
		{"timeout", func(w *ar.ValidatingWebhook) { w.TimeoutSeconds = new(int32(31)) }, []string{
			`webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds`}},
		{"review versions", func(w *ar.ValidatingWebhook) { w.AdmissionReviewVersions = []string{"v2"} }, []string{
			`webhooks[0].admissionReviewVersions: Invalid value: ["v2"]: must include at least one of v1, v1beta1`}},
		{"wildcard resources", func(w *ar.ValidatingWebhook) { w.Rules[0].Resources = []string{"*", "pods"} }, []string{
			`webhooks[0].rules[0].resources: Invalid value: ["*","pods"]: if '*' is present, must not specify other resources without subresources`}},
		{"bad operation", func(w *ar.ValidatingWebhook) { w.Rules[0].Operations = []ar.OperationType{"PATCH"} }, []string{
			`webhooks[0].rules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := validHook()
			tt.mutate(&w)
			c := &ar.ValidatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "deny"}, Webhooks: []ar.ValidatingWebhook{w}}
			c.Default()
			expectErrors(t, c.Validate(), tt.want...)
		})
	}
}

func TestDuplicateNamesAndUpdateOfOldObjects(t *testing.T) {
	old := &ar.ValidatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "deny", ResourceVersion: "3"},
		Webhooks: []ar.ValidatingWebhook{validHook(), validHook()}}
	old.Webhooks[0].SideEffects = new(ar.SideEffectClassSome)
	old.Default()
	expectErrors(t, old.Validate(),
		`webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"`,
		`webhooks[1].name: Duplicate value: "deny.example.com"`)
	// An object stored by an older server may keep what it had.
	upd := meta.DeepCopy(old)
	upd.Labels = map[string]string{"team": "a"}
	expectErrors(t, upd.ValidateUpdate(old))
}

func TestMutatingReinvocationPolicy(t *testing.T) {
	h := validHook()
	m := &ar.MutatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "m"}, Webhooks: []ar.MutatingWebhook{{
		Name: h.Name, ClientConfig: h.ClientConfig, Rules: h.Rules, SideEffects: h.SideEffects,
		AdmissionReviewVersions: h.AdmissionReviewVersions, ReinvocationPolicy: new(ar.ReinvocationPolicyType("Always")),
	}}}
	m.Default()
	expectErrors(t, m.Validate(), `webhooks[0].reinvocationPolicy: Unsupported value: "Always": supported values: "IfNeeded", "Never"`)
}
