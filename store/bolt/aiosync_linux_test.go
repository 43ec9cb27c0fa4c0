//go:build linux && (amd64 || arm64)

package bolt

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestAIOSyncer: the asynchronous sync completes, again and again, on a
// file with fresh data; a bad descriptor's error comes back as fdatasync's
// would; a closed file fails.
func TestAIOSyncer(t *testing.T) {
	s, err := newAIOSyncer()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("native AIO is unavailable: %v", err)
		}
		t.Skipf("native AIO is unavailable on this machine (io_setup refused: %v); the store uses fdatasync", err)
	}
	defer s.close()
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := f.Write([]byte("some data\n")); err != nil {
			t.Fatal(err)
		}
		if err := s.sync(f); err != nil {
			t.Fatalf("sync %d: %v", i, err)
		}
	}
	if s.plain {
		t.Error("the syncer fell back to fdatasync on an ext4/tmpfs file")
	}
	// A descriptor the kernel refuses: the same error class as fdatasync.
	d, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := s.sync(d); err == nil {
		t.Error("sync of a closed file succeeded")
	} else if !errors.Is(err, syscall.EBADF) && !s.plain {
		t.Errorf("sync of a closed file: %v, want EBADF", err)
	}
}

// TestStoreWithoutAIO: the store works with plain fdatasync (kernels or
// sandboxes without native AIO).
func TestStoreWithoutAIO(t *testing.T) {
	aioDisabled = true
	defer func() { aioDisabled = false }()
	s, err := Open(filepath.Join(t.TempDir(), "spar.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.wal.syncer.(plainSyncer); !ok {
		t.Fatalf("syncer is %T, want plainSyncer", s.wal.syncer)
	}
	if _, err := s.Create(t.Context(), "/registry/k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
