package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/store"
)

// RunCompaction checks Compact(r) and the boundary it draws. A revision is
// usable, for List and for Watch alike, iff it is >= r:
//
//   - List at a revision < r fails with ErrExpired; at r and later it works
//     and shows the same snapshots as before. So does a continue token: one
//     issued at a revision < r fails with ErrExpired.
//   - Watch(prefix, from) with from < r fails with ErrExpired, from Watch or
//     as the Err of a watch that ends without delivering anything; from r
//     on it delivers every later change, complete with PrevValue. This is
//     store.go's wording ("lists at older revisions and watches from them
//     fail") and one revision stricter than etcd's native watch, which
//     accepts from = r-1 but cannot supply the PrevValue of the change at r
//     (it lies in the compacted history).
//   - A watch that was running (caught up) before the compaction keeps
//     running; a watch that races with the compaction either delivers its
//     whole suffix or ends with ErrExpired after a correct prefix of it.
//   - Compact is not a write (Revision() is unchanged); current data is
//     unaffected; compacting an already compacted revision again is a no-op
//     that returns nil; compacting a revision the store has not reached
//     fails with ErrFutureRevision and changes nothing; compacting the
//     current revision is allowed.
func RunCompaction(t *testing.T, f Factory) {
	t.Run("Boundaries", func(t *testing.T) { testCompactionBoundaries(t, f) })
	t.Run("RacingWatchers", func(t *testing.T) { testCompactionRace(t, f) })
}

// expectExpired checks that Watch(prefix, from), after Compact(compacted)
// with from < compacted, fails with ErrExpired: from Watch itself, or as the
// Err of a watch that ends at once without delivering a change.
func expectExpired(t testing.TB, s store.Store, prefix string, from, compacted int64) {
	t.Helper()
	call := fmt.Sprintf("Watch(%q, %d) after Compact(%d)", prefix, from, compacted)
	const why = "a revision below the compacted one is unusable for Watch as for List; see RunCompaction"
	w, err := s.Watch(t.Context(), prefix, from)
	if err != nil {
		if !errors.Is(err, store.ErrExpired) {
			t.Errorf("%s: err = %v, want ErrExpired", call, err)
		}
		return
	}
	defer w.Stop()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.Events():
			switch {
			case ok && ev.Type == store.Progress:
				continue
			case ok:
				t.Errorf("%s delivered %s, want ErrExpired (%s)", call, fmtEvent(ev), why)
			case !errors.Is(w.Err(), store.ErrExpired):
				t.Errorf("%s ended with Err() = %v, want ErrExpired", call, w.Err())
			}
		case <-timer.C:
			t.Errorf("%s neither failed nor ended within %v, want ErrExpired (%s)", call, waitTimeout, why)
		}
		return
	}
}

