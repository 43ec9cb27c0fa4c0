package pki_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/internal/testenv"
	"github.com/spar-dev/spar/pki"
)

func kubectl(t *testing.T, args ...string) []byte {
	t.Helper()
	bin := testenv.Kubectl(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "KUBECACHEDIR="+filepath.Join(home, "cache"), "KUBECONFIG=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl %v: %v\nstderr: %s", args, err, stderr.String())
	}
	return out
}

// kubectl reads admin.conf as we wrote it: same server, CA and credentials.
func TestKubectlParsesKubeconfig(t *testing.T) {
	p := bootstrap(t, pki.Options{Dir: t.TempDir()})
	out := kubectl(t, "--kubeconfig", p.Path(pki.AdminKubeconfig), "config", "view", "--raw", "-o", "json")
	var cfg struct {
		Clusters []struct {
			Name    string
			Cluster struct {
				Server string
				CA     []byte `json:"certificate-authority-data"`
			}
		}
		Users []struct {
			Name string
			User struct {
				Cert []byte `json:"client-certificate-data"`
				Key  []byte `json:"client-key-data"`
			}
		}
		CurrentContext string `json:"current-context"`
	}
	if err := json.Unmarshal(out, &cfg); err != nil {
		t.Fatalf("kubectl config view: %v\n%s", err, out)
	}
	if len(cfg.Clusters) != 1 || len(cfg.Users) != 1 {
		t.Fatalf("kubectl sees %d clusters and %d users, want 1 and 1", len(cfg.Clusters), len(cfg.Users))
	}
	if cfg.CurrentContext != "kubernetes-admin@kubernetes" || cfg.Clusters[0].Name != "kubernetes" || cfg.Users[0].Name != "kubernetes-admin" {
		t.Errorf("context=%q cluster=%q user=%q", cfg.CurrentContext, cfg.Clusters[0].Name, cfg.Users[0].Name)
	}
	if cfg.Clusters[0].Cluster.Server != p.ServerURL() || !bytes.Equal(cfg.Clusters[0].Cluster.CA, p.CAPEM()) {
		t.Errorf("cluster = %q, CA equal: %v", cfg.Clusters[0].Cluster.Server, bytes.Equal(cfg.Clusters[0].Cluster.CA, p.CAPEM()))
	}
	if _, err := pki.ParseCertificate(cfg.Users[0].User.Cert); err != nil {
		t.Errorf("client certificate: %v", err)
	}
	if _, err := pki.ParseKey(cfg.Users[0].User.Key); err != nil {
		t.Errorf("client key: %v", err)
	}
}

// kubectl connects with admin.conf to a server using the serving
// certificate: it verifies the server against the CA, and presents the
// admin certificate.
func TestKubectlVersionOverTLS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := bootstrap(t, pki.Options{Dir: t.TempDir(), ServerURL: "https://" + ln.Addr().String()})
	var mu sync.Mutex
	var sawUser string
	mux := http.NewServeMux()
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			http.Error(w, "no client certificate", http.StatusUnauthorized)
			return
		}
		if _, err := r.TLS.PeerCertificates[0].Verify(x509VerifyClient(p)); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		sawUser = r.TLS.PeerCertificates[0].Subject.CommonName
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"major":"1","minor":"33","gitVersion":"v1.33.0-spar","platform":"linux/amd64"}`))
	})
	srv := &http.Server{Handler: mux, TLSConfig: p.ServerTLSConfig()}
	go srv.ServeTLS(ln, "", "")
	t.Cleanup(func() { srv.Close() })

	out := kubectl(t, "--kubeconfig", p.Path(pki.AdminKubeconfig), "version", "-o", "json")
	var v struct {
		ServerVersion struct{ GitVersion string } `json:"serverVersion"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("kubectl version: %v\n%s", err, out)
	}
	if v.ServerVersion.GitVersion != "v1.33.0-spar" {
		t.Errorf("server version = %q, want v1.33.0-spar", v.ServerVersion.GitVersion)
	}
	mu.Lock()
	defer mu.Unlock()
	if sawUser != "kubernetes-admin" {
		t.Errorf("the server saw client certificate %q, want kubernetes-admin", sawUser)
	}
}

func x509VerifyClient(p *pki.PKI) x509.VerifyOptions {
	return x509.VerifyOptions{Roots: p.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
}
