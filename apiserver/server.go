package apiserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/apiserver/authz"
	"github.com/spar-dev/spar/apiserver/openapi"
	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/watch"
)

// Config configures a Server. Store is required; the zero value of every
// other field means its default.
type Config struct {
	// Store holds all state. Required.
	Store store.Store
	// Scheme lists the kinds served. Default: a new scheme with every
	// built-in kind (custom resources are added to it at run time).
	Scheme *api.Scheme
	// ServiceCIDR is the range Service cluster IPs come from. Default
	// "10.96.0.0/12" (kubeadm's).
	ServiceCIDR string
	// NodePortRange is the range of Service node ports. Default
	// "30000-32767".
	NodePortRange string
	// Authenticator identifies callers. Default: every request is the user
	// "system:admin" in group "system:masters" (an open server; the
	// security stages replace it).
	Authenticator authn.Authenticator
	// Authorizer decides on requests. Default: AuthorizationModes, or
	// authz.AlwaysAllow without them.
	Authorizer authz.Authorizer
	// AuthorizationModes builds the authorizer from the server's caches, in
	// order: ModeNode, ModeRBAC, ModeAlwaysAllow (kube-apiserver's
	// --authorization-mode). With RBAC, the bootstrap roles and bindings are
	// reconciled on start and role escalation is checked on writes.
	// Ignored when Authorizer is set. Default: none.
	AuthorizationModes []string
	// ControllerIdentity, when set with RBAC, is the user every built-in
	// controller runs as (one controller manager process); the per-controller
	// roles are bound to it. Default: per-controller service accounts, as
	// Kubernetes.
	ControllerIdentity string
	// Admission runs on writes. Default: the chain of AdmissionPlugins.
	Admission *admission.Chain
	// AdmissionPlugins names the built-in admission plugins to run (see
	// admission.DefaultPlugins), reading the cluster through the server's
	// caches; ignored when Admission is set. Default: none.
	AdmissionPlugins []string
	// ExtraAdmissionPlugins adds plugins by name to the registry
	// AdmissionPlugins selects from (e.g. NodeRestriction). Default: none.
	ExtraAdmissionPlugins map[string]admission.Factory
	// AuditPolicy and AuditBackend turn on auditing; both are needed.
	// Default: off.
	AuditPolicy  *audit.Policy
	AuditBackend audit.Backend
	// ServiceAccountIssuer signs the tokens of the TokenRequest API
	// (serviceaccounts/{name}/token). Default: none (the subresource
	// answers 503).
	ServiceAccountIssuer *authn.Issuer
	// APIAudiences are the audiences of tokens requested without any.
	// Default: the issuer's URL.
	APIAudiences []string
	// MaxMutatingInFlight and MaxReadOnlyInFlight cap concurrent requests
	// (long-running ones not counted); excess gets 429. Defaults 200 and 400.
	MaxMutatingInFlight int
	MaxReadOnlyInFlight int
	// RequestTimeout bounds non-watch requests (and caps ?timeout=).
	// Default 60s.
	RequestTimeout time.Duration
	// MinWatchTimeout: watches without timeoutSeconds end after a random
	// time in [MinWatchTimeout, 2*MinWatchTimeout). Default 30m.
	MinWatchTimeout time.Duration
	// Watch tunes the watch caches (its Store, Prefix, Decode and field
	// settings are set per resource). Default: the watch package defaults.
	Watch watch.Config
	// Registerer receives the server's Prometheus metrics. Default: a new
	// registry served at /metrics.
	Registerer *prometheus.Registry
	// Streams serves the streaming pod subresources (log, exec, attach,
	// portforward) and the proxy subresources, after authorization: the
	// connection to the node agents. Default: they answer 503.
	Streams http.Handler
	// Logger receives one line per request (at V(1)), errors and panics.
	// Default: discard.
	Logger logr.Logger
	// Version is what /version reports. Default: spar's version info.
	Version VersionInfo
}

// VersionInfo is the /version document.
type VersionInfo struct {
	Major        string `json:"major"`
	Minor        string `json:"minor"`
	GitVersion   string `json:"gitVersion"`
	GitCommit    string `json:"gitCommit"`
	GitTreeState string `json:"gitTreeState"`
	BuildDate    string `json:"buildDate"`
	GoVersion    string `json:"goVersion"`
	Compiler     string `json:"compiler"`
	Platform     string `json:"platform"`
}

