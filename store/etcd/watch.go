package etcd

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/metadata"

	"github.com/spar-dev/spar/store"
)

// watchBuffer is the capacity of a watcher's event channel. The etcd client
// buffers without bound behind it, so a slow consumer never stalls etcd or
// other watchers; it only grows this process' memory until the consumer
// (typically the watch cache) catches up or gives up.
const watchBuffer = 100

// progressRetry is how often an unanswered progress request is repeated.
// etcd silently drops a request that arrives while the watch is still
// catching up on history (kube-apiserver repeats its requests for the same
// reason).
const progressRetry = 100 * time.Millisecond

// watchIDs makes each watch's gRPC metadata unique; see Watch.
var watchIDs atomic.Uint64

// watcher is a running watch: one etcd watch, on a gRPC stream of its own,
// converted to store.Events by one goroutine.
type watcher struct {
	s      *Store
	ctx    context.Context // the etcd watch's context; carries the stream's metadata
	from   int64           // the watch delivers changes after this revision
	cancel context.CancelFunc
	events chan store.Event

	// progressWant is the highest revision a RequestProgress caller waits
	// to see in a Progress event, 0 when none waits; kick wakes the
	// goroutine to ask etcd.
	progressWant atomic.Int64
	kick         chan struct{}

	mu    sync.Mutex
	err   error
	ended bool
}

var _ store.ProgressRequester = (*watcher)(nil)

// Watch implements store.Store with etcd's native watch, from revision
// fromRevision+1, with previous values.
//
// fromRevision 0 is first resolved to the current revision by a
// linearizable read, so every write that completed before Watch was called
// is excluded and every later one included. An explicit fromRevision is
// checked by a read at that revision, so that a compacted one fails here
// with store.ErrExpired, exactly as a list at it would. (etcd alone would
// accept one revision below the compacted one, but could not supply the
// previous value of the change at the compacted revision.)
func (s *Store) Watch(ctx context.Context, prefix string, fromRevision int64) (store.Watcher, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := store.CheckPrefix(s.prefix, prefix); err != nil {
		return nil, err
	}
	if fromRevision < 0 {
		return nil, fmt.Errorf("etcd: watch %q: negative revision %d", prefix, fromRevision)
	}
	if fromRevision == 0 {
		rev, err := s.currentRevision(ctx)
		if err != nil {
			return nil, err
		}
		fromRevision = rev
	} else {
		_, err := s.client.Get(ctx, s.prefix, clientv3.WithRev(fromRevision), clientv3.WithCountOnly())
		// A future revision is fine: the watch waits for it.
		if err != nil && !errors.Is(err, rpctypes.ErrFutureRev) {
			return nil, s.wrap("watch", prefix, err)
		}
	}

	// Unique metadata gives the watch a gRPC stream of its own (the client
	// shares one stream among watches with equal metadata). A progress
	// request then concerns this watch alone, and is not dropped because
	// some other watch on the stream is still catching up.
	// WithRequireLeader ends the watch if the member loses its leader,
	// instead of leaving it silently stale (as kube-apiserver does).
	wctx, cancel := context.WithCancel(ctx)
	wctx = metadata.AppendToOutgoingContext(wctx, "spar-watch", strconv.FormatUint(watchIDs.Add(1), 10))
	wctx = clientv3.WithRequireLeader(wctx)
	w := &watcher{
		s:      s,
		ctx:    wctx,
		cancel: cancel,
		from:   fromRevision,
		events: make(chan store.Event, watchBuffer),
		kick:   make(chan struct{}, 1),
	}
	s.mu.Lock()
	if s.watchers == nil {
		s.mu.Unlock()
		cancel()
		return nil, store.ErrClosed
	}
	s.watchers[w] = struct{}{}
	s.watches.Add(1)
	s.mu.Unlock()

	wch := s.client.Watch(wctx, prefix, clientv3.WithPrefix(), clientv3.WithPrevKV(), clientv3.WithRev(fromRevision+1))
	go w.run(wch)
	return w, nil
}

func (w *watcher) Events() <-chan store.Event { return w.events }

func (w *watcher) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *watcher) Stop() { w.end(nil) }

// end stops the watch for the first reason given; later reasons are ignored
// (a watch that failed stays failed, one that was stopped stays clean).
func (w *watcher) end(err error) {
	w.mu.Lock()
	if !w.ended {
		w.ended, w.err = true, err
	}
	w.mu.Unlock()
	w.cancel()
}

