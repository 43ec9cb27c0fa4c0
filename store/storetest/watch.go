package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/store"
)

// RunWatch checks Watch: from now and from every revision of a history
// (exactly the later writes under the prefix, in order, no gaps, no
// duplicates, with the right types, CreateRevision and PrevValue), prefix
// filtering, many watchers from random revisions while writers run, a
// backlog a watcher has not read yet, future start revisions, Stop and
// context cancellation (channel closed, Err nil), Close of the store (Err
// ErrClosed), values up to the size limit, and store.ProgressRequester when
// the Watcher implements it. Progress events are allowed anywhere; their
// promise is checked (see collectUntil).
func RunWatch(t *testing.T, f Factory) {
	s, _ := open(t, f)
	const base = "/registry/storetest-watch/"
	t.Run("FromNow", func(t *testing.T) { testWatchFromNow(t, s, base+"now/") })
	t.Run("FromEveryRevision", func(t *testing.T) { testWatchFromRevisions(t, s, base+"from/") })
	t.Run("Prefix", func(t *testing.T) { testWatchPrefix(t, s, base+"prefix/") })
	t.Run("FutureRevision", func(t *testing.T) { testWatchFuture(t, s, base+"future/") })
	t.Run("Backlog", func(t *testing.T) { testWatchBacklog(t, s, base+"backlog/") })
	t.Run("ConcurrentWatchers", func(t *testing.T) { testWatchConcurrent(t, s, base+"concurrent/") })
	t.Run("Stop", func(t *testing.T) { testWatchStop(t, s, base+"stop/") })
	t.Run("CancelContext", func(t *testing.T) { testWatchCancel(t, s, base+"cancel/") })
	t.Run("BigValues", func(t *testing.T) { testWatchBigValues(t, s, base+"big/") })
	t.Run("RequestProgress", func(t *testing.T) { testWatchProgress(t, s, base+"progress/") })
	t.Run("StoreClose", func(t *testing.T) { testWatchStoreClose(t, f) })
}

// testWatchProgress checks store.ProgressRequester, if the backend's
// Watcher implements it: after a change under a quiet prefix and writes
// elsewhere, a request is answered by a Progress event at or above the
// store's revision at the time of the call, after the pending change.
func testWatchProgress(t *testing.T, s store.Store, base string) {
	quiet := base + "quiet/"
	w := mustWatch(t, s, quiet, 0)
	pr, ok := w.(store.ProgressRequester)
	if !ok {
		t.Skipf("the Watcher (%T) does not implement the optional store.ProgressRequester", w)
	}
	rec := newRecorder(s)
	start := mustRev(t, s)
	rec.mustCreate(t, quiet+"a", "v")
	for i := range 3 {
		mustCreate(t, s, fmt.Sprintf("%sloud/%d", base, i), "v")
	}
	for round := range 2 { // the second request comes with nothing pending
		rev := mustRev(t, s)
		if err := pr.RequestProgress(t.Context()); err != nil {
			t.Fatalf("RequestProgress: %v", err)
		}
		var got []store.Event
		timer := time.NewTimer(waitTimeout)
		for done := false; !done; {
			select {
			case ev, ok := <-w.Events():
				switch {
				case !ok:
					t.Fatalf("watch ended while waiting for a Progress event: Err() = %v", w.Err())
				case ev.Type != store.Progress:
					got = append(got, ev)
				case ev.KV.ModRevision >= rev:
					done = true
				}
			case <-timer.C:
				t.Fatalf("round %d: no Progress event at revision >= %d within %v of RequestProgress", round, rev, waitTimeout)
			}
		}
		timer.Stop()
		want := rec.history(t).after(quiet, start)
		if round > 0 {
			want = nil
		}
		if d := diffEvents(got, want); d != "" {
			t.Errorf("round %d: changes before the Progress event: %s", round, d)
		}
	}
	// The watch goes on normally after the Progress events.
	fence := rec.mustCreate(t, quiet+"fence", "")
	expectEvents(t, w, []store.Event{{Type: store.Added, KV: fence}})
}

