package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/bolt"
)

const podPrefix = "/registry/pods/"

func decodePod(kv store.KV) (meta.Object, error) {
	p := new(core.Pod)
	if err := json.Unmarshal(kv.Value, p); err != nil {
		return nil, err
	}
	p.ResourceVersion = strconv.FormatInt(kv.ModRevision, 10)
	return p, nil
}

func podFields(obj meta.Object) fields.Set {
	p := obj.(*core.Pod)
	return fields.Set{"spec.nodeName": p.Spec.NodeName, "status.phase": string(p.Status.Phase)}
}

func openBolt(t testing.TB) store.Store {
	t.Helper()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "spar.db"), &bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// startCache runs a pods cache on s until the test ends.
func startCache(t testing.TB, s store.Store, mod func(*Config)) *Cache {
	t.Helper()
	cfg := Config{Store: s, Prefix: podPrefix, Decode: decodePod, Fields: podFields, IndexFields: []string{"spec.nodeName"}}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-c.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("cache not ready after 10s")
	}
	return c
}

func podJSON(ns, name, node, app string, phase core.PodPhase, gen int) []byte {
	p := core.Pod{
		TypeMeta:   meta.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": app, "gen": strconv.Itoa(gen)}},
		Spec:       core.PodSpec{NodeName: node},
		Status:     core.PodStatus{Phase: phase},
	}
	b, _ := json.Marshal(p)
	return b
}

// op is one write of the test's history.
type op struct {
	typ       store.EventType
	key       string
	rev       int64
	cur, prev []byte // nil when absent
}

// history records the writes a test made, in revision order.
type history struct {
	mu  sync.Mutex
	ops []op
}

func (h *history) add(o op) {
	h.mu.Lock()
	h.ops = append(h.ops, o)
	h.mu.Unlock()
}

// stateAt returns key → value at revision rev.
func (h *history) stateAt(rev int64) map[string]op {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := map[string]op{}
	for _, o := range h.ops {
		if o.rev > rev {
			break
		}
		if o.typ == store.Deleted {
			delete(st, o.key)
		} else {
			st[o.key] = o
		}
	}
	return st
}

// gotEvent is the comparable summary of a delivered event.
type gotEvent struct {
	Type EventType
	Key  string
	Rev  int64
	RV   string // the object's resourceVersion
	Gen  string // the object's "gen" label, identifying its content
}

func summarize(e Event) gotEvent {
	om := e.Object.GetObjectMeta()
	return gotEvent{e.Type, podPrefix + om.Namespace + "/" + om.Name, e.Revision, om.ResourceVersion, om.Labels["gen"]}
}

func decodeFor(t testing.TB, b []byte, rev int64) *entry {
	t.Helper()
	obj, err := decodePod(store.KV{Value: b, ModRevision: rev})
	if err != nil {
		t.Fatal(err)
	}
	om := obj.GetObjectMeta()
	fs := entryFields{name: om.Name, ns: om.Namespace, more: podFields(obj)}
	return &entry{obj: obj, ns: om.Namespace, labels: labels.Set(om.Labels), fields: fs}
}

// expected computes what a watcher with filter f must see: the initial
// state at initialRev (if >= 0) then every change after start.
func (h *history) expected(t testing.TB, f *filter, initialRev, start int64) []gotEvent {
	var out []gotEvent
	if initialRev >= 0 {
		st := h.stateAt(initialRev)
		keys := make([]string, 0, len(st))
		for k := range st {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			o := st[k]
			if e := decodeFor(t, o.cur, o.rev); f.matches(e) {
				out = append(out, gotEvent{Added, k, o.rev, strconv.FormatInt(o.rev, 10), e.obj.GetObjectMeta().Labels["gen"]})
			}
		}
		start = initialRev
	}
	h.mu.Lock()
	ops := slices.Clone(h.ops)
	h.mu.Unlock()
	for _, o := range ops {
		if o.rev <= start {
			continue
		}
		r := &record{rev: o.rev}
		if o.cur != nil {
			r.cur = decodeFor(t, o.cur, o.rev)
		}
		if o.prev != nil {
			r.prev = decodeFor(t, o.prev, 0)
		}
		if ev, ok := f.event(r); ok {
			out = append(out, summarize(ev))
		}
	}
	return out
}

// collector consumes a watcher in the background.
type collector struct {
	mu     sync.Mutex
	events []gotEvent
	endRev int64 // revision of the InitialEventsEnd bookmark, -1 if none
	err    error
}

