package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/spar-dev/spar/store"
)

// Options configure a Store. The zero value (or a nil *Options) means "use
// every default".
type Options struct {
	// Prefix is the key prefix the store accepts. Default store.DefaultPrefix.
	Prefix string

	// MaxValueSize is the largest value accepted, in bytes. Default
	// store.DefaultMaxValueSize (1.5 MiB, as etcd).
	MaxValueSize int

	// Retention is how much history automatic compaction keeps: lists at
	// older revisions and watches from them keep working for at least this
	// long after the revision was written. Default 5 minutes, Kubernetes'
	// compaction interval. A negative value disables automatic compaction
	// (Compact still works).
	Retention time.Duration

	// CompactionInterval is how often automatic compaction runs. Default
	// Retention/5, at most one minute, so history is kept for between
	// Retention and Retention+CompactionInterval.
	CompactionInterval time.Duration

	// MaxBatchSize is the largest number of writes committed in one
	// transaction (one fsync). Default 1000.
	MaxBatchSize int

	// MaxBatchDelay is the longest the committer waits for more writes
	// once a batch has its first one. Default 0: no fixed wait. The
	// committer still lingers, at most 2ms and four times the last
	// commit's duration, for the writers the previous commit released, so
	// that batches grow with the number of writers; a lone writer never
	// waits.
	MaxBatchDelay time.Duration

	// WatchBuffer is the number of events buffered per watcher. A watcher
	// whose buffer is full stops receiving live events and catches up from
	// the on-disk log instead, so a slow watcher never blocks writers and
	// never loses an event. Default 1024.
	WatchBuffer int

	// CheckpointInterval is how often, at most, the bbolt file is synced so
	// that the write-ahead log can start over (see doc.go, Durability).
	// Between checkpoints a commit costs one fdatasync, of the log; a
	// checkpoint costs two more and writes back the pages changed since the
	// last one. A longer interval means fewer checkpoints and a longer
	// replay on open after a crash. Default 1 second. Ignored with NoSync.
	CheckpointInterval time.Duration

	// CheckpointSize is the size of the write-ahead log, in bytes, past
	// which a checkpoint is taken before CheckpointInterval has passed; it
	// bounds the log's size and the replay on open after a crash. Default
	// 64 MiB. Ignored with NoSync.
	CheckpointSize int64

	// NoSync skips every fsync, and the write-ahead log. Only for tests and
	// benchmarks: a crash of the machine (not of the process) can then lose
	// acknowledged writes or corrupt the file. Default false: every write is
	// durable when it returns.
	NoSync bool

	// Logger receives compaction and error logs. Default: discard.
	Logger logr.Logger
}

// Defaults, see Options.
const (
	DefaultRetention    = 5 * time.Minute
	DefaultMaxBatchSize = 1000
	DefaultWatchBuffer  = 1024

	DefaultCheckpointInterval = time.Second
	DefaultCheckpointSize     = 64 << 20
)

// Fixed tuning.
const (
	maxCompactionPeriod = time.Minute          // cap of the default CompactionInterval
	maxKeySize          = 4096                 // bbolt allows 32 KiB; Kubernetes keys are far shorter
	maxBatchBytes       = 64 << 20             // a batch stops growing past this many value bytes
	maxReusedRecord     = 1 << 20              // a log record buffer larger than this is not kept for the next batch
	maxLinger           = 2 * time.Millisecond // longest wait for released writers to queue again
	lockTimeout         = 10 * time.Second     // how long Open waits for another process' lock
	logFillPercent      = 0.9                  // the log is append-only: pack its pages
	compactChunk        = 256                  // log entries examined per compaction transaction
	watchCatchUpChunk   = 1000                 // log entries read per catch-up transaction
	formatVersion       = "spar-bolt/1"
)

// initialMmapSize is how much of the file is mapped up front: readers never
// wait for a remap below 1 GiB of data. A variable so that tests can force
// remaps.
var initialMmapSize = 1 << 30

// Bucket and meta key names; see doc.go for the layout.
var (
	bucketMeta = []byte("meta")
	bucketLog  = []byte("log")
	bucketKeys = []byte("keys")

	metaFormat    = []byte("format")
	metaRevision  = []byte("revision")
	metaCompacted = []byte("compacted")
)

