//go:build !unix

package bolt

import (
	"os"
	"time"
)

// lockFile is a no-op where flock does not exist: bbolt's own lock (taken
// right after recovery) is the only one.
func lockFile(*os.File, time.Duration) error { return nil }
