package authn_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/apiserver/authn"
)

func TestX509(t *testing.T) {
	ca := newCA(t, "cluster-ca")
	foreign := newCA(t, "someone-else")
	inter := ca.intermediate(t, "intermediate", time.Now().Add(12*time.Hour))
	expiredInter := ca.intermediate(t, "old-intermediate", time.Now().Add(-time.Minute))
	viaInter, _ := inter.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "carol", Organization: []string{"devs"}}})
	viaExpired, _ := expiredInter.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "dave"}, NotAfter: time.Now().Add(-2 * time.Minute)})
	viaExpiredValidLeaf, _ := expiredInter.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "erin"}})
	expired, _ := ca.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "old"}, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	future, _ := ca.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "soon"}, NotBefore: time.Now().Add(time.Hour)})
	serverOnly, _ := ca.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "web"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	noCN, _ := ca.issue(t, x509.Certificate{Subject: pkix.Name{Organization: []string{"g"}}})

	a := &authn.X509{Roots: ca.pool}
	tests := []struct {
		name       string
		chain      []*x509.Certificate
		wantUser   string
		wantGroups []string
		wantErr    error  // nil: accepted
		wantMsg    string // part of the error
	}{
		{"admin", []*x509.Certificate{ca.client(t, "kubernetes-admin", "system:masters")}, "kubernetes-admin", []string{"system:masters"}, nil, ""},
		{"node", []*x509.Certificate{ca.client(t, "system:node:n1", "system:nodes")}, "system:node:n1", []string{"system:nodes"}, nil, ""},
		{"several groups", []*x509.Certificate{ca.client(t, "jane", "a", "b")}, "jane", []string{"a", "b"}, nil, ""},
		{"through an intermediate", []*x509.Certificate{viaInter, inter.cert}, "carol", []string{"devs"}, nil, ""},
		{"intermediate not sent", []*x509.Certificate{viaInter}, "", nil, authn.ErrInvalid, "unknown authority"},
		{"expired", []*x509.Certificate{expired}, "", nil, authn.ErrExpired, "expired at"},
		{"not yet valid", []*x509.Certificate{future}, "", nil, authn.ErrNotYetValid, "not valid before"},
		{"foreign CA", []*x509.Certificate{foreign.client(t, "kubernetes-admin", "system:masters")}, "", nil, authn.ErrInvalid, "unknown authority"},
		{"expired leaf under expired intermediate", []*x509.Certificate{viaExpired, expiredInter.cert}, "", nil, authn.ErrExpired, "expired"},
		{"valid leaf under expired intermediate", []*x509.Certificate{viaExpiredValidLeaf, expiredInter.cert}, "", nil, authn.ErrExpired, "expired"},
		{"server auth only", []*x509.Certificate{serverOnly}, "", nil, authn.ErrInvalid, "usage"},
		{"no common name", []*x509.Certificate{noCN}, "", nil, authn.ErrInvalid, "no common name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Twice: the second answer may come from the cache.
			for i := range 2 {
				u, ok, err := a.AuthenticateRequest(tlsRequest("/api", tt.chain...))
				if tt.wantErr != nil {
					if ok || !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
						t.Fatalf("try %d: got ok=%v err=%v, want %v containing %q", i, ok, err, tt.wantErr, tt.wantMsg)
					}
					continue
				}
				if err != nil || !ok {
					t.Fatalf("try %d: got ok=%v err=%v, want accepted", i, ok, err)
				}
				if u.Name != tt.wantUser || !slices.Equal(u.Groups, tt.wantGroups) {
					t.Errorf("try %d: user %q groups %q, want %q %q", i, u.Name, u.Groups, tt.wantUser, tt.wantGroups)
				}
				u.Groups = append(u.Groups[:0], "mutated") // must not leak into the cache
			}
		})
	}
}

func TestX509NoCertificate(t *testing.T) {
	a := &authn.X509{Roots: newCA(t, "ca").pool}
	if u, ok, err := a.AuthenticateRequest(httptest.NewRequest("GET", "/api", nil)); ok || err != nil || u != nil {
		t.Errorf("plain HTTP: got %v %v %v, want not recognized", u, ok, err)
	}
	if u, ok, err := a.AuthenticateRequest(tlsRequest("/api")); ok || err != nil || u != nil {
		t.Errorf("TLS without a certificate: got %v %v %v, want not recognized", u, ok, err)
	}
}

// A cached verification does not outlive the certificate.
func TestX509CacheHonoursExpiry(t *testing.T) {
	ca := newCA(t, "ca")
	cert, _ := ca.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "u"}, NotAfter: time.Now().Add(time.Hour)})
	now := time.Now()
	a := &authn.X509{Roots: ca.pool, Now: func() time.Time { return now }}
	if _, ok, err := a.AuthenticateRequest(tlsRequest("/", cert)); !ok || err != nil {
		t.Fatalf("fresh certificate: ok=%v err=%v", ok, err)
	}
	now = now.Add(2 * time.Hour)
	if _, ok, err := a.AuthenticateRequest(tlsRequest("/", cert)); ok || !errors.Is(err, authn.ErrExpired) {
		t.Errorf("after expiry: ok=%v err=%v, want ErrExpired", ok, err)
	}
}

func TestX509WithoutCache(t *testing.T) {
	ca := newCA(t, "ca")
	a := &authn.X509{Roots: ca.pool, CacheSize: -1}
	for range 2 {
		if u, ok, err := a.AuthenticateRequest(tlsRequest("/", ca.client(t, "u", "g"))); !ok || err != nil || u.Name != "u" {
			t.Fatalf("got %v %v %v", u, ok, err)
		}
	}
}