// Server is the API server: an http.Handler over a store. It is stateless:
// several servers may share one store.
type Server struct {
	cfg     Config
	store   store.Store
	scheme  *api.Scheme
	log     logr.Logger
	metrics *metrics
	handler http.Handler

	mu         sync.RWMutex
	registries map[api.GVR]*registry
	// runCtx is set by Run; caches of resources registered later (custom
	// resources) start under it.
	runCtx context.Context
	cancel map[api.GVR]context.CancelFunc
	ready  chan struct{}

	mutating, readOnly chan struct{}
	services           *serviceAllocator
	openapi            *openapi.Builder
	admission          *admission.Chain
	unauthorized       http.Handler
	loopback           *loopback
	rbac               *authz.RBAC
	nodeGraph          *authz.NodeGraph
}

// New returns a server for cfg. Call Run to start its caches before
// serving.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("apiserver: Config.Store is required")
	}
	if cfg.Scheme == nil {
		cfg.Scheme = api.NewBuiltinScheme()
	}
	if cfg.ServiceCIDR == "" {
		cfg.ServiceCIDR = "10.96.0.0/12"
	}
	if cfg.NodePortRange == "" {
		cfg.NodePortRange = "30000-32767"
	}
	if cfg.Authenticator == nil {
		admin := &authn.User{Name: "system:admin", Groups: []string{authn.SystemPrivilegedGrp, authn.AllAuthenticated}}
		cfg.Authenticator = authn.AuthenticatorFunc(func(*http.Request) (*authn.User, bool, error) { return admin, true, nil })
	}
	if cfg.MaxMutatingInFlight <= 0 {
		cfg.MaxMutatingInFlight = 200
	}
	if cfg.MaxReadOnlyInFlight <= 0 {
		cfg.MaxReadOnlyInFlight = 400
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 60 * time.Second
	}
	if cfg.MinWatchTimeout <= 0 {
		cfg.MinWatchTimeout = 30 * time.Minute
	}
	if cfg.Registerer == nil {
		cfg.Registerer = prometheus.NewRegistry()
	}
	if cfg.Version.GitVersion == "" {
		cfg.Version = defaultVersion()
	}
	s := &Server{
		cfg:        cfg,
		store:      cfg.Store,
		scheme:     cfg.Scheme,
		log:        cfg.Logger,
		registries: map[api.GVR]*registry{},
		cancel:     map[api.GVR]context.CancelFunc{},
		ready:      make(chan struct{}),
		mutating:   make(chan struct{}, cfg.MaxMutatingInFlight),
		readOnly:   make(chan struct{}, cfg.MaxReadOnlyInFlight),
	}
	var err error
	if s.services, err = newServiceAllocator(s, cfg.ServiceCIDR, cfg.NodePortRange); err != nil {
		return nil, err
	}
	if s.metrics, err = newMetrics(cfg.Registerer); err != nil {
		return nil, err
	}
	s.openapi = newOpenAPI(s)
	for _, res := range s.scheme.Resources() {
		if err := s.register(res, s.builtinStrategy(res)); err != nil {
			return nil, err
		}
	}
	s.loopback = newLoopback()
	if s.cfg.Authorizer == nil {
		if err := s.buildAuthorizer(); err != nil {
			return nil, err
		}
		if s.cfg.Authorizer == nil {
			s.cfg.Authorizer = authz.AlwaysAllow
		}
	}
	if s.admission, err = s.buildAdmission(); err != nil {
		return nil, err
	}
	if s.rbac != nil {
		// Escalation prevention is part of RBAC, not a plugin to turn off.
		s.admission.Validators = append(s.admission.Validators, admission.ValidatorFunc(s.rbac.ValidateEscalation))
	}
	s.unauthorized = s.unauthorizedHandler()
	s.handler = s.buildHandler()
	return s, nil
}

// Handler returns the server's HTTP handler, with the whole request
// pipeline in front of the API.
func (s *Server) Handler() http.Handler { return s.handler }

