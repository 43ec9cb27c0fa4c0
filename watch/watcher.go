package watch

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/btree"

	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/labels"
)

// WatchOptions select what a watcher sees.
type WatchOptions struct {
	// Revision: without SendInitialEvents, the watcher receives every change
	// after this revision (0: after the cache's current revision). With
	// SendInitialEvents, the initial state is taken at a revision no older
	// than this one. A revision older than the window fails with ErrExpired.
	Revision int64
	// SendInitialEvents sends the current state first, as ADDED events.
	SendInitialEvents bool
	// InitialEventsEndBookmark sends a Bookmark marked InitialEventsEnd
	// after the initial events (the watch-list protocol).
	InitialEventsEndBookmark bool
	// AllowBookmarks sends a Bookmark every Config.BookmarkInterval when
	// there is nothing else to send.
	AllowBookmarks bool
	// Namespace restricts the watch to one namespace; "" means all.
	Namespace string
	// Label and Field select objects; nil selects everything.
	Label labels.Selector
	Field fields.Selector
}

// Watcher is one client's watch. Next must be called from one goroutine at
// a time; Stop from any.
type Watcher struct {
	c      *Cache
	f      filter
	gen    uint64
	buffer int

	// Phase 1: initial state, iterated lazily from a read-only snapshot.
	initial    *btree.BTreeG[*entry]
	initialIdx []*entry // when an index gave the initial objects directly
	initialPos string   // next key to send from initial
	initialRev int64
	endMark    bool // a pending InitialEventsEnd bookmark
	// Phase 2: catching up from the window, records [catchSeq, catchEnd).
	catchSeq, catchEnd uint64
	catching           bool
	// Phase 3: live, reading log from cursor.
	log    *eventLog
	logKey subKey
	cursor uint64

	bookmarks    bool
	lastRev      int64
	lastBookmark time.Time
	lagSince     time.Time

	recs []*record
	out  []Event

	stopOnce sync.Once
	done     chan struct{}
	err      error // set once Next fails
}

// Watch opens a watcher. It waits until the cache is ready and has reached
// opts.Revision (up to Config.FreshnessTimeout).
func (c *Cache) Watch(ctx context.Context, opts WatchOptions) (*Watcher, error) {
	if err := c.waitFresh(ctx, opts.Revision); err != nil {
		return nil, err
	}
	w := &Watcher{
		c:            c,
		f:            filter{ns: opts.Namespace, label: opts.Label, field: opts.Field},
		buffer:       c.cfg.WatcherBuffer,
		bookmarks:    opts.AllowBookmarks,
		lastBookmark: time.Now(),
		done:         make(chan struct{}),
	}
	if w.f.label != nil && w.f.label.Empty() {
		w.f.label = nil
	}
	if w.f.field != nil && w.f.field.Empty() {
		w.f.field = nil
	}
	idxField, idxValue := c.indexFor(w.f.field)

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil, ErrStopped
	}
	w.gen = c.gen
	w.lastRev = c.rev
	switch {
	case opts.SendInitialEvents:
		w.initialRev = c.rev
		if idxField != "" {
			w.initialIdx = c.indexedLocked(idxField, idxValue)
		} else {
			w.initial = c.publishedLocked()
			w.initialPos = c.cfg.Prefix + namespacePrefix(opts.Namespace)
		}
		w.endMark = opts.InitialEventsEndBookmark
	case opts.Revision > 0 && opts.Revision < c.rev:
		seq, ok := c.events.seqAfter(opts.Revision, c.windowStart)
		if !ok {
			return nil, fmt.Errorf("%w: %d (the oldest available is %d)", ErrExpired, opts.Revision, c.windowStart+1)
		}
		w.catchSeq, w.catchEnd, w.catching = seq, c.events.next, seq < c.events.next
		w.lastRev = opts.Revision
	}
	switch {
	case idxField != "":
		w.logKey = subKey{idxField, idxValue}
	case opts.Namespace != "":
		w.logKey = subKey{"", opts.Namespace}
	}
	if w.logKey != (subKey{}) {
		w.log = c.subLogLocked(w.logKey)
	} else {
		w.log = c.events
	}
	w.cursor = w.log.next
	return w, nil
}

// indexFor picks the index field a field selector pins to one value.
func (c *Cache) indexFor(sel fields.Selector) (string, string) {
	if sel == nil {
		return "", ""
	}
	for _, f := range c.cfg.IndexFields {
		if v, ok := sel.RequiresExactMatch(f); ok {
			return f, v
		}
	}
	return "", ""
}

