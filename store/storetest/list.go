package storetest

import (
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

// maxPages stops a list whose continue tokens never end.
const maxPages = 10000

// RunList checks List: key order, prefix boundaries, reads at the current
// and at older revisions, ErrFutureRevision, paging with Limit and Continue
// (every item exactly once, Remaining exact, every page at the first page's
// revision even while writes happen), invalid continue tokens, and snapshot
// consistency of lists racing with concurrent writers.
func RunList(t *testing.T, f Factory) {
	s, _ := open(t, f)
	const base = "/registry/storetest-list/"
	t.Run("Order", func(t *testing.T) { testListOrder(t, s, base+"order/") })
	t.Run("PrefixBoundaries", func(t *testing.T) { testListPrefix(t, s, base+"prefix/") })
	t.Run("Empty", func(t *testing.T) { testListEmpty(t, s, base+"empty/") })
	t.Run("OlderRevisions", func(t *testing.T) { testListOlder(t, s, base+"older/") })
	t.Run("FutureRevision", func(t *testing.T) { testListFuture(t, s, base+"future/") })
	t.Run("Paging", func(t *testing.T) { testPaging(t, s, base+"paging/") })
	t.Run("PagingDuringWrites", func(t *testing.T) { testPagingDuringWrites(t, s, base+"paging-writes/") })
	t.Run("ContinueIgnoresRevision", func(t *testing.T) { testContinueIgnoresRevision(t, s, base+"continue-rev/") })
	t.Run("InvalidContinue", func(t *testing.T) { testInvalidContinue(t, s, base+"invalid-continue/") })
	t.Run("SnapshotUnderWrites", func(t *testing.T) { testListSnapshots(t, s, base+"snapshot/") })
}

// listPages reads a list page by page until the last one.
func listPages(ctx context.Context, s store.Store, prefix string, opts store.ListOptions) ([]store.ListResult, error) {
	var pages []store.ListResult
	for {
		res, err := s.List(ctx, prefix, opts)
		if err != nil {
			return pages, fmt.Errorf("List(%q, %+v), page %d: %w", prefix, opts, len(pages)+1, err)
		}
		pages = append(pages, res)
		if res.Continue == "" {
			return pages, nil
		}
		if len(pages) >= maxPages {
			return pages, fmt.Errorf("List(%q): still a continue token after %d pages", prefix, len(pages))
		}
		opts = store.ListOptions{Limit: opts.Limit, Continue: res.Continue}
	}
}

// checkPages checks the pages of one list against the snapshot it must
// show: one revision for all pages, at most limit items each, Remaining
// exact, a continue token exactly when items remain, and the items
// together equal to want.
func checkPages(pages []store.ListResult, limit int64, want []store.KV) error {
	rev := pages[0].Revision
	var got []store.KV
	for i, p := range pages {
		last := i == len(pages)-1
		if p.Revision != rev {
			return fmt.Errorf("page %d read at revision %d, the first page at %d", i+1, p.Revision, rev)
		}
		if limit > 0 && int64(len(p.Items)) > limit {
			return fmt.Errorf("page %d has %d items, above the limit %d", i+1, len(p.Items), limit)
		}
		if !last && len(p.Items) == 0 {
			return fmt.Errorf("page %d is empty but has a continue token", i+1)
		}
		got = append(got, p.Items...)
		if wantRem := int64(max(len(want)-len(got), 0)); p.Remaining != wantRem {
			return fmt.Errorf("page %d (%d items, %d so far of %d) has Remaining %d, want %d", i+1, len(p.Items), len(got), len(want), p.Remaining, wantRem)
		}
		if !last && p.Remaining == 0 {
			return fmt.Errorf("page %d has a continue token but Remaining 0: the last page must have no token", i+1)
		}
	}
	if d := diffKVs(got, want); d != "" {
		return fmt.Errorf("list at revision %d (%d pages, limit %d): %s", rev, len(pages), limit, d)
	}
	return nil
}

func testListOrder(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	// Byte order, not insertion order nor any notion of path segments.
	for _, k := range []string{"b", "a", "a/b", "a0", "A", "a-", "ab", "z", "a/a/a", "-", "~", "é", "a/"} {
		rec.mustCreate(t, base+k, "value of "+k)
	}
	h := rec.history(t)
	want := h.at(base, h.last())
	if !slices.IsSortedFunc(want, func(a, b store.KV) int { return strings.Compare(a.Key, b.Key) }) {
		t.Fatal("storetest: history.at is not sorted")
	}
	res, err := s.List(t.Context(), base, store.ListOptions{})
	if err != nil {
		t.Fatalf("List(%q): %v", base, err)
	}
	if err := checkPages([]store.ListResult{res}, 0, want); err != nil {
		t.Error(err)
	}
	if res.Revision != h.last() {
		t.Errorf("List at the current revision: Revision = %d, want %d (the last write)", res.Revision, h.last())
	}
}

func testListPrefix(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	for _, k := range []string{"pod", "pods", "pods/a", "pods/b/c", "podsx/d"} {
		rec.mustCreate(t, base+k, k)
	}
	// A prefix is a plain string prefix: "pods" covers "podsx/d" too.
	cases := []struct {
		prefix string
		want   []string
	}{
		{"pods/", []string{"pods/a", "pods/b/c"}},
		{"podsx/", []string{"podsx/d"}},
		{"pods/b/", []string{"pods/b/c"}},
		{"pods/a", []string{"pods/a"}},
		{"pods", []string{"pods", "pods/a", "pods/b/c", "podsx/d"}},
		{"pod", []string{"pod", "pods", "pods/a", "pods/b/c", "podsx/d"}},
		{"", []string{"pod", "pods", "pods/a", "pods/b/c", "podsx/d"}},
		{"nothing/", nil},
		{"pods/a/", nil},
	}
	for _, tc := range cases {
		res, err := s.List(t.Context(), base+tc.prefix, store.ListOptions{})
		if err != nil {
			t.Errorf("List(%q): %v", base+tc.prefix, err)
			continue
		}
		var got []string
		for _, kv := range res.Items {
			got = append(got, strings.TrimPrefix(kv.Key, base))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("List(%q) = %q, want %q", base+tc.prefix, got, tc.want)
		}
	}
	// The store's own prefix lists everything, these keys among them.
	res, err := s.List(t.Context(), store.DefaultPrefix, store.ListOptions{})
	if err != nil {
		t.Fatalf("List(%q): %v", store.DefaultPrefix, err)
	}
	n := 0
	for _, kv := range res.Items {
		if strings.HasPrefix(kv.Key, base) {
			n++
		}
	}
	if n != 5 {
		t.Errorf("List(%q) holds %d of the 5 keys under %q", store.DefaultPrefix, n, base)
	}
}

func testListEmpty(t *testing.T, s store.Store, base string) {
	rev := mustRev(t, s)
	for _, limit := range []int64{0, 1} {
		res, err := s.List(t.Context(), base, store.ListOptions{Limit: limit})
		if err != nil {
			t.Fatalf("List(%q, limit %d): %v", base, limit, err)
		}
		if len(res.Items) != 0 || res.Continue != "" || res.Remaining != 0 || res.Revision != rev {
			t.Errorf("List(%q, limit %d) of no keys = %d items, continue %q, remaining %d, revision %d; want none, \"\", 0, %d",
				base, limit, len(res.Items), res.Continue, res.Remaining, res.Revision, rev)
		}
	}
}

// testListOlder lists at every revision of a history of creates, updates,
// deletes and re-creates and compares with the replayed state.
func testListOlder(t *testing.T, s store.Store, base string) {
	start := mustRev(t, s)
	rec := newRecorder(s)
	a := rec.mustCreate(t, base+"a", "a1")
	b := rec.mustCreate(t, base+"b", "b1")
	c := rec.mustCreate(t, base+"c", "c1")
	a = rec.mustUpdate(t, base+"a", "a2", a.ModRevision)
	rec.mustDelete(t, base+"b", b.ModRevision)
	rec.mustCreate(t, base+"d", "d1")
	a = rec.mustUpdate(t, base+"a", "a3", a.ModRevision)
	rec.mustDelete(t, base+"a", a.ModRevision)
	rec.mustCreate(t, base+"b", "b2")
	rec.mustUpdate(t, base+"c", "c2", c.ModRevision)
	h := rec.history(t)
	h.checkContiguous(t)
	for rev := max(start, 1); rev <= h.last(); rev++ {
		res, err := s.List(t.Context(), base, store.ListOptions{Revision: rev})
		if err != nil {
			t.Errorf("List(%q) at revision %d: %v", base, rev, err)
			continue
		}
		if res.Revision != rev {
			t.Errorf("List at revision %d: Revision = %d", rev, res.Revision)
		}
		if err := checkPages([]store.ListResult{res}, 0, h.at(base, rev)); err != nil {
			t.Errorf("at revision %d: %v", rev, err)
		}
	}
	res, err := s.List(t.Context(), base, store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Revision != h.last() {
		t.Errorf("List at revision 0 (current): Revision = %d, want %d", res.Revision, h.last())
	}
	if err := checkPages([]store.ListResult{res}, 0, h.at(base, h.last())); err != nil {
		t.Errorf("at the current revision: %v", err)
	}
}

func testListFuture(t *testing.T, s store.Store, base string) {
	mustCreate(t, s, base+"k", "v")
	rev := mustRev(t, s)
	for _, opts := range []store.ListOptions{{Revision: rev + 1}, {Revision: rev + 1000}, {Revision: rev + 1, Limit: 1}} {
		_, err := s.List(t.Context(), base, opts)
		wantErr(t, fmt.Sprintf("List at revision %d (current %d)", opts.Revision, rev), err, store.ErrFutureRevision)
	}
}

// testPaging pages through a list with several limits, at the current and
// at an older revision.
func testPaging(t *testing.T, s store.Store, base string) {
	const n = 23
	rec := newRecorder(s)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			key := fmt.Sprintf("%sk%02d", base, i)
			if _, err := rec.create(t.Context(), key, []byte(key)); err != nil {
				t.Errorf("Create(%q): %v", key, err)
			}
		})
	}
	wg.Wait()
	older := mustRev(t, s)
	// Change the state so that an older snapshot differs from the current one.
	for i := 0; i < n; i += 4 {
		rec.mustUpdate(t, fmt.Sprintf("%sk%02d", base, i), "updated", 0)
	}
	for i := 1; i < n; i += 5 {
		rec.mustDelete(t, fmt.Sprintf("%sk%02d", base, i), 0)
	}
	rec.mustCreate(t, base+"k05a", "late")
	h := rec.history(t)
	for _, rev := range []int64{0, older} {
		want := h.at(base, h.last())
		if rev != 0 {
			want = h.at(base, rev)
		}
		for _, limit := range []int64{1, 2, 5, int64(len(want) - 1), int64(len(want)), int64(len(want) + 1), 100} {
			pages, err := listPages(t.Context(), s, base, store.ListOptions{Revision: rev, Limit: limit})
			if err != nil {
				t.Errorf("revision %d, limit %d: %v", rev, limit, err)
				continue
			}
			if err := checkPages(pages, limit, want); err != nil {
				t.Errorf("revision %d, limit %d: %v", rev, limit, err)
			}
			if got := pages[0].Revision; rev != 0 && got != rev || rev == 0 && got != h.last() {
				t.Errorf("revision %d, limit %d: pages read at revision %d", rev, limit, got)
			}
		}
	}
}