func collect(ctx context.Context, w *Watcher) *collector {
	col := &collector{endRev: -1}
	go func() {
		for {
			evs, err := w.Next(ctx)
			col.mu.Lock()
			if err != nil {
				col.err = err
				col.mu.Unlock()
				return
			}
			for _, e := range evs {
				switch {
				case e.Type == Bookmark && e.InitialEventsEnd:
					col.endRev = e.Revision
				case e.Type == Bookmark:
				default:
					col.events = append(col.events, summarize(e))
				}
			}
			col.mu.Unlock()
		}
	}()
	return col
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, d time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// writer makes random pod writes and records them.
type writer struct {
	t    testing.TB
	s    store.Store
	h    *history
	rng  *rand.Rand
	live map[string]store.KV
	gen  int
}

func (w *writer) step(ctx context.Context) {
	w.t.Helper()
	ns := fmt.Sprintf("ns%d", w.rng.IntN(3))
	name := fmt.Sprintf("p%d", w.rng.IntN(12))
	key := podPrefix + ns + "/" + name
	w.gen++
	val := podJSON(ns, name, fmt.Sprintf("n%d", w.rng.IntN(4)), []string{"a", "b"}[w.rng.IntN(2)],
		[]core.PodPhase{core.PodPending, core.PodRunning}[w.rng.IntN(2)], w.gen)
	old, exists := w.live[key]
	switch {
	case !exists:
		kv, err := w.s.Create(ctx, key, val)
		if err != nil {
			w.t.Fatal(err)
		}
		w.live[key] = kv
		w.h.add(op{store.Added, key, kv.ModRevision, val, nil})
	case w.rng.IntN(4) == 0:
		kv, err := w.s.Delete(ctx, key, old.ModRevision)
		if err != nil {
			w.t.Fatal(err)
		}
		delete(w.live, key)
		w.h.add(op{store.Deleted, key, kv.ModRevision, nil, old.Value})
	default:
		kv, err := w.s.Update(ctx, key, val, old.ModRevision)
		if err != nil {
			w.t.Fatal(err)
		}
		w.live[key] = kv
		w.h.add(op{store.Modified, key, kv.ModRevision, val, old.Value})
	}
}

func randomFilter(rng *rand.Rand) (WatchOptions, filter) {
	var o WatchOptions
	if rng.IntN(3) == 0 {
		o.Namespace = fmt.Sprintf("ns%d", rng.IntN(3))
	}
	switch rng.IntN(4) {
	case 1:
		o.Label, _ = labels.Parse("app=a")
	case 2:
		o.Label, _ = labels.Parse("app!=a,gen")
	}
	switch rng.IntN(4) {
	case 1:
		o.Field = fields.OneTermEqualSelector("spec.nodeName", fmt.Sprintf("n%d", rng.IntN(4)))
	case 2:
		o.Field, _ = fields.Parse("status.phase=Running")
	case 3:
		o.Field, _ = fields.Parse("spec.nodeName!=n1,status.phase=Pending")
	}
	return o, filter{ns: o.Namespace, label: o.Label, field: o.Field}
}

// TestWatchersSeeFilteredHistory is the property test: random writes, and
// watchers with random filters opened at random revisions (from the past,
// from now, or with initial events) while the writes go on; every watcher's
// output must equal the store's history filtered by its selection, in order,
// without gaps or duplicates.
func TestWatchersSeeFilteredHistory(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := openBolt(t)
			c := startCache(t, s, func(cfg *Config) { cfg.WatcherBuffer = 50 })
			rng := rand.New(rand.NewPCG(seed, 99))
			h := &history{}
			w := &writer{t: t, s: s, h: h, rng: rng, live: map[string]store.KV{}}

			type watch struct {
				name       string
				f          filter
				start      int64
				initialRev int64 // -1: none; else filled from the end bookmark
				col        *collector
			}
			var watches []*watch
			for i := 0; i < 1500; i++ {
				w.step(ctx)
				if i%60 != 59 {
					continue
				}
				opts, f := randomFilter(rng)
				wt := &watch{f: f, initialRev: -1}
				h.mu.Lock()
				past := h.ops[rng.IntN(len(h.ops))].rev
				last := h.ops[len(h.ops)-1].rev
				h.mu.Unlock()
				switch rng.IntN(3) {
				case 0: // resume from a past revision
					opts.Revision, wt.start = past, past
				case 1: // initial state, then changes
					opts.SendInitialEvents, opts.InitialEventsEndBookmark = true, true
					wt.initialRev = 0
				case 2: // from now: wait for the cache so "now" is known
					if err := c.waitFresh(ctx, last); err != nil {
						t.Fatal(err)
					}
					wt.start = c.Revision()
				}
				wt.name = fmt.Sprintf("watch %d %+v start=%d", len(watches), opts, wt.start)
				wa, err := c.Watch(ctx, opts)
				if err != nil {
					t.Fatalf("%s: %v", wt.name, err)
				}
				defer wa.Stop()
				wt.col = collect(ctx, wa)
				watches = append(watches, wt)
			}
			for _, wt := range watches {
				eventually(t, 20*time.Second, func() error {
					wt.col.mu.Lock()
					defer wt.col.mu.Unlock()
					if wt.col.err != nil {
						return fmt.Errorf("%s failed: %v", wt.name, wt.col.err)
					}
					initial := int64(-1)
					if wt.initialRev >= 0 {
						if wt.col.endRev < 0 {
							return fmt.Errorf("%s: no initial-events-end bookmark", wt.name)
						}
						initial = wt.col.endRev
					}
					want := h.expected(t, &wt.f, initial, wt.start)
					if !slices.Equal(wt.col.events, want) {
						return fmt.Errorf("%s:\n got %d events %v\nwant %d events %v", wt.name, len(wt.col.events), wt.col.events, len(want), want)
					}
					return nil
				})
			}
		})
	}
}

