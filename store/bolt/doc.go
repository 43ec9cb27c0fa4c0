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
// queued, in order, in one bbolt transaction, logs it with one fdatasync
// (see Durability), commits it, then wakes the writers: a write returns only
// once durable. A
// refused write (exists, not found, conflict) fails alone, and because a batch
// is applied in queue order through the transaction's own view, the result is
// exactly that of running the writes one by one. The committer lingers
// briefly for writers it has just released (see nextBatch), so batches track
// the number of concurrent writers. bbolt's db.Batch is not used: it retries
// failed functions, which is wrong for a compare-and-swap that failed on
// purpose, and always waits a fixed delay.
//
// # Durability
//
// A bbolt commit costs two fdatasyncs (pages, then meta page). Instead, as
// etcd does, each batch is appended to a write-ahead log, path+".wal", with
// one fdatasync, then committed to bbolt without syncing (bbolt's NoSync),
// and acknowledged. A record is length-prefixed, CRC32C-checked, and holds
// the batch's first revision and its log entries as stored in the log
// bucket, so replaying it is exact. Every CheckpointInterval (default 1s), or
// when the log passes CheckpointSize (default 64 MiB), a checkpoint syncs the
// bbolt file and starts the log over with a record holding that state's
// revision and bbolt meta page. Open replays the log after a crash; Close
// checkpoints and removes the log, so that a closed store is one file.
//
// On Linux the log's sync is an fdatasync submitted through native AIO and
// awaited in the netpoller (aiosync_linux.go): a blocking fdatasync keeps
// one of the process' Ps for the disk's time, which cost a CPU-bound API
// server about a tenth of its throughput. Where AIO is refused it is a
// plain fdatasync.
//
// Unsynced bbolt commits are not safe by themselves after a power loss.
// bbolt is copy-on-write, but it reuses a page as soon as no transaction can
// see it, so a transaction after an unsynced one may overwrite pages of the
// last synced state; and its meta pages may reach the disk before the pages
// they point to (bbolt's meta checksum covers the meta page only). The file
// can hold garbage under a valid-looking meta, and bbolt's choice of meta
// cannot be trusted. Three rules make the checkpointed state recoverable:
//
//   - Pin: from each checkpoint to the next, a read transaction stays open on
//     the checkpointed state, so bbolt reuses none of its pages. bbolt still
//     reuses early the pages it took from its freelist and freed since, but
//     not those it allocated past the file's end, so the freed pages waiting
//     for the next checkpoint are bounded: past 256 KiB (or 1/32 of the
//     file's used size) the next transaction checkpoints first, and churn
//     leaves the file no larger than without the log (TestSoakChurn). The
//     first transaction after a checkpoint needs no pin: a transaction never
//     reuses pages of the state it starts from. A commit that must remap the
//     file waits for every read transaction; if a commit runs longer than
//     50ms, the pin is let go and the next transaction checkpoints first.
//   - Keep the meta: the checkpoint record holds a copy of the checkpointed
//     meta page. On open after a crash that page is written over both of the
//     file's meta pages before bbolt opens it, so bbolt opens the checkpointed
//     state, whose pages are all intact, and the log's records after it are
//     replayed. Restoring and replaying are idempotent: a crash during
//     recovery recovers again from the same checkpoint.
//   - Order: the checkpoint rewrites the log's head only after the file's
//     fdatasync, and no bbolt transaction runs until the new head is durable.
//     So a log with no valid head (new, or a checkpoint cut short) means the
//     file was fully synced, and it is used as bbolt finds it. The log is
//     reused in place (no metadata changes on append, so its fdatasync writes
//     data only); reading stops at the first record that is torn, fails its
//     checksum, or does not continue the revision sequence, which every stale
//     record from before the checkpoint fails.
//
// Compaction's transactions are not logged: a crash can undo compaction done
// since the last checkpoint, which only keeps more history. A failed log
// write or sync stops all writes until the store is reopened, since what is
// durable is then unknown. TestPowerLoss checks the design by mixing, page by
// page, the file as last synced with the file as later written (old, new or
// garbage content for every page written since) and recovering every
// acknowledged write from it; TestCrash kills a writing process at random
// moments, inside checkpoints and recovery too.
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
// keys updated 1,000,000 times end in a file about 8× their live data).
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
// that read transactions never block a commit on a remap. Commits neither
// sync nor preallocate (NoSync, NoGrowSync): the file grows as pages are
// written past its end, so a small store has a small file, and a
// checkpoint's fdatasync makes its size durable with its pages.
package bolt
