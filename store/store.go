package store

import (
	"context"
	"errors"
)

// Errors returned (wrapped) by every backend. Match them with errors.Is.
var (
	// ErrNotFound: the key does not exist (at the requested revision).
	ErrNotFound = errors.New("key not found")
	// ErrExists: Create of a key that exists.
	ErrExists = errors.New("key already exists")
	// ErrConflict: Update or Delete with an expected revision that is not the
	// key's current ModRevision.
	ErrConflict = errors.New("revision conflict")
	// ErrExpired: the requested revision has been compacted.
	ErrExpired = errors.New("revision compacted")
	// ErrFutureRevision: the requested revision is newer than the store's.
	ErrFutureRevision = errors.New("revision is in the future")
	// ErrInvalidKey: empty key, or a key outside the store's prefix.
	ErrInvalidKey = errors.New("invalid key")
	// ErrValueTooLarge: a value above the backend's MaxValueSize.
	ErrValueTooLarge = errors.New("value too large")
	// ErrInvalidContinue: a continue token that is malformed or belongs to
	// another prefix.
	ErrInvalidContinue = errors.New("invalid continue token")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store closed")
)

// DefaultPrefix is the key prefix stores accept by default.
const DefaultPrefix = "/registry/"

// DefaultMaxValueSize is the default value size limit, 1.5 MiB as etcd's
// default request limit.
const DefaultMaxValueSize = 1536 * 1024

// KV is one stored key at one revision.
type KV struct {
	Key   string
	Value []byte
	// CreateRevision is the revision at which the key was (last) created.
	CreateRevision int64
	// ModRevision is the revision of the key's last write: the object's
	// resourceVersion.
	ModRevision int64
}

// ListOptions select a page of a list.
type ListOptions struct {
	// Revision reads the snapshot at this revision. Zero means the current
	// revision (a consistent, linearizable read). A compacted revision fails
	// with ErrExpired, a future one with ErrFutureRevision. Ignored when
	// Continue is set (the token carries it).
	Revision int64
	// Limit is the maximum number of items returned; zero means no limit.
	Limit int64
	// Continue is the token from a previous page's ListResult.Continue; the
	// page is read at the same revision as the first one.
	Continue string
}

// ListResult is one page of a list.
type ListResult struct {
	// Items in key order.
	Items []KV
	// Revision is the snapshot revision the page was read at.
	Revision int64
	// Continue is the token for the next page, or "" on the last page.
	Continue string
	// Remaining is the number of items after this page (0 on the last page).
	Remaining int64
}

// EventType is the kind of change a watch Event reports.
type EventType int

// Event types.
const (
	// Added: the key was created.
	Added EventType = iota + 1
	// Modified: the key was updated.
	Modified
	// Deleted: the key was deleted.
	Deleted
	// Progress: no change; the watcher has seen every change under its
	// prefix up to KV.ModRevision (etcd's progress notification). Backends
	// send it when asked through ProgressRequester, and may send it on their
	// own. It lets a consumer that watches a quiet prefix learn that it is
	// current with the store's revision.
	Progress
)

func (t EventType) String() string {
	switch t {
	case Added:
		return "ADDED"
	case Modified:
		return "MODIFIED"
	case Deleted:
		return "DELETED"
	case Progress:
		return "PROGRESS"
	}
	return "UNKNOWN"
}

// Event is one change seen by a watch.
type Event struct {
	Type EventType
	// KV is the key after the change. For Deleted, Value is nil,
	// ModRevision is the revision of the delete, and CreateRevision is the
	// revision at which the deleted key was created.
	KV KV
	// PrevValue is the value before the change (nil for Added). Watchers that
	// filter by content need it to tell "stopped matching" from "never matched".
	PrevValue []byte
}

// Watcher is a running watch. The channel returned by Events is closed when
// the watch ends: because its context was cancelled, Stop was called, the
// store was closed, or the watch failed (Err says why).
type Watcher interface {
	// Events delivers changes in revision order, each exactly once.
	Events() <-chan Event
	// Err is nil while the watch runs and after a clean stop (context
	// cancelled or Stop called); otherwise the reason the watch ended, e.g.
	// ErrExpired if the watcher fell behind compaction, or ErrClosed.
	Err() error
	// Stop ends the watch and releases its resources. Safe to call more than once.
	Stop()
}

// ProgressRequester is implemented by Watchers that can be asked for a
// Progress event: soon after RequestProgress returns, the watcher delivers a
// Progress event whose revision is at least the store's revision at the time
// of the call (after any pending changes). A watch cache uses it to serve a
// consistent read without waiting for a write under its own prefix.
type ProgressRequester interface {
	RequestProgress(ctx context.Context) error
}

// Store is the versioned key-value store. All methods are safe for
// concurrent use. Every write is durable when it returns.
type Store interface {
	// Create writes key if it does not exist and returns the new revision.
	// ErrExists if it does.
	Create(ctx context.Context, key string, value []byte) (KV, error)

	// Get returns key's current value. ErrNotFound if absent.
	Get(ctx context.Context, key string) (KV, error)

	// Update replaces key's value if its ModRevision equals expected, and
	// returns the new KV. ErrNotFound if absent; ErrConflict if the revision
	// moved (the error's chain holds the current KV, see ConflictError).
	// expected <= 0 updates unconditionally.
	Update(ctx context.Context, key string, value []byte, expected int64) (KV, error)

	// Delete removes key if its ModRevision equals expected. It returns the
	// key's last value and CreateRevision, with ModRevision set to the
	// revision of the delete.
	// ErrNotFound if absent; ErrConflict if the revision moved.
	// expected <= 0 deletes unconditionally.
	Delete(ctx context.Context, key string, expected int64) (KV, error)

	// List returns the keys under prefix at one consistent revision, in key
	// order, paged by opts.
	List(ctx context.Context, prefix string, opts ListOptions) (ListResult, error)

	// Watch streams every change to keys under prefix with a revision greater
	// than fromRevision. fromRevision 0 means "from now": changes after the
	// current revision. A future fromRevision waits for it. A compacted
	// fromRevision fails with ErrExpired (from Watch itself, or from the
	// Watcher's Err if compaction races with the start). The watch runs until
	// ctx is done or Stop is called.
	Watch(ctx context.Context, prefix string, fromRevision int64) (Watcher, error)

	// Revision returns the store's current revision: that of its latest write.
	Revision(ctx context.Context) (int64, error)

	// Compact discards history before revision: lists at older revisions and
	// watches from them fail with ErrExpired afterwards. Backends also compact
	// on their own (see their options); compacting an already compacted
	// revision is a no-op.
	Compact(ctx context.Context, revision int64) error

	// Close releases the store. Running watches end with ErrClosed.
	Close() error
}

// ConflictError is the error of a failed compare-and-swap. It wraps
// ErrConflict and carries the key's current state, so a caller that wants to
// retry need not read it again.
type ConflictError struct {
	Current KV
}

func (e *ConflictError) Error() string {
	return "revision conflict on " + e.Current.Key
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }
