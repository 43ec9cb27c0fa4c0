//go:build unix

package secure_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) the process has used:
// benchmarks report it per operation beside the wall time, which on a
// busy machine measures the other processes too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
