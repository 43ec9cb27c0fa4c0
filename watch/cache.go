package watch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/btree"

	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/store"
)

// Errors a watcher or a list can end with. Match with errors.Is.
var (
	// ErrExpired: the requested revision is older than the cache's window
	// (the API server answers 410 Gone, reason Expired; clients re-list).
	ErrExpired = errors.New("resource version too old")
	// ErrTooLarge: the requested revision is newer than the store's, or the
	// cache did not reach it in time.
	ErrTooLarge = errors.New("resource version too large")
	// ErrTooSlow: the watcher could not keep up with its events. The client
	// re-watches from the last revision it received.
	ErrTooSlow = errors.New("watcher could not keep up")
	// ErrReset: the cache lost its store watch and re-listed; every watcher
	// is closed and its client re-watches.
	ErrReset = errors.New("watch cache re-initialized")
	// ErrStopped: the cache stopped, or the watcher was stopped.
	ErrStopped = errors.New("watch cache stopped")
	// ErrNotReady: the cache has not finished its first list.
	ErrNotReady = errors.New("watch cache not ready")
)

// Config configures a Cache. Fields marked required must be set; zero values
// of the others mean the default.
type Config struct {
	// Store is the store to mirror. Required.
	Store store.Store
	// Prefix is the resource's key prefix, e.g. "/registry/pods/". Keys below
	// it are "<namespace>/<name>" for namespaced resources and "<name>" for
	// cluster-scoped ones. Required; must end with "/".
	Prefix string
	// Decode turns a stored value into an object whose resourceVersion is
	// kv.ModRevision. Required. A value that fails to decode is logged and
	// left out of the cache, as a corrupt object would be.
	Decode func(kv store.KV) (meta.Object, error)
	// Fields returns the object's selectable fields other than
	// metadata.name and metadata.namespace, which the cache always adds,
	// in a new map that the cache keeps. Default: none.
	Fields func(meta.Object) fields.Set
	// IndexFields are fields (returned by Fields) that watchers and lists
	// select on by exact value, such as "spec.nodeName" for pods. A watcher
	// whose field selector requires an exact value of an index field only
	// costs work for events of objects with that value. Default: none.
	IndexFields []string
	// MinWindowEvents and WindowDuration set the window of recent events
	// that watches can resume from: it holds at least MinWindowEvents events
	// (default 10,000) and at least WindowDuration of them (default 5m),
	// whichever is more, but never more than MaxWindowEvents (default
	// 102,400, as Kubernetes' upper bound).
	MinWindowEvents int
	WindowDuration  time.Duration
	MaxWindowEvents int
	// BookmarkInterval is how often a watcher that allows bookmarks receives
	// one when it has nothing else to send. Default 1m.
	BookmarkInterval time.Duration
	// WatcherBuffer is how many events a watcher may be behind before it
	// counts as slow. Default 1,000.
	WatcherBuffer int
	// SlowGracePeriod is how long a watcher may stay more than WatcherBuffer
	// events behind before it is closed with ErrTooSlow. Default 5s.
	SlowGracePeriod time.Duration
	// FreshnessTimeout bounds how long a request for a revision the cache
	// has not reached yet waits before failing with ErrTooLarge. Default 3s
	// (as Kubernetes).
	FreshnessTimeout time.Duration
	// ListPageSize is the page size of the cache's own lists of the store.
	// Default 10,000.
	ListPageSize int64
	// Logger receives errors and re-initializations. Default: discard.
	Logger logr.Logger
}

func (c *Config) setDefaults() error {
	if c.Store == nil || c.Decode == nil {
		return errors.New("watch: Config needs Store and Decode")
	}
	if !strings.HasSuffix(c.Prefix, "/") {
		return fmt.Errorf("watch: prefix %q must end with /", c.Prefix)
	}
	if c.MinWindowEvents <= 0 {
		c.MinWindowEvents = 10000
	}
	if c.WindowDuration <= 0 {
		c.WindowDuration = 5 * time.Minute
	}
	if c.MaxWindowEvents <= 0 {
		c.MaxWindowEvents = 100 * 1024
	}
	if c.MaxWindowEvents < c.MinWindowEvents {
		c.MaxWindowEvents = c.MinWindowEvents
	}
	if c.BookmarkInterval <= 0 {
		c.BookmarkInterval = time.Minute
	}
	if c.WatcherBuffer <= 0 {
		c.WatcherBuffer = 1000
	}
	if c.SlowGracePeriod <= 0 {
		c.SlowGracePeriod = 5 * time.Second
	}
	if c.FreshnessTimeout <= 0 {
		c.FreshnessTimeout = 3 * time.Second
	}
	if c.ListPageSize <= 0 {
		c.ListPageSize = 10000
	}
	return nil
}

