package apiserver

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spar-dev/spar/api/admissionregistration"
	"github.com/spar-dev/spar/api/authentication"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/watch"
)

// cacheLister reads one kind from the server's own watch cache, falling
// back to the store for objects the cache has not seen yet: what admission
// plugins read cluster state through.
func cacheLister[T any](s *Server, group, resource string) admission.Lister[T] {
	// The registry is found once: admission asks on every write, and
	// finding it walks all of the server's registries.
	var (
		found atomic.Pointer[registry]
		memo  listMemo[T]
	)
	reg := func() *registry {
		if g := found.Load(); g != nil {
			return g
		}
		g := s.registryByGR(group, resource)
		if g != nil {
			found.Store(g)
		}
		return g
	}
	return admission.ListerFuncs[T]{
		GetFunc: func(ctx context.Context, ns, name string) (*T, error) {
			return cacheGet[T](ctx, reg(), group, resource, ns, name)
		},
		ListFunc: func(ctx context.Context, ns string) ([]*T, error) {
			g := reg()
			if g == nil {
				return nil, nil
			}
			if items, ok := memo.get(g.cache.Revision(), ns); ok {
				return items, nil
			}
			res, err := g.cache.List(ctx, watch.ListOptions{Match: watch.NotOlderThan, Namespace: ns})
			if err != nil {
				return nil, err
			}
			var out []*T
			if len(res.Items) > 0 {
				out = make([]*T, 0, len(res.Items))
			}
			for _, it := range res.Items {
				if t, ok := any(it.Object).(*T); ok {
					out = append(out, t)
				}
			}
			memo.put(res.Revision, ns, out)
			return out, nil
		},
	}
}

// listMemo remembers the small lists admission made at the cache's
// current revision: a write lists webhook configurations, limit ranges,
// quotas and priority classes, which seldom change, and a list costs more
// than the map lookup that finds the same answer at the same revision (a
// cache at one revision holds one state).
type listMemo[T any] struct {
	mu   sync.Mutex
	rev  int64
	byNS map[string][]*T
}

// maxMemoList bounds the lists (and namespaces) remembered: the lists
// admission reads on every write are short; long ones (all pods of a
// namespace) are read rarely.
const maxMemoList = 32

// get returns a copy of the list of ns made at rev, if there is one (a
// copy: plugins may sort what they get).
func (m *listMemo[T]) get(rev int64, ns string) ([]*T, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if rev == 0 || rev != m.rev {
		return nil, false
	}
	items, ok := m.byNS[ns]
	return slices.Clone(items), ok
}

func (m *listMemo[T]) put(rev int64, ns string, items []*T) {
	if rev == 0 || len(items) > maxMemoList {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case rev < m.rev:
		return // a newer list is remembered already
	case rev > m.rev:
		m.rev, m.byNS = rev, map[string][]*T{}
	}
	if len(m.byNS) < maxMemoList {
		m.byNS[ns] = slices.Clone(items)
	}
}

