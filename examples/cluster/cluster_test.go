package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/internal/testenv"
)

// TestQuickstart runs the README's quickstart against the example cluster:
// the generated admin kubeconfig lets the real kubectl in, a Deployment
// becomes pods bound to a node by the scheduler, the API refuses anonymous
// requests, and the cluster stops cleanly when its context ends.
func TestQuickstart(t *testing.T) {
	kubectl := testenv.Kubectl(t, "")
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedWriter{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, config{dataDir: dir, bind: "127.0.0.1", port: 0, controllers: "*", logTo: logs})
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("cluster: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("cluster did not stop within 30s of its context ending")
		}
	}
	t.Cleanup(stop)

	kubeconfig := filepath.Join(dir, "admin.kubeconfig")
	k := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(kubectl, append([]string{"--kubeconfig", kubeconfig}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return string(out), fmt.Errorf("kubectl %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return string(out), nil
	}
	eventually(t, done, 30*time.Second, func() error {
		if _, err := os.Stat(kubeconfig); err != nil {
			return err
		}
		_, err := k("", "get", "--raw", "/readyz")
		return err
	})

	if out, err := k("", "get", "namespaces", "-o", "name"); err != nil || !strings.Contains(out, "namespace/kube-system") {
		t.Fatalf("get namespaces: %v %q", err, out)
	}
	if out, err := k("", "auth", "whoami", "-o", "jsonpath={.status.userInfo.groups}"); err != nil || !strings.Contains(out, "system:masters") {
		t.Errorf("auth whoami: %v %q, want the admin in system:masters", err, out)
	}

	// No node agent yet: a Node object stands in for one.
	node := `apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
status:
  capacity: {cpu: "4", memory: 32Gi, pods: "110"}
  allocatable: {cpu: "4", memory: 32Gi, pods: "110"}
  conditions: [{type: Ready, status: "True"}]
`
	if _, err := k(node, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	if _, err := k("", "create", "deployment", "web", "--image=nginx:1.27", "--replicas=3"); err != nil {
		t.Fatal(err)
	}
	eventually(t, done, 60*time.Second, func() error {
		out, err := k("", "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}")
		if err != nil {
			return err
		}
		if got := strings.Fields(out); len(got) != 3 || got[0] != "n1" || got[1] != "n1" || got[2] != "n1" {
			return fmt.Errorf("pods bound to %q, want 3 pods on n1", out)
		}
		return nil
	})
	if out, err := k("", "rollout", "history", "deployment/web"); err != nil || !strings.Contains(out, "1 ") {
		t.Errorf("rollout history: %v %q, want revision 1", err, out)
	}

	// Closed by default: a request without credentials is 401 (TLS
	// verified against the cluster CA is beside the point here).
	server, err := k("", "config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Get(server + "/api/v1/namespaces/default/secrets")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"reason":"Unauthorized"`) {
		t.Errorf("anonymous list secrets: %d %s, want 401 Unauthorized", resp.StatusCode, body)
	}

	stop()
	audit, err := os.ReadFile(filepath.Join(dir, "audit.log"))
	if err != nil {
		t.Fatalf("audit log: %v", err)
	}
	if !bytes.Contains(audit, []byte(`"verb":"create"`)) || !bytes.Contains(audit, []byte(`"resource":"deployments"`)) {
		t.Errorf("audit log has no deployment create event (%d bytes)", len(audit))
	}
	if t.Failed() {
		t.Logf("cluster logs:\n%s", logs.String())
	}
}

// eventually polls cond until it succeeds, the deadline passes or the
// cluster stops.
func eventually(t *testing.T, done <-chan error, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		select {
		case e := <-done:
			t.Fatalf("cluster stopped: %v (waiting for: %v)", e, err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lockedWriter lets the cluster log while the test reads the log.
type lockedWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
