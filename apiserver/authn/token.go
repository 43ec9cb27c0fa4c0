package authn

import (
	"context"
	"net/http"
	"strings"
)

// TokenAuthenticator authenticates a bearer token. It returns ok=false for
// a token it does not recognize (another authenticator's), and an error for
// one it recognizes as its own but refuses. StaticTokens, BootstrapTokens
// and ServiceAccountTokens implement it, for a TokenReview handler.
type TokenAuthenticator interface {
	AuthenticateToken(ctx context.Context, token string) (*User, bool, error)
}

// BearerToken returns the token of a request's "Authorization: Bearer
// <token>" header (the scheme is case-insensitive, as in kube-apiserver).
func BearerToken(r *http.Request) (string, bool) {
	// The canonical key, without Get's canonicalization: every request
	// asks, most carry no token.
	v := r.Header["Authorization"]
	if len(v) == 0 {
		return "", false
	}
	h := v[0]
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	// Like kube-apiserver, anything after the token is ignored.
	token, _, _ = strings.Cut(strings.TrimLeft(token, " "), " ")
	return token, token != ""
}

func authenticateBearer(ta TokenAuthenticator, r *http.Request) (*User, bool, error) {
	token, ok := BearerToken(r)
	if !ok {
		return nil, false, nil
	}
	return ta.AuthenticateToken(r.Context(), token)
}
