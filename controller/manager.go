package controller

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"sync"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// Runnable is anything a Manager runs: controllers, informers, servers.
// Run blocks until ctx is done.
type Runnable interface {
	Run(ctx context.Context) error
}

// RunnableFunc adapts a function to Runnable.
type RunnableFunc func(ctx context.Context) error

// Run implements Runnable.
func (f RunnableFunc) Run(ctx context.Context) error { return f(ctx) }

// ManagerOptions configure a Manager. The zero value is the defaults.
type ManagerOptions struct {
	// LeaderElection, when set, runs the controllers only while this
	// manager holds the lease. Default nil: always run.
	LeaderElection *LeaderElection
	// Registry receives the controllers' metrics. Default: a new registry,
	// served by Handler at /metrics.
	Registry *prometheus.Registry
	// Logger is the parent of every controller's logger. Default: discard.
	Logger logr.Logger
}

// Manager runs many controllers in one process over shared informers: one
// informer per kind and scope however many controllers read it. With
// leader election, informers run (warm caches) on every instance but the
// controllers only on the leader, and stop when it loses the lease.
type Manager struct {
	client *client.Client
	opts   ManagerOptions
	log    logr.Logger
	reg    *prometheus.Registry
	m      *managerMetrics

	mu          sync.Mutex
	informers   map[informerKey]informer
	controllers []*Controller
	runnables   []Runnable
	started     context.Context // set once Run starts informers
	recorders   map[string]*Recorder
	leading     bool
}

// informer is the type-erased view of an Informer the manager runs.
type informer interface {
	Run(ctx context.Context) error
	HasSynced() bool
}

// informerKey is an informer's identity: its Go type, its resource for
// metadata informers (which all share one Go type), and its scope.
type informerKey struct {
	t    reflect.Type
	gvr  api.GVR
	opts InformerOptions
}

// NewManager returns a manager talking to the API through c.
func NewManager(c *client.Client, opts *ManagerOptions) *Manager {
	var o ManagerOptions
	if opts != nil {
		o = *opts
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if le := o.LeaderElection; le != nil {
		le.setDefaults()
		if le.Identity == "" {
			host, _ := os.Hostname()
			var b [4]byte
			rand.Read(b[:])
			le.Identity = host + "_" + hex.EncodeToString(b[:])
		}
	}
	m := &Manager{
		client: c, opts: o, log: o.Logger, reg: o.Registry,
		informers: map[informerKey]informer{},
		recorders: map[string]*Recorder{},
	}
	m.m = newManagerMetrics(o.Registry, m.queueDepths)
	return m
}

// queueDepths returns the length of each controller's queue by name
// (summed, should two controllers share a name).
func (m *Manager) queueDepths() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]int, len(m.controllers))
	for _, c := range m.controllers {
		out[c.name] += c.queue.Len()
	}
	return out
}

// Client returns the manager's API client.
func (m *Manager) Client() *client.Client { return m.client }

// Logger returns the manager's logger.
func (m *Manager) Logger() logr.Logger { return m.log }

// GetInformer returns the shared informer of kind T with opts (created on
// first use; started by Run, or at once if Run has started). ResyncPeriod
// and Logger are not part of the identity: the first caller's win.
func GetInformer[T any, PT Object[T]](m *Manager, opts *InformerOptions) *Informer[T, PT] {
	t := reflect.TypeFor[T]()
	return getInformer(m, informerKey{t: t}, opts, t.Name(), func(o *InformerOptions) *Informer[T, PT] {
		return NewInformer[T, PT](m.client, o)
	})
}

// GetMetadataInformer returns the shared metadata-only informer of
// resource gvr with opts, as GetInformer does for typed ones. It is not
// shared with a typed informer of the same resource: they hold different
// objects.
func GetMetadataInformer(m *Manager, gvr api.GVR, namespaced bool, opts *InformerOptions) *MetadataInformer {
	key := informerKey{t: reflect.TypeFor[meta.PartialObjectMetadata](), gvr: gvr}
	return getInformer(m, key, opts, "metadata "+gvr.String(), func(o *InformerOptions) *MetadataInformer {
		return NewMetadataInformer(m.client, gvr, namespaced, o)
	})
}

