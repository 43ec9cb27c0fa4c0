package authn_test

import (
	"context"
	"crypto"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/apiserver/authn"
)

// Per-request cost of authenticating a client certificate: "cached" is
// the steady state of a client that keeps presenting its certificate,
// "verify" a chain verification every time.
func BenchmarkX509(b *testing.B) {
	ca := newCA(b, "ca")
	r := tlsRequest("/api/v1/pods", ca.client(b, "system:node:n1", "system:nodes"))
	for _, bc := range []struct {
		name  string
		cache int
	}{{"cached", 0}, {"verify", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			a := &authn.X509{Roots: ca.pool, CacheSize: bc.cache}
			b.ReportAllocs()
			for b.Loop() {
				if _, ok, err := a.AuthenticateRequest(r); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
	b.Run("cached-parallel", func(b *testing.B) {
		a := &authn.X509{Roots: ca.pool}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			r := tlsRequest("/api/v1/pods", r.TLS.PeerCertificates...)
			for pb.Next() {
				if _, ok, err := a.AuthenticateRequest(r); !ok || err != nil {
					b.Error(ok, err)
					return
				}
			}
		})
	})
}

// Per-request cost of a pod-bound service-account token, lookups included
// (map reads, as from the API server's caches).
func BenchmarkServiceAccountToken(b *testing.B) {
	key := newKey(b)
	tok, err := (&authn.Issuer{Key: key}).Issue("default", "robot", "sa-uid-1", []string{authn.DefaultIssuer},
		time.Now().Add(time.Hour), &authn.PodRef{Name: "web-0", UID: "pod-uid-1", NodeName: "n1", NodeUID: "node-uid-1"})
	if err != nil {
		b.Fatal(err)
	}
	r := bearerRequest("/api/v1/namespaces/default/configmaps", tok)
	for _, bc := range []struct {
		name  string
		cache int
	}{{"cached", 0}, {"verify", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			c := newCluster()
			a := &authn.ServiceAccountTokens{Keys: []crypto.PublicKey{&key.PublicKey}, GetServiceAccount: c.sa,
				GetPod: c.pod, GetNode: c.node, CacheSize: bc.cache}
			b.ReportAllocs()
			for b.Loop() {
				if _, ok, err := a.AuthenticateRequest(r); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

func BenchmarkIssue(b *testing.B) {
	i := &authn.Issuer{Key: newKey(b)}
	exp := time.Now().Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := i.Issue("default", "robot", "uid", []string{authn.DefaultIssuer}, exp, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStaticToken(b *testing.B) {
	st, err := authn.ParseStaticTokens(strings.NewReader("tok-1,alice,1,devs\ntok-2,bob,2\n"))
	if err != nil {
		b.Fatal(err)
	}
	r := bearerRequest("/api", "tok-2")
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := st.AuthenticateRequest(r); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkBootstrapToken(b *testing.B) {
	s := bootstrapSecret("abcdef", "0123456789abcdef", nil)
	bt := &authn.BootstrapTokens{GetSecret: secrets{s.Name: s}.get}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := bt.AuthenticateToken(context.Background(), "abcdef.0123456789abcdef"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// The whole union for the two common cases: a component's certificate and
// a pod's token (tried after the certificate and static-token
// authenticators).
func BenchmarkUnion(b *testing.B) {
	ca := newCA(b, "ca")
	key := newKey(b)
	c := newCluster()
	st, _ := authn.ParseStaticTokens(strings.NewReader("tok-1,alice,1\n"))
	u := authn.Union{&authn.X509{Roots: ca.pool}, st,
		&authn.ServiceAccountTokens{Keys: []crypto.PublicKey{&key.PublicKey}, GetServiceAccount: c.sa, GetPod: c.pod},
		&authn.AnonymousAccess{}}
	tok, _ := (&authn.Issuer{Key: key}).Issue("default", "robot", "sa-uid-1", []string{authn.DefaultIssuer}, time.Now().Add(time.Hour), nil)
	for name, r := range map[string]*http.Request{
		"certificate": tlsRequest("/api", ca.client(b, "system:kube-scheduler")),
		"sa-token":    bearerRequest("/api", tok),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok, err := u.AuthenticateRequest(r); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}
