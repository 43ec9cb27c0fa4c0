// Package etcd is the store.Store backend on an etcd v3 cluster, for control
// planes that outgrow one machine or want etcd's replication (DESIGN.md,
// "store"). It is a thin mapping: etcd already is a versioned key-value store
// with one global revision, so a spar revision is an etcd revision and an
// object's resourceVersion is its etcd ModRevision.
//
//   - Writes are single etcd transactions. Create puts only if the key's
//     CreateRevision is 0; Update and Delete put or delete only if its
//     ModRevision is the expected one (or, unconditionally, if it exists),
//     and otherwise read the key in the same transaction to return
//     store.ErrNotFound or a *store.ConflictError with the current value.
//     Durability and group commit are etcd's: a write returns once the Raft
//     entry holding it is fsynced on a quorum, and concurrent writes share
//     entries and fsyncs.
//   - List is one range read. The first page is linearizable; its revision
//     travels in the continue token (store.EncodeContinue, plus a checksum
//     that binds the token to the listed prefix), so later pages read the
//     same snapshot until it is compacted (store.ErrExpired).
//   - Watch is etcd's native watch with previous values, each on a gRPC
//     stream of its own so that progress requests (store.ProgressRequester)
//     are answered for it alone. A watch from a compacted revision fails
//     with store.ErrExpired, as a list would: one revision stricter than
//     etcd, so that every event carries its previous value.
//   - Compaction is done by spar, as kube-apiserver does it, not by etcd's
//     own auto-compaction: every Options.CompactionInterval each store tries
//     to compact to the revision it saw one interval earlier, and stores
//     sharing an etcd coordinate through a compare-and-swap on the key
//     "compact_rev_key" so that one of them compacts per interval. (etcd
//     reuses the freed pages; defragmentation stays an operator's task.)
//
// A Store does not own its *clientv3.Client: close the store, then the
// client. The client may be namespaced (go.etcd.io/etcd/client/v3/namespace)
// to keep several spar clusters in one etcd. The subpackage etcdtest starts
// an in-process etcd server for tests.
package etcd
