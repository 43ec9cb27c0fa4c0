package etcd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/spar-dev/spar/store"
)

// DefaultCompactionInterval is how often a Store compacts etcd by default:
// every 5 minutes, as kube-apiserver's --etcd-compaction-interval.
const DefaultCompactionInterval = 5 * time.Minute

// Options configure a Store. The zero value (or a nil *Options) means "use
// every default".
type Options struct {
	// Prefix is the key prefix the store accepts. Default store.DefaultPrefix.
	// It must not cover the compaction key "compact_rev_key".
	Prefix string

	// MaxValueSize is the largest value accepted, in bytes. Default
	// store.DefaultMaxValueSize (1.5 MiB). etcd has its own request limit
	// (--max-request-bytes, 1.5 MiB by default); run etcd with a limit a
	// little above MaxValueSize so that the largest value plus its key fits
	// in one request. A request etcd rejects as too large fails with
	// store.ErrValueTooLarge too.
	MaxValueSize int

	// CompactionInterval is how often the store compacts etcd's history:
	// every interval it compacts to the revision it saw one interval
	// earlier, so history is kept for between one and two intervals.
	// Several stores (API servers) on one etcd coordinate through the key
	// "compact_rev_key", as kube-apiservers do, so the cluster compacts
	// once per interval, not once per store. Default
	// DefaultCompactionInterval (5 minutes); a negative value disables
	// automatic compaction (Compact still works).
	CompactionInterval time.Duration

	// Logger receives compaction and watch errors. Default: discard.
	Logger logr.Logger
}

// compactRevKey is the key through which compactors agree on who compacts.
// Its name and protocol are kube-apiserver's, so spar and Kubernetes API
// servers sharing one etcd also share one compaction schedule.
const compactRevKey = "compact_rev_key"

// Store is a store.Store on an etcd v3 cluster. Create it with New.
type Store struct {
	client   *clientv3.Client
	prefix   string
	maxValue int
	log      logr.Logger

	closed    atomic.Bool
	mu        sync.Mutex // guards watchers
	watchers  map[*watcher]struct{}
	stop      context.CancelFunc // stops the compactor
	compactor sync.WaitGroup
	watches   sync.WaitGroup // running watch goroutines
}

var _ store.Store = (*Store)(nil)

// New returns a Store that keeps its data in etcd through client. The store
// does not own the client: Close leaves it open, and the caller closes it
// after closing the store. The client may be namespaced
// (go.etcd.io/etcd/client/v3/namespace); keys, the compaction key included,
// are then relative to the namespace, while revisions and compaction stay
// global to the etcd cluster.
func New(client *clientv3.Client, opts *Options) (*Store, error) {
	if client == nil {
		return nil, errors.New("etcd: nil client")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Prefix == "" {
		o.Prefix = store.DefaultPrefix
	}
	if strings.HasPrefix(compactRevKey, o.Prefix) {
		return nil, fmt.Errorf("etcd: prefix %q covers the compaction key %q", o.Prefix, compactRevKey)
	}
	if o.MaxValueSize <= 0 {
		o.MaxValueSize = store.DefaultMaxValueSize
	}
	if o.CompactionInterval == 0 {
		o.CompactionInterval = DefaultCompactionInterval
	}
	if o.Logger.GetSink() == nil {
		o.Logger = logr.Discard()
	}
	s := &Store{
		client:   client,
		prefix:   o.Prefix,
		maxValue: o.MaxValueSize,
		log:      o.Logger,
		watchers: make(map[*watcher]struct{}),
		stop:     func() {},
	}
	if o.CompactionInterval > 0 {
		ctx, cancel := context.WithCancel(context.Background())
		s.stop = cancel
		s.compactor.Add(1)
		go func() {
			defer s.compactor.Done()
			s.runCompactor(ctx, o.CompactionInterval)
		}()
	}
	return s, nil
}

func (s *Store) checkWrite(key string, value []byte) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := store.CheckKey(s.prefix, key); err != nil {
		return err
	}
	return store.CheckValue(s.maxValue, key, value)
}

// Create implements store.Store. The key is written only if it has never
// been created or was deleted since (CreateRevision 0 in etcd's terms).
func (s *Store) Create(ctx context.Context, key string, value []byte) (store.KV, error) {
	if err := s.checkWrite(key, value); err != nil {
		return store.KV{}, err
	}
	resp, err := s.client.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, string(value))).
		Commit()
	if err != nil {
		return store.KV{}, s.wrap("create", key, err)
	}
	if !resp.Succeeded {
		return store.KV{}, fmt.Errorf("etcd: create %q: %w", key, store.ErrExists)
	}
	rev := resp.Header.Revision
	return store.KV{Key: key, Value: slices.Clone(value), CreateRevision: rev, ModRevision: rev}, nil
}

