package storetest_test

import (
	"testing"

	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/storetest"
)

// A backend runs the suite from its own tests with a Factory. The factory
// opens the backend over fresh state and returns a reopen function that
// closes the store it handed out last and opens a new one on the same
// state, as a process restart would. Then, in the backend's _test.go:
//
//	func TestConformance(t *testing.T)      { storetest.RunAll(t, factory) }
//	func BenchmarkConformance(b *testing.B) { storetest.RunBenchmarks(b, factory) }
//
// Here the "backend" is this package's in-memory test fixture; the comments
// show what a file-backed one does instead.
func ExampleRunAll() {
	factory := func(t testing.TB) (store.Store, func(testing.TB) store.Store) {
		db := newMemDB("") // path := filepath.Join(t.TempDir(), "spar.db")
		s := db.open()     // s, err := mybackend.Open(path, mybackend.Options{})
		t.Cleanup(func() { s.Close() })
		reopen := func(t testing.TB) store.Store {
			s.Close()     // ignore ErrClosed: the suite may have closed it
			s = db.open() // the same path again
			return s
		}
		return s, reopen
	}
	var _ storetest.Factory = factory
}
