package controller

import (
	"container/list"
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
// shows what controllers did. It correlates events as Kubernetes'
// recorder (client-go's EventCorrelator) does, with its defaults:
//
//   - Repeats of an event (same object, type, reason and message) bump the
//     count and lastTimestamp of the Event already written instead of
//     writing another.
//   - Similar events (same object, type and reason, different messages)
//     are combined: from the tenth distinct message within ten minutes of
//     the previous similar one, they update a single Event whose message
//     is the latest one prefixed "(combined from similar events): ".
//   - Each object may burst 25 events from this recorder, refilled by one
//     every five minutes; events beyond that are dropped (the next one
//     that passes carries the count of every repeat, dropped ones
//     included).
//
// It never blocks the caller: events are written by Run's goroutine and
// dropped when its queue of 1,000 is full.
type Recorder struct {
	c         *client.Client
	component string
	log       logr.Logger
	ch        chan *core.Event
	now       func() time.Time // the clock; tests replace it

	mu         sync.Mutex
	spam       *lru[objectKey, *rate.Limiter]
	aggregates *lru[similarKey, *similarEvents]
	written    *lru[writtenKey, *writtenEvent]
}

// The correlation's parameters, Kubernetes' defaults.
const (
	eventQueue         = 1000
	correlationEntries = 4096 // per cache
	spamBurst          = 25
	spamRefillPeriod   = 5 * time.Minute
	aggregateMaxEvents = 10
	aggregateWindow    = 10 * time.Minute
	combinedPrefix     = "(combined from similar events): "
)

// objectKey identifies the object of an event (and the reporting source:
// one per Recorder): the rate limit applies per objectKey.
type objectKey struct {
	kind, apiVersion, namespace, name string
	uid                               meta.UID
}

// similarKey groups the events that differ only by message.
type similarKey struct {
	obj         objectKey
	typ, reason string
}

// similarEvents tracks the distinct messages of recent similar events.
type similarEvents struct {
	messages map[string]struct{}
	last     time.Time
}

// writtenKey identifies an Event as written: by its full content, or for
// a combined Event by its similarKey alone.
type writtenKey struct {
	similar  similarKey
	message  string
	combined bool
}

// writtenEvent is what the recorder knows of an Event it wrote.
type writtenEvent struct {
	namespace, name string
	count           int32
	first           meta.Time
}

// NewRecorder returns a recorder reporting as component. Call Run to send.
func NewRecorder(c *client.Client, component string, log logr.Logger) *Recorder {
	return &Recorder{c: c, component: component, log: log, ch: make(chan *core.Event, eventQueue), now: time.Now,
		spam:       newLRU[objectKey, *rate.Limiter](correlationEntries),
		aggregates: newLRU[similarKey, *similarEvents](correlationEntries),
		written:    newLRU[writtenKey, *writtenEvent](correlationEntries),
	}
}

// Event records an event about obj. eventType is EventNormal or
// EventWarning; reason is a short CamelCase word.
func (r *Recorder) Event(obj meta.Object, eventType, reason, message string) {
	om := obj.GetObjectMeta()
	tm := *obj.GetTypeMeta()
	if tm.Kind == "" {
		if res, ok := api.Default.ForObject(obj); ok {
			tm.Kind, tm.APIVersion = res.Kind, res.APIVersion()
		}
	}
	ns := om.Namespace
	if ns == "" {
		ns = "default" // events about cluster-scoped objects, as Kubernetes
	}
	now := meta.Time{Time: r.now()}
	ev := &core.Event{
		ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: eventName(om.Name, now.Time)},
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

// eventName is Kubernetes' name for an Event: the object's name and the
// time in hexadecimal nanoseconds.
func eventName(object string, t time.Time) string {
	return object + "." + strconv.FormatInt(t.UnixNano(), 16)
}

// Run sends queued events until ctx is done.
func (r *Recorder) Run(ctx context.Context) error {
	events := client.Resource[core.Event](r.c)
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-r.ch:
			if ev, update, ok := r.correlate(ev); ok {
				r.write(ctx, events, ev, update)
			}
		}
	}
}

