package controller

import "time"

// SetRecorderClock replaces r's clock, so tests can step through its
// minutes-long windows. Call it before r runs.
func SetRecorderClock(r *Recorder, now func() time.Time) { r.now = now }
