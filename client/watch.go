package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
)

// EventType is the type of a watch event.
type EventType string

// Watch event types, as on the wire.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	// Bookmark carries no change: its object has only a resourceVersion
	// to resume from (and, in a watch-list, the initial-events-end
	// annotation).
	Bookmark EventType = "BOOKMARK"
	// Error is never returned as an event: Next returns the *meta.Status
	// it carries as an error.
	Error EventType = "ERROR"
)

// InitialEventsEndAnnotation marks the bookmark that ends the initial
// events of a watch-list (WatchOptions.SendInitialEvents).
const InitialEventsEndAnnotation = "k8s.io/initial-events-end"

// Event is one change seen by a watch. For Deleted, Object is the last
// state of the object; for Bookmark, only its resourceVersion (and
// annotations) are set.
type Event[T any] struct {
	Type   EventType
	Object *T
}

// InitialEventsEnd reports whether e is the bookmark that ends the initial
// events of a watch-list: everything before it was the state at the
// bookmark's resourceVersion.
func (e Event[T]) InitialEventsEnd() bool {
	if e.Type != Bookmark {
		return false
	}
	obj, ok := any(e.Object).(meta.Object)
	return ok && obj.GetObjectMeta().Annotations[InitialEventsEndAnnotation] == "true"
}

// Watcher reads a watch stream. Next is for one goroutine; Stop may be
// called from any.
type Watcher[T any] struct {
	parent  context.Context // the caller's: its end is reported as such
	cancel  context.CancelFunc
	body    io.ReadCloser
	dec     *json.Decoder
	rvOf    func(*T) string
	rv      string
	err     error
	stopped atomic.Bool
}

func newWatcher[T any](parent context.Context, cancel context.CancelFunc, body io.ReadCloser, rvOf func(*T) string) *Watcher[T] {
	return &Watcher[T]{parent: parent, cancel: cancel, body: body, dec: json.NewDecoder(body), rvOf: rvOf}
}

// frame is one event on the wire.
type frame struct {
	Type   EventType       `json:"type"`
	Object json.RawMessage `json:"object"`
}

// Next blocks for the next event. It returns io.EOF when the watch ended
// cleanly (the server's timeout, or Stop), the context's error when the
// Watch context ended, the *meta.Status of an ERROR event (IsExpired for
// a resourceVersion that is gone: re-list), or a decoding or connection
// error. After an error every call returns it again.
func (w *Watcher[T]) Next() (Event[T], error) {
	if w.err != nil {
		return Event[T]{}, w.err
	}
	var f frame
	if err := w.dec.Decode(&f); err != nil {
		switch {
		case w.parent.Err() != nil:
			err = w.parent.Err()
		case w.stopped.Load(), errors.Is(err, io.EOF):
			err = io.EOF
		default:
			err = fmt.Errorf("client: reading the watch stream: %w", err)
		}
		return w.fail(err)
	}
	switch f.Type {
	case Added, Modified, Deleted, Bookmark:
		obj := new(T)
		if err := api.Decode(f.Object, obj); err != nil {
			return w.fail(fmt.Errorf("client: watch event %s: %w", f.Type, err))
		}
		if rv := w.rvOf(obj); rv != "" {
			w.rv = rv
		}
		return Event[T]{Type: f.Type, Object: obj}, nil
	case Error:
		// The Status carries its own code; 0 lets statusFromBody keep it.
		st := statusFromBody(0, "application/json", f.Object)
		if st.Code == 0 {
			st.Code = codeForReason(st.Reason)
		}
		return w.fail(st)
	}
	return w.fail(fmt.Errorf("client: unknown watch event type %q", f.Type))
}

func (w *Watcher[T]) fail(err error) (Event[T], error) {
	w.err = err
	w.Stop()
	return Event[T]{}, err
}

// ResourceVersion is the resourceVersion of the last event read (bookmarks
// included): where a new watch resumes after this one ends. It is "" until
// an event arrives. Call it from the goroutine that calls Next.
func (w *Watcher[T]) ResourceVersion() string { return w.rv }

// Stop ends the watch and releases its connection; a blocked Next returns
// io.EOF. Safe to call more than once and from any goroutine.
func (w *Watcher[T]) Stop() {
	if w.stopped.Swap(true) {
		return
	}
	w.cancel()
	w.body.Close()
}
