package authn_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/authn"
)

// A union of authenticators as a secure API server runs it: client
// certificates, static tokens, service-account tokens, and anonymous
// access to the health checks.
func Example() {
	tokens, err := authn.ParseStaticTokens(strings.NewReader(`s3cr3t,jane,1001,"devs,qa"` + "\n"))
	if err != nil {
		log.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	robot := &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "robot", UID: "0b6c9a3e"}}
	sa := &authn.ServiceAccountTokens{
		Keys: []crypto.PublicKey{&key.PublicKey},
		// The API server answers from its ServiceAccount cache.
		GetServiceAccount: func(_ context.Context, ns, name string) (*core.ServiceAccount, error) {
			if ns == robot.Namespace && name == robot.Name {
				return robot, nil
			}
			return nil, nil
		},
	}
	a := authn.Union{
		&authn.X509{Roots: x509.NewCertPool()}, // the cluster CA: pki.PKI.CAPool()
		tokens,
		sa,
		&authn.AnonymousAccess{}, // /healthz, /livez, /readyz, /version
	}

	// What the TokenRequest API hands a pod.
	token, err := (&authn.Issuer{Key: key}).Issue("default", "robot", robot.UID,
		[]string{authn.DefaultIssuer}, time.Now().Add(time.Hour), nil)
	if err != nil {
		log.Fatal(err)
	}

	for _, req := range []struct{ path, token string }{
		{"/api/v1/pods", "s3cr3t"},
		{"/api/v1/namespaces/default/configmaps", token},
		{"/healthz", ""},
		{"/api/v1/pods", ""},
		{"/healthz", "guess"},
	} {
		r := httptest.NewRequest(http.MethodGet, req.path, nil)
		if req.token != "" {
			r.Header.Set("Authorization", "Bearer "+req.token)
		}
		u, ok, err := a.AuthenticateRequest(r)
		switch {
		case err != nil:
			fmt.Printf("%s: 401: %v\n", req.path, err)
		case !ok:
			fmt.Printf("%s: 401: no credentials\n", req.path)
		default:
			fmt.Printf("%s: %s %v\n", req.path, u.Name, u.Groups)
		}
	}
	// Output:
	// /api/v1/pods: jane [devs qa system:authenticated]
	// /api/v1/namespaces/default/configmaps: system:serviceaccount:default:robot [system:serviceaccounts system:serviceaccounts:default system:authenticated]
	// /healthz: system:anonymous [system:unauthenticated]
	// /api/v1/pods: 401: no credentials
	// /healthz: 401: invalid credential: invalid bearer token
}
