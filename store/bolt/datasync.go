package bolt

import "os"

// dataSyncer makes a file's data durable, as fdatasync does. The log syncs
// through one on every commit; newDataSyncer picks the best the system
// offers (see aiosync_linux.go).
type dataSyncer interface {
	sync(f *os.File) error
	close() error
}

// plainSyncer is fdatasync itself.
type plainSyncer struct{}

func (plainSyncer) sync(f *os.File) error { return fdatasync(f) }
func (plainSyncer) close() error          { return nil }
