package apiserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/authentication"
	"github.com/spar-dev/spar/api/authorization"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/apiserver/authz"
	"github.com/spar-dev/spar/client"
)

// Authorization modes for Config.AuthorizationModes, as kube-apiserver's
// --authorization-mode.
const (
	ModeAlwaysAllow = "AlwaysAllow"
	ModeNode        = "Node"
	ModeRBAC        = "RBAC"
)

// buildAuthorizer builds Config.AuthorizationModes over the server's caches.
// With RBAC on, the escalation check joins admission; with Node on,
// NodeRestriction becomes available to AdmissionPlugins, as the
// certificate plugins do with any mode.
func (s *Server) buildAuthorizer() error {
	if len(s.cfg.AuthorizationModes) == 0 {
		return nil
	}
	var union authz.Union
	for _, mode := range s.cfg.AuthorizationModes {
		switch mode {
		case ModeAlwaysAllow:
			union = append(union, authz.AlwaysAllow)
		case ModeNode:
			s.nodeGraph = authz.NewNodeGraph()
			union = append(union, authz.NewNode(s.nodeGraph))
			graph := s.nodeGraph
			if s.cfg.ExtraAdmissionPlugins == nil {
				s.cfg.ExtraAdmissionPlugins = map[string]admission.Factory{}
			}
			s.cfg.ExtraAdmissionPlugins[admission.NodeRestrictionName] = func(admission.Deps) (admission.Plugin, error) {
				return &authz.NodeRestriction{Graph: graph}, nil
			}
		case ModeRBAC:
			cache := func(res string) *registry { return s.registryFor("rbac.authorization.k8s.io", "v1", res) }
			s.rbac = authz.NewRBAC(authz.NewCacheSource(cache("roles").cache, cache("clusterroles").cache,
				cache("rolebindings").cache, cache("clusterrolebindings").cache))
			union = append(union, s.rbac)
		default:
			return &unknownModeError{mode}
		}
	}
	s.cfg.Authorizer = union
	if s.cfg.ExtraAdmissionPlugins == nil {
		s.cfg.ExtraAdmissionPlugins = map[string]admission.Factory{}
	}
	for name, f := range authz.CertificatePlugins(union) {
		s.cfg.ExtraAdmissionPlugins[name] = f
	}
	return nil
}

type unknownModeError struct{ mode string }

func (e *unknownModeError) Error() string {
	return "apiserver: unknown authorization mode " + e.mode + " (want AlwaysAllow, Node or RBAC)"
}

// startAuthorization keeps the node graph current and reconciles the
// bootstrap RBAC policy. It runs once the caches are ready.
func (s *Server) startAuthorization(ctx context.Context) error {
	if g := s.nodeGraph; g != nil {
		for _, r := range []*registry{
			s.registryFor("", "v1", "pods"), s.registryFor("", "v1", "persistentvolumes"),
			s.registryFor("storage.k8s.io", "v1", "volumeattachments"), s.registryFor("", "v1", "nodes"),
		} {
			if r == nil {
				continue
			}
			go func() {
				if err := g.Follow(ctx, r.cache); err != nil && ctx.Err() == nil {
					s.log.Error(err, "node authorizer graph stopped", "resource", r.res.Plural)
				}
			}()
		}
	}
	if s.rbac != nil {
		p := authz.DefaultPolicy()
		if s.cfg.ControllerIdentity != "" {
			p.BindControllersTo(rbac.Subject{Kind: "User", APIGroup: rbac.GroupName, Name: s.cfg.ControllerIdentity})
		}
		if err := authz.Reconcile(ctx, s.LoopbackClient(), p); err != nil {
			return err
		}
	}
	return nil
}

// Loopback identities: in-process components (and the server itself) talk
// to the API through the full request pipeline, each with its own bearer
// token known only to this process.
type loopback struct {
	mu     sync.Mutex
	tokens map[string]*authn.User
	admin  string
}

func newLoopback() *loopback {
	l := &loopback{tokens: map[string]*authn.User{}}
	l.admin = l.add(&authn.User{Name: "system:apiserver", Groups: []string{authn.SystemPrivilegedGrp}})
	return l
}

func (l *loopback) add(u *authn.User) string {
	var b [32]byte
	rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens[tok] = u
	return tok
}

// AuthenticateRequest implements authn.Authenticator for loopback tokens.
func (l *loopback) AuthenticateRequest(r *http.Request) (*authn.User, bool, error) {
	tok, ok := authn.BearerToken(r)
	if !ok {
		return nil, false, nil
	}
	l.mu.Lock()
	u, ok := l.tokens[tok]
	l.mu.Unlock()
	if !ok {
		return nil, false, nil
	}
	c := *u
	c.Groups = append(append([]string(nil), u.Groups...), authn.AllAuthenticated)
	return &c, true, nil
}

// LoopbackClient returns an in-process client with full rights (user
// system:apiserver in group system:masters).
func (s *Server) LoopbackClient() *client.Client {
	return s.clientWithToken(s.loopback.admin)
}

