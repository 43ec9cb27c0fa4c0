package authorization_test

import (
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/authorization"
	"github.com/spar-dev/spar/api/meta"
)

// Documents as Kubernetes writes them decode strictly into spar's types and
// encode back to the same bytes.
func TestJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		obj  meta.Object
	}{
		{"self subject access review (kubectl auth can-i)",
			`{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"resourceAttributes":{"namespace":"default","verb":"create","resource":"pods"}},"status":{"allowed":true,"reason":"RBAC: allowed by ClusterRoleBinding \"x\" of ClusterRole \"cluster-admin\" to User \"a\""}}`,
			&authorization.SelfSubjectAccessReview{}},
		{"subject access review with extra and selectors",
			`{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"resourceAttributes":{"verb":"list","version":"v1","resource":"pods","fieldSelector":{"requirements":[{"key":"spec.nodeName","operator":"In","values":["n1"]}]},"labelSelector":{"rawSelector":"app=web"}},"user":"u","groups":["g"],"extra":{"scopes":["a","b"]},"uid":"1"},"status":{"allowed":false,"denied":true,"evaluationError":"e"}}`,
			&authorization.SubjectAccessReview{}},
		{"non-resource",
			`{"kind":"LocalSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"namespace":"ns1"},"spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"},"user":"u"},"status":{"allowed":false}}`,
			&authorization.LocalSubjectAccessReview{}},
		{"rules review",
			`{"kind":"SelfSubjectRulesReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"namespace":"ns1"},"status":{"resourceRules":[{"verbs":["get"],"apiGroups":[""],"resources":["pods"],"resourceNames":["p"]}],"nonResourceRules":[{"verbs":["get"],"nonResourceURLs":["/api"]}],"incomplete":true,"evaluationError":"x"}}`,
			&authorization.SelfSubjectRulesReview{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := api.DecodeStrict([]byte(tt.doc), tt.obj); err != nil {
				t.Fatal(err)
			}
			b, err := api.Encode(tt.obj)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.doc {
				t.Errorf("re-encoded as\n%s\nwant\n%s", b, tt.doc)
			}
		})
	}
}

func TestUnknownFieldRejected(t *testing.T) {
	var r authorization.SelfSubjectAccessReview
	err := api.DecodeStrict([]byte(`{"spec":{"resourceAttributes":{"verb":"get","resourse":"pods"}}}`), &r)
	if !api.IsStrictError(err) || !strings.Contains(err.Error(), "resourse") {
		t.Errorf("err = %v, want a strict error naming resourse", err)
	}
}

func TestSchemeVerbs(t *testing.T) {
	for _, plural := range []string{"subjectaccessreviews", "selfsubjectaccessreviews", "localsubjectaccessreviews", "selfsubjectrulesreviews"} {
		r, ok := api.Default.ByResource(api.GVR{Group: "authorization.k8s.io", Version: "v1", Resource: plural})
		if !ok {
			t.Fatalf("%s is not registered", plural)
		}
		if len(r.Verbs) != 1 || r.Verbs[0] != "create" {
			t.Errorf("%s verbs = %v, want [create]", plural, r.Verbs)
		}
		if r.Namespaced != (plural == "localsubjectaccessreviews") {
			t.Errorf("%s namespaced = %v", plural, r.Namespaced)
		}
	}
}