func testCompactionBoundaries(t *testing.T, f Factory) {
	s, _ := open(t, f)
	const base = "/registry/storetest-compact/"
	ctx := t.Context()
	rec := newRecorder(s)
	start := mustRev(t, s)
	a := rec.mustCreate(t, base+"a", "a1")
	b := rec.mustCreate(t, base+"b", "b1")
	c := rec.mustCreate(t, base+"c", "c1")
	a = rec.mustUpdate(t, base+"a", "a2", a.ModRevision)
	rec.mustDelete(t, base+"b", b.ModRevision)
	c = rec.mustUpdate(t, base+"c", "c2", c.ModRevision)
	rec.mustUpdate(t, base+"a", "a3", a.ModRevision) // the compaction point
	rec.mustCreate(t, base+"b", "b2")
	rec.mustDelete(t, base+"c", c.ModRevision)
	rec.mustUpdate(t, base+"a", "a4", 0)
	rec.mustCreate(t, base+"d", "d1")
	rec.mustUpdate(t, base+"b", "b3", 0)
	h := rec.history(t)
	h.checkContiguous(t)
	r, cur := h.events[6].KV.ModRevision, h.last()

	// A watch that is caught up before the compaction must survive it.
	running := mustWatch(t, s, base, h.first())
	expectEvents(t, running, h.after(base, h.first()))
	// Continue tokens issued below and at the compaction revision.
	pageBelow, err := s.List(ctx, base, store.ListOptions{Revision: r - 1, Limit: 1})
	if err != nil || pageBelow.Continue == "" {
		t.Fatalf("List at %d, limit 1: continue %q, %v; want a token", r-1, pageBelow.Continue, err)
	}
	pageAt, err := s.List(ctx, base, store.ListOptions{Revision: r, Limit: 1})
	if err != nil || pageAt.Continue == "" {
		t.Fatalf("List at %d, limit 1: continue %q, %v; want a token", r, pageAt.Continue, err)
	}

	if err := s.Compact(ctx, r); err != nil {
		t.Fatalf("Compact(%d): %v", r, err)
	}
	checkRev(t, s, cur, "Compact (not a write)")

	t.Run("ListBelow", func(t *testing.T) {
		for rev := max(start, 1); rev < r; rev++ {
			_, err := s.List(ctx, base, store.ListOptions{Revision: rev})
			wantErr(t, fmt.Sprintf("List at revision %d after Compact(%d)", rev, r), err, store.ErrExpired)
		}
	})
	t.Run("ListAtAndAbove", func(t *testing.T) {
		for rev := r; rev <= cur; rev++ {
			res, err := s.List(ctx, base, store.ListOptions{Revision: rev})
			if err != nil {
				t.Errorf("List at revision %d after Compact(%d): %v", rev, r, err)
				continue
			}
			if err := checkPages([]store.ListResult{res}, 0, h.at(base, rev)); err != nil {
				t.Errorf("List at revision %d after Compact(%d): %v", rev, r, err)
			}
		}
		for _, kv := range h.at(base, cur) {
			checkGet(t, s, kv.Key, &kv)
		}
	})
	t.Run("Continue", func(t *testing.T) {
		_, err := s.List(ctx, base, store.ListOptions{Limit: 1, Continue: pageBelow.Continue})
		wantErr(t, fmt.Sprintf("continue token of revision %d after Compact(%d)", r-1, r), err, store.ErrExpired)
		rest, err := listPages(ctx, s, base, store.ListOptions{Limit: 1, Continue: pageAt.Continue})
		if err != nil {
			t.Fatalf("continue token of revision %d after Compact(%d): %v", r, r, err)
		}
		if err := checkPages(append([]store.ListResult{pageAt}, rest...), 1, h.at(base, r)); err != nil {
			t.Error(err)
		}
	})
	t.Run("WatchBelow", func(t *testing.T) {
		for from := max(start, 1); from < r; from++ {
			expectExpired(t, s, base, from, r)
		}
	})
	t.Run("WatchAtAndAbove", func(t *testing.T) {
		var froms []int64
		var ws []store.Watcher
		for from := r; from <= cur; from++ {
			froms = append(froms, from)
			ws = append(ws, mustWatch(t, s, base, from))
		}
		fence := rec.mustCreate(t, base+"fence1", "")
		h := rec.history(t)
		for i, from := range froms {
			got, err := collect(ws[i], fence.ModRevision)
			if err != nil {
				t.Errorf("Watch(%q, %d) after Compact(%d): %v", base, from, r, err)
				continue
			}
			if d := diffEvents(got, h.after(base, from)); d != "" {
				t.Errorf("Watch(%q, %d) after Compact(%d): %s", base, from, r, d)
			}
		}
		// The watch running since before the compaction sees the fence too.
		got, err := collect(running, fence.ModRevision)
		if err != nil {
			t.Fatalf("watch started before Compact: %v", err)
		}
		if d := diffEvents(got, h.after(base, cur)); d != "" {
			t.Errorf("watch started before Compact: %s", d)
		}
	})
	t.Run("AgainIsNoop", func(t *testing.T) {
		for _, rev := range []int64{r - 2, r, max(start, 1)} {
			if err := s.Compact(ctx, rev); err != nil {
				t.Errorf("Compact(%d) after Compact(%d): %v, want nil (a no-op)", rev, r, err)
			}
		}
		if _, err := s.List(ctx, base, store.ListOptions{Revision: r}); err != nil {
			t.Errorf("List at %d after compacting older revisions again: %v", r, err)
		}
		_, err := s.List(ctx, base, store.ListOptions{Revision: r - 1})
		wantErr(t, fmt.Sprintf("List at %d", r-1), err, store.ErrExpired)
	})
	t.Run("FutureRevision", func(t *testing.T) {
		now := mustRev(t, s)
		err := s.Compact(ctx, now+1)
		wantErr(t, fmt.Sprintf("Compact(%d) with the current revision %d", now+1, now), err, store.ErrFutureRevision)
		checkRev(t, s, now, "a failed Compact")
		for _, rev := range []int64{r, now} {
			if _, err := s.List(ctx, base, store.ListOptions{Revision: rev}); err != nil {
				t.Errorf("List at %d after a failed Compact(%d): %v", rev, now+1, err)
			}
		}
	})
	t.Run("ToCurrent", func(t *testing.T) {
		now := mustRev(t, s)
		if err := s.Compact(ctx, now); err != nil {
			t.Fatalf("Compact(current revision %d): %v", now, err)
		}
		h := rec.history(t)
		res, err := s.List(ctx, base, store.ListOptions{Revision: now})
		if err != nil {
			t.Fatalf("List at the compacted current revision: %v", err)
		}
		if err := checkPages([]store.ListResult{res}, 0, h.at(base, now)); err != nil {
			t.Error(err)
		}
		_, err = s.List(ctx, base, store.ListOptions{Revision: now - 1})
		wantErr(t, fmt.Sprintf("List at %d after Compact(%d)", now-1, now), err, store.ErrExpired)
		expectExpired(t, s, base, now-1, now)
		atNow := mustWatch(t, s, base, now)
		fromNow := mustWatch(t, s, base, 0)
		next := rec.mustCreate(t, base+"after", "v")
		if next.ModRevision != now+1 {
			t.Errorf("first write after Compact(%d) got revision %d, want %d", now, next.ModRevision, now+1)
		}
		h = rec.history(t)
		expectEvents(t, atNow, h.after(base, now))
		expectEvents(t, fromNow, h.after(base, now))
	})
}