// cacheGet reads one object of g from its watch cache, or from the store
// when the cache has not seen it yet.
func cacheGet[T any](ctx context.Context, g *registry, group, resource, ns, name string) (*T, error) {
	if g == nil {
		return nil, meta.NewNotFound(meta.GroupResource{Group: group, Resource: resource}, name)
	}
	if obj, ok := g.cache.Get(g.key(ns, name)); ok {
		if t, ok := any(obj).(*T); ok {
			return t, nil
		}
	}
	obj, _, err := g.get(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	t, ok := any(obj).(*T)
	if !ok {
		return nil, fmt.Errorf("apiserver: %s is a %T", resource, obj)
	}
	return t, nil
}

// quotaWriter reads and writes ResourceQuotas straight through the
// registry (a live read, a compare-and-swap status write), as quota
// admission needs.
type quotaWriter struct{ s *Server }

func (q quotaWriter) GetQuota(ctx context.Context, ns, name string) (*core.ResourceQuota, error) {
	g := q.s.registryFor("", "v1", "resourcequotas")
	obj, _, err := g.get(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	return obj.(*core.ResourceQuota), nil
}

func (q quotaWriter) UpdateQuotaStatus(ctx context.Context, rq *core.ResourceQuota) (*core.ResourceQuota, error) {
	g := q.s.registryFor("", "v1", "resourcequotas")
	want := meta.DeepCopy(rq)
	out, err := g.update(ctx, updateRequest{
		ns: rq.Namespace, name: rq.Name, subresource: "status",
		mutate: func(meta.Object, []byte) (meta.Object, error) { return meta.DeepCopy(want), nil },
	})
	if err != nil {
		return nil, err
	}
	return out.(*core.ResourceQuota), nil
}

// buildAdmission builds the chain of Config.AdmissionPlugins with the
// server's caches as the plugins' view of the cluster.
func (s *Server) buildAdmission() (*admission.Chain, error) {
	if s.cfg.Admission != nil || len(s.cfg.AdmissionPlugins) == 0 {
		if s.cfg.Admission == nil {
			return &admission.Chain{}, nil
		}
		return s.cfg.Admission, nil
	}
	deps := admission.Deps{
		Namespaces:         cacheLister[core.Namespace](s, "", "namespaces"),
		ServiceAccounts:    cacheLister[core.ServiceAccount](s, "", "serviceaccounts"),
		LimitRanges:        cacheLister[core.LimitRange](s, "", "limitranges"),
		ResourceQuotas:     cacheLister[core.ResourceQuota](s, "", "resourcequotas"),
		Pods:               cacheLister[core.Pod](s, "", "pods"),
		PriorityClasses:    cacheLister[scheduling.PriorityClass](s, "scheduling.k8s.io", "priorityclasses"),
		MutatingWebhooks:   cacheLister[admissionregistration.MutatingWebhookConfiguration](s, "admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
		ValidatingWebhooks: cacheLister[admissionregistration.ValidatingWebhookConfiguration](s, "admissionregistration.k8s.io", "validatingwebhookconfigurations"),
		Quotas:             quotaWriter{s},
		Logger:             s.log.WithName("admission"),
	}
	reg := admission.NewRegistry()
	for _, name := range slices.Sorted(maps.Keys(s.cfg.ExtraAdmissionPlugins)) {
		reg.Register(name, s.cfg.ExtraAdmissionPlugins[name])
	}
	return reg.New(s.cfg.AdmissionPlugins, deps)
}

// ensurePriorityClasses creates system-node-critical and
// system-cluster-critical, as a new Kubernetes cluster has them.
func (s *Server) ensurePriorityClasses(ctx context.Context) error {
	g := s.registryFor("scheduling.k8s.io", "v1", "priorityclasses")
	if g == nil {
		return nil
	}
	for i := range admission.BootstrapPriorityClasses {
		pc := meta.DeepCopy(&admission.BootstrapPriorityClasses[i])
		_, err := g.createObject(ctx, "", pc, writeParams{})
		if err != nil && meta.ReasonOf(err) != meta.StatusReasonAlreadyExists {
			return fmt.Errorf("creating priority class %s: %w", pc.Name, err)
		}
	}
	return nil
}

// withAudit puts the audit stage after authentication, matching requests
// on the server's own RequestInfo.
func (s *Server) withAudit(next http.Handler) http.Handler {
	if s.cfg.AuditPolicy == nil || s.cfg.AuditBackend == nil {
		return next
	}
	return audit.WithAudit(next, s.cfg.AuditPolicy, s.cfg.AuditBackend, s.auditOptions())
}

func (s *Server) auditOptions() *audit.Options {
	return &audit.Options{Logger: s.log.WithName("audit"), Attributes: func(r *http.Request) audit.Attributes {
		info, ok := RequestInfoFrom(r.Context())
		if !ok {
			return audit.ParseRequest(r)
		}
		return audit.Attributes{Verb: info.Verb, ResourceRequest: info.IsResourceRequest, APIGroup: info.APIGroup,
			APIVersion: info.APIVersion, Resource: info.Resource, Subresource: info.Subresource,
			Namespace: info.Namespace, Name: info.Name, Path: info.Path}
	}}
}

// unauthorized answers requests nothing authenticated (audited when
// auditing is on).
func (s *Server) unauthorizedHandler() http.Handler {
	h := http.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, meta.NewUnauthorized("Unauthorized"))
	}))
	if s.cfg.AuditPolicy == nil || s.cfg.AuditBackend == nil {
		return h
	}
	return audit.WithFailedAuthenticationAudit(h, s.cfg.AuditPolicy, s.cfg.AuditBackend, s.auditOptions())
}

var errNoIssuer = errors.New("service account tokens are not configured")

