package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/spar-dev/spar/store"
)

// RunCRUD checks Create, Get, Update, Delete and Revision on single keys:
// returned KVs, revisions (each write bumps the global revision by exactly
// one, failed writes and reads by zero), ErrExists, ErrNotFound, ErrConflict
// with its *store.ConflictError, unconditional writes, re-creation, value
// copying, concurrent writers and compare-and-swap under contention, and
// ErrClosed after Close.
func RunCRUD(t *testing.T, f Factory) {
	s, _ := open(t, f)
	const base = "/registry/storetest-crud/"
	t.Run("Create", func(t *testing.T) { testCreate(t, s, base+"create/x") })
	t.Run("CreateExisting", func(t *testing.T) { testCreateExisting(t, s, base+"create-existing/x") })
	t.Run("GetMissing", func(t *testing.T) { testGetMissing(t, s, base+"get-missing/") })
	t.Run("Update", func(t *testing.T) { testConditionalWrite(t, s, base+"update/", false) })
	t.Run("Delete", func(t *testing.T) { testConditionalWrite(t, s, base+"delete/", true) })
	t.Run("Recreate", func(t *testing.T) { testRecreate(t, s, base+"recreate/x") })
	t.Run("RevisionSequence", func(t *testing.T) { testRevisionSequence(t, s, base+"sequence/") })
	t.Run("ValuesCopied", func(t *testing.T) { testValuesCopied(t, s, base+"copied/") })
	t.Run("ConcurrentCreates", func(t *testing.T) { testConcurrentCreates(t, s, base+"concurrent/") })
	t.Run("ConcurrentCAS", func(t *testing.T) { testConcurrentCAS(t, s, base+"cas/counter") })
	t.Run("Closed", func(t *testing.T) { testClosed(t, f) })
}

func testCreate(t *testing.T, s store.Store, key string) {
	before := mustRev(t, s)
	got, err := s.Create(t.Context(), key, []byte("v1"))
	if err != nil {
		t.Fatalf("Create(%q): %v", key, err)
	}
	want := store.KV{Key: key, Value: []byte("v1"), CreateRevision: before + 1, ModRevision: before + 1}
	if !kvEqual(got, want) {
		t.Errorf("Create(%q) = %s, want %s (the revision before was %d; a write bumps it by one)", key, fmtKV(got), fmtKV(want), before)
	}
	checkRev(t, s, got.ModRevision, "Create")
	checkGet(t, s, key, &want)
}

func testCreateExisting(t *testing.T, s store.Store, key string) {
	orig := mustCreate(t, s, key, "first")
	before := mustRev(t, s)
	_, err := s.Create(t.Context(), key, []byte("second"))
	wantErr(t, "Create of an existing key", err, store.ErrExists)
	checkRev(t, s, before, "a failed Create")
	checkGet(t, s, key, &orig)
}

func testGetMissing(t *testing.T, s store.Store, base string) {
	_, err := s.Get(t.Context(), base+"never")
	wantErr(t, "Get of a key never created", err, store.ErrNotFound)

	kv := mustCreate(t, s, base+"deleted", "v")
	mustDelete(t, s, base+"deleted", kv.ModRevision)
	_, err = s.Get(t.Context(), base+"deleted")
	wantErr(t, "Get of a deleted key", err, store.ErrNotFound)
}