func testWatchFromNow(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	before := rec.mustCreate(t, base+"before", "old")
	w := mustWatch(t, s, base, 0)
	a := rec.mustCreate(t, base+"a", "a1")
	rec.mustUpdate(t, base+"a", "a2", a.ModRevision)
	rec.mustDelete(t, base+"before", before.ModRevision)
	rec.mustCreate(t, base+"fence", "")
	h := rec.history(t)
	expectEvents(t, w, h.after(base, before.ModRevision))
	if err := w.Err(); err != nil {
		t.Errorf("Err() of a running watch = %v, want nil", err)
	}
}

// writeMixedHistory writes creates, updates, deletes and re-creates under
// base (some under base+"sub/") interleaved with writes outside base.
func writeMixedHistory(t *testing.T, rec *recorder, base, outside string) {
	a := rec.mustCreate(t, base+"a", "a1")
	rec.mustCreate(t, outside+"x", "x1")
	b := rec.mustCreate(t, base+"sub/b", "b1")
	a = rec.mustUpdate(t, base+"a", "a2", a.ModRevision)
	rec.mustUpdate(t, outside+"x", "x2", 0)
	b = rec.mustUpdate(t, base+"sub/b", "b2", b.ModRevision)
	rec.mustDelete(t, base+"a", a.ModRevision)
	rec.mustCreate(t, base+"a", "a3")
	rec.mustDelete(t, outside+"x", 0)
	rec.mustDelete(t, base+"sub/b", b.ModRevision)
	c := rec.mustCreate(t, base+"c", "c1")
	rec.mustUpdate(t, base+"c", "", c.ModRevision)
	rec.mustUpdate(t, base+"a", "a4", 0)
}

// testWatchFromRevisions starts a watcher from every revision of a mixed
// history and checks each sees exactly the writes after its revision.
func testWatchFromRevisions(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	start := mustRev(t, s)
	writeMixedHistory(t, rec, base+"in/", base+"out/")
	end := mustRev(t, s)
	prefix := base + "in/"
	var froms []int64
	var watchers []store.Watcher
	for from := max(start, 1); from <= end; from++ {
		froms = append(froms, from)
		watchers = append(watchers, mustWatch(t, s, prefix, from))
	}
	rec.mustCreate(t, prefix+"fence", "")
	h := rec.history(t)
	h.checkContiguous(t)
	for i, from := range froms {
		t.Run(fmt.Sprintf("start+%d", from-start), func(t *testing.T) {
			expectEvents(t, watchers[i], h.after(prefix, from))
		})
	}
}

func testWatchPrefix(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	start := mustRev(t, s)
	prefixes := []string{"pods/", "pods", "podsx/", "pods/b/", "pod"}
	watchers := make([]store.Watcher, len(prefixes))
	for i, p := range prefixes {
		watchers[i] = mustWatch(t, s, base+p, start)
	}
	for _, k := range []string{"pod", "pods", "pods/a", "pods/b/c", "podsx/d", "other/e"} {
		rec.mustCreate(t, base+k, k)
	}
	rec.mustUpdate(t, base+"pods/a", "a2", 0)
	rec.mustDelete(t, base+"podsx/d", 0)
	// One fence per shape of prefix, so every watcher ends with one.
	rec.mustCreate(t, base+"podsx/fence", "")
	rec.mustCreate(t, base+"pods/b/fence", "")
	h := rec.history(t)
	for i, p := range prefixes {
		t.Run(p, func(t *testing.T) { expectEvents(t, watchers[i], h.after(base+p, start)) })
	}
}

// testWatchFuture starts a watch from a revision the store has not reached:
// it waits and then delivers only the writes after that revision.
func testWatchFuture(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	cur := mustRev(t, s)
	w := mustWatch(t, s, base, cur+3)
	for i := range 6 {
		rec.mustCreate(t, fmt.Sprintf("%sk%d", base, i), "v")
	}
	h := rec.history(t)
	h.checkContiguous(t)
	want := h.after(base, cur+3)
	if len(want) != 3 {
		t.Fatalf("storetest: %d writes after revision %d, want 3 (did something else write?)", len(want), cur+3)
	}
	expectEvents(t, w, want)
}

