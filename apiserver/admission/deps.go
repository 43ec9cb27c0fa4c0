package admission

import (
	"context"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strconv"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/admissionregistration"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/apiserver/admission/podsecurity"
	"github.com/spar-dev/spar/client"
)

// Lister reads objects of one kind, usually from a cache the API server
// or an informer keeps. Objects it returns are shared and read-only.
type Lister[T any] interface {
	// Get returns the object; one that does not exist is an error
	// satisfying errors.Is(err, meta.ErrNotFound). Namespace is "" for
	// cluster-scoped kinds.
	Get(ctx context.Context, namespace, name string) (*T, error)
	// List returns the objects of a namespace, or of all namespaces (and
	// cluster-scoped kinds) for "".
	List(ctx context.Context, namespace string) ([]*T, error)
}

// ListerFuncs adapts two functions to Lister.
type ListerFuncs[T any] struct {
	GetFunc  func(ctx context.Context, namespace, name string) (*T, error)
	ListFunc func(ctx context.Context, namespace string) ([]*T, error)
}

// Get implements Lister.
func (f ListerFuncs[T]) Get(ctx context.Context, namespace, name string) (*T, error) {
	return f.GetFunc(ctx, namespace, name)
}

// List implements Lister.
func (f ListerFuncs[T]) List(ctx context.Context, namespace string) ([]*T, error) {
	return f.ListFunc(ctx, namespace)
}

// ClientLister reads through c, live: every call is a request. It is the
// default of every Lister in Deps with a Client; an API server backs
// Deps with its caches instead, which answer in microseconds.
func ClientLister[T any, PT interface {
	*T
	meta.Object
}](c *client.Client) Lister[T] {
	rc := client.Resource[T, PT](c)
	return ListerFuncs[T]{
		GetFunc: func(ctx context.Context, ns, name string) (*T, error) {
			return rc.Namespace(ns).Get(ctx, name)
		},
		ListFunc: func(ctx context.Context, ns string) ([]*T, error) {
			l, err := rc.Namespace(ns).ListAll(ctx, nil)
			if err != nil {
				return nil, err
			}
			out := make([]*T, len(l.Items))
			for i := range l.Items {
				out[i] = &l.Items[i]
			}
			return out, nil
		},
	}
}

// QuotaWriter reads and writes ResourceQuotas directly (not from a
// cache): ResourceQuota admission reserves usage by updating status.used
// with a compare-and-swap on the quota's resourceVersion, and re-reads a
// quota live after losing a race.
type QuotaWriter interface {
	// GetQuota reads a quota live.
	GetQuota(ctx context.Context, namespace, name string) (*core.ResourceQuota, error)
	// UpdateQuotaStatus writes q's status if q.ResourceVersion is still
	// the stored one, and otherwise fails with an error satisfying
	// errors.Is(err, meta.ErrConflict).
	UpdateQuotaStatus(ctx context.Context, q *core.ResourceQuota) (*core.ResourceQuota, error)
}

// ClientQuotaWriter is a QuotaWriter through c (the status subresource).
func ClientQuotaWriter(c *client.Client) QuotaWriter {
	return clientQuotas{client.Resource[core.ResourceQuota](c)}
}

type clientQuotas struct {
	rc *client.ResourceClient[core.ResourceQuota, *core.ResourceQuota]
}

func (q clientQuotas) GetQuota(ctx context.Context, ns, name string) (*core.ResourceQuota, error) {
	return q.rc.Namespace(ns).Get(ctx, name)
}

func (q clientQuotas) UpdateQuotaStatus(ctx context.Context, rq *core.ResourceQuota) (*core.ResourceQuota, error) {
	return q.rc.Namespace(rq.Namespace).UpdateStatus(ctx, rq, nil)
}

// ServiceResolver turns a webhook's Service reference into the base URL
// to call. TLS always checks the certificate for
// "<name>.<namespace>.svc", whatever host the URL has.
type ServiceResolver interface {
	ResolveEndpoint(ctx context.Context, namespace, name string, port int32) (*url.URL, error)
}

