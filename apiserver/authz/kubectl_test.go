package authz_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/authorization"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/protobuf"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/apiserver/authz"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/internal/testenv"
	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/bolt"
	"github.com/spar-dev/spar/watch"
)

// securedServer is an API server with the authorization stage wired as the
// lead wires it: node → RBAC over watch caches of the RBAC objects, the
// escalation check and NodeRestriction in admission, and the review
// handlers in front of the API.
type securedServer struct {
	url   string
	dir   string
	rbac  *authz.RBAC
	graph *authz.NodeGraph
	// caches by resource, for waiting until a write is seen.
	caches map[string]*watch.Cache
	admin  *client.Client
}

var tokens = map[string]*authn.User{
	"admin-token": {Name: "system:admin", Groups: []string{authn.SystemPrivilegedGrp, authn.AllAuthenticated}},
	"bob-token":   {Name: "bob", Groups: []string{authn.AllAuthenticated}},
	"vera-token":  {Name: "vera", Groups: []string{authn.AllAuthenticated}},
	"n1-token":    {Name: "system:node:n1", Groups: []string{authz.NodesGroup, authn.AllAuthenticated}},
}

var bearer = authn.AuthenticatorFunc(func(r *http.Request) (*authn.User, bool, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil, false, nil
	}
	u, ok := tokens[tok]
	if !ok {
		return nil, false, fmt.Errorf("unknown token")
	}
	return u, true, nil
})