// subKey names a sub-log: the events of one namespace (index "") or of one
// value of an index field.
type subKey struct {
	index string // "" for namespaces, else the field name
	value string
}

// Cache mirrors one resource prefix of a store in memory and serves watches
// and lists from it. Create it with New and start it with Run.
type Cache struct {
	cfg Config
	log logr.Logger

	mu sync.RWMutex
	// Everything below is guarded by mu.

	// ready is true once the first list is loaded; readyCh is closed then.
	ready   bool
	readyCh chan struct{}
	stopped bool
	// gen counts (re-)initializations; a watcher of an older generation is
	// closed with ErrReset.
	gen uint64
	// rev is the revision the cache reflects: every change under the prefix
	// with a revision <= rev has been applied.
	rev int64
	// revCh is closed (and replaced) whenever rev advances.
	revCh chan struct{}
	// tree holds the current objects ordered by key.
	tree *btree.BTreeG[*entry]
	// published is a read-only clone of tree at rev, shared by readers;
	// nil when tree changed since it was taken.
	published *btree.BTreeG[*entry]
	// indexes maps index field → value → key → entry for the current objects.
	indexes map[string]map[string]map[string]*entry
	// events is the window of recent changes. windowStart is the revision
	// after which every change is in events (changes > windowStart).
	events      *eventLog
	windowStart int64
	// subs are the live sub-logs, each holding the events relevant to one
	// namespace or index value; created when the first watcher needs one.
	subs map[subKey]*eventLog
	// snapshots are recent read-only trees kept for paged and exact lists.
	snapshots []snapshot
	// progress asks the store watch for a Progress event; nil if the
	// backend cannot.
	progress store.ProgressRequester
}

type snapshot struct {
	rev  int64
	tree *btree.BTreeG[*entry]
	at   time.Time
}

// New returns a cache for cfg. It holds nothing until Run loads it.
func New(cfg Config) (*Cache, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	c := &Cache{
		cfg:     cfg,
		log:     cfg.Logger.WithValues("prefix", cfg.Prefix),
		readyCh: make(chan struct{}),
		revCh:   make(chan struct{}),
		subs:    map[subKey]*eventLog{},
	}
	c.resetLocked(0)
	return c, nil
}

func lessEntry(a, b *entry) bool { return a.key < b.key }

// resetLocked empties the cache state for a list at revision rev.
func (c *Cache) resetLocked(rev int64) {
	c.tree = btree.NewG(32, lessEntry)
	c.published = nil
	c.indexes = map[string]map[string]map[string]*entry{}
	for _, f := range c.cfg.IndexFields {
		c.indexes[f] = map[string]map[string]*entry{}
	}
	c.events = newEventLog(1024, c.cfg.MaxWindowEvents)
	c.windowStart = rev
	c.snapshots = nil
	c.rev = rev
}

// Run loads the cache and keeps it in sync with the store until ctx is done.
// When the store watch breaks (including when its revision was compacted),
// Run closes every watcher with ErrReset, re-lists and re-watches. It returns
// nil when ctx is done.
func (c *Cache) Run(ctx context.Context) error {
	defer c.stop()
	backoff := 100 * time.Millisecond
	for {
		err := c.listAndWatch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		c.log.Error(err, "store watch ended; re-listing")
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		if backoff < 5*time.Second {
			backoff *= 2
		}
	}
}

// Ready is closed once the cache has loaded its first list.
func (c *Cache) Ready() <-chan struct{} { return c.readyCh }

// Revision returns the revision the cache currently reflects.
func (c *Cache) Revision() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.rev
}

func (c *Cache) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	c.gen++
	c.wakeAllLocked()
}

func (c *Cache) wakeAllLocked() {
	c.events.wake()
	for _, l := range c.subs {
		l.wake()
	}
	close(c.revCh)
	c.revCh = make(chan struct{})
}

