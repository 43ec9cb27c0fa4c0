package audit

import "errors"

// Backend receives audit events.
type Backend interface {
	// Process records ev. It runs on the request's goroutine, so it must
	// not wait on anything slow (the webhook backend queues). ev is never
	// modified afterwards; a backend may keep it. An error is logged by
	// the filter; the request goes on.
	Process(ev *Event) error
	// Close writes or sends what is buffered and releases the backend.
	// Process must not be called after Close.
	Close() error
}

// BackendFunc adapts a function to a Backend whose Close does nothing.
type BackendFunc func(ev *Event) error

// Process implements Backend.
func (f BackendFunc) Process(ev *Event) error { return f(ev) }

// Close implements Backend.
func (BackendFunc) Close() error { return nil }

// Union returns a Backend that gives every event to each of backends (a
// log file and a webhook, say), and closes them all.
func Union(backends ...Backend) Backend {
	return union(backends)
}

type union []Backend

func (u union) Process(ev *Event) error {
	var errs []error
	for _, b := range u {
		if err := b.Process(ev); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (u union) Close() error {
	var errs []error
	for _, b := range u {
		if err := b.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
