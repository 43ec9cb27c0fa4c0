package bolt

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/spar-dev/spar/store"
)

// Group commit.
//
// Every write is queued as an op and applied by one committer goroutine,
// which takes everything queued so far (up to MaxBatchSize) and applies it,
// in queue order, in one bbolt transaction: one log record, one fdatasync.
// While that commit syncs the next batch queues up, so batches grow with the
// load and a lone writer pays one commit of latency (see nextBatch for how
// the committer keeps batches whole).
//
// bbolt's own db.Batch is not used: it re-runs a function that failed (and
// all functions of a batch whose commit failed) in a transaction of its own,
// so a compare-and-swap that failed on purpose would be retried, and it waits
// a fixed MaxBatchDelay before committing even when nobody else is writing.
// Here a failed compare-and-swap is just that op's result, the other ops of
// the batch commit, and the outcome is that of running the ops one after the
// other in queue order.

type opKind uint8

const (
	opCreate opKind = iota + 1
	opUpdate
	opDelete
)

func (k opKind) String() string {
	switch k {
	case opCreate:
		return "create"
	case opUpdate:
		return "update"
	}
	return "delete"
}

// op is one queued write and, once done is closed, its result.
type op struct {
	kind     opKind
	key      string
	value    []byte // the store's own copy, shared with watch events
	expected int64

	done chan struct{}
	kv   store.KV
	err  error
}

// Create writes key if it does not exist.
func (s *Store) Create(ctx context.Context, key string, value []byte) (store.KV, error) {
	if err := s.checkWrite(key, value); err != nil {
		return store.KV{}, err
	}
	o := &op{kind: opCreate, key: key, value: bytes.Clone(value)}
	if o.value == nil {
		o.value = []byte{}
	}
	if err := s.do(ctx, o); err != nil {
		return store.KV{}, err
	}
	o.kv.Value = value
	return o.kv, nil
}

// Update replaces key's value if its ModRevision is expected (or expected <= 0).
func (s *Store) Update(ctx context.Context, key string, value []byte, expected int64) (store.KV, error) {
	if err := s.checkWrite(key, value); err != nil {
		return store.KV{}, err
	}
	o := &op{kind: opUpdate, key: key, value: bytes.Clone(value), expected: expected}
	if o.value == nil {
		o.value = []byte{}
	}
	if err := s.do(ctx, o); err != nil {
		return store.KV{}, err
	}
	o.kv.Value = value
	return o.kv, nil
}

// Delete removes key if its ModRevision is expected (or expected <= 0).
func (s *Store) Delete(ctx context.Context, key string, expected int64) (store.KV, error) {
	if err := s.checkKey(key); err != nil {
		return store.KV{}, err
	}
	o := &op{kind: opDelete, key: key, expected: expected}
	if err := s.do(ctx, o); err != nil {
		return store.KV{}, err
	}
	// The last value is shared with watch events: hand out a copy.
	o.kv.Value = bytes.Clone(o.kv.Value)
	return o.kv, nil
}

func (s *Store) checkWrite(key string, value []byte) error {
	if err := s.checkKey(key); err != nil {
		return err
	}
	if err := store.CheckValue(s.opts.MaxValueSize, key, value); err != nil {
		return fmt.Errorf("bolt: %w", err)
	}
	return nil
}

// do queues o and waits until it is durable or failed. Once queued, a write
// is not abandoned when ctx ends: its outcome would be unknown to the caller,
// and the wait is one commit.
func (s *Store) do(ctx context.Context, o *op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.done = make(chan struct{})
	s.qmu.Lock()
	if s.qclosed {
		s.qmu.Unlock()
		return store.ErrClosed
	}
	s.queue = append(s.queue, o)
	s.qmu.Unlock()
	s.wakeCommitter()
	<-o.done
	return o.err
}

func (s *Store) wakeCommitter() {
	select {
	case s.qwake <- struct{}{}:
	default:
	}
}

// committer is the goroutine that owns every write transaction but
// compaction's.
func (s *Store) committer() {
	defer s.bg.Done()
	var spare []*op
	var g gather
	for {
		batch, ok := s.nextBatch(spare, g)
		if !ok {
			return
		}
		start := time.Now()
		s.commit(batch)
		g.took = time.Since(start)
		s.maybeCheckpoint()
		// Everyone just released and everyone who queued meanwhile is the
		// current writer population: the next batch waits for them.
		s.qmu.Lock()
		g.expect = len(batch) + len(s.queue)
		s.qmu.Unlock()
		clear(batch)
		spare = batch[:0]
	}
}