// Store is a store.Store in one bbolt file. Create it with Open; it is safe
// for concurrent use.
type Store struct {
	db   *bbolt.DB
	path string
	opts Options
	log  logr.Logger

	// rev is the revision of the latest durable commit; compacted the
	// revision history has been compacted to.
	rev       atomic.Int64
	compacted atomic.Int64

	// Write queue, drained by the committer goroutine.
	qmu     sync.Mutex
	queue   []*op
	qclosed bool
	qwake   chan struct{}

	hub hub

	compactMu sync.Mutex // one compaction at a time

	// txMu serializes bbolt write transactions (commits and compaction)
	// with checkpoints, and guards the fields below but pin. With NoSync
	// there is no log: wal and dbf are nil.
	txMu           sync.Mutex
	wal            *wal
	dbf            *os.File // the bbolt file, read for its meta page at checkpoints
	pageSize       int
	txSince        int       // write transactions since the last checkpoint
	checkpointAt   time.Time // when the last checkpoint was taken
	checkpointSize int64     // the file's used size (high-water mark) then
	walErr         error     // sticky: see broken
	rec            []byte    // the record being built, reused
	// pin is a read transaction at the last checkpoint's state: while it is
	// open bbolt reuses none of that state's pages (see doc.go).
	pinMu sync.Mutex
	pin   *bbolt.Tx
	// checkpointed, if set, is called by checkpoint once the log starts
	// from the new state: tests take the file's synced image there.
	checkpointed func()

	closeOnce sync.Once
	closing   chan struct{}  // closed by Close: stops the background goroutines
	bg        sync.WaitGroup // committer, compactor and watcher catch-ups
	// mu guards closed; read paths hold it shared so Close waits for them
	// before closing the file.
	mu     sync.RWMutex
	closed bool
}

var _ store.Store = (*Store)(nil)

// Open opens (or creates) the store in the file at path. A reopened file
// continues its revision sequence, and watches can resume from any revision
// still in its history. Open waits up to 10 seconds for another process that
// holds the file to let go of it.
func Open(path string, opts *Options) (*Store, error) {
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Prefix == "" {
		o.Prefix = store.DefaultPrefix
	}
	if o.MaxValueSize <= 0 {
		o.MaxValueSize = store.DefaultMaxValueSize
	}
	if o.Retention == 0 {
		o.Retention = DefaultRetention
	}
	if o.CompactionInterval <= 0 {
		o.CompactionInterval = min(o.Retention/5, maxCompactionPeriod)
		if o.CompactionInterval <= 0 { // compaction off, or a Retention under 5ns
			o.CompactionInterval = maxCompactionPeriod
		}
	}
	if o.MaxBatchSize <= 0 {
		o.MaxBatchSize = DefaultMaxBatchSize
	}
	if o.MaxBatchDelay < 0 {
		o.MaxBatchDelay = 0
	}
	if o.WatchBuffer <= 0 {
		o.WatchBuffer = DefaultWatchBuffer
	}
	if o.Logger.GetSink() == nil {
		o.Logger = logr.Discard()
	}

	if o.CheckpointInterval <= 0 {
		o.CheckpointInterval = DefaultCheckpointInterval
	}
	if o.CheckpointSize <= 0 {
		o.CheckpointSize = DefaultCheckpointSize
	}

	// A crash may have left the file ahead of its last checkpoint: go back
	// to the checkpoint; the log's entries are replayed by init.
	walPath := path + walSuffix
	recovered, err := recoverFile(path, walPath)
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}

	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout: lockTimeout,
		// The freelist is rebuilt by a scan on open instead of being written
		// on every commit (as etcd does): fewer pages per commit.
		NoFreelistSync: true,
		// The hashmap freelist allocates in O(1) where the array one degrades
		// with fragmentation, which churn produces.
		FreelistType: bbolt.FreelistMapType,
		// Map 1 GiB up front (address space only): a remap waits for every
		// read transaction, and watchers' and lists' reads must never stall
		// the committer.
		InitialMmapSize: initialMmapSize,
		// Durability comes from the write-ahead log and the checkpoints'
		// syncs (see doc.go), not from bbolt's own two fdatasyncs per
		// commit. Without grow syncs bbolt does not preallocate either: the
		// file grows as pages are written past its end, and a checkpoint's
		// fdatasync makes its size durable with its pages.
		NoSync:     true,
		NoGrowSync: true,
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	s := &Store{
		db:       db,
		path:     path,
		opts:     o,
		log:      o.Logger,
		qwake:    make(chan struct{}, 1),
		closing:  make(chan struct{}),
		pageSize: db.Info().PageSize,
	}
	if err := s.start(walPath, recovered); err != nil {
		s.unpin()
		_ = db.Close()
		if s.wal != nil {
			_ = s.wal.close()
		}
		if s.dbf != nil {
			_ = s.dbf.Close()
		}
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	s.hub.init(s.rev.Load())

	s.bg.Add(1)
	go s.committer()
	if o.Retention > 0 {
		s.bg.Add(1)
		go s.compactor()
	}
	if s.wal != nil {
		s.bg.Add(1)
		go s.checkpointer()
	}
	return s, nil
}

