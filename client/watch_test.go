package client_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/watch"
)

type seen struct {
	typ  client.EventType
	name string
}

// expect reads len(want) events and compares type and name, in order.
func expect(t *testing.T, w *client.Watcher[core.ConfigMap], want ...seen) []client.Event[core.ConfigMap] {
	t.Helper()
	var evs []client.Event[core.ConfigMap]
	for i, wnt := range want {
		ev, err := nextEvent(t, w)
		if err != nil {
			t.Fatalf("event %d: %v, want %v", i, err, wnt)
		}
		if got := (seen{ev.Type, ev.Object.Name}); got != wnt {
			t.Fatalf("event %d = %v, want %v", i, got, wnt)
		}
		evs = append(evs, ev)
	}
	return evs
}

func TestWatchOrder(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		cms := client.Resource[core.ConfigMap](c).Namespace("default")
		list, err := cms.List(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		w, err := cms.Watch(ctx, &client.WatchOptions{ResourceVersion: list.ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()

		cm, err := cms.Create(ctx, configMap("a", map[string]string{"v": "1"}), nil)
		if err != nil {
			t.Fatal(err)
		}
		cm.Data["v"] = "2"
		if _, err := cms.Update(ctx, cm, nil); err != nil {
			t.Fatal(err)
		}
		if err := cms.Delete(ctx, "a", nil); err != nil {
			t.Fatal(err)
		}
		evs := expect(t, w, seen{client.Added, "a"}, seen{client.Modified, "a"}, seen{client.Deleted, "a"})
		if evs[1].Object.Data["v"] != "2" {
			t.Errorf("MODIFIED data = %v, want v=2", evs[1].Object.Data)
		}
		var last int64
		for i, ev := range evs {
			rv := rvInt(t, ev.Object.ResourceVersion)
			if rv <= last {
				t.Errorf("event %d resourceVersion %d, not after %d", i, rv, last)
			}
			last = rv
		}
		if got, want := w.ResourceVersion(), evs[2].Object.ResourceVersion; got != want {
			t.Errorf("Watcher.ResourceVersion = %q, want the last event's %q", got, want)
		}

		// Stop ends a blocked Next with io.EOF.
		done := make(chan error, 1)
		go func() { _, err := w.Next(); done <- err }()
		w.Stop()
		select {
		case err := <-done:
			if !errors.Is(err, io.EOF) {
				t.Errorf("Next after Stop: %v, want io.EOF", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Next did not return after Stop")
		}
	})
}

func TestWatchFromResourceVersion(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		cms := client.Resource[core.ConfigMap](c).Namespace("default")
		a, err := cms.Create(ctx, configMap("a", nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"b", "c"} {
			if _, err := cms.Create(ctx, configMap(name, nil), nil); err != nil {
				t.Fatal(err)
			}
		}
		// From a's version: only what came after it.
		w, err := cms.Watch(ctx, &client.WatchOptions{ResourceVersion: a.ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		expect(t, w, seen{client.Added, "b"}, seen{client.Added, "c"})

		// Without a version: the current state first, then changes.
		w2, err := cms.Watch(ctx, &client.WatchOptions{LabelSelector: "keep=yes"})
		if err != nil {
			t.Fatal(err)
		}
		defer w2.Stop()
		for _, name := range []string{"d", "e"} {
			cm := configMap(name, nil)
			if name == "e" {
				cm.Labels = map[string]string{"keep": "yes"}
			}
			if _, err := cms.Create(ctx, cm, nil); err != nil {
				t.Fatal(err)
			}
		}
		expect(t, w2, seen{client.Added, "e"})
	})
}

func TestWatchBookmarksAndTimeout(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		cms := client.Resource[core.ConfigMap](c).Namespace("default")
		if _, err := cms.Create(ctx, configMap("a", nil), nil); err != nil {
			t.Fatal(err)
		}
		list, err := cms.List(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The server ends the watch after timeoutSeconds with a last
		// bookmark, then closes the stream: a clean io.EOF.
		w, err := cms.Watch(ctx, &client.WatchOptions{ResourceVersion: list.ResourceVersion, AllowWatchBookmarks: true, TimeoutSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		ev, err := nextEvent(t, w)
		if err != nil || ev.Type != client.Bookmark {
			t.Fatalf("first event: %v %v, want a BOOKMARK", ev.Type, err)
		}
		if ev.Object.ResourceVersion == "" || ev.Object.Name != "" || ev.InitialEventsEnd() {
			t.Errorf("bookmark = %+v, want only a resourceVersion", ev.Object.ObjectMeta)
		}
		if rvInt(t, ev.Object.ResourceVersion) < rvInt(t, list.ResourceVersion) {
			t.Errorf("bookmark rv %s older than the list's %s", ev.Object.ResourceVersion, list.ResourceVersion)
		}
		if _, err := nextEvent(t, w); !errors.Is(err, io.EOF) {
			t.Errorf("after the timeout: %v, want io.EOF", err)
		}
		if _, err := w.Next(); !errors.Is(err, io.EOF) {
			t.Errorf("Next again: %v, want io.EOF again", err)
		}
	})
}

func TestWatchList(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		cms := client.Resource[core.ConfigMap](c).Namespace("default")
		for _, name := range []string{"a", "b"} {
			if _, err := cms.Create(ctx, configMap(name, nil), nil); err != nil {
				t.Fatal(err)
			}
		}
		w, err := cms.Watch(ctx, &client.WatchOptions{SendInitialEvents: true})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		names := map[string]bool{}
		for {
			ev, err := nextEvent(t, w)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Type == client.Bookmark {
				if !ev.InitialEventsEnd() {
					continue // a periodic bookmark
				}
				break
			}
			if ev.Type != client.Added {
				t.Fatalf("initial event %s, want ADDED", ev.Type)
			}
			names[ev.Object.Name] = true
		}
		if !names["a"] || !names["b"] {
			t.Errorf("initial events named %v, want a and b", names)
		}
		if _, err := cms.Create(ctx, configMap("c", nil), nil); err != nil {
			t.Fatal(err)
		}
		expect(t, w, seen{client.Added, "c"})
	})
}

func TestWatchContextCancel(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx, cancel := context.WithCancel(t.Context())
		w, err := client.Resource[core.ConfigMap](c).Namespace("default").Watch(ctx, &client.WatchOptions{ResourceVersion: "1"})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		done := make(chan error, 1)
		go func() {
			for {
				if _, err := w.Next(); err != nil {
					done <- err
					return
				}
			}
		}()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Next after cancel: %v, want context.Canceled", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Next did not return after the context was cancelled")
		}
	})
}

