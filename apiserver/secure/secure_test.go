package secure_test

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/internal/testenv"
	"github.com/spar-dev/spar/pki"
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
