package storetest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spar-dev/spar/store"
)

// write is one acknowledged write, as its caller saw it.
type write struct {
	typ      store.EventType // Added for Create, Modified for Update, Deleted for Delete
	kv       store.KV        // the KV the store returned
	key      string          // the key written
	value    []byte          // the value passed to Create or Update
	expected int64           // the expected revision passed to Update or Delete
}

// op names the call that made w.
func (w write) op() string {
	return map[store.EventType]string{store.Added: "Create", store.Modified: "Update", store.Deleted: "Delete"}[w.typ]
}

// recorder performs writes on a store and remembers every acknowledged one.
// When every write under a prefix goes through one recorder, the history it
// yields is the ground truth that list snapshots and watch streams are
// compared with. Safe for concurrent use.
type recorder struct {
	s      store.Store
	mu     sync.Mutex
	writes []write
	// acked is the highest revision acknowledged so far: a linearizable
	// read that starts later must not see an older revision.
	acked atomic.Int64
}

func newRecorder(s store.Store) *recorder { return &recorder{s: s} }

func (r *recorder) record(typ store.EventType, key string, kv store.KV, value []byte, expected int64) {
	kv.Value = bytes.Clone(kv.Value)
	r.mu.Lock()
	r.writes = append(r.writes, write{typ: typ, kv: kv, key: key, value: bytes.Clone(value), expected: expected})
	r.mu.Unlock()
	for {
		cur := r.acked.Load()
		if kv.ModRevision <= cur || r.acked.CompareAndSwap(cur, kv.ModRevision) {
			return
		}
	}
}

func (r *recorder) create(ctx context.Context, key string, value []byte) (store.KV, error) {
	kv, err := r.s.Create(ctx, key, value)
	if err == nil {
		r.record(store.Added, key, kv, value, 0)
	}
	return kv, err
}

func (r *recorder) update(ctx context.Context, key string, value []byte, expected int64) (store.KV, error) {
	kv, err := r.s.Update(ctx, key, value, expected)
	if err == nil {
		r.record(store.Modified, key, kv, value, expected)
	}
	return kv, err
}

func (r *recorder) delete(ctx context.Context, key string, expected int64) (store.KV, error) {
	kv, err := r.s.Delete(ctx, key, expected)
	if err == nil {
		r.record(store.Deleted, key, kv, nil, expected)
	}
	return kv, err
}

func (r *recorder) mustCreate(t testing.TB, key, value string) store.KV {
	t.Helper()
	kv, err := r.create(t.Context(), key, []byte(value))
	if err != nil {
		t.Fatalf("Create(%q): %v", key, err)
	}
	return kv
}

func (r *recorder) mustUpdate(t testing.TB, key, value string, expected int64) store.KV {
	t.Helper()
	kv, err := r.update(t.Context(), key, []byte(value), expected)
	if err != nil {
		t.Fatalf("Update(%q, expected %d): %v", key, expected, err)
	}
	return kv
}

func (r *recorder) mustDelete(t testing.TB, key string, expected int64) store.KV {
	t.Helper()
	kv, err := r.delete(t.Context(), key, expected)
	if err != nil {
		t.Fatalf("Delete(%q, expected %d): %v", key, expected, err)
	}
	return kv
}

// randomWrite does one random write on key: mostly an update (a create if
// the key is absent), unconditional or compare-and-swap on a fresh Get,
// sometimes a delete. Outcomes that concurrent writers cause (ErrNotFound,
// ErrExists, ErrConflict) are not errors.
func (r *recorder) randomWrite(ctx context.Context, rng *rand.Rand, key string, value []byte) error {
	var err error
	switch n := rng.IntN(6); {
	case n == 0:
		_, err = r.delete(ctx, key, 0)
	case n <= 2:
		var kv store.KV
		if kv, err = r.s.Get(ctx, key); err == nil {
			_, err = r.update(ctx, key, value, kv.ModRevision)
		}
		if errors.Is(err, store.ErrNotFound) {
			_, err = r.create(ctx, key, value)
		}
	default:
		if _, err = r.update(ctx, key, value, 0); errors.Is(err, store.ErrNotFound) {
			_, err = r.create(ctx, key, value)
		}
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrExists) && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("write %q: %w", key, err)
	}
	return nil
}

// history returns the recorded writes as a history, reporting through t
// every write whose result contradicts the writes before it.
func (r *recorder) history(t testing.TB) *history {
	t.Helper()
	r.mu.Lock()
	writes := slices.Clone(r.writes)
	r.mu.Unlock()
	return newHistory(t, writes)
}

// history is a sequence of acknowledged writes in revision order, replayed
// into the events a watcher must see.
type history struct {
	events []store.Event
}

// newHistory sorts writes by revision and replays them. The ground truth is
// what was written (keys, values, expected revisions) and the revisions the
// store acknowledged. It reports every contract violation the write results
// themselves reveal: two writes with one revision, a Create of an existing
// key, an Update or Delete of an absent key or with a stale expected
// revision, and returned keys, values or CreateRevisions that do not match.
func newHistory(t testing.TB, writes []write) *history {
	t.Helper()
	writes = slices.Clone(writes)
	slices.SortStableFunc(writes, func(a, b write) int { return cmp.Compare(a.kv.ModRevision, b.kv.ModRevision) })
	state := map[string]store.KV{}
	h := &history{events: make([]store.Event, 0, len(writes))}
	for i, w := range writes {
		key, rev := w.key, w.kv.ModRevision
		if w.kv.Key != key {
			t.Errorf("%s(%q) at revision %d returned the key %q", w.op(), key, rev, w.kv.Key)
		}
		if i > 0 && rev == writes[i-1].kv.ModRevision {
			t.Errorf("two acknowledged writes share revision %d: %s on %q and %s on %q",
				rev, writes[i-1].op(), writes[i-1].key, w.op(), key)
		}
		prev, exists := state[key]
		if w.typ != store.Deleted && !bytes.Equal(w.kv.Value, w.value) {
			t.Errorf("%s(%q) at revision %d returned the value %s, want the written %s", w.op(), key, rev, fmtValue(w.kv.Value), fmtValue(w.value))
		}
		switch w.typ {
		case store.Added:
			if exists {
				t.Errorf("Create(%q) succeeded at revision %d although the key existed (created at %d): want ErrExists", key, rev, prev.CreateRevision)
			}
			if w.kv.CreateRevision != rev {
				t.Errorf("Create(%q) returned CreateRevision %d != ModRevision %d", key, w.kv.CreateRevision, rev)
			}
			kv := store.KV{Key: key, Value: w.value, CreateRevision: rev, ModRevision: rev}
			h.events = append(h.events, store.Event{Type: store.Added, KV: kv})
			state[key] = kv
		case store.Modified:
			checkCAS(t, "Update", w, prev, exists)
			kv := store.KV{Key: key, Value: w.value, CreateRevision: prev.CreateRevision, ModRevision: rev}
			h.events = append(h.events, store.Event{Type: store.Modified, KV: kv, PrevValue: prev.Value})
			state[key] = kv
		case store.Deleted:
			checkCAS(t, "Delete", w, prev, exists)
			if exists && !bytes.Equal(w.kv.Value, prev.Value) {
				t.Errorf("Delete(%q) at revision %d returned value %s, want the last value %s", key, rev, fmtValue(w.kv.Value), fmtValue(prev.Value))
			}
			kv := store.KV{Key: key, CreateRevision: prev.CreateRevision, ModRevision: rev}
			h.events = append(h.events, store.Event{Type: store.Deleted, KV: kv, PrevValue: prev.Value})
			delete(state, key)
		}
	}
	return h
}

func checkCAS(t testing.TB, op string, w write, prev store.KV, exists bool) {
	t.Helper()
	key, rev := w.key, w.kv.ModRevision
	switch {
	case !exists:
		t.Errorf("%s(%q) succeeded at revision %d although the key did not exist: want ErrNotFound", op, key, rev)
	case w.expected > 0 && w.expected != prev.ModRevision:
		t.Errorf("%s(%q, expected %d) succeeded at revision %d although the key was at revision %d: want ErrConflict (lost update)", op, key, w.expected, rev, prev.ModRevision)
	case w.kv.CreateRevision != prev.CreateRevision:
		t.Errorf("%s(%q) at revision %d returned CreateRevision %d, want %d", op, key, rev, w.kv.CreateRevision, prev.CreateRevision)
	}
}

// first and last return the revisions of the first and last write (0 if none).
func (h *history) first() int64 {
	if len(h.events) == 0 {
		return 0
	}
	return h.events[0].KV.ModRevision
}

func (h *history) last() int64 {
	if len(h.events) == 0 {
		return 0
	}
	return h.events[len(h.events)-1].KV.ModRevision
}

// after returns the events under prefix with a revision greater than rev: what
// Watch(prefix, rev) must deliver.
func (h *history) after(prefix string, rev int64) []store.Event {
	var out []store.Event
	for _, e := range h.events {
		if e.KV.ModRevision > rev && strings.HasPrefix(e.KV.Key, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// at returns the keys under prefix as they were at revision rev, in key
// order: what List(prefix, ListOptions{Revision: rev}) must return. It is
// exact only when the history holds every write under prefix.
func (h *history) at(prefix string, rev int64) []store.KV {
	state := map[string]store.KV{}
	for _, e := range h.events {
		if e.KV.ModRevision > rev {
			break
		}
		if !strings.HasPrefix(e.KV.Key, prefix) {
			continue
		}
		if e.Type == store.Deleted {
			delete(state, e.KV.Key)
		} else {
			state[e.KV.Key] = e.KV
		}
	}
	out := make([]store.KV, 0, len(state))
	for _, kv := range state {
		out = append(out, kv)
	}
	slices.SortFunc(out, func(a, b store.KV) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// checkContiguous reports a gap in the history's revisions. Call it only when
// every write to the store in the history's window went through the
// recorder: then each write must have bumped the revision by exactly one.
func (h *history) checkContiguous(t testing.TB) {
	t.Helper()
	for i := 1; i < len(h.events); i++ {
		prev, cur := h.events[i-1].KV.ModRevision, h.events[i].KV.ModRevision
		if cur != prev+1 {
			t.Errorf("acknowledged writes have revisions %d then %d: every write must bump the revision by exactly one", prev, cur)
			return
		}
	}
}

// matchFromNow checks the events of a Watch(prefix, 0) started when the
// store's revision was between lo and hi: they must be exactly the history
// after some revision in [lo, hi].
func (h *history) matchFromNow(prefix string, lo, hi int64, got []store.Event) string {
	var first string
	for from := lo; from <= hi; from++ {
		d := diffEvents(got, h.after(prefix, from))
		if d == "" {
			return ""
		}
		if first == "" {
			first = d
		}
	}
	return fmt.Sprintf("watch from 0 (started between revisions %d and %d) is not the history after any of them; from %d: %s", lo, hi, lo, first)
}