// testConditionalWrite covers the expected-revision semantics shared by
// Update and Delete.
func testConditionalWrite(t *testing.T, s store.Store, base string, isDelete bool) {
	opName := "Update"
	if isDelete {
		opName = "Delete"
	}
	do := func(ctx context.Context, key string, expected int64) (store.KV, error) {
		if isDelete {
			return s.Delete(ctx, key, expected)
		}
		return s.Update(ctx, key, []byte("new"), expected)
	}
	cases := []struct {
		name string
		// state of the key before the call: present (after a create and an
		// update), deleted, or never created.
		deleted, never bool
		// expected picks the revision to pass from the key's current and
		// previous (stale) KV.
		expected func(cur, stale store.KV) int64
		wantErr  error
	}{
		{name: "current revision", expected: func(cur, _ store.KV) int64 { return cur.ModRevision }},
		{name: "stale revision", expected: func(_, stale store.KV) int64 { return stale.ModRevision }, wantErr: store.ErrConflict},
		{name: "future revision", expected: func(cur, _ store.KV) int64 { return cur.ModRevision + 1000 }, wantErr: store.ErrConflict},
		{name: "zero is unconditional", expected: func(store.KV, store.KV) int64 { return 0 }},
		{name: "negative is unconditional", expected: func(store.KV, store.KV) int64 { return -1 }},
		{name: "deleted key unconditional", deleted: true, expected: func(store.KV, store.KV) int64 { return 0 }, wantErr: store.ErrNotFound},
		{name: "deleted key at its last revision", deleted: true, expected: func(cur, _ store.KV) int64 { return cur.ModRevision }, wantErr: store.ErrNotFound},
		{name: "never created unconditional", never: true, expected: func(store.KV, store.KV) int64 { return 0 }, wantErr: store.ErrNotFound},
		{name: "never created with a revision", never: true, expected: func(store.KV, store.KV) int64 { return 1 }, wantErr: store.ErrNotFound},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := fmt.Sprintf("%s%02d", base, i)
			var cur, stale store.KV
			if !tc.never {
				stale = mustCreate(t, s, key, "v0")
				cur = mustUpdate(t, s, key, "v1", stale.ModRevision)
				if tc.deleted {
					mustDelete(t, s, key, cur.ModRevision)
				}
			}
			before := mustRev(t, s)
			expected := tc.expected(cur, stale)
			got, err := do(t.Context(), key, expected)
			call := fmt.Sprintf("%s(%q, expected %d)", opName, key, expected)

			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("%s: err = %v, want %v", call, err, tc.wantErr)
				}
				checkRev(t, s, before, "a failed "+opName)
				if tc.deleted || tc.never {
					checkGet(t, s, key, nil)
					return
				}
				checkGet(t, s, key, &cur)
				var ce *store.ConflictError
				if !errors.As(err, &ce) {
					t.Fatalf("%s: err = %v, want a *store.ConflictError in its chain", call, err)
				}
				if !kvEqual(ce.Current, cur) {
					t.Errorf("%s: ConflictError.Current = %s, want the current %s", call, fmtKV(ce.Current), fmtKV(cur))
				}
				return
			}

			if err != nil {
				t.Fatalf("%s: %v", call, err)
			}
			want := store.KV{Key: key, Value: []byte("new"), CreateRevision: cur.CreateRevision, ModRevision: before + 1}
			if isDelete {
				want.Value = cur.Value // Delete returns the last value
			}
			if !kvEqual(got, want) {
				t.Errorf("%s = %s, want %s", call, fmtKV(got), fmtKV(want))
			}
			checkRev(t, s, before+1, opName)
			if isDelete {
				checkGet(t, s, key, nil)
			} else {
				checkGet(t, s, key, &want)
			}
		})
	}
}

func testRecreate(t *testing.T, s store.Store, key string) {
	c1 := mustCreate(t, s, key, "one")
	d := mustDelete(t, s, key, c1.ModRevision)
	c2 := mustCreate(t, s, key, "two")
	if c2.CreateRevision <= d.ModRevision || c2.CreateRevision != c2.ModRevision {
		t.Errorf("re-Create after Delete at %d = %s, want a new CreateRevision == ModRevision > %d", d.ModRevision, fmtKV(c2), d.ModRevision)
	}
	// A revision from the key's previous life must not match the new one.
	_, err := s.Update(t.Context(), key, []byte("x"), c1.ModRevision)
	wantErr(t, "Update with the revision of the deleted incarnation", err, store.ErrConflict)
	_, err = s.Delete(t.Context(), key, c1.ModRevision)
	wantErr(t, "Delete with the revision of the deleted incarnation", err, store.ErrConflict)
	checkGet(t, s, key, &c2)
}

