package controller

import (
	"maps"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// managerMetrics are the metrics of all controllers in a Manager, labelled
// by controller name, named as controller-runtime names them.
type managerMetrics struct {
	adds     *prometheus.CounterVec
	retries  *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	errors   *prometheus.CounterVec
	total    *prometheus.CounterVec
	isLeader prometheus.Gauge
}

// newManagerMetrics registers the metrics in reg; depths returns the queue
// lengths by controller name when /metrics is scraped.
func newManagerMetrics(reg *prometheus.Registry, depths func() map[string]int) *managerMetrics {
	m := &managerMetrics{
		adds: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "workqueue_adds_total", Help: "Requests added to the work queue."}, []string{"name"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "workqueue_retries_total", Help: "Requests re-added with backoff."},
			[]string{"name"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "controller_runtime_reconcile_time_seconds", Help: "Reconcile latency.",
			Buckets: []float64{0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60}}, []string{"controller"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "controller_runtime_reconcile_errors_total", Help: "Reconciles that failed."},
			[]string{"controller"}),
		total: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "controller_runtime_reconcile_total", Help: "Reconciles by result."},
			[]string{"controller", "result"}),
		isLeader: prometheus.NewGauge(prometheus.GaugeOpts{Name: "leader_election_master_status", Help: "1 while this manager holds the lease."}),
	}
	depth := depthCollector{
		desc:   prometheus.NewDesc("workqueue_depth", "Requests waiting in the work queue.", []string{"name"}, nil),
		depths: depths,
	}
	reg.MustRegister(depth, m.adds, m.retries, m.latency, m.errors, m.total, m.isLeader)
	return m
}

// depthCollector reads the queue lengths when scraped, so workqueue_depth
// is exact at that moment rather than a sample from a ticker.
type depthCollector struct {
	desc   *prometheus.Desc
	depths func() map[string]int
}

// Describe implements prometheus.Collector.
func (d depthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- d.desc }

// Collect implements prometheus.Collector.
func (d depthCollector) Collect(ch chan<- prometheus.Metric) {
	depths := d.depths()
	for _, name := range slices.Sorted(maps.Keys(depths)) {
		ch <- prometheus.MustNewConstMetric(d.desc, prometheus.GaugeValue, float64(depths[name]), name)
	}
}

// controllerMetrics is one controller's view of managerMetrics.
type controllerMetrics struct {
	latency       prometheus.Observer
	errors, ok    prometheus.Counter
	errorResult   prometheus.Counter
	adds, retries prometheus.Counter
}

func (mm *managerMetrics) forController(c *Controller) *controllerMetrics {
	m := &controllerMetrics{
		latency:     mm.latency.WithLabelValues(c.name),
		errors:      mm.errors.WithLabelValues(c.name),
		ok:          mm.total.WithLabelValues(c.name, "success"),
		errorResult: mm.total.WithLabelValues(c.name, "error"),
		adds:        mm.adds.WithLabelValues(c.name),
		retries:     mm.retries.WithLabelValues(c.name),
	}
	q := c.queue
	q.mu.Lock()
	q.onAdd = m.adds.Inc
	q.onRetry = m.retries.Inc
	q.mu.Unlock()
	return m
}

// observe records one reconcile; nil-safe for controllers outside a Manager.
func (m *controllerMetrics) observe(d time.Duration, err error) {
	if m == nil {
		return
	}
	m.latency.Observe(d.Seconds())
	if err != nil {
		m.errors.Inc()
		m.errorResult.Inc()
	} else {
		m.ok.Inc()
	}
}