// indexedLocked returns the current objects with field f equal to v, in key order.
func (c *Cache) indexedLocked(f, v string) []*entry {
	m := c.indexes[f][v]
	out := make([]*entry, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	sortEntries(out)
	return out
}

func namespacePrefix(ns string) string {
	if ns == "" {
		return ""
	}
	return ns + "/"
}

// Stop ends the watcher; a blocked Next returns ErrStopped.
func (w *Watcher) Stop() {
	w.stopOnce.Do(func() {
		close(w.done)
		if w.logKey != (subKey{}) {
			w.c.releaseSubLog(w.logKey, w.log, w.gen)
		}
	})
}

// Revision returns the revision a Bookmark sent now could carry: the cache's
// revision when the watcher has sent everything up to it, else the revision
// of its last event. The API server sends it before closing a watch at its
// timeout. Call it from the goroutine that calls Next.
func (w *Watcher) Revision() int64 {
	c := w.c
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !w.catching && w.initial == nil && w.initialIdx == nil && w.gen == c.gen && w.cursor == w.log.next {
		return c.rev
	}
	return w.lastRev
}

// maxBatch bounds the events one Next returns.
const maxBatch = 512

// Next blocks until there are events to deliver and returns them, in
// revision order. The returned slice is valid until the next call. It
// returns an error when the watcher ends: ctx's error, ErrStopped,
// ErrTooSlow, ErrReset, or ErrExpired; after an error every call returns it.
func (w *Watcher) Next(ctx context.Context) ([]Event, error) {
	if w.err != nil {
		return nil, w.err
	}
	w.out = w.out[:0]
	if w.initial != nil || w.initialIdx != nil {
		w.nextInitial()
		return w.out, nil
	}
	if w.endMark {
		w.endMark = false
		w.lastBookmark = time.Now()
		return append(w.out, Event{Type: Bookmark, Revision: w.initialRev, InitialEventsEnd: true}), nil
	}
	for {
		ch, err := w.read()
		if err != nil {
			w.fail(err)
			return nil, err
		}
		if len(w.out) > 0 {
			return w.out, nil
		}
		var timer *time.Timer
		var due <-chan time.Time
		if w.bookmarks {
			d := time.Until(w.lastBookmark.Add(w.c.cfg.BookmarkInterval))
			if d <= 0 {
				w.lastBookmark = time.Now()
				return append(w.out, Event{Type: Bookmark, Revision: w.Revision()}), nil
			}
			timer = time.NewTimer(d)
			due = timer.C
		}
		select {
		case <-ch:
		case <-due:
		case <-w.done:
			w.fail(ErrStopped)
		case <-ctx.Done():
			w.fail(ctx.Err())
		}
		if timer != nil {
			timer.Stop()
		}
		if w.err != nil {
			return nil, w.err
		}
	}
}

func (w *Watcher) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// nextInitial sends up to maxBatch initial objects.
func (w *Watcher) nextInitial() {
	if w.initialIdx != nil {
		for len(w.out) < maxBatch && len(w.initialIdx) > 0 {
			e := w.initialIdx[0]
			w.initialIdx = w.initialIdx[1:]
			if w.f.matches(e) {
				w.out = append(w.out, Event{Type: Added, Object: e.obj, Revision: e.rev, enc: &e.enc})
			}
		}
		if len(w.initialIdx) == 0 {
			w.initialIdx = nil
		}
		return
	}
	end := w.c.cfg.Prefix + namespacePrefix(w.f.ns)
	done := true
	w.initial.AscendGreaterOrEqual(&entry{key: w.initialPos}, func(e *entry) bool {
		if len(end) > 0 && (len(e.key) < len(end) || e.key[:len(end)] != end) {
			return false
		}
		if len(w.out) == maxBatch {
			w.initialPos = e.key
			done = false
			return false
		}
		if w.f.matches(e) {
			w.out = append(w.out, Event{Type: Added, Object: e.obj, Revision: e.rev, enc: &e.enc})
		}
		return true
	})
	if done {
		w.initial = nil
	}
}

// read collects the next events into w.out without blocking. When there
// are none it returns the channel to wait on.
func (w *Watcher) read() (<-chan struct{}, error) {
	c := w.c
	w.recs = w.recs[:0]
	c.mu.RLock()
	if w.gen != c.gen {
		c.mu.RUnlock()
		if c.stopped {
			return nil, ErrStopped
		}
		return nil, ErrReset
	}
	var ok bool
	if w.catching {
		n := int(min(uint64(maxBatch), w.catchEnd-w.catchSeq))
		w.recs, ok = c.events.read(w.catchSeq, n, w.recs)
		if !ok {
			c.mu.RUnlock()
			return nil, fmt.Errorf("%w: the events after %d left the window before they were sent", ErrExpired, w.lastRev)
		}
		w.catchSeq += uint64(len(w.recs))
		w.catching = w.catchSeq < w.catchEnd
	} else {
		lag := int(w.log.next - w.cursor)
		w.recs, ok = w.log.read(w.cursor, maxBatch, w.recs)
		if !ok {
			c.mu.RUnlock()
			return nil, fmt.Errorf("%w: its events were overwritten before it read them", ErrTooSlow)
		}
		w.cursor += uint64(len(w.recs))
		if lag > w.buffer {
			now := time.Now()
			if w.lagSince.IsZero() {
				w.lagSince = now
			} else if now.Sub(w.lagSince) > c.cfg.SlowGracePeriod {
				c.mu.RUnlock()
				return nil, fmt.Errorf("%w: %d events behind for more than %v", ErrTooSlow, lag, c.cfg.SlowGracePeriod)
			}
		} else {
			w.lagSince = time.Time{}
		}
	}
	ch := w.log.notify
	c.mu.RUnlock()

	for _, r := range w.recs {
		if ev, ok := w.f.event(r); ok {
			w.out = append(w.out, ev)
			w.lastRev = r.rev
		}
	}
	return ch, nil
}