// correlate aggregates, counts and rate-limits ev, in that order as
// client-go does. It returns the Event to write and whether it updates
// one already written, or ok=false to drop it.
func (r *Recorder) correlate(ev *core.Event) (out *core.Event, update, ok bool) {
	now := r.now()
	ref := ev.InvolvedObject
	obj := objectKey{kind: ref.Kind, apiVersion: ref.APIVersion, namespace: ref.Namespace, name: ref.Name, uid: ref.UID}
	sim := similarKey{obj: obj, typ: ev.Type, reason: ev.Reason}
	r.mu.Lock()
	defer r.mu.Unlock()

	// Aggregate: the tenth distinct message of similar events within the
	// window turns them into one combined Event.
	key := writtenKey{similar: sim, message: ev.Message}
	agg, found := r.aggregates.get(sim)
	if !found || now.Sub(agg.last) > aggregateWindow {
		agg = &similarEvents{messages: map[string]struct{}{}}
		r.aggregates.put(sim, agg)
	}
	agg.messages[ev.Message] = struct{}{}
	agg.last = now
	if len(agg.messages) >= aggregateMaxEvents {
		// Keep the set below the threshold, so every further distinct
		// message is combined too.
		for m := range agg.messages {
			delete(agg.messages, m)
			break
		}
		t := meta.Time{Time: now}
		ev = &core.Event{
			ObjectMeta:     meta.ObjectMeta{Namespace: ev.Namespace, Name: eventName(ref.Name, now)},
			InvolvedObject: ref, Reason: ev.Reason, Message: combinedPrefix + ev.Message, Type: ev.Type,
			Source: ev.Source, FirstTimestamp: t, LastTimestamp: t, Count: 1,
			ReportingController: ev.ReportingController,
		}
		key = writtenKey{similar: sim, combined: true}
	}

	// Count: a repeat of an Event already written updates it.
	if w, ok := r.written.get(key); ok {
		ev.Name, ev.Namespace, ev.FirstTimestamp, ev.Count = w.name, w.namespace, w.first, w.count+1
		update = true
	}
	r.written.put(key, &writtenEvent{namespace: ev.Namespace, name: ev.Name, count: ev.Count, first: ev.FirstTimestamp})

	// Rate-limit per object: counted above even when dropped here, so the
	// next Event that passes carries the true count.
	lim, found := r.spam.get(obj)
	if !found {
		lim = rate.NewLimiter(rate.Every(spamRefillPeriod), spamBurst)
		r.spam.put(obj, lim)
	}
	if !lim.AllowN(now, 1) {
		return nil, false, false
	}
	return ev, update, true
}

// write creates ev, or patches the Event it updates (count, lastTimestamp
// and message, as client-go's patch).
func (r *Recorder) write(ctx context.Context, events *client.ResourceClient[core.Event, *core.Event], ev *core.Event, update bool) {
	var err error
	if update {
		patch := fmt.Appendf(nil, `{"count":%d,"lastTimestamp":%q,"message":%q}`,
			ev.Count, ev.LastTimestamp.UTC().Format(time.RFC3339), ev.Message)
		_, err = events.Namespace(ev.Namespace).Patch(ctx, ev.Name, client.MergePatch, patch, nil)
	}
	if !update || client.IsNotFound(err) {
		// New, or deleted meanwhile (Events expire): create it, under the
		// same name and with the count so far.
		_, err = events.Namespace(ev.Namespace).Create(ctx, ev, nil)
	}
	if err != nil && ctx.Err() == nil {
		r.log.V(1).Info("writing an event failed", "reason", ev.Reason, "object", ev.InvolvedObject.Name, "err", err.Error())
	}
}

// lru is a map of at most max entries that forgets the least recently
// used one when full, as the correlation caches of client-go.
type lru[K comparable, V any] struct {
	max   int
	order *list.List // of *lruEntry, most recent first
	m     map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	k K
	v V
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), m: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	e, ok := c.m[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry[K, V]).v, true
}

func (c *lru[K, V]) put(k K, v V) {
	if e, ok := c.m[k]; ok {
		e.Value.(*lruEntry[K, V]).v = v
		c.order.MoveToFront(e)
		return
	}
	c.m[k] = c.order.PushFront(&lruEntry[K, V]{k, v})
	if c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.m, last.Value.(*lruEntry[K, V]).k)
	}
}
