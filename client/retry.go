package client

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff says how often and how long to wait between attempts. Zero
// fields take the values of DefaultRetry.
type Backoff struct {
	// Steps is the number of attempts. Default 5.
	Steps int
	// Duration is the wait after the first failed attempt. Default 10ms.
	Duration time.Duration
	// Factor multiplies the wait after each attempt. Default 1 (constant).
	Factor float64
	// Jitter adds up to Jitter*wait at random, so that clients that
	// conflicted once do not collide again. Default 0.1; negative: none.
	Jitter float64
	// Cap bounds each wait. Default: none.
	Cap time.Duration
}

// DefaultRetry is the backoff for retrying conflicts: conflicts are
// resolved by re-reading, so retry soon. (The values of client-go's
// retry.DefaultRetry.)
var DefaultRetry = Backoff{Steps: 5, Duration: 10 * time.Millisecond, Factor: 1.0, Jitter: 0.1}

func (b Backoff) withDefaults() Backoff {
	if b.Steps <= 0 {
		b.Steps = DefaultRetry.Steps
	}
	if b.Duration <= 0 {
		b.Duration = DefaultRetry.Duration
	}
	if b.Factor <= 0 {
		b.Factor = DefaultRetry.Factor
	}
	if b.Jitter == 0 {
		b.Jitter = DefaultRetry.Jitter
	}
	return b
}

// RetryOnConflict runs fn until it returns an error other than a conflict
// (IsConflict), nil, or it has run backoff.Steps times, waiting between
// attempts as backoff says. fn must read the object afresh each time (a
// Get, then the change, then Update): retrying a write of a stale copy
// conflicts again. It returns fn's last error, or ctx's error if ctx ended
// while waiting.
func RetryOnConflict(ctx context.Context, backoff Backoff, fn func() error) error {
	b := backoff.withDefaults()
	wait := b.Duration
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !IsConflict(err) || attempt >= b.Steps {
			return err
		}
		d := wait
		if b.Jitter > 0 {
			d += time.Duration(rand.Float64() * b.Jitter * float64(wait))
		}
		if b.Cap > 0 && d > b.Cap {
			d = b.Cap
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = time.Duration(float64(wait) * b.Factor)
	}
}
