package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/store"
)

func names(items []Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		om := it.Object.GetObjectMeta()
		out[i] = om.Namespace + "/" + om.Name
	}
	return out
}

// fill creates n pods in each namespace and returns the last revision.
func fill(t *testing.T, s store.Store, nss []string, n int) int64 {
	t.Helper()
	var rev int64
	for _, ns := range nss {
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("p%02d", i)
			node := fmt.Sprintf("n%d", i%3)
			kv, err := s.Create(context.Background(), podPrefix+ns+"/"+name,
				podJSON(ns, name, node, []string{"a", "b"}[i%2], core.PodRunning, i))
			if err != nil {
				t.Fatal(err)
			}
			rev = kv.ModRevision
		}
	}
	return rev
}

func TestListConsistentAndSelected(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	c := startCache(t, s, nil)
	fill(t, s, []string{"a", "b"}, 6)

	appA, _ := labels.Parse("app=a")
	tests := []struct {
		name string
		opts ListOptions
		want []string
	}{
		{"all", ListOptions{}, []string{"a/p00", "a/p01", "a/p02", "a/p03", "a/p04", "a/p05", "b/p00", "b/p01", "b/p02", "b/p03", "b/p04", "b/p05"}},
		{"namespace", ListOptions{Namespace: "b"}, []string{"b/p00", "b/p01", "b/p02", "b/p03", "b/p04", "b/p05"}},
		{"label", ListOptions{Namespace: "a", Label: appA}, []string{"a/p00", "a/p02", "a/p04"}},
		{"index", ListOptions{Field: fields.OneTermEqualSelector("spec.nodeName", "n1")}, []string{"a/p01", "a/p04", "b/p01", "b/p04"}},
		{"index+namespace", ListOptions{Namespace: "b", Field: fields.OneTermEqualSelector("spec.nodeName", "n2")}, []string{"b/p02", "b/p05"}},
		{"name", ListOptions{Field: fields.OneTermEqualSelector("metadata.name", "p03")}, []string{"a/p03", "b/p03"}},
	}
	for _, tt := range tests {
		// Consistent: no waiting by the test; the list must include every
		// write acknowledged above.
		res, err := c.List(ctx, tt.opts)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := names(res.Items); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A consistent list must not wait for a write under its own prefix: writes
// elsewhere in the store move its revision, and the cache learns through a
// progress notification that it is current.
func TestConsistentListAfterWritesElsewhere(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	c := startCache(t, s, nil)
	fill(t, s, []string{"a"}, 2)
	for i := 0; i < 5; i++ {
		if _, err := s.Create(ctx, fmt.Sprintf("/registry/configmaps/a/c%d", i), []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	storeRev, _ := s.Revision(ctx)
	res, err := c.List(ctx, ListOptions{})
	if err != nil {
		t.Fatalf("consistent list after writes to another prefix: %v", err)
	}
	if res.Revision < storeRev || len(res.Items) != 2 {
		t.Errorf("list at %d with %d items; want revision >= %d and 2 items", res.Revision, len(res.Items), storeRev)
	}
}

func TestListPagesReadOneSnapshot(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	c := startCache(t, s, nil)
	fill(t, s, []string{"a"}, 25)

	res, err := c.List(ctx, ListOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	rev := res.Revision
	got := names(res.Items)
	if res.Continue == "" || res.Remaining == nil || *res.Remaining != 15 {
		t.Fatalf("first page: continue %q remaining %v", res.Continue, res.Remaining)
	}
	// Writes between pages must not show up in later pages.
	if _, err := s.Delete(ctx, podPrefix+"a/p20", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, podPrefix+"a/p99", podJSON("a", "p99", "", "a", "", 0)); err != nil {
		t.Fatal(err)
	}
	for res.Continue != "" {
		res, err = c.List(ctx, ListOptions{Limit: 10, Continue: res.Continue})
		if err != nil {
			t.Fatal(err)
		}
		if res.Revision != rev {
			t.Fatalf("page at revision %d, first page at %d", res.Revision, rev)
		}
		got = append(got, names(res.Items)...)
	}
	var want []string
	for i := 0; i < 25; i++ {
		want = append(want, fmt.Sprintf("a/p%02d", i))
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v\nwant %v", got, want)
	}
	if res.Remaining != nil {
		t.Errorf("last page remaining = %d, want none", *res.Remaining)
	}
}

func TestListExactOlderRevisionFallsThroughToStore(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	c := startCache(t, s, nil)
	old := fill(t, s, []string{"a"}, 3)
	if _, err := s.Delete(ctx, podPrefix+"a/p00", 0); err != nil {
		t.Fatal(err)
	}
	fill(t, s, []string{"b"}, 2)

	res, err := c.List(ctx, ListOptions{Match: Exact, Revision: old})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(res.Items), []string{"a/p00", "a/p01", "a/p02"}; !slices.Equal(got, want) || res.Revision != old {
		t.Errorf("exact list at %d = %v at %d, want %v", old, got, res.Revision, want)
	}
	// Paged, filtered, from the store.
	appA, _ := labels.Parse("app=a")
	res, err = c.List(ctx, ListOptions{Match: Exact, Revision: old, Limit: 1, Label: appA})
	if err != nil {
		t.Fatal(err)
	}
	got := names(res.Items)
	for res.Continue != "" {
		if res, err = c.List(ctx, ListOptions{Limit: 1, Continue: res.Continue, Label: appA}); err != nil {
			t.Fatal(err)
		}
		got = append(got, names(res.Items)...)
	}
	if want := []string{"a/p00", "a/p02"}; !slices.Equal(got, want) {
		t.Errorf("paged exact list = %v, want %v", got, want)
	}
	// A revision the store compacted away is Expired, once the cache has
	// moved past it (while the cache is still at old, old is its current
	// state and is answered from memory).
	cur, _ := s.Revision(ctx)
	for deadline := time.Now().Add(10 * time.Second); c.Revision() < cur; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the cache is at revision %d after 10s, want %d", c.Revision(), cur)
		}
	}
	if err := s.Compact(ctx, cur); err != nil {
		t.Fatal(err)
	}
	if _, err := c.List(ctx, ListOptions{Match: Exact, Revision: old}); !errors.Is(err, store.ErrExpired) {
		t.Errorf("exact list at a compacted revision: err = %v, want store.ErrExpired", err)
	}
}

func TestListBadContinue(t *testing.T) {
	c := startCache(t, openBolt(t), nil)
	if _, err := c.List(context.Background(), ListOptions{Continue: "garbage"}); !errors.Is(err, store.ErrInvalidContinue) {
		t.Errorf("err = %v, want store.ErrInvalidContinue", err)
	}
}
