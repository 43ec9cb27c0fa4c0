package admission_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/admission/quota"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/resourcequota"
)

// memQuotas is a QuotaWriter over quotas in memory with real
// compare-and-swap semantics; interfere, when set, runs before each write
// (another writer getting there first).
type memQuotas struct {
	mu        sync.Mutex
	rv        int
	quotas    map[string]*core.ResourceQuota
	writes    int
	interfere func(q *core.ResourceQuota)
}

func newMemQuotas(qs ...*core.ResourceQuota) *memQuotas {
	m := &memQuotas{rv: 10, quotas: map[string]*core.ResourceQuota{}}
	for _, q := range qs {
		m.rv++
		q.ResourceVersion = strconv.Itoa(m.rv)
		m.quotas[q.Namespace+"/"+q.Name] = q
	}
	return m
}

func (m *memQuotas) GetQuota(_ context.Context, ns, name string) (*core.ResourceQuota, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	q, ok := m.quotas[ns+"/"+name]
	if !ok {
		return nil, meta.NewNotFound(meta.GroupResource{Resource: "resourcequotas"}, name)
	}
	return meta.DeepCopy(q), nil
}

func (m *memQuotas) UpdateQuotaStatus(_ context.Context, q *core.ResourceQuota) (*core.ResourceQuota, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := q.Namespace + "/" + q.Name
	if m.interfere != nil {
		f := m.interfere
		m.interfere = nil
		f(m.quotas[key])
		m.rv++
		m.quotas[key].ResourceVersion = strconv.Itoa(m.rv)
	}
	if m.quotas[key].ResourceVersion != q.ResourceVersion {
		return nil, meta.NewConflict(meta.GroupResource{Resource: "resourcequotas"}, q.Name, errors.New("the object has been modified"))
	}
	m.rv++
	c := meta.DeepCopy(q)
	c.ResourceVersion = strconv.Itoa(m.rv)
	m.quotas[key] = c
	m.writes++
	return meta.DeepCopy(c), nil
}

// List serves the quotas as a cache would, possibly older than the writes.
func (m *memQuotas) lister() admission.Lister[core.ResourceQuota] {
	return admission.ListerFuncs[core.ResourceQuota]{
		ListFunc: func(_ context.Context, ns string) ([]*core.ResourceQuota, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			var out []*core.ResourceQuota
			for _, q := range m.quotas {
				if q.Namespace == ns {
					out = append(out, meta.DeepCopy(q))
				}
			}
			return out, nil
		},
	}
}

func synced(ns, name string, hard, used core.ResourceList) *core.ResourceQuota {
	return &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name}, Spec: core.ResourceQuotaSpec{Hard: hard},
		Status: core.ResourceQuotaStatus{Hard: hard, Used: used}}
}

func quotaChain(t *testing.T, m *memQuotas) *admission.Chain {
	return chainOf(t, admission.ResourceQuotaName, admission.Deps{ResourceQuotas: m.lister(), Quotas: m})
}

