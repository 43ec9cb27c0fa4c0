package plugintest

import (
	"time"

	"github.com/spar-dev/spar/internal/testenv"
)

// CPUTime returns the CPU time (user and system) the process has used, 0
// where it is not available: benchmarks report it per operation beside
// the wall time, which on a busy machine measures the other processes too.
func CPUTime() time.Duration { return testenv.CPUTime() }
