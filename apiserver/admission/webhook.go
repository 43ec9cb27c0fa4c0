package admission

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/go-logr/logr"
	"github.com/google/uuid"

	"github.com/spar-dev/spar/api"
	ar "github.com/spar-dev/spar/api/admissionregistration"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
)

// MutatingWebhook calls the webhooks of every MutatingWebhookConfiguration
// whose rules and selectors match a write, one after another (by
// configuration name, then in order), and applies the JSON patches they
// return. Each webhook is called once.
type MutatingWebhook struct {
	configs Lister[ar.MutatingWebhookConfiguration]
	d       *dispatcher
}

// ValidatingWebhook calls the webhooks of every
// ValidatingWebhookConfiguration whose rules and selectors match a write,
// all at once, and rejects the write if any denies it.
type ValidatingWebhook struct {
	configs Lister[ar.ValidatingWebhookConfiguration]
	d       *dispatcher
}

func newMutatingWebhook(d Deps) (Plugin, error) {
	if d.MutatingWebhooks == nil {
		return nil, missing(MutatingAdmissionWebhookName, "MutatingWebhooks")
	}
	if d.Namespaces == nil {
		return nil, missing(MutatingAdmissionWebhookName, "Namespaces")
	}
	return &MutatingWebhook{configs: d.MutatingWebhooks, d: newDispatcher(d)}, nil
}

func newValidatingWebhook(d Deps) (Plugin, error) {
	if d.ValidatingWebhooks == nil {
		return nil, missing(ValidatingAdmissionWebhookName, "ValidatingWebhooks")
	}
	if d.Namespaces == nil {
		return nil, missing(ValidatingAdmissionWebhookName, "Namespaces")
	}
	return &ValidatingWebhook{configs: d.ValidatingWebhooks, d: newDispatcher(d)}, nil
}

// Name implements Plugin.
func (*MutatingWebhook) Name() string { return MutatingAdmissionWebhookName }

// Name implements Plugin.
func (*ValidatingWebhook) Name() string { return ValidatingAdmissionWebhookName }

// hook is what dispatching needs of a mutating or validating webhook.
type hook struct {
	name, config      string
	clientConfig      *ar.WebhookClientConfig
	rules             []ar.RuleWithOperations
	failOpen          bool
	namespaceSelector *meta.LabelSelector
	objectSelector    *meta.LabelSelector
	sideEffects       *ar.SideEffectClass
	timeout           time.Duration
	versions          []string
}

func newHook(config, name string, cc *ar.WebhookClientConfig, rules []ar.RuleWithOperations, fp *ar.FailurePolicyType,
	ns, obj *meta.LabelSelector, se *ar.SideEffectClass, timeout *int32, versions []string) hook {
	h := hook{name: name, config: config, clientConfig: cc, rules: rules, namespaceSelector: ns, objectSelector: obj,
		sideEffects: se, timeout: ar.DefaultTimeoutSeconds * time.Second, versions: versions}
	h.failOpen = fp != nil && *fp == ar.Ignore
	if timeout != nil {
		h.timeout = time.Duration(*timeout) * time.Second
	}
	return h
}

