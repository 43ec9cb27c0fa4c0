package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/store"
)

// RunBenchmarks runs the store benchmarks as sub-benchmarks:
//
//   - Create/writers=1, =16, =256: durable creates of 1 KiB values from that
//     many concurrent writers; reports creates/s.
//   - List10k: one List of 10,000 keys with 1 KiB values; ns/op is the
//     latency of one list.
//   - Watch: events/s through one watcher while 16 writers create keys.
//   - WatchReplay: events/s of one watcher replaying history it starts
//     behind (no writes while timed).
//   - Get: latency of one Get among 1,000 keys.
//
// Each benchmark opens its own store through the Factory.
func RunBenchmarks(b *testing.B, f Factory) {
	b.Run("Create", func(b *testing.B) {
		for _, w := range []int{1, 16, 256} {
			b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) { benchCreate(b, f, w) })
		}
	})
	b.Run("List10k", func(b *testing.B) { benchList(b, f, 10000) })
	b.Run("Watch", func(b *testing.B) { benchWatch(b, f) })
	b.Run("WatchReplay", func(b *testing.B) { benchWatchReplay(b, f) })
	b.Run("Get", func(b *testing.B) { benchGet(b, f) })
}

const benchBase = "/registry/storetest-bench/"

var benchValue = bytes.Repeat([]byte("0123456789abcdef"), 1024/16)

// parallelCreates creates keys base+"%09d" for i in [0, n) with the given
// number of writers.
func parallelCreates(b *testing.B, s store.Store, base string, n, writers int) {
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		failed atomic.Pointer[error]
	)
	for range writers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || failed.Load() != nil {
					return
				}
				if _, err := s.Create(b.Context(), fmt.Sprintf("%s%09d", base, i), benchValue); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		b.Fatalf("Create: %v", *err)
	}
}

func benchCreate(b *testing.B, f Factory, writers int) {
	s, _ := open(b, f)
	b.SetBytes(int64(len(benchValue)))
	b.ResetTimer()
	start := time.Now()
	parallelCreates(b, s, benchBase, b.N, writers)
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "creates/s")
}

func benchList(b *testing.B, f Factory, n int) {
	s, _ := open(b, f)
	parallelCreates(b, s, benchBase, n, 64)
	b.SetBytes(int64(n * len(benchValue)))
	for b.Loop() {
		res, err := s.List(b.Context(), benchBase, store.ListOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Items) != n {
			b.Fatalf("List returned %d items, want %d", len(res.Items), n)
		}
	}
}

func benchWatch(b *testing.B, f Factory) {
	s, _ := open(b, f)
	w := mustWatch(b, s, benchBase, 0)
	b.ResetTimer()
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		timer := time.NewTimer(waitTimeout)
		defer timer.Stop()
		for n := 0; n < b.N; {
			select {
			case ev, ok := <-w.Events():
				if !ok {
					done <- fmt.Errorf("watch ended: %v", w.Err())
					return
				}
				if ev.Type != store.Progress {
					n++
				}
				timer.Reset(waitTimeout)
			case <-timer.C:
				done <- fmt.Errorf("no event for %v", waitTimeout)
				return
			}
		}
		done <- nil
	}()
	parallelCreates(b, s, benchBase, b.N, 16)
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

func benchWatchReplay(b *testing.B, f Factory) {
	s, _ := open(b, f)
	// A first write makes the start revision non-zero: Watch from 0 means
	// "from now".
	from := mustCreate(b, s, "/registry/storetest-bench-seed", "").ModRevision
	parallelCreates(b, s, benchBase, b.N, 64)
	b.ResetTimer()
	start := time.Now()
	w := mustWatch(b, s, benchBase, from)
	for n := 0; n < b.N; {
		ev, ok := <-w.Events()
		if !ok {
			b.Fatalf("watch ended: %v", w.Err())
		}
		if ev.Type != store.Progress {
			n++
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

func benchGet(b *testing.B, f Factory) {
	const n = 1000
	s, _ := open(b, f)
	parallelCreates(b, s, benchBase, n, 64)
	i := 0
	for b.Loop() {
		if _, err := s.Get(b.Context(), fmt.Sprintf("%s%09d", benchBase, i%n)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