// ServiceResolverFunc adapts a function to ServiceResolver.
type ServiceResolverFunc func(ctx context.Context, namespace, name string, port int32) (*url.URL, error)

// ResolveEndpoint implements ServiceResolver.
func (f ServiceResolverFunc) ResolveEndpoint(ctx context.Context, namespace, name string, port int32) (*url.URL, error) {
	return f(ctx, namespace, name, port)
}

// DNSResolver resolves to https://<name>.<namespace>.svc:<port>, for API
// servers that use the cluster's DNS. It is the default.
var DNSResolver ServiceResolver = ServiceResolverFunc(func(_ context.Context, ns, name string, port int32) (*url.URL, error) {
	return &url.URL{Scheme: "https", Host: net.JoinHostPort(name+"."+ns+".svc", strconv.Itoa(int(port)))}, nil
})

// ClusterIPResolver resolves through the Service object: its cluster IP
// and the service port numbered port, or an ExternalName's host, as
// kube-apiserver's default resolver does. The API server's host must
// route cluster IPs (a node proxy on it).
func ClusterIPResolver(services Lister[core.Service]) ServiceResolver {
	return ServiceResolverFunc(func(ctx context.Context, ns, name string, port int32) (*url.URL, error) {
		svc, err := services.Get(ctx, ns, name)
		if err != nil {
			return nil, err
		}
		switch svc.Spec.Type {
		case core.ServiceTypeExternalName:
			return &url.URL{Scheme: "https", Host: net.JoinHostPort(svc.Spec.ExternalName, strconv.Itoa(int(port)))}, nil
		case "", core.ServiceTypeClusterIP, core.ServiceTypeNodePort, core.ServiceTypeLoadBalancer:
		default:
			return nil, fmt.Errorf("unsupported service type %q", svc.Spec.Type)
		}
		if svc.Spec.ClusterIP == "None" {
			return nil, fmt.Errorf(`cannot route to service with ClusterIP "None"`)
		}
		for _, p := range svc.Spec.Ports {
			if p.Port == port {
				return &url.URL{Scheme: "https", Host: net.JoinHostPort(svc.Spec.ClusterIP, strconv.Itoa(int(port)))}, nil
			}
		}
		return nil, fmt.Errorf("no service port %d found for service %q", port, svc.Name)
	})
}

