package authn

import (
	"net/http"
	"strings"
)

// DefaultAnonymousPaths are the paths AnonymousAccess serves when given none:
// the health checks and the version, which load balancers and kubeadm
// probe without credentials.
var DefaultAnonymousPaths = []string{"/healthz", "/livez", "/readyz", "/version"}

// AnonymousAccess authenticates requests to Paths as system:anonymous in
// system:unauthenticated, so that the authorizer can allow them. In a Union
// it is consulted last, and only for requests that carry no credentials at
// all: a request with a bad certificate or token is refused, never demoted
// to anonymous.
type AnonymousAccess struct {
	// Paths are the URL paths served; a path also covers the paths below
	// it ("/healthz" covers "/healthz/ping"), and "/" covers every path
	// (kube-apiserver's --anonymous-auth). Default DefaultAnonymousPaths.
	Paths []string
}

// AuthenticateRequest implements Authenticator.
func (a *AnonymousAccess) AuthenticateRequest(r *http.Request) (*User, bool, error) {
	paths := a.Paths
	if paths == nil {
		paths = DefaultAnonymousPaths
	}
	for _, p := range paths {
		if p == "/" || r.URL.Path == p || strings.HasPrefix(r.URL.Path, strings.TrimSuffix(p, "/")+"/") {
			return &User{Name: Anonymous, Groups: []string{AllUnauthenticated}}, true, nil
		}
	}
	return nil, false, nil
}
