package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/btree"

	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/store"
)

// Match says which state a list reads, as Kubernetes' resourceVersion and
// resourceVersionMatch parameters do.
type Match int

const (
	// Consistent reads a state that includes every write acknowledged before
	// the call (resourceVersion unset). The cache asks the store for its
	// revision and answers once it has caught up.
	Consistent Match = iota
	// NotOlderThan reads any state at or after Revision (resourceVersion
	// "0" or "N"); the cache answers from its current state.
	NotOlderThan
	// Exact reads the state at exactly Revision (resourceVersionMatch=Exact).
	Exact
)

// ListOptions select a page of a list.
type ListOptions struct {
	Match    Match
	Revision int64
	// Limit is the page size; 0 means everything.
	Limit int64
	// Continue is the token of a previous page; the page is read at the
	// same revision. Match and Revision are ignored with it.
	Continue string
	// Namespace restricts the list to one namespace; "" means all.
	Namespace string
	// Label and Field select objects; nil selects everything.
	Label labels.Selector
	Field fields.Selector
}

// Item is one listed object.
type Item struct {
	// Object is shared and read-only.
	Object meta.Object
	enc    *encCache
}

// Encoded is Event.Encoded for a listed object: cached encodings are shared
// with watch events of the same object version.
func (it *Item) Encoded(format int, encode func(meta.Object) ([]byte, error)) ([]byte, error) {
	return it.enc.get(format, it.Object, encode)
}

// ListResult is one page.
type ListResult struct {
	Items []Item
	// Revision is the revision the page reflects.
	Revision int64
	// Continue is the token for the next page, "" on the last.
	Continue string
	// Remaining is the number of objects after this page, when known
	// (lists without label or field selectors).
	Remaining *int64
}

// maxSnapshots bounds the read-only trees kept for paged lists.
const maxSnapshots = 16

// List returns one page of the objects that match opts. It answers from
// memory when the cache holds the requested state, and from the store
// otherwise (an exact revision or continue token older than the cache's
// snapshots).
func (c *Cache) List(ctx context.Context, opts ListOptions) (ListResult, error) {
	f := filter{ns: opts.Namespace, label: opts.Label, field: opts.Field}
	if f.label != nil && f.label.Empty() {
		f.label = nil
	}
	if f.field != nil && f.field.Empty() {
		f.field = nil
	}
	start := c.cfg.Prefix + namespacePrefix(opts.Namespace)
	if opts.Continue != "" {
		rev, key, err := store.DecodeContinue(c.cfg.Prefix, opts.Continue)
		if err != nil {
			return ListResult{}, err
		}
		if !strings.HasPrefix(key, start) {
			return ListResult{}, fmt.Errorf("%w: the token is for another namespace", store.ErrInvalidContinue)
		}
		if err := c.waitFresh(ctx, rev); err != nil {
			return ListResult{}, err
		}
		if t := c.treeAt(rev); t != nil {
			return c.listTree(t, rev, key, &f, opts.Limit), nil
		}
		return c.listStore(ctx, rev, key, &f, opts.Limit)
	}

	switch opts.Match {
	case Consistent:
		rev, err := c.currentRevision(ctx)
		if err != nil {
			return ListResult{}, err
		}
		if err := c.waitFresh(ctx, rev); err != nil {
			return ListResult{}, err
		}
	case NotOlderThan:
		if err := c.waitFresh(ctx, opts.Revision); err != nil {
			return ListResult{}, err
		}
	case Exact:
		if err := c.waitFresh(ctx, opts.Revision); err != nil {
			return ListResult{}, err
		}
		if t := c.treeAt(opts.Revision); t != nil {
			return c.listTree(t, opts.Revision, start, &f, opts.Limit), nil
		}
		return c.listStore(ctx, opts.Revision, start, &f, opts.Limit)
	default:
		return ListResult{}, fmt.Errorf("watch: unknown match %d", opts.Match)
	}

	idxField, idxValue := c.indexFor(f.field)
	c.mu.RLock()
	if c.stopped {
		c.mu.RUnlock()
		return ListResult{}, ErrStopped
	}
	rev := c.rev
	if idxField != "" && opts.Limit == 0 {
		entries := c.indexedLocked(idxField, idxValue)
		c.mu.RUnlock()
		res := ListResult{Revision: rev, Items: make([]Item, 0, len(entries))}
		for _, e := range entries {
			if f.matches(e) {
				res.Items = append(res.Items, Item{Object: e.obj, enc: &e.enc})
			}
		}
		return res, nil
	}
	c.mu.RUnlock()
	c.mu.Lock()
	rev, t := c.rev, c.publishedLocked()
	c.mu.Unlock()
	res := c.listTree(t, rev, start, &f, opts.Limit)
	if res.Continue != "" {
		c.keepSnapshot(rev, t)
	}
	return res, nil
}

