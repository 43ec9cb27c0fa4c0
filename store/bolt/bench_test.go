package bolt

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/store"
)

// fill creates n keys of 1 KiB under /registry/fill/ with many writers.
func fill(b *testing.B, s store.Store, n int) {
	ctx := context.Background()
	value := make([]byte, 1024)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				if _, err := s.Create(ctx, fmt.Sprintf("/registry/fill/%09d", i), value); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkList10k measures the latency of one consistent list of 10,000
// keys of 1 KiB, at the current revision and at an older one.
func BenchmarkList10k(b *testing.B) {
	s, _ := openStore(b, &Options{NoSync: true})
	fill(b, s, 10_000)
	ctx := context.Background()
	old, _ := s.Revision(ctx)
	// Some changes after old, so that the old read walks history.
	for i := range 1000 {
		if _, err := s.Update(ctx, fmt.Sprintf("/registry/fill/%09d", i*10+1), []byte("x"), 0); err != nil {
			b.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name string
		rev  int64
	}{{"current", 0}, {"old", old}} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				res, err := s.List(ctx, "/registry/fill/", store.ListOptions{Revision: tt.rev})
				if err != nil || len(res.Items) != 10_000 {
					b.Fatalf("%d items, %v", len(res.Items), err)
				}
			}
		})
	}
	b.Run("paged500", func(b *testing.B) {
		for b.Loop() {
			items, _, err := listAll(ctx, s, "/registry/fill/", 0, 500)
			if err != nil || len(items) != 10_000 {
				b.Fatalf("%d items, %v", len(items), err)
			}
		}
	})
}

// BenchmarkWatchEvents measures events delivered per second to one watcher:
// live (fanned out from commits) and replayed from the log (catch-up).
func BenchmarkWatchEvents(b *testing.B) {
	b.Run("live", func(b *testing.B) {
		s, _ := openStore(b, &Options{NoSync: true, Retention: -1})
		ctx := context.Background()
		w, err := s.Watch(ctx, "/registry/", 0)
		if err != nil {
			b.Fatal(err)
		}
		defer w.Stop()
		b.ResetTimer()
		start := time.Now()
		go fill(b, s, b.N)
		receive(b, w, b.N)
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	})
	b.Run("catchup", func(b *testing.B) {
		s, _ := openStore(b, &Options{NoSync: true, Retention: -1})
		ctx := context.Background()
		from, _ := s.Revision(ctx)
		fill(b, s, b.N)
		b.ResetTimer()
		start := time.Now()
		w, err := s.Watch(ctx, "/registry/", from)
		if err != nil {
			b.Fatal(err)
		}
		defer w.Stop()
		receive(b, w, b.N)
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	})
}

// BenchmarkRAMPerObject stores 100,000 objects of 1 KiB and reports the Go
// heap they cost (the data itself lives in the file and the OS page cache).
func BenchmarkRAMPerObject(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := Open(filepath.Join(b.TempDir(), "ram.db"), &Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		fill(b, s, n)
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/n, "heap-B/object")
		_ = s.Close()
	}
}

// BenchmarkChurnFileSize updates 1,000 keys of 1 KiB 100,000 times with
// durable writes and reports the final file size against the live data.
func BenchmarkChurnFileSize(b *testing.B) {
	for b.Loop() {
		file, live := runChurn(b, &Options{Retention: 100 * time.Millisecond, CompactionInterval: 20 * time.Millisecond}, 1000, 100_000, 64, 1024)
		b.ReportMetric(float64(file)/float64(live), "file/live")
		b.ReportMetric(float64(file), "file-B")
	}
}
