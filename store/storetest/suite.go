package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"testing"
	"time"

	"github.com/spar-dev/spar/store"
)

// waitTimeout bounds every wait for a watch event or for a watch to end. It
// is a failure bound, not a speed assertion: a healthy backend delivers in
// milliseconds, and a hung one should fail with a message rather than hang
// until the go test timeout.
var waitTimeout = 20 * time.Second

// Factory makes a store over fresh, empty state for one test (use t.TempDir,
// t.Cleanup). Reopen closes s (if not already closed) and opens a new store on
// the same data, simulating a process restart.
//
// Reopen may be called several times; each call closes the store returned
// last (by the factory or the previous reopen) and opens a new one. The suite
// calls reopen with the same t it gave the factory, never a subtest's, so
// cleanups registered on it run when that test ends.
//
// The store must be configured with store.DefaultPrefix and
// store.DefaultMaxValueSize, and must not compact on its own while a test
// runs (the default retention of minutes is fine). The suite closes some
// stores itself, so the cleanup the factory registers must tolerate a store
// that is already closed.
type Factory func(t testing.TB) (s store.Store, reopen func(t testing.TB) store.Store)

// RunAll runs every conformance test below as a subtest.
func RunAll(t *testing.T, f Factory) {
	t.Run("CRUD", func(t *testing.T) { RunCRUD(t, f) })
	t.Run("List", func(t *testing.T) { RunList(t, f) })
	t.Run("Watch", func(t *testing.T) { RunWatch(t, f) })
	t.Run("Compaction", func(t *testing.T) { RunCompaction(t, f) })
	t.Run("Restart", func(t *testing.T) { RunRestart(t, f) })
	t.Run("BadInput", func(t *testing.T) { RunBadInput(t, f) })
	t.Run("Linearizability", func(t *testing.T) { RunLinearizability(t, f) })
}

// open calls the factory and rejects a nil store up front, so that a broken
// factory fails with a message instead of a nil dereference deep in a test.
func open(t testing.TB, f Factory) (store.Store, func(testing.TB) store.Store) {
	t.Helper()
	s, reopen := f(t)
	if s == nil {
		t.Fatal("storetest: the Factory returned a nil Store")
	}
	return s, reopen
}

func mustCreate(t testing.TB, s store.Store, key, value string) store.KV {
	t.Helper()
	kv, err := s.Create(t.Context(), key, []byte(value))
	if err != nil {
		t.Fatalf("Create(%q): %v", key, err)
	}
	return kv
}

func mustUpdate(t testing.TB, s store.Store, key, value string, expected int64) store.KV {
	t.Helper()
	kv, err := s.Update(t.Context(), key, []byte(value), expected)
	if err != nil {
		t.Fatalf("Update(%q, expected %d): %v", key, expected, err)
	}
	return kv
}

func mustDelete(t testing.TB, s store.Store, key string, expected int64) store.KV {
	t.Helper()
	kv, err := s.Delete(t.Context(), key, expected)
	if err != nil {
		t.Fatalf("Delete(%q, expected %d): %v", key, expected, err)
	}
	return kv
}

func mustGet(t testing.TB, s store.Store, key string) store.KV {
	t.Helper()
	kv, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return kv
}

func mustRev(t testing.TB, s store.Store) int64 {
	t.Helper()
	rev, err := s.Revision(t.Context())
	if err != nil {
		t.Fatalf("Revision: %v", err)
	}
	return rev
}

func mustWatch(t testing.TB, s store.Store, prefix string, from int64) store.Watcher {
	t.Helper()
	w, err := s.Watch(t.Context(), prefix, from)
	if err != nil {
		t.Fatalf("Watch(%q, %d): %v", prefix, from, err)
	}
	t.Cleanup(w.Stop)
	return w
}

// checkRev fails the test unless the store's revision is want; what says which
// operation should have left it there.
func checkRev(t testing.TB, s store.Store, want int64, what string) {
	t.Helper()
	if got := mustRev(t, s); got != want {
		t.Errorf("Revision() after %s = %d, want %d", what, got, want)
	}
}

// checkGet fails the test unless key holds want (or is absent if want is nil).
func checkGet(t testing.TB, s store.Store, key string, want *store.KV) {
	t.Helper()
	got, err := s.Get(t.Context(), key)
	switch {
	case want == nil && !errors.Is(err, store.ErrNotFound):
		t.Errorf("Get(%q) = %s, %v; want ErrNotFound", key, fmtKV(got), err)
	case want != nil && err != nil:
		t.Errorf("Get(%q): %v; want %s", key, err, fmtKV(*want))
	case want != nil && !kvEqual(got, *want):
		t.Errorf("Get(%q) = %s, want %s", key, fmtKV(got), fmtKV(*want))
	}
}

func wantErr(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: err = %v, want %v", what, err, target)
	}
}

func kvEqual(a, b store.KV) bool {
	return a.Key == b.Key && bytes.Equal(a.Value, b.Value) &&
		a.CreateRevision == b.CreateRevision && a.ModRevision == b.ModRevision
}

func eventEqual(a, b store.Event) bool {
	return a.Type == b.Type && kvEqual(a.KV, b.KV) && bytes.Equal(a.PrevValue, b.PrevValue)
}

func fmtValue(v []byte) string {
	if v == nil {
		return "nil"
	}
	if len(v) <= 40 {
		return strconv.Quote(string(v))
	}
	return fmt.Sprintf("<%d bytes, crc %08x>", len(v), crc32.ChecksumIEEE(v))
}

