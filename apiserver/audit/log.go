package audit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Defaults of LogOptions.
const (
	// DefaultFlushInterval is LogOptions.FlushInterval's default.
	DefaultFlushInterval = 10 * time.Millisecond
	// DefaultBufferSize is LogOptions.BufferSize's default, the size of
	// kube-apiserver's --audit-log-batch-buffer-size.
	DefaultBufferSize = 10000
)

// maxChunk bounds one write to the file: batches are written in pieces
// of whole lines no larger than this (or than MaxSize, if smaller), so
// that rotation, which happens between writes, still comes at a line
// boundary and near the size limit.
const maxChunk = 256 << 10

// ErrClosed is returned by Process after Close.
var ErrClosed = errors.New("audit: the log is closed")

// LogOptions configure a log file backend (kube-apiserver's
// --audit-log-* flags).
type LogOptions struct {
	// Path is the file events are appended to, one JSON object per line;
	// "-" is standard output (never rotated). Required.
	Path string
	// MaxSize is the size in megabytes at which the file is rotated: it is
	// renamed with a timestamp (path-2006-01-02T15-04-05.000.ext, UTC) and
	// a new one started. Default 100.
	MaxSize int
	// MaxBackups is the number of rotated files kept. Default 0: all.
	MaxBackups int
	// MaxAge is the number of days rotated files are kept. Default 0: no
	// limit.
	MaxAge int
	// Compress gzips rotated files. Default false.
	Compress bool
	// Blocking writes each event to the file before Process returns, as
	// kube-apiserver's default --audit-log-mode=blocking does: the request
	// that caused the event waits for its encoding and write. Default
	// false: events are queued and written by a background writer in
	// batches (see Log).
	Blocking bool
	// FlushInterval is how long the background writer lets events gather
	// before it writes them, in one write per 256 KiB or so. Default
	// DefaultFlushInterval (10ms). Unused when Blocking.
	FlushInterval time.Duration
	// BufferSize is how many events may wait for the background writer;
	// when that many do, Process waits for the writer to catch up rather
	// than drop events. Default DefaultBufferSize (10,000). Unused when
	// Blocking.
	BufferSize int
}

// Log is a Backend that writes events as JSON lines to a file rotated by
// size (gopkg.in/natefinch/lumberjack.v2), created owner-only. Lines
// never interleave or straddle a rotation, and they are in the order of
// the Process calls.
//
// By default Process only queues the event: a background writer encodes
// the queued events every FlushInterval and appends them to the file in a
// few large writes, so a request does not wait for the encoding or the
// write, and a busy server makes one write per batch, not per event. This
// is kube-apiserver's --audit-log-mode=batch, with one difference: when
// BufferSize events are queued, kube-apiserver drops new ones ("audit
// buffer queue blocked"), while Log makes Process wait, so that every
// event is written. What a crash can lose: Close and Flush write
// everything queued, so a graceful shutdown loses nothing; a process that
// dies without Close (a panic that is not recovered, SIGKILL, the OOM
// killer) loses the events queued in the last FlushInterval, more if the
// disk had fallen behind (at most BufferSize). A machine crash can also
// lose what the kernel had not written back, in either mode: the file is
// not synced, as kube-apiserver does not sync it. LogOptions.Blocking
// writes every event before Process returns (kube-apiserver's blocking
// mode), at the cost of an encoding and a write in every audited request.
type Log struct {
	w        io.Writer
	close    func() error
	maxChunk int

	mu       sync.Mutex
	queue    []*Event // waiting for the writer, oldest first
	spare    []*Event // the writer's previous batch, reused
	max      int
	wake     chan struct{} // a batch is waiting (buffered, 1)
	space    *sync.Cond    // signalled when the writer takes a batch
	flushed  *sync.Cond    // signalled when a batch is on the file
	flushers int           // Flush calls waiting
	taken    uint64        // batches taken by the writer
	written  uint64        // batches written by the writer
	err      error         // the writer's first error not yet returned
	closed   bool
	done     chan struct{} // closed when the writer has stopped
	buf      []byte        // Blocking: the encoding buffer, under mu
}

