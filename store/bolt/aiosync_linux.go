//go:build linux && (amd64 || arm64)

package bolt

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Syncing without holding a P.
//
// A blocking fdatasync keeps its thread's P (one of GOMAXPROCS) for as long
// as the disk takes: the runtime hands the P to other goroutines only when
// sysmon notices the thread in the syscall, and on a busy process sysmon,
// backed off, notices after a millisecond or more — after most syncs are
// over. An API server on two cores committed a few hundred times a second
// and so lost most of a P to waiting: about a tenth of its throughput,
// seen as iowait beside a saturated CPU.
//
// aioSyncer submits the sync through Linux native AIO (IOCB_CMD_FDSYNC,
// which the kernel runs on a worker thread since 4.18) and waits for its
// completion on an eventfd in Go's netpoller, like a socket read: the
// goroutine parks and the P runs other work. The sync itself is the
// kernel's vfs_fsync_range(datasync=1), as fdatasync's. io_uring would do
// the same; native AIO is a smaller interface and container seccomp
// profiles allow it. Where AIO is refused (io_setup: seccomp, aio-max-nr;
// io_submit: a kernel or file system without AIO fsync) the syncer falls
// back to fdatasync for good.
type aioSyncer struct {
	ctx   uintptr  // aio_context_t
	efd   *os.File // eventfd (non-blocking, in the netpoller) the kernel signals
	efdN  int      // its descriptor (efd.Fd() would make it blocking)
	plain bool     // AIO fsync was refused: fdatasync from now on
	cb    iocb
	cbs   [1]*iocb
	ev    [1]ioEvent
	buf   [8]byte
}

// iocb is struct iocb of linux/aio_abi.h on a little-endian machine.
type iocb struct {
	data      uint64
	key       uint32
	rwFlags   int32
	opcode    uint16
	reqprio   int16
	fildes    uint32
	buf       uint64
	nbytes    uint64
	offset    int64
	reserved2 uint64
	flags     uint32
	resfd     uint32
}

// ioEvent is struct io_event.
type ioEvent struct {
	data, obj uint64
	res, res2 int64
}

const (
	iocbCmdFdsync = 3      // IOCB_CMD_FDSYNC
	iocbFlagResfd = 1 << 0 // IOCB_FLAG_RESFD: signal aio_resfd on completion
)

// aioDisabled turns the AIO path off (tests of the fallback).
var aioDisabled = false

func newDataSyncer() dataSyncer {
	if aioDisabled {
		return plainSyncer{}
	}
	s, err := newAIOSyncer()
	if err != nil {
		return plainSyncer{}
	}
	return s
}

func newAIOSyncer() (*aioSyncer, error) {
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	a := &aioSyncer{efd: os.NewFile(uintptr(efd), "aio-eventfd"), efdN: efd}
	if _, _, e := unix.Syscall(unix.SYS_IO_SETUP, 1, uintptr(unsafe.Pointer(&a.ctx)), 0); e != 0 {
		a.efd.Close()
		return nil, fmt.Errorf("io_setup: %w", e)
	}
	a.cbs[0] = &a.cb
	return a, nil
}

// sync makes f's data durable. Not safe for concurrent use: the log
// syncs under Store.txMu.
func (a *aioSyncer) sync(f *os.File) error {
	if a.plain {
		return fdatasync(f)
	}
	a.cb = iocb{opcode: iocbCmdFdsync, fildes: uint32(f.Fd()), flags: iocbFlagResfd, resfd: uint32(a.efdN)}
	n, _, e := unix.Syscall(unix.SYS_IO_SUBMIT, a.ctx, 1, uintptr(unsafe.Pointer(&a.cbs[0])))
	switch {
	case e == syscall.EINVAL || e == syscall.ENOSYS || e == syscall.EOPNOTSUPP:
		a.plain = true // no AIO fsync for this kernel or file system
		return fdatasync(f)
	case e == syscall.EAGAIN || e == syscall.EINTR:
		return fdatasync(f) // the kernel could not take it now: sync this one in place
	case e != 0:
		return fmt.Errorf("io_submit: %w", e)
	case n != 1:
		return fmt.Errorf("io_submit: %d of 1 submitted", n)
	}
	// The kernel copied the iocb; wait for the completion's signal.
	if _, err := a.efd.Read(a.buf[:]); err != nil {
		return fmt.Errorf("aio completion: %w", err)
	}
	var zero unix.Timespec
	n, _, e = unix.Syscall6(unix.SYS_IO_GETEVENTS, a.ctx, 1, 1, uintptr(unsafe.Pointer(&a.ev[0])), uintptr(unsafe.Pointer(&zero)), 0)
	if e != 0 {
		return fmt.Errorf("io_getevents: %w", e)
	}
	if n != 1 {
		return errors.New("io_getevents: the signalled completion is missing")
	}
	if res := a.ev[0].res; res < 0 {
		return syscall.Errno(-res)
	}
	return nil
}

func (a *aioSyncer) close() error {
	_, _, e := unix.Syscall(unix.SYS_IO_DESTROY, a.ctx, 0, 0)
	err := a.efd.Close()
	if e != 0 {
		return errors.Join(fmt.Errorf("io_destroy: %w", e), err)
	}
	return err
}