// InProcessClient returns an in-process client authenticated as u: how an
// embedding program runs its controllers and scheduler under their own
// identities, authorized like any other client.
func (s *Server) InProcessClient(u *authn.User) *client.Client {
	return s.clientWithToken(s.loopback.add(u))
}

func (s *Server) clientWithToken(tok string) *client.Client {
	c, err := client.New(&client.Config{Host: "http://loopback", Transport: client.HandlerTransport(s), BearerToken: tok})
	if err != nil {
		panic(err) // a static configuration: cannot fail
	}
	return c
}

// ServeHTTP makes the server an http.Handler (the whole pipeline).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// serveReview answers the authorization.k8s.io and authentication.k8s.io
// reviews: created, never stored, with their status filled in.
func (s *Server) serveReview(w http.ResponseWriter, r *http.Request, info *RequestInfo, g *registry) {
	if info.Verb != "create" {
		writeError(w, meta.NewMethodNotSupported(g.res.GroupResource(), info.Verb))
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	in, _, err := g.decodeBody(body, validationIgnore)
	if err != nil {
		writeError(w, err)
		return
	}
	ctx := r.Context()
	var out meta.Object
	switch v := in.(type) {
	case *authorization.SubjectAccessReview:
		out, err = authz.ReviewSubjectAccess(ctx, s.cfg.Authorizer, v)
	case *authorization.SelfSubjectAccessReview:
		out, err = authz.ReviewSelfSubjectAccess(ctx, s.cfg.Authorizer, v)
	case *authorization.LocalSubjectAccessReview:
		out, err = authz.ReviewLocalSubjectAccess(ctx, s.cfg.Authorizer, info.Namespace, v)
	case *authentication.SelfSubjectReview:
		u, _ := authn.UserFrom(ctx)
		out = &authentication.SelfSubjectReview{Status: authentication.SelfSubjectReviewStatus{UserInfo: userInfo(u)}}
		out.GetObjectMeta().CreationTimestamp = meta.Now()
	case *authentication.TokenReview:
		out, err = s.reviewToken(r, v)
	case *authorization.SelfSubjectRulesReview:
		rr, ok := s.cfg.Authorizer.(authz.RuleResolver)
		if !ok {
			rr = authz.Union{s.cfg.Authorizer}
		}
		out, err = authz.ReviewSelfSubjectRules(ctx, rr, v)
	default:
		err = meta.NewBadRequest("not a review")
	}
	if err != nil {
		writeError(w, err)
		return
	}
	api.Default.SetTypeMeta(out)
	writeJSON(w, http.StatusCreated, mediaJSON, out)
}

// apiAudiences are the audiences tokens for this server carry.
func (s *Server) apiAudiences() []string {
	if len(s.cfg.APIAudiences) > 0 {
		return s.cfg.APIAudiences
	}
	if iss := s.cfg.ServiceAccountIssuer; iss != nil && iss.URL != "" {
		return []string{iss.URL}
	}
	return []string{authn.DefaultIssuer}
}

// reviewToken answers a TokenReview with the server's authenticator chain
// (not the loopback tokens, which never leave the process). A review that
// names audiences is authenticated only for those of them the server's
// tokens are for.
func (s *Server) reviewToken(r *http.Request, tr *authentication.TokenReview) (*authentication.TokenReview, error) {
	if tr.Spec.Token == "" {
		return nil, meta.NewBadRequest("token is required for TokenReview in authentication")
	}
	out := &authentication.TokenReview{ObjectMeta: meta.ObjectMeta{CreationTimestamp: meta.Now()}, Spec: tr.Spec}
	auds := s.apiAudiences()
	if len(tr.Spec.Audiences) > 0 {
		var common []string
		for _, a := range tr.Spec.Audiences {
			if slices.Contains(auds, a) {
				common = append(common, a)
			}
		}
		if len(common) == 0 {
			out.Status.Error = fmt.Sprintf("token audiences %q is invalid for the target audiences %q", auds, tr.Spec.Audiences)
			return out, nil
		}
		auds = common
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, "/", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tr.Spec.Token)
	u, ok, err := s.cfg.Authenticator.AuthenticateRequest(req)
	switch {
	case err != nil:
		out.Status.Error = err.Error()
	case !ok || u.Name == authn.Anonymous:
		out.Status.Error = "the token was not recognized"
	default:
		out.Status.Authenticated, out.Status.User, out.Status.Audiences = true, userInfo(u), auds
	}
	return out, nil
}

// userInfo is u on the authentication.k8s.io wire.
func userInfo(u *authn.User) authentication.UserInfo {
	if u == nil {
		return authentication.UserInfo{}
	}
	ui := authentication.UserInfo{Username: u.Name, UID: u.UID, Groups: u.Groups}
	if len(u.Extra) > 0 {
		ui.Extra = make(map[string]authentication.ExtraValue, len(u.Extra))
		for k, v := range u.Extra {
			ui.Extra[k] = authentication.ExtraValue{Items: v}
		}
	}
	return ui
}