// Ready is closed once every cache has loaded.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Run starts the watch caches and the server's background work and blocks
// until ctx is done.
func (s *Server) Run(ctx context.Context) error {
	s.mu.Lock()
	s.runCtx = ctx
	regs := make([]*registry, 0, len(s.registries))
	for gvr, g := range s.registries {
		s.startCacheLocked(gvr, g)
		regs = append(regs, g)
	}
	s.mu.Unlock()
	for _, g := range regs {
		select {
		case <-g.cache.Ready():
		case <-ctx.Done():
			return nil
		}
	}
	if err := s.ensureSystemNamespaces(ctx); err != nil {
		return err
	}
	if err := s.ensurePriorityClasses(ctx); err != nil {
		return err
	}
	if err := s.startAuthorization(ctx); err != nil {
		return err
	}
	go s.runCRDs(ctx)
	close(s.ready)
	<-ctx.Done()
	return nil
}

// register adds a resource to the served set (at start or at run time).
func (s *Server) register(res *api.Resource, strategy Strategy) error {
	g := &registry{s: s, res: res, strategy: strategy, prefix: storePrefix(res), newObject: res.New}
	_, g.custom = strategy.(*crStrategy)
	g.fieldLabels = map[string]bool{"metadata.name": true}
	if res.Namespaced {
		g.fieldLabels["metadata.namespace"] = true
	}
	var indexes []string
	if fs, ok := strategy.(FieldStrategy); ok {
		for _, f := range fs.FieldLabels() {
			g.fieldLabels[f] = true
		}
		if res.Group == "" && res.Plural == "pods" {
			indexes = []string{"spec.nodeName"}
		}
	}
	wcfg := s.cfg.Watch
	wcfg.Store, wcfg.Prefix, wcfg.Decode = s.store, g.prefix, g.decode
	wcfg.Fields, wcfg.IndexFields = g.objectFields, indexes
	wcfg.Logger = s.log.WithName("watch")
	c, err := watch.New(wcfg)
	if err != nil {
		return err
	}
	g.cache = c
	gvr := api.GVR{Group: res.Group, Version: res.Version, Resource: res.Plural}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registries[gvr] = g
	if s.runCtx != nil {
		s.startCacheLocked(gvr, g)
	}
	return nil
}

// unregister stops serving a resource (a deleted custom resource).
func (s *Server) unregister(gvr api.GVR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cancel := s.cancel[gvr]; cancel != nil {
		cancel()
	}
	delete(s.cancel, gvr)
	delete(s.registries, gvr)
}

func (s *Server) startCacheLocked(gvr api.GVR, g *registry) {
	ctx, cancel := context.WithCancel(s.runCtx)
	s.cancel[gvr] = cancel
	go g.cache.Run(ctx)
}

func (s *Server) registryFor(group, version, resource string) *registry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.registries[api.GVR{Group: group, Version: version, Resource: resource}]
}

func (s *Server) registryByGR(group, resource string) *registry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for gvr, g := range s.registries {
		if gvr.Group == group && gvr.Resource == resource {
			return g
		}
	}
	return nil
}

// admit runs the mutating admission chain.
func (s *Server) admit(ctx context.Context, op string, res *api.Resource, obj, old meta.Object, dryRun bool) error {
	if len(s.admission.Mutators) == 0 {
		return nil
	}
	return s.admission.Admit(ctx, s.admissionAttributes(ctx, op, res, obj, old, dryRun))
}

// validateAdmission runs the validating admission chain.
func (s *Server) validateAdmission(ctx context.Context, op string, res *api.Resource, obj, old meta.Object, dryRun bool) error {
	if len(s.admission.Validators) == 0 {
		return nil
	}
	return s.admission.Validate(ctx, s.admissionAttributes(ctx, op, res, obj, old, dryRun))
}

func (s *Server) admissionAttributes(ctx context.Context, op string, res *api.Resource, obj, old meta.Object, dryRun bool) *admission.Attributes {
	a := &admission.Attributes{
		Operation: admission.Operation(strings.ToUpper(op)),
		Group:     res.Group, Version: res.Version, Kind: res.Kind, Resource: res.Plural,
		Object: obj, OldObject: old, DryRun: dryRun,
	}
	for _, o := range []meta.Object{obj, old} {
		if o != nil {
			a.Namespace, a.Name = o.GetObjectMeta().Namespace, o.GetObjectMeta().Name
			break
		}
	}
	if info, ok := RequestInfoFrom(ctx); ok {
		a.Subresource = info.Subresource
	}
	a.User, _ = authn.UserFrom(ctx)
	return a
}

