package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/spar-dev/spar/store"
)

// The write-ahead log: one fdatasync per committed batch. See doc.go,
// "Durability", for why the design is crash-safe; this file holds the
// mechanics.
//
// The log is the file path+".wal". It is a sequence of records:
//
//	length (4 bytes LE) | CRC32C of the payload (4 bytes LE) | payload
//
// The payload's first byte is its kind. The first record is always a
// checkpoint: rev (8 bytes LE) | the bbolt meta page of the checkpointed
// state. Every other record is a batch: its first revision (8 bytes LE)
// followed by the log entries of its writes (uvarint length | entry), exactly
// as they are stored in the log bucket, for consecutive revisions. Reading
// stops at the first record that is torn, fails its checksum or does not
// continue the revision sequence: the file is reused in place after a
// checkpoint, so what follows the live records is either zeros or older
// records, whose revisions are all at or below the checkpoint's.

const (
	walSuffix     = ".wal"
	recHeaderSize = 8
	recCheckpoint = byte(1)
	recBatch      = byte(2)

	// pinRelease is how long a commit may run before the checkpoint's read
	// transaction is let go (see unpin): a commit that must remap the file
	// waits for every read transaction, the pin included.
	pinRelease = 50 * time.Millisecond

	// Offsets in a bbolt meta page (file format version 2): a 16-byte page
	// header, then magic, version, page size, flags (4 bytes each), root
	// bucket (root page, sequence), freelist page, high-water mark, txid and
	// an FNV-64a checksum of everything from magic to txid, all 8 bytes, in
	// the machine's byte order.
	metaOff         = 16
	metaVersionOff  = 20
	metaPageSizeOff = 24
	metaTxidOff     = 64
	metaSumOff      = 72
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// minPinned is how many bytes of freed pages may wait for the next
// checkpoint (or a 32nd of the file's used size, if more) before it is
// taken early: see beginWrite. A variable so that tests can hold
// checkpoints back.
var minPinned int64 = 256 << 10

// walGrowStep is how much the log file grows at a time, written with zeros:
// an fdatasync after an append that extends the file also commits the
// file system's metadata, one after an append within it only writes data.
const walGrowStep = 2 << 20

// wal is the open log file. Its methods are called with Store.txMu held.
type wal struct {
	f      *os.File
	syncer dataSyncer
	path   string
	end    int64 // offset just past the last record
	size   int64 // the file's size
}

// openWAL opens the log at path, creating it (and syncing its directory) if
// it does not exist.
func openWAL(path string) (*wal, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		if f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
			return nil, err
		}
		// The log's (and a new bbolt file's) directory entry must survive a
		// power loss as surely as their contents.
		if err := syncDir(filepath.Dir(path)); err != nil {
			_ = f.Close()
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return &wal{f: f, syncer: newDataSyncer(), path: path, size: fi.Size()}, nil
}

// append writes rec after the last record and waits until it is durable.
func (w *wal) append(rec []byte) error {
	if end := w.end + int64(len(rec)); end > w.size {
		size := (end + walGrowStep - 1) / walGrowStep * walGrowStep
		if _, err := w.f.WriteAt(make([]byte, size-w.size), w.size); err != nil {
			return err
		}
		w.size = size
	}
	if _, err := w.f.WriteAt(rec, w.end); err != nil {
		return err
	}
	if err := w.syncer.sync(w.f); err != nil {
		return err
	}
	w.end += int64(len(rec))
	return nil
}

// reset starts the log over with head, a checkpoint record. The file keeps
// its size: once its blocks are allocated, an append changes no metadata and
// its fdatasync writes only data.
func (w *wal) reset(head []byte) error {
	if _, err := w.f.WriteAt(head, 0); err != nil {
		return err
	}
	if err := w.syncer.sync(w.f); err != nil {
		return err
	}
	w.end = int64(len(head))
	w.size = max(w.size, w.end)
	return nil
}

// close closes the log file and its syncer.
func (w *wal) close() error {
	return errors.Join(w.syncer.close(), w.f.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Record encoding. A record is built in place after an 8-byte header
// placeholder that sealRecord fills in.

func beginRecord(buf []byte, kind byte, rev int64) []byte {
	buf = append(buf[:0], make([]byte, recHeaderSize)...)
	buf = append(buf, kind)
	return binary.LittleEndian.AppendUint64(buf, uint64(rev))
}

func appendEntry(rec, entry []byte) []byte {
	rec = binary.AppendUvarint(rec, uint64(len(entry)))
	return append(rec, entry...)
}

func sealRecord(rec []byte) []byte {
	payload := rec[recHeaderSize:]
	binary.LittleEndian.PutUint32(rec[0:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(rec[4:], crc32.Checksum(payload, castagnoli))
	return rec
}

// walLog is what a log file holds.
type walLog struct {
	head    bool     // a valid checkpoint record opens the file
	rev     int64    // the checkpoint's revision
	meta    []byte   // the checkpoint's bbolt meta page
	entries [][]byte // log entries of revisions rev+1, rev+2, ...
}

// parseWAL reads the live records of a log file's contents.
func parseWAL(data []byte) walLog {
	var l walLog
	off := 0
	next := func() (kind byte, rev int64, body []byte, ok bool) {
		if len(data)-off < recHeaderSize {
			return 0, 0, nil, false
		}
		n := int64(binary.LittleEndian.Uint32(data[off:]))
		sum := binary.LittleEndian.Uint32(data[off+4:])
		if n < 9 || n > int64(len(data)-off-recHeaderSize) {
			return 0, 0, nil, false
		}
		p := data[off+recHeaderSize : off+recHeaderSize+int(n)]
		if crc32.Checksum(p, castagnoli) != sum {
			return 0, 0, nil, false
		}
		off += recHeaderSize + int(n)
		return p[0], int64(binary.LittleEndian.Uint64(p[1:])), p[9:], true
	}
	kind, rev, body, ok := next()
	if !ok || kind != recCheckpoint || !validMeta(body) {
		return l
	}
	l.head, l.rev, l.meta = true, rev, body
	want := rev + 1
	for {
		kind, rev, body, ok := next()
		if !ok || kind != recBatch || rev != want {
			return l
		}
		var entries [][]byte
		for len(body) > 0 {
			n, w := binary.Uvarint(body)
			if w <= 0 || n > uint64(len(body)-w) {
				return l // cannot happen in a record that passed its checksum
			}
			entries = append(entries, body[w:w+int(n)])
			body = body[w+int(n):]
		}
		l.entries = append(l.entries, entries...)
		want += int64(len(entries))
	}
}

// validMeta reports whether page is a bbolt meta page that passes bbolt's
// own validation: magic, version and checksum.
func validMeta(page []byte) bool {
	if len(page) < metaSumOff+8 || int(binary.NativeEndian.Uint32(page[metaPageSizeOff:])) != len(page) {
		return false
	}
	if binary.NativeEndian.Uint32(page[metaOff:]) != boltMagic || binary.NativeEndian.Uint32(page[metaVersionOff:]) != boltVersion {
		return false
	}
	h := fnv.New64a()
	_, _ = h.Write(page[metaOff:metaSumOff])
	return h.Sum64() == binary.NativeEndian.Uint64(page[metaSumOff:])
}

func metaTxid(page []byte) uint64 { return binary.NativeEndian.Uint64(page[metaTxidOff:]) }

// recoverFile prepares the bbolt file at path for bbolt.Open after a crash:
// if the log at walPath opens with a checkpoint, that checkpoint's meta page
// is written over both of the file's meta pages, so bbolt opens the file at
// the checkpointed state, whose pages no later transaction overwrote, and
// the caller replays the log's entries on top. The file is locked as bbolt
// locks it meanwhile; restoring is idempotent, so a concurrent Open of the
// same file that slips in between this and bbolt.Open does no harm.
func recoverFile(path, walPath string) (walLog, error) {
	data, err := os.ReadFile(walPath)
	if errors.Is(err, os.ErrNotExist) {
		return walLog{}, nil
	}
	if err != nil {
		return walLog{}, err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return walLog{}, fmt.Errorf("write-ahead log %s exists without its database file", walPath)
	}
	if err != nil {
		return walLog{}, err
	}
	defer f.Close()
	if err := lockFile(f, lockTimeout); err != nil {
		return walLog{}, err
	}
	// Read the log again under the lock: another process may have been
	// using it.
	if data, err = os.ReadFile(walPath); err != nil {
		return walLog{}, err
	}
	l := parseWAL(data)
	if !l.head {
		// No valid checkpoint: the log is new, or a checkpoint was cut short
		// after the file had been synced. Either way no transaction ran
		// unsynced, and the file is consistent as bbolt finds it.
		return l, nil
	}
	return l, restoreMeta(f, l.meta)
}

// restoreMeta writes meta over both meta pages of f, unless they already
// hold it.
func restoreMeta(f *os.File, meta []byte) error {
	ps := len(meta)
	cur := make([]byte, 2*ps)
	if _, err := f.ReadAt(cur, 0); err != nil {
		return fmt.Errorf("read meta pages: %w", err)
	}
	// The file must be the one the log was written for. Since the
	// checkpoint, its meta pages have held the checkpoint's transaction, the
	// one before it, or later ones; a file whose newest valid meta is older
	// was swapped in from elsewhere (a backup) and must not be patched.
	want := metaTxid(meta)
	newest, any := uint64(0), false
	for slot := range 2 {
		page := cur[slot*ps : (slot+1)*ps]
		if validMeta(page) {
			newest, any = max(newest, metaTxid(page)), true
		}
	}
	if any && newest+1 < want {
		return fmt.Errorf("write-ahead log is at bbolt transaction %d but the file only at %d: the log belongs to another file", want, newest)
	}
	for slot := range 2 {
		page := bytes.Clone(meta)
		binary.NativeEndian.PutUint64(page[0:], uint64(slot)) // the page header's id
		if bytes.Equal(page, cur[slot*ps:(slot+1)*ps]) {
			continue
		}
		if _, err := f.WriteAt(page, int64(slot*ps)); err != nil {
			return fmt.Errorf("restore meta page: %w", err)
		}
	}
	return nil
}

// replay applies the log entries of revisions rev+1, rev+2, ... in tx, as
// the committer applied them, and returns the last revision.
func replay(tx *bbolt.Tx, rev int64, entries [][]byte) (int64, error) {
	logB, keysB := tx.Bucket(bucketLog), tx.Bucket(bucketKeys)
	logB.FillPercent = logFillPercent
	for _, b := range entries {
		rev++
		e, err := decodeEntry(b)
		if err != nil {
			return 0, fmt.Errorf("write-ahead log entry %d: %w", rev, err)
		}
		if err := logB.Put(encRev(rev), b); err != nil {
			return 0, err
		}
		if err := keysB.Put(e.key, encIndex(rev, e.typ == store.Deleted)); err != nil {
			return 0, err
		}
	}
	return rev, nil
}

// Checkpoints and the pin. The fields they use are guarded by txMu, the pin
// by pinMu as well.

// checkpoint makes every committed transaction durable in the bbolt file and
// starts the log over from the state they reached, then pins that state (see
// doc.go). Called with txMu held and no write transaction open.
func (s *Store) checkpoint() error {
	if err := s.db.Sync(); err != nil {
		return s.broken(fmt.Errorf("sync: %w", err))
	}
	rtx, err := s.db.Begin(false)
	if err != nil {
		return err
	}
	pinned := false
	defer func() {
		if !pinned {
			_ = rtx.Rollback()
		}
	}()
	// The state's meta page is the one of its transaction id's parity; no
	// write transaction can change it while txMu is held.
	txid := uint64(rtx.ID())
	meta := make([]byte, s.pageSize)
	if _, err := s.dbf.ReadAt(meta, int64(txid%2)*int64(s.pageSize)); err != nil {
		return s.broken(fmt.Errorf("read meta page: %w", err))
	}
	if !validMeta(meta) || metaTxid(meta) != txid {
		return s.broken(fmt.Errorf("meta page %d does not hold transaction %d", txid%2, txid))
	}
	var rev int64
	if b := rtx.Bucket(bucketMeta); b != nil {
		rev = decRev(b.Get(metaRevision))
	}
	rec := beginRecord(s.rec, recCheckpoint, rev)
	rec = sealRecord(append(rec, meta...))
	s.rec = rec[:0]
	if err := s.wal.reset(rec); err != nil {
		return s.broken(fmt.Errorf("write-ahead log: %w", err))
	}
	s.unpin()
	s.pinMu.Lock()
	s.pin = rtx
	s.pinMu.Unlock()
	pinned = true
	s.txSince = 0
	s.checkpointAt = time.Now()
	if s.checkpointed != nil {
		s.checkpointed()
	}
	return nil
}

// unpin ends the read transaction that holds the last checkpoint's pages.
// The next write transaction then checkpoints first (beginWrite).
func (s *Store) unpin() {
	s.pinMu.Lock()
	defer s.pinMu.Unlock()
	if s.pin != nil {
		_ = s.pin.Rollback()
		s.pin = nil
	}
}

// broken records a failure of the log or of a sync: what is durable is no
// longer known, so every later write fails with err until the store is
// reopened, which recovers from what the disk holds.
func (s *Store) broken(err error) error {
	if s.walErr == nil {
		s.walErr = fmt.Errorf("write-ahead logging stopped: %w", err)
		s.log.Error(err, "write-ahead log failed; writes fail until the store is reopened")
	}
	return s.walErr
}

// beginWrite starts a bbolt write transaction. Called with txMu held.
//
// With the log, a transaction may reuse pages that only the last
// checkpoint's state still references if nothing pins them: this is safe
// for the first transaction after a checkpoint (a transaction never reuses
// pages its starting state references) and for any transaction while the pin
// is held. Otherwise a checkpoint comes first.
func (s *Store) beginWrite() (*bbolt.Tx, error) {
	if s.walErr != nil {
		return nil, s.walErr
	}
	if s.wal == nil {
		return s.db.Begin(true)
	}
	s.pinMu.Lock()
	unpinned := s.pin == nil
	s.pinMu.Unlock()
	if unpinned && s.txSince > 0 {
		if err := s.checkpoint(); err != nil {
			return nil, err
		}
	}
	tx, err := s.db.Begin(true)
	if err != nil {
		return nil, err
	}
	// Pages freed since the checkpoint that bbolt cannot reuse early (those
	// of the checkpointed state, and those it allocated past the file's old
	// end) wait for the next checkpoint, and the file grows to make up for
	// them. Past a bound, checkpoint now: inside tx is safe, as tx reuses no
	// page of the state it started from, the new checkpoint.
	if held := int64(s.db.Stats().PendingPageN) * int64(s.pageSize); held > max(minPinned, tx.Size()/32) {
		if err := s.checkpoint(); err != nil {
			_ = tx.Rollback()
			return nil, err
		}
	}
	s.txSince++
	return tx, nil
}

// commitWrite commits a transaction begun by beginWrite. A commit that grows
// the file past its memory map remaps it, which waits for every read
// transaction, the pin included: if the commit takes longer than pinRelease,
// the pin is let go, so the commit cannot wait forever. The transaction had
// already allocated its pages with the pin in place, and the next one will
// checkpoint first.
func (s *Store) commitWrite(tx *bbolt.Tx) error {
	if s.wal == nil {
		return tx.Commit()
	}
	t := time.AfterFunc(pinRelease, s.unpin)
	err := tx.Commit()
	t.Stop()
	return err
}

// checkpointer checkpoints every CheckpointInterval when something was
// written since the last checkpoint.
func (s *Store) checkpointer() {
	defer s.bg.Done()
	t := time.NewTicker(s.opts.CheckpointInterval)
	defer t.Stop()
	for {
		select {
		case <-s.closing:
			return
		case <-t.C:
		}
		s.txMu.Lock()
		if s.walErr == nil && s.txSince > 0 && time.Since(s.checkpointAt) >= s.opts.CheckpointInterval {
			if err := s.checkpoint(); err != nil {
				s.log.Error(err, "checkpoint failed")
			}
		}
		s.txMu.Unlock()
	}
}

// maybeCheckpoint checkpoints when the log has outgrown CheckpointSize.
func (s *Store) maybeCheckpoint() {
	if s.wal == nil {
		return
	}
	s.txMu.Lock()
	defer s.txMu.Unlock()
	if s.walErr == nil && s.wal.end >= s.opts.CheckpointSize {
		if err := s.checkpoint(); err != nil {
			s.log.Error(err, "checkpoint failed")
		}
	}
}
