package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"gopkg.in/natefinch/lumberjack.v2"
)

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
}

// Log is a Backend that writes events as JSON lines to a file rotated by
// size (gopkg.in/natefinch/lumberjack.v2), created owner-only. Each event
// is one write, so lines never interleave or straddle a rotation. Writes
// are not synced: a machine crash can lose the last events, as with
// kube-apiserver's log backend.
type Log struct {
	w     io.Writer
	close func() error
	mu    sync.Mutex // orders lines for writers other than lumberjack
}

// NewLog opens a log backend. The file's directory is created if needed,
// and the file opened once to report a bad path now rather than at the
// first request.
func NewLog(opts LogOptions) (*Log, error) {
	if opts.Path == "" {
		return nil, errors.New("audit: the log backend needs a path")
	}
	if opts.Path == "-" {
		return &Log{w: os.Stdout, close: func() error { return nil }}, nil
	}
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
	return &Log{w: lj, close: lj.Close}, nil
}

// Process writes ev as one line.
func (l *Log) Process(ev *Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("audit: encoding event %s: %w", ev.AuditID, err)
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.w.Write(b); err != nil {
		return fmt.Errorf("audit: writing event %s: %w", ev.AuditID, err)
	}
	return nil
}

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.close()
}