func TestStuckReaderDoesNotDelayOthers(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	c := startCache(t, s, func(cfg *Config) {
		cfg.WatcherBuffer = 50 // sub-logs hold 4x that
		cfg.MinWindowEvents = 300
		cfg.MaxWindowEvents = 300
	})
	stuckNS, err := c.Watch(ctx, WatchOptions{Namespace: "ns0"}) // reads a sub-log
	if err != nil {
		t.Fatal(err)
	}
	defer stuckNS.Stop()
	stuckAll, err := c.Watch(ctx, WatchOptions{}) // reads the window
	if err != nil {
		t.Fatal(err)
	}
	defer stuckAll.Stop()
	healthy, err := c.Watch(ctx, WatchOptions{Namespace: "ns0"})
	if err != nil {
		t.Fatal(err)
	}
	defer healthy.Stop()
	col := collect(ctx, healthy)

	const n = 600
	for i := 0; i < n; i++ {
		if _, err := s.Create(ctx, fmt.Sprintf("%sns0/p%03d", podPrefix, i), podJSON("ns0", fmt.Sprintf("p%03d", i), "", "a", core.PodPending, i)); err != nil {
			t.Fatal(err)
		}
	}
	// The healthy watcher got everything while the others never read.
	eventually(t, 10*time.Second, func() error {
		col.mu.Lock()
		defer col.mu.Unlock()
		if len(col.events) != n {
			return fmt.Errorf("healthy watcher got %d of %d events (err %v)", len(col.events), n, col.err)
		}
		return nil
	})
	// The stuck ones find out they were dropped when they read again.
	if _, err := stuckNS.Next(ctx); !errors.Is(err, ErrTooSlow) {
		t.Errorf("overwritten sub-log watcher: err = %v, want ErrTooSlow", err)
	}
	if _, err := stuckAll.Next(ctx); !errors.Is(err, ErrTooSlow) {
		t.Errorf("overwritten window watcher: err = %v, want ErrTooSlow", err)
	}
}