// getInformer returns the informer of key and opts' scope, made by
// newInf on first use.
func getInformer[I informer](m *Manager, key informerKey, opts *InformerOptions, name string, newInf func(*InformerOptions) I) I {
	var o InformerOptions
	if opts != nil {
		o = *opts
	}
	key.opts = InformerOptions{Namespace: o.Namespace, LabelSelector: o.LabelSelector, FieldSelector: o.FieldSelector}
	m.mu.Lock()
	defer m.mu.Unlock()
	if inf, ok := m.informers[key]; ok {
		return inf.(I)
	}
	if o.Logger.GetSink() == nil {
		o.Logger = m.log.WithName("informer").WithValues("type", name)
	}
	inf := newInf(&o)
	m.informers[key] = inf
	if m.started != nil {
		go inf.Run(m.started)
	}
	return inf
}

// Add adds a controller; it runs under leadership.
func (m *Manager) Add(c *Controller) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c.m = m.m.forController(c)
	if c.log.GetSink() == nil {
		c.log = m.log.WithName(c.name)
	}
	m.controllers = append(m.controllers, c)
}

// AddRunnable adds any other Runnable; it runs under leadership.
func (m *Manager) AddRunnable(r Runnable) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.runnables = append(m.runnables, r)
}

// Recorder returns an event recorder reporting as component.
func (m *Manager) Recorder(component string) *Recorder {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recorders[component]
	if !ok {
		r = NewRecorder(m.client, component, m.log.WithName("events"))
		m.recorders[component] = r
	}
	return r
}

// Run starts the informers and, once this manager leads (or at once
// without leader election), the controllers and runnables. It returns nil
// when ctx is done, ErrLeadershipLost when the lease is lost, or the first
// error of a runnable.
func (m *Manager) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var infWG sync.WaitGroup
	defer infWG.Wait()
	m.mu.Lock()
	m.started = ctx
	for _, inf := range m.informers {
		infWG.Go(func() { inf.Run(ctx) })
	}
	for _, r := range m.recorders {
		infWG.Go(func() { r.Run(ctx) })
	}
	m.mu.Unlock()

	var el *elector
	if le := m.opts.LeaderElection; le != nil {
		el = &elector{cfg: *le, log: m.log.WithName("leaderelection"),
			leases: client.Resource[coordination.Lease](m.client).Namespace(le.Namespace)}
		m.log.Info("waiting for the lease", "lease", le.Namespace+"/"+le.Name, "identity", le.Identity)
		if !el.acquire(ctx) {
			return nil
		}
		m.log.Info("became the leader", "identity", le.Identity)
	}
	m.setLeading(true)
	defer m.setLeading(false)

	g, gctx := errgroup.WithContext(ctx)
	// Run blocks until ctx is done even with nothing to run (the informers
	// still serve their users), or until a runnable fails.
	g.Go(func() error { <-gctx.Done(); return nil })
	m.mu.Lock()
	for _, c := range m.controllers {
		g.Go(func() error { return c.Run(gctx) })
	}
	for _, r := range m.runnables {
		g.Go(func() error { return r.Run(gctx) })
	}
	m.mu.Unlock()
	if el != nil {
		g.Go(func() error {
			if err := el.renew(gctx); err != nil {
				m.log.Info("lost the lease; stopping the controllers")
				return err
			}
			return nil
		})
	}
	err := g.Wait()
	if el != nil {
		// Give the lease up only now that every controller has returned:
		// a successor must not reconcile while ours still do.
		m.setLeading(false)
		el.release()
	}
	if ctx.Err() != nil && err == nil {
		return nil
	}
	return err
}

func (m *Manager) setLeading(v bool) {
	m.mu.Lock()
	m.leading = v
	m.mu.Unlock()
	if v {
		m.m.isLeader.Set(1)
	} else {
		m.m.isLeader.Set(0)
	}
}

// IsLeader reports whether the manager currently runs its controllers.
func (m *Manager) IsLeader() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.leading
}

// Handler serves /healthz (the process is up), /readyz (informers synced)
// and /metrics.
func (m *Manager) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, inf := range m.informers {
			if !inf.HasSynced() {
				http.Error(w, "informers not synced", http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprint(w, "ok")
	})
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return mux
}