// testRevisionSequence interleaves writes on several keys with failing writes
// and reads: every successful write bumps the global revision by exactly one,
// everything else leaves it alone, and Revision() is the last write's.
func testRevisionSequence(t *testing.T, s store.Store, base string) {
	ctx := t.Context()
	rev := mustRev(t, s)
	// step runs a write that must succeed with the next revision.
	step := func(what string, write func() (store.KV, error)) store.KV {
		t.Helper()
		kv, err := write()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if kv.ModRevision != rev+1 {
			t.Errorf("%s: ModRevision = %d, want %d (previous revision + 1)", what, kv.ModRevision, rev+1)
		}
		rev = kv.ModRevision
		checkRev(t, s, rev, what)
		return kv
	}
	// noop runs a read or a failing write that must leave the revision alone.
	noop := func(what string, want error, call func() error) {
		t.Helper()
		if err := call(); (want == nil && err != nil) || (want != nil && !errors.Is(err, want)) {
			t.Errorf("%s: err = %v, want %v", what, err, want)
		}
		checkRev(t, s, rev, what)
	}
	a, b := base+"a", base+"b"
	ka := step("Create a", func() (store.KV, error) { return s.Create(ctx, a, []byte("a1")) })
	kb := step("Create b", func() (store.KV, error) { return s.Create(ctx, b, []byte("b1")) })
	noop("Create a again", store.ErrExists, func() error { _, err := s.Create(ctx, a, []byte("x")); return err })
	ka = step("Update a", func() (store.KV, error) { return s.Update(ctx, a, []byte("a2"), ka.ModRevision) })
	noop("Update b with a's revision", store.ErrConflict, func() error { _, err := s.Update(ctx, b, []byte("x"), ka.ModRevision); return err })
	noop("Get a", nil, func() error { _, err := s.Get(ctx, a); return err })
	noop("List", nil, func() error { _, err := s.List(ctx, base, store.ListOptions{}); return err })
	noop("Watch", nil, func() error {
		w, err := s.Watch(ctx, base, 0)
		if err == nil {
			w.Stop()
		}
		return err
	})
	step("Delete b", func() (store.KV, error) { return s.Delete(ctx, b, kb.ModRevision) })
	noop("Delete b again", store.ErrNotFound, func() error { _, err := s.Delete(ctx, b, 0); return err })
	noop("Update b (absent)", store.ErrNotFound, func() error { _, err := s.Update(ctx, b, []byte("x"), 0); return err })
	step("Create b again", func() (store.KV, error) { return s.Create(ctx, b, []byte("b2")) })
	step("Update a unconditionally", func() (store.KV, error) { return s.Update(ctx, a, []byte("a3"), 0) })
	step("Delete a unconditionally", func() (store.KV, error) { return s.Delete(ctx, a, 0) })
}

// testValuesCopied checks that the store owns its values: mutating a slice
// passed in or handed out never changes what the store holds.
func testValuesCopied(t *testing.T, s store.Store, base string) {
	ctx := t.Context()
	key := base + "k"
	scribble := func(b []byte) {
		for i := range b {
			b[i] = '#'
		}
	}
	in := []byte("original")
	kv, err := s.Create(ctx, key, in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	scribble(in)
	scribble(kv.Value)
	want := store.KV{Key: key, Value: []byte("original"), CreateRevision: kv.CreateRevision, ModRevision: kv.ModRevision}
	checkGet(t, s, key, &want)

	got := mustGet(t, s, key)
	scribble(got.Value)
	checkGet(t, s, key, &want)

	res, err := s.List(ctx, base, store.ListOptions{})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("List(%q) = %d items, %v; want 1 item", base, len(res.Items), err)
	}
	scribble(res.Items[0].Value)
	checkGet(t, s, key, &want)

	w := mustWatch(t, s, base, 0)
	in = []byte("updated")
	upd, err := s.Update(ctx, key, in, kv.ModRevision)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	scribble(in)
	scribble(upd.Value)
	evs, err := collect(w, upd.ModRevision)
	if err != nil {
		t.Fatal(err)
	}
	scribble(evs[len(evs)-1].KV.Value)
	scribble(evs[len(evs)-1].PrevValue)
	want = store.KV{Key: key, Value: []byte("updated"), CreateRevision: kv.CreateRevision, ModRevision: upd.ModRevision}
	checkGet(t, s, key, &want)
	old, err := s.List(ctx, base, store.ListOptions{Revision: kv.ModRevision})
	if err != nil || len(old.Items) != 1 || string(old.Items[0].Value) != "original" {
		t.Errorf("List at revision %d after scribbling on an event's PrevValue = %v, %v; want the value \"original\"", kv.ModRevision, old.Items, err)
	}

	del, err := s.Delete(ctx, key, upd.ModRevision)
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	scribble(del.Value)
	old, err = s.List(ctx, base, store.ListOptions{Revision: upd.ModRevision})
	if err != nil || len(old.Items) != 1 || string(old.Items[0].Value) != "updated" {
		t.Errorf("List at revision %d after scribbling on Delete's value = %v, %v; want the value \"updated\"", upd.ModRevision, old.Items, err)
	}
}