// Get implements store.Store with a linearizable read.
func (s *Store) Get(ctx context.Context, key string) (store.KV, error) {
	if s.closed.Load() {
		return store.KV{}, store.ErrClosed
	}
	if err := store.CheckKey(s.prefix, key); err != nil {
		return store.KV{}, err
	}
	resp, err := s.client.Get(ctx, key)
	if err != nil {
		return store.KV{}, s.wrap("get", key, err)
	}
	if len(resp.Kvs) == 0 {
		return store.KV{}, fmt.Errorf("etcd: get %q: %w", key, store.ErrNotFound)
	}
	return toKV(resp.Kvs[0]), nil
}

// guard is the comparison a conditional write makes: the key's ModRevision
// is expected, or, when expected <= 0, merely that the key exists, so an
// unconditional write of a missing key fails with ErrNotFound instead of
// creating it, in the same transaction.
func guard(key string, expected int64) clientv3.Cmp {
	if expected <= 0 {
		return clientv3.Compare(clientv3.CreateRevision(key), ">", 0)
	}
	return clientv3.Compare(clientv3.ModRevision(key), "=", expected)
}

// Update implements store.Store as one transaction: put if the guard holds,
// else read the key to tell a conflict (with the current KV) from a missing key.
func (s *Store) Update(ctx context.Context, key string, value []byte, expected int64) (store.KV, error) {
	if err := s.checkWrite(key, value); err != nil {
		return store.KV{}, err
	}
	resp, err := s.client.Txn(ctx).
		If(guard(key, expected)).
		Then(clientv3.OpPut(key, string(value), clientv3.WithPrevKV())).
		Else(clientv3.OpGet(key)).
		Commit()
	if err != nil {
		return store.KV{}, s.wrap("update", key, err)
	}
	if !resp.Succeeded {
		return store.KV{}, failure("update", key, resp)
	}
	prev := resp.Responses[0].GetResponsePut().GetPrevKv()
	if prev == nil {
		// Cannot happen: the guard saw the key in the same transaction.
		return store.KV{}, fmt.Errorf("etcd: update %q: no previous value in a successful transaction", key)
	}
	return store.KV{
		Key:            key,
		Value:          slices.Clone(value),
		CreateRevision: prev.CreateRevision,
		ModRevision:    resp.Header.Revision,
	}, nil
}

// Delete implements store.Store like Update.
func (s *Store) Delete(ctx context.Context, key string, expected int64) (store.KV, error) {
	if s.closed.Load() {
		return store.KV{}, store.ErrClosed
	}
	if err := store.CheckKey(s.prefix, key); err != nil {
		return store.KV{}, err
	}
	resp, err := s.client.Txn(ctx).
		If(guard(key, expected)).
		Then(clientv3.OpDelete(key, clientv3.WithPrevKV())).
		Else(clientv3.OpGet(key)).
		Commit()
	if err != nil {
		return store.KV{}, s.wrap("delete", key, err)
	}
	if !resp.Succeeded {
		return store.KV{}, failure("delete", key, resp)
	}
	prevs := resp.Responses[0].GetResponseDeleteRange().GetPrevKvs()
	if len(prevs) != 1 {
		return store.KV{}, fmt.Errorf("etcd: delete %q: %d previous values in a successful transaction", key, len(prevs))
	}
	return store.KV{
		Key:            key,
		Value:          prevs[0].Value,
		CreateRevision: prevs[0].CreateRevision,
		ModRevision:    resp.Header.Revision,
	}, nil
}

// failure turns the Else branch of a failed conditional write into
// ErrNotFound or a *store.ConflictError carrying the current KV.
func failure(op, key string, resp *clientv3.TxnResponse) error {
	var kvs []*mvccpb.KeyValue
	if len(resp.Responses) > 0 {
		kvs = resp.Responses[0].GetResponseRange().GetKvs()
	}
	if len(kvs) == 0 {
		return fmt.Errorf("etcd: %s %q: %w", op, key, store.ErrNotFound)
	}
	return &store.ConflictError{Current: toKV(kvs[0])}
}

