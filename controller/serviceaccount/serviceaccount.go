package serviceaccount

import (
	"context"
	"errors"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// ControllerName is the controller's name in events, logs and metrics, as
// Kubernetes names it.
const ControllerName = "service-account-controller"

// Options tune the controller. The zero value is the defaults.
type Options struct {
	// ServiceAccounts are the accounts every active namespace gets, as
	// templates: each is created as given, in the namespace. Default: one
	// named "default".
	ServiceAccounts []core.ServiceAccount
	// Workers is the number of namespaces reconciled at once. Default 1,
	// as kube-controller-manager runs this controller.
	Workers int
}

// Add adds the service account controller to m. It uses m's shared
// Namespace and ServiceAccount informers.
func Add(m *controller.Manager, opts *Options) error {
	_, c, err := newController(m, opts)
	if err != nil {
		return err
	}
	m.Add(c)
	return nil
}

type reconciler struct {
	client     *client.ResourceClient[core.ServiceAccount, *core.ServiceAccount]
	namespaces *controller.Informer[core.Namespace, *core.Namespace]
	accounts   *controller.Informer[core.ServiceAccount, *core.ServiceAccount]
	recorder   *controller.Recorder
	templates  []core.ServiceAccount
}

func newController(m *controller.Manager, opts *Options) (*reconciler, *controller.Controller, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Workers < 0 {
		return nil, nil, fmt.Errorf("serviceaccount: invalid options: Workers %d", o.Workers)
	}
	if o.Workers == 0 {
		o.Workers = 1
	}
	if len(o.ServiceAccounts) == 0 {
		o.ServiceAccounts = []core.ServiceAccount{{ObjectMeta: meta.ObjectMeta{Name: "default"}}}
	}
	managed := map[string]bool{}
	for _, sa := range o.ServiceAccounts {
		if sa.Name == "" {
			return nil, nil, errors.New("serviceaccount: invalid options: a service account without a name")
		}
		managed[sa.Name] = true
	}
	r := &reconciler{
		client:     client.Resource[core.ServiceAccount](m.Client()),
		namespaces: controller.GetInformer[core.Namespace](m, nil),
		accounts:   controller.GetInformer[core.ServiceAccount](m, nil),
		recorder:   m.Recorder(ControllerName),
		templates:  o.ServiceAccounts,
	}
	c := controller.New(ControllerName, r, &controller.Options{Workers: o.Workers})
	controller.Watch(c, r.namespaces, controller.Self[core.Namespace]())
	// Events of a managed account (its deletion is the one that matters)
	// reconcile its namespace.
	controller.Watch(c, r.accounts, func(sa *core.ServiceAccount) []controller.Request {
		if !managed[sa.Name] {
			return nil
		}
		return []controller.Request{{Name: sa.Namespace}}
	})
	return r, c, nil
}

// Reconcile implements controller.Reconciler for the namespace req names.
func (r *reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	ns, ok := r.namespaces.Get("", req.Name)
	if !ok || ns.Status.Phase != core.NamespaceActive || ns.DeletionTimestamp != nil {
		return controller.Result{}, nil
	}
	accounts := r.client.Namespace(ns.Name)
	var errs []error
	for i := range r.templates {
		if _, ok := r.accounts.Get(ns.Name, r.templates[i].Name); ok {
			continue
		}
		sa := r.templates[i]
		sa.Namespace, sa.ResourceVersion, sa.UID = ns.Name, "", ""
		_, err := accounts.Create(ctx, &sa, nil)
		switch {
		case err == nil, client.IsAlreadyExists(err):
			// Created, or the cache lags behind a create.
		case isNamespaceTerminating(err):
			return controller.Result{}, nil
		default:
			r.recorder.Eventf(ns, controller.EventWarning, "FailedCreate", "Error creating service account %s: %v", sa.Name, err)
			errs = append(errs, fmt.Errorf("creating service account %s/%s: %w", ns.Name, sa.Name, err))
		}
	}
	return controller.Result{}, errors.Join(errs...)
}

// isNamespaceTerminating reports whether err is the API server's refusal to
// create an object in a namespace being deleted.
func isNamespaceTerminating(err error) bool {
	var st *meta.Status
	if !client.IsForbidden(err) || !errors.As(err, &st) || st.Details == nil {
		return false
	}
	for _, c := range st.Details.Causes {
		if c.Type == "NamespaceTerminating" {
			return true
		}
	}
	return false
}
