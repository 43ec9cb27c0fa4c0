package admission

import (
	"fmt"
	"slices"
)

// Names of the plugins, as kube-apiserver's --enable-admission-plugins
// spells them.
const (
	NamespaceLifecycleName         = "NamespaceLifecycle"
	LimitRangerName                = "LimitRanger"
	ServiceAccountName             = "ServiceAccount"
	NodeRestrictionName            = "NodeRestriction"
	PodSecurityName                = "PodSecurity"
	PriorityName                   = "Priority"
	DefaultTolerationSecondsName   = "DefaultTolerationSeconds"
	MutatingAdmissionWebhookName   = "MutatingAdmissionWebhook"
	ValidatingAdmissionWebhookName = "ValidatingAdmissionWebhook"
	ResourceQuotaName              = "ResourceQuota"

	CertificateApprovalName           = "CertificateApproval"
	CertificateSigningName            = "CertificateSigning"
	CertificateSubjectRestrictionName = "CertificateSubjectRestriction"
)

// Order is the order plugins run in, whatever order they are named in:
// kube-apiserver's, for the plugins spar has. Webhooks and ResourceQuota
// come last, so webhooks see the object the built-ins made and quota is
// charged only for writes everything else admitted. NodeRestriction and
// the certificate plugins have no built-in factory: they need the
// authorization stage, which registers them.
var Order = []string{
	NamespaceLifecycleName,
	LimitRangerName,
	ServiceAccountName,
	NodeRestrictionName,
	PodSecurityName,
	PriorityName,
	DefaultTolerationSecondsName,
	CertificateApprovalName,
	CertificateSigningName,
	CertificateSubjectRestrictionName,
	MutatingAdmissionWebhookName,
	ValidatingAdmissionWebhookName,
	ResourceQuotaName,
}

// DefaultPlugins are the plugins kube-apiserver enables by default (of
// those spar has), in Order. NodeRestriction and the certificate plugins
// are not among them: they need an authorizer; clusters with one add them
// (package apiserver/secure does).
var DefaultPlugins = []string{
	NamespaceLifecycleName,
	LimitRangerName,
	ServiceAccountName,
	PodSecurityName,
	PriorityName,
	DefaultTolerationSecondsName,
	MutatingAdmissionWebhookName,
	ValidatingAdmissionWebhookName,
	ResourceQuotaName,
}

// Factory builds a plugin from its dependencies. It should fail, naming
// the field, when one it needs is missing.
type Factory func(deps Deps) (Plugin, error)

// Registry maps plugin names to factories and keeps their order. The
// zero value is not usable; NewRegistry returns one with the built-ins.
type Registry struct {
	factories map[string]Factory
	order     []string
}

// NewRegistry returns a registry of the built-in plugins, in Order.
func NewRegistry() *Registry {
	return &Registry{
		order: slices.Clone(Order),
		factories: map[string]Factory{
			NamespaceLifecycleName:         newNamespaceLifecycle,
			LimitRangerName:                newLimitRanger,
			ServiceAccountName:             newServiceAccount,
			PodSecurityName:                newPodSecurity,
			PriorityName:                   newPriority,
			DefaultTolerationSecondsName:   newDefaultTolerationSeconds,
			MutatingAdmissionWebhookName:   newMutatingWebhook,
			ValidatingAdmissionWebhookName: newValidatingWebhook,
			ResourceQuotaName:              newResourceQuota,
		},
	}
}

// Register adds or replaces the factory of a plugin. A name already in the
// order (NodeRestriction) keeps its place; a new one runs after the
// built-ins other than the webhooks and ResourceQuota, in registration
// order, as kube-apiserver places its own additions.
func (r *Registry) Register(name string, f Factory) {
	r.factories[name] = f
	if !slices.Contains(r.order, name) {
		i := slices.Index(r.order, MutatingAdmissionWebhookName)
		r.order = slices.Insert(r.order, i, name)
	}
}

// Names returns the names plugins can be selected by, in the order they
// run.
func (r *Registry) Names() []string {
	var out []string
	for _, n := range r.order {
		if r.factories[n] != nil {
			out = append(out, n)
		}
	}
	return out
}

// New builds the chain of the named plugins, in the registry's order.
// Unknown names, and names whose dependencies are missing, are errors.
func (r *Registry) New(names []string, deps Deps) (*Chain, error) {
	deps = deps.withDefaults()
	want := map[string]bool{}
	for _, n := range names {
		if !slices.Contains(r.order, n) {
			return nil, fmt.Errorf("admission: unknown plugin %q (known: %v)", n, r.Names())
		}
		if r.factories[n] == nil {
			return nil, fmt.Errorf("admission: plugin %q has no implementation registered", n)
		}
		want[n] = true
	}
	c := &Chain{}
	for _, n := range r.order {
		if !want[n] {
			continue
		}
		p, err := r.factories[n](deps)
		if err != nil {
			return nil, err
		}
		c.Add(p)
	}
	return c, nil
}

// New builds the chain of the named built-in plugins, in Order:
// NewRegistry().New(names, deps).
func New(names []string, deps Deps) (*Chain, error) { return NewRegistry().New(names, deps) }
