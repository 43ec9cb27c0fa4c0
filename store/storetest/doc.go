// Package storetest is the conformance suite of the store contract
// (DESIGN.md, "store"; package store). Every backend runs all of it from its
// own tests, and a backend is correct when it passes: the suite is the
// executable form of the sentences in store.go.
//
// A backend's test file supplies a Factory that opens the backend over fresh
// state (a file or a server under t.TempDir()) and can reopen it on the same
// state, then calls RunAll, and RunBenchmarks from a benchmark:
//
//	func TestConformance(t *testing.T)      { storetest.RunAll(t, factory) }
//	func BenchmarkConformance(b *testing.B) { storetest.RunBenchmarks(b, factory) }
//
// The Run functions can also be called one by one (RunCRUD, RunList,
// RunWatch, RunCompaction, RunRestart, RunBadInput, RunLinearizability).
//
// # What the suite assumes
//
// Only relations between revisions, never absolute numbers: a fresh store
// may be at any revision (bolt and etcd start at 1). A write bumps the revision by
// exactly one and reads, failed writes and compactions by zero; several tests
// check that the acknowledged writes of a test have contiguous revisions, so
// nothing but the suite may write to the store while it runs (no background
// writes, no other tests sharing the store). Subtests run one after another,
// never in parallel; concurrency comes from goroutines inside a test.
//
// Keys live under store.DefaultPrefix, each test under its own sub-prefix,
// and values may be empty or exactly store.DefaultMaxValueSize long.
//
// # Boundaries the contract leaves to a decision
//
//   - A prefix is a plain string prefix: "/registry/pods" covers
//     "/registry/podsx/a".
//   - After Compact(r) a revision is usable iff it is >= r, for List and
//     Watch alike: Watch(prefix, from) fails with ErrExpired iff from < r.
//     That is store.go's wording ("lists at older revisions and watches from
//     them fail"), one revision stricter than etcd's native watch, and it
//     means every delivered event is complete: the PrevValue of the change
//     at r lies before r. A backend that cannot supply a PrevValue (etcd
//     after a compaction raced with the watch) must end the watch with
//     ErrExpired rather than deliver the event without it.
//   - Watchers may interleave Progress events; the suite checks their
//     promise (no later change at or below their revision, never going
//     backwards) and otherwise ignores them. If a Watcher implements
//     store.ProgressRequester, RunWatch checks that a request is answered.
//   - A page is the last one exactly when Remaining is 0: a continue token
//     that leads to an empty page is an error.
//   - A continue token is bound to its prefix (ErrInvalidContinue
//     elsewhere), and to its revision (ErrExpired once compacted).
//   - Compact of a future revision fails with ErrFutureRevision.
//   - Every method of a closed store fails with ErrClosed.
//
// # Checking against history
//
// Tests write through a recorder that keeps every acknowledged write. The
// sorted writes are replayed into the exact events a watcher must see and
// the exact snapshot a list at any revision must return, so concurrent
// tests compare every watch and every list page with ground truth rather
// than with invariants. The linearizability test checks concurrent histories
// of Create/Get/Update/Delete with porcupine, one partition per key, plus
// the global order of revisions across keys.
//
// The suite validates itself in its own tests against an in-memory
// reference store (a test fixture, memstore_test.go), both correct and with
// one injected bug at a time, each of which the suite must catch.
//
// Waits for watch events are bounded (20s without progress) so a hung
// backend fails with a message; no assertion depends on speed. Against a
// disk-backed store with ~2 ms fsyncs the whole suite takes seconds.
package storetest