// RequestProgress implements store.ProgressRequester. It reads the current
// revision, then has the watcher ask etcd for progress notifications until
// one at or above that revision has been delivered.
func (w *watcher) RequestProgress(ctx context.Context) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("etcd: request progress: watch ended: %w", err)
	}
	rev, err := w.s.currentRevision(ctx)
	if err != nil {
		return err
	}
	for {
		cur := w.progressWant.Load()
		if rev <= cur || w.progressWant.CompareAndSwap(cur, rev) {
			break
		}
	}
	select {
	case w.kick <- struct{}{}:
	default: // a kick is already pending
	}
	return nil
}

// run converts etcd's responses into events until the watch ends.
func (w *watcher) run(wch clientv3.WatchChan) {
	defer func() {
		w.cancel()
		w.s.mu.Lock()
		if w.s.watchers != nil {
			delete(w.s.watchers, w)
		}
		w.s.mu.Unlock()
		close(w.events)
		w.s.watches.Done()
	}()

	// seen is the revision up to which every change has been delivered:
	// the start, then each event's revision (all events of one revision
	// come in one response), then each progress notification's. last is
	// the highest revision delivered in any event, so that a Progress event
	// never goes back below an earlier event.
	seen, last := w.from, int64(0)
	deliver := func(e store.Event) bool {
		if !w.send(e) {
			return false
		}
		last = max(last, e.KV.ModRevision)
		return true
	}
	// progress delivers a Progress event at rev (or at last, if higher) and
	// clears the pending request if that satisfies it.
	progress := func(rev int64) bool {
		rev = max(rev, last)
		if !deliver(store.Event{Type: store.Progress, KV: store.KV{ModRevision: rev}}) {
			return false
		}
		for {
			want := w.progressWant.Load()
			if want > rev || w.progressWant.CompareAndSwap(want, 0) {
				return true
			}
		}
	}
	retry := time.NewTimer(progressRetry)
	retry.Stop()
	defer retry.Stop()
	ask := func() bool {
		want := w.progressWant.Load()
		if want == 0 {
			return true // answered meanwhile
		}
		if want <= seen {
			// Every change up to want has been delivered already. etcd
			// need not be asked, and would not even answer while its
			// revision is below the watch's start (a watch from now on
			// a quiet store).
			return progress(want)
		}
		if err := w.s.client.RequestProgress(w.ctx); err != nil && w.ctx.Err() == nil {
			w.s.log.Error(err, "etcd: progress request failed; retrying")
		}
		retry.Reset(progressRetry)
		return true
	}

	for {
		select {
		case <-w.ctx.Done():
			return
		case <-w.kick:
			if !ask() {
				return
			}
		case <-retry.C:
			if !ask() {
				return
			}
		case resp, ok := <-wch:
			if !ok {
				if w.ctx.Err() == nil {
					w.end(errors.New("etcd: watch channel closed unexpectedly"))
				}
				return
			}
			if err := resp.Err(); err != nil {
				if w.ctx.Err() == nil {
					w.end(w.s.wrap("watch", "", err))
				}
				return
			}
			if resp.IsProgressNotify() {
				seen = max(seen, resp.Header.Revision)
				if !progress(resp.Header.Revision) {
					return
				}
				continue
			}
			for _, ev := range resp.Events {
				e, err := toEvent(ev)
				if err != nil {
					w.end(err)
					return
				}
				if !deliver(e) {
					return
				}
				seen = max(seen, e.KV.ModRevision)
			}
		}
	}
}

func (w *watcher) send(e store.Event) bool {
	select {
	case w.events <- e:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// toEvent converts one etcd event. A change other than a creation must
// come with its previous value, which the contract promises. etcd reads it
// at the event's revision - 1 and omits it if that revision was compacted
// meanwhile (a compaction racing with a watch that is catching up); the
// watch has then lost history it needs and ends with store.ErrExpired, so
// that its consumer re-lists.
func toEvent(ev *clientv3.Event) (store.Event, error) {
	kv := ev.Kv
	e := store.Event{KV: toKV(kv)}
	switch {
	case ev.Type == mvccpb.DELETE:
		e.Type = store.Deleted
	case kv.CreateRevision == kv.ModRevision:
		e.Type = store.Added
		return e, nil
	default:
		e.Type = store.Modified
	}
	if ev.PrevKv == nil {
		return store.Event{}, fmt.Errorf("etcd: watch: %s of %q at revision %d came without its previous value, which is compacted: %w",
			e.Type, kv.Key, kv.ModRevision, store.ErrExpired)
	}
	e.PrevValue = ev.PrevKv.Value
	if e.Type == store.Deleted {
		// etcd's delete event carries neither value nor CreateRevision.
		e.KV.Value = nil
		e.KV.CreateRevision = ev.PrevKv.CreateRevision
	}
	return e, nil
}