// A watcher that keeps reading but stays more than WatcherBuffer events
// behind for longer than the grace period is closed.
func TestLaggingReaderClosedAfterGrace(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	const grace = 50 * time.Millisecond
	c := startCache(t, s, func(cfg *Config) {
		cfg.WatcherBuffer = 10
		cfg.SlowGracePeriod = grace
	})
	w, err := c.Watch(ctx, WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var last int64
	for i := 0; i < 2000; i++ {
		kv, err := s.Create(ctx, fmt.Sprintf("%sns/p%04d", podPrefix, i), podJSON("ns", fmt.Sprint(i), "", "a", "", i))
		if err != nil {
			t.Fatal(err)
		}
		last = kv.ModRevision
	}
	if err := c.waitFresh(ctx, last); err != nil {
		t.Fatal(err)
	}
	if evs, err := w.Next(ctx); err != nil || len(evs) != maxBatch {
		t.Fatalf("first read: %d events, %v", len(evs), err)
	}
	time.Sleep(2 * grace) // the watcher stays behind for longer than the grace period
	if _, err := w.Next(ctx); !errors.Is(err, ErrTooSlow) {
		t.Errorf("err = %v, want ErrTooSlow", err)
	}
}

func TestWatchTooOldRevision(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	c := startCache(t, s, func(cfg *Config) {
		cfg.MinWindowEvents = 5
		cfg.MaxWindowEvents = 5
	})
	var revs []int64
	for i := 0; i < 20; i++ {
		kv, err := s.Create(ctx, fmt.Sprintf("%sns/p%d", podPrefix, i), podJSON("ns", fmt.Sprint("p", i), "", "a", "", i))
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, kv.ModRevision)
	}
	if err := c.waitFresh(ctx, revs[19]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Watch(ctx, WatchOptions{Revision: revs[2]}); !errors.Is(err, ErrExpired) {
		t.Errorf("watch from an evicted revision: err = %v, want ErrExpired", err)
	}
	w, err := c.Watch(ctx, WatchOptions{Revision: revs[14]})
	if err != nil {
		t.Fatalf("watch inside the window: %v", err)
	}
	defer w.Stop()
	evs, err := w.Next(ctx)
	if err != nil || len(evs) != 5 || evs[0].Revision != revs[15] {
		t.Errorf("resume inside the window: %d events, err %v", len(evs), err)
	}
}

func TestBookmarks(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	c := startCache(t, s, func(cfg *Config) { cfg.BookmarkInterval = 20 * time.Millisecond })
	kv, err := s.Create(ctx, podPrefix+"ns/a", podJSON("ns", "a", "", "a", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Watch(ctx, WatchOptions{SendInitialEvents: true, InitialEventsEndBookmark: true, AllowBookmarks: true, Revision: kv.ModRevision})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	evs, err := w.Next(ctx)
	if err != nil || len(evs) != 1 || evs[0].Type != Added || evs[0].Revision != kv.ModRevision {
		t.Fatalf("initial events = %+v, %v", evs, err)
	}
	evs, err = w.Next(ctx)
	if err != nil || len(evs) != 1 || evs[0].Type != Bookmark || !evs[0].InitialEventsEnd || evs[0].Revision < kv.ModRevision {
		t.Fatalf("end bookmark = %+v, %v", evs, err)
	}
	evs, err = w.Next(ctx)
	if err != nil || len(evs) != 1 || evs[0].Type != Bookmark || evs[0].InitialEventsEnd || evs[0].Revision < kv.ModRevision {
		t.Fatalf("periodic bookmark = %+v, %v", evs, err)
	}
}

func TestEncodedOncePerObjectVersion(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	c := startCache(t, s, nil)
	var ws []*Watcher
	for range 20 {
		w, err := c.Watch(ctx, WatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		ws = append(ws, w)
	}
	if _, err := s.Create(ctx, podPrefix+"ns/a", podJSON("ns", "a", "", "a", "", 1)); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	encodes := 0
	enc := func(o meta.Object) ([]byte, error) {
		mu.Lock()
		encodes++
		mu.Unlock()
		return json.Marshal(o)
	}
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() {
			evs, err := w.Next(ctx)
			if err != nil || len(evs) != 1 {
				t.Errorf("Next = %v, %v", evs, err)
				return
			}
			if _, err := evs[0].Encoded(0, enc); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	res, err := c.List(ctx, ListOptions{})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("List = %+v, %v", res, err)
	}
	if _, err := res.Items[0].Encoded(0, enc); err != nil {
		t.Fatal(err)
	}
	if encodes != 1 {
		t.Errorf("object encoded %d times for 20 watchers and a list, want 1", encodes)
	}
}

// brokenStore is a real store whose watches can be cut, to test how the
// cache recovers from a broken store watch.
type brokenStore struct {
	store.Store
	mu     sync.Mutex
	cancel []context.CancelFunc
}

func (b *brokenStore) Watch(ctx context.Context, prefix string, rev int64) (store.Watcher, error) {
	ctx, cancel := context.WithCancel(ctx)
	b.mu.Lock()
	b.cancel = append(b.cancel, cancel)
	b.mu.Unlock()
	return b.Store.Watch(ctx, prefix, rev)
}

func (b *brokenStore) cut() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.cancel {
		c()
	}
	b.cancel = nil
}

func TestResetClosesWatchersAndRecovers(t *testing.T) {
	ctx := context.Background()
	bs := &brokenStore{Store: openBolt(t)}
	c := startCache(t, bs, nil)
	w, err := c.Watch(ctx, WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	bs.cut()
	if _, err := w.Next(ctx); !errors.Is(err, ErrReset) {
		t.Fatalf("after the store watch broke: err = %v, want ErrReset", err)
	}
	kv, err := bs.Create(ctx, podPrefix+"ns/after", podJSON("ns", "after", "", "a", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() error {
		res, err := c.List(ctx, ListOptions{Match: NotOlderThan, Revision: kv.ModRevision})
		if err != nil || len(res.Items) != 1 {
			return fmt.Errorf("list after recovery = %+v, %v", res, err)
		}
		return nil
	})
}
