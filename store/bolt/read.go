package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	bbolt "go.etcd.io/bbolt"

	"github.com/spar-dev/spar/store"
)

// A log entry is the value stored under its revision in the log bucket:
//
//	type (1 byte) | createRev (uvarint) | prevRev (uvarint) | len(key) (uvarint) | key | value
//
// prevRev is the revision of the key's previous log entry (its previous
// version, or the delete before a re-create), 0 if there is none. A Deleted
// entry has no value: the deleted value is the entry at prevRev.
type entry struct {
	typ       store.EventType
	createRev int64
	prevRev   int64
	key       []byte // points into the bbolt page: valid during the transaction only
	value     []byte // idem
}

func encodeEntry(typ store.EventType, createRev, prevRev int64, key string, value []byte) []byte {
	b := make([]byte, 0, 1+3*binary.MaxVarintLen64+len(key)+len(value))
	b = append(b, byte(typ))
	b = binary.AppendUvarint(b, uint64(createRev))
	b = binary.AppendUvarint(b, uint64(prevRev))
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	return append(b, value...)
}

func decodeEntry(b []byte) (entry, error) {
	var e entry
	if len(b) < 1 {
		return e, errCorrupt("empty log entry")
	}
	e.typ = store.EventType(b[0])
	if e.typ < store.Added || e.typ > store.Deleted {
		return e, errCorrupt("bad entry type")
	}
	b = b[1:]
	var n [3]uint64
	for i := range n {
		v, w := binary.Uvarint(b)
		if w <= 0 {
			return e, errCorrupt("bad entry header")
		}
		n[i], b = v, b[w:]
	}
	if n[2] > uint64(len(b)) {
		return e, errCorrupt("bad entry key length")
	}
	e.createRev, e.prevRev = int64(n[0]), int64(n[1])
	e.key, e.value = b[:n[2]], b[n[2]:]
	return e, nil
}

func errCorrupt(what string) error { return fmt.Errorf("bolt: corrupt file: %s", what) }

// The keys bucket maps a key to its latest log revision and a tombstone flag:
// 8-byte big-endian revision | 1 byte (1 = deleted). Tombstones stay until
// compaction passes them, so reads at older revisions find deleted keys.
const tombstone = 1

func encIndex(rev int64, deleted bool) []byte {
	b := make([]byte, 9)
	binary.BigEndian.PutUint64(b, uint64(rev))
	if deleted {
		b[8] = tombstone
	}
	return b
}

func decIndex(b []byte) (rev int64, deleted bool) {
	if len(b) != 9 {
		return 0, true
	}
	return int64(binary.BigEndian.Uint64(b)), b[8] == tombstone
}

// kvOf copies a log entry at rev out of the transaction into a KV.
func kvOf(e entry, rev int64) store.KV {
	return store.KV{Key: string(e.key), Value: bytes.Clone(e.value), CreateRevision: e.createRev, ModRevision: rev}
}

// getEntry reads the log entry at rev; ok is false if there is none.
func getEntry(log *bbolt.Bucket, rev int64) (entry, bool, error) {
	b := log.Get(encRev(rev))
	if b == nil {
		return entry{}, false, nil
	}
	e, err := decodeEntry(b)
	return e, err == nil, err
}

// logReader looks up log entries with one reused cursor: bbolt's
// Bucket.Get makes a cursor per call, and lists make thousands of lookups.
type logReader struct {
	c   *bbolt.Cursor
	key [8]byte
}

func newLogReader(log *bbolt.Bucket) *logReader { return &logReader{c: log.Cursor()} }

// get reads the log entry at rev; ok is false if there is none.
func (r *logReader) get(rev int64) (entry, bool, error) {
	binary.BigEndian.PutUint64(r.key[:], uint64(rev))
	k, v := r.c.Seek(r.key[:])
	if !bytes.Equal(k, r.key[:]) {
		return entry{}, false, nil
	}
	e, err := decodeEntry(v)
	return e, err == nil, err
}

// current reads key's current state.
func current(tx *bbolt.Tx, key string) (store.KV, bool, error) {
	rev, deleted := decIndex(tx.Bucket(bucketKeys).Get([]byte(key)))
	if rev == 0 || deleted {
		return store.KV{}, false, nil
	}
	e, ok, err := getEntry(tx.Bucket(bucketLog), rev)
	if err != nil || !ok {
		if err == nil {
			err = errCorrupt(fmt.Sprintf("no log entry %d for %q", rev, key))
		}
		return store.KV{}, false, err
	}
	return kvOf(e, rev), true, nil
}