// gather is what the committer knows about the load when it forms a batch.
type gather struct {
	expect int           // writers seen at the end of the last commit
	took   time.Duration // how long the last commit took
}

// nextBatch waits for queued writes and takes a batch of them; ok is false
// once the store is closed and the queue drained.
//
// Writers released by a commit need a moment to queue their next write. A
// batch taken at once would hold only the writers that queued during the
// commit, and the writers would settle into alternating half-size batches,
// each paying a full fsync. So when fewer writers are queued than took
// part in the last round, the committer lingers for the rest, at most four
// times the last commit's duration (capped at 2ms): a lone writer never
// waits, and a large batch is worth a short wait.
//
// Why that long: while a commit's fdatasync runs, its thread keeps one of
// the process' Ps (the scheduler hands it on only once sysmon notices, about
// when a sub-millisecond sync is over), so every sync costs the embedding
// program a P for its duration. An API server that is short of CPU hands its
// writes over a few at a time; committing each trickle at once made 4,781
// syncs for 20,000 pod creates at 200 clients, lingering up to 4× made 1,097
// and 15-20% more creates/s, at the price of a millisecond or two of latency
// under load.
func (s *Store) nextBatch(spare []*op, g gather) (batch []*op, ok bool) {
	for {
		s.qmu.Lock()
		if len(s.queue) > 0 {
			break
		}
		closed := s.qclosed
		s.qmu.Unlock()
		if closed {
			return nil, false
		}
		<-s.qwake
	}
	want := min(g.expect, s.opts.MaxBatchSize)
	linger := min(g.took*4, maxLinger)
	if s.opts.MaxBatchDelay > linger {
		linger = s.opts.MaxBatchDelay
		want = s.opts.MaxBatchSize
	}
	if len(s.queue) >= want || s.qclosed || linger <= 0 {
		batch = s.take(spare)
		s.qmu.Unlock()
		return batch, true
	}
	s.qmu.Unlock()
	t := time.NewTimer(linger)
	defer t.Stop()
	for {
		select {
		case <-s.qwake:
		case <-t.C:
			s.qmu.Lock()
			batch = s.take(spare)
			s.qmu.Unlock()
			return batch, true
		}
		s.qmu.Lock()
		if len(s.queue) >= want || s.qclosed {
			batch = s.take(spare)
			s.qmu.Unlock()
			return batch, true
		}
		s.qmu.Unlock()
	}
}

// take moves queued ops to batch, up to MaxBatchSize ops and (past the
// first op) maxBatchBytes of values. Called with qmu held.
func (s *Store) take(batch []*op) []*op {
	size := 0
	for _, o := range batch {
		size += len(o.value)
	}
	n := 0
	for _, o := range s.queue {
		if len(batch) >= s.opts.MaxBatchSize || (len(batch) > 0 && size+len(o.value) > maxBatchBytes) {
			break
		}
		batch = append(batch, o)
		size += len(o.value)
		n++
	}
	rest := copy(s.queue, s.queue[n:])
	clear(s.queue[rest:])
	s.queue = s.queue[:rest]
	return batch
}