func TestResourceQuotaChecks(t *testing.T) {
	withCPU := func(p *core.Pod) { p.Spec.Containers[0].Resources.Requests = rl("cpu", "1") }
	tests := []struct {
		name  string
		quota *core.ResourceQuota
		obj   meta.Object
		want  string
		used  string
	}{
		{"within", synced("dev", "compute", rl("pods", "2", "requests.cpu", "2"), rl("pods", "0", "requests.cpu", "500m")),
			newPod("dev", "web", withCPU), "", "pods=1,requests.cpu=1500m"},
		{"exceeded", synced("dev", "compute", rl("pods", "2", "requests.cpu", "2"), rl("pods", "1", "requests.cpu", "1500m")),
			newPod("dev", "web", withCPU), `pods "web" is forbidden: exceeded quota: compute, requested: requests.cpu=1, used: requests.cpu=1500m, limited: requests.cpu=2`, ""},
		{"status unknown", &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "compute"},
			Status: core.ResourceQuotaStatus{Hard: rl("pods", "2", "requests.cpu", "2"), Used: rl("pods", "0")}},
			newPod("dev", "web", withCPU), `pods "web" is forbidden: status unknown for quota: compute, resources: pods,requests.cpu`, ""},
		{"must specify", synced("dev", "compute", rl("requests.cpu", "2", "limits.memory", "1Gi"), rl("requests.cpu", "0", "limits.memory", "0")),
			newPod("dev", "web", nil), `pods "web" is forbidden: failed quota: compute: must specify limits.memory for: c; requests.cpu for: c`, ""},
		{"other namespace", synced("prod", "compute", rl("pods", "0"), rl("pods", "0")), newPod("dev", "web", nil), "", "pods=0"},
		{"object counts", synced("dev", "objects", rl("count/configmaps", "1", "secrets", "5"), rl("count/configmaps", "1", "secrets", "0")),
			&core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "cfg"}},
			`configmaps "cfg" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1`, ""},
		{"not yet synced quota constrains nothing", &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "new"},
			Spec: core.ResourceQuotaSpec{Hard: rl("pods", "0")}}, newPod("dev", "web", nil), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemQuotas(tt.quota)
			err := run(context.Background(), quotaChain(t, m), attrs(admission.Create, tt.obj, nil))
			wantErr(t, err, tt.want)
			if err == nil {
				q, _ := m.GetQuota(context.Background(), tt.quota.Namespace, tt.quota.Name)
				if got := quota.Format(q.Status.Used); got != tt.used {
					t.Errorf("used = %s, want %s", got, tt.used)
				}
			}
		})
	}
}

func TestResourceQuotaUpdateChargesTheDifference(t *testing.T) {
	m := newMemQuotas(synced("dev", "svc", rl("services.nodeports", "3"), rl("services.nodeports", "1")))
	c := quotaChain(t, m)
	old := &core.Service{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "web", ResourceVersion: "4"},
		Spec: core.ServiceSpec{Type: core.ServiceTypeClusterIP, Ports: []core.ServicePort{{Port: 80}, {Port: 443}}}}
	np := meta.DeepCopy(old)
	np.Spec.Type = core.ServiceTypeNodePort
	if err := run(context.Background(), c, attrs(admission.Update, np, old)); err != nil {
		t.Fatal(err)
	}
	q, _ := m.GetQuota(context.Background(), "dev", "svc")
	if got := quota.Format(q.Status.Used); got != "services.nodeports=3" {
		t.Errorf("used = %s, want services.nodeports=3", got)
	}
	// Back to ClusterIP charges nothing (the controller gives it back).
	if err := run(context.Background(), c, attrs(admission.Update, old, np)); err != nil {
		t.Fatal(err)
	}
	if m.writes != 1 {
		t.Errorf("writes = %d, want 1", m.writes)
	}
}

func TestResourceQuotaRetriesLostRaces(t *testing.T) {
	m := newMemQuotas(synced("dev", "pods", rl("pods", "2"), rl("pods", "0")))
	// Another API server admits a pod between our read and our write.
	m.interfere = func(q *core.ResourceQuota) { q.Status.Used = rl("pods", "1") }
	c := quotaChain(t, m)
	if err := run(context.Background(), c, attrs(admission.Create, newPod("dev", "a", nil), nil)); err != nil {
		t.Fatal(err)
	}
	q, _ := m.GetQuota(context.Background(), "dev", "pods")
	if got := quota.Format(q.Status.Used); got != "pods=2" {
		t.Errorf("used = %s, want pods=2 (both charged)", got)
	}
	wantErr(t, run(context.Background(), c, attrs(admission.Create, newPod("dev", "b", nil), nil)),
		`pods "b" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2`)
}

func TestResourceQuotaDryRun(t *testing.T) {
	m := newMemQuotas(synced("dev", "pods", rl("pods", "1"), rl("pods", "0")))
	a := attrs(admission.Create, newPod("dev", "a", nil), nil)
	a.DryRun = true
	if err := run(context.Background(), quotaChain(t, m), a); err != nil || m.writes != 0 {
		t.Errorf("dry run: err %v, writes %d; want neither", err, m.writes)
	}
}

// startCluster runs an API server whose admission chain is the named
// plugins, backed by a client of the server itself, and the quota
// controller.
func startCluster(t *testing.T, plugins []string) *client.Client {
	t.Helper()
	chain := &admission.Chain{}
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{Admission: chain}})
	c := client.NewForHandler(srv.Handler())
	built, err := admission.New(plugins, admission.Deps{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	// The server holds chain; it takes requests only after this.
	*chain = *built

	m := controller.NewManager(c, nil)
	if err := resourcequota.Add(m, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return c
}

func TestResourceQuotaConcurrentCreates(t *testing.T) {
	c := startCluster(t, []string{admission.NamespaceLifecycleName, admission.ResourceQuotaName})
	ctx := context.Background()
	if _, err := client.Resource[core.Namespace](c).Create(ctx, namespace("q", nil), nil); err != nil {
		t.Fatal(err)
	}
	const limit, attempts = 5, 24
	quotas := client.Resource[core.ResourceQuota](c).Namespace("q")
	if _, err := quotas.Create(ctx, &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Name: "pods"},
		Spec: core.ResourceQuotaSpec{Hard: rl("pods", strconv.Itoa(limit), "count/configmaps", "2")}}, nil); err != nil {
		t.Fatal(err)
	}
	used := func() (core.ResourceList, error) {
		q, err := quotas.Get(ctx, "pods")
		if err != nil {
			return nil, err
		}
		return q.Status.Used, nil
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		if u, err := used(); err != nil || quota.Format(u) != "count/configmaps=0,pods=0" {
			return fmt.Errorf("used = %v (%v), want the controller's first count", u, err)
		}
		return nil
	})

	pods := client.Resource[core.Pod](c).Namespace("q")
	var admitted, rejected atomic.Int32
	var wg sync.WaitGroup
	for i := range attempts {
		wg.Go(func() {
			_, err := pods.Create(ctx, newPod("q", fmt.Sprintf("p-%d", i), nil), nil)
			switch {
			case err == nil:
				admitted.Add(1)
			case client.IsForbidden(err) && strings.Contains(err.Error(), "exceeded quota: pods, requested: pods=1, used: pods=5, limited: pods=5"):
				rejected.Add(1)
			default:
				t.Errorf("create: %v", err)
			}
		})
	}
	wg.Wait()
	if admitted.Load() != limit || rejected.Load() != attempts-limit {
		t.Fatalf("admitted %d, rejected %d; want exactly %d admitted", admitted.Load(), rejected.Load(), limit)
	}
	list, err := pods.List(ctx, nil)
	if err != nil || len(list.Items) != limit {
		t.Fatalf("pods stored = %d (%v), want %d", len(list.Items), err, limit)
	}
	if u, _ := used(); quota.Format(u) != "count/configmaps=0,pods=5" {
		t.Errorf("used = %s, want pods=5", quota.Format(u))
	}

	// Deleting a pod gives its quota back (the controller recounts).
	if err := pods.Delete(ctx, "p-0", &meta.DeleteOptions{GracePeriodSeconds: new(int64(0))}); err != nil && !client.IsNotFound(err) {
		t.Fatal(err)
	}
	var gone string
	for _, p := range list.Items {
		if p.Name == "p-0" {
			gone = "p-0"
		}
	}
	if gone == "" {
		if err := pods.Delete(ctx, list.Items[0].Name, &meta.DeleteOptions{GracePeriodSeconds: new(int64(0))}); err != nil {
			t.Fatal(err)
		}
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		if u, err := used(); err != nil || quota.Format(u) != "count/configmaps=0,pods=4" {
			return fmt.Errorf("used = %v (%v), want pods=4", u, err)
		}
		return nil
	})
	if _, err := pods.Create(ctx, newPod("q", "after-delete", nil), nil); err != nil {
		t.Errorf("create after a delete: %v", err)
	}

	// Object counts.
	cms := client.Resource[core.ConfigMap](c).Namespace("q")
	for i := range 3 {
		_, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("cm-%d", i)}}, nil)
		if i < 2 && err != nil {
			t.Fatalf("configmap %d: %v", i, err)
		}
		if i == 2 {
			wantErr(t, err, `configmaps "cm-2" is forbidden: exceeded quota: pods, requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2`)
		}
	}
}
