package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/spar-dev/spar/store"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path) // never returns
	}
	os.Exit(m.Run())
}

// openStore opens a store in a new file of t's temp dir and closes it at
// the end of the test.
func openStore(t testing.TB, opts *Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spar.db")
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

// checkFile runs bbolt's consistency check on a closed store's file.
func checkFile(t testing.TB, path string) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open %s for check: %v", path, err)
	}
	defer db.Close()
	if err := db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Fatalf("bbolt consistency check of %s: %v", path, err)
	}
}

// receive reads n events from w, failing after a deadline.
func receive(t testing.TB, w store.Watcher, n int) []store.Event {
	t.Helper()
	var got []store.Event
	deadline := time.After(20 * time.Second)
	for len(got) < n {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				t.Fatalf("watch closed after %d of %d events: %v", len(got), n, w.Err())
			}
			got = append(got, ev)
		case <-deadline:
			t.Fatalf("timed out after %d of %d events", len(got), n)
		}
	}
	return got
}

// waitClosed waits for w's channel to close and returns Err.
func waitClosed(t testing.TB, w store.Watcher) error {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case _, ok := <-w.Events():
			if !ok {
				return w.Err()
			}
		case <-deadline:
			t.Fatal("watch channel not closed")
		}
	}
}

func TestCRUD(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, nil)
	const k = "/registry/pods/default/web-0"

	c, err := s.Create(ctx, k, []byte("v1"))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if c.ModRevision != 2 || c.CreateRevision != 2 {
		t.Errorf("Create revisions = %d/%d, want 2/2 (a new store is at revision 1)", c.CreateRevision, c.ModRevision)
	}
	u, err := s.Update(ctx, k, []byte("v2"), c.ModRevision)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	tests := []struct {
		name    string
		do      func() (store.KV, error)
		wantErr error
		want    store.KV
	}{
		{"get", func() (store.KV, error) { return s.Get(ctx, k) }, nil, store.KV{Key: k, Value: []byte("v2"), CreateRevision: 2, ModRevision: 3}},
		{"create existing", func() (store.KV, error) { return s.Create(ctx, k, []byte("x")) }, store.ErrExists, store.KV{}},
		{"update stale", func() (store.KV, error) { return s.Update(ctx, k, []byte("x"), c.ModRevision) }, store.ErrConflict, store.KV{}},
		{"delete stale", func() (store.KV, error) { return s.Delete(ctx, k, c.ModRevision) }, store.ErrConflict, store.KV{}},
		{"update missing", func() (store.KV, error) { return s.Update(ctx, k+"x", []byte("x"), 0) }, store.ErrNotFound, store.KV{}},
		{"delete missing", func() (store.KV, error) { return s.Delete(ctx, k+"x", 0) }, store.ErrNotFound, store.KV{}},
		{"get missing", func() (store.KV, error) { return s.Get(ctx, k+"x") }, store.ErrNotFound, store.KV{}},
		{"update unconditional", func() (store.KV, error) { return s.Update(ctx, k, []byte("v3"), 0) }, nil, store.KV{Key: k, Value: []byte("v3"), CreateRevision: 2, ModRevision: 4}},
		{"delete", func() (store.KV, error) { return s.Delete(ctx, k, 4) }, nil, store.KV{Key: k, Value: []byte("v3"), CreateRevision: 2, ModRevision: 5}},
		{"get deleted", func() (store.KV, error) { return s.Get(ctx, k) }, store.ErrNotFound, store.KV{}},
		{"update deleted", func() (store.KV, error) { return s.Update(ctx, k, []byte("x"), 0) }, store.ErrNotFound, store.KV{}},
		{"re-create", func() (store.KV, error) { return s.Create(ctx, k, []byte("v4")) }, nil, store.KV{Key: k, Value: []byte("v4"), CreateRevision: 6, ModRevision: 6}},
		{"get re-created", func() (store.KV, error) { return s.Get(ctx, k) }, nil, store.KV{Key: k, Value: []byte("v4"), CreateRevision: 6, ModRevision: 6}},
	}
	_ = u
	for _, tt := range tests {
		got, err := tt.do()
		if !errors.Is(err, tt.wantErr) {
			t.Fatalf("%s: err = %v, want %v", tt.name, err, tt.wantErr)
		}
		if err == nil && !equalKV(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
	if rev, _ := s.Revision(ctx); rev != 6 {
		t.Errorf("Revision = %d, want 6", rev)
	}
}

func equalKV(a, b store.KV) bool {
	return a.Key == b.Key && bytes.Equal(a.Value, b.Value) && a.CreateRevision == b.CreateRevision && a.ModRevision == b.ModRevision
}

func TestConflictErrorCarriesCurrent(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, nil)
	const k = "/registry/a"
	first, _ := s.Create(ctx, k, []byte("1"))
	second, _ := s.Update(ctx, k, []byte("2"), first.ModRevision)
	for _, op := range []string{"update", "delete"} {
		var err error
		if op == "update" {
			_, err = s.Update(ctx, k, []byte("3"), first.ModRevision)
		} else {
			_, err = s.Delete(ctx, k, first.ModRevision)
		}
		var ce *store.ConflictError
		if !errors.As(err, &ce) {
			t.Fatalf("%s: err = %v, want a *store.ConflictError", op, err)
		}
		if !equalKV(ce.Current, second) {
			t.Errorf("%s: Current = %+v, want %+v", op, ce.Current, second)
		}
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, &Options{MaxValueSize: 10})
	if _, err := s.Create(ctx, "/registry/ok", []byte("v")); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Revision(ctx)
	long := "/registry/" + string(bytes.Repeat([]byte("k"), maxKeySize))
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"create empty key", func() error { _, err := s.Create(ctx, "", []byte("v")); return err }, store.ErrInvalidKey},
		{"create outside prefix", func() error { _, err := s.Create(ctx, "/other/x", []byte("v")); return err }, store.ErrInvalidKey},
		{"create the prefix itself", func() error { _, err := s.Create(ctx, "/registry/", []byte("v")); return err }, store.ErrInvalidKey},
		{"create key too long", func() error { _, err := s.Create(ctx, long, []byte("v")); return err }, store.ErrInvalidKey},
		{"create oversized", func() error { _, err := s.Create(ctx, "/registry/big", make([]byte, 11)); return err }, store.ErrValueTooLarge},
		{"update oversized", func() error { _, err := s.Update(ctx, "/registry/ok", make([]byte, 11), 0); return err }, store.ErrValueTooLarge},
		{"update outside prefix", func() error { _, err := s.Update(ctx, "/x", []byte("v"), 0); return err }, store.ErrInvalidKey},
		{"delete empty key", func() error { _, err := s.Delete(ctx, "", 0); return err }, store.ErrInvalidKey},
		{"get outside prefix", func() error { _, err := s.Get(ctx, "/x"); return err }, store.ErrInvalidKey},
		{"list outside prefix", func() error { _, err := s.List(ctx, "/x/", store.ListOptions{}); return err }, store.ErrInvalidKey},
		{"watch outside prefix", func() error { _, err := s.Watch(ctx, "/x/", 0); return err }, store.ErrInvalidKey},
		{"bad continue", func() error {
			_, err := s.List(ctx, "/registry/", store.ListOptions{Continue: "!!"})
			return err
		}, store.ErrInvalidContinue},
	}
	for _, tt := range tests {
		if err := tt.do(); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	after, _ := s.Revision(ctx)
	if after != before {
		t.Errorf("revision moved from %d to %d", before, after)
	}
	res, err := s.List(ctx, "/registry/", store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || string(res.Items[0].Value) != "v" {
		t.Errorf("store holds %+v, want only /registry/ok=v", res.Items)
	}
}

// TestConcurrentCASIsSerial runs compare-and-swap increments from many
// goroutines, which the committer batches together: every success must see
// the previous one, exactly as a serial execution would.
func TestConcurrentCASIsSerial(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, &Options{NoSync: true})
	const k = "/registry/counter"
	if _, err := s.Create(ctx, k, []byte("0")); err != nil {
		t.Fatal(err)
	}
	const workers, each = 16, 50
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				for {
					cur, err := s.Get(ctx, k)
					if err != nil {
						t.Error(err)
						return
					}
					var n int
					fmt.Sscan(string(cur.Value), &n)
					next := fmt.Sprint(n + 1)
					kv, err := s.Update(ctx, k, []byte(next), cur.ModRevision)
					if errors.Is(err, store.ErrConflict) {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					seen[kv.ModRevision] = next
					mu.Unlock()
					break
				}
			}
		})
	}
	wg.Wait()
	got, _ := s.Get(ctx, k)
	if want := fmt.Sprint(workers * each); string(got.Value) != want {
		t.Errorf("counter = %s, want %s", got.Value, want)
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct successful revisions, want %d", len(seen), workers*each)
	}
	// Successful CAS writes are the only writes: they hold consecutive
	// revisions, with values increasing one by one.
	revs := slices.Sorted(maps.Keys(seen))
	for i, r := range revs {
		if want := fmt.Sprint(i + 1); seen[r] != want || (i > 0 && r != revs[i-1]+1) {
			t.Fatalf("revision %d holds %s (previous revision %d), want %s at consecutive revisions", r, seen[r], revs[max(i-1, 0)], want)
		}
	}
}

