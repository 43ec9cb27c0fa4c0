package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// walTestOptions turn off every background checkpoint and compaction, so
// that a test decides when they happen.
func walTestOptions() *Options {
	return &Options{Retention: -1, CheckpointInterval: time.Hour, CheckpointSize: 1 << 40}
}

// checkpointNow takes a checkpoint as the committer would.
func checkpointNow(t testing.TB, s *Store) {
	t.Helper()
	s.txMu.Lock()
	defer s.txMu.Unlock()
	if err := s.checkpoint(); err != nil {
		t.Fatalf("checkpoint: %v", err)
	}
}

// writeRandom does n random creates, updates and deletes on keys from
// writers goroutines (each on keys of its own) and records the outcome in
// model. Some values are large enough for bbolt's overflow pages.
func writeRandom(t testing.TB, s *Store, rng *rand.Rand, writers, n int, model map[string]string) {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range writers {
		seed := rng.Uint64()
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for i := range n / writers {
				key := fmt.Sprintf("/registry/pl/w%d-%03d", w, rng.IntN(40))
				size := rng.IntN(2000)
				if rng.IntN(20) == 0 {
					size = 20_000
				}
				val := bytes.Repeat([]byte{byte('a' + i%26)}, size)
				mu.Lock()
				_, exists := model[key]
				mu.Unlock()
				var err error
				switch {
				case !exists:
					_, err = s.Create(ctx, key, val)
				case rng.IntN(5) == 0:
					_, err = s.Delete(ctx, key, 0)
					val = nil
				default:
					_, err = s.Update(ctx, key, val, 0)
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if val == nil {
					delete(model, key)
				} else {
					model[key] = string(val)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// checkState checks that the store at path holds exactly model at revision
// rev, with an unbroken history of changes since from.
func checkState(t testing.TB, path string, opts *Options, from, rev int64, model map[string]string) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("open after power loss: %v", err)
	}
	defer s.Close()
	if got, _ := s.Revision(ctx); got != rev {
		t.Fatalf("revision after power loss = %d, want %d", got, rev)
	}
	items, _, err := listAll(ctx, s, "/registry/", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, kv := range items {
		got[kv.Key] = string(kv.Value)
	}
	if !maps.Equal(got, model) {
		t.Fatalf("after power loss: %d keys, want %d (or values differ)", len(got), len(model))
	}
	w, err := s.Watch(ctx, "/registry/", from)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range receive(t, w, int(rev-from)) {
		if want := from + 1 + int64(i); ev.KV.ModRevision != want {
			t.Fatalf("event %d at revision %d, want %d", i, ev.KV.ModRevision, want)
		}
	}
	w.Stop()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path)
	if _, err := os.Stat(path + walSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("log left after Close: %v", err)
	}
}

// TestPowerLoss simulates losing power after acknowledged writes. The file
// as synced by a checkpoint (A) and as the page cache held it later (B) are
// mixed page by page: every page written since the checkpoint becomes its
// old content, its new content or garbage, independently, as a power loss
// may leave them; pages not written since stay as they were. With the log,
// every acknowledged write must be back, over a file that passes bbolt's
// check. The "remaps" case maps the file in small steps, so that commits
// remap it while the checkpoint is pinned.
func TestPowerLoss(t *testing.T) {
	for _, tt := range []struct {
		name string
		mmap int
	}{{"default", initialMmapSize}, {"remaps", 64 << 10}} {
		t.Run(tt.name, func(t *testing.T) {
			defer func(old int) { initialMmapSize = old }(initialMmapSize)
			initialMmapSize = tt.mmap
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
			path := filepath.Join(t.TempDir(), "spar.db")
			s, err := Open(path, walTestOptions())
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			// The file as the last checkpoint synced it, and the revision
			// it holds.
			var synced []byte
			var from int64
			s.txMu.Lock()
			s.checkpointed = func() {
				if synced, err = os.ReadFile(path); err != nil {
					t.Error(err)
				}
				from = s.rev.Load()
			}
			s.txMu.Unlock()
			model := map[string]string{}
			writeRandom(t, s, rng, 4, 400, model)
			checkpointNow(t, s)
			// Writes, a compaction (not logged) and more writes, all after
			// the checkpoint.
			writeRandom(t, s, rng, 4, 400, model)
			mid, _ := s.Revision(ctx)
			if err := s.Compact(ctx, mid); err != nil {
				t.Fatal(err)
			}
			writeRandom(t, s, rng, 4, 400, model)
			rev, _ := s.Revision(ctx)
			cached, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			log, err := os.ReadFile(path + walSuffix)
			if err != nil {
				t.Fatal(err)
			}
			s.txMu.Lock()
			logEnd := s.wal.end
			s.txMu.Unlock()
			ps := s.pageSize
			s.txMu.Lock()
			s.checkpointed = nil
			s.txMu.Unlock()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if t.Failed() {
				t.FailNow()
			}

			changed := 0
			for i := 0; i < len(cached)/ps; i++ {
				if (i+1)*ps > len(synced) || !bytes.Equal(synced[i*ps:(i+1)*ps], cached[i*ps:(i+1)*ps]) {
					changed++
				}
			}
			if changed == 0 {
				t.Fatal("no page changed since the checkpoint: the test tests nothing")
			}
			rounds := 12
			if raceEnabled {
				rounds = 4
			}
			for round := range rounds {
				dir := t.TempDir()
				mixed := mixPages(rng, synced, cached, ps)
				if err := os.WriteFile(filepath.Join(dir, "spar.db"), mixed, 0o600); err != nil {
					t.Fatal(err)
				}
				wal := log
				if round%2 == 1 {
					// A torn append after the last acknowledged record.
					wal = append(bytes.Clone(log[:logEnd]), randomBytes(rng, 100)...)
				}
				if err := os.WriteFile(filepath.Join(dir, "spar.db"+walSuffix), wal, 0o600); err != nil {
					t.Fatal(err)
				}
				checkState(t, filepath.Join(dir, "spar.db"), walTestOptions(), from, rev, model)
			}
			t.Logf("%d of %d pages written since the last checkpoint; %d revisions replayed", changed, len(cached)/ps, rev-from)
		})
	}
}

// mixPages returns a file whose pages unchanged between synced and cached
// are theirs, and whose other pages are each the synced one, the cached one
// or garbage. Pages past the synced file's end may be missing altogether.
func mixPages(rng *rand.Rand, synced, cached []byte, ps int) []byte {
	n := len(cached) / ps
	if rng.IntN(2) == 0 {
		n = len(synced) / ps
	}
	out := make([]byte, 0, n*ps)
	for i := range n {
		var old []byte
		if (i+1)*ps <= len(synced) {
			old = synced[i*ps : (i+1)*ps]
		}
		cur := cached[i*ps : (i+1)*ps]
		switch {
		case bytes.Equal(old, cur):
			out = append(out, cur...)
		case rng.IntN(3) == 0 && old != nil:
			out = append(out, old...)
		case rng.IntN(2) == 0:
			out = append(out, cur...)
		default:
			out = append(out, randomBytes(rng, ps)...)
		}
	}
	return out
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestCheckpointCutShort: a checkpoint whose log rewrite was cut short
// leaves a head that fails its checksum; the file, synced just before, is
// used as it is.
func TestCheckpointCutShort(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	path := filepath.Join(t.TempDir(), "spar.db")
	s, err := Open(path, walTestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	model := map[string]string{}
	writeRandom(t, s, rng, 2, 200, model)
	checkpointNow(t, s)
	rev, _ := s.Revision(ctx)
	synced, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(path + walSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		tear func([]byte)
	}{
		{"torn checksum", func(b []byte) { b[recHeaderSize+20] ^= 0xff }},
		{"zeroed", func(b []byte) { clear(b[:recHeaderSize]) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			torn := bytes.Clone(log)
			tt.tear(torn)
			if err := os.WriteFile(filepath.Join(dir, "spar.db"), synced, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "spar.db"+walSuffix), torn, 0o600); err != nil {
				t.Fatal(err)
			}
			checkState(t, filepath.Join(dir, "spar.db"), nil, rev, rev, model)
		})
	}
}

// TestWALRecovery covers what a log left by a crash leads to on open, with
// and without NoSync, and a log that belongs to no file or another file.
func TestWALRecovery(t *testing.T) {
	ctx := context.Background()
	// crashed leaves a store whose last writes are only in the log and
	// returns its path and state.
	crashed := func(t *testing.T) (string, int64, int64, map[string]string) {
		// No early checkpoint may move the log past the copy of the file.
		old := minPinned
		minPinned = 1 << 40
		t.Cleanup(func() { minPinned = old })
		rng := rand.New(rand.NewPCG(3, 4))
		path := filepath.Join(t.TempDir(), "spar.db")
		s, err := Open(path, walTestOptions())
		if err != nil {
			t.Fatal(err)
		}
		model := map[string]string{}
		writeRandom(t, s, rng, 2, 100, model)
		checkpointNow(t, s)
		from, _ := s.Revision(ctx)
		synced, _ := os.ReadFile(path)
		writeRandom(t, s, rng, 2, 100, model)
		rev, _ := s.Revision(ctx)
		log, _ := os.ReadFile(path + walSuffix)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		// The file as the checkpoint left it, and the log.
		if err := os.WriteFile(path, synced, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+walSuffix, log, 0o600); err != nil {
			t.Fatal(err)
		}
		return path, from, rev, model
	}
	t.Run("durable", func(t *testing.T) {
		path, from, rev, model := crashed(t)
		checkState(t, path, nil, from, rev, model)
	})
	t.Run("NoSync", func(t *testing.T) {
		path, from, rev, model := crashed(t)
		checkState(t, path, &Options{NoSync: true}, from, rev, model)
	})
	t.Run("no database", func(t *testing.T) {
		path, _, _, _ := crashed(t)
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if s, err := Open(path, nil); err == nil {
			s.Close()
			t.Fatal("Open with a log and no database file succeeded")
		}
	})
	t.Run("older file", func(t *testing.T) {
		// A log whose checkpoint is far ahead of the file's transactions.
		path, _, _, _ := crashed(t)
		fresh := filepath.Join(t.TempDir(), "fresh.db")
		s, err := Open(fresh, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(fresh)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if s, err := Open(path, nil); err == nil {
			s.Close()
			t.Fatal("Open patched a file the log does not belong to")
		}
	})
}

// TestCheckpointsUnderLoad checkpoints after nearly every batch while many
// writers write, and checks the result after a reopen.
func TestCheckpointsUnderLoad(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	path := filepath.Join(t.TempDir(), "spar.db")
	opts := &Options{CheckpointSize: 4 << 10, CheckpointInterval: time.Millisecond, Retention: 50 * time.Millisecond, CompactionInterval: 10 * time.Millisecond}
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	model := map[string]string{}
	writeRandom(t, s, rng, 8, 800, model)
	rev, _ := s.Revision(ctx)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, _ := s2.Revision(ctx); got != rev {
		t.Fatalf("revision after reopen = %d, want %d", got, rev)
	}
	items, _, err := listAll(ctx, s2, "/registry/", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(model) {
		t.Fatalf("%d keys after reopen, want %d", len(items), len(model))
	}
	for _, kv := range items {
		if model[kv.Key] != string(kv.Value) {
			t.Fatalf("%s differs after reopen", kv.Key)
		}
	}
}
