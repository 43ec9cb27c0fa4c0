package storetest_test

// This file is a test fixture, not a backend: memStore is the simplest
// implementation of the store contract (one mutex, the current map and a log
// of recent writes) that the conformance suite is validated against, before
// and independently of store/bolt and store/etcd. It is never built into
// anything but this package's tests. Bugs can be switched on, one at a time,
// to check that the suite catches them (see TestSuiteCatchesBugs).

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/storetest"
)

// memBaseRevision is the revision of a fresh memDB: neither 0 (bolt) nor 1
// (etcd), so that a suite that assumed either would fail here.
const memBaseRevision = 1000

// memDB is the "disk": the state shared by every memStore opened on it.
type memDB struct {
	bug string // one injected bug, or ""

	mu        sync.Mutex
	rev       int64
	compacted int64 // lists and watches from revisions below it fail
	cur       map[string]store.KV
	// log holds every write with a revision >= compacted, in order, so its
	// revisions are contiguous. It serves watches and, undone backwards
	// from cur, lists at older revisions.
	log     []memRec
	changed chan struct{} // closed and replaced on every write
}

type memRec struct {
	ev   store.Event
	prev *store.KV // the key before the write; nil if it did not exist
}

func newMemDB(bug string) *memDB {
	return &memDB{bug: bug, rev: memBaseRevision, cur: map[string]store.KV{}, changed: make(chan struct{})}
}

// memFactory is the storetest.Factory of the fixture, with an optional bug.
func memFactory(bug string) storetest.Factory {
	return func(t testing.TB) (store.Store, func(testing.TB) store.Store) {
		db := newMemDB(bug)
		cur := db.open()
		t.Cleanup(func() { cur.Close() })
		reopen := func(testing.TB) store.Store {
			cur.Close()
			cur = db.open()
			return cur
		}
		return cur, reopen
	}
}

func (db *memDB) open() *memStore {
	if db.bug == "forget-history-on-reopen" {
		db.mu.Lock()
		db.log, db.compacted = nil, db.rev
		db.mu.Unlock()
	}
	return &memStore{db: db, done: make(chan struct{})}
}

// commit applies one write; the caller holds db.mu.
func (db *memDB) commit(typ store.EventType, kv store.KV, prev *store.KV) store.KV {
	db.rev++
	if db.bug == "double-bump" {
		db.rev++
	}
	kv.ModRevision = db.rev
	if typ == store.Added {
		kv.CreateRevision = db.rev
	}
	ev := store.Event{Type: typ, KV: kv}
	if prev != nil {
		ev.PrevValue = prev.Value
	}
	if typ == store.Deleted {
		ev.KV.Value = nil
		delete(db.cur, kv.Key)
	} else {
		db.cur[kv.Key] = kv
	}
	db.log = append(db.log, memRec{ev: ev, prev: prev})
	close(db.changed)
	db.changed = make(chan struct{})
	return kv
}

// snapshot returns the keys under prefix at revision rev (>= compacted-1).
func (db *memDB) snapshot(prefix string, rev int64) map[string]store.KV {
	m := map[string]store.KV{}
	for k, kv := range db.cur {
		if strings.HasPrefix(k, prefix) {
			m[k] = kv
		}
	}
	for i := len(db.log) - 1; i >= 0 && db.log[i].ev.KV.ModRevision > rev; i-- {
		r := db.log[i]
		switch {
		case !strings.HasPrefix(r.ev.KV.Key, prefix):
		case r.prev == nil:
			delete(m, r.ev.KV.Key)
		default:
			m[r.ev.KV.Key] = *r.prev
		}
	}
	return m
}

// memStore is one open handle on a memDB.
type memStore struct {
	db        *memDB
	closeOnce sync.Once
	done      chan struct{}
	watchers  sync.WaitGroup
}

func (s *memStore) check(ctx context.Context) error {
	select {
	case <-s.done:
		return store.ErrClosed
	default:
		return ctx.Err()
	}
}

func cloneKV(kv store.KV) store.KV {
	kv.Value = slices.Clone(kv.Value)
	return kv
}

func (s *memStore) own(v []byte) []byte {
	if s.db.bug == "shared-values" {
		return v
	}
	return slices.Clone(v)
}

func (s *memStore) checkWrite(ctx context.Context, key string, value []byte) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if err := store.CheckKey(store.DefaultPrefix, key); err != nil {
		return err
	}
	if s.db.bug == "no-size-limit" {
		return nil
	}
	return store.CheckValue(store.DefaultMaxValueSize, key, value)
}

func (s *memStore) Create(ctx context.Context, key string, value []byte) (store.KV, error) {
	if err := s.checkWrite(ctx, key, value); err != nil {
		return store.KV{}, err
	}
	db := s.db
	db.mu.Lock()
	defer db.mu.Unlock()
	if _, ok := db.cur[key]; ok && db.bug != "create-overwrites" {
		return store.KV{}, fmt.Errorf("create %q: %w", key, store.ErrExists)
	}
	return cloneKV(db.commit(store.Added, store.KV{Key: key, Value: s.own(value)}, nil)), nil
}