// start brings the opened file up to date: it replays the recovered log
// entries, and sets up the log (or, with NoSync, removes it).
func (s *Store) start(walPath string, recovered walLog) error {
	if s.opts.NoSync {
		if err := s.init(recovered); err != nil {
			return err
		}
		if !recovered.head {
			return nil
		}
		// Nothing will keep the log up to date: make what it held part of
		// the file, then drop it.
		if err := s.db.Sync(); err != nil {
			return err
		}
		return os.Remove(walPath)
	}

	var err error
	if s.wal, err = openWAL(walPath); err != nil {
		return fmt.Errorf("write-ahead log: %w", err)
	}
	if s.dbf, err = os.Open(s.path); err != nil {
		return err
	}
	if !recovered.head {
		// The file is consistent as it is (recoverFile); checkpoint it so
		// that the log has a state to go back to before anything is written
		// unsynced.
		if err := s.checkpoint(); err != nil {
			return err
		}
		s.unpin() // init may remap: it runs unpinned, as the first transaction after a checkpoint may
	}
	if err := s.init(recovered); err != nil {
		return err
	}
	return s.checkpoint()
}

// init creates the buckets of a new file, or checks and loads an existing
// one, and replays the entries of the recovered log.
func (s *Store) init(recovered walLog) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketLog); err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketKeys); err != nil {
			return err
		}
		switch f := meta.Get(metaFormat); {
		case f == nil:
			// A new store starts at revision 1, as etcd does, so that a list
			// of an empty store returns a revision a watch can start from
			// (0 would mean "from now").
			if err := meta.Put(metaFormat, []byte(formatVersion)); err != nil {
				return err
			}
			if err := meta.Put(metaRevision, encRev(1)); err != nil {
				return err
			}
			if err := meta.Put(metaCompacted, encRev(0)); err != nil {
				return err
			}
		case string(f) != formatVersion:
			return fmt.Errorf("unknown file format %q (want %q)", f, formatVersion)
		}
		rev := decRev(meta.Get(metaRevision))
		if len(recovered.entries) > 0 {
			if rev != recovered.rev {
				return fmt.Errorf("write-ahead log starts after revision %d but the file is at revision %d", recovered.rev, rev)
			}
			var err error
			if rev, err = replay(tx, rev, recovered.entries); err != nil {
				return err
			}
			if err := meta.Put(metaRevision, encRev(rev)); err != nil {
				return err
			}
		}
		s.rev.Store(rev)
		s.compacted.Store(decRev(meta.Get(metaCompacted)))
		return nil
	})
}

// Close stops the store: queued writes are committed, running watches end
// with store.ErrClosed, and the file is closed. Calling Close again is a no-op.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		// Let the committer drain what is queued, then stop.
		s.qmu.Lock()
		s.qclosed = true
		s.qmu.Unlock()
		s.wakeCommitter()
		close(s.closing)

		s.hub.close(store.ErrClosed)
		s.bg.Wait()

		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()

		// A last checkpoint leaves the file complete on its own: the log
		// goes, so that a closed store is one file that can be copied.
		synced := false
		if s.wal != nil {
			s.txMu.Lock()
			if s.walErr == nil {
				if err = s.checkpoint(); err == nil {
					synced = true
				}
			}
			s.unpin()
			s.txMu.Unlock()
		}
		err = errors.Join(err, s.db.Close())
		if s.wal != nil {
			err = errors.Join(err, s.wal.close(), s.dbf.Close())
			if synced {
				err = errors.Join(err, os.Remove(s.wal.path))
			}
		}
	})
	if err != nil {
		return fmt.Errorf("bolt: close: %w", err)
	}
	return nil
}

// view runs fn in a read transaction, unless the store is closed.
func (s *Store) view(fn func(tx *bbolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	err := s.db.View(fn)
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return store.ErrClosed
	}
	return err
}

// Revision returns the revision of the latest durable write.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	return s.rev.Load(), nil
}

// Get returns key's current value.
func (s *Store) Get(ctx context.Context, key string) (store.KV, error) {
	if err := s.checkKey(key); err != nil {
		return store.KV{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.KV{}, err
	}
	var kv store.KV
	err := s.view(func(tx *bbolt.Tx) error {
		var ok bool
		var err error
		if kv, ok, err = current(tx, key); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("bolt: get %q: %w", key, store.ErrNotFound)
		}
		return nil
	})
	return kv, err
}

func (s *Store) checkKey(key string) error {
	if err := store.CheckKey(s.opts.Prefix, key); err != nil {
		return fmt.Errorf("bolt: %w", err)
	}
	if len(key) > maxKeySize {
		return fmt.Errorf("bolt: %w: key of %d bytes exceeds the limit of %d bytes", store.ErrInvalidKey, len(key), maxKeySize)
	}
	return nil
}

// Encoding helpers. Revisions are 8-byte big-endian so that bbolt's byte
// order is revision order.

func encRev(rev int64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(rev))
	return b
}

func decRev(b []byte) int64 {
	if len(b) < 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(b))
}