// history is a model of a store: the expected state at every revision and
// the expected events.
type history struct {
	states map[int64]map[string]store.KV // state after each revision
	events []store.Event
	last   map[string]store.KV
}

// randomHistory applies n random writes to s on a few keys and returns the
// model of what s must now hold.
func randomHistory(t testing.TB, s store.Store, rng *rand.Rand, n int) *history {
	t.Helper()
	ctx := context.Background()
	h := &history{states: map[int64]map[string]store.KV{}, last: map[string]store.KV{}}
	rev, _ := s.Revision(ctx)
	h.states[rev] = map[string]store.KV{}
	keys := []string{"/registry/a/1", "/registry/a/2", "/registry/a/3", "/registry/b/1", "/registry/b/2", "/registry/c"}
	for i := 0; len(h.events) < n; i++ {
		k := keys[rng.IntN(len(keys))]
		val := []byte(fmt.Sprintf("%s#%d", k, i))
		cur, exists := h.last[k]
		var ev store.Event
		switch {
		case !exists:
			kv, err := s.Create(ctx, k, val)
			if err != nil {
				t.Fatalf("Create %s: %v", k, err)
			}
			ev = store.Event{Type: store.Added, KV: kv}
		case rng.IntN(4) == 0:
			kv, err := s.Delete(ctx, k, cur.ModRevision)
			if err != nil {
				t.Fatalf("Delete %s: %v", k, err)
			}
			ev = store.Event{Type: store.Deleted, KV: store.KV{Key: k, CreateRevision: cur.CreateRevision, ModRevision: kv.ModRevision}, PrevValue: cur.Value}
		default:
			kv, err := s.Update(ctx, k, val, cur.ModRevision)
			if err != nil {
				t.Fatalf("Update %s: %v", k, err)
			}
			ev = store.Event{Type: store.Modified, KV: kv, PrevValue: cur.Value}
		}
		if ev.KV.ModRevision != rev+1 {
			t.Fatalf("write %d got revision %d, want %d", i, ev.KV.ModRevision, rev+1)
		}
		rev++
		state := maps.Clone(h.last)
		if ev.Type == store.Deleted {
			delete(state, k)
		} else {
			state[k] = ev.KV
		}
		h.last = state
		h.states[rev] = state
		h.events = append(h.events, ev)
	}
	return h
}