// treeAt returns a read-only tree at exactly rev, if the cache has one.
func (c *Cache) treeAt(rev int64) *btree.BTreeG[*entry] {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rev == c.rev {
		return c.publishedLocked()
	}
	for _, s := range c.snapshots {
		if s.rev == rev {
			return s.tree
		}
	}
	return nil
}

func (c *Cache) keepSnapshot(rev int64, t *btree.BTreeG[*entry]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	c.snapshots = slices.DeleteFunc(c.snapshots, func(s snapshot) bool {
		return s.rev < c.windowStart || now.Sub(s.at) > c.cfg.WindowDuration
	})
	for _, s := range c.snapshots {
		if s.rev == rev {
			return
		}
	}
	if len(c.snapshots) == maxSnapshots {
		c.snapshots = c.snapshots[1:]
	}
	c.snapshots = append(c.snapshots, snapshot{rev: rev, tree: t, at: now})
}

// listTree pages through t from key start.
func (c *Cache) listTree(t *btree.BTreeG[*entry], rev int64, start string, f *filter, limit int64) ListResult {
	res := ListResult{Revision: rev}
	end := c.cfg.Prefix + namespacePrefix(f.ns)
	var remaining int64
	counting := false
	t.AscendGreaterOrEqual(&entry{key: start}, func(e *entry) bool {
		if !strings.HasPrefix(e.key, end) {
			return false
		}
		if counting {
			remaining++
			return true
		}
		if !f.matches(e) {
			return true
		}
		if limit > 0 && int64(len(res.Items)) == limit {
			res.Continue = store.EncodeContinue(c.cfg.Prefix, rev, e.key)
			if f.label != nil || f.field != nil {
				return false
			}
			counting = true
			remaining = 1
			return true
		}
		res.Items = append(res.Items, Item{Object: e.obj, enc: &e.enc})
		return true
	})
	if counting {
		res.Remaining = &remaining
	}
	return res
}

// listStore answers a list the cache cannot: from the store's history at
// rev (0: current), starting at key start.
func (c *Cache) listStore(ctx context.Context, rev int64, start string, f *filter, limit int64) (ListResult, error) {
	listPrefix := c.cfg.Prefix + namespacePrefix(f.ns)
	res := ListResult{}
	opts := store.ListOptions{Revision: rev, Limit: limit}
	if start != listPrefix {
		if rev == 0 {
			return res, errors.New("watch: a start key needs a revision")
		}
		opts = store.ListOptions{Continue: store.EncodeContinue(listPrefix, rev, start), Limit: limit}
	}
	filtered := f.label != nil || f.field != nil
	for {
		page, err := c.cfg.Store.List(ctx, listPrefix, opts)
		if err != nil {
			return ListResult{}, err
		}
		res.Revision = page.Revision
		for i, kv := range page.Items {
			if limit > 0 && int64(len(res.Items)) == limit {
				// The page had more than we need: continue at this key.
				res.Continue = store.EncodeContinue(c.cfg.Prefix, page.Revision, kv.Key)
				if !filtered {
					n := page.Remaining + int64(len(page.Items)-i)
					res.Remaining = &n
				}
				return res, nil
			}
			e := c.newEntry(kv)
			if e != nil && f.matches(e) {
				res.Items = append(res.Items, Item{Object: e.obj, enc: &e.enc})
			}
		}
		if page.Continue == "" {
			return res, nil
		}
		_, next, err := store.DecodeContinue(listPrefix, page.Continue)
		if err != nil {
			return ListResult{}, err
		}
		if limit > 0 && int64(len(res.Items)) == limit {
			res.Continue = store.EncodeContinue(c.cfg.Prefix, page.Revision, next)
			if !filtered {
				n := page.Remaining
				res.Remaining = &n
			}
			return res, nil
		}
		opts = store.ListOptions{Continue: page.Continue, Limit: limit}
	}
}

func sortEntries(es []*entry) {
	slices.SortFunc(es, func(a, b *entry) int { return strings.Compare(a.key, b.key) })
}

// GetConsistent returns the object at key as a consistent read: once the
// cache has caught up with the store's current revision, as a List with
// Match Consistent. The Item shares the object and its cached encodings
// with lists and watch events; ok is false if there is no such object.
func (c *Cache) GetConsistent(ctx context.Context, key string) (it Item, ok bool, err error) {
	rev, err := c.currentRevision(ctx)
	if err != nil {
		return Item{}, false, err
	}
	if err := c.waitFresh(ctx, rev); err != nil {
		return Item{}, false, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.stopped {
		return Item{}, false, ErrStopped
	}
	e, ok := c.tree.Get(&entry{key: key})
	if !ok {
		return Item{}, false, nil
	}
	return Item{Object: e.obj, enc: &e.enc}, true, nil
}

// Get returns the object stored under key as the cache currently holds it
// (no freshness wait: the caller accepts a state slightly behind the
// store). The object is shared and read-only.
func (c *Cache) Get(key string) (meta.Object, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.ready {
		return nil, false
	}
	e, ok := c.tree.Get(&entry{key: key})
	if !ok {
		return nil, false
	}
	return e.obj, true
}
