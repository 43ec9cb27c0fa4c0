package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/spar-dev/spar/store"
)

// RunRestart checks that a store reopened on the same data (the Factory's
// reopen) keeps its keys, its revision and its uncompacted history: the
// next write continues the revision sequence, compare-and-swap works with
// revisions read before the restart, lists at older revisions still work,
// a watch running at the restart ends with ErrClosed, and a watch from the
// last revision it delivered resumes with exactly the missing events. A
// compaction survives the restart too.
func RunRestart(t *testing.T, f Factory) {
	const base = "/registry/storetest-restart/"
	s, reopen := open(t, f)
	if reopen == nil {
		t.Fatal("storetest: the Factory returned a nil reopen function")
	}
	ctx := t.Context()
	rec := newRecorder(s)
	start := mustRev(t, s)
	a := rec.mustCreate(t, base+"a", "a1")
	b := rec.mustCreate(t, base+"b", "b1")
	rec.mustCreate(t, base+"c", "c1")
	a = rec.mustUpdate(t, base+"a", "a2", a.ModRevision)
	rec.mustDelete(t, base+"b", b.ModRevision)
	rec.mustCreate(t, base+"sub/d", "d1")
	before := rec.history(t)
	last := mustRev(t, s)
	if last != before.last() {
		t.Fatalf("Revision() = %d, want the last write's %d", last, before.last())
	}

	// A watcher that has read part of the history when the store goes away.
	w := mustWatch(t, s, base, max(start, 1))
	seen, err := collect(w, before.first()+1)
	if err != nil {
		t.Fatal(err)
	}

	s = reopen(t)
	if s == nil {
		t.Fatal("storetest: reopen returned a nil Store")
	}
	rec.s = s

	rest, err := drain(w)
	if err != nil {
		t.Fatalf("watch running across the restart: %v", err)
	}
	if err := w.Err(); !errors.Is(err, store.ErrClosed) {
		t.Errorf("watch running across the restart ended with Err() = %v, want ErrClosed", err)
	}
	seen = append(seen, rest...)
	if want := before.after(base, max(start, 1)); !isPrefixOf(seen, want) {
		t.Errorf("events before the restart are not a prefix of the history: %s", diffEvents(seen, want))
	}
	resumeFrom := max(start, 1)
	if len(seen) > 0 {
		resumeFrom = seen[len(seen)-1].KV.ModRevision
	}

	t.Run("RevisionPreserved", func(t *testing.T) {
		checkRev(t, s, last, "reopen")
	})
	t.Run("DataPreserved", func(t *testing.T) {
		for _, k := range []string{"a", "b", "c", "sub/d"} {
			want := before.at(base+k, last)
			if len(want) == 0 {
				checkGet(t, s, base+k, nil)
			} else {
				checkGet(t, s, base+k, &want[0])
			}
		}
	})
	t.Run("HistoryPreserved", func(t *testing.T) {
		for rev := max(start, 1); rev <= last; rev++ {
			res, err := s.List(ctx, base, store.ListOptions{Revision: rev})
			if err != nil {
				t.Errorf("List at revision %d after reopen: %v", rev, err)
				continue
			}
			if err := checkPages([]store.ListResult{res}, 0, before.at(base, rev)); err != nil {
				t.Errorf("List at revision %d after reopen: %v", rev, err)
			}
		}
	})
	t.Run("SequenceContinues", func(t *testing.T) {
		// A revision read before the restart is still the key's revision.
		upd := rec.mustUpdate(t, base+"a", "a3", a.ModRevision)
		if upd.ModRevision <= last {
			t.Errorf("first write after reopen got revision %d, want > %d (the revision before the restart)", upd.ModRevision, last)
		}
		next := rec.mustCreate(t, base+"e", "e1")
		if next.ModRevision != upd.ModRevision+1 {
			t.Errorf("second write after reopen got revision %d, want %d", next.ModRevision, upd.ModRevision+1)
		}
		checkRev(t, s, next.ModRevision, "writes after reopen")
	})
	t.Run("WatchResumes", func(t *testing.T) {
		w := mustWatch(t, s, base, resumeFrom)
		fence := rec.mustCreate(t, base+"fence", "")
		h := rec.history(t)
		got, err := collect(w, fence.ModRevision)
		if err != nil {
			t.Fatal(err)
		}
		if d := diffEvents(got, h.after(base, resumeFrom)); d != "" {
			t.Errorf("watch resumed from revision %d after the restart: %s", resumeFrom, d)
		}
		if d := diffEvents(slices.Concat(seen, got), h.after(base, max(start, 1))); d != "" {
			t.Errorf("events before and after the restart together: %s", d)
		}
	})
	// Reopen again after a compaction. reopen is called with the t given to
	// the factory (never a subtest's), so that whatever the factory
	// registers on it lives until the end of RunRestart.
	h := rec.history(t)
	r := h.events[len(h.events)-3].KV.ModRevision
	if err := s.Compact(ctx, r); err != nil {
		t.Fatalf("Compact(%d): %v", r, err)
	}
	cur := mustRev(t, s)
	s = reopen(t)
	rec.s = s
	t.Run("CompactionSurvives", func(t *testing.T) {
		checkRev(t, s, cur, "a second reopen")
		_, err := s.List(ctx, base, store.ListOptions{Revision: r - 1})
		wantErr(t, fmt.Sprintf("List at %d after Compact(%d) and reopen", r-1, r), err, store.ErrExpired)
		expectExpired(t, s, base, r-1, r)
		res, err := s.List(ctx, base, store.ListOptions{Revision: r})
		if err != nil {
			t.Fatalf("List at %d after Compact(%d) and reopen: %v", r, r, err)
		}
		if err := checkPages([]store.ListResult{res}, 0, h.at(base, r)); err != nil {
			t.Error(err)
		}
	})

	// Reopen a store that was closed already.
	cur = mustRev(t, s)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = reopen(t)
	rec.s = s
	t.Run("ReopenClosedStore", func(t *testing.T) {
		checkRev(t, s, cur, "Close and reopen")
		kv := rec.mustCreate(t, base+"f", "f1")
		if kv.ModRevision <= cur {
			t.Errorf("first write after Close and reopen got revision %d, want > %d", kv.ModRevision, cur)
		}
	})
}