// EndpointsResolver resolves to a ready endpoint of the Service (a random
// one, spreading calls), from its EndpointSlices: for API servers whose
// host does not route cluster IPs.
func EndpointsResolver(services Lister[core.Service], slices Lister[discovery.EndpointSlice]) ServiceResolver {
	return ServiceResolverFunc(func(ctx context.Context, ns, name string, port int32) (*url.URL, error) {
		svc, err := services.Get(ctx, ns, name)
		if err != nil {
			return nil, err
		}
		portName, found := "", false
		for _, p := range svc.Spec.Ports {
			if p.Port == port {
				portName, found = p.Name, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("no service port %d found for service %q", port, svc.Name)
		}
		all, err := slices.List(ctx, ns)
		if err != nil {
			return nil, err
		}
		var hosts []string
		for _, sl := range all {
			if sl.Labels[discovery.LabelServiceName] != name {
				continue
			}
			for _, p := range sl.Ports {
				if p.Port == nil || (p.Name == nil && portName != "") || (p.Name != nil && *p.Name != portName) {
					continue
				}
				for _, e := range sl.Endpoints {
					if (e.Conditions.Ready == nil || *e.Conditions.Ready) && len(e.Addresses) > 0 {
						hosts = append(hosts, net.JoinHostPort(e.Addresses[0], strconv.Itoa(int(*p.Port))))
					}
				}
			}
		}
		if len(hosts) == 0 {
			return nil, fmt.Errorf("no endpoints available for service %q", name)
		}
		return &url.URL{Scheme: "https", Host: hosts[rand.IntN(len(hosts))]}, nil
	})
}

// PodSecurityConfig configures the PodSecurity plugin, as kube-apiserver's
// PodSecurityConfiguration. The zero value enforces nothing unless
// namespaces are labelled.
type PodSecurityConfig struct {
	// Defaults is the policy of namespaces without labels. Default:
	// privileged in every mode. An empty Level is privileged.
	Defaults podsecurity.Policy
	// ExemptUsernames, ExemptNamespaces and ExemptRuntimeClasses are never
	// checked. Default: none.
	ExemptUsernames      []string
	ExemptNamespaces     []string
	ExemptRuntimeClasses []string
}

// Deps is what the built-in plugins read and write, and their settings.
// A Lister left nil defaults to a ClientLister on Client; a plugin whose
// dependency is still missing makes New fail, naming it.
type Deps struct {
	// Client makes live reads (the default Listers) and, through the
	// default QuotaWriter, ResourceQuota's status writes. It needs rights
	// to read every kind below and to update resourcequotas/status: an API
	// server gives its plugins a privileged loopback client.
	Client *client.Client

	Namespaces         Lister[core.Namespace]
	ServiceAccounts    Lister[core.ServiceAccount]
	LimitRanges        Lister[core.LimitRange]
	ResourceQuotas     Lister[core.ResourceQuota]
	Pods               Lister[core.Pod]
	PriorityClasses    Lister[scheduling.PriorityClass]
	MutatingWebhooks   Lister[admissionregistration.MutatingWebhookConfiguration]
	ValidatingWebhooks Lister[admissionregistration.ValidatingWebhookConfiguration]

	// Quotas writes quota usage. Default: ClientQuotaWriter(Client).
	Quotas QuotaWriter
	// ServiceResolver locates webhooks given as Services. Default:
	// DNSResolver.
	ServiceResolver ServiceResolver
	// WebhookTLS is the base TLS configuration of calls to webhooks (a
	// client certificate, say); each call adds its own roots (the
	// webhook's caBundle, else the system's) and server name. Default:
	// none.
	WebhookTLS *tls.Config

	// PodSecurity configures the PodSecurity plugin.
	PodSecurity PodSecurityConfig
	// ImmortalNamespaces may not be deleted. Default: default,
	// kube-system and kube-public.
	ImmortalNamespaces []string
	// Logger receives webhook failures that fail open and other events
	// worth an operator's attention. Default: discard.
	Logger logr.Logger
}

// withDefaults fills in the defaults that need no checking.
func (d Deps) withDefaults() Deps {
	if c := d.Client; c != nil {
		d.Namespaces = orLister(d.Namespaces, ClientLister[core.Namespace](c))
		d.ServiceAccounts = orLister(d.ServiceAccounts, ClientLister[core.ServiceAccount](c))
		d.LimitRanges = orLister(d.LimitRanges, ClientLister[core.LimitRange](c))
		d.ResourceQuotas = orLister(d.ResourceQuotas, ClientLister[core.ResourceQuota](c))
		d.Pods = orLister(d.Pods, ClientLister[core.Pod](c))
		d.PriorityClasses = orLister(d.PriorityClasses, ClientLister[scheduling.PriorityClass](c))
		d.MutatingWebhooks = orLister(d.MutatingWebhooks, ClientLister[admissionregistration.MutatingWebhookConfiguration](c))
		d.ValidatingWebhooks = orLister(d.ValidatingWebhooks, ClientLister[admissionregistration.ValidatingWebhookConfiguration](c))
		if d.Quotas == nil {
			d.Quotas = ClientQuotaWriter(c)
		}
	}
	if d.ServiceResolver == nil {
		d.ServiceResolver = DNSResolver
	}
	if d.ImmortalNamespaces == nil {
		d.ImmortalNamespaces = []string{"default", "kube-system", "kube-public"}
	}
	return d
}

func orLister[T any](l, def Lister[T]) Lister[T] {
	if l != nil {
		return l
	}
	return def
}

// missing returns an error naming a dependency plugin lacks.
func missing(plugin, field string) error {
	return fmt.Errorf("admission: plugin %s needs Deps.%s (or Deps.Client)", plugin, field)
}