// handleTokenRequest issues a bound service-account token (the
// serviceaccounts/{name}/token subresource), as Kubernetes' TokenRequest:
// the account must exist; a token bound to a pod lives only as long as the
// pod; lifetimes are at least ten minutes.
func (s *Server) handleTokenRequest(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo) {
	iss := s.cfg.ServiceAccountIssuer
	if iss == nil {
		writeError(w, meta.NewStatus(http.StatusServiceUnavailable, meta.StatusReasonServiceUnavailable, errNoIssuer.Error()))
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var tr authentication.TokenRequest
	if len(body) > 0 {
		if err := decodeBodyInto(body, &tr); err != nil {
			writeError(w, err)
			return
		}
	}
	obj, _, err := g.get(ctx, info.Namespace, info.Name)
	if err != nil {
		writeError(w, err)
		return
	}
	sa := obj.(*core.ServiceAccount)
	invalid := func(errs ...*meta.FieldError) {
		writeError(w, meta.NewInvalid(meta.GroupKind{Group: authentication.GroupName, Kind: "TokenRequest"}, info.Name, errs))
	}
	secs := int64(3600)
	if tr.Spec.ExpirationSeconds != nil {
		secs = *tr.Spec.ExpirationSeconds
	}
	switch {
	case secs < 600:
		invalid(meta.Invalid(meta.NewPath("spec", "expirationSeconds"), secs, "may not specify a duration less than 10 minutes"))
		return
	case secs > 1<<32:
		invalid(meta.Invalid(meta.NewPath("spec", "expirationSeconds"), secs, "may not specify a duration larger than 2^32 seconds"))
		return
	}
	auds := tr.Spec.Audiences
	if len(auds) == 0 {
		auds = s.cfg.APIAudiences
	}
	if len(auds) == 0 {
		auds = []string{iss.URL}
		if iss.URL == "" {
			auds = []string{authn.DefaultIssuer}
		}
	}
	var podRef *authn.PodRef
	if ref := tr.Spec.BoundObjectRef; ref != nil {
		if ref.Kind != "Pod" {
			writeError(w, meta.NewBadRequest(fmt.Sprintf("cannot bind token to object of kind %q: only Pod is supported", ref.Kind)))
			return
		}
		pg := s.registryFor("", "v1", "pods")
		pobj, _, err := pg.get(ctx, info.Namespace, ref.Name)
		if err != nil {
			writeError(w, err)
			return
		}
		pod := pobj.(*core.Pod)
		if ref.UID != "" && ref.UID != pod.UID {
			writeError(w, meta.NewConflict(meta.GroupResource{Resource: "pods"}, ref.Name,
				fmt.Errorf("the UID in the bound object reference (%s) does not match the UID in record (%s); the object might have been deleted and then recreated", ref.UID, pod.UID)))
			return
		}
		if pod.Spec.ServiceAccountName != sa.Name {
			writeError(w, meta.NewBadRequest(fmt.Sprintf("cannot bind token to pod %s: the pod runs as service account %q", pod.Name, pod.Spec.ServiceAccountName)))
			return
		}
		podRef = &authn.PodRef{Name: pod.Name, UID: pod.UID, NodeName: pod.Spec.NodeName}
		if pod.Spec.NodeName != "" {
			if nobj, _, err := s.registryFor("", "v1", "nodes").get(ctx, "", pod.Spec.NodeName); err == nil {
				podRef.NodeUID = nobj.GetObjectMeta().UID
			}
		}
	}
	now := time.Now()
	if iss.Now != nil {
		now = iss.Now()
	}
	exp := now.Add(time.Duration(secs) * time.Second).Truncate(time.Second)
	tok, err := iss.Issue(sa.Namespace, sa.Name, sa.UID, auds, exp, podRef)
	if err != nil {
		writeError(w, meta.NewInternalError(err))
		return
	}
	tr.TypeMeta = meta.TypeMeta{Kind: "TokenRequest", APIVersion: authentication.GroupName + "/" + authentication.Version}
	tr.Name, tr.Namespace = sa.Name, sa.Namespace
	tr.Spec.Audiences, tr.Spec.ExpirationSeconds = auds, &secs
	tr.Status = authentication.TokenRequestStatus{Token: tok, ExpirationTimestamp: meta.NewTime(exp)}
	writeJSON(w, http.StatusCreated, mediaJSON, &tr)
}

// Lookup reads one object of a resource through the server's watch cache,
// falling back to the store for objects the cache has not seen yet (a
// missing one is a NotFound Status): how authenticators and other
// in-process consumers read cluster state cheaply.
func Lookup[T any](ctx context.Context, s *Server, group, resource, namespace, name string) (*T, error) {
	return cacheGet[T](ctx, s.registryByGR(group, resource), group, resource, namespace, name)
}