func (s *memStore) Get(ctx context.Context, key string) (store.KV, error) {
	if err := s.check(ctx); err != nil {
		return store.KV{}, err
	}
	if err := store.CheckKey(store.DefaultPrefix, key); err != nil {
		return store.KV{}, err
	}
	db := s.db
	db.mu.Lock()
	defer db.mu.Unlock()
	kv, ok := db.cur[key]
	if !ok {
		return store.KV{}, fmt.Errorf("get %q: %w", key, store.ErrNotFound)
	}
	if db.bug == "stale-read" {
		// Serve the version before the last write, as a lagging replica would.
		for i := len(db.log) - 1; i >= 0; i-- {
			if r := db.log[i]; r.ev.KV.Key == key && r.prev != nil {
				kv = *r.prev
				break
			}
		}
	}
	return cloneKV(kv), nil
}

// current returns key's KV for a conditional write, or the error.
func (s *memStore) current(op, key string, expected int64) (store.KV, error) {
	cur, ok := s.db.cur[key]
	if !ok {
		return store.KV{}, fmt.Errorf("%s %q: %w", op, key, store.ErrNotFound)
	}
	if expected > 0 && expected != cur.ModRevision && s.db.bug != "ignore-expected" {
		return store.KV{}, fmt.Errorf("%s %q at revision %d: %w", op, key, expected, &store.ConflictError{Current: cloneKV(cur)})
	}
	return cur, nil
}

func (s *memStore) Update(ctx context.Context, key string, value []byte, expected int64) (store.KV, error) {
	if err := s.checkWrite(ctx, key, value); err != nil {
		return store.KV{}, err
	}
	db := s.db
	db.mu.Lock()
	defer db.mu.Unlock()
	cur, err := s.current("update", key, expected)
	if err != nil {
		return store.KV{}, err
	}
	kv := store.KV{Key: key, Value: s.own(value), CreateRevision: cur.CreateRevision}
	return cloneKV(db.commit(store.Modified, kv, &cur)), nil
}

func (s *memStore) Delete(ctx context.Context, key string, expected int64) (store.KV, error) {
	if err := s.checkWrite(ctx, key, nil); err != nil {
		return store.KV{}, err
	}
	db := s.db
	db.mu.Lock()
	defer db.mu.Unlock()
	cur, err := s.current("delete", key, expected)
	if err != nil {
		return store.KV{}, err
	}
	return cloneKV(db.commit(store.Deleted, cur, &cur)), nil
}

func encodeToken(prefix string, rev int64, next string) string {
	return store.EncodeContinue(prefix, rev, next)
}

func (s *memStore) decodeToken(prefix, token string) (int64, string, error) {
	if s.db.bug == "continue-any-prefix" {
		// The injected bug: accept a token of any prefix by re-binding it.
		body, _, _ := strings.Cut(token, ".")
		token = body + "." + strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(prefix))), 36)
	}
	return store.DecodeContinue(prefix, token)
}

