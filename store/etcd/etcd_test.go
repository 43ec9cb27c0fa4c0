package etcd_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/etcd"
	"github.com/spar-dev/spar/store/etcd/etcdtest"
	"github.com/spar-dev/spar/store/storetest"
)

// factory gives every conformance test an etcd server of its own. Starting
// one takes about 0.1 s, and the suite needs what a shared server cannot
// give: contiguous revisions (no other test writing), compaction (global to
// a server) and restarts that do not disturb other tests. Reopening
// restarts the server on the same data and connects a new client, as a
// restarted API server would.
func factory(t testing.TB) (store.Store, func(testing.TB) store.Store) {
	srv := etcdtest.Start(t)
	open := func(t testing.TB) store.Store {
		s, err := etcd.New(srv.NewClient(t, ""), nil)
		if err != nil {
			t.Fatalf("etcd.New: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	s := open(t)
	reopen := func(t testing.TB) store.Store {
		s.Close()
		srv.Restart(t)
		s = open(t)
		return s
	}
	return s, reopen
}

func TestConformance(t *testing.T) { storetest.RunAll(t, factory) }

func BenchmarkConformance(b *testing.B) { storetest.RunBenchmarks(b, factory) }

// newStore starts an etcd server of its own for t (about 0.1 s) and returns
// a store on it, closed when t ends.
func newStore(t testing.TB, opts *etcd.Options) (*etcd.Store, *etcdtest.Server) {
	t.Helper()
	srv := etcdtest.Start(t)
	s, err := etcd.New(srv.NewClient(t, ""), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, srv
}

func mustCreate(t *testing.T, s store.Store, key, value string) store.KV {
	t.Helper()
	kv, err := s.Create(context.Background(), key, []byte(value))
	if err != nil {
		t.Fatalf("Create(%q): %v", key, err)
	}
	return kv
}

func TestCRUD(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, nil)
	const key = "/registry/pods/default/web-0"

	created := mustCreate(t, s, key, "v1")
	if created.CreateRevision != created.ModRevision || created.ModRevision <= 0 || string(created.Value) != "v1" {
		t.Fatalf("Create = %+v, want CreateRevision == ModRevision > 0 and value v1", created)
	}
	if _, err := s.Create(ctx, key, []byte("again")); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second Create: got %v, want ErrExists", err)
	}
	got, err := s.Get(ctx, key)
	if err != nil || got.ModRevision != created.ModRevision || string(got.Value) != "v1" {
		t.Fatalf("Get = %+v, %v; want %+v", got, err, created)
	}

	updated, err := s.Update(ctx, key, []byte("v2"), created.ModRevision)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if updated.ModRevision <= created.ModRevision || updated.CreateRevision != created.CreateRevision {
		t.Fatalf("Update = %+v; want ModRevision > %d and CreateRevision %d", updated, created.ModRevision, created.CreateRevision)
	}

	// A stale revision conflicts, and the error carries the current state.
	_, err = s.Update(ctx, key, []byte("stale"), created.ModRevision)
	var conflict *store.ConflictError
	if !errors.Is(err, store.ErrConflict) || !errors.As(err, &conflict) {
		t.Fatalf("stale Update: got %v, want a *ConflictError", err)
	}
	if conflict.Current.ModRevision != updated.ModRevision || string(conflict.Current.Value) != "v2" {
		t.Fatalf("conflict.Current = %+v, want revision %d value v2", conflict.Current, updated.ModRevision)
	}
	if _, err := s.Delete(ctx, key, created.ModRevision); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale Delete: got %v, want ErrConflict", err)
	}

	// Unconditional update.
	forced, err := s.Update(ctx, key, []byte("v3"), 0)
	if err != nil || forced.ModRevision <= updated.ModRevision || forced.CreateRevision != created.CreateRevision {
		t.Fatalf("unconditional Update = %+v, %v", forced, err)
	}

	deleted, err := s.Delete(ctx, key, forced.ModRevision)
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	want := store.KV{Key: key, Value: []byte("v3"), CreateRevision: created.CreateRevision}
	if deleted.Key != want.Key || !bytes.Equal(deleted.Value, want.Value) || deleted.CreateRevision != want.CreateRevision || deleted.ModRevision <= forced.ModRevision {
		t.Fatalf("Delete = %+v, want %+v with ModRevision > %d", deleted, want, forced.ModRevision)
	}
	rev, err := s.Revision(ctx)
	if err != nil || rev != deleted.ModRevision {
		t.Fatalf("Revision = %d, %v; want the delete's revision %d", rev, err, deleted.ModRevision)
	}

	// Everything on a missing key is NotFound, conditional or not, and
	// changes nothing.
	missing := []struct {
		name string
		op   func() error
	}{
		{"Get", func() error { _, err := s.Get(ctx, key); return err }},
		{"Update", func() error { _, err := s.Update(ctx, key, []byte("x"), forced.ModRevision); return err }},
		{"Update unconditional", func() error { _, err := s.Update(ctx, key, []byte("x"), 0); return err }},
		{"Delete", func() error { _, err := s.Delete(ctx, key, forced.ModRevision); return err }},
		{"Delete unconditional", func() error { _, err := s.Delete(ctx, key, -1); return err }},
	}
	for _, tc := range missing {
		if err := tc.op(); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s of a deleted key: got %v, want ErrNotFound", tc.name, err)
		}
	}
	if after, _ := s.Revision(ctx); after != rev {
		t.Errorf("revision after failed writes = %d, want %d (unchanged)", after, rev)
	}

	// A re-created key starts a new life.
	again := mustCreate(t, s, key, "v4")
	if again.CreateRevision <= deleted.ModRevision {
		t.Errorf("re-Create CreateRevision = %d, want > %d", again.CreateRevision, deleted.ModRevision)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, &etcd.Options{MaxValueSize: 16})
	before, err := s.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("x"), 17)
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"create empty key", func() error { _, err := s.Create(ctx, "", nil); return err }, store.ErrInvalidKey},
		{"create outside prefix", func() error { _, err := s.Create(ctx, "/other/a", nil); return err }, store.ErrInvalidKey},
		{"create the prefix itself", func() error { _, err := s.Create(ctx, store.DefaultPrefix, nil); return err }, store.ErrInvalidKey},
		{"create too large", func() error { _, err := s.Create(ctx, "/registry/a", big); return err }, store.ErrValueTooLarge},
		{"update too large", func() error { _, err := s.Update(ctx, "/registry/a", big, 0); return err }, store.ErrValueTooLarge},
		{"get outside prefix", func() error { _, err := s.Get(ctx, "/other/a"); return err }, store.ErrInvalidKey},
		{"delete empty key", func() error { _, err := s.Delete(ctx, "", 0); return err }, store.ErrInvalidKey},
		{"list outside prefix", func() error { _, err := s.List(ctx, "/other/", store.ListOptions{}); return err }, store.ErrInvalidKey},
		{"watch outside prefix", func() error { _, err := s.Watch(ctx, "/other/", 0); return err }, store.ErrInvalidKey},
		{"list bad continue", func() error {
			_, err := s.List(ctx, "/registry/", store.ListOptions{Continue: "not a token"})
			return err
		}, store.ErrInvalidContinue},
	}
	for _, tc := range tests {
		if err := tc.op(); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	if after, _ := s.Revision(ctx); after != before {
		t.Errorf("revision after rejected writes = %d, want %d (unchanged)", after, before)
	}
	if _, err := s.Create(ctx, "/registry/a", big[:16]); err != nil {
		t.Errorf("Create at exactly MaxValueSize: %v", err)
	}
}