// raceRecord is one watcher of testCompactionRace.
type raceRecord struct {
	from    int64
	slow    bool
	watchOK bool // Watch itself succeeded
	got     []store.Event
	err     error // collect's error (the watch ended early or hung)
	werr    error // Watch's error or the watcher's Err
}

// testCompactionRace starts watchers from old revisions while a compaction
// and new writes happen. Some read eagerly, some only after the compaction.
func testCompactionRace(t *testing.T, f Factory) {
	const base = "/registry/storetest-compact-race/"
	const writers, each, nwatchers = 4, 10, 12
	s, _ := open(t, f)
	ctx := t.Context()
	rec := newRecorder(s)
	start := mustRev(t, s)
	writeBatch := func(round int) {
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				k := fmt.Sprintf("%sk%d", base, w)
				for i := range each {
					v := fmt.Appendf(nil, "r%d-%d", round, i)
					var err error
					if _, err = rec.update(ctx, k, v, 0); errors.Is(err, store.ErrNotFound) {
						_, err = rec.create(ctx, k, v)
					}
					if err != nil {
						t.Errorf("write %q: %v", k, err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	writeBatch(0)
	h0 := rec.history(t)
	lo, mid := max(start, 1), h0.events[len(h0.events)/2].KV.ModRevision
	fenceKey := base + "fence"

	compacted := make(chan struct{})
	records := make([]*raceRecord, nwatchers)
	var wg sync.WaitGroup
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range records {
		r := &raceRecord{from: lo + rng.Int64N(h0.last()-lo+1), slow: i%2 == 1}
		records[i] = r
		wg.Go(func() {
			w, err := s.Watch(ctx, base, r.from)
			if err != nil {
				r.werr = err
				return
			}
			defer w.Stop()
			r.watchOK = true
			if r.slow {
				<-compacted
			}
			r.got, r.err = collectUntil(w, func(ev store.Event) bool { return ev.KV.Key == fenceKey }, "the fence")
			if r.err != nil {
				r.werr = w.Err()
			}
		})
	}
	var compactErr error
	wg.Go(func() {
		defer close(compacted)
		compactErr = s.Compact(ctx, mid)
	})
	writeBatch(1)
	<-compacted
	if compactErr != nil {
		t.Fatalf("Compact(%d): %v", mid, compactErr)
	}
	rec.mustCreate(t, fenceKey, "")
	wg.Wait()

	h := rec.history(t)
	h.checkContiguous(t)
	expired := 0
	for i, r := range records {
		want := h.after(base, r.from)
		name := fmt.Sprintf("watcher %d (from %d, compacted at %d, slow %v)", i, r.from, mid, r.slow)
		ended := !r.watchOK || r.err != nil
		switch {
		case ended && !errors.Is(r.werr, store.ErrExpired):
			t.Errorf("%s ended after %d events: %v, Err %v; want the whole history or ErrExpired", name, len(r.got), r.err, r.werr)
		case ended && r.from >= mid:
			t.Errorf("%s failed with ErrExpired although its revision was not compacted", name)
		case ended && !isPrefixOf(r.got, want):
			t.Errorf("%s: events before ErrExpired are not a prefix of the history: %s", name, diffEvents(r.got, want))
		case ended:
			expired++
		default:
			if d := diffEvents(r.got, want); d != "" {
				t.Errorf("%s: %s", name, d)
			}
		}
	}
	t.Logf("%d of %d watchers racing with Compact(%d) expired", expired, len(records), mid)
}