// namespaceAcceptsCreate enforces namespace lifecycle: objects are created
// only in namespaces that exist and are not terminating.
func (s *Server) namespaceAcceptsCreate(ctx context.Context, ns string) error {
	g := s.registryFor("", "v1", "namespaces")
	if g == nil {
		return nil
	}
	// The cache answers almost always; a namespace it has not seen yet
	// (created a moment ago) is read from the store.
	obj, ok := g.cache.Get(g.key("", ns))
	if !ok {
		var err error
		if obj, _, err = g.get(ctx, "", ns); err != nil {
			return err
		}
	}
	n := obj.(*core.Namespace)
	if n.DeletionTimestamp != nil || n.Status.Phase == core.NamespaceTerminating {
		st := meta.NewForbidden(meta.GroupResource{Resource: "namespaces"}, ns,
			fmt.Sprintf("unable to create new content in namespace %s because it is being terminated", ns))
		st.Message = fmt.Sprintf("unable to create new content in namespace %s because it is being terminated", ns)
		st.Details.Causes = []meta.StatusCause{{Type: "NamespaceTerminating", Message: st.Message, Field: "metadata.namespace"}}
		return st
	}
	return nil
}

// ensureSystemNamespaces creates default, kube-system, kube-public and
// kube-node-lease, as a new Kubernetes cluster has them.
func (s *Server) ensureSystemNamespaces(ctx context.Context) error {
	g := s.registryFor("", "v1", "namespaces")
	for _, name := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		ns := &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: name}}
		_, err := g.createObject(ctx, "", ns, writeParams{})
		if err != nil && meta.ReasonOf(err) != meta.StatusReasonAlreadyExists {
			return fmt.Errorf("creating namespace %s: %w", name, err)
		}
	}
	return nil
}

// buildHandler assembles the filter chain of DESIGN.md around the router:
// recover → request log/metrics → in-flight limit → authn → authz.
func (s *Server) buildHandler() http.Handler {
	var h http.Handler = http.HandlerFunc(s.route)
	h = s.withAuthorization(h)
	h = s.withAudit(h)
	h = s.withAuthentication(h)
	h = s.withInFlightLimit(h)
	h = s.withLogAndMetrics(h)
	h = s.withRequestInfo(h)
	h = s.withRecovery(h)
	return h
}

func (s *Server) withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := parseRequestInfo(r)
		next.ServeHTTP(w, r.WithContext(WithRequestInfo(r.Context(), info)))
	})
}

func (s *Server) withRecovery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error(fmt.Errorf("panic: %v", v), "request handler panicked", "method", r.Method, "path", r.URL.Path, "stack", string(debug.Stack()))
				writeError(w, meta.NewInternalError(fmt.Errorf("%v", v)))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status code for logs and metrics.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Flush passes through so watch streams flush.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) withLogAndMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		info, _ := RequestInfoFrom(r.Context())
		d := time.Since(start)
		if rec.code == 0 {
			rec.code = http.StatusOK
		}
		s.metrics.observe(info, rec.code, d)
		if s.log.V(1).Enabled() {
			user := ""
			if u, ok := authn.UserFrom(r.Context()); ok {
				user = u.Name
			}
			s.log.V(1).Info("request", "client", clientIP(r), "verb", info.Verb, "path", r.URL.RequestURI(),
				"user", user, "status", rec.code, "latency", d)
		}
	})
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// longRunning reports requests that the in-flight limit does not count.
func longRunning(info *RequestInfo) bool {
	if info.Verb == "watch" {
		return true
	}
	switch info.Subresource {
	case "log", "exec", "attach", "portforward", "proxy":
		return true
	}
	return false
}

func (s *Server) withInFlightLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, _ := RequestInfoFrom(r.Context())
		if longRunning(info) {
			next.ServeHTTP(w, r)
			return
		}
		sem := s.readOnly
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			sem = s.mutating
		}
		select {
		case sem <- struct{}{}:
			s.metrics.inFlight.Inc()
			defer func() { <-sem; s.metrics.inFlight.Dec() }()
			next.ServeHTTP(w, r)
		default:
			writeError(w, meta.NewTooManyRequests("Too many requests, please try again later.", 1))
		}
	})
}