// TestWatchExpired compacts the store under a server whose watch window is
// tiny, then watches from an old version: the 410 must reach the caller as
// an error matching meta.ErrExpired, so an informer knows to re-list.
func TestWatchExpired(t *testing.T) {
	opts := &apiservertest.Options{Config: apiserver.Config{Watch: watch.Config{
		MinWindowEvents: 5, MaxWindowEvents: 5, WindowDuration: time.Nanosecond,
	}}}
	eachTransport(t, opts, func(t *testing.T, e env) {
		c := e.c
		srv := e.srv
		ctx := t.Context()
		cms := client.Resource[core.ConfigMap](c).Namespace("default")
		first, err := cms.Create(ctx, configMap("first", nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			if _, err := cms.Create(ctx, configMap(bulkName(i), nil), nil); err != nil {
				t.Fatal(err)
			}
		}
		rev, err := srv.Store.Revision(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Store.Compact(ctx, rev); err != nil {
			t.Fatal(err)
		}
		// A consistent list waits until the watch cache has caught up, so
		// its window of 5 events no longer holds first.
		if _, err := cms.List(ctx, nil); err != nil {
			t.Fatal(err)
		}

		// Kubernetes answers a watch from a compacted version either with
		// a 410 or with a 200 stream whose first event is a 410 ERROR;
		// the client surfaces both the same way.
		w, err := cms.Watch(ctx, &client.WatchOptions{ResourceVersion: first.ResourceVersion})
		if err == nil {
			defer w.Stop()
			_, err = nextEvent(t, w)
		}
		if !errors.Is(err, meta.ErrExpired) || !client.IsExpired(err) {
			t.Fatalf("watch from a compacted version: err = %v, want Expired", err)
		}
		var st *meta.Status
		if !errors.As(err, &st) || st.Code != 410 {
			t.Errorf("status = %+v, want code 410", st)
		}

		_, err = cms.List(ctx, &client.ListOptions{ResourceVersion: first.ResourceVersion, ResourceVersionMatch: "Exact"})
		if !client.IsExpired(err) {
			t.Errorf("exact list at a compacted version: err = %v, want Expired", err)
		}
	})
}

func TestWatchErrors(t *testing.T) {
	srv := apiservertest.Start(t, nil)
	c := httpClient(t, srv)
	ctx := t.Context()
	cms := client.Resource[core.ConfigMap](c).Namespace("default")
	tests := []struct {
		name string
		opts client.WatchOptions
		want func(error) bool
	}{
		{"bad label selector", client.WatchOptions{LabelSelector: "a in (b"}, func(err error) bool { return errors.Is(err, meta.ErrBadRequest) }},
		{"unsupported field", client.WatchOptions{FieldSelector: "spec.nodeName=x"}, func(err error) bool { return errors.Is(err, meta.ErrBadRequest) }},
		{"bad resource version", client.WatchOptions{ResourceVersion: "abc"}, func(err error) bool { return errors.Is(err, meta.ErrBadRequest) }},
	}
	for _, tt := range tests {
		w, err := cms.Watch(ctx, &tt.opts)
		if err == nil {
			w.Stop()
		}
		if !tt.want(err) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}

// TestWatchExpiredMidStream gets the 410 as an ERROR event inside a running
// stream. A watch from an old version first catches up from the server's
// window of recent events, in batches of 512. The in-process pipe holds no
// buffer, so while the client does not read, the server is stuck sending
// the first batch; writes meanwhile push the rest of the catch-up out of
// the window, and the server ends the stream with Expired. (Over TCP the
// socket buffers would absorb the batch.)
func TestWatchExpiredMidStream(t *testing.T) {
	const window = 600
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{Watch: watch.Config{
		MinWindowEvents: window, MaxWindowEvents: window, WindowDuration: time.Nanosecond,
	}}})
	c := client.NewForHandler(srv.Handler())
	ctx := t.Context()
	cms := client.Resource[core.ConfigMap](c).Namespace("default")
	list, err := cms.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	createMany(t, ctx, cms, window-10)
	w, err := cms.Watch(ctx, &client.WatchOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	more := client.Resource[core.ConfigMap](c).Namespace("kube-system")
	createMany(t, ctx, more, window+100)

	added := 0
	for {
		ev, err := nextEvent(t, w)
		if err != nil {
			if !errors.Is(err, meta.ErrExpired) || !client.IsExpired(err) {
				t.Fatalf("after %d events: err = %v, want Expired", added, err)
			}
			var st *meta.Status
			if !errors.As(err, &st) || st.Code != 410 {
				t.Errorf("status = %+v, want code 410", st)
			}
			break
		}
		if ev.Type != client.Added {
			t.Fatalf("event %s, want ADDED", ev.Type)
		}
		added++
	}
	// Usually the first batch (512) arrives before the error; a server
	// slow to start its first read finds the window gone at once (0).
	if added >= window-10 {
		t.Errorf("%d events before the error, want only part of the %d", added, window-10)
	}
	if _, err := w.Next(); !client.IsExpired(err) {
		t.Errorf("Next after the error: %v, want the same error", err)
	}
}
