package bolt

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/spar-dev/spar/store"
)

// Compact discards history before revision. Lists at older revisions and
// watches from them fail with store.ErrExpired afterwards. It works through
// the log in transactions of bounded size, so writers wait at most for one
// of them; if ctx ends midway, what was done stays done.
func (s *Store) Compact(ctx context.Context, revision int64) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	return s.compact(ctx, revision)
}

func (s *Store) compact(ctx context.Context, target int64) error {
	s.compactMu.Lock()
	defer s.compactMu.Unlock()
	for {
		from := s.compacted.Load()
		if from >= target {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		select {
		case <-s.closing:
			return store.ErrClosed
		default:
		}
		to, err := s.compactChunk(from, target)
		if err != nil {
			return fmt.Errorf("bolt: compact to revision %d: %w", target, err)
		}
		s.compacted.Store(to)
	}
}

// compactChunk runs compactChunkTx in a write transaction of its own. It is
// not logged: a crash can undo it, which only keeps more history.
func (s *Store) compactChunk(from, target int64) (int64, error) {
	s.txMu.Lock()
	defer s.txMu.Unlock()
	tx, err := s.beginWrite()
	if err != nil {
		return 0, err
	}
	to, err := compactChunkTx(tx, from, target)
	if err != nil {
		_ = tx.Rollback()
		return 0, err
	}
	return to, s.commitWrite(tx)
}

// compactChunkTx compacts from revision from towards target, examining at
// most compactChunk log entries, and returns the revision it reached.
//
// For every entry at s in (from, to] it deletes the entry the key had before
// (at prevRev): s supersedes it and s <= to, so no read at a revision >= to
// can need it. A delete entry goes too, and so does the key's tombstone in
// the keys bucket if the key was not re-created since. What remains at or
// below to is each existing key's latest version at to, which reads at to
// and watches' PrevValues need.
func compactChunkTx(tx *bbolt.Tx, from, target int64) (to int64, err error) {
	// The committed revision, which a reader may know before Revision does.
	if head := decRev(tx.Bucket(bucketMeta).Get(metaRevision)); target > head {
		return 0, fmt.Errorf("current revision is %d: %w", head, store.ErrFutureRevision)
	}
	log, keys := tx.Bucket(bucketLog), tx.Bucket(bucketKeys)
	type tomb struct {
		key []byte
		rev int64
	}
	var dels [][]byte
	var tombs []tomb
	to = target
	n := 0
	c := log.Cursor()
	for k, v := c.Seek(encRev(from + 1)); k != nil; k, v = c.Next() {
		rev := decRev(k)
		if rev > target {
			break
		}
		if n == compactChunk {
			to = rev - 1
			break
		}
		n++
		e, err := decodeEntry(v)
		if err != nil {
			return 0, err
		}
		if e.prevRev > 0 {
			dels = append(dels, encRev(e.prevRev))
		}
		if e.typ == store.Deleted {
			dels = append(dels, encRev(rev))
			tombs = append(tombs, tomb{bytes.Clone(e.key), rev})
		}
	}
	// Deleting while the cursor walks would make it skip entries.
	for _, k := range dels {
		if err := log.Delete(k); err != nil {
			return 0, err
		}
	}
	for _, t := range tombs {
		if rev, deleted := decIndex(keys.Get(t.key)); deleted && rev == t.rev {
			if err := keys.Delete(t.key); err != nil {
				return 0, err
			}
		}
	}
	return to, tx.Bucket(bucketMeta).Put(metaCompacted, encRev(to))
}

// compactor runs automatic compaction: every CompactionInterval it notes the
// current revision with the time, and compacts to the newest noted revision
// that is older than Retention. The notes live in memory; after a restart
// the history in the file counts as written at Open, so it is kept for at
// least Retention more.
func (s *Store) compactor() {
	defer s.bg.Done()
	type mark struct {
		at  time.Time
		rev int64
	}
	marks := []mark{{time.Now(), s.rev.Load()}}
	t := time.NewTicker(s.opts.CompactionInterval)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-s.closing
		cancel()
	}()
	for {
		select {
		case <-s.closing:
			return
		case <-t.C:
		}
		now := time.Now()
		marks = append(marks, mark{now, s.rev.Load()})
		i := -1
		for j, m := range marks {
			if now.Sub(m.at) < s.opts.Retention {
				break
			}
			i = j
		}
		if i < 0 {
			continue
		}
		target := marks[i].rev
		marks = marks[i+1:]
		if target <= s.compacted.Load() {
			continue
		}
		start := time.Now()
		if err := s.compact(ctx, target); err != nil {
			if ctx.Err() == nil {
				s.log.Error(err, "automatic compaction failed", "revision", target)
			}
			continue
		}
		s.log.V(1).Info("compacted", "revision", target, "took", time.Since(start))
	}
}