// The default limit must fit through etcdtest's server: a value of exactly
// store.DefaultMaxValueSize is accepted, one byte more is not.
func TestDefaultMaxValueSize(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, nil)
	v := bytes.Repeat([]byte("x"), store.DefaultMaxValueSize)
	if _, err := s.Create(ctx, "/registry/configmaps/default/big", v); err != nil {
		t.Fatalf("Create of %d bytes: %v", len(v), err)
	}
	if _, err := s.Create(ctx, "/registry/configmaps/default/bigger", append(v, 'x')); !errors.Is(err, store.ErrValueTooLarge) {
		t.Fatalf("Create of %d bytes: got %v, want ErrValueTooLarge", len(v)+1, err)
	}
}

func TestListPages(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, nil)
	for i := range 10 {
		mustCreate(t, s, fmt.Sprintf("/registry/pods/ns/p%02d", i), fmt.Sprint(i))
	}
	mustCreate(t, s, "/registry/pods2/ns/other", "not under /registry/pods/")
	first, err := s.List(ctx, "/registry/pods/", store.ListOptions{Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	// A write after the first page is not in the later ones.
	mustCreate(t, s, "/registry/pods/ns/p05a", "late")

	var keys []string
	page, remaining := first, []int64{6, 2, 0}
	for i := 0; ; i++ {
		if page.Revision != first.Revision {
			t.Fatalf("page %d revision = %d, want %d", i, page.Revision, first.Revision)
		}
		if page.Remaining != remaining[i] {
			t.Errorf("page %d Remaining = %d, want %d", i, page.Remaining, remaining[i])
		}
		for _, kv := range page.Items {
			keys = append(keys, strings.TrimPrefix(kv.Key, "/registry/pods/ns/"))
		}
		if page.Continue == "" {
			break
		}
		page, err = s.List(ctx, "/registry/pods/", store.ListOptions{Limit: 4, Continue: page.Continue})
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
	}
	if got, want := strings.Join(keys, ","), "p00,p01,p02,p03,p04,p05,p06,p07,p08,p09"; got != want {
		t.Errorf("keys = %s, want %s", got, want)
	}

	// The same snapshot without paging, and the current one.
	old, err := s.List(ctx, "/registry/pods/", store.ListOptions{Revision: first.Revision})
	if err != nil || len(old.Items) != 10 || old.Revision != first.Revision {
		t.Errorf("List at %d: %d items at %d, %v; want 10 at %d", first.Revision, len(old.Items), old.Revision, err, first.Revision)
	}
	now, err := s.List(ctx, "/registry/pods/", store.ListOptions{})
	if err != nil || len(now.Items) != 11 || now.Revision <= first.Revision {
		t.Errorf("current List: %d items at %d, %v; want 11 after %d", len(now.Items), now.Revision, err, first.Revision)
	}

	if _, err := s.List(ctx, "/registry/pods/", store.ListOptions{Revision: now.Revision + 100}); !errors.Is(err, store.ErrFutureRevision) {
		t.Errorf("List at a future revision: got %v, want ErrFutureRevision", err)
	}
	if err := s.Compact(ctx, now.Revision); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	if _, err := s.List(ctx, "/registry/pods/", store.ListOptions{Revision: first.Revision}); !errors.Is(err, store.ErrExpired) {
		t.Errorf("List at a compacted revision: got %v, want ErrExpired", err)
	}
	if _, err := s.List(ctx, "/registry/pods/", store.ListOptions{Limit: 4, Continue: first.Continue}); !errors.Is(err, store.ErrExpired) {
		t.Errorf("continue at a compacted revision: got %v, want ErrExpired", err)
	}
	if _, err := s.List(ctx, "/registry/pods/", store.ListOptions{Revision: now.Revision}); err != nil {
		t.Errorf("List at the compacted revision itself: %v", err)
	}
	if err := s.Compact(ctx, first.Revision); err != nil {
		t.Errorf("Compact below the compacted revision: got %v, want nil (no-op)", err)
	}
}

// next receives one event or fails after a generous deadline.
func next(t *testing.T, w store.Watcher) store.Event {
	t.Helper()
	select {
	case e, ok := <-w.Events():
		if !ok {
			t.Fatalf("watch ended early: %v", w.Err())
		}
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no watch event within 10s")
	}
	panic("unreachable")
}

// closed waits for the watch channel to close and returns Err.
func closed(t *testing.T, w store.Watcher) error {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-w.Events():
			if !ok {
				return w.Err()
			}
		case <-deadline:
			t.Fatal("watch did not end within 10s")
		}
	}
}

