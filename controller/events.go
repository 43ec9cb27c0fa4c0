package controller

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/time/rate"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// Event types.
const (
	EventNormal  = "Normal"
	EventWarning = "Warning"
)

// Recorder writes core/v1 Events about objects, so `kubectl describe`
// shows what controllers did. As Kubernetes' recorder it never blocks the
// caller (events are sent by Run's goroutine and dropped when its queue is
// full), repeats of an event within ten minutes increment the count of the
// existing Event instead of creating another, and each object gets at most
// a burst of 25 events, refilled by one every five minutes.
type Recorder struct {
	c         *client.Client
	component string
	log       logr.Logger
	ch        chan *core.Event

	mu      sync.Mutex
	seen    map[eventKey]*seenEvent // recent events, for aggregation
	buckets map[meta.UID]*rate.Limiter
}

type eventKey struct {
	uid                  meta.UID
	typ, reason, message string
}

type seenEvent struct {
	name, namespace string
	count           int32
	first, last     time.Time
}

const (
	eventQueue       = 1000
	aggregateWindow  = 10 * time.Minute
	spamBurst        = 25
	spamRefillPeriod = 5 * time.Minute
	maxSeen          = 4096
)

// NewRecorder returns a recorder reporting as component. Call Run to send.
func NewRecorder(c *client.Client, component string, log logr.Logger) *Recorder {
	return &Recorder{c: c, component: component, log: log, ch: make(chan *core.Event, eventQueue),
		seen: map[eventKey]*seenEvent{}, buckets: map[meta.UID]*rate.Limiter{}}
}

// Event records an event about obj. eventType is EventNormal or
// EventWarning; reason is a short CamelCase word.
func (r *Recorder) Event(obj meta.Object, eventType, reason, message string) {
	om := obj.GetObjectMeta()
	r.mu.Lock()
	b, ok := r.buckets[om.UID]
	if !ok {
		if len(r.buckets) > maxSeen {
			clear(r.buckets)
		}
		b = rate.NewLimiter(rate.Every(spamRefillPeriod), spamBurst)
		r.buckets[om.UID] = b
	}
	r.mu.Unlock()
	if !b.Allow() {
		return
	}
	tm := *obj.GetTypeMeta()
	if tm.Kind == "" {
		if res, ok := api.Default.ForObject(obj); ok {
			tm.Kind, tm.APIVersion = res.Kind, res.APIVersion()
		}
	}
	ns := om.Namespace
	if ns == "" {
		ns = "default"
	}
	now := meta.Now()
	ev := &core.Event{
		ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: om.Name + "." + strconv.FormatInt(time.Now().UnixNano(), 16)},
		InvolvedObject: core.ObjectReference{Kind: tm.Kind, APIVersion: tm.APIVersion, Namespace: om.Namespace,
			Name: om.Name, UID: om.UID, ResourceVersion: om.ResourceVersion},
		Reason: reason, Message: message, Type: eventType,
		Source:         core.EventSource{Component: r.component},
		FirstTimestamp: now, LastTimestamp: now, Count: 1,
		ReportingController: r.component,
	}
	select {
	case r.ch <- ev:
	default:
		r.log.V(1).Info("event queue full; dropping an event", "reason", reason, "object", om.Name)
	}
}

// Eventf is Event with a formatted message.
func (r *Recorder) Eventf(obj meta.Object, eventType, reason, format string, args ...any) {
	r.Event(obj, eventType, reason, fmt.Sprintf(format, args...))
}

// Run sends queued events until ctx is done.
func (r *Recorder) Run(ctx context.Context) error {
	events := client.Resource[core.Event](r.c)
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-r.ch:
			r.send(ctx, events, ev)
		}
	}
}

func (r *Recorder) send(ctx context.Context, events *client.ResourceClient[core.Event, *core.Event], ev *core.Event) {
	key := eventKey{ev.InvolvedObject.UID, ev.Type, ev.Reason, ev.Message}
	now := time.Now()
	r.mu.Lock()
	s, ok := r.seen[key]
	if ok && now.Sub(s.last) > aggregateWindow {
		delete(r.seen, key)
		ok = false
	}
	if ok {
		s.count++
		s.last = now
	}
	r.mu.Unlock()
	if ok {
		// A repeat: bump the existing Event.
		patch := fmt.Appendf(nil, `{"count":%d,"lastTimestamp":%q}`, s.count, now.UTC().Format(time.RFC3339))
		_, err := events.Namespace(s.namespace).Patch(ctx, s.name, client.MergePatch, patch, nil)
		if err == nil {
			return
		}
		if !client.IsNotFound(err) {
			r.log.V(1).Info("updating an event failed", "err", err.Error())
			return
		}
		// The Event was deleted (events expire): create a new one.
	}
	created, err := events.Namespace(ev.Namespace).Create(ctx, ev, nil)
	if err != nil {
		r.log.V(1).Info("writing an event failed", "reason", ev.Reason, "err", err.Error())
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.seen) >= maxSeen {
		clear(r.seen)
	}
	r.seen[key] = &seenEvent{name: created.Name, namespace: created.Namespace, count: 1, first: now, last: now}
}
