package etcd

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/etcd/etcdtest"
)

// Two stores on one etcd play kube-apiserver's compaction protocol tick by
// tick (compactOnce, with the periodic loop disabled): only the store that
// advances the shared clock compacts, to the revision it saw a tick earlier.
func TestCompactorCoordination(t *testing.T) {
	ctx := context.Background()
	srv := etcdtest.Start(t)
	raw := srv.NewClient(t, "")
	open := func() *Store {
		s, err := New(srv.NewClient(t, ""), &Options{CompactionInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()

	n := 0
	write := func() int64 {
		t.Helper()
		n++
		kv, err := a.Create(ctx, fmt.Sprintf("/registry/k%d", n), []byte("v"))
		if err != nil {
			t.Fatal(err)
		}
		return kv.ModRevision
	}
	// compacted reports whether rev has been compacted away.
	compacted := func(rev int64) bool {
		t.Helper()
		_, err := a.List(ctx, "/registry/", store.ListOptions{Revision: rev})
		if err != nil && !errors.Is(err, store.ErrExpired) {
			t.Fatalf("List at %d: %v", rev, err)
		}
		return err != nil
	}
	type compactor struct{ clock, rev int64 }
	tick := func(s *Store, c *compactor) {
		t.Helper()
		var err error
		c.clock, c.rev, err = s.compactOnce(ctx, c.clock, c.rev)
		if err != nil {
			t.Fatalf("compactOnce: %v", err)
		}
	}
	var ca, cb compactor

	first := write()
	tick(a, &ca) // a wins the first round; nothing seen a tick ago
	tick(b, &cb) // b loses and adopts the clock
	if ca.clock != 1 || cb.clock != 1 {
		t.Fatalf("clocks after round 1 = %d, %d; want 1, 1", ca.clock, cb.clock)
	}
	if compacted(first) {
		t.Fatalf("revision %d compacted on the first round", first)
	}

	write()
	seenByA := ca.rev
	tick(a, &ca) // a wins again and compacts to what it saw in round 1
	if !compacted(seenByA-1) || compacted(seenByA) {
		t.Errorf("after round 2: compacted(%d) = %v, compacted(%d) = %v; want true, false",
			seenByA-1, compacted(seenByA-1), seenByA, compacted(seenByA))
	}
	tick(b, &cb) // b lost the round: it must not compact to its newer revision
	if compacted(seenByA) {
		t.Errorf("the losing store compacted past %d", seenByA)
	}

	// b takes over when a stops ticking (an API server went away).
	write()
	seenByB := cb.rev
	tick(b, &cb)
	if !compacted(seenByB - 1) {
		t.Errorf("revision %d not compacted after b's winning round", seenByB-1)
	}

	// Someone deletes the key: the clock restarts at 0 and the protocol
	// recovers instead of failing.
	if _, err := raw.Delete(ctx, compactRevKey); err != nil {
		t.Fatal(err)
	}
	tick(a, &ca)
	if ca.clock != 0 {
		t.Errorf("clock after the key was deleted = %d, want 0", ca.clock)
	}
	tick(a, &ca)
	if ca.clock != 1 {
		t.Errorf("clock after the next round = %d, want 1", ca.clock)
	}
}
