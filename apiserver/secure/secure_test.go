package secure_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/certificates"
	"github.com/spar-dev/spar/internal/testenv"
	"github.com/spar-dev/spar/pki"
	"github.com/spar-dev/spar/pki/bootstrap"
)

// cluster is a secure test server and the real kubectl.
type cluster struct {
	t       *testing.T
	srv     *apiservertest.Server
	kubectl string
}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	bin := testenv.Kubectl(t, "")
	return &cluster{t: t, srv: apiservertest.Start(t, &apiservertest.Options{Secure: true}), kubectl: bin}
}

// run runs kubectl with the kubeconfig and returns its combined output and
// whether it succeeded.
func (c *cluster) run(kubeconfig, stdin string, args ...string) (string, bool) {
	c.t.Helper()
	cmd := exec.Command(c.kubectl, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+c.t.TempDir())
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		c.t.Fatalf("kubectl %v: %v", args, err)
	}
	return out.String(), err == nil
}

func (c *cluster) ok(kubeconfig, stdin string, args ...string) string {
	c.t.Helper()
	out, ok := c.run(kubeconfig, stdin, args...)
	if !ok {
		c.t.Fatalf("kubectl %s failed:\n%s", strings.Join(args, " "), out)
	}
	return out
}

func (c *cluster) fails(kubeconfig, stdin string, args ...string) string {
	c.t.Helper()
	out, ok := c.run(kubeconfig, stdin, args...)
	if ok {
		c.t.Fatalf("kubectl %s succeeded, want an error:\n%s", strings.Join(args, " "), out)
	}
	return out
}

// userKubeconfig signs a client certificate for user in groups with the
// cluster CA, as an administrator handing out credentials would, and
// writes a kubeconfig for it.
func (c *cluster) userKubeconfig(user string, groups ...string) string {
	c.t.Helper()
	return c.signedKubeconfig(c.srv.Setup.PKI, user, groups...)
}

// signedKubeconfig is userKubeconfig with the certificate signed by ca
// (the kubeconfig still trusts the cluster's CA).
func (c *cluster) signedKubeconfig(ca *pki.PKI, user string, groups ...string) string {
	c.t.Helper()
	key, err := pki.GenerateKey()
	if err != nil {
		c.t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: user, Organization: groups}}, key)
	if err != nil {
		c.t.Fatal(err)
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		c.t.Fatal(err)
	}
	certPEM, err := ca.Sign(csr, []pki.Usage{"digital signature", "client auth"}, time.Hour)
	if err != nil {
		c.t.Fatal(err)
	}
	keyPEM, err := pki.MarshalKey(key)
	if err != nil {
		c.t.Fatal(err)
	}
	kc := c.srv.Setup.PKI.Kubeconfig(user)
	kc.CertData, kc.KeyData = certPEM, keyPEM
	path := filepath.Join(c.t.TempDir(), user+".kubeconfig")
	if err := kc.Write(path); err != nil {
		c.t.Fatal(err)
	}
	return path
}

func wantContains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("output does not contain %q:\n%s", w, got)
		}
	}
}