// testConcurrentCreates runs writers in parallel (a group-committing backend
// batches them) and checks that each write still got its own revision, with
// no gaps.
func testConcurrentCreates(t *testing.T, s store.Store, base string) {
	const writers, perWriter = 8, 10
	rec := newRecorder(s)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				key := fmt.Sprintf("%sw%d-%d", base, w, i)
				if _, err := rec.create(t.Context(), key, []byte(key)); err != nil {
					errs <- fmt.Errorf("Create(%q): %w", key, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	h := rec.history(t)
	if len(h.events) != writers*perWriter {
		t.Fatalf("%d creates acknowledged, want %d", len(h.events), writers*perWriter)
	}
	h.checkContiguous(t)
	checkRev(t, s, h.last(), "the concurrent creates")
	for _, e := range h.events {
		checkGet(t, s, e.KV.Key, &e.KV)
	}
}

// testConcurrentCAS has workers increment one counter with read-modify-write
// and retry on conflict, using ConflictError.Current as the fresh state. Two
// updates with the same expected revision must never both succeed (a lost
// update), even when a backend commits them in one batch.
func testConcurrentCAS(t *testing.T, s store.Store, key string) {
	const workers, increments = 8, 5
	kv := mustCreate(t, s, key, "0")
	var (
		mu      sync.Mutex
		written []int
		wg      sync.WaitGroup
	)
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			cur := kv
			for done, attempts := 0, 0; done < increments; attempts++ {
				if attempts > 100*workers*increments {
					errs <- fmt.Errorf("no progress after %d attempts", attempts)
					return
				}
				n, err := strconv.Atoi(string(cur.Value))
				if err != nil {
					errs <- fmt.Errorf("counter value %s: %v", fmtValue(cur.Value), err)
					return
				}
				next, err := s.Update(t.Context(), key, []byte(strconv.Itoa(n+1)), cur.ModRevision)
				var ce *store.ConflictError
				switch {
				case err == nil:
					cur = next
					done++
					mu.Lock()
					written = append(written, n+1)
					mu.Unlock()
				case errors.As(err, &ce):
					cur = ce.Current
				default:
					errs <- fmt.Errorf("Update(%q, expected %d): %v (want nil or a *store.ConflictError)", key, cur.ModRevision, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	slices.Sort(written)
	for i, v := range written {
		if v != i+1 {
			t.Fatalf("successful increments wrote %v, want each of 1..%d exactly once (two updates with one expected revision both succeeded)", written, workers*increments)
		}
	}
	final := mustGet(t, s, key)
	if string(final.Value) != strconv.Itoa(workers*increments) {
		t.Errorf("counter = %s after %d increments", fmtValue(final.Value), workers*increments)
	}
}

// testClosed checks that every method of a closed store fails with ErrClosed.
func testClosed(t *testing.T, f Factory) {
	s, _ := open(t, f)
	const key = "/registry/storetest-closed/k"
	kv := mustCreate(t, s, key, "v")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ctx := t.Context()
	calls := []struct {
		name string
		call func() error
	}{
		{"Create", func() error { _, err := s.Create(ctx, key+"2", []byte("v")); return err }},
		{"Get", func() error { _, err := s.Get(ctx, key); return err }},
		{"Update", func() error { _, err := s.Update(ctx, key, []byte("v2"), kv.ModRevision); return err }},
		{"Delete", func() error { _, err := s.Delete(ctx, key, kv.ModRevision); return err }},
		{"List", func() error { _, err := s.List(ctx, "/registry/", store.ListOptions{}); return err }},
		{"Watch", func() error {
			w, err := s.Watch(ctx, "/registry/", 0)
			if err == nil {
				w.Stop()
			}
			return err
		}},
		{"Revision", func() error { _, err := s.Revision(ctx); return err }},
		{"Compact", func() error { return s.Compact(ctx, kv.ModRevision) }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: err = %v, want ErrClosed", c.name, err)
		}
	}
	if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
		t.Errorf("second Close: err = %v, want nil or ErrClosed", err)
	}
}
