package authn_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/apiserver/authn"
)

func TestAnonymousAccessPaths(t *testing.T) {
	tests := []struct {
		paths []string
		path  string
		want  bool
	}{
		{nil, "/healthz", true},
		{nil, "/healthz/ping", true},
		{nil, "/livez", true},
		{nil, "/readyz/etcd", true},
		{nil, "/version", true},
		{nil, "/version/", true},
		{nil, "/healthzz", false},
		{nil, "/api", false},
		{nil, "/", false},
		{[]string{"/"}, "/api/v1/pods", true},
		{[]string{"/openapi/"}, "/openapi/v2", true},
		{[]string{}, "/healthz", false},
	}
	for _, tt := range tests {
		a := &authn.AnonymousAccess{Paths: tt.paths}
		u, ok, err := a.AuthenticateRequest(httptest.NewRequest(http.MethodGet, tt.path, nil))
		if err != nil || ok != tt.want {
			t.Errorf("Paths %v, %s: ok=%v err=%v, want %v", tt.paths, tt.path, ok, err, tt.want)
			continue
		}
		if ok && (u.Name != "system:anonymous" || !slices.Equal(u.Groups, []string{"system:unauthenticated"})) {
			t.Errorf("anonymous user = %+v", u)
		}
	}
}

func TestUnion(t *testing.T) {
	ca := newCA(t, "ca")
	foreign := newCA(t, "foreign")
	tokens, err := authn.ParseStaticTokens(strings.NewReader("good,alice,1,devs\nmaster,root,0,system:authenticated\n"))
	if err != nil {
		t.Fatal(err)
	}
	// Anonymous first on purpose: it is still tried last.
	u := authn.Union{&authn.AnonymousAccess{}, &authn.X509{Roots: ca.pool}, tokens}
	admin := ca.client(t, "kubernetes-admin", "system:masters")

	withToken := func(r *http.Request, tok string) *http.Request {
		r.Header.Set("Authorization", "Bearer "+tok)
		return r
	}
	tests := []struct {
		name       string
		req        *http.Request
		wantOK     bool
		wantErr    error
		wantUser   string
		wantGroups []string
	}{
		{"certificate", tlsRequest("/api", admin), true, nil, "kubernetes-admin", []string{"system:masters", "system:authenticated"}},
		{"token", bearerRequest("/api", "good"), true, nil, "alice", []string{"devs", "system:authenticated"}},
		{"already authenticated group not repeated", bearerRequest("/api", "master"), true, nil, "root", []string{"system:authenticated"}},
		{"valid certificate beats a bad token", withToken(tlsRequest("/api", admin), "nope"), true, nil, "kubernetes-admin", []string{"system:masters", "system:authenticated"}},
		{"bad certificate, good token", withToken(tlsRequest("/api", foreign.client(t, "x")), "good"), true, nil, "alice", []string{"devs", "system:authenticated"}},
		{"anonymous health check", httptest.NewRequest(http.MethodGet, "/healthz", nil), true, nil, "system:anonymous", []string{"system:unauthenticated"}},
		{"no credentials elsewhere", httptest.NewRequest(http.MethodGet, "/api", nil), false, nil, "", nil},
		{"bad certificate on a health check", tlsRequest("/healthz", foreign.client(t, "x")), false, authn.ErrInvalid, "", nil},
		{"unknown token on a health check", bearerRequest("/healthz", "nope"), false, authn.ErrInvalidBearerToken, "", nil},
		{"unknown token", bearerRequest("/api", "nope"), false, authn.ErrInvalidBearerToken, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, ok, err := u.AuthenticateRequest(tt.req)
			if ok != tt.wantOK || (tt.wantErr == nil) != (err == nil) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("got ok=%v err=%v, want ok=%v err=%v", ok, err, tt.wantOK, tt.wantErr)
			}
			if ok && (user.Name != tt.wantUser || !slices.Equal(user.Groups, tt.wantGroups)) {
				t.Errorf("user %q groups %v, want %q %v", user.Name, user.Groups, tt.wantUser, tt.wantGroups)
			}
		})
	}
}

// An authenticator that returns a shared user does not see it changed.
func TestUnionCopiesUsers(t *testing.T) {
	shared := &authn.User{Name: "svc", Groups: []string{"g"}}
	u := authn.Union{authn.AuthenticatorFunc(func(*http.Request) (*authn.User, bool, error) { return shared, true, nil })}
	got, _, _ := u.AuthenticateRequest(httptest.NewRequest(http.MethodGet, "/", nil))
	if !slices.Equal(got.Groups, []string{"g", "system:authenticated"}) || !slices.Equal(shared.Groups, []string{"g"}) {
		t.Errorf("got %v, shared now %v", got.Groups, shared.Groups)
	}
}

// A Union returns one shared user for a cached client certificate, in
// system:authenticated once, with or without the group among the
// certificate's organizations; X509 alone returns a copy of its own.
func TestUnionX509CacheShared(t *testing.T) {
	ca := newCA(t, "ca")
	x := &authn.X509{Roots: ca.pool}
	u := authn.Union{x}
	for _, groups := range [][]string{{"devs"}, {"devs", authn.AllAuthenticated}} {
		cert := ca.client(t, "jane", groups...)
		want := append(slices.Clone(groups[:1]), authn.AllAuthenticated)
		first, ok, err := u.AuthenticateRequest(tlsRequest("/api", cert))
		if err != nil || !ok || first.Name != "jane" || !slices.Equal(first.Groups, want) {
			t.Fatalf("%+v %v %v, want jane %v", first, ok, err, want)
		}
		again, _, _ := u.AuthenticateRequest(tlsRequest("/api", cert))
		if again != first {
			t.Errorf("a cached certificate's user was copied")
		}
		own, _, _ := x.AuthenticateRequest(tlsRequest("/api", cert))
		if !slices.Equal(own.Groups, groups) {
			t.Errorf("X509 alone: %v, want %v", own.Groups, groups)
		}
		own.Groups[0] = "system:masters"
		if first.Groups[0] != "devs" {
			t.Errorf("X509 alone shares its user with the Union's: now %v", first.Groups)
		}
	}
}
