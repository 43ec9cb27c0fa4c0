package certificates

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/internal/testenv"
	"github.com/spar-dev/spar/pki"
)

// The real kubectl lists, approves and denies requests; its typed client
// sends the approval as protobuf.
func TestKubectl(t *testing.T) {
	bin := testenv.Kubectl(t, "")
	c := startCluster(t, &Options{})
	home := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append([]string{"--kubeconfig", c.pki.Path(pki.AdminKubeconfig)}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+home, "KUBECACHEDIR="+filepath.Join(home, "cache"), "KUBECONFIG=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}

	for _, name := range []string{"jane", "mallory"} {
		csr, _ := newRequest(t, request{name: name, cn: name, orgs: []string{"devs"}, signer: certificates.KubeAPIServerClientSignerName})
		manifest := "apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: " + name +
			"\nspec:\n  request: " + base64.StdEncoding.EncodeToString(csr.Spec.Request) +
			"\n  signerName: kubernetes.io/kube-apiserver-client\n  expirationSeconds: 86400\n  usages:\n  - client auth\n"
		file := filepath.Join(t.TempDir(), name+".yaml")
		if err := os.WriteFile(file, []byte(manifest), 0o600); err != nil {
			t.Fatal(err)
		}
		if out := run("create", "-f", file); !strings.Contains(out, "certificatesigningrequest.certificates.k8s.io/"+name+" created") {
			t.Errorf("kubectl create = %q", out)
		}
	}
	out := run("get", "csr")
	if !strings.Contains(out, "jane") || !strings.Contains(out, "mallory") {
		t.Errorf("kubectl get csr = %q, want both requests", out)
	}
	if out := run("get", "csr", "-o", "name"); !strings.Contains(out, "certificatesigningrequest.certificates.k8s.io/jane") {
		t.Errorf("kubectl get csr -o name = %q", out)
	}

	if out := run("certificate", "approve", "jane"); !strings.Contains(out, "certificatesigningrequest.certificates.k8s.io/jane approved") {
		t.Errorf("kubectl certificate approve = %q", out)
	}
	if out := run("certificate", "deny", "mallory"); !strings.Contains(out, "certificatesigningrequest.certificates.k8s.io/mallory denied") {
		t.Errorf("kubectl certificate deny = %q", out)
	}
	jane := c.waitFor("jane", wait, issued)
	if a := jane.Condition(certificates.CertificateApproved); a.Reason != "KubectlApprove" {
		t.Errorf("jane's Approved condition = %+v, want kubectl's", a)
	}
	cert, err := pki.ParseCertificate(jane.Status.Certificate)
	if err != nil || cert.Subject.CommonName != "jane" {
		t.Fatalf("jane's certificate: %v, %v", cert, err)
	}
	out = run("get", "csr", "jane", "-o", "jsonpath={.status.certificate}")
	if got, err := base64.StdEncoding.DecodeString(out); err != nil || string(got) != string(jane.Status.Certificate) {
		t.Errorf("kubectl get -o jsonpath={.status.certificate} = %.40q..., want the certificate", out)
	}
	if m := c.get("mallory"); !m.IsDenied() || m.IsIssued() {
		t.Errorf("mallory: conditions %s, issued %v; want denied, no certificate", conditionsString(m), m.IsIssued())
	}
	// kubectl refuses to approve a denied request (the server would too:
	// TestDeniedNeverSigned).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--kubeconfig", c.pki.Path(pki.AdminKubeconfig), "certificate", "approve", "mallory")
	cmd.Env = append(os.Environ(), "HOME="+home, "KUBECACHEDIR="+filepath.Join(home, "cache"), "KUBECONFIG=")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), `certificate signing request "mallory" is already Denied`) {
		t.Errorf("kubectl certificate approve of a denied request: %v\n%s\nwant it refused", err, out)
	}
	if m := c.get("mallory"); m.IsApproved() || m.IsIssued() {
		t.Errorf("mallory: conditions %s, issued %v; want still denied", conditionsString(m), m.IsIssued())
	}
}