// itemsUnder lists the model state under prefix in key order.
func itemsUnder(state map[string]store.KV, prefix string) []store.KV {
	var out []store.KV
	for k, kv := range state {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			out = append(out, kv)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func eventsUnder(events []store.Event, prefix string, after int64) []store.Event {
	var out []store.Event
	for _, ev := range events {
		if ev.KV.ModRevision > after && len(ev.KV.Key) >= len(prefix) && ev.KV.Key[:len(prefix)] == prefix {
			out = append(out, ev)
		}
	}
	return out
}

func diffItems(got, want []store.KV) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d items, want %d: got %v want %v", len(got), len(want), got, want)
	}
	for i := range got {
		if !equalKV(got[i], want[i]) {
			return fmt.Sprintf("item %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	return ""
}

func diffEvents(got, want []store.Event) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d events, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Type != w.Type || !equalKV(g.KV, w.KV) || !bytes.Equal(g.PrevValue, w.PrevValue) {
			return fmt.Sprintf("event %d = %v %+v prev %q, want %v %+v prev %q", i, g.Type, g.KV, g.PrevValue, w.Type, w.KV, w.PrevValue)
		}
	}
	return ""
}

// listAll reads every page of a list at rev with the given page size.
func listAll(ctx context.Context, s store.Store, prefix string, rev, limit int64) ([]store.KV, int64, error) {
	var items []store.KV
	opts := store.ListOptions{Revision: rev, Limit: limit}
	for {
		res, err := s.List(ctx, prefix, opts)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, res.Items...)
		if res.Continue == "" {
			if res.Remaining != 0 {
				return nil, 0, fmt.Errorf("last page has Remaining %d", res.Remaining)
			}
			return items, res.Revision, nil
		}
		if want := int64(len(res.Items)); limit > 0 && want != limit {
			return nil, 0, fmt.Errorf("page of %d items with a continue token, limit %d", want, limit)
		}
		opts = store.ListOptions{Limit: limit, Continue: res.Continue}
	}
}