// TestKubectlRBAC: the admin kubeconfig is all-powerful, a user bound to
// the "view" ClusterRole reads but cannot write, and kubectl shows the
// server's Forbidden message.
func TestKubectlRBAC(t *testing.T) {
	c := startCluster(t)
	admin := c.srv.Kubeconfig
	c.ok(admin, "", "create", "namespace", "team")
	c.ok(admin, "", "-n", "team", "create", "configmap", "settings", "--from-literal=a=b")
	c.ok(admin, "", "create", "rolebinding", "jane-view", "-n", "team", "--clusterrole=view", "--user=jane")

	jane := c.userKubeconfig("jane", "developers")
	wantContains(t, c.ok(jane, "", "-n", "team", "get", "configmap", "settings"), "settings")
	out := c.fails(jane, "", "-n", "team", "delete", "configmap", "settings")
	wantContains(t, out, `Error from server (Forbidden): configmaps "settings" is forbidden: User "jane" cannot delete resource "configmaps" in API group "" in the namespace "team"`)
	out = c.fails(jane, "", "get", "namespaces")
	wantContains(t, out, `User "jane" cannot list resource "namespaces" in API group "" at the cluster scope`)
	// Secrets are not in "view".
	out = c.fails(jane, "", "-n", "team", "get", "secrets")
	wantContains(t, out, `cannot list resource "secrets"`)

	if got := strings.TrimSpace(c.ok(jane, "", "auth", "can-i", "list", "pods", "-n", "team")); got != "yes" {
		t.Errorf("can-i list pods = %q, want yes", got)
	}
	if got := strings.TrimSpace(c.fails(jane, "", "auth", "can-i", "create", "pods", "-n", "team")); got != "no" {
		t.Errorf("can-i create pods = %q, want no", got)
	}
	wantContains(t, c.ok(jane, "", "auth", "whoami"), "jane", "developers", "system:authenticated")

	// Granting edit takes effect without a restart.
	c.ok(admin, "", "create", "rolebinding", "devs-edit", "-n", "team", "--clusterrole=edit", "--group=developers")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, ok := c.run(jane, "", "-n", "team", "delete", "configmap", "settings")
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the edit binding never took effect:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestAnonymousAndUnknownClients: without credentials only health and
// version answer; a certificate from another CA is refused at the TLS
// handshake's verification and treated as anonymous.
func TestAnonymousAndUnknownClients(t *testing.T) {
	c := startCluster(t)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.srv.Setup.PKI.CAPEM())
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/healthz", 200}, {"/readyz", 200}, {"/livez", 200}, {"/version", 200},
		{"/api", 401}, {"/api/v1/namespaces/default/pods", 401}, {"/apis", 401},
	} {
		resp, err := hc.Get(c.srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("GET %s anonymously: %d, want %d: %s", tc.path, resp.StatusCode, tc.code, body)
		}
		if tc.code == 401 && !bytes.Contains(body, []byte(`"kind":"Status"`)) {
			t.Errorf("GET %s: the 401 is not a Status: %s", tc.path, body)
		}
	}

	// A bearer token nobody issued.
	req, _ := http.NewRequest("GET", c.srv.URL+"/api", nil)
	req.Header.Set("Authorization", "Bearer abcdef.0123456789abcdef")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("unknown bearer token: %d, want 401", resp.StatusCode)
	}

	// kubectl with a token nobody issued.
	kc := c.srv.Setup.PKI.Kubeconfig("nobody")
	kc.Token = "abcdef.0123456789abcdef"
	path := filepath.Join(t.TempDir(), "nobody.kubeconfig")
	if err := kc.Write(path); err != nil {
		t.Fatal(err)
	}
	out := c.fails(path, "", "get", "pods")
	wantContains(t, out, "error: You must be logged in to the server")

	// A certificate for system:masters from a CA the server does not trust.
	other, err := pki.Bootstrap(pki.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	out = c.fails(c.signedKubeconfig(other, "mallory", "system:masters"), "", "get", "pods")
	wantContains(t, out, "error: You must be logged in to the server")
}