func TestWatchHistory(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, nil)
	const key = "/registry/cm/ns/a"
	start, _ := s.Revision(ctx)
	c := mustCreate(t, s, key, "1")
	u, err := s.Update(ctx, key, []byte("2"), c.ModRevision)
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "/registry/other/x", "not watched")
	d, err := s.Delete(ctx, key, 0)
	if err != nil {
		t.Fatal(err)
	}

	w, err := s.Watch(ctx, "/registry/cm/", start)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	want := []store.Event{
		{Type: store.Added, KV: store.KV{Key: key, Value: []byte("1"), CreateRevision: c.ModRevision, ModRevision: c.ModRevision}},
		{Type: store.Modified, KV: store.KV{Key: key, Value: []byte("2"), CreateRevision: c.ModRevision, ModRevision: u.ModRevision}, PrevValue: []byte("1")},
		{Type: store.Deleted, KV: store.KV{Key: key, CreateRevision: c.ModRevision, ModRevision: d.ModRevision}, PrevValue: []byte("2")},
	}
	for i, we := range want {
		if got := next(t, w); !sameEvent(got, we) {
			t.Errorf("event %d = %s, want %s", i, show(got), show(we))
		}
	}

	// From the revision of the update: only the delete.
	w2, err := s.Watch(ctx, "/registry/cm/", u.ModRevision)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Stop()
	if got := next(t, w2); !sameEvent(got, want[2]) {
		t.Errorf("from %d: first event %s, want %s", u.ModRevision, show(got), show(want[2]))
	}
}