// Admit implements Mutator.
func (w *MutatingWebhook) Admit(ctx context.Context, a *Attributes) error {
	if exemptFromWebhooks(a) {
		return nil
	}
	configs, err := w.configs.List(ctx, "")
	if err != nil {
		return internalError(err)
	}
	sort.Slice(configs, func(i, j int) bool { return configs[i].Name < configs[j].Name })
	for _, c := range configs {
		for i := range c.Webhooks {
			wh := &c.Webhooks[i]
			h := newHook(c.Name, wh.Name, &wh.ClientConfig, wh.Rules, wh.FailurePolicy, wh.NamespaceSelector,
				wh.ObjectSelector, wh.SideEffects, wh.TimeoutSeconds, wh.AdmissionReviewVersions)
			call, err := w.d.shouldCall(ctx, &h, a)
			if err != nil {
				return err
			}
			if !call {
				continue
			}
			if err := w.d.handle(ctx, &h, a, i, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// Validate implements Validator.
func (w *ValidatingWebhook) Validate(ctx context.Context, a *Attributes) error {
	if exemptFromWebhooks(a) {
		return nil
	}
	configs, err := w.configs.List(ctx, "")
	if err != nil {
		return internalError(err)
	}
	sort.Slice(configs, func(i, j int) bool { return configs[i].Name < configs[j].Name })
	var hooks []hook
	for _, c := range configs {
		for i := range c.Webhooks {
			wh := &c.Webhooks[i]
			h := newHook(c.Name, wh.Name, &wh.ClientConfig, wh.Rules, wh.FailurePolicy, wh.NamespaceSelector,
				wh.ObjectSelector, wh.SideEffects, wh.TimeoutSeconds, wh.AdmissionReviewVersions)
			call, err := w.d.shouldCall(ctx, &h, a)
			if err != nil {
				return err
			}
			if call {
				hooks = append(hooks, h)
			}
		}
	}
	if len(hooks) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return meta.NewStatus(http.StatusGatewayTimeout, meta.StatusReasonTimeout, "request did not complete within requested timeout")
	}
	errs := make([]error, len(hooks))
	var wg sync.WaitGroup
	for i := range hooks {
		wg.Go(func() { errs[i] = w.d.handle(ctx, &hooks[i], a, i, false) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// exemptFromWebhooks: webhook configurations are never sent to webhooks,
// so a broken webhook cannot keep itself from being fixed or removed.
func exemptFromWebhooks(a *Attributes) bool {
	return a.Group == ar.GroupName && (a.Resource == "mutatingwebhookconfigurations" || a.Resource == "validatingwebhookconfigurations")
}

// dispatcher matches and calls webhooks.
type dispatcher struct {
	namespaces Lister[core.Namespace]
	resolver   ServiceResolver
	baseTLS    *tls.Config
	log        logr.Logger

	mu      sync.Mutex
	clients map[string]*http.Client // by CA bundle and server name
}

func newDispatcher(d Deps) *dispatcher {
	return &dispatcher{namespaces: d.Namespaces, resolver: d.ServiceResolver, baseTLS: d.WebhookTLS,
		log: d.Logger.WithName("webhook"), clients: map[string]*http.Client{}}
}

// shouldCall reports whether h wants the write: a rule matches, and the
// namespace and object selectors do.
func (d *dispatcher) shouldCall(ctx context.Context, h *hook, a *Attributes) (bool, error) {
	if !slices.ContainsFunc(h.rules, func(r ar.RuleWithOperations) bool { return ruleMatches(&r, a) }) {
		return false, nil
	}
	ok, err := d.matchNamespace(ctx, h, a)
	if err != nil || !ok {
		return false, err
	}
	return matchObject(h, a), nil
}

// ruleMatches applies one rule: scope, operation, group, version and
// resource with subresource.
func ruleMatches(r *ar.RuleWithOperations, a *Attributes) bool {
	if r.Scope != nil {
		switch *r.Scope {
		case ar.NamespacedScope:
			if isNamespace(a) || a.Namespace == "" {
				return false
			}
		case ar.ClusterScope:
			if !isNamespace(a) && a.Namespace != "" {
				return false
			}
		case ar.AllScopes:
		default:
			return false
		}
	}
	if !slices.ContainsFunc(r.Operations, func(op ar.OperationType) bool {
		return op == ar.OperationAll || string(op) == string(a.Operation)
	}) {
		return false
	}
	wild := func(items []string, v string) bool { return slices.Contains(items, "*") || slices.Contains(items, v) }
	if !wild(r.APIGroups, a.Group) || !wild(r.APIVersions, a.Version) {
		return false
	}
	for _, rs := range r.Resources {
		res, sub, _ := strings.Cut(rs, "/")
		if (res == "*" || res == a.Resource) && (sub == "*" || sub == a.Subresource) {
			return true
		}
	}
	return false
}

// matchNamespace applies the namespace selector. Cluster-scoped objects
// other than namespaces always match; a namespace is matched by its own
// (new) labels.
func (d *dispatcher) matchNamespace(ctx context.Context, h *hook, a *Attributes) (bool, error) {
	name := a.Namespace
	if isNamespace(a) {
		name = a.Name
	} else if name == "" {
		return true, nil
	}
	sel, err := labels.FromLabelSelector(h.namespaceSelector)
	if h.namespaceSelector == nil {
		sel, err = labels.Everything(), nil
	}
	if err != nil {
		return false, meta.NewInternalError(fmt.Errorf("webhook %q has an invalid namespace selector: %w", h.name, err))
	}
	if sel.Empty() {
		return true, nil
	}
	var nsLabels map[string]string
	if isNamespace(a) && a.Subresource == "" && (a.Operation == Create || a.Operation == Update) && a.Object != nil {
		nsLabels = a.Object.GetObjectMeta().Labels
	} else {
		ns, err := d.namespaces.Get(ctx, "", name)
		if err != nil {
			if errors.Is(err, meta.ErrNotFound) {
				return false, meta.NewNotFound(meta.GroupResource{Resource: "namespaces"}, name)
			}
			return false, internalError(err)
		}
		nsLabels = ns.Labels
	}
	return sel.Matches(labels.Set(nsLabels)), nil
}

// matchObject applies the object selector to the new or the old object.
func matchObject(h *hook, a *Attributes) bool {
	if h.objectSelector == nil {
		return true
	}
	sel, err := labels.FromLabelSelector(h.objectSelector)
	if err != nil {
		return false
	}
	if sel.Empty() {
		return true
	}
	for _, o := range []meta.Object{a.Object, a.OldObject} {
		if o != nil && !reflect.ValueOf(o).IsNil() && sel.Matches(labels.Set(o.GetObjectMeta().Labels)) {
			return true
		}
	}
	return false
}

// callError is a failure to get a usable answer from a webhook: subject to
// its failure policy.
type callError struct {
	webhook string
	reason  error
}

func (e *callError) Error() string {
	return fmt.Sprintf("failed calling webhook %q: %v", e.webhook, e.reason)
}

func (e *callError) Unwrap() error { return e.reason }

// handle calls h and applies its failure policy: a call that fails is
// ignored (and logged) under Ignore and rejects the write (500) under
// Fail. index is h's position, for the failed-open audit annotation.
func (d *dispatcher) handle(ctx context.Context, h *hook, a *Attributes, index int, mutating bool) error {
	err := d.call(ctx, h, a, mutating)
	var ce *callError
	if !errors.As(err, &ce) {
		return err
	}
	if !h.failOpen {
		return meta.NewInternalError(ce)
	}
	d.log.Info("failed calling webhook, failing open", "webhook", h.name, "err", ce.reason.Error())
	prefix := "failed-open.validating.webhook.admission.k8s.io/"
	if mutating {
		prefix = "failed-open.mutation.webhook.admission.k8s.io/"
	}
	AuditAnnotate(ctx, prefix+"round_0_index_"+strconv.Itoa(index), h.name)
	if ctx.Err() != nil {
		return meta.NewStatus(http.StatusGatewayTimeout, meta.StatusReasonTimeout, "request did not complete within requested timeout")
	}
	return nil
}

// call sends one AdmissionReview and acts on the answer: warnings and
// audit annotations are recorded, a denial is returned, a patch applied.
func (d *dispatcher) call(ctx context.Context, h *hook, a *Attributes, mutating bool) error {
	if a.DryRun {
		if h.sideEffects == nil {
			return &callError{h.name, errors.New("Webhook SideEffects is nil")}
		}
		if se := *h.sideEffects; se != ar.SideEffectClassNone && se != ar.SideEffectClassNoneOnDryRun {
			return meta.NewBadRequest(fmt.Sprintf("admission webhook %q does not support dry run", h.name))
		}
	}
	version := ""
	for _, v := range h.versions {
		if slices.Contains(ar.ReviewVersions, v) {
			version = v
			break
		}
	}
	if version == "" {
		return &callError{h.name, errors.New("webhook does not accept known AdmissionReview versions")}
	}
	review, err := newReview(a, version)
	if err != nil {
		return &callError{h.name, fmt.Errorf("could not create admission objects: %w", err)}
	}
	body, err := json.Marshal(review)
	if err != nil {
		return &callError{h.name, fmt.Errorf("could not create admission objects: %w", err)}
	}

	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	target, client, err := d.endpoint(ctx, h)
	if err != nil {
		return &callError{h.name, fmt.Errorf("could not get REST client: %w", err)}
	}
	// Tell the webhook its deadline, rounded up to seconds, as Kubernetes'
	// client does.
	if deadline, ok := ctx.Deadline(); ok {
		if t := time.Until(deadline); t > 0 {
			if tr := t.Truncate(time.Second); tr != t {
				t = tr + time.Second
			}
			q := target.Query()
			q.Set("timeout", t.String())
			target.RawQuery = q.Encode()
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), bytes.NewReader(body))
	if err != nil {
		return &callError{h.name, fmt.Errorf("failed to call webhook: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return &callError{h.name, fmt.Errorf("failed to call webhook: %w", err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 3<<20))
	if err != nil {
		return &callError{h.name, fmt.Errorf("failed to call webhook: %w", err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &callError{h.name, fmt.Errorf("failed to call webhook: %w", responseError(resp.StatusCode, data))}
	}
	var answer Review
	if err := json.Unmarshal(data, &answer); err != nil {
		return &callError{h.name, fmt.Errorf("failed to call webhook: %w", err)}
	}
	res, err := verifyResponse(review, &answer, version, mutating)
	if err != nil {
		return &callError{h.name, fmt.Errorf("received invalid webhook response: %w", err)}
	}
	for k, v := range res.AuditAnnotations {
		AuditAnnotate(ctx, h.name+"/"+k, v)
	}
	for _, w := range res.Warnings {
		Warn(ctx, w)
	}
	if !res.Allowed {
		return deniedBy(h.name, res.Result)
	}
	if len(res.Patch) == 0 {
		return nil
	}
	return applyPatch(h.name, a, res.Patch)
}

// responseError describes a non-2xx answer: the Status the webhook sent,
// or the status code (and body of a server error).
func responseError(code int, body []byte) error {
	var st meta.Status
	if json.Unmarshal(body, &st) == nil && st.Status == meta.StatusFailure && st.Message != "" {
		return &st
	}
	if code >= 500 {
		return fmt.Errorf("an error on the server (%q) has prevented the request from succeeding", strings.TrimSpace(string(body)))
	}
	return fmt.Errorf("the server responded with the status code %d but did not return more information", code)
}

// deniedBy builds the error of a denial, as Kubernetes' webhook errors:
// `admission webhook "x" denied the request: <message>`, code at least 400.
func deniedBy(webhook string, result *meta.Status) *meta.Status {
	st := &meta.Status{}
	if result != nil {
		st = meta.DeepCopy(result)
	}
	st.TypeMeta = meta.TypeMeta{Kind: "Status", APIVersion: "v1"}
	if st.Code < http.StatusBadRequest {
		st.Code = http.StatusBadRequest
	}
	st.Status = meta.StatusFailure
	prefix := fmt.Sprintf("admission webhook %q denied the request", webhook)
	switch {
	case st.Message != "":
		st.Message = prefix + ": " + st.Message
	case st.Reason != "":
		st.Message = prefix + ": " + string(st.Reason)
	default:
		st.Message = prefix + " without explanation"
	}
	return st
}

// newReview builds the AdmissionReview of a write.
func newReview(a *Attributes, version string) (*Review, error) {
	obj, err := encodeObject(a, a.Object)
	if err != nil {
		return nil, err
	}
	old, err := encodeObject(a, a.OldObject)
	if err != nil {
		return nil, err
	}
	kind := GroupVersionKind{Group: a.Group, Version: a.Version, Kind: a.Kind}
	res := GroupVersionResource{Group: a.Group, Version: a.Version, Resource: a.Resource}
	r := &ReviewRequest{
		UID: meta.UID(uuid.NewString()), Kind: kind, Resource: res, SubResource: a.Subresource,
		RequestKind: &kind, RequestResource: &res, RequestSubResource: a.Subresource,
		Name: a.Name, Namespace: a.Namespace, Operation: a.Operation,
		Object: obj, OldObject: old, DryRun: new(a.DryRun), Options: writeOptions(a),
	}
	if isNamespace(a) && r.Namespace == "" && a.Operation != Create {
		// Kubernetes names a namespace's own requests by their namespace.
		r.Namespace = a.Name
	}
	if u := a.User; u != nil {
		r.UserInfo = UserInfo{Username: u.Name, UID: u.UID, Groups: u.Groups, Extra: u.Extra}
	}
	return &Review{TypeMeta: meta.TypeMeta{Kind: "AdmissionReview", APIVersion: ReviewGroup + "/" + version}, Request: r}, nil
}

// writeOptions is the options object of a write, as Kubernetes sends it.
func writeOptions(a *Attributes) meta.RawJSON {
	kind := map[Operation]string{Create: "CreateOptions", Update: "UpdateOptions", Delete: "DeleteOptions"}[a.Operation]
	if kind == "" {
		return nil
	}
	o := map[string]any{"kind": kind, "apiVersion": "meta.k8s.io/v1"}
	if a.DryRun {
		o["dryRun"] = []string{"All"}
	}
	b, _ := json.Marshal(o)
	return b
}

// encodeObject encodes obj with apiVersion and kind, which objects inside
// the API server may lack; obj itself (possibly a shared, cached one) is
// not changed.
func encodeObject(a *Attributes, obj meta.Object) (meta.RawJSON, error) {
	if obj == nil || reflect.ValueOf(obj).IsNil() {
		return nil, nil
	}
	b, err := api.Encode(obj)
	if err != nil {
		return nil, err
	}
	if tm := obj.GetTypeMeta(); tm.Kind != "" && tm.APIVersion != "" {
		return b, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	head, _ := json.Marshal(meta.TypeMeta{Kind: a.Kind, APIVersion: meta.JoinAPIVersion(a.Group, a.Version)})
	delete(m, "kind")
	delete(m, "apiVersion")
	if len(m) == 0 {
		return head, nil
	}
	rest, _ := json.Marshal(m)
	// head is {"kind":..,"apiVersion":..}; splice the other fields in.
	return append(append(head[:len(head)-1], ','), rest[1:]...), nil
}

// verifyResponse checks an answer as Kubernetes does and returns its
// response.
func verifyResponse(req, answer *Review, version string, mutating bool) (*ReviewResponse, error) {
	r := answer.Response
	if r == nil {
		return nil, errors.New("webhook response was absent")
	}
	if version == "v1" {
		if r.UID != req.Request.UID {
			return nil, fmt.Errorf("expected response.uid=%q, got %q", req.Request.UID, r.UID)
		}
		if answer.APIVersion != ReviewAPIVersion || answer.Kind != "AdmissionReview" {
			return nil, fmt.Errorf("expected webhook response of %s, Kind=AdmissionReview, got %s, Kind=%s", ReviewAPIVersion, answer.APIVersion, answer.Kind)
		}
	}
	if !mutating {
		if len(r.Patch) > 0 {
			return nil, errors.New("validating webhook may not return response.patch")
		}
		if r.PatchType != nil {
			return nil, errors.New("validating webhook may not return response.patchType")
		}
		return r, nil
	}
	if version == "v1" {
		if len(r.Patch) > 0 && r.PatchType == nil {
			return nil, errors.New("webhook returned response.patch but not response.patchType")
		}
		if len(r.Patch) == 0 && r.PatchType != nil {
			return nil, errors.New("webhook returned response.patchType but not response.patch")
		}
	}
	if r.PatchType != nil && *r.PatchType != PatchTypeJSONPatch {
		if *r.PatchType == "" {
			return nil, fmt.Errorf("webhook returned invalid response.patchType of %q", *r.PatchType)
		}
		return nil, fmt.Errorf("unsupported patch type %q", *r.PatchType)
	}
	return r, nil
}

// applyPatch applies a JSON patch to the object being admitted, in place.
func applyPatch(webhook string, a *Attributes, patch []byte) error {
	p, err := jsonpatch.DecodePatch(patch)
	if err != nil {
		return &callError{webhook, fmt.Errorf("received undecodable patch in webhook response: %w", err)}
	}
	if len(p) == 0 {
		return nil
	}
	if a.Object == nil || reflect.ValueOf(a.Object).IsNil() {
		return meta.NewInternalError(fmt.Errorf("admission webhook %q attempted to modify the object, which is not supported for this operation", webhook))
	}
	doc, err := encodeObject(a, a.Object)
	if err != nil {
		return meta.NewInternalError(err)
	}
	patched, err := p.Apply(doc)
	if err != nil {
		return meta.NewInternalError(err)
	}
	// Decode into a new object of the same type, strictly: a field spar
	// does not model is an error, not silently dropped.
	t := reflect.TypeOf(a.Object).Elem()
	fresh := reflect.New(t).Interface().(meta.Object)
	if err := api.DecodeStrict(patched, fresh); err != nil {
		return meta.NewInternalError(fmt.Errorf("admission webhook %q returned a patch that does not decode: %w", webhook, err))
	}
	tm := *a.Object.GetTypeMeta()
	reflect.ValueOf(a.Object).Elem().Set(reflect.ValueOf(fresh).Elem())
	*a.Object.GetTypeMeta() = tm
	return nil
}

// endpoint returns the URL to call and an HTTP client trusting the
// webhook's CA bundle (or the system roots) and checking the right name.
func (d *dispatcher) endpoint(ctx context.Context, h *hook) (*url.URL, *http.Client, error) {
	cc := h.clientConfig
	var u *url.URL
	serverName := ""
	switch {
	case cc.URL != nil:
		var err error
		if u, err = url.Parse(*cc.URL); err != nil {
			return nil, nil, err
		}
	case cc.Service != nil:
		s := cc.Service
		port := int32(443)
		if s.Port != nil {
			port = *s.Port
		}
		base, err := d.resolver.ResolveEndpoint(ctx, s.Namespace, s.Name, port)
		if err != nil {
			return nil, nil, err
		}
		u = &url.URL{Scheme: base.Scheme, Host: base.Host, Path: base.Path}
		if s.Path != nil {
			u.Path = strings.TrimSuffix(u.Path, "/") + *s.Path
		}
		serverName = s.Name + "." + s.Namespace + ".svc"
	default:
		return nil, nil, errors.New("webhook has neither url nor service")
	}
	c, err := d.client(cc.CABundle, serverName)
	return u, c, err
}

func (d *dispatcher) client(caBundle []byte, serverName string) (*http.Client, error) {
	sum := sha256.Sum256(caBundle)
	key := string(sum[:]) + "|" + serverName
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.clients[key]; ok {
		return c, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if d.baseTLS != nil {
		cfg = d.baseTLS.Clone()
	}
	cfg.ServerName = serverName
	if len(caBundle) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caBundle) {
			return nil, errors.New("unable to load root certificates: no certificates in caBundle")
		}
		cfg.RootCAs = pool
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     cfg,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	c := &http.Client{Transport: tr}
	d.clients[key] = c
	return c, nil
}
