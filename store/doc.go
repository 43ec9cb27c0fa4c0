// Package store defines spar's versioned key-value store: the contract every
// backend (store/bolt, store/etcd) implements and every other piece of state in
// the system sits on.
//
// Values are opaque bytes under string keys such as
// "/registry/pods/default/web-0". Every write bumps one global revision; a
// key's ModRevision is the revision of its last write and becomes the
// object's resourceVersion. Writes are compare-and-swap on that revision, so
// concurrent writers never silently overwrite each other (optimistic
// concurrency, DESIGN.md principle 6). Lists are consistent snapshots at one
// revision, paged with continue tokens; watches deliver every change after a
// revision, in order, exactly once, until that revision is compacted away.
//
// Errors are the sentinel values below, wrapped with context and matched
// with errors.Is. The package store/storetest holds the conformance suite that
// pins this contract down; a new backend is correct when it passes it.
package store