// TestHistory checks lists and watches at every revision of a random
// history against a model, before and after compaction, and after reopening.
func TestHistory(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "spar.db")
	s, err := Open(path, &Options{NoSync: true, Retention: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	n := 300
	if raceEnabled {
		n = 100
	}
	h := randomHistory(t, s, rand.New(rand.NewPCG(1, 2)), n)
	head, _ := s.Revision(ctx)

	check := func(t *testing.T, s store.Store, compacted int64) {
		for rev := int64(1); rev <= head; rev++ {
			for _, prefix := range []string{"/registry/", "/registry/a/", "/registry/b/", "/registry/c"} {
				for _, limit := range []int64{0, 1, 2} {
					got, gotRev, err := listAll(ctx, s, prefix, rev, limit)
					if rev < compacted {
						if !errors.Is(err, store.ErrExpired) {
							t.Fatalf("list %s at %d (compacted %d): err = %v, want ErrExpired", prefix, rev, compacted, err)
						}
						continue
					}
					if err != nil {
						t.Fatalf("list %s at %d limit %d: %v", prefix, rev, limit, err)
					}
					if gotRev != rev {
						t.Errorf("list at %d returned revision %d", rev, gotRev)
					}
					if d := diffItems(got, itemsUnder(h.states[rev], prefix)); d != "" {
						t.Fatalf("list %s at %d limit %d: %s", prefix, rev, limit, d)
					}
				}
			}
			if rev%7 != 0 && rev != compacted {
				continue
			}
			for _, prefix := range []string{"/registry/", "/registry/b/"} {
				w, err := s.Watch(ctx, prefix, rev)
				if rev < compacted {
					if !errors.Is(err, store.ErrExpired) {
						t.Fatalf("watch %s from %d (compacted %d): err = %v, want ErrExpired", prefix, rev, compacted, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("watch from %d: %v", rev, err)
				}
				want := eventsUnder(h.events, prefix, rev)
				if d := diffEvents(receive(t, w, len(want)), want); d != "" {
					t.Fatalf("watch %s from %d: %s", prefix, rev, d)
				}
				w.Stop()
			}
		}
	}
	t.Run("full history", func(t *testing.T) { check(t, s, 0) })
	compactTo := head / 2
	if err := s.Compact(ctx, compactTo); err != nil {
		t.Fatal(err)
	}
	t.Run("compacted", func(t *testing.T) { check(t, s, compactTo) })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path)
	s, err = Open(path, &Options{NoSync: true, Retention: -1})
	if err != nil {
		t.Fatal(err)
	}
	if rev, _ := s.Revision(ctx); rev != head {
		t.Fatalf("reopened at revision %d, want %d", rev, head)
	}
	t.Run("reopened", func(t *testing.T) { check(t, s, compactTo) })
	// Compacting everything keeps the current state whole.
	if err := s.Compact(ctx, head); err != nil {
		t.Fatal(err)
	}
	got, _, err := listAll(ctx, s, "/registry/", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffItems(got, itemsUnder(h.last, "/registry/")); d != "" {
		t.Fatalf("current list after full compaction: %s", d)
	}
	for _, kv := range h.last {
		if got, err := s.Get(ctx, kv.Key); err != nil || !equalKV(got, kv) {
			t.Errorf("Get %s after full compaction = %+v, %v; want %+v", kv.Key, got, err, kv)
		}
	}
}

func TestListPaging(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, &Options{NoSync: true})
	for i := range 10 {
		if _, err := s.Create(ctx, fmt.Sprintf("/registry/p/%02d", i), []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Create(ctx, "/registry/q", nil); err != nil {
		t.Fatal(err)
	}
	first, err := s.List(ctx, "/registry/p/", store.ListOptions{Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Items) != 4 || first.Remaining != 6 || first.Continue == "" {
		t.Fatalf("first page: %d items, remaining %d, continue %q; want 4, 6, a token", len(first.Items), first.Remaining, first.Continue)
	}
	// Writes after the first page do not show in the next ones.
	if _, err := s.Delete(ctx, "/registry/p/05", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "/registry/p/99", nil); err != nil {
		t.Fatal(err)
	}
	second, err := s.List(ctx, "/registry/p/", store.ListOptions{Limit: 4, Continue: first.Continue})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, kv := range second.Items {
		keys = append(keys, kv.Key)
	}
	if want := []string{"/registry/p/04", "/registry/p/05", "/registry/p/06", "/registry/p/07"}; !slices.Equal(keys, want) {
		t.Errorf("second page = %v, want %v", keys, want)
	}
	if second.Revision != first.Revision || second.Remaining != 2 {
		t.Errorf("second page revision %d remaining %d, want %d and 2", second.Revision, second.Remaining, first.Revision)
	}
	if _, err := s.List(ctx, "/registry/q", store.ListOptions{Continue: first.Continue}); !errors.Is(err, store.ErrInvalidContinue) {
		t.Errorf("token of another prefix: err = %v", err)
	}
	// The first page's revision compacted: the next page is expired.
	head, _ := s.Revision(ctx)
	if err := s.Compact(ctx, head); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(ctx, "/registry/p/", store.ListOptions{Limit: 4, Continue: second.Continue}); !errors.Is(err, store.ErrExpired) {
		t.Errorf("continue after compaction: err = %v, want ErrExpired", err)
	}
	if _, err := s.List(ctx, "/registry/p/", store.ListOptions{Revision: head + 1}); !errors.Is(err, store.ErrFutureRevision) {
		t.Errorf("future list: err = %v, want ErrFutureRevision", err)
	}
	if err := s.Compact(ctx, head+1); !errors.Is(err, store.ErrFutureRevision) {
		t.Errorf("future compact: err = %v, want ErrFutureRevision", err)
	}
	if err := s.Compact(ctx, 1); err != nil {
		t.Errorf("compact below the compacted revision: %v, want nil", err)
	}
}

// TestSlowWatcher lets a watcher with a tiny buffer fall behind: it must
// catch up from the log and deliver every event once, in order.
func TestSlowWatcher(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, &Options{NoSync: true, WatchBuffer: 4, Retention: -1})
	w, err := s.Watch(ctx, "/registry/", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	n := 3000
	if raceEnabled {
		n = 1000
	}
	h := randomHistory(t, s, rand.New(rand.NewPCG(3, 4)), n)
	// Interleave reading with more writes, so the watcher goes from catch-up
	// to live and back.
	got := receive(t, w, n/3)
	more := randomHistoryFrom(t, s, h, rand.New(rand.NewPCG(5, 6)), n*2/3)
	got = append(got, receive(t, w, len(more.events)-n/3)...)
	if d := diffEvents(got, more.events); d != "" {
		t.Fatal(d)
	}
	select {
	case ev := <-w.Events():
		t.Fatalf("extra event %+v", ev)
	default:
	}
}

// randomHistoryFrom continues history h with n more writes.
func randomHistoryFrom(t testing.TB, s store.Store, h *history, rng *rand.Rand, n int) *history {
	t.Helper()
	more := randomHistoryWith(t, s, h.last, rng, n)
	more.events = append(slices.Clone(h.events), more.events...)
	return more
}

func randomHistoryWith(t testing.TB, s store.Store, last map[string]store.KV, rng *rand.Rand, n int) *history {
	t.Helper()
	ctx := context.Background()
	h := &history{states: map[int64]map[string]store.KV{}, last: maps.Clone(last)}
	rev, _ := s.Revision(ctx)
	keys := []string{"/registry/a/1", "/registry/a/2", "/registry/a/3", "/registry/b/1", "/registry/b/2", "/registry/c"}
	for i := 0; len(h.events) < n; i++ {
		k := keys[rng.IntN(len(keys))]
		val := []byte(fmt.Sprintf("%s#x%d", k, i))
		cur, exists := h.last[k]
		var ev store.Event
		switch {
		case !exists:
			kv, err := s.Create(ctx, k, val)
			if err != nil {
				t.Fatalf("Create %s: %v", k, err)
			}
			ev = store.Event{Type: store.Added, KV: kv}
			h.last[k] = kv
		case rng.IntN(4) == 0:
			kv, err := s.Delete(ctx, k, cur.ModRevision)
			if err != nil {
				t.Fatalf("Delete %s: %v", k, err)
			}
			ev = store.Event{Type: store.Deleted, KV: store.KV{Key: k, CreateRevision: cur.CreateRevision, ModRevision: kv.ModRevision}, PrevValue: cur.Value}
			delete(h.last, k)
		default:
			kv, err := s.Update(ctx, k, val, cur.ModRevision)
			if err != nil {
				t.Fatalf("Update %s: %v", k, err)
			}
			ev = store.Event{Type: store.Modified, KV: kv, PrevValue: cur.Value}
			h.last[k] = kv
		}
		rev++
		h.events = append(h.events, ev)
	}
	return h
}

// TestSlowWatcherCompacted: a watcher that fell behind and whose position
// is compacted meanwhile ends with ErrExpired, never with a silent gap.
func TestSlowWatcherCompacted(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, &Options{NoSync: true, WatchBuffer: 2, Retention: -1})
	w, err := s.Watch(ctx, "/registry/", 0)
	if err != nil {
		t.Fatal(err)
	}
	// More writes than one catch-up read (watchCatchUpChunk) holds.
	randomHistory(t, s, rand.New(rand.NewPCG(7, 8)), 2*watchCatchUpChunk+500)
	head, _ := s.Revision(ctx)
	if err := s.Compact(ctx, head); err != nil {
		t.Fatal(err)
	}
	n := 0
	var last int64
	for ev := range w.Events() {
		if ev.KV.ModRevision != last+1 && last != 0 {
			t.Fatalf("gap: event %d after %d", ev.KV.ModRevision, last)
		}
		last = ev.KV.ModRevision
		n++
	}
	if err := w.Err(); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("Err = %v after %d events, want ErrExpired", err, n)
	}
	if n >= 2*watchCatchUpChunk+500 {
		t.Fatalf("got all %d events although the watcher was compacted", n)
	}
}

func TestWatchEnds(t *testing.T) {
	tests := []struct {
		name    string
		end     func(s *Store, w store.Watcher, cancel context.CancelFunc)
		wantErr error
	}{
		{"context cancelled", func(_ *Store, _ store.Watcher, cancel context.CancelFunc) { cancel() }, nil},
		{"stopped", func(_ *Store, w store.Watcher, _ context.CancelFunc) { w.Stop(); w.Stop() }, nil},
		{"store closed", func(s *Store, _ store.Watcher, _ context.CancelFunc) { _ = s.Close() }, store.ErrClosed},
	}
	for _, tt := range tests {
		for _, from := range []int64{0, 1} { // live, and catching up (WatchBuffer 1)
			t.Run(fmt.Sprintf("%s from %d", tt.name, from), func(t *testing.T) {
				s, _ := openStore(t, &Options{NoSync: true, WatchBuffer: 1})
				for i := range 5 {
					if _, err := s.Create(context.Background(), fmt.Sprintf("/registry/%d", i), nil); err != nil {
						t.Fatal(err)
					}
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				w, err := s.Watch(ctx, "/registry/", from)
				if err != nil {
					t.Fatal(err)
				}
				tt.end(s, w, cancel)
				if err := waitClosed(t, w); !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
					t.Errorf("Err = %v, want %v", err, tt.wantErr)
				}
			})
		}
	}
}

func TestWatchFuture(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, &Options{NoSync: true})
	head, _ := s.Revision(ctx)
	w, err := s.Watch(ctx, "/registry/", head+2)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for i := range 4 {
		if _, err := s.Create(ctx, fmt.Sprintf("/registry/%d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	got := receive(t, w, 2)
	if got[0].KV.ModRevision != head+3 || got[1].KV.ModRevision != head+4 {
		t.Errorf("events at %d, %d; want %d, %d", got[0].KV.ModRevision, got[1].KV.ModRevision, head+3, head+4)
	}
}

// TestReopen: the revision sequence continues after a restart and a watch
// resumes from a revision written before it.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "spar.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := randomHistory(t, s, rand.New(rand.NewPCG(9, 10)), 50)
	head, _ := s.Revision(ctx)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "/registry/a/1"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Get after Close: err = %v, want ErrClosed", err)
	}
	if _, err := s.Create(ctx, "/registry/new", nil); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Create after Close: err = %v, want ErrClosed", err)
	}
	s, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rev, _ := s.Revision(ctx); rev != head {
		t.Fatalf("reopened at revision %d, want %d", rev, head)
	}
	w, err := s.Watch(ctx, "/registry/", 10)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	kv, err := s.Create(ctx, "/registry/after", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if kv.ModRevision != head+1 {
		t.Errorf("first write after reopen at %d, want %d", kv.ModRevision, head+1)
	}
	want := append(eventsUnder(h.events, "/registry/", 10), store.Event{Type: store.Added, KV: kv})
	if d := diffEvents(receive(t, w, len(want)), want); d != "" {
		t.Fatal(d)
	}
}

func TestAutomaticCompaction(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, &Options{NoSync: true, Retention: 20 * time.Millisecond, CompactionInterval: 5 * time.Millisecond})
	kv, err := s.Create(ctx, "/registry/x", []byte("1"))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for s.compacted.Load() < kv.ModRevision {
		if time.Now().After(deadline) {
			t.Fatalf("compacted revision still %d, want >= %d", s.compacted.Load(), kv.ModRevision)
		}
		// Writes keep revisions moving, so there is something to compact.
		if _, err := s.Update(ctx, "/registry/x", []byte("2"), 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.List(ctx, "/registry/", store.ListOptions{Revision: kv.ModRevision - 1}); !errors.Is(err, store.ErrExpired) {
		t.Errorf("list below the compacted revision: err = %v, want ErrExpired", err)
	}
	if _, err := s.Watch(ctx, "/registry/", kv.ModRevision-1); !errors.Is(err, store.ErrExpired) {
		t.Errorf("watch below the compacted revision: err = %v, want ErrExpired", err)
	}
	if got, err := s.Get(ctx, "/registry/x"); err != nil || string(got.Value) != "2" {
		t.Errorf("Get after compaction = %q, %v; want 2", got.Value, err)
	}
}

// TestConcurrentListsAreSnapshots runs paged lists while writers change
// the keys, then checks every list against the state rebuilt from the
// acknowledged writes at the list's revision.
func TestConcurrentListsAreSnapshots(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, &Options{NoSync: true})
	type write struct {
		key string
		val string
	}
	var mu sync.Mutex
	writes := map[int64]write{}
	const writers, keysEach, rounds = 4, 5, 60
	for w := range writers {
		for k := range keysEach {
			key := fmt.Sprintf("/registry/snap/%d-%d", w, k)
			kv, err := s.Create(ctx, key, []byte("0"))
			if err != nil {
				t.Fatal(err)
			}
			writes[kv.ModRevision] = write{key, "0"}
		}
	}
	type listing struct {
		rev   int64
		items []store.KV
	}
	var lists []listing
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				key := fmt.Sprintf("/registry/snap/%d-%d", w, r%keysEach)
				val := fmt.Sprint(r + 1)
				kv, err := s.Update(ctx, key, []byte(val), 0)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				writes[kv.ModRevision] = write{key, val}
				mu.Unlock()
			}
		})
	}
	var reader sync.WaitGroup
	reader.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			items, rev, err := listAll(ctx, s, "/registry/snap/", 0, 3)
			if err != nil {
				t.Error(err)
				return
			}
			lists = append(lists, listing{rev, items})
		}
	})
	wg.Wait()
	close(done)
	reader.Wait()
	if len(lists) == 0 {
		t.Fatal("no list ran")
	}
	for _, l := range lists {
		state := map[string]store.KV{}
		for rev, w := range writes {
			if rev <= l.rev && rev > state[w.key].ModRevision {
				state[w.key] = store.KV{Key: w.key, Value: []byte(w.val), ModRevision: rev}
			}
		}
		want := itemsUnder(state, "/registry/snap/")
		if len(l.items) != len(want) {
			t.Fatalf("list at %d: %d items, want %d", l.rev, len(l.items), len(want))
		}
		for i := range want {
			g := l.items[i]
			if g.Key != want[i].Key || g.ModRevision != want[i].ModRevision || !bytes.Equal(g.Value, want[i].Value) {
				t.Fatalf("list at %d: item %d = %s@%d=%s, want %s@%d=%s", l.rev, i, g.Key, g.ModRevision, g.Value, want[i].Key, want[i].ModRevision, want[i].Value)
			}
		}
	}
}

// TestRequestProgressWhenBehind asks a watcher whose buffer is full for
// progress: the Progress event comes after every pending change.
func TestRequestProgressWhenBehind(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t, &Options{NoSync: true, WatchBuffer: 2})
	w, err := s.Watch(ctx, "/registry/", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	h := randomHistory(t, s, rand.New(rand.NewPCG(11, 12)), 50)
	head, _ := s.Revision(ctx)
	for round := range 2 {
		if err := w.(store.ProgressRequester).RequestProgress(ctx); err != nil {
			t.Fatal(err)
		}
		var got []store.Event
		for {
			ev := receive(t, w, 1)[0]
			if ev.Type == store.Progress {
				if ev.KV.ModRevision < head {
					t.Fatalf("round %d: Progress at %d, want >= %d", round, ev.KV.ModRevision, head)
				}
				break
			}
			got = append(got, ev)
		}
		want := h.events
		if round > 0 {
			want = nil
		}
		if d := diffEvents(got, want); d != "" {
			t.Fatalf("round %d: events before Progress: %s", round, d)
		}
	}
	w.Stop()
	if err := w.(store.ProgressRequester).RequestProgress(ctx); err == nil {
		t.Error("RequestProgress on a stopped watch: err = nil")
	}
}