// testPagingDuringWrites takes a first page, then writes before, inside and
// after it, and checks that the following pages still show the first page's
// snapshot.
func testPagingDuringWrites(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	for i := range 10 {
		rec.mustCreate(t, fmt.Sprintf("%sk%02d", base, i), fmt.Sprintf("v%d", i))
	}
	first, err := s.List(t.Context(), base, store.ListOptions{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if first.Continue == "" {
		t.Fatalf("List(limit 3) of 10 keys returned no continue token")
	}
	rec.mustUpdate(t, base+"k05", "changed", 0)
	rec.mustDelete(t, base+"k07", 0)
	rec.mustDelete(t, base+"k01", 0) // already listed
	rec.mustCreate(t, base+"k04a", "new after the cursor")
	rec.mustCreate(t, base+"k00a", "new before the cursor")
	pages := []store.ListResult{first}
	rest, err := listPages(t.Context(), s, base, store.ListOptions{Limit: 3, Continue: first.Continue})
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, rest...)
	h := rec.history(t)
	if err := checkPages(pages, 3, h.at(base, first.Revision)); err != nil {
		t.Error(err)
	}
}

func testContinueIgnoresRevision(t *testing.T, s store.Store, base string) {
	rec := newRecorder(s)
	for i := range 4 {
		rec.mustCreate(t, fmt.Sprintf("%sk%d", base, i), "v")
	}
	first, err := s.List(t.Context(), base, store.ListOptions{Limit: 2})
	if err != nil || first.Continue == "" {
		t.Fatalf("List(limit 2) of 4 keys = continue %q, %v; want a token", first.Continue, err)
	}
	rec.mustDelete(t, base+"k3", 0)
	cur := mustRev(t, s)
	// ListOptions.Revision is ignored when Continue is set: the token's
	// revision wins.
	next, err := s.List(t.Context(), base, store.ListOptions{Limit: 2, Continue: first.Continue, Revision: cur})
	if err != nil {
		t.Fatalf("List(continue, revision %d): %v", cur, err)
	}
	if next.Revision != first.Revision {
		t.Errorf("second page read at revision %d, want the token's %d (ListOptions.Revision must be ignored)", next.Revision, first.Revision)
	}
	if err := checkPages([]store.ListResult{first, next}, 2, rec.history(t).at(base, first.Revision)); err != nil {
		t.Error(err)
	}
}

func testInvalidContinue(t *testing.T, s store.Store, base string) {
	for _, k := range []string{"a/1", "a/2", "a/3", "b/1", "b/2", "b/3"} {
		mustCreate(t, s, base+k, "v")
	}
	first, err := s.List(t.Context(), base+"a/", store.ListOptions{Limit: 1})
	if err != nil || first.Continue == "" {
		t.Fatalf("List(limit 1) of 3 keys = continue %q, %v; want a token", first.Continue, err)
	}
	tok := first.Continue
	cases := []struct{ name, prefix, token string }{
		{"garbage", base + "a/", "not a token"},
		{"not base64", base + "a/", "%%%%"},
		{"base64 of nonsense", base + "a/", "bm9uc2Vuc2U"},
		{"truncated", base + "a/", tok[:len(tok)/2]},
		{"token of another prefix", base + "b/", tok},
		{"token of a parent prefix", base, tok},
	}
	for _, tc := range cases {
		_, err := s.List(t.Context(), tc.prefix, store.ListOptions{Limit: 1, Continue: tc.token})
		if !errors.Is(err, store.ErrInvalidContinue) {
			t.Errorf("%s: List(%q, continue %q): err = %v, want ErrInvalidContinue (\"a continue token that is malformed or belongs to another prefix\")", tc.name, tc.prefix, tc.token, err)
		}
	}
}

// listRecord is one list read during testListSnapshots.
type listRecord struct {
	opts  store.ListOptions
	floor int64 // highest revision acknowledged before the list started
	pages []store.ListResult
}

// testListSnapshots runs writers and listers concurrently and checks that
// each list (paged or not, current or at an older revision) shows exactly
// the state that existed at its revision, and that lists at the current
// revision are linearizable: never older than a write acknowledged before
// the list started.
func testListSnapshots(t *testing.T, s store.Store, base string) {
	const keys, writers, writesEach, listers, minLists = 10, 3, 40, 2, 10
	ctx := t.Context()
	rec := newRecorder(s)
	key := func(i int) string { return fmt.Sprintf("%sk%02d", base, i) }
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			if _, err := rec.create(ctx, key(i), []byte("initial")); err != nil {
				t.Errorf("Create: %v", err)
			}
		})
	}
	wg.Wait()
	start := mustRev(t, s)

	var done atomic.Bool
	var writersWG sync.WaitGroup
	for w := range writers {
		writersWG.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range writesEach {
				if err := rec.randomWrite(ctx, rng, key(rng.IntN(keys)), fmt.Appendf(nil, "w%d-%d", w, i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var (
		mu    sync.Mutex
		lists []listRecord
	)
	var listersWG sync.WaitGroup
	for l := range listers {
		listersWG.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(l), 2))
			for i := 0; i < minLists || !done.Load(); i++ {
				opts := store.ListOptions{Limit: []int64{0, 1, 3, 4}[rng.IntN(4)]}
				if rng.IntN(3) == 0 {
					if acked := rec.acked.Load(); acked > start {
						opts.Revision = start + rng.Int64N(acked-start+1)
					}
				}
				floor := rec.acked.Load()
				pages, err := listPages(ctx, s, base, opts)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				lists = append(lists, listRecord{opts: opts, floor: floor, pages: pages})
				mu.Unlock()
			}
		})
	}
	writersWG.Wait()
	done.Store(true)
	listersWG.Wait()

	h := rec.history(t)
	h.checkContiguous(t)
	end := mustRev(t, s)
	for _, l := range lists {
		rev := l.pages[0].Revision
		switch {
		case l.opts.Revision != 0 && rev != l.opts.Revision:
			t.Errorf("List at revision %d was read at %d", l.opts.Revision, rev)
		case l.opts.Revision == 0 && rev < l.floor:
			t.Errorf("List at the current revision read at %d, but revision %d was acknowledged before it started: reads must be linearizable", rev, l.floor)
		case rev > end:
			t.Errorf("List read at revision %d, after the last revision %d", rev, end)
		}
		if err := checkPages(l.pages, l.opts.Limit, h.at(base, rev)); err != nil {
			t.Errorf("List(%+v): %v", l.opts, err)
		}
	}
	t.Logf("%d lists checked against %d writes", len(lists), len(h.events))
}
