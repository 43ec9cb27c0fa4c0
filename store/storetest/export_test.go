package storetest

import "time"

// SetWaitTimeout shortens the suite's wait bound for this package's tests and
// returns a function that restores it.
func SetWaitTimeout(d time.Duration) (restore func()) {
	old := waitTimeout
	waitTimeout = d
	return func() { waitTimeout = old }
}