func (c *Cache) listAndWatch(ctx context.Context) error {
	entries, rev, err := c.listAll(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	// Watchers of the previous generation missed whatever happened while the
	// store watch was down: close them all.
	c.gen++
	c.wakeAllLocked()
	c.subs = map[subKey]*eventLog{}
	c.progress = nil // the old store watch's; set again below
	c.resetLocked(rev)
	for _, e := range entries {
		c.tree.ReplaceOrInsert(e)
		c.indexAddLocked(e)
	}
	if !c.ready {
		c.ready = true
		close(c.readyCh)
	}
	c.mu.Unlock()

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := c.cfg.Store.Watch(wctx, c.cfg.Prefix, rev)
	if err != nil {
		return fmt.Errorf("watching %s from %d: %w", c.cfg.Prefix, rev, err)
	}
	defer w.Stop()
	pr, _ := w.(store.ProgressRequester)
	c.mu.Lock()
	c.progress = pr
	// Waiters that found the cache ready before it could ask the store
	// for progress look again, and ask now.
	close(c.revCh)
	c.revCh = make(chan struct{})
	c.mu.Unlock()

	in := w.Events()
	batch := make([]store.Event, 0, 256)
	for {
		batch = batch[:0]
		ev, ok := <-in
		if !ok {
			if err := w.Err(); err != nil {
				return err
			}
			return errors.New("store watch closed")
		}
		batch = append(batch, ev)
	drain:
		for len(batch) < cap(batch) {
			select {
			case ev, ok := <-in:
				if !ok {
					break drain
				}
				batch = append(batch, ev)
			default:
				break drain
			}
		}
		c.apply(batch)
	}
}

// listAll reads every object under the prefix at one revision.
func (c *Cache) listAll(ctx context.Context) ([]*entry, int64, error) {
	var entries []*entry
	opts := store.ListOptions{Limit: c.cfg.ListPageSize}
	var rev int64
	for {
		res, err := c.cfg.Store.List(ctx, c.cfg.Prefix, opts)
		if err != nil {
			return nil, 0, fmt.Errorf("listing %s: %w", c.cfg.Prefix, err)
		}
		rev = res.Revision
		for _, kv := range res.Items {
			if e := c.newEntry(kv); e != nil {
				entries = append(entries, e)
			}
		}
		if res.Continue == "" {
			return entries, rev, nil
		}
		opts = store.ListOptions{Limit: c.cfg.ListPageSize, Continue: res.Continue}
	}
}

// newEntry decodes kv; nil if it cannot be decoded.
func (c *Cache) newEntry(kv store.KV) *entry {
	obj, err := c.cfg.Decode(kv)
	if err != nil {
		c.log.Error(err, "cannot decode object; leaving it out of the cache", "key", kv.Key, "revision", kv.ModRevision)
		return nil
	}
	om := obj.GetObjectMeta()
	fs := entryFields{name: om.Name, ns: om.Namespace}
	if c.cfg.Fields != nil {
		fs.more = c.cfg.Fields(obj)
	}
	return &entry{key: kv.Key, obj: obj, rev: kv.ModRevision, ns: om.Namespace, labels: labels.Set(om.Labels), fields: fs}
}

// apply decodes a batch of store events (outside the lock) and applies them.
func (c *Cache) apply(batch []store.Event) {
	type decoded struct {
		ev  store.Event
		cur *entry
	}
	ds := make([]decoded, 0, len(batch))
	for _, ev := range batch {
		d := decoded{ev: ev}
		if ev.Type == store.Added || ev.Type == store.Modified {
			d.cur = c.newEntry(ev.KV)
		}
		ds = append(ds, d)
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	touched := map[*eventLog]struct{}{}
	for _, d := range ds {
		if d.ev.KV.ModRevision <= c.rev {
			continue // already reflected (a list raced with the watch start)
		}
		c.rev = d.ev.KV.ModRevision
		if d.ev.Type == store.Progress {
			continue
		}
		var prev *entry
		if old, ok := c.tree.Get(&entry{key: d.ev.KV.Key}); ok {
			prev = old
		}
		typ := d.ev.Type
		switch {
		case d.cur != nil:
			c.tree.ReplaceOrInsert(d.cur)
			if prev != nil {
				c.indexRemoveLocked(prev)
				typ = store.Modified
			} else {
				typ = store.Added
			}
			c.indexAddLocked(d.cur)
		case prev != nil:
			// Deleted, or an update that no longer decodes: either way the
			// object leaves the cache.
			c.tree.Delete(prev)
			c.indexRemoveLocked(prev)
			typ = store.Deleted
		default:
			continue // a change to an object the cache never held
		}
		c.published = nil
		r := &record{typ: typ, rev: d.ev.KV.ModRevision, cur: d.cur, prev: prev, at: now}
		c.appendLocked(r, touched)
	}
	for l := range touched {
		l.wake()
	}
	close(c.revCh)
	c.revCh = make(chan struct{})
}

// appendLocked adds r to the window and to the sub-logs that care about it.
func (c *Cache) appendLocked(r *record, touched map[*eventLog]struct{}) {
	// Trim the window: keep MinWindowEvents and WindowDuration, whichever
	// holds more; the ring itself caps it at MaxWindowEvents.
	for c.events.len() >= c.cfg.MinWindowEvents {
		o := c.events.oldest()
		if o == nil || r.at.Sub(o.at) < c.cfg.WindowDuration {
			break
		}
		c.events.dropOldest()
		c.windowStart = o.rev
	}
	if c.events.len() == c.cfg.MaxWindowEvents {
		c.windowStart = c.events.oldest().rev
	}
	c.events.append(r)
	touched[c.events] = struct{}{}
	if len(c.subs) == 0 {
		return
	}
	for _, e := range [2]*entry{r.cur, r.prev} {
		if e == nil {
			continue
		}
		if l := c.subs[subKey{"", e.ns}]; l != nil {
			c.appendSubLocked(l, r, touched)
		}
		for _, f := range c.cfg.IndexFields {
			if l := c.subs[subKey{f, e.fields.Get(f)}]; l != nil {
				c.appendSubLocked(l, r, touched)
			}
		}
	}
}

func (c *Cache) appendSubLocked(l *eventLog, r *record, touched map[*eventLog]struct{}) {
	// cur and prev often share a namespace or value: append once.
	if l.next > l.first && l.at(l.next-1) == r {
		return
	}
	l.append(r)
	touched[l] = struct{}{}
}

func (c *Cache) indexAddLocked(e *entry) {
	for f, idx := range c.indexes {
		v := e.fields.Get(f)
		m := idx[v]
		if m == nil {
			m = map[string]*entry{}
			idx[v] = m
		}
		m[e.key] = e
	}
}

func (c *Cache) indexRemoveLocked(e *entry) {
	for f, idx := range c.indexes {
		v := e.fields.Get(f)
		if m := idx[v]; m != nil {
			delete(m, e.key)
			if len(m) == 0 {
				delete(idx, v)
			}
		}
	}
}

// publishedLocked returns a read-only tree at c.rev. Cloning is O(1): the
// tree is copied on write afterwards, one path per change.
func (c *Cache) publishedLocked() *btree.BTreeG[*entry] {
	if c.published == nil {
		c.published = c.tree.Clone()
	}
	return c.published
}

// waitFresh waits until the cache reflects revision rev, asking the store
// for progress so a quiet prefix does not wait for a write of its own.
func (c *Cache) waitFresh(ctx context.Context, rev int64) error {
	var timeout <-chan time.Time // started on the first wait: most reads do not wait
	asked := false
	for {
		c.mu.RLock()
		cur, ch, stopped, ready, pr := c.rev, c.revCh, c.stopped, c.ready, c.progress
		c.mu.RUnlock()
		if stopped {
			return ErrStopped
		}
		if ready && cur >= rev {
			return nil
		}
		if ready && !asked && pr != nil {
			// Asked once per store watch: a failed request (the watch
			// just ended) is asked again of the next one.
			if err := pr.RequestProgress(ctx); err != nil {
				c.log.V(1).Info("progress request failed", "err", err.Error())
			} else {
				asked = true
			}
		}
		var readyCh <-chan struct{}
		if !ready {
			readyCh = c.readyCh
		}
		if timeout == nil {
			timer := time.NewTimer(c.cfg.FreshnessTimeout)
			defer timer.Stop()
			timeout = timer.C
		}
		select {
		case <-ch:
		case <-readyCh:
		case <-ctx.Done():
			return ctx.Err()
		case <-timeout:
			if !ready {
				return ErrNotReady
			}
			return fmt.Errorf("%w: the cache is at %d, %d was requested", ErrTooLarge, cur, rev)
		}
	}
}

// currentRevision asks the store for its revision (a consistent read).
func (c *Cache) currentRevision(ctx context.Context) (int64, error) {
	rev, err := c.cfg.Store.Revision(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the store revision: %w", err)
	}
	return rev, nil
}

// subLogLocked returns the sub-log for k, creating it, and takes a reference.
func (c *Cache) subLogLocked(k subKey) *eventLog {
	l := c.subs[k]
	if l == nil {
		// Four times the slow-watcher threshold: a reader is closed by the
		// grace-period rule well before its events are overwritten.
		l = newEventLog(8, max(4*c.cfg.WatcherBuffer, 256))
		c.subs[k] = l
	}
	l.refs++
	return l
}

// releaseSubLog drops a reference to the sub-log k of generation gen.
func (c *Cache) releaseSubLog(k subKey, l *eventLog, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.subs[k] != l {
		return
	}
	if l.refs--; l.refs == 0 {
		delete(c.subs, k)
	}
}