func fmtKV(kv store.KV) string {
	return fmt.Sprintf("{%s value=%s create=%d mod=%d}", kv.Key, fmtValue(kv.Value), kv.CreateRevision, kv.ModRevision)
}

func fmtEvent(e store.Event) string {
	return fmt.Sprintf("%s %s prev=%s", e.Type, fmtKV(e.KV), fmtValue(e.PrevValue))
}

// diffKVs describes the first difference between two key lists, or returns "".
func diffKVs(got, want []store.KV) string {
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			return fmt.Sprintf("got %d items, want %d; first missing: %s", len(got), len(want), fmtKV(want[i]))
		case i >= len(want):
			return fmt.Sprintf("got %d items, want %d; first extra: %s", len(got), len(want), fmtKV(got[i]))
		case !kvEqual(got[i], want[i]):
			return fmt.Sprintf("item %d: got %s, want %s", i, fmtKV(got[i]), fmtKV(want[i]))
		}
	}
	return ""
}

// diffEvents describes the first difference between two event streams, or
// returns "".
func diffEvents(got, want []store.Event) string {
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			return fmt.Sprintf("got %d events, want %d; first missing: %s", len(got), len(want), fmtEvent(want[i]))
		case i >= len(want):
			return fmt.Sprintf("got %d events, want %d; first extra: %s", len(got), len(want), fmtEvent(got[i]))
		case !eventEqual(got[i], want[i]):
			return fmt.Sprintf("event %d of %d: got %s, want %s", i, len(want), fmtEvent(got[i]), fmtEvent(want[i]))
		}
	}
	return ""
}

// collect reads w until a change with revision >= through arrives, and
// returns the changes read. It fails if the watch ends first or no change
// arrives for waitTimeout. Safe to call from any goroutine.
func collect(w store.Watcher, through int64) ([]store.Event, error) {
	return collectUntil(w, func(ev store.Event) bool { return ev.KV.ModRevision >= through },
		fmt.Sprintf("revision %d", through))
}

// collectUntil reads w until done returns true for a change (what names that
// change in errors), and returns the changes read.
//
// Progress events are checked and left out: a Progress event at revision P
// promises that every change up to P was delivered, so a later change at or
// below P, or a later Progress event below P, is an error. Progress events do
// not count as progress towards the wait bound, so a backend that sends them
// while the awaited change never comes still fails.
func collectUntil(w store.Watcher, done func(store.Event) bool, what string) ([]store.Event, error) {
	var (
		got      []store.Event
		progress int64
	)
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				return got, fmt.Errorf("watch ended after %d events, before %s: Err() = %v", len(got), what, w.Err())
			}
			if err := checkProgress(&progress, ev); err != nil {
				return got, err
			}
			if ev.Type == store.Progress {
				continue
			}
			got = append(got, ev)
			if done(ev) {
				return got, nil
			}
			timer.Reset(waitTimeout)
		case <-timer.C:
			last := "none"
			if len(got) > 0 {
				last = fmtEvent(got[len(got)-1])
			}
			return got, fmt.Errorf("no event for %v while waiting for %s (got %d events, last %s)", waitTimeout, what, len(got), last)
		}
	}
}

// checkProgress checks ev against the highest Progress revision seen so far
// on its watch and records ev's if it is a Progress event.
func checkProgress(progress *int64, ev store.Event) error {
	switch {
	case ev.Type == store.Progress && ev.KV.ModRevision < *progress:
		return fmt.Errorf("Progress event at revision %d after one at %d: progress went backwards", ev.KV.ModRevision, *progress)
	case ev.Type == store.Progress:
		*progress = ev.KV.ModRevision
	case ev.KV.ModRevision <= *progress:
		return fmt.Errorf("%s delivered after a Progress event at revision %d, which promised every change up to it", fmtEvent(ev), *progress)
	}
	return nil
}

// drain reads w until its channel is closed and returns the changes it read
// (Progress events are checked as by collectUntil and left out). It fails if
// the channel stays open for waitTimeout without a change.
func drain(w store.Watcher) ([]store.Event, error) {
	var (
		got      []store.Event
		progress int64
	)
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				return got, nil
			}
			if err := checkProgress(&progress, ev); err != nil {
				return got, err
			}
			if ev.Type != store.Progress {
				got = append(got, ev)
				timer.Reset(waitTimeout)
			}
		case <-timer.C:
			return got, fmt.Errorf("watch channel still open %v after the watch should have ended (%d events read)", waitTimeout, len(got))
		}
	}
}

// expectEvents reads w through the last wanted event and compares.
func expectEvents(t testing.TB, w store.Watcher, want []store.Event) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("storetest: expectEvents needs at least one event (write a fence)")
	}
	got, err := collect(w, want[len(want)-1].KV.ModRevision)
	if err != nil {
		t.Fatalf("%v; want %d events ending with %s", err, len(want), fmtEvent(want[len(want)-1]))
	}
	if d := diffEvents(got, want); d != "" {
		t.Fatalf("watch events differ: %s", d)
	}
}

// isPrefixOf reports whether got is a prefix of want.
func isPrefixOf(got, want []store.Event) bool {
	if len(got) > len(want) {
		return false
	}
	for i := range got {
		if !eventEqual(got[i], want[i]) {
			return false
		}
	}
	return true
}