// commit applies a batch in one transaction, then publishes its events and
// releases its writers.
func (s *Store) commit(batch []*op) {
	defer func() {
		for _, o := range batch {
			close(o.done)
		}
	}()
	// A failed transaction fails every op of the batch, refused ones too:
	// their refusal may have been due to an op that is now rolled back.
	fail := func(err error) {
		for _, o := range batch {
			o.err = fmt.Errorf("bolt: %s %q: %w", o.kind, o.key, err)
		}
		s.log.Error(err, "commit failed", "writes", len(batch))
	}

	s.txMu.Lock()
	defer s.txMu.Unlock()
	tx, err := s.beginWrite()
	if err != nil {
		fail(err)
		return
	}
	logB, keysB := tx.Bucket(bucketLog), tx.Bucket(bucketKeys)
	logB.FillPercent = logFillPercent
	rev := s.rev.Load() // only this goroutine changes it
	var rec []byte
	if s.wal != nil {
		rec = beginRecord(s.rec, recBatch, rev+1)
	}
	events := make([]store.Event, 0, len(batch))
	for _, o := range batch {
		ev, entry, ok, err := apply(logB, keysB, o, rev+1)
		if err != nil {
			_ = tx.Rollback()
			fail(err)
			return
		}
		if ok {
			rev++
			events = append(events, ev)
			if rec != nil {
				rec = appendEntry(rec, entry)
			}
		}
	}
	if len(events) == 0 {
		_ = tx.Rollback()
		return
	}
	if err := tx.Bucket(bucketMeta).Put(metaRevision, encRev(rev)); err != nil {
		_ = tx.Rollback()
		fail(err)
		return
	}
	if rec != nil {
		// The batch is durable once its record is: it is acknowledged after
		// the (unsynced) bbolt commit below, and replayed on open if a crash
		// comes first.
		err := s.wal.append(sealRecord(rec))
		if cap(rec) <= maxReusedRecord {
			s.rec = rec[:0]
		}
		if err != nil {
			_ = tx.Rollback()
			fail(s.broken(fmt.Errorf("write-ahead log: %w", err)))
			return
		}
	}
	if err := s.commitWrite(tx); err != nil {
		if s.wal != nil {
			// The log holds the batch, the file does not: the next batch
			// would log the same revisions again.
			err = s.broken(fmt.Errorf("commit of a logged batch (reopening replays it): %w", err))
		}
		fail(err)
		return
	}
	// Publish before Revision moves, so that a watch from "now" started
	// after Revision returned rev never sees rev's events.
	s.hub.publish(events, rev)
	s.rev.Store(rev)
}

// apply performs o at revision rev inside the batch's transaction. ok
// reports that it wrote; a refused op (exists, not found, conflict) gets its
// error in o.err. The returned error is a storage failure that aborts the
// whole batch.
func apply(logB, keysB *bbolt.Bucket, o *op, rev int64) (ev store.Event, entry []byte, ok bool, err error) {
	key := []byte(o.key)
	curRev, deleted := decIndex(keysB.Get(key))
	exists := curRev != 0 && !deleted

	if o.kind == opCreate {
		if exists {
			o.err = fmt.Errorf("bolt: create %q: %w", o.key, store.ErrExists)
			return ev, nil, false, nil
		}
		// A re-created key links back to its delete, so reads at older
		// revisions can walk its whole history.
		entry = encodeEntry(store.Added, rev, curRev, o.key, o.value)
		if err := logB.Put(encRev(rev), entry); err != nil {
			return ev, nil, false, err
		}
		if err := keysB.Put(key, encIndex(rev, false)); err != nil {
			return ev, nil, false, err
		}
		o.kv = store.KV{Key: o.key, Value: o.value, CreateRevision: rev, ModRevision: rev}
		return store.Event{Type: store.Added, KV: o.kv}, entry, true, nil
	}

	if !exists {
		o.err = fmt.Errorf("bolt: %s %q: %w", o.kind, o.key, store.ErrNotFound)
		return ev, nil, false, nil
	}
	old, found, err := getEntry(logB, curRev)
	if err != nil {
		return ev, nil, false, err
	}
	if !found {
		return ev, nil, false, errCorrupt(fmt.Sprintf("no log entry %d for %q", curRev, o.key))
	}
	if o.expected > 0 && o.expected != curRev {
		o.err = fmt.Errorf("bolt: %s %q at revision %d: %w", o.kind, o.key, o.expected, &store.ConflictError{Current: kvOf(old, curRev)})
		return ev, nil, false, nil
	}
	prev := bytes.Clone(old.value)
	if o.kind == opUpdate {
		entry = encodeEntry(store.Modified, old.createRev, curRev, o.key, o.value)
		if err := logB.Put(encRev(rev), entry); err != nil {
			return ev, nil, false, err
		}
		if err := keysB.Put(key, encIndex(rev, false)); err != nil {
			return ev, nil, false, err
		}
		o.kv = store.KV{Key: o.key, Value: o.value, CreateRevision: old.createRev, ModRevision: rev}
		return store.Event{Type: store.Modified, KV: o.kv, PrevValue: prev}, entry, true, nil
	}
	entry = encodeEntry(store.Deleted, old.createRev, curRev, o.key, nil)
	if err := logB.Put(encRev(rev), entry); err != nil {
		return ev, nil, false, err
	}
	if err := keysB.Put(key, encIndex(rev, true)); err != nil {
		return ev, nil, false, err
	}
	o.kv = store.KV{Key: o.key, Value: prev, CreateRevision: old.createRev, ModRevision: rev}
	return store.Event{Type: store.Deleted, KV: store.KV{Key: o.key, CreateRevision: old.createRev, ModRevision: rev}, PrevValue: prev}, entry, true, nil
}