func (s *Server) withAuthentication(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok, err := s.loopback.AuthenticateRequest(r)
		if !ok {
			u, ok, err = s.cfg.Authenticator.AuthenticateRequest(r)
		}
		if err != nil || !ok {
			if err != nil {
				s.log.V(1).Info("authentication failed", "err", err.Error())
			}
			s.unauthorized.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(authn.WithUser(r.Context(), u)))
	})
}

func (s *Server) withAuthorization(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, _ := RequestInfoFrom(r.Context())
		u, _ := authn.UserFrom(r.Context())
		a := authz.Attributes{
			User: u, Verb: info.Verb, ResourceRequest: info.IsResourceRequest,
			APIGroup: info.APIGroup, APIVersion: info.APIVersion, Resource: info.Resource,
			Subresource: info.Subresource, Namespace: info.Namespace, Name: info.Name, Path: r.URL.Path,
		}
		if info.IsResourceRequest {
			// As Kubernetes: a namespace's own requests are in its namespace
			// (so a namespace admin may get it), a list or watch of one name
			// is about that name, and field selectors are visible to the
			// node authorizer (a kubelet watching its pods).
			if info.Resource == "namespaces" && info.Name != "" {
				a.Namespace = info.Name
			}
			if fs := info.Query.Get("fieldSelector"); fs != "" {
				if sel, err := fields.Parse(fs); err == nil {
					a.FieldSelector = sel
					if n, ok := sel.RequiresExactMatch("metadata.name"); ok && (info.Verb == "list" || info.Verb == "watch") && a.Name == "" {
						a.Name = n
					}
				}
			}
		}
		d, reason, err := s.cfg.Authorizer.Authorize(r.Context(), a)
		if err != nil || d != authz.Allow {
			writeError(w, forbidden(a, reason))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// forbidden builds Kubernetes' 403 message:
// `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"`.
func forbidden(a authz.Attributes, reason string) error {
	user := ""
	if a.User != nil {
		user = a.User.Name
	}
	var msg string
	if a.ResourceRequest {
		res := a.Resource
		if a.Subresource != "" {
			res += "/" + a.Subresource
		}
		msg = fmt.Sprintf("User %q cannot %s resource %q in API group %q", user, a.Verb, res, a.APIGroup)
		if a.Namespace != "" {
			msg += fmt.Sprintf(" in the namespace %q", a.Namespace)
		} else {
			msg += " at the cluster scope"
		}
	} else {
		msg = fmt.Sprintf("User %q cannot %s path %q", user, a.Verb, a.Path)
	}
	if reason != "" {
		msg += ": " + reason
	}
	st := meta.NewForbidden(meta.GroupResource{Group: a.APIGroup, Resource: a.Resource}, a.Name, msg)
	if !a.ResourceRequest {
		st.Message = "forbidden: " + msg
	}
	return st
}

// route dispatches to the API, discovery and the server's own endpoints.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	info, _ := RequestInfoFrom(r.Context())
	if info.IsResourceRequest {
		s.serveResource(w, r, info)
		return
	}
	switch p := strings.TrimSuffix(r.URL.Path, "/"); {
	case p == "/healthz" || p == "/livez" || p == "/readyz" ||
		strings.HasPrefix(p, "/healthz/") || strings.HasPrefix(p, "/livez/") || strings.HasPrefix(p, "/readyz/"):
		s.serveHealth(w, r, p)
	case p == "/version":
		writeJSON(w, http.StatusOK, mediaJSON, s.cfg.Version)
	case p == "/metrics":
		s.metrics.handler.ServeHTTP(w, r)
	case p == "/api" || p == "/apis" || strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/apis/"):
		s.serveDiscovery(w, r, info)
	case p == "/openapi/v3" || strings.HasPrefix(p, "/openapi/v3/"):
		s.serveOpenAPI(w, r)
	case p == "/openapi/v2" || p == "/swagger-2.0.0.pb-v1":
		s.serveOpenAPI(w, r)
	case p == "" || p == "/":
		writeJSON(w, http.StatusOK, mediaJSON, map[string][]string{"paths": s.rootPaths()})
	default:
		writeError(w, meta.NewStatus(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource"))
	}
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request, p string) {
	if strings.HasPrefix(p, "/readyz") {
		select {
		case <-s.ready:
		default:
			http.Error(w, "[-]caches not ready\nreadyz check failed", http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("ok"))
}
