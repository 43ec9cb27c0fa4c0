package endpointslice_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// writeLog follows the slices of a namespace through a watch: their state
// and every write to each.
type writeLog struct {
	t      *testing.T
	events chan client.Event[discovery.EndpointSlice]
	errs   chan error
	state  map[string]*discovery.EndpointSlice
	writes map[string][]client.EventType
}

func (c *cluster) watchSlices() *writeLog {
	c.t.Helper()
	l, err := c.slices.List(c.ctx, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	w, err := c.slices.Watch(c.ctx, &client.WatchOptions{ResourceVersion: l.ResourceVersion})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(w.Stop)
	wl := &writeLog{t: c.t, events: make(chan client.Event[discovery.EndpointSlice], 1024), errs: make(chan error, 1),
		state: map[string]*discovery.EndpointSlice{}, writes: map[string][]client.EventType{}}
	for i := range l.Items {
		wl.state[l.Items[i].Name] = &l.Items[i]
	}
	go func() {
		for {
			ev, err := w.Next()
			if err != nil {
				wl.errs <- err
				return
			}
			wl.events <- ev
		}
	}()
	return wl
}

// until applies events until cond holds for the state.
func (wl *writeLog) until(cond func(state map[string]*discovery.EndpointSlice) error) {
	wl.t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		err := cond(wl.state)
		if err == nil {
			return
		}
		select {
		case ev := <-wl.events:
			name := ev.Object.Name
			wl.writes[name] = append(wl.writes[name], ev.Type)
			if ev.Type == client.Deleted {
				delete(wl.state, name)
			} else {
				wl.state[name] = ev.Object
			}
		case err := <-wl.errs:
			wl.t.Fatalf("watch: %v", err)
		case <-deadline.C:
			wl.t.Fatalf("slices never converged: %v", err)
		}
	}
}

// reset forgets the writes seen so far.
func (wl *writeLog) reset() { clear(wl.writes) }

// sizes returns the number of endpoints of each slice, by name.
func sizes(state map[string]*discovery.EndpointSlice) map[string]int {
	out := map[string]int{}
	for name, s := range state {
		out[name] = len(s.Endpoints)
	}
	return out
}

func total(state map[string]*discovery.EndpointSlice) int {
	n := 0
	for _, s := range state {
		n += len(s.Endpoints)
	}
	return n
}

func podsIn(s *discovery.EndpointSlice) []string {
	var out []string
	for _, e := range s.Endpoints {
		out = append(out, e.TargetRef.Name)
	}
	slices.Sort(out)
	return out
}

func TestManyPodsMinimalChurn(t *testing.T) {
	c := start(t)
	// The pods run before the service exists, so the first sync sees
	// (nearly) all of them.
	for i := range 250 {
		name := fmt.Sprintf("web-%03d", i)
		c.createPod(podSpec{name: name, labels: web})
		c.setStatus(name, fmt.Sprintf("10.244.%d.%d", i/200, i%200+1), true)
	}
	wl := c.watchSlices()
	c.createService(service("web", web, core.ServicePort{Port: 80}))
	wl.until(func(state map[string]*discovery.EndpointSlice) error {
		if len(state) != 3 || total(state) != 250 {
			return fmt.Errorf("slices %v, want 3 holding 250 endpoints", sizes(state))
		}
		for _, s := range state {
			if len(s.Endpoints) > 100 {
				return fmt.Errorf("slices %v: more than 100 in one", sizes(state))
			}
		}
		return nil
	})
	var names []string // by size, largest first
	for name := range wl.state {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return len(wl.state[b].Endpoints) - len(wl.state[a].Endpoints) })
	big, small := names[0], names[2]
	zero := int64(0)
	deletePods := func(pods []string) {
		t.Helper()
		for _, p := range pods {
			if err := c.pods.Delete(c.ctx, p, &meta.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
				t.Fatal(err)
			}
		}
	}
	onlyWritten := func(what string, want map[string][]client.EventType) {
		t.Helper()
		for name, types := range wl.writes {
			// The same slice may be written more than once as the
			// deletions stream in; what matters is which slices.
			if _, ok := want[name]; !ok {
				t.Errorf("%s: slice %s written (%v); want only %v touched", what, name, types, slices.Collect(maps.Keys(want)))
			}
		}
		for name, types := range want {
			got := wl.writes[name]
			if len(got) == 0 || got[len(got)-1] != types[len(types)-1] {
				t.Errorf("%s: slice %s saw %v, want it to end with %v", what, name, got, types)
			}
		}
	}

	// Scale down by 40 pods all held by the biggest slice: only it is
	// rewritten.
	wl.reset()
	gone := podsIn(wl.state[big])[:40]
	deletePods(gone)
	wl.until(func(state map[string]*discovery.EndpointSlice) error {
		if total(state) != 210 {
			return fmt.Errorf("slices %v, want 210 endpoints", sizes(state))
		}
		return nil
	})
	onlyWritten("40 pods of one slice deleted", map[string][]client.EventType{big: {client.Modified}})

	// Every pod of the smallest slice goes: the slice is deleted, the
	// others are untouched.
	wl.reset()
	want := 210 - len(wl.state[small].Endpoints)
	deletePods(podsIn(wl.state[small]))
	wl.until(func(state map[string]*discovery.EndpointSlice) error {
		if _, ok := state[small]; ok || len(state) != 2 || total(state) != want {
			return fmt.Errorf("slices %v, want %s gone and %d endpoints in 2 left", sizes(state), small, want)
		}
		return nil
	})
	onlyWritten("a slice's pods deleted", map[string][]client.EventType{small: {client.Deleted}})

	// One pod's readiness changes: only its slice is written.
	wl.reset()
	flip := podsIn(wl.state[big])[0]
	pod, err := c.pods.Get(c.ctx, flip)
	if err != nil {
		t.Fatal(err)
	}
	c.setStatus(flip, pod.Status.PodIP, false)
	wl.until(func(state map[string]*discovery.EndpointSlice) error {
		for _, e := range state[big].Endpoints {
			if e.TargetRef.Name == flip && !deref(e.Conditions.Ready) {
				return nil
			}
		}
		return fmt.Errorf("pod %s still ready in %s", flip, big)
	})
	onlyWritten("one pod not ready", map[string][]client.EventType{big: {client.Modified}})

	// Scale up by 30: they fit in the room the slices have (the big one
	// alone has 40), so no slice is created and full ones are untouched.
	wl.reset()
	before := sizes(wl.state)
	for i := range 30 {
		name := fmt.Sprintf("new-%02d", i)
		c.createPod(podSpec{name: name, labels: web})
		c.setStatus(name, fmt.Sprintf("10.244.5.%d", i+1), true)
	}
	want += 30
	wl.until(func(state map[string]*discovery.EndpointSlice) error {
		if total(state) != want {
			return fmt.Errorf("slices %v, want %d endpoints", sizes(state), want)
		}
		return nil
	})
	if after := sizes(wl.state); len(after) != 2 {
		t.Errorf("slices %v after scaling up by 30, want the same 2 as %v", after, before)
	}
	for name, types := range wl.writes {
		if n, ok := before[name]; !ok || n == 100 || slices.ContainsFunc(types, func(t client.EventType) bool { return t != client.Modified }) {
			t.Errorf("30 pods added: slice %s (%d endpoints before) saw %v; want only slices with room modified", name, n, types)
		}
	}
}