func sameEvent(a, b store.Event) bool {
	return a.Type == b.Type && a.KV.Key == b.KV.Key && bytes.Equal(a.KV.Value, b.KV.Value) &&
		a.KV.CreateRevision == b.KV.CreateRevision && a.KV.ModRevision == b.KV.ModRevision &&
		bytes.Equal(a.PrevValue, b.PrevValue)
}

func show(e store.Event) string {
	return fmt.Sprintf("%s %s=%q create=%d mod=%d prev=%q", e.Type, e.KV.Key, e.KV.Value, e.KV.CreateRevision, e.KV.ModRevision, e.PrevValue)
}

func TestWatchFromNow(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, nil)
	mustCreate(t, s, "/registry/a/before", "x")
	w, err := s.Watch(ctx, "/registry/a/", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	after := mustCreate(t, s, "/registry/a/after", "y")
	if got := next(t, w); got.KV.Key != after.Key || got.Type != store.Added {
		t.Fatalf("first event %s, want ADDED %s (writes before Watch are excluded)", show(got), after.Key)
	}
}

func TestWatchFuture(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, nil)
	rev, _ := s.Revision(ctx)
	w, err := s.Watch(ctx, "/registry/", rev+1) // waits for rev+2
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	mustCreate(t, s, "/registry/a", "skipped")
	second := mustCreate(t, s, "/registry/b", "seen")
	if got := next(t, w); got.KV.ModRevision != second.ModRevision {
		t.Fatalf("first event %s, want revision %d", show(got), second.ModRevision)
	}
}

