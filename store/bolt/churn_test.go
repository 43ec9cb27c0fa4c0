package bolt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// churn creates keys keys of valueSize bytes, then updates them updates
// times in total from writers goroutines, and returns the bytes of live
// data (keys and values).
func churn(tb testing.TB, s *Store, keys, updates, writers, valueSize int) (live int64) {
	tb.Helper()
	ctx := context.Background()
	value := make([]byte, valueSize)
	key := func(i int) string { return fmt.Sprintf("/registry/churn/%06d", i) }
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := w; i < keys; i += writers {
				if _, err := s.Create(ctx, key(i), value); err != nil {
					tb.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for i := range keys {
		live += int64(len(key(i)) + valueSize)
	}
	for w := range writers {
		wg.Go(func() {
			v := make([]byte, valueSize)
			for n := w; n < updates; n += writers {
				copy(v, fmt.Sprint(n))
				if _, err := s.Update(ctx, key(n%keys), v, 0); err != nil {
					tb.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return live
}

// runChurn churns a new store and returns the file size and live bytes.
func runChurn(tb testing.TB, opts *Options, keys, updates, writers, valueSize int) (fileSize, live int64) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "churn.db")
	s, err := Open(path, opts)
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	live = churn(tb, s, keys, updates, writers, valueSize)
	took := time.Since(start)
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("%d keys × %d updates (%d writers, %d B values) in %v (%.0f writes/s): file %d B, live %d B, ratio %.2f",
		keys, updates, writers, valueSize, took.Round(time.Millisecond), float64(updates)/took.Seconds(), fi.Size(), live, float64(fi.Size())/float64(live))
	checkFile(tb, path)
	return fi.Size(), live
}

// TestChurnFileBounded is the short version of TestSoakChurn: 1,000 keys
// updated 50,000 times (10,000 under the race detector) leave a file smaller
// than 10× the live data, with NoSync and with durable writes, whose
// checkpoints pin pages (see doc.go).
func TestChurnFileBounded(t *testing.T) {
	updates := 50_000
	if raceEnabled {
		updates = 10_000
	}
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"NoSync", Options{NoSync: true}},
		{"durable", Options{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Retention, opts.CompactionInterval = 10*time.Millisecond, 5*time.Millisecond
			file, live := runChurn(t, &opts, 1000, updates, 16, 1024)
			if file >= 10*live {
				t.Errorf("file is %d bytes, %.1f× the %d bytes of live data; want < 10×", file, float64(file)/float64(live), live)
			}
		})
	}
}

// TestSoakChurn (SPAR_SOAK=1, make soak): 1,000 keys updated 1,000,000
// times with durable writes leave a file smaller than 10× the live data.
func TestSoakChurn(t *testing.T) {
	if os.Getenv("SPAR_SOAK") != "1" {
		t.Skip("soak: set SPAR_SOAK=1 (make soak) to run 1,000,000 durable updates")
	}
	opts := &Options{Retention: 100 * time.Millisecond, CompactionInterval: 20 * time.Millisecond}
	file, live := runChurn(t, opts, 1000, 1_000_000, 64, 1024)
	if file >= 10*live {
		t.Errorf("file is %d bytes, %.1f× the %d bytes of live data; want < 10×", file, float64(file)/float64(live), live)
	}
}
