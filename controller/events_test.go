package controller_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
)

// fakeClock moves a millisecond each time it is read (Event names carry
// the time, so two events must not share an instant) and jumps when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The recorder correlates events as client-go's EventCorrelator does:
// similar events are combined from the tenth distinct message within ten
// minutes, and each object gets a burst of 25 events refilled by one
// every five minutes, the count still counting the dropped repeats.
func TestRecorderCorrelates(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	rec := env.Manager.Recorder("test-controller")
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	controller.SetRecorderClock(rec, clock.now)
	env.Start()
	events := client.Resource[core.Event](env.Client).Namespace("default")
	obj := func(name string) *core.ConfigMap {
		return &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: name, UID: meta.UID("uid-" + name)}}
	}
	list := func(name string) []core.Event {
		t.Helper()
		l, err := events.List(ctx, &client.ListOptions{FieldSelector: "involvedObject.name=" + name})
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(l.Items, func(a, b core.Event) int { return a.FirstTimestamp.Compare(b.FirstTimestamp.Time) })
		return l.Items
	}
	// flush waits until every event recorded so far has been handled: the
	// recorder writes in order, so once an event about a fresh object is
	// stored, everything before it was written or dropped.
	flushes := 0
	flush := func() {
		t.Helper()
		flushes++
		name := fmt.Sprint("flush-", flushes)
		rec.Event(obj(name), controller.EventNormal, "Flush", "flush")
		controllertest.Eventually(t, 10*time.Second, func() error {
			if n := len(list(name)); n != 1 {
				return fmt.Errorf("%d events about %s", n, name)
			}
			return nil
		})
	}
	summary := func(evs []core.Event) []string {
		var out []string
		for _, e := range evs {
			out = append(out, fmt.Sprintf("%s %s %q x%d", e.Type, e.Reason, e.Message, e.Count))
		}
		return out
	}
	check := func(name string, want []string) {
		t.Helper()
		if got := summary(list(name)); !slices.Equal(got, want) {
			t.Errorf("events about %s:\n got  %q\n want %q", name, got, want)
		}
	}

	t.Run("similar events are combined", func(t *testing.T) {
		similar := obj("similar")
		for i := range 12 {
			rec.Eventf(similar, controller.EventWarning, "FailedSync", "attempt %d", i)
		}
		flush()
		var want []string
		for i := range 9 {
			want = append(want, fmt.Sprintf("Warning FailedSync %q x1", fmt.Sprint("attempt ", i)))
		}
		// The 10th, 11th and 12th distinct messages update one Event that
		// shows the latest.
		want = append(want, `Warning FailedSync "(combined from similar events): attempt 11" x3`)
		check("similar", want)

		rec.Event(similar, controller.EventWarning, "FailedSync", "attempt 12")
		flush()
		want[9] = `Warning FailedSync "(combined from similar events): attempt 12" x4`
		check("similar", want)

		// Another reason is not similar.
		rec.Event(similar, controller.EventNormal, "Synced", "attempt 13")
		// Ten minutes after the last similar event, the grouping starts over.
		clock.advance(10*time.Minute + time.Second)
		rec.Event(similar, controller.EventWarning, "FailedSync", "attempt 14")
		flush()
		want = append(want, `Normal Synced "attempt 13" x1`, `Warning FailedSync "attempt 14" x1`)
		check("similar", want)
	})

	t.Run("each object is rate limited", func(t *testing.T) {
		noisy := obj("noisy")
		for range 30 {
			rec.Event(noisy, controller.EventWarning, "BackOff", "restarting")
		}
		// A burst of 25; another object is not held back.
		rec.Event(obj("quiet"), controller.EventNormal, "Started", "started")
		flush()
		check("noisy", []string{`Warning BackOff "restarting" x25`})
		check("quiet", []string{`Normal Started "started" x1`})

		// Five minutes refill one token: the next repeat passes, counting
		// the five that were dropped; the one after it is dropped again.
		clock.advance(5 * time.Minute)
		rec.Event(noisy, controller.EventWarning, "BackOff", "restarting")
		rec.Event(noisy, controller.EventWarning, "BackOff", "restarting")
		flush()
		check("noisy", []string{`Warning BackOff "restarting" x31`})
	})
}