// testWatchBacklog lets events pile up while nobody reads, then reads them
// all: a store watcher must not drop or reorder what it has not delivered.
func testWatchBacklog(t *testing.T, s store.Store, base string) {
	const writers, each = 8, 25
	rec := newRecorder(s)
	start := mustRev(t, s)
	w := mustWatch(t, s, base, 0)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			k := fmt.Sprintf("%sk%d", base, i)
			kv, err := rec.create(t.Context(), k, []byte("0"))
			for j := 1; j < each && err == nil; j++ {
				kv, err = rec.update(t.Context(), k, fmt.Appendf(nil, "%d", j), kv.ModRevision)
			}
			if err != nil {
				t.Errorf("write %q: %v", k, err)
			}
		})
	}
	wg.Wait()
	h := rec.history(t)
	h.checkContiguous(t)
	expectEvents(t, w, h.after(base, start))
}

// watchRecord is one watcher of testWatchConcurrent.
type watchRecord struct {
	prefix string
	from   int64 // 0: from now, started between lo and hi
	lo, hi int64
	got    []store.Event
	err    error
}

// testWatchConcurrent starts many watchers from random revisions (and from
// now) while writers run, and checks each one saw exactly the suffix of the
// recorded history for its prefix.
func testWatchConcurrent(t *testing.T, s store.Store, base string) {
	const writers, each, watchersPerStep, steps = 4, 40, 4, 4
	ctx := t.Context()
	rec := newRecorder(s)
	sub := base + "sub/"
	fenceKey := sub + "fence"
	key := func(i int) string {
		if i%2 == 0 {
			return fmt.Sprintf("%sk%d", sub, i)
		}
		return fmt.Sprintf("%sk%d", base, i)
	}
	start := mustRev(t, s)

	var (
		mu      sync.Mutex
		records []*watchRecord
		watchWG sync.WaitGroup
	)
	startWatcher := func(rng *rand.Rand) {
		r := &watchRecord{prefix: base}
		if rng.IntN(2) == 0 {
			r.prefix = sub
		}
		if rng.IntN(4) == 0 {
			r.lo = revisionOrZero(ctx, s)
		} else if acked := rec.acked.Load(); acked > start {
			r.from = start + rng.Int64N(acked-start+1)
		} else {
			r.from = max(start, 1)
		}
		w, err := s.Watch(ctx, r.prefix, r.from)
		if err != nil {
			r.err = fmt.Errorf("Watch(%q, %d): %w", r.prefix, r.from, err)
		} else {
			if r.from == 0 {
				r.hi = revisionOrZero(ctx, s)
			}
			watchWG.Go(func() {
				defer w.Stop()
				r.got, r.err = collectUntil(w, func(ev store.Event) bool { return ev.KV.Key == fenceKey }, "the fence "+fenceKey)
			})
		}
		mu.Lock()
		records = append(records, r)
		mu.Unlock()
	}

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 3))
			for i := range each {
				// Writer 0 starts watchers at a few points of the stream.
				if w == 0 && i%(each/steps) == 0 {
					for range watchersPerStep {
						startWatcher(rng)
					}
				}
				k := key(rng.IntN(8))
				if err := rec.randomWrite(ctx, rng, k, fmt.Appendf(nil, "w%d-%d", w, i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	rec.mustCreate(t, fenceKey, "")
	watchWG.Wait()

	h := rec.history(t)
	h.checkContiguous(t)
	for i, r := range records {
		switch {
		case r.err != nil:
			t.Errorf("watcher %d (%q from %d): %v", i, r.prefix, r.from, r.err)
		case r.from == 0:
			if d := h.matchFromNow(r.prefix, r.lo, r.hi, r.got); d != "" {
				t.Errorf("watcher %d (%q): %s", i, r.prefix, d)
			}
		default:
			if d := diffEvents(r.got, h.after(r.prefix, r.from)); d != "" {
				t.Errorf("watcher %d (%q from %d): %s", i, r.prefix, r.from, d)
			}
		}
	}
	t.Logf("%d watchers checked against %d writes", len(records), len(h.events))
}

// revisionOrZero is Revision for goroutines that must not call t.Fatal; an
// error yields 0, which makes the later comparison fail loudly.
func revisionOrZero(ctx context.Context, s store.Store) int64 {
	rev, _ := s.Revision(ctx)
	return rev
}

// testWatchStop stops watchers, one idle and one with undelivered events:
// both channels close and Err stays nil.
func testWatchStop(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	start := mustRev(t, s)
	idle := mustWatch(t, s, base+"idle/", 0)
	busy := mustWatch(t, s, base, 0)
	for i := range 20 {
		rec.mustCreate(t, fmt.Sprintf("%sk%02d", base, i), "v")
	}
	want := rec.history(t).after(base, start)
	for name, w := range map[string]store.Watcher{"idle": idle, "busy": busy} {
		w.Stop()
		got, err := drain(w)
		if err != nil {
			t.Errorf("%s watcher after Stop: %v", name, err)
		}
		if !isPrefixOf(got, want) {
			t.Errorf("%s watcher delivered events that are not a prefix of the history: %s", name, diffEvents(got, want))
		}
		if err := w.Err(); err != nil {
			t.Errorf("%s watcher: Err() after Stop = %v, want nil", name, err)
		}
		w.Stop() // a second Stop is harmless
	}
}

func testWatchCancel(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	start := mustRev(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w, err := s.Watch(ctx, base, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	rec.mustCreate(t, base+"a", "v")
	rec.mustCreate(t, base+"b", "v")
	cancel()
	got, err := drain(w)
	if err != nil {
		t.Fatalf("after cancelling the watch's context: %v", err)
	}
	if want := rec.history(t).after(base, start); !isPrefixOf(got, want) {
		t.Errorf("events before the cancel are not a prefix of the history: %s", diffEvents(got, want))
	}
	if err := w.Err(); err != nil {
		t.Errorf("Err() after the context was cancelled = %v, want nil", err)
	}
}

// testWatchBigValues streams values of up to the size limit through a
// watch started before the writes.
func testWatchBigValues(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	start := mustRev(t, s)
	w := mustWatch(t, s, base, 0)
	big := func(seed byte, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = seed + byte(i%251)
		}
		return string(b)
	}
	for i := range 3 {
		rec.mustCreate(t, fmt.Sprintf("%sk%d", base, i), big(byte(i), 1<<20))
	}
	rec.mustUpdate(t, base+"k0", big(7, store.DefaultMaxValueSize), 0)
	rec.mustUpdate(t, base+"k1", big(9, store.DefaultMaxValueSize), 0)
	rec.mustDelete(t, base+"k0", 0)
	want := rec.history(t).after(base, start)
	got, err := collect(w, want[len(want)-1].KV.ModRevision)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffEvents(got, want); d != "" {
		t.Error(d)
	}
}

// testWatchStoreClose closes a store under running watchers (one idle, one
// with a backlog, one catching up from an old revision): every channel
// closes and Err is ErrClosed.
func testWatchStoreClose(t *testing.T, f Factory) {
	s, _ := open(t, f)
	const base = "/registry/storetest-watch-close/"
	rec := newRecorder(s)
	start := mustRev(t, s)
	for i := range 10 {
		rec.mustCreate(t, fmt.Sprintf("%sk%d", base, i), "v")
	}
	created := mustRev(t, s)
	ws := map[string]store.Watcher{
		"idle":     mustWatch(t, s, base+"idle/", 0),
		"backlog":  mustWatch(t, s, base, 0),
		"catch-up": mustWatch(t, s, base, max(start, 1)),
	}
	for i := range 10 {
		rec.mustUpdate(t, fmt.Sprintf("%sk%d", base, i), "v2", 0)
	}
	want := rec.history(t)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for name, w := range ws {
		got, err := drain(w)
		if err != nil {
			t.Errorf("%s watcher after Close: %v", name, err)
		}
		if err := w.Err(); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s watcher: Err() after the store was closed = %v, want ErrClosed", name, err)
		}
		from := max(start, 1)
		if name != "catch-up" {
			from = created // the watches from now started after the creates
		}
		if exp := want.after(base, from); !isPrefixOf(got, exp) {
			t.Errorf("%s watcher: events before Close are not a prefix of the history: %s", name, diffEvents(got, exp))
		}
	}
}
