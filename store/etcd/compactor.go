package etcd

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// runCompactor compacts etcd every interval until ctx is done.
//
// The protocol is kube-apiserver's, so that any number of stores (API
// servers) on one etcd compact it once per interval between them, with no
// leader election:
//
//   - The compaction key's Version (how many times it has been written) is
//     a logical clock shared by all compactors. Each compactor remembers the
//     clock value it last saw, and the etcd revision it saw at that moment.
//   - At every tick, a compactor writes the key in a transaction that
//     succeeds only if the clock still has the value it remembers. If it
//     wins, it advances the clock and compacts to the revision it saw one
//     tick ago, so history covers at least one interval. If another
//     compactor advanced the clock first, it adopts the new clock value and
//     tries again one interval later.
//   - While one compactor keeps winning, the others keep losing and never
//     compact; if it dies, the next one to tick wins, so compaction goes on
//     with a gap of less than two intervals.
//
// The key holds the revision compacted to, in decimal, for operators.
func (s *Store) runCompactor(ctx context.Context, interval time.Duration) {
	var clock, rev int64
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var err error
		clock, rev, err = s.compactOnce(ctx, clock, rev)
		if err != nil && ctx.Err() == nil {
			s.log.Error(err, "etcd: periodic compaction failed", "revision", rev)
		}
		t.Reset(interval)
	}
}

// compactOnce is one tick of runCompactor: given the clock value and
// revision this compactor saw at its previous tick, it returns the ones to
// remember for the next tick.
func (s *Store) compactOnce(ctx context.Context, clock, prevRev int64) (nextClock, nextRev int64, err error) {
	resp, err := s.client.Txn(ctx).
		If(clientv3.Compare(clientv3.Version(compactRevKey), "=", clock)).
		Then(clientv3.OpPut(compactRevKey, strconv.FormatInt(prevRev, 10))).
		Else(clientv3.OpGet(compactRevKey)).
		Commit()
	if err != nil {
		return clock, prevRev, err
	}
	cur := resp.Header.Revision
	if !resp.Succeeded {
		// Another compactor ticked first (or someone deleted the key,
		// which resets the clock to 0): adopt its clock.
		var seen int64
		if kvs := resp.Responses[0].GetResponseRange().GetKvs(); len(kvs) > 0 {
			seen = kvs[0].Version
		}
		return seen, cur, nil
	}
	if prevRev == 0 {
		// First tick of this compactor: nothing seen an interval ago yet.
		return clock + 1, cur, nil
	}
	if _, err := s.client.Compact(ctx, prevRev); err != nil && !errors.Is(err, rpctypes.ErrCompacted) {
		// The clock moved anyway; the next winner compacts further.
		return clock + 1, cur, s.wrap("compact", "", err)
	}
	s.log.V(1).Info("etcd: compacted", "revision", prevRev)
	return clock + 1, cur, nil
}
