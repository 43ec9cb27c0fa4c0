package bolt

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"github.com/spar-dev/spar/store"
)

// Watch fan-out.
//
// After each durable commit the committer hands the batch's events to the
// hub, which offers each event to every live watcher whose prefix matches
// with a non-blocking send on the watcher's buffered channel. A watcher whose
// channel is full is taken off the live path (nothing is dropped: it records
// the last revision it was given) and a goroutine of its own replays the
// rest from the on-disk log, in read transactions of bounded size, until it
// reaches the hub's revision; then, under the hub's lock, it is made live
// again. A watcher that starts at an old revision begins in that catch-up
// state. Because the hub's revision only moves under its lock, after the
// commit, the switch from log to live events has no gap and no duplicate.
// The committer never waits for a watcher.

type hub struct {
	mu       sync.Mutex
	rev      int64 // revision of the last published commit
	watchers map[*watcher]struct{}
	closed   bool
}

func (h *hub) init(rev int64) {
	h.rev = rev
	h.watchers = make(map[*watcher]struct{})
}

// publish hands the events of a commit at revision rev to the live watchers.
func (h *hub) publish(events []store.Event, rev int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rev = rev
	for w := range h.watchers {
		if !w.live {
			continue
		}
		for i := range events {
			ev := &events[i]
			r := ev.KV.ModRevision
			if r <= w.pos || !strings.HasPrefix(ev.KV.Key, w.prefix) {
				continue
			}
			select {
			case w.ch <- *ev:
				continue
			default:
			}
			// Full: everything before r has been delivered or did not
			// match; the log has the rest.
			w.pos = r - 1
			w.live = false
			w.catching = true
			w.s.bg.Add(1)
			go w.s.catchUp(w)
			break
		}
		if w.live {
			w.pos = max(w.pos, rev)
		}
	}
}

// close ends every watcher with err and refuses new ones.
func (h *hub) close(err error) {
	h.mu.Lock()
	h.closed = true
	ws := make([]*watcher, 0, len(h.watchers))
	for w := range h.watchers {
		ws = append(ws, w)
	}
	h.mu.Unlock()
	for _, w := range ws {
		w.stop(err)
	}
}

// watcher implements store.Watcher.
type watcher struct {
	s      *Store
	prefix string
	ch     chan store.Event
	stopc  chan struct{} // closed when the watch is asked to end
	done   chan struct{} // closed after ch is closed

	// Guarded by hub.mu.
	pos      int64 // every change up to pos has been sent (or did not match)
	live     bool  // the hub sends to ch
	catching bool  // a catch-up goroutine owns ch
	stopped  bool
	progress bool // a Progress event was requested and not yet sent
	err      error
	release  func() bool // unregisters the context callback
}

var _ store.ProgressRequester = (*watcher)(nil)

// Watch streams the changes under prefix after fromRevision.
func (s *Store) Watch(ctx context.Context, prefix string, fromRevision int64) (store.Watcher, error) {
	if err := store.CheckPrefix(s.opts.Prefix, prefix); err != nil {
		return nil, fmt.Errorf("bolt: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	from := max(fromRevision, 0)
	if c := s.compacted.Load(); from != 0 && from < c {
		return nil, fmt.Errorf("bolt: watch %q from revision %d (compacted to %d): %w", prefix, from, c, store.ErrExpired)
	}
	w := &watcher{
		s:      s,
		prefix: prefix,
		ch:     make(chan store.Event, s.opts.WatchBuffer),
		stopc:  make(chan struct{}),
		done:   make(chan struct{}),
	}
	h := &s.hub
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, fmt.Errorf("bolt: watch %q: %w", prefix, store.ErrClosed)
	}
	if from == 0 {
		from = h.rev
	}
	w.pos = from
	h.watchers[w] = struct{}{}
	if from >= h.rev {
		// Current or future: live events only (those up to a future
		// revision are skipped by pos).
		w.live = true
	} else {
		w.catching = true
		s.bg.Add(1)
		go s.catchUp(w)
	}
	h.mu.Unlock()

	release := context.AfterFunc(ctx, func() { w.stop(nil) })
	h.mu.Lock()
	if w.stopped {
		h.mu.Unlock()
		release()
	} else {
		w.release = release
		h.mu.Unlock()
	}
	return w, nil
}

func (w *watcher) Events() <-chan store.Event { return w.ch }

func (w *watcher) Err() error {
	w.s.hub.mu.Lock()
	defer w.s.hub.mu.Unlock()
	return w.err
}

func (w *watcher) Stop() { w.stop(nil) }

// RequestProgress asks for a Progress event. A live watcher has been handed
// every change up to the hub's revision, which is at least Revision's, so
// it sends one at once, or if its buffer is full, falls back to catching up,
// which sends it when it reaches the head.
func (w *watcher) RequestProgress(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h := &w.s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case w.stopped:
		if w.err != nil {
			return fmt.Errorf("bolt: request progress: %w", w.err)
		}
		return fmt.Errorf("bolt: request progress: watch stopped")
	case w.live:
		select {
		case w.ch <- progressEvent(w.pos):
		default:
			w.progress = true
			w.live = false
			w.catching = true
			w.s.bg.Add(1)
			go w.s.catchUp(w)
		}
	default:
		w.progress = true
	}
	return nil
}