// List implements store.Store with one range read. The first page is a
// linearizable read at the current revision (or at opts.Revision); its
// revision travels in the continue token, so every later page reads the same
// snapshot, or fails with ErrExpired once it has been compacted.
func (s *Store) List(ctx context.Context, prefix string, opts store.ListOptions) (store.ListResult, error) {
	if s.closed.Load() {
		return store.ListResult{}, store.ErrClosed
	}
	if err := store.CheckPrefix(s.prefix, prefix); err != nil {
		return store.ListResult{}, err
	}
	rev, start := opts.Revision, prefix
	if opts.Continue != "" {
		var err error
		rev, start, err = decodeContinue(prefix, opts.Continue)
		if err != nil {
			return store.ListResult{}, err
		}
	}
	if rev < 0 {
		return store.ListResult{}, fmt.Errorf("etcd: list %q: negative revision %d", prefix, rev)
	}
	limit := max(opts.Limit, 0)
	resp, err := s.client.Get(ctx, start,
		clientv3.WithRange(clientv3.GetPrefixRangeEnd(prefix)),
		clientv3.WithRev(rev),
		clientv3.WithLimit(limit))
	if err != nil {
		return store.ListResult{}, s.wrap("list", prefix, err)
	}
	if rev == 0 {
		rev = resp.Header.Revision
	}
	res := store.ListResult{Items: make([]store.KV, len(resp.Kvs)), Revision: rev}
	for i, kv := range resp.Kvs {
		res.Items[i] = toKV(kv)
	}
	if resp.More && len(resp.Kvs) > 0 {
		last := string(resp.Kvs[len(resp.Kvs)-1].Key)
		// The smallest key after last.
		res.Continue = encodeContinue(prefix, rev, last+"\x00")
		res.Remaining = resp.Count - int64(len(resp.Kvs))
	}
	return res, nil
}

// encodeContinue and decodeContinue are store's tokens, which bind the
// listed prefix.
func encodeContinue(prefix string, rev int64, next string) string {
	return store.EncodeContinue(prefix, rev, next)
}

func decodeContinue(prefix, token string) (int64, string, error) {
	return store.DecodeContinue(prefix, token)
}

// Revision implements store.Store: the header of a linearizable read carries
// the cluster's current revision.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	return s.currentRevision(ctx)
}

func (s *Store) currentRevision(ctx context.Context) (int64, error) {
	resp, err := s.client.Get(ctx, s.prefix, clientv3.WithCountOnly())
	if err != nil {
		return 0, s.wrap("revision", "", err)
	}
	return resp.Header.Revision, nil
}

// Compact implements store.Store. It waits until etcd has physically
// removed the history, so that the space is free for reuse when it returns.
// Compacting at or below etcd's compacted revision is a no-op.
func (s *Store) Compact(ctx context.Context, revision int64) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if revision <= 0 {
		return nil
	}
	_, err := s.client.Compact(ctx, revision, clientv3.WithCompactPhysical())
	if err != nil && !errors.Is(err, rpctypes.ErrCompacted) {
		return s.wrap("compact", "", err)
	}
	return nil
}

// Close stops the compactor and ends every running watch with
// store.ErrClosed. It does not close the client. Close is idempotent.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.stop()
	s.compactor.Wait()
	s.mu.Lock()
	ws := s.watchers
	s.watchers = nil
	s.mu.Unlock()
	for w := range ws {
		w.end(store.ErrClosed)
	}
	s.watches.Wait()
	return nil
}

// wrap maps etcd's errors to the store's sentinels and adds context.
func (s *Store) wrap(op, key string, err error) error {
	what := "etcd: " + op
	if key != "" {
		what += fmt.Sprintf(" %q", key)
	}
	switch {
	case errors.Is(err, rpctypes.ErrCompacted):
		return fmt.Errorf("%s: %w (%v)", what, store.ErrExpired, err)
	case errors.Is(err, rpctypes.ErrFutureRev):
		return fmt.Errorf("%s: %w (%v)", what, store.ErrFutureRevision, err)
	case errors.Is(err, rpctypes.ErrRequestTooLarge):
		return fmt.Errorf("%s: %w (%v)", what, store.ErrValueTooLarge, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", what, err)
	}
	if s.closed.Load() {
		return fmt.Errorf("%s: %w (%v)", what, store.ErrClosed, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func toKV(kv *mvccpb.KeyValue) store.KV {
	return store.KV{
		Key:            string(kv.Key),
		Value:          kv.Value,
		CreateRevision: kv.CreateRevision,
		ModRevision:    kv.ModRevision,
	}
}
