package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
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
	// committer still lingers, at most 2ms and a quarter of the last
	// commit's duration, for the writers the previous commit released, so
	// that batches grow with the number of writers; a lone writer never
	// waits.
	MaxBatchDelay time.Duration

	// WatchBuffer is the number of events buffered per watcher. A watcher
	// whose buffer is full stops receiving live events and catches up from
	// the on-disk log instead, so a slow watcher never blocks writers and
	// never loses an event. Default 1024.
	WatchBuffer int

	// NoSync skips fsync on commit. Only for tests and benchmarks: a crash
	// of the machine (not of the process) can then lose acknowledged writes
	// or corrupt the file. Default false: every write is durable when it
	// returns.
	NoSync bool

	// Logger receives compaction and error logs. Default: discard.
	Logger logr.Logger
}

// Defaults, see Options.
const (
	DefaultRetention    = 5 * time.Minute
	DefaultMaxBatchSize = 1000
	DefaultWatchBuffer  = 1024
)

// Fixed tuning.
const (
	maxCompactionPeriod = time.Minute          // cap of the default CompactionInterval
	maxKeySize          = 4096                 // bbolt allows 32 KiB; Kubernetes keys are far shorter
	maxBatchBytes       = 64 << 20             // a batch stops growing past this many value bytes
	initialMmapSize     = 1 << 30              // readers never wait for a remap below 1 GiB of data
	allocSize           = 1 << 20              // file growth step once the file is mapped
	maxLinger           = 2 * time.Millisecond // longest wait for released writers to queue again
	lockTimeout         = 10 * time.Second     // how long Open waits for another process' lock
	logFillPercent      = 0.9                  // the log is append-only: pack its pages
	compactChunk        = 256                  // log entries examined per compaction transaction
	watchCatchUpChunk   = 1000                 // log entries read per catch-up transaction
	formatVersion       = "spar-bolt/1"
)

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
		NoSync:          o.NoSync,
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	// With a large mapping bbolt grows the file by AllocSize past its high
	// water mark; its default of 16 MiB would dwarf a small store.
	db.AllocSize = allocSize

	s := &Store{
		db:      db,
		path:    path,
		opts:    o,
		log:     o.Logger,
		qwake:   make(chan struct{}, 1),
		closing: make(chan struct{}),
	}
	if err := s.init(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	s.hub.init(s.rev.Load())

	s.bg.Add(1)
	go s.committer()
	if o.Retention > 0 {
		s.bg.Add(1)
		go s.compactor()
	}
	return s, nil
}

// init creates the buckets of a new file, or checks and loads an existing one.
func (s *Store) init() error {
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
		s.rev.Store(decRev(meta.Get(metaRevision)))
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
		err = s.db.Close()
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
