package scheduler

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallelizer runs per-node work on a fixed number of goroutines. Work is
// handed out in small chunks from a shared counter, so uneven costs spread
// out, and fn may stop early by cancelling ctx.
type Parallelizer struct {
	// Workers is the number of goroutines. Default: GOMAXPROCS.
	Workers int
}

// Until calls fn(i) for i in [0, n) in parallel, until done or ctx ends.
func (p Parallelizer) Until(ctx context.Context, n int, fn func(i int)) {
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if n <= 0 {
		return
	}
	if workers > n {
		workers = n
	}
	// Chunks of about n/(4·workers), so each worker takes several.
	chunk := max(1, n/(4*workers))
	if workers == 1 || n <= 8 {
		for i := 0; i < n && ctx.Err() == nil; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				start := int(next.Add(int64(chunk))) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n) && ctx.Err() == nil; i++ {
					fn(i)
				}
			}
		})
	}
	wg.Wait()
}
