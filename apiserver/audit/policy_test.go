package audit_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/apiserver/authn"
)

// testPolicy exercises every kind of rule; rules are listed so that each
// case is decided by the rule the comment names (first match wins).
const testPolicy = `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  # 0: a user's requests are not recorded
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
  # 1: a group
  - level: None
    userGroups: ["system:nodes"]
    verbs: ["get"]
    resources:
      - group: ""
        resources: ["nodes", "nodes/status"]
  # 2: named objects
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["configmaps"]
        resourceNames: ["controller-leader"]
  # 3: a subresource
  - level: Request
    resources:
      - group: ""
        resources: ["pods/log", "pods/status"]
  # 4: any subresource of a resource, in a namespace
  - level: Request
    namespaces: ["kube-system"]
    resources:
      - group: "apps"
        resources: ["deployments/*"]
  # 5: a subresource of any resource
  - level: Metadata
    resources:
      - group: "apps"
        resources: ["*/scale"]
    omitStages: [ResponseStarted]
  # 6: a whole group
  - level: RequestResponse
    resources:
      - group: "rbac.authorization.k8s.io"
  # 7: non-resource URLs, exact and prefix
  - level: None
    nonResourceURLs: ["/healthz", "/version", "/openapi*"]
  # 8: a namespace, any resource
  - level: Request
    namespaces: ["audited"]
  # 9: secrets named explicitly
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["secrets"]
    namespaces: ["secret-ns"]
  # 10: everything else
  - level: Metadata
    omitManagedFields: true
`