func TestWatchEnds(t *testing.T) {
	s, _ := newStore(t, nil)

	t.Run("Stop", func(t *testing.T) {
		w, err := s.Watch(context.Background(), "/registry/", 0)
		if err != nil {
			t.Fatal(err)
		}
		w.Stop()
		w.Stop()
		if err := closed(t, w); err != nil {
			t.Errorf("Err after Stop = %v, want nil", err)
		}
	})
	t.Run("context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		w, err := s.Watch(ctx, "/registry/", 0)
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := closed(t, w); err != nil {
			t.Errorf("Err after cancel = %v, want nil", err)
		}
	})
	t.Run("compacted", func(t *testing.T) {
		ctx := context.Background()
		a := mustCreate(t, s, "/registry/x", "1")
		b, err := s.Update(ctx, "/registry/x", []byte("2"), a.ModRevision)
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Update(ctx, "/registry/x", []byte("3"), b.ModRevision)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Compact(ctx, c.ModRevision); err != nil {
			t.Fatal(err)
		}
		// Below the compacted revision, as for List.
		if _, err := s.Watch(ctx, "/registry/", b.ModRevision); !errors.Is(err, store.ErrExpired) {
			t.Errorf("Watch from %d after Compact(%d): got %v, want ErrExpired", b.ModRevision, c.ModRevision, err)
		}
		w, err := s.Watch(ctx, "/registry/", c.ModRevision)
		if err != nil {
			t.Fatalf("Watch from the compacted revision %d itself: %v", c.ModRevision, err)
		}
		defer w.Stop()
		d, err := s.Update(ctx, "/registry/x", []byte("4"), c.ModRevision)
		if err != nil {
			t.Fatal(err)
		}
		want := store.Event{Type: store.Modified, KV: d, PrevValue: []byte("3")}
		if got := next(t, w); !sameEvent(got, want) {
			t.Errorf("first event %s, want %s", show(got), show(want))
		}
	})
	t.Run("Close", func(t *testing.T) {
		w, err := s.Watch(context.Background(), "/registry/", 0)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if err := closed(t, w); !errors.Is(err, store.ErrClosed) {
			t.Errorf("Err after Close = %v, want ErrClosed", err)
		}
		if _, err := s.Get(context.Background(), "/registry/x"); !errors.Is(err, store.ErrClosed) {
			t.Errorf("Get after Close: got %v, want ErrClosed", err)
		}
		if _, err := s.Watch(context.Background(), "/registry/", 0); !errors.Is(err, store.ErrClosed) {
			t.Errorf("Watch after Close: got %v, want ErrClosed", err)
		}
	})
}

// A watch that falls behind compaction while it runs (not before it
// starts) ends with ErrExpired. The store reaches etcd through a proxy the
// test cuts, so the watch is disconnected while other clients write and
// compact; when it reconnects it asks to resume from a compacted revision.
func TestWatchCompactedWhileRunning(t *testing.T) {
	ctx := context.Background()
	srv := etcdtest.Start(t)
	direct := srv.NewClient(t, "")
	p := startProxy(t, strings.TrimPrefix(srv.Endpoints()[0], "http://"))
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{"http://" + p.addr()}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := etcd.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	w, err := s.Watch(ctx, "/registry/", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	a := mustCreate(t, s, "/registry/a", "1")
	if e := next(t, w); e.KV.ModRevision != a.ModRevision {
		t.Fatalf("first event %s, want revision %d", show(e), a.ModRevision)
	}

	p.cut()
	var last int64
	for _, k := range []string{"/registry/b", "/registry/c"} {
		resp, err := direct.Put(ctx, k, "v")
		if err != nil {
			t.Fatal(err)
		}
		last = resp.Header.Revision
	}
	if _, err := direct.Compact(ctx, last); err != nil {
		t.Fatal(err)
	}
	p.restore()
	if err := closed(t, w); !errors.Is(err, store.ErrExpired) {
		t.Errorf("Err = %v, want ErrExpired", err)
	}
}

// proxy forwards TCP connections to an address until cut, which drops every
// connection and refuses new ones until restore.
type proxy struct {
	l      net.Listener
	target string

	mu    sync.Mutex
	down  bool
	conns []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, target: target}
	t.Cleanup(func() { l.Close(); p.cut() })
	go p.serve()
	return p
}

