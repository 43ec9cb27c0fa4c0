package bolt

import (
	"path/filepath"
	"testing"

	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/storetest"
)

// factory opens a durable store with default options on a new file; reopen
// closes the last store opened and opens the same file again.
func factory(t testing.TB) (store.Store, func(testing.TB) store.Store) {
	path := filepath.Join(t.TempDir(), "spar.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	reopen := func(t testing.TB) store.Store {
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if s, err = Open(path, nil); err != nil {
			t.Fatalf("reopen: %v", err)
		}
		return s
	}
	return s, reopen
}

func TestConformance(t *testing.T) { storetest.RunAll(t, factory) }

func BenchmarkConformance(b *testing.B) { storetest.RunBenchmarks(b, factory) }
