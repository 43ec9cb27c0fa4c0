// Package bolt is spar's embedded default store: a store.Store in one bbolt
// file, for a single node. It implements the "store" contract of DESIGN.md —
// one global revision, compare-and-swap writes, snapshot lists with continue
// tokens, gap-free watches from any uncompacted revision — and passes the
// storetest conformance suite.
//
// # File layout
//
// Three buckets:
//
//	meta  "format"    → "spar-bolt/1"
//	      "revision"  → the current revision (8-byte big-endian)
//	      "compacted" → history is kept for revisions >= this one
//	log   revision    → one entry per write: type, createRev, prevRev, key, value
//	keys  key         → revision of the key's latest log entry, tombstone flag
//
// Every write gets the next revision and appends one entry to the log, keyed
// by the 8-byte big-endian revision so that bbolt's order is revision order
// and appends fill pages densely. An entry's prevRev is the revision of the
// key's previous entry, so each key's versions form a chain back through the
// log. A delete writes an entry without a value and leaves a tombstone in
// keys until compaction passes it.
//
// The keys bucket is the current-state index. Get is two lookups (keys, then
// the log entry it points at); a List at the current revision is a cursor over
// a key range of keys plus one lookup per item, never a scan of history. A
// List at an older revision R walks, for each key of the range, the chain
// back from its latest entry to the one in force at R: the cost is the keys
// listed plus the changes made to them since R. Continue tokens are
// store.EncodeContinue's, suffixed with a checksum of the listed prefix so a
// token is refused by a list of another prefix. Values are stored once, in
// the log, and nothing is kept on the Go heap per stored object: the data is
// reached through bbolt's memory map and the OS page cache.
//
// # Group commit
//
// Writes are queued to one committer goroutine, which applies everything
// queued, in order, in one bbolt transaction with one commit (two fsyncs in
// bbolt), then wakes the writers: a write returns only once durable. A
// refused write (exists, not found, conflict) fails alone, and because a batch
// is applied in queue order through the transaction's own view, the result is
// exactly that of running the writes one by one. The committer lingers
// briefly for writers it has just released (see nextBatch), so batches track
// the number of concurrent writers. bbolt's db.Batch is not used: it retries
// failed functions, which is wrong for a compare-and-swap that failed on
// purpose, and always waits a fixed delay.
//
// # Watch
//
// After each commit the committer offers the batch's events to every live
// watcher with a matching prefix, with a non-blocking send into the watcher's
// buffered channel (Options.WatchBuffer). A watcher that starts at an old
// revision, or whose buffer is full, is served by a goroutine of its own that
// replays the log in short read transactions until it reaches the last
// published revision, then switches back to live delivery under the hub's
// lock, so there is neither gap nor duplicate. Nothing is ever dropped: a
// watcher that falls behind compaction ends with store.ErrExpired. The
// committer never waits for a watcher, and no read transaction is held while
// a watcher is slow, so slow watchers do not pin pages.
//
// # Compaction
//
// Compacting to revision C walks the log entries in (previous C, C] and
// deletes, for each, the entry it superseded (its prevRev), plus delete
// entries and their tombstones. What stays at or below C is exactly each live
// key's latest version at C: enough for reads at any revision >= C, and for the
// PrevValue of every later event. It runs in transactions of at most 256
// log entries, so writers wait for one short transaction at most, and the
// pages a transaction copies before freeing stay few; bbolt reuses the freed
// pages, which keeps the file bounded under churn (see TestSoakChurn: 1,000
// keys updated 1,000,000 times end in a file about 6× their live data).
// Automatic compaction notes the revision every CompactionInterval and
// compacts to the newest note older than Retention (default 5 minutes, as
// Kubernetes). The notes are in memory: after a restart, the history in the
// file is kept for Retention more.
//
// # bbolt settings
//
// The freelist is not written on commit but rebuilt on open (NoFreelistSync,
// as etcd does), and uses the hashmap implementation, which stays fast when
// churn fragments free space. The file is mapped 1 GiB at a time up front so
// that read transactions never block a commit on a remap, and grows by 1 MiB
// steps past its high-water mark, so a small store has a small file.
package bolt