func progressEvent(rev int64) store.Event {
	return store.Event{Type: store.Progress, KV: store.KV{ModRevision: rev}}
}

// stop ends the watch with err (nil for a clean stop) and waits until its
// channel is closed.
func (w *watcher) stop(err error) {
	h := &w.s.hub
	h.mu.Lock()
	if !w.stopped {
		w.stopped = true
		w.err = err
		delete(h.watchers, w)
		close(w.stopc)
		if !w.catching {
			close(w.ch)
			close(w.done)
		}
	}
	release := w.release
	w.release = nil
	h.mu.Unlock()
	if release != nil {
		release()
	}
	<-w.done
}

// catchUp replays the log to w until it reaches the hub's revision, then
// makes w live again. It owns w.ch while it runs.
func (s *Store) catchUp(w *watcher) {
	defer s.bg.Done()
	h := &s.hub
	for {
		h.mu.Lock()
		if w.stopped {
			w.catching = false
			close(w.ch)
			close(w.done)
			h.mu.Unlock()
			return
		}
		pos, head := w.pos, h.rev
		if pos >= head && w.progress {
			// Caught up: answer a pending RequestProgress, then look again.
			w.progress = false
			h.mu.Unlock()
			select {
			case w.ch <- progressEvent(pos):
			case <-w.stopc:
			}
			continue
		}
		if pos >= head {
			w.catching = false
			w.live = true
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()

		events, next, err := s.readLog(w.prefix, pos, head)
		if err != nil {
			w.fail(err)
			return
		}
		sent := true
		for _, ev := range events {
			select {
			case w.ch <- ev:
			case <-w.stopc:
				sent = false
			}
			if !sent {
				break
			}
		}
		if sent {
			h.mu.Lock()
			w.pos = next
			h.mu.Unlock()
		}
	}
}

// fail ends a catching-up watch with err.
func (w *watcher) fail(err error) {
	h := &w.s.hub
	h.mu.Lock()
	if !w.stopped {
		w.stopped = true
		w.err = err
		delete(h.watchers, w)
		close(w.stopc)
	}
	w.catching = false
	close(w.ch)
	close(w.done)
	release := w.release
	w.release = nil
	h.mu.Unlock()
	if release != nil {
		release()
	}
}

// readLog reads the events under prefix in (pos, head], at most
// watchCatchUpChunk log entries of them; next is the last revision read.
// The transaction is closed before the events are delivered, so a slow
// watcher never holds pages from being reused.
func (s *Store) readLog(prefix string, pos, head int64) (events []store.Event, next int64, err error) {
	next = head
	err = s.view(func(tx *bbolt.Tx) error {
		if c := decRev(tx.Bucket(bucketMeta).Get(metaCompacted)); pos < c {
			return fmt.Errorf("bolt: watch %q fell behind: revision %d compacted (to %d): %w", prefix, pos, c, store.ErrExpired)
		}
		log := tx.Bucket(bucketLog)
		c := log.Cursor()
		prevs := newLogReader(log)
		pfx := []byte(prefix)
		n := 0
		for k, v := c.Seek(encRev(pos + 1)); k != nil; k, v = c.Next() {
			rev := decRev(k)
			if rev > head {
				break
			}
			if n++; n > watchCatchUpChunk {
				next = rev - 1
				break
			}
			e, err := decodeEntry(v)
			if err != nil {
				return err
			}
			if !bytes.HasPrefix(e.key, pfx) {
				continue
			}
			ev, err := eventOf(prevs, e, rev)
			if err != nil {
				return err
			}
			events = append(events, ev)
		}
		return nil
	})
	return events, next, err
}

// eventOf makes the watch event of log entry e at rev.
func eventOf(log *logReader, e entry, rev int64) (store.Event, error) {
	ev := store.Event{Type: e.typ, KV: store.KV{Key: string(e.key), CreateRevision: e.createRev, ModRevision: rev}}
	if e.typ != store.Deleted {
		ev.KV.Value = bytes.Clone(e.value)
	}
	if e.typ != store.Added {
		prev, ok, err := log.get(e.prevRev)
		if err != nil {
			return ev, err
		}
		if !ok {
			return ev, errCorrupt(fmt.Sprintf("no log entry %d before %d", e.prevRev, rev))
		}
		ev.PrevValue = bytes.Clone(prev.value)
	}
	return ev, nil
}
