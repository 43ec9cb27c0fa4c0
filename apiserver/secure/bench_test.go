package secure_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/pki"
)

// BenchmarkRequestChain measures what the security chain (x509
// authentication, RBAC, admission with the default plugins and
// NodeRestriction, audit with the default policy to a file, encryption at
// rest for secrets) adds to a pod GET and create,
// in-process so that network noise does not hide it: compare open/… with
// secure/… (benchstat).
func BenchmarkRequestChain(b *testing.B) {
	// Both servers serve the same pod: the one admission produced on the
	// secure server (with its token volume and tolerations).
	var pod []byte
	for _, mode := range []string{"secure", "open"} {
		srv := apiservertest.Start(b, &apiservertest.Options{Secure: mode == "secure"})
		var state *tls.ConnectionState
		if mode == "secure" {
			state = adminConnState(b, srv.Setup.AdminKubeconfig)
		}
		do := func(method, path string, body []byte, want int) []byte {
			r := httptest.NewRequest(method, path, bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.TLS = state
			w := httptest.NewRecorder()
			srv.Server.ServeHTTP(w, r)
			if w.Code != want {
				b.Fatalf("%s %s: %d, want %d: %s", method, path, w.Code, want, w.Body)
			}
			return w.Body.Bytes()
		}
		// No service-account controller runs here; admission wants the
		// default account.
		do("POST", "/api/v1/namespaces/default/serviceaccounts", []byte(`{"metadata":{"name":"default"}}`), http.StatusCreated)
		if pod == nil {
			pod = do("POST", "/api/v1/namespaces/default/pods", benchPod("target"), http.StatusCreated)
			pod = regexp.MustCompile(`"(uid|resourceVersion|creationTimestamp)":"[^"]*",?`).ReplaceAll(pod, nil)
		} else {
			do("POST", "/api/v1/namespaces/default/pods", pod, http.StatusCreated)
		}
		b.Run(mode+"/get", func(b *testing.B) {
			for b.Loop() {
				do("GET", "/api/v1/namespaces/default/pods/target", nil, http.StatusOK)
			}
		})
		b.Run(mode+"/create", func(b *testing.B) {
			for b.Loop() {
				do("POST", "/api/v1/namespaces/default/pods", benchPod(fmt.Sprintf("pod-%d", seq.Add(1))), http.StatusCreated)
			}
		})
	}
}

// benchPod is a pod as a ReplicaSet creates it.
func benchPod(name string) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":%q,"labels":{"app":"bench"}},"spec":{"containers":[{"name":"app","image":"registry.k8s.io/pause:3.10","resources":{"requests":{"cpu":"100m","memory":"500Mi"}}}]}}`, name)
}

// seq names created objects uniquely across -count runs.
var seq atomic.Int64

// adminConnState is the TLS state of a connection from the admin
// kubeconfig's certificate.
func adminConnState(b *testing.B, kubeconfig string) *tls.ConnectionState {
	data, err := os.ReadFile(kubeconfig)
	if err != nil {
		b.Fatal(err)
	}
	kc, err := pki.ParseKubeconfig(data)
	if err != nil {
		b.Fatal(err)
	}
	blk, _ := pem.Decode(kc.CertData)
	if blk == nil {
		b.Fatal("no certificate in the admin kubeconfig")
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		b.Fatal(err)
	}
	return &tls.ConnectionState{HandshakeComplete: true, PeerCertificates: []*x509.Certificate{cert}}
}