// NewLog opens a log backend. The file's directory is created if needed,
// and the file opened once to report a bad path now rather than at the
// first request.
func NewLog(opts LogOptions) (*Log, error) {
	if opts.Path == "" {
		return nil, errors.New("audit: the log backend needs a path")
	}
	var l *Log
	if opts.Path == "-" {
		l = &Log{w: os.Stdout, close: func() error { return nil }}
	} else {
		if err := os.MkdirAll(filepath.Dir(opts.Path), 0o700); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		f, err := os.OpenFile(opts.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		f.Close()
		lj := &lumberjack.Logger{
			Filename: opts.Path, MaxSize: opts.MaxSize, MaxBackups: opts.MaxBackups,
			MaxAge: opts.MaxAge, Compress: opts.Compress,
		}
		l = &Log{w: lj, close: lj.Close}
	}
	l.maxChunk = maxChunk
	if opts.MaxSize > 0 && opts.MaxSize<<20 < l.maxChunk {
		l.maxChunk = opts.MaxSize << 20
	}
	if opts.Blocking {
		return l, nil
	}
	l.max = opts.BufferSize
	if l.max <= 0 {
		l.max = DefaultBufferSize
	}
	interval := opts.FlushInterval
	if interval <= 0 {
		interval = DefaultFlushInterval
	}
	l.wake = make(chan struct{}, 1)
	l.done = make(chan struct{})
	l.space = sync.NewCond(&l.mu)
	l.flushed = sync.NewCond(&l.mu)
	go l.run(interval)
	return l, nil
}

// Process queues ev for the background writer, or, with
// LogOptions.Blocking, writes it as one line. In the background mode it
// returns the error of an earlier write that has not been reported yet:
// the writer has no request to report it to.
func (l *Log) Process(ev *Event) error {
	if l.done == nil {
		return l.writeNow(ev)
	}
	l.mu.Lock()
	for len(l.queue) >= l.max && !l.closed {
		l.space.Wait()
	}
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.queue = append(l.queue, ev)
	// The first event starts the writer's interval; a full queue ends it.
	wake := len(l.queue) == 1 || len(l.queue) >= l.max
	err := l.err
	l.err = nil
	l.mu.Unlock()
	if wake {
		l.signal()
	}
	return err
}

// writeNow is Process in blocking mode.
func (l *Log) writeNow(ev *Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	var err error
	if l.buf, err = appendEvent(l.buf[:0], ev); err != nil {
		return fmt.Errorf("audit: encoding event %s: %w", ev.AuditID, err)
	}
	l.buf = append(l.buf, '\n')
	if _, err := l.w.Write(l.buf); err != nil {
		return fmt.Errorf("audit: writing event %s: %w", ev.AuditID, err)
	}
	if cap(l.buf) > 4*maxChunk {
		l.buf = nil // one huge event: do not keep its buffer
	}
	return nil
}

// run is the background writer: it waits for a first event, lets more
// gather for interval (unless the queue is full or Flush or Close is
// waiting), then encodes and writes the whole queue. After Close it writes
// what is left and stops.
func (l *Log) run(interval time.Duration) {
	defer close(l.done)
	var buf []byte
	timer := time.NewTimer(interval)
	timer.Stop()
	for {
		<-l.wake
		l.mu.Lock()
		urgent := l.closed || l.flushers > 0 || len(l.queue) >= l.max
		l.mu.Unlock()
		if !urgent {
			timer.Reset(interval)
			select {
			case <-timer.C:
			case <-l.wake: // Flush, Close or a full queue
				timer.Stop()
			}
		}
		l.mu.Lock()
		batch := l.queue
		l.queue, l.spare = l.spare[:0], nil
		l.taken++
		n := l.taken
		closing := l.closed
		l.space.Broadcast()
		l.mu.Unlock()

		buf = l.writeBatch(buf[:0], batch)
		if cap(buf) > 4*maxChunk {
			buf = nil
		}
		clear(batch) // let the events go
		l.mu.Lock()
		l.spare = batch[:0]
		l.written = n
		l.flushed.Broadcast()
		more := len(l.queue) > 0
		l.mu.Unlock()
		if closing && !more {
			return
		}
		if more {
			// Events came while writing: their wake-up may have been
			// taken already.
			l.signal()
		}
	}
}

// signal wakes the writer (or leaves it a wake-up if it is busy).
func (l *Log) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// writeBatch encodes batch and writes it in chunks of whole lines. An
// event that cannot be encoded is left out; the first error is kept for
// the next Process, Flush or Close.
func (l *Log) writeBatch(buf []byte, batch []*Event) []byte {
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	for _, ev := range batch {
		mark := len(buf)
		var err error
		if buf, err = appendEvent(buf, ev); err != nil {
			buf = buf[:mark]
			keep(fmt.Errorf("audit: encoding event %s: %w", ev.AuditID, err))
			continue
		}
		buf = append(buf, '\n')
		if len(buf) >= l.maxChunk {
			// Write the lines before this event, unless it is alone;
			// it starts the next chunk.
			if mark == 0 {
				mark = len(buf)
			}
			if _, err := l.w.Write(buf[:mark]); err != nil {
				keep(fmt.Errorf("audit: writing events: %w", err))
			}
			buf = buf[:copy(buf, buf[mark:])]
		}
	}
	if len(buf) > 0 {
		if _, err := l.w.Write(buf); err != nil {
			keep(fmt.Errorf("audit: writing events: %w", err))
		}
	}
	if first != nil {
		l.mu.Lock()
		if l.err == nil {
			l.err = first
		}
		l.mu.Unlock()
	}
	return buf[:0]
}

// Flush returns once every event given to Process before the call is on
// the file (in the kernel's hands: the file is not synced), with the
// error of any write since the last one reported.
func (l *Log) Flush() error {
	if l.done == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// Queued events go in the writer's next batch; without any, the last
	// event given is in the batch it took last (perhaps being written).
	want := l.taken
	if len(l.queue) > 0 {
		want++
		l.flushers++
		defer func() { l.flushers-- }()
		l.signal()
	}
	for l.written < want && !l.stopped() {
		l.flushed.Wait()
	}
	err := l.err
	l.err = nil
	return err
}

// stopped reports whether the writer has returned.
func (l *Log) stopped() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// Close writes every queued event and closes the file. Process must not be
// called after Close (it returns ErrClosed).
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	var err error
	if l.done != nil {
		l.space.Broadcast()
		l.mu.Unlock()
		l.signal()
		<-l.done
		l.mu.Lock()
		err = l.err
		l.err = nil
	}
	defer l.mu.Unlock()
	return errors.Join(err, l.close())
}
