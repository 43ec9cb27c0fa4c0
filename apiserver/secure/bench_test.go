package secure_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/pki"
)

// BenchmarkRequestChain measures what the security chain (x509
// authentication, RBAC, admission with the default plugins and
// NodeRestriction, audit with the default policy to a file, encryption at
// rest for secrets) adds to a pod GET and create, in-process so that
// network noise does not hide it. Both servers run for the whole
// benchmark in one process, and every iteration sends the request to the
// open server and then to the secure one, so that both see the same heap,
// the same garbage collector and the same moment of the machine. It
// reports the mean time of each (open-ns/op, secure-ns/op), the overhead
// of the means, and the overhead of the medians, which a stray pause or a
// neighbour's burst does not move. Background work (the audit writer, the
// watch caches, the store's committer) shows only where it slows the
// requests.
//
// The servers store different pods when both are sent the same plain pod:
// on the secure server ServiceAccount admission adds the projected token
// volume and its mounts, and DefaultTolerationSeconds two tolerations, so
// that pod is about twice as large to validate, encode, store, decode into
// the watch cache and write back. That is work the secure server's
// admission chose, not the chain's cost per request, so create (and get)
// send both servers the pod the secure server's admission produced: both
// store the same object, and on the secure server every plugin still runs
// (each finds its work already done, as for a pod re-submitted by a
// controller), as do authentication, authorization, audit at Request level
// with the body and encryption. create-plain posts the plain pod to both,
// the whole difference included, so that nothing is hidden.
func BenchmarkRequestChain(b *testing.B) {
	benchmarkChain(b, false)
}

// BenchmarkRequestChainHTTPS is BenchmarkRequestChain over real
// connections: each server behind a TLS listener on loopback, one client
// with a kept-alive connection to each (the admin's client certificate for
// the secure server). It measures the chain as an API client sees it:
// next to the chain's own work, both servers pay for TLS records, HTTP
// parsing and the loopback round trip.
func BenchmarkRequestChainHTTPS(b *testing.B) {
	benchmarkChain(b, true)
}

type doFunc func(method, path string, body []byte, want int) []byte

func benchmarkChain(b *testing.B, overHTTPS bool) {
	type server struct {
		name string
		do   doFunc
	}
	var servers []server
	// The pod admission produced on the secure server (with its token
	// volume and tolerations), as a template for both servers.
	var admitted []byte
	for _, mode := range []string{"secure", "open"} {
		srv := apiservertest.Start(b, &apiservertest.Options{Secure: mode == "secure"})
		var do doFunc
		switch {
		case overHTTPS && mode == "secure":
			do = httpsDo(b, srv.URL, secureClient(b, srv.Setup.AdminKubeconfig))
		case overHTTPS:
			// The open server behind a TLS listener of its own, so that
			// both pay for TLS.
			ts := httptest.NewUnstartedServer(srv.Server)
			ts.EnableHTTP2 = false
			ts.StartTLS()
			b.Cleanup(ts.Close)
			do = httpsDo(b, ts.URL, ts.Client())
		default:
			var state *tls.ConnectionState
			if mode == "secure" {
				state = adminConnState(b, srv.Setup.AdminKubeconfig)
			}
			do = func(method, path string, body []byte, want int) []byte {
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
		}
		// No service-account controller runs here; admission wants the
		// default account.
		do("POST", "/api/v1/namespaces/default/serviceaccounts", []byte(`{"metadata":{"name":"default"}}`), http.StatusCreated)
		if admitted == nil {
			admitted = do("POST", "/api/v1/namespaces/default/pods", benchPod("target"), http.StatusCreated)
			admitted = regexp.MustCompile(`"(uid|resourceVersion|creationTimestamp)":"[^"]*",?`).ReplaceAll(admitted, nil)
		} else {
			do("POST", "/api/v1/namespaces/default/pods", admitted, http.StatusCreated)
		}
		servers = append(servers, server{mode, do})
	}
	ops := []struct {
		name string
		op   func(do doFunc)
	}{
		{"get", func(do doFunc) {
			do("GET", "/api/v1/namespaces/default/pods/target", nil, http.StatusOK)
		}},
		{"create", func(do doFunc) {
			do("POST", "/api/v1/namespaces/default/pods", renamed(admitted, "target", fmt.Sprintf("pod-%d", seq.Add(1))), http.StatusCreated)
		}},
		{"create-plain", func(do doFunc) {
			do("POST", "/api/v1/namespaces/default/pods", benchPod(fmt.Sprintf("pod-%d", seq.Add(1))), http.StatusCreated)
		}},
	}
	// Each iteration sends the request to the open server and then to the
	// secure one, so that both see the same moment of the machine: on a
	// shared 2-core machine throughput drifts by more than the difference
	// measured, and alternating cancels the drift.
	open, secure := servers[1], servers[0]
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			var tookOpen, tookSecure []time.Duration
			for b.Loop() {
				start := time.Now()
				op.op(open.do)
				mid := time.Now()
				op.op(secure.do)
				tookOpen = append(tookOpen, mid.Sub(start))
				tookSecure = append(tookSecure, time.Since(mid))
			}
			mo, ms := mean(tookOpen), mean(tookSecure)
			b.ReportMetric(mo, "open-ns/op")
			b.ReportMetric(ms, "secure-ns/op")
			b.ReportMetric(100*(ms/mo-1), "overhead-%")
			b.ReportMetric(100*(median(tookSecure)/median(tookOpen)-1), "median-overhead-%")
		})
	}
}