// TestServiceAccountToken: a token from `kubectl create token` (the
// TokenRequest API) authenticates as the service account, which starts
// with no permissions.
func TestServiceAccountToken(t *testing.T) {
	c := startCluster(t)
	admin := c.srv.Kubeconfig
	c.ok(admin, "", "create", "serviceaccount", "robot")
	token := strings.TrimSpace(c.ok(admin, "", "create", "token", "robot", "--audience=https://kubernetes.default.svc.cluster.local"))
	kc := c.srv.Setup.PKI.Kubeconfig("robot")
	kc.Token = token
	path := filepath.Join(t.TempDir(), "robot.kubeconfig")
	if err := kc.Write(path); err != nil {
		t.Fatal(err)
	}
	out := c.fails(path, "", "get", "pods")
	wantContains(t, out, `User "system:serviceaccount:default:robot" cannot list resource "pods"`)

	// A TokenReview (what a kubelet asks) authenticates it too.
	review := "apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: " + token + "\n"
	out = c.ok(admin, review, "create", "-f", "-", "-o", "json")
	wantContains(t, out, `"authenticated": true`, `"username": "system:serviceaccount:default:robot"`, `"system:serviceaccounts:default"`)
	out = c.ok(admin, strings.Replace(review, token, "abcdef.0123456789abcdef", 1), "create", "-f", "-", "-o", "json")
	if strings.Contains(out, `"authenticated": true`) {
		t.Errorf("a made-up token was authenticated:\n%s", out)
	}
	c.ok(admin, "", "create", "rolebinding", "robot-view", "--clusterrole=view", "--serviceaccount=default:robot")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, ok := c.run(path, "", "get", "pods")
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the binding never took effect:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Deleting the service account invalidates its tokens.
	c.ok(admin, "", "delete", "serviceaccount", "robot")
	deadline = time.Now().Add(30 * time.Second)
	for {
		out, ok := c.run(path, "", "get", "pods")
		if !ok && strings.Contains(out, "You must be logged in") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the deleted service account's token still works:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const podOnNode = `apiVersion: v1
kind: Pod
metadata:
  name: NAME
spec:
  nodeName: NODE
  containers:
  - name: c
    image: busybox
  volumes:
  - name: s
    secret:
      secretName: SECRET
`

// TestNodeAuthorization: a kubelet's credential reads only the secrets its
// own pods use, and NodeRestriction keeps it from touching other nodes.
func TestNodeAuthorization(t *testing.T) {
	c := startCluster(t)
	admin := c.srv.Kubeconfig
	cred, err := c.srv.Setup.PKI.NodeCertificate("node-a")
	if err != nil {
		t.Fatal(err)
	}
	nodeA := cred.Kubeconfig
	c.ok(admin, "", "create", "serviceaccount", "default") // no controller here
	c.ok(admin, "", "create", "secret", "generic", "for-b", "--from-literal=k=v")
	c.ok(admin, "", "create", "secret", "generic", "for-a", "--from-literal=k=v")
	pod := func(name, node, secret string) string {
		return strings.NewReplacer("NAME", name, "NODE", node, "SECRET", secret).Replace(podOnNode)
	}
	c.ok(admin, pod("on-b", "node-b", "for-b"), "apply", "-f", "-")
	c.ok(admin, pod("on-a", "node-a", "for-a"), "apply", "-f", "-")

	// The node registers itself, and may not register another.
	c.ok(nodeA, "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\n", "create", "-f", "-")
	out := c.fails(nodeA, "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-b\n", "create", "-f", "-")
	wantContains(t, out, "Forbidden")

	deadline := time.Now().Add(30 * time.Second)
	for {
		out, ok := c.run(nodeA, "", "get", "secret", "for-a", "-o", "name")
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node-a cannot read the secret of its own pod:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	out = c.fails(nodeA, "", "get", "secret", "for-b")
	wantContains(t, out, `User "system:node:node-a" cannot get resource "secrets"`, "no relationship found between node 'node-a' and this object")
	out = c.fails(nodeA, "", "get", "secrets")
	wantContains(t, out, "Forbidden")
	// It may not change the other node's pod.
	out = c.fails(nodeA, "", "label", "pod", "on-b", "x=y")
	wantContains(t, out, "Forbidden")
	// Its own pods it reads.
	wantContains(t, c.ok(nodeA, "", "get", "pod", "on-a", "-o", "name"), "pod/on-a")
}

// csrYAML is a CertificateSigningRequest for subject CN=cn, O=org.
func csrYAML(t *testing.T, name, signer, cn, org string) string {
	t.Helper()
	key, err := pki.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: cn, Organization: []string{org}}}, key)
	if err != nil {
		t.Fatal(err)
	}
	req := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	return fmt.Sprintf("apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: %s\nspec:\n  signerName: %s\n  usages: [client auth, digital signature]\n  request: %s\n", name, signer, req)
}

// TestCertificateAdmission: approving and signing are rights on the
// signer, and no one gets a system:masters certificate through the API.
func TestCertificateAdmission(t *testing.T) {
	c := startCluster(t)
	admin := c.srv.Kubeconfig
	c.ok(admin, "", "create", "clusterrole", "csr-writer", "--verb=create,get,list,update",
		"--resource=certificatesigningrequests,certificatesigningrequests/approval")
	c.ok(admin, "", "create", "clusterrolebinding", "jane-csr", "--clusterrole=csr-writer", "--user=jane")
	jane := c.userKubeconfig("jane")

	out := c.fails(jane, csrYAML(t, "masters", "kubernetes.io/kube-apiserver-client", "jane", "system:masters"), "create", "-f", "-")
	wantContains(t, out, "use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed")

	c.ok(jane, csrYAML(t, "mine", "example.com/issuer", "jane", "devs"), "create", "-f", "-")
	out = c.fails(jane, "", "certificate", "approve", "mine")
	wantContains(t, out, `user not permitted to approve requests with signerName "example.com/issuer"`)
	// The right on the signer's domain is enough.
	c.ok(admin, `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: example-approver}
rules:
- apiGroups: [certificates.k8s.io]
  resources: [signers]
  resourceNames: [example.com/*]
  verbs: [approve]
`, "apply", "-f", "-")
	c.ok(admin, "", "create", "clusterrolebinding", "jane-approve", "--clusterrole=example-approver", "--user=jane")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, ok := c.run(jane, "", "certificate", "approve", "mine")
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the approver role never took effect:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	wantContains(t, c.ok(admin, "", "get", "csr", "mine"), "example.com/issuer", "jane", "Approved")
}

// TestTLSBootstrap: a node joins with nothing but a bootstrap token; the
// control plane's certificate controllers (running under the controller
// manager's own identity) approve and sign its request, and the node is
// then system:node:<name>, with the node authorizer's rights.
func TestTLSBootstrap(t *testing.T) {
	bin := testenv.Kubectl(t, "")
	c := &cluster{t: t, kubectl: bin, srv: apiservertest.Start(t, &apiservertest.Options{Secure: true,
		Config: apiserver.Config{ControllerIdentity: "system:kube-controller-manager"}})}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cm := controller.NewManager(c.srv.Server.InProcessClient(&authn.User{Name: "system:kube-controller-manager"}), nil)
	if err := certificates.Add(cm, &certificates.Options{PKI: c.srv.Setup.PKI}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cm.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	token, err := authn.GenerateBootstrapToken()
	if err != nil {
		t.Fatal(err)
	}
	secret, err := authn.BootstrapTokenSecret(token, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[core.Secret](c.srv.Server.LoopbackClient()).Namespace("kube-system").Create(ctx, secret, nil); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	bctx, bcancel := context.WithTimeout(ctx, time.Minute)
	defer bcancel()
	cred, err := bootstrap.Bootstrap(bctx, bootstrap.Options{Server: c.srv.URL, CA: c.srv.Setup.PKI.CAPEM(), Token: token,
		NodeName: "joiner", CertDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := cred.Kubeconfig
	wantContains(t, c.ok(kubeconfig, "", "auth", "whoami"), "system:node:joiner", "system:nodes")
	c.ok(kubeconfig, "apiVersion: v1\nkind: Node\nmetadata:\n  name: joiner\n", "create", "-f", "-")
	out := c.fails(kubeconfig, "", "get", "secrets", "-A")
	wantContains(t, out, "Forbidden")
	wantContains(t, c.ok(c.srv.Kubeconfig, "", "get", "csr"), "system:bootstrap:", "Approved,Issued")
}