// versionAt finds the revision of key's log entry in force at revision at,
// given its index value: 0 if the key did not exist then. It walks back the
// prevRev chain from the latest entry, so its cost is the number of changes
// to this key after at. Compaction to C keeps, for every key, its latest
// entry at or below C unless that is a delete, so for at >= C the walk ends
// on an entry that exists, or on a missing one that was a compacted delete.
func versionAt(log *logReader, idx []byte, at int64) (int64, error) {
	rev, deleted := decIndex(idx)
	if rev <= at {
		if deleted {
			return 0, nil
		}
		return rev, nil
	}
	for rev > at {
		e, ok, err := log.get(rev)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, errCorrupt(fmt.Sprintf("missing log entry %d", rev))
		}
		rev = e.prevRev
		if rev == 0 {
			return 0, nil
		}
	}
	e, ok, err := log.get(rev)
	if err != nil || !ok || e.typ == store.Deleted {
		return 0, err
	}
	return rev, nil
}

// List returns a page of the keys under prefix at one revision.
func (s *Store) List(ctx context.Context, prefix string, opts store.ListOptions) (store.ListResult, error) {
	if err := store.CheckPrefix(s.opts.Prefix, prefix); err != nil {
		return store.ListResult{}, fmt.Errorf("bolt: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return store.ListResult{}, err
	}
	rev, start := max(opts.Revision, 0), prefix
	if opts.Continue != "" {
		var err error
		if rev, start, err = decodeContinue(prefix, opts.Continue); err != nil {
			return store.ListResult{}, fmt.Errorf("bolt: list %q: %w", prefix, err)
		}
	}
	res := store.ListResult{}
	err := s.view(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		head, compacted := decRev(meta.Get(metaRevision)), decRev(meta.Get(metaCompacted))
		switch {
		case rev == 0:
			rev = head
		case rev > head:
			return fmt.Errorf("bolt: list %q at revision %d (current %d): %w", prefix, rev, head, store.ErrFutureRevision)
		case rev < compacted:
			return fmt.Errorf("bolt: list %q at revision %d (compacted to %d): %w", prefix, rev, compacted, store.ErrExpired)
		}
		res.Revision = rev
		log := newLogReader(tx.Bucket(bucketLog))
		c := tx.Bucket(bucketKeys).Cursor()
		pfx := []byte(prefix)
		var next []byte
		var found []hit // entries point into the transaction's pages
		n := 0
		for k, v := c.Seek([]byte(start)); k != nil && bytes.HasPrefix(k, pfx); k, v = c.Next() {
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			at, err := versionAt(log, v, rev)
			if err != nil {
				return err
			}
			if at == 0 {
				continue
			}
			if opts.Limit > 0 && int64(len(found)) >= opts.Limit {
				// Past the page: only count.
				if next == nil {
					next = bytes.Clone(k)
				}
				res.Remaining++
				continue
			}
			e, ok, err := log.get(at)
			if err != nil || !ok {
				if err == nil {
					err = errCorrupt(fmt.Sprintf("no log entry %d for %q", at, k))
				}
				return err
			}
			found = append(found, hit{e, at})
		}
		res.Items = copyOut(found)
		if next != nil {
			res.Continue = encodeContinue(prefix, rev, string(next))
		}
		return nil
	})
	if err != nil {
		return store.ListResult{}, err
	}
	return res, nil
}

// encodeContinue and decodeContinue are store's tokens, which bind the
// listed prefix.
func encodeContinue(prefix string, rev int64, next string) string {
	return store.EncodeContinue(prefix, rev, next)
}

func decodeContinue(prefix, token string) (int64, string, error) {
	return store.DecodeContinue(prefix, token)
}

// hit is a log entry found by a list, at revision rev.
type hit struct {
	e   entry
	rev int64
}

// copyOut copies a list's entries out of the transaction, with every key
// and value in one allocation: a list of thousands of items makes a handful
// of allocations instead of two per item. Values are capped so that an
// append to one cannot run into the next.
func copyOut(found []hit) []store.KV {
	if len(found) == 0 {
		return nil
	}
	keySize, valueSize := 0, 0
	for _, h := range found {
		keySize += len(h.e.key)
		valueSize += len(h.e.value)
	}
	var kb strings.Builder
	kb.Grow(keySize)
	for _, h := range found {
		kb.Write(h.e.key)
	}
	keys := kb.String() // one string holding every key
	values := make([]byte, 0, valueSize)
	items := make([]store.KV, len(found))
	off := 0
	for i, h := range found {
		start := len(values)
		values = append(values, h.e.value...)
		items[i] = store.KV{
			Key:            keys[off : off+len(h.e.key)],
			Value:          values[start:len(values):len(values)],
			CreateRevision: h.e.createRev,
			ModRevision:    h.rev,
		}
		off += len(h.e.key)
	}
	return items
}