func mean(d []time.Duration) float64 {
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return float64(sum) / float64(len(d))
}

func median(d []time.Duration) float64 {
	slices.Sort(d)
	return float64(d[len(d)/2])
}

// httpsDo sends requests to base with c.
func httpsDo(b *testing.B, base string, c *http.Client) doFunc {
	return func(method, path string, body []byte, want int) []byte {
		r, err := http.NewRequest(method, base+path, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != want {
			b.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, out)
		}
		return out
	}
}

// secureClient is an HTTP/1.1 client with the kubeconfig's CA and client
// certificate.
func secureClient(b *testing.B, kubeconfig string) *http.Client {
	kc := readKubeconfig(b, kubeconfig)
	cert, err := tls.X509KeyPair(kc.CertData, kc.KeyData)
	if err != nil {
		b.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(kc.CAData) {
		b.Fatal("no CA in the admin kubeconfig")
	}
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}},
	}}
}

func readKubeconfig(b testing.TB, path string) *pki.Kubeconfig {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	kc, err := pki.ParseKubeconfig(data)
	if err != nil {
		b.Fatal(err)
	}
	return kc
}

// renamed returns pod with its metadata.name changed from old to name.
func renamed(pod []byte, old, name string) []byte {
	return bytes.Replace(pod, []byte(`"name":"`+old+`"`), []byte(`"name":"`+name+`"`), 1)
}

// benchPod is a pod as a ReplicaSet creates it.
func benchPod(name string) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":%q,"labels":{"app":"bench"}},"spec":{"containers":[{"name":"app","image":"registry.k8s.io/pause:3.10","resources":{"requests":{"cpu":"100m","memory":"500Mi"}}}]}}`, name)
}

// seq names created objects uniquely across -count runs.
var seq atomic.Int64

// adminConnState is the TLS state of a connection from the admin
// kubeconfig's certificate.
func adminConnState(b testing.TB, kubeconfig string) *tls.ConnectionState {
	blk, _ := pem.Decode(readKubeconfig(b, kubeconfig).CertData)
	if blk == nil {
		b.Fatal("no certificate in the admin kubeconfig")
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		b.Fatal(err)
	}
	return &tls.ConnectionState{HandshakeComplete: true, PeerCertificates: []*x509.Certificate{cert}}
}