func cacheFor(t *testing.T, ctx context.Context, st store.Store, prefix string, newObj func() meta.Object) *watch.Cache {
	t.Helper()
	c, err := watch.New(watch.Config{Store: st, Prefix: store.DefaultPrefix + prefix, Decode: func(kv store.KV) (meta.Object, error) {
		// The API server stores built-in kinds as protobuf (older stores:
		// JSON).
		o := newObj()
		decode := api.Decode
		if protobuf.IsProtobuf(kv.Value) {
			decode = protobuf.Unmarshal
		}
		if err := decode(kv.Value, o); err != nil {
			return nil, err
		}
		o.GetObjectMeta().ResourceVersion = fmt.Sprint(kv.ModRevision)
		return o, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	go c.Run(ctx)
	select {
	case <-c.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("cache not ready")
	}
	return c
}

func startSecured(t *testing.T) *securedServer {
	t.Helper()
	dir := t.TempDir()
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), &bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	s := &securedServer{dir: dir, caches: map[string]*watch.Cache{}}
	for res, mk := range map[string]func() meta.Object{
		"rbac.authorization.k8s.io/roles/":               func() meta.Object { return &rbac.Role{} },
		"rbac.authorization.k8s.io/clusterroles/":        func() meta.Object { return &rbac.ClusterRole{} },
		"rbac.authorization.k8s.io/rolebindings/":        func() meta.Object { return &rbac.RoleBinding{} },
		"rbac.authorization.k8s.io/clusterrolebindings/": func() meta.Object { return &rbac.ClusterRoleBinding{} },
		"pods/":  func() meta.Object { return &core.Pod{} },
		"nodes/": func() meta.Object { return &core.Node{} },
	} {
		s.caches[res] = cacheFor(t, ctx, st, res, mk)
	}
	s.rbac = authz.NewRBAC(authz.NewCacheSource(s.caches["rbac.authorization.k8s.io/roles/"], s.caches["rbac.authorization.k8s.io/clusterroles/"],
		s.caches["rbac.authorization.k8s.io/rolebindings/"], s.caches["rbac.authorization.k8s.io/clusterrolebindings/"]))
	s.graph = authz.NewNodeGraph()
	for _, res := range []string{"pods/", "nodes/"} {
		go s.graph.Follow(ctx, s.caches[res])
	}
	z := authz.Union{authz.NewNode(s.graph), s.rbac}
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{
		Store: st, Authenticator: bearer, Authorizer: z,
		Admission: &admission.Chain{Validators: []admission.Validator{
			admission.ValidatorFunc(s.rbac.ValidateEscalation), &authz.NodeRestriction{Graph: s.graph}}},
	}})
	front := httptest.NewTLSServer(reviews(z, srv.Handler()))
	t.Cleanup(front.Close)
	s.url = front.URL
	s.admin, err = client.New(&client.Config{Host: s.url, BearerToken: "admin-token", Transport: front.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	if err := authz.Reconcile(ctx, s.admin, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// reviews serves the POSTs of SelfSubjectAccessReview and
// SelfSubjectRulesReview in front of next, as the API server's handler
// would: authenticate, authorize the create, decode (protobuf or JSON),
// review, answer 201.
func reviews(z authz.Union, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "/apis/authorization.k8s.io/v1/"
		kind, ok := map[string]string{prefix + "selfsubjectaccessreviews": "ssar", prefix + "selfsubjectrulesreviews": "ssrr"}[r.URL.Path]
		if !ok || r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		fail := func(err error) {
			st, ok := err.(*meta.Status)
			if !ok {
				st = meta.NewBadRequest(err.Error())
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(int(st.Code))
			b, _ := api.Encode(st)
			w.Write(b)
		}
		u, ok, err := bearer.AuthenticateRequest(r)
		if err != nil || !ok {
			fail(meta.NewUnauthorized(""))
			return
		}
		res := strings.TrimPrefix(r.URL.Path, prefix)
		a := authz.Attributes{User: u, Verb: "create", ResourceRequest: true, APIGroup: authorization.GroupName, APIVersion: "v1", Resource: res}
		if d, reason, _ := z.Authorize(r.Context(), a); d != authz.Allow {
			fail(meta.NewForbidden(meta.GroupResource{Group: authorization.GroupName, Resource: res}, "", reason))
			return
		}
		body, _ := io.ReadAll(r.Body)
		decode := func(obj any) error {
			if protobuf.IsProtobuf(body) {
				return protobuf.Unmarshal(body, obj)
			}
			return api.Decode(body, obj)
		}
		ctx := authn.WithUser(r.Context(), u)
		var out meta.Object
		switch kind {
		case "ssar":
			in := &authorization.SelfSubjectAccessReview{}
			if err = decode(in); err == nil {
				out, err = authz.ReviewSelfSubjectAccess(ctx, z, in)
			}
		case "ssrr":
			in := &authorization.SelfSubjectRulesReview{}
			if err = decode(in); err == nil {
				out, err = authz.ReviewSelfSubjectRules(ctx, z, in)
			}
		}
		if err != nil {
			fail(err)
			return
		}
		api.Default.SetTypeMeta(out)
		b, _ := api.Encode(out)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(b)
	})
}

// seen waits until the cache of prefix has reached revision rv.
func (s *securedServer) seen(t *testing.T, prefix, rv string) {
	t.Helper()
	var rev int64
	fmt.Sscan(rv, &rev)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.caches[prefix].List(ctx, watch.ListOptions{Match: watch.NotOlderThan, Revision: rev, Limit: 1}); err != nil {
		t.Fatalf("cache %s never reached %s: %v", prefix, rv, err)
	}
}

// kubectl runs kubectl as the user of token and returns
// stdout, stderr and the exit code.
func (s *securedServer) kubectl(t *testing.T, token string, args ...string) (string, string, int) {
	t.Helper()
	bin := testenv.Kubectl(t, "")
	user := "{token: " + token + "}"
	kc := filepath.Join(s.dir, "kubeconfig-"+token)
	cfg := fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: %q, insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: %s}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n", s.url, user)
	if err := os.WriteFile(kc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kc, "HOME="+s.dir, "KUBECACHEDIR="+filepath.Join(s.dir, "cache-"+token))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestKubectlAuthorization(t *testing.T) {
	testenv.Kubectl(t, "")
	s := startSecured(t)
	ctx := context.Background()
	for _, ns := range []string{"ns1", "ns2"} {
		if _, err := client.Resource[core.Namespace](s.admin).Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: ns}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	rbc := client.Resource[rbac.RoleBinding](s.admin).Namespace("ns1")
	var last string
	for _, b := range []*rbac.RoleBinding{
		{ObjectMeta: meta.ObjectMeta{Name: "bob-edit"}, RoleRef: rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: "edit"},
			Subjects: []rbac.Subject{{Kind: rbac.UserKind, APIGroup: rbac.GroupName, Name: "bob"}}},
		{ObjectMeta: meta.ObjectMeta{Name: "vera-view"}, RoleRef: rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: "view"},
			Subjects: []rbac.Subject{{Kind: rbac.UserKind, APIGroup: rbac.GroupName, Name: "vera"}}},
	} {
		out, err := rbc.Create(ctx, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		last = out.ResourceVersion
	}
	s.seen(t, "rbac.authorization.k8s.io/rolebindings/", last)

	canI := []struct {
		token, args, want string
		code              int
	}{
		{"bob-token", "create deployments.apps -n ns1", "yes", 0},
		{"bob-token", "create pods/exec -n ns1", "yes", 0},
		{"bob-token", "create deployments -n ns2", "no", 1},
		{"bob-token", "create rolebindings -n ns1", "no", 1},
		{"vera-token", "list pods -n ns1", "yes", 0},
		{"vera-token", "get secrets -n ns1", "no", 1},
		{"admin-token", "delete nodes", "yes", 0},
	}
	for _, c := range canI {
		out, errOut, code := s.kubectl(t, c.token, append([]string{"auth", "can-i"}, strings.Fields(c.args)...)...)
		if strings.TrimSpace(out) != c.want || code != c.code {
			t.Errorf("%s: kubectl auth can-i %s = %q (exit %d, stderr %q), want %q (exit %d)", c.token, c.args, out, code, errOut, c.want, c.code)
		}
	}
	out, errOut, code := s.kubectl(t, "vera-token", "auth", "can-i", "--list", "-n", "ns1")
	if code != 0 || !strings.Contains(out, "pods ") || !strings.Contains(out, "[/version]") || strings.Contains(out, "secrets ") {
		t.Errorf("can-i --list: exit %d\n%s\n%s", code, out, errOut)
	}

	// A view user cannot create; the message is Kubernetes'.
	_, errOut, code = s.kubectl(t, "vera-token", "create", "configmap", "x", "-n", "ns1")
	if code == 0 || !strings.Contains(errOut, `configmaps is forbidden: User "vera" cannot create resource "configmaps" in API group "" in the namespace "ns1"`) {
		t.Errorf("view creating a configmap: exit %d, %s", code, errOut)
	}
	// bob can, in ns1.
	if _, errOut, code := s.kubectl(t, "bob-token", "create", "configmap", "x", "-n", "ns1"); code != 0 {
		t.Errorf("edit creating a configmap: %s", errOut)
	}
	// Credentials the server does not know: 401.
	_, errOut, code = s.kubectl(t, "forged-token", "get", "pods", "-n", "ns1")
	if code == 0 || !strings.Contains(errOut, "You must be logged in to the server") {
		t.Errorf("unknown token: exit %d, %s", code, errOut)
	}

	// Escalation: admin of ns1 (bob is made one) cannot grant secrets in
	// ns2, nor bind cluster-admin.
	adm, err := rbc.Create(ctx, &rbac.RoleBinding{ObjectMeta: meta.ObjectMeta{Name: "bob-admin"},
		RoleRef:  rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: "admin"},
		Subjects: []rbac.Subject{{Kind: rbac.UserKind, APIGroup: rbac.GroupName, Name: "bob"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.seen(t, "rbac.authorization.k8s.io/rolebindings/", adm.ResourceVersion)
	_, errOut, code = s.kubectl(t, "bob-token", "create", "rolebinding", "root", "--clusterrole=cluster-admin", "--user=bob", "-n", "ns1")
	if code == 0 || !strings.Contains(errOut, `rolebindings.rbac.authorization.k8s.io "root" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:`) {
		t.Errorf("binding cluster-admin: exit %d, %s", code, errOut)
	}
	if _, errOut, code := s.kubectl(t, "bob-token", "create", "rolebinding", "vera-edit", "--clusterrole=edit", "--user=vera", "-n", "ns1"); code != 0 {
		t.Errorf("binding edit in ns1: %s", errOut)
	}
	if _, errOut, code := s.kubectl(t, "bob-token", "create", "role", "secrets", "--verb=get", "--resource=secrets", "-n", "ns1"); code != 0 {
		t.Errorf("creating a role it holds: %s", errOut)
	}

	// A node reads only its pods' secrets.
	secrets := client.Resource[core.Secret](s.admin).Namespace("ns1")
	for _, name := range []string{"mine", "theirs"} {
		if _, err := secrets.Create(ctx, &core.Secret{ObjectMeta: meta.ObjectMeta{Name: name}, StringData: map[string]string{"k": "v"}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	pod := &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "web"}, Spec: core.PodSpec{NodeName: "n1",
		Containers: []core.Container{{Name: "app", Image: "app"}},
		Volumes:    []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "mine"}}}}}}
	p, err := client.Resource[core.Pod](s.admin).Namespace("ns1").Create(ctx, pod, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.seen(t, "pods/", p.ResourceVersion)
	waitFor(t, "the graph to hold the pod", func() bool { n, _, ok := s.graph.PodNode("ns1", "web"); return ok && n == "n1" })
	if out, errOut, code := s.kubectl(t, "n1-token", "get", "secret", "mine", "-n", "ns1", "-o", "name"); code != 0 || strings.TrimSpace(out) != "secret/mine" {
		t.Errorf("node reading its pod's secret: exit %d %q %s", code, out, errOut)
	}
	_, errOut, code = s.kubectl(t, "n1-token", "get", "secret", "theirs", "-n", "ns1")
	if code == 0 || !strings.Contains(errOut, `secrets "theirs" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "ns1": no relationship found between node 'n1' and this object`) {
		t.Errorf("node reading another secret: exit %d, %s", code, errOut)
	}
}

// waitFor polls cond (for state fed asynchronously from a watch) until it
// holds, failing after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