func (s *memStore) List(ctx context.Context, prefix string, opts store.ListOptions) (store.ListResult, error) {
	if err := s.check(ctx); err != nil {
		return store.ListResult{}, err
	}
	if err := store.CheckPrefix(store.DefaultPrefix, prefix); err != nil {
		return store.ListResult{}, err
	}
	rev, start := opts.Revision, prefix
	if opts.Continue != "" {
		var err error
		if rev, start, err = s.decodeToken(prefix, opts.Continue); err != nil {
			return store.ListResult{}, err
		}
		if s.db.bug == "continue-reads-current" {
			rev = 0
		}
	}
	db := s.db
	db.mu.Lock()
	defer db.mu.Unlock()
	if rev == 0 || db.bug == "list-ignores-revision" {
		rev = db.rev
	}
	if rev > db.rev {
		return store.ListResult{}, fmt.Errorf("list at %d (current %d): %w", rev, db.rev, store.ErrFutureRevision)
	}
	if rev < db.compacted {
		return store.ListResult{}, fmt.Errorf("list at %d (compacted at %d): %w", rev, db.compacted, store.ErrExpired)
	}
	snap := db.snapshot(prefix, rev)
	var keys []string
	for k := range snap {
		if k >= start {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	res := store.ListResult{Revision: rev}
	n := len(keys)
	if opts.Limit > 0 && int64(n) > opts.Limit {
		n = int(opts.Limit)
		res.Continue = encodeToken(prefix, rev, keys[n])
	}
	for _, k := range keys[:n] {
		res.Items = append(res.Items, cloneKV(snap[k]))
	}
	res.Remaining = int64(len(keys) - n)
	if db.bug == "wrong-remaining" && res.Remaining > 0 {
		res.Remaining++
	}
	return res, nil
}

func (s *memStore) Revision(ctx context.Context) (int64, error) {
	if err := s.check(ctx); err != nil {
		return 0, err
	}
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	return s.db.rev, nil
}

func (s *memStore) Compact(ctx context.Context, rev int64) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	db := s.db
	db.mu.Lock()
	defer db.mu.Unlock()
	if rev > db.rev {
		return fmt.Errorf("compact %d (current %d): %w", rev, db.rev, store.ErrFutureRevision)
	}
	if rev <= db.compacted || db.bug == "compact-noop" {
		return nil
	}
	i, _ := slices.BinarySearchFunc(db.log, rev, func(r memRec, rev int64) int {
		return int(r.ev.KV.ModRevision - rev)
	})
	db.log = slices.Clone(db.log[i:])
	db.compacted = rev
	return nil
}

func (s *memStore) Close() error {
	s.closeOnce.Do(func() { close(s.done) })
	s.watchers.Wait()
	return nil
}

func (s *memStore) Watch(ctx context.Context, prefix string, from int64) (store.Watcher, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if err := store.CheckPrefix(store.DefaultPrefix, prefix); err != nil {
		return nil, err
	}
	s.db.mu.Lock()
	if from == 0 {
		from = s.db.rev
	}
	compacted := s.db.compacted
	s.db.mu.Unlock()
	if from < compacted {
		return nil, fmt.Errorf("watch from %d (compacted at %d): %w", from, compacted, store.ErrExpired)
	}
	w := &memWatcher{ch: make(chan store.Event), stop: make(chan struct{}), progress: make(chan struct{}, 1)}
	s.watchers.Add(1)
	go func() {
		defer s.watchers.Done()
		err := s.run(ctx, w, prefix, from+1)
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
		close(w.ch)
	}()
	return w, nil
}

// run delivers the log's records from revision next on until the watch ends,
// and returns the watch's final error.
func (s *memStore) run(ctx context.Context, w *memWatcher, prefix string, next int64) error {
	db := s.db
	closedErr := store.ErrClosed
	if db.bug == "close-without-error" {
		closedErr = nil
	}
	sent := 0
	wantProgress := false
	for {
		db.mu.Lock()
		if next <= db.compacted {
			db.mu.Unlock()
			return fmt.Errorf("watch at %d (compacted at %d): %w", next, db.compacted, store.ErrExpired)
		}
		var batch []store.Event
		if len(db.log) > 0 {
			from := min(max(next-db.log[0].ev.KV.ModRevision, 0), int64(len(db.log)))
			for _, r := range db.log[from:] {
				if strings.HasPrefix(r.ev.KV.Key, prefix) {
					ev := r.ev
					ev.KV.Value, ev.PrevValue = slices.Clone(ev.KV.Value), slices.Clone(ev.PrevValue)
					batch = append(batch, ev)
				}
			}
		}
		next = max(next, db.rev+1)
		seen := db.rev // once batch is delivered, every change up to seen was
		changed := db.changed
		db.mu.Unlock()

		if db.bug == "progress-lies" && len(batch) > 0 {
			// Claims the batch was delivered before delivering it.
			batch = append([]store.Event{{Type: store.Progress, KV: store.KV{ModRevision: seen}}}, batch...)
		}
		for _, ev := range batch {
			sent++
			copies := 1
			switch {
			case db.bug == "watch-drops" && sent%7 == 0:
				copies = 0
			case db.bug == "watch-duplicates" && sent%5 == 0:
				copies = 2
			case db.bug == "watch-no-prev":
				ev.PrevValue = nil
			}
			for range copies {
				select {
				case w.ch <- ev:
				case <-ctx.Done():
					return nil
				case <-w.stop:
					return nil
				case <-s.done:
					return closedErr
				}
			}
		}
		if len(batch) > 0 {
			continue
		}
		if wantProgress {
			// Answered only now that the snapshot taken after the request
			// has been delivered.
			wantProgress = false
			select {
			case w.ch <- store.Event{Type: store.Progress, KV: store.KV{ModRevision: seen}}:
			case <-ctx.Done():
				return nil
			case <-w.stop:
				return nil
			case <-s.done:
				return closedErr
			}
		}
		select {
		case <-changed:
		case <-w.progress:
			wantProgress = db.bug != "progress-ignored"
		case <-ctx.Done():
			return nil
		case <-w.stop:
			return nil
		case <-s.done:
			return closedErr
		}
	}
}

type memWatcher struct {
	ch       chan store.Event
	stop     chan struct{}
	progress chan struct{} // a pending RequestProgress
	once     sync.Once
	mu       sync.Mutex
	err      error
}

var _ store.ProgressRequester = (*memWatcher)(nil)

// RequestProgress asks run for a Progress event.
func (w *memWatcher) RequestProgress(ctx context.Context) error {
	select {
	case <-w.stop:
		return errors.New("watch stopped")
	case w.progress <- struct{}{}:
	default: // one is pending already and will answer this request too
	}
	return nil
}

func (w *memWatcher) Events() <-chan store.Event { return w.ch }

func (w *memWatcher) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *memWatcher) Stop() { w.once.Do(func() { close(w.stop) }) }
