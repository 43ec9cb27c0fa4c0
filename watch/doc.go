// Package watch is the watch cache: it lets one API server feed tens of
// thousands of watchers, and answer most lists, from one store watch per
// resource (DESIGN.md, "watch").
//
// A Cache mirrors one key prefix of a store.Store. Run lists the prefix,
// then watches the store from the list's revision, decoding each change once
// and applying it to an ordered in-memory tree of current objects. Each
// change becomes a record in a window of recent events, a ring that keeps at
// least Config.MinWindowEvents events and Config.WindowDuration of them. When
// the store watch breaks, every watcher is closed with ErrReset and the cache
// re-lists.
//
// Watchers are cursors, not queues. A watcher reads the window (or a
// sub-log, see below) from its cursor, applies its namespace, label and
// field filter, and converts each change as Kubernetes does: an object that
// starts matching arrives as ADDED, one that stops matching as DELETED. The
// cache never waits for a watcher and never copies an event per watcher, so
// a stuck reader costs nothing but its cursor; when it falls more than
// Config.WatcherBuffer events behind for longer than Config.SlowGracePeriod,
// or its events are overwritten, it is closed with ErrTooSlow and its client
// re-watches from the last revision it got.
//
// Sub-logs keep dispatch proportional to interest: a watcher of one
// namespace, or of one value of an index field (pods by spec.nodeName),
// reads a small ring that only receives the events of that namespace or
// value. An event costs one append per sub-log it touches, whatever the
// number of watchers.
//
// Objects and their encodings are shared: Event.Encoded and Item.Encoded
// compute an object version's wire form once per format, for every watcher
// and list that sends it.
//
// Lists are answered from memory: Consistent lists wait until the cache has
// reached the store's current revision (asking the store watch for a
// progress notification so a quiet prefix need not wait for a write);
// NotOlderThan lists use the current state; paged lists keep a copy-on-write
// snapshot of the tree for their continue tokens. Lists at an exact older
// revision, or continuing from a snapshot the cache no longer has, fall
// through to the store's own history.
package watch