func TestPolicyEvaluate(t *testing.T) {
	p, err := audit.ParsePolicy([]byte(testPolicy))
	if err != nil {
		t.Fatal(err)
	}
	proxy := &authn.User{Name: "system:kube-proxy"}
	node := &authn.User{Name: "system:node:n1", Groups: []string{"system:nodes", "system:authenticated"}}
	alice := &authn.User{Name: "alice", Groups: []string{"system:authenticated"}}
	res := func(verb, group, resource, sub, ns, name string) audit.Attributes {
		return audit.Attributes{Verb: verb, ResourceRequest: true, APIGroup: group, APIVersion: "v1", Resource: resource, Subresource: sub, Namespace: ns, Name: name}
	}
	path := func(verb, p string) audit.Attributes { return audit.Attributes{Verb: verb, Path: p} }
	cases := []struct {
		name       string
		user       *authn.User
		attrs      audit.Attributes
		level      audit.Level
		rule       int
		names      bool
		omitMF     bool
		omitted    []audit.Stage
		notOmitted []audit.Stage
	}{
		{"user and verb", proxy, res("watch", "", "endpoints", "", "", ""), audit.LevelNone, 0, false, false, nil, nil},
		{"user, other verb", proxy, res("list", "", "endpoints", "", "", ""), audit.LevelMetadata, 10, false, true, nil, nil},
		{"group", node, res("get", "", "nodes", "", "", "n1"), audit.LevelNone, 1, true, false, nil, nil},
		{"group, subresource listed", node, res("get", "", "nodes", "status", "", "n1"), audit.LevelNone, 1, true, false, nil, nil},
		{"not in the group", alice, res("get", "", "nodes", "", "", "n1"), audit.LevelMetadata, 10, false, true, nil, nil},
		{"unauthenticated does not match a group rule", nil, res("get", "", "nodes", "", "", "n1"), audit.LevelMetadata, 10, false, true, nil, nil},
		{"resource name", alice, res("update", "", "configmaps", "", "kube-system", "controller-leader"), audit.LevelRequestResponse, 2, true, false, nil, nil},
		{"other resource name", alice, res("update", "", "configmaps", "", "kube-system", "other"), audit.LevelMetadata, 10, false, true, nil, nil},
		{"pods/log", alice, res("get", "", "pods", "log", "default", "web"), audit.LevelRequest, 3, true, false, nil, nil},
		{"pods itself is not pods/log", alice, res("get", "", "pods", "", "default", "web"), audit.LevelMetadata, 10, false, true, nil, nil},
		{"pods/exec not listed", alice, res("create", "", "pods", "exec", "default", "web"), audit.LevelMetadata, 10, false, true, nil, nil},
		{"resource/* in namespace", alice, res("update", "apps", "deployments", "status", "kube-system", "d"), audit.LevelRequest, 4, true, false, nil, nil},
		{"resource/* covers the resource", alice, res("get", "apps", "deployments", "", "kube-system", "d"), audit.LevelRequest, 4, true, false, nil, nil},
		{"resource/* other namespace", alice, res("update", "apps", "deployments", "status", "default", "d"), audit.LevelMetadata, 10, false, true, nil, nil},
		{"*/scale", alice, res("update", "apps", "statefulsets", "scale", "default", "s"), audit.LevelMetadata, 5, false, false,
			[]audit.Stage{audit.StageRequestReceived, audit.StageResponseStarted}, []audit.Stage{audit.StageResponseComplete, audit.StagePanic}},
		{"*/scale, other group", alice, res("update", "", "replicationcontrollers", "scale", "default", "r"), audit.LevelMetadata, 10, false, true, nil, nil},
		{"whole group", alice, res("create", "rbac.authorization.k8s.io", "clusterroles", "", "", "x"), audit.LevelRequestResponse, 6, false, false, nil, nil},
		{"non-resource exact", alice, path("get", "/healthz"), audit.LevelNone, 7, false, false, nil, nil},
		{"non-resource exact only", alice, path("get", "/healthz/etcd"), audit.LevelMetadata, 10, false, true, nil, nil},
		{"non-resource prefix", alice, path("get", "/openapi/v3/apis"), audit.LevelNone, 7, false, false, nil, nil},
		{"namespace rule skips non-resource", alice, path("get", "/metrics"), audit.LevelMetadata, 10, false, true, nil, nil},
		{"namespace, any resource", alice, res("delete", "batch", "jobs", "", "audited", "j"), audit.LevelRequest, 8, false, false, nil, nil},
		{"secrets named", alice, res("get", "", "secrets", "", "secret-ns", "s"), audit.LevelRequestResponse, 9, true, false, nil, nil},
		{"secrets by namespace rule", alice, res("get", "", "secrets", "", "audited", "s"), audit.LevelRequest, 8, false, false, nil, nil},
		{"policy omitStages apply to all", alice, res("list", "", "pods", "", "default", ""), audit.LevelMetadata, 10, false, true,
			[]audit.Stage{audit.StageRequestReceived}, []audit.Stage{audit.StageResponseStarted, audit.StageResponseComplete}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := p.Evaluate(tc.user, tc.attrs)
			if d.Level != tc.level || d.Rule != tc.rule {
				t.Errorf("Evaluate = level %s by rule %d, want %s by rule %d", d.Level, d.Rule, tc.level, tc.rule)
			}
			if d.NamesResource != tc.names {
				t.Errorf("NamesResource = %v, want %v", d.NamesResource, tc.names)
			}
			if d.OmitManagedFields != tc.omitMF {
				t.Errorf("OmitManagedFields = %v, want %v", d.OmitManagedFields, tc.omitMF)
			}
			for _, s := range tc.omitted {
				if !d.Omits(s) {
					t.Errorf("stage %s is not omitted", s)
				}
			}
			for _, s := range tc.notOmitted {
				if d.Omits(s) {
					t.Errorf("stage %s is omitted", s)
				}
			}
		})
	}
}

// TestFirstMatchWins: an earlier, broader rule hides a later, narrower one.
func TestFirstMatchWins(t *testing.T) {
	p, err := audit.ParsePolicy([]byte(`
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Metadata
  resources: [{group: "", resources: ["*"]}]
- level: RequestResponse
  resources: [{group: "", resources: ["secrets"]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	d := p.Evaluate(nil, audit.Attributes{Verb: "get", ResourceRequest: true, Resource: "secrets", Namespace: "x", Name: "s"})
	if d.Level != audit.LevelMetadata || d.Rule != 0 || d.NamesResource {
		t.Errorf("Evaluate = %s by rule %d (names %v), want Metadata by rule 0 through \"*\"", d.Level, d.Rule, d.NamesResource)
	}
	d = p.Evaluate(nil, audit.Attributes{Verb: "get", Path: "/version"})
	if d.Level != audit.LevelNone || d.Rule != -1 {
		t.Errorf("no rule matches: Evaluate = %s by rule %d, want None by -1", d.Level, d.Rule)
	}
}

func TestParsePolicyErrors(t *testing.T) {
	head := "apiVersion: audit.k8s.io/v1\nkind: Policy\n"
	cases := []struct{ name, in, want string }{
		{"no rules", head + "rules: []\n", "loaded illegal policy with 0 rules"},
		{"wrong kind", "apiVersion: audit.k8s.io/v1\nkind: Polic\nrules: [{level: None}]\n", `want audit.k8s.io/v1 "Policy"`},
		{"unknown field", head + "rules:\n- level: None\n  user: [x]\n", `unknown field "rules[0].user"`},
		{"no level", head + "rules:\n- users: [x]\n", "rules[0].level: Required value"},
		{"bad level", head + "rules:\n- level: Everything\n", `Unsupported value: "Everything"`},
		{"bad stage", head + "omitStages: [Done]\nrules: [{level: None}]\n", "allowed stages are"},
		{"url without slash", head + "rules:\n- level: None\n  nonResourceURLs: [healthz]\n", "must begin with a '/' character"},
		{"inner wildcard", head + "rules:\n- level: None\n  nonResourceURLs: ['/api/*/x']\n", "must be the final character"},
		{"urls and resources", head + "rules:\n- level: None\n  nonResourceURLs: ['/x']\n  namespaces: [a]\n", "cannot apply to both regular resources and non-resource URLs"},
		{"names without resources", head + "rules:\n- level: None\n  resources: [{group: '', resourceNames: [a]}]\n", "using resourceNames requires at least one resource"},
		{"group with version", head + "rules:\n- level: None\n  resources: [{group: 'rbac.authorization.k8s.io/v1'}]\n", "lowercase RFC 1123 subdomain"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := audit.ParsePolicy([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParsePolicy: err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestParseRequest checks the default attribute parser against the API
// path grammar.
func TestParseRequest(t *testing.T) {
	cases := []struct {
		method, target string
		want           audit.Attributes
	}{
		{"GET", "/api/v1/namespaces/default/pods", audit.Attributes{Verb: "list", ResourceRequest: true, APIVersion: "v1", Resource: "pods", Namespace: "default"}},
		{"GET", "/api/v1/namespaces/default/pods?watch=true", audit.Attributes{Verb: "watch", ResourceRequest: true, APIVersion: "v1", Resource: "pods", Namespace: "default"}},
		{"GET", "/api/v1/namespaces/default/pods/web/log", audit.Attributes{Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: "pods", Subresource: "log", Namespace: "default", Name: "web"}},
		{"POST", "/apis/apps/v1/namespaces/ns/deployments", audit.Attributes{Verb: "create", ResourceRequest: true, APIGroup: "apps", APIVersion: "v1", Resource: "deployments", Namespace: "ns"}},
		{"PUT", "/apis/apps/v1/namespaces/ns/deployments/d/scale", audit.Attributes{Verb: "update", ResourceRequest: true, APIGroup: "apps", APIVersion: "v1", Resource: "deployments", Subresource: "scale", Namespace: "ns", Name: "d"}},
		{"DELETE", "/api/v1/namespaces/ns/secrets", audit.Attributes{Verb: "deletecollection", ResourceRequest: true, APIVersion: "v1", Resource: "secrets", Namespace: "ns"}},
		{"PATCH", "/api/v1/nodes/n1/status", audit.Attributes{Verb: "patch", ResourceRequest: true, APIVersion: "v1", Resource: "nodes", Subresource: "status", Name: "n1"}},
		{"GET", "/api/v1/namespaces/ns", audit.Attributes{Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: "namespaces", Name: "ns"}},
		{"PUT", "/api/v1/namespaces/ns/finalize", audit.Attributes{Verb: "update", ResourceRequest: true, APIVersion: "v1", Resource: "namespaces", Subresource: "finalize", Name: "ns"}},
		{"GET", "/api/v1/watch/namespaces/ns/pods", audit.Attributes{Verb: "watch", ResourceRequest: true, APIVersion: "v1", Resource: "pods", Namespace: "ns"}},
		{"GET", "/apis/apps/v1", audit.Attributes{Verb: "get", APIGroup: "apps", APIVersion: "v1"}},
		{"GET", "/healthz", audit.Attributes{Verb: "get"}},
	}
	for _, tc := range cases {
		r := httptest.NewRequest(tc.method, tc.target, nil)
		tc.want.Path = r.URL.Path
		if got := audit.ParseRequest(r); got != tc.want {
			t.Errorf("%s %s:\n got %+v\nwant %+v", tc.method, tc.target, got, tc.want)
		}
	}
	if !audit.DefaultLongRunning(audit.Attributes{Verb: "watch"}) || !audit.DefaultLongRunning(audit.Attributes{Verb: "create", Subresource: "exec"}) ||
		audit.DefaultLongRunning(audit.Attributes{Verb: "get", Subresource: "status"}) {
		t.Error("DefaultLongRunning disagrees with the API server's list")
	}
}

// TestDefaultPolicy checks the bootstrap policy's promises: changes are
// recorded, reads mostly not, secrets never with bodies.
func TestDefaultPolicy(t *testing.T) {
	p := audit.DefaultPolicy()
	res := func(verb, group, resource, sub string) audit.Attributes {
		return audit.Attributes{Verb: verb, ResourceRequest: true, APIGroup: group, APIVersion: "v1", Resource: resource, Subresource: sub, Namespace: "ns", Name: "x"}
	}
	cases := []struct {
		name  string
		attrs audit.Attributes
		want  audit.Level
	}{
		{"create deployment", res("create", "apps", "deployments", ""), audit.LevelRequest},
		{"delete pod", res("delete", "", "pods", ""), audit.LevelRequest},
		{"scale", res("update", "apps", "deployments", "scale"), audit.LevelRequest},
		{"get pod", res("get", "", "pods", ""), audit.LevelNone},
		{"watch pods", res("watch", "", "pods", ""), audit.LevelNone},
		{"get secret", res("get", "", "secrets", ""), audit.LevelMetadata},
		{"update secret", res("update", "", "secrets", ""), audit.LevelMetadata},
		{"create configmap", res("create", "", "configmaps", ""), audit.LevelMetadata},
		{"token request", res("create", "", "serviceaccounts", "token"), audit.LevelMetadata},
		{"lease renewal", res("update", "coordination.k8s.io", "leases", ""), audit.LevelNone},
		{"event", res("create", "", "events", ""), audit.LevelNone},
		{"node heartbeat", res("patch", "", "nodes", "status"), audit.LevelMetadata},
		{"healthz", audit.Attributes{Verb: "get", Path: "/readyz"}, audit.LevelNone},
		{"discovery", audit.Attributes{Verb: "get", Path: "/apis/apps/v1"}, audit.LevelNone},
	}
	for _, tc := range cases {
		d := p.Evaluate(&authn.User{Name: "u"}, tc.attrs)
		if d.Level != tc.want {
			t.Errorf("%s: level %s (rule %d), want %s", tc.name, d.Level, d.Rule, tc.want)
		}
		if !d.Omits(audit.StageRequestReceived) {
			t.Errorf("%s: RequestReceived is recorded", tc.name)
		}
	}
}