func (p *proxy) addr() string { return p.l.Addr().String() }

func (p *proxy) serve() {
	for {
		in, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			in.Close()
			continue
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go func() { io.Copy(out, in); out.Close() }()
		go func() { io.Copy(in, out); in.Close() }()
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

func TestRequestProgress(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, nil)
	tests := []struct {
		name  string
		write bool // write under another prefix after the watch starts
	}{
		{"busy store", true},
		// etcd itself does not answer before its revision reaches the
		// watch's start; the store must.
		{"quiet store", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := s.Watch(ctx, "/registry/quiet/", 0)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			if tc.write {
				mustCreate(t, s, "/registry/busy/"+strings.ReplaceAll(tc.name, " ", "-"), "x")
			}
			want, err := s.Revision(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.(store.ProgressRequester).RequestProgress(ctx); err != nil {
				t.Fatal(err)
			}
			for {
				e := next(t, w)
				if e.Type != store.Progress {
					t.Fatalf("got %s on a quiet prefix, want only PROGRESS", show(e))
				}
				if e.KV.ModRevision >= want {
					break
				}
			}
		})
	}
}

func TestRestart(t *testing.T) {
	ctx := context.Background()
	s, srv := newStore(t, nil)
	a := mustCreate(t, s, "/registry/a", "1")
	w, err := s.Watch(ctx, "/registry/", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	srv.Restart(t)
	got, err := s.Get(ctx, "/registry/a")
	if err != nil || got.ModRevision != a.ModRevision {
		t.Fatalf("Get after restart = %+v, %v; want revision %d", got, err, a.ModRevision)
	}
	b := mustCreate(t, s, "/registry/b", "2")
	if b.ModRevision <= a.ModRevision {
		t.Errorf("revision after restart = %d, want > %d", b.ModRevision, a.ModRevision)
	}
	// The watch resumes across the restart without a gap.
	if e := next(t, w); e.KV.Key != "/registry/b" || e.KV.ModRevision != b.ModRevision {
		t.Errorf("event after restart = %s, want ADDED /registry/b at %d", show(e), b.ModRevision)
	}
}

func TestPeriodicCompaction(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, &etcd.Options{CompactionInterval: 20 * time.Millisecond})
	old := mustCreate(t, s, "/registry/a", "1")
	mustCreate(t, s, "/registry/b", "2")
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := s.List(ctx, "/registry/", store.ListOptions{Revision: old.ModRevision})
		if errors.Is(err, store.ErrExpired) {
			break
		}
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("revision %d not compacted within 20s", old.ModRevision)
		}
		// Each compaction round writes the compaction key; keep the
		// store busy so that there is always something to compact.
		if _, err := s.Update(ctx, "/registry/b", []byte("x"), 0); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Get(ctx, "/registry/a"); err != nil || string(got.Value) != "1" {
		t.Errorf("Get after compaction = %+v, %v; want the live value", got, err)
	}
}

func TestNamespacedClient(t *testing.T) {
	ctx := context.Background()
	srv := etcdtest.Start(t)
	a, err := etcd.New(srv.NewClient(t, "/tenant-a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := etcd.New(srv.NewClient(t, "/tenant-b"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	mustCreate(t, a, "/registry/x", "a")
	if _, err := b.Get(ctx, "/registry/x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other namespace: got %v, want ErrNotFound", err)
	}
	raw := srv.NewClient(t, "")
	resp, err := raw.Get(ctx, "/tenant-a/registry/x")
	if err != nil || len(resp.Kvs) != 1 {
		t.Errorf("raw key /tenant-a/registry/x: %v, %v", resp, err)
	}
}

func TestNewRejectsPrefixCoveringCompactionKey(t *testing.T) {
	if _, err := etcd.New(&clientv3.Client{}, &etcd.Options{Prefix: "compact"}); err == nil {
		t.Error("New with prefix \"compact\": got nil error, want a refusal")
	}
}
