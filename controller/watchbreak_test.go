package controller_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/watch"
)

// cutProxy is a TCP proxy in front of the API server's listener whose
// connections a test can cut, as a network failure or a load balancer
// restart would: cut resets every open connection and, until resume,
// accepts new ones only to close them at once.
type cutProxy struct {
	ln      net.Listener
	backend string

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	down    bool
	refused int
}

func newCutProxy(t *testing.T, backend string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, backend: backend, conns: map[net.Conn]struct{}{}}
	var wg sync.WaitGroup
	wg.Go(func() { p.serve(&wg) })
	t.Cleanup(func() {
		ln.Close()
		p.cut()
		wg.Wait()
	})
	return p
}

func (p *cutProxy) serve(wg *sync.WaitGroup) {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		if down {
			p.refused++
		}
		p.mu.Unlock()
		if down {
			in.Close()
			continue
		}
		out, err := net.Dial("tcp", p.backend)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		if p.down { // cut while dialling
			p.mu.Unlock()
			in.Close()
			out.Close()
			continue
		}
		p.conns[in], p.conns[out] = struct{}{}, struct{}{}
		p.mu.Unlock()
		pipe := func(dst, src net.Conn) {
			io.Copy(dst, src)
			// Either side ending ends both, as the connection is one.
			dst.Close()
			src.Close()
			p.mu.Lock()
			delete(p.conns, dst)
			delete(p.conns, src)
			p.mu.Unlock()
		}
		wg.Go(func() { pipe(out, in) })
		wg.Go(func() { pipe(in, out) })
	}
}

// cut resets every open connection and refuses new ones until resume.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST, not FIN: the peer sees a broken connection
		}
		c.Close()
	}
}

func (p *cutProxy) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// refusals counts the connections refused while down.
func (p *cutProxy) refusals() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused
}

// requestLog counts the list and watch requests a client sends.
type requestLog struct {
	rt http.RoundTripper

	mu             sync.Mutex
	lists, watches int
}

func (l *requestLog) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	if req.URL.Query().Get("watch") == "true" {
		l.watches++
	} else if req.Method == http.MethodGet {
		l.lists++
	}
	l.mu.Unlock()
	return l.rt.RoundTrip(req)
}

func (l *requestLog) counts() (lists, watches int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lists, l.watches
}

// An informer talking to the server over HTTP whose watch connection is
// cut mid-stream keeps its cache correct: what changed while it was cut
// off reaches its handlers once the connection is back, each change
// exactly once, whether the informer resumes from its last
// resourceVersion or, that version being gone from the server's watch
// window, re-lists.
func TestInformerSurvivesBrokenWatch(t *testing.T) {
	tests := []struct {
		name string
		// window is the server's watch window; the default keeps the last
		// 10,000 events and 5 minutes.
		window watch.Config
		// wantAfter is what the handlers see of the changes made while
		// cut off (create d, update b, delete c).
		wantAfter []string
		wantLists int
	}{{
		name:      "resume from the last resourceVersion",
		wantAfter: []string{"add d", "update b", "delete c"},
		wantLists: 1,
	}, {
		name: "re-list on 410 Gone",
		// A window of one event: the informer's version is gone by the
		// time it re-watches, and the server answers 410 Gone.
		window: watch.Config{MinWindowEvents: 1, MaxWindowEvents: 1},
		// A re-list reports in list order (by name) then the deletes; an
		// object that did not change is re-delivered as an update of
		// itself, as client-go's re-list does, which handlers may ignore.
		wantAfter: []string{"resync a", "update b", "add d", "delete c"},
		wantLists: 2,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{Watch: tt.window}})
			ctx := t.Context()
			proxy := newCutProxy(t, strings.TrimPrefix(srv.URL, "http://"))
			reqs := &requestLog{rt: &http.Transport{}}
			remote, err := client.New(&client.Config{Host: "http://" + proxy.ln.Addr().String(), Transport: reqs})
			if err != nil {
				t.Fatal(err)
			}
			// Writes go in-process: only the informer's connection is cut.
			cms := client.Resource[core.ConfigMap](client.NewForHandler(srv.Handler())).Namespace("default")
			update := func(name, v string) {
				t.Helper()
				cm, err := cms.Get(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				cm.Data = map[string]string{"v": v}
				if _, err := cms.Update(ctx, cm, nil); err != nil {
					t.Fatal(err)
				}
			}
			for _, name := range []string{"a", "b", "c"} {
				if _, err := cms.Create(ctx, configMap("default", name, nil), nil); err != nil {
					t.Fatal(err)
				}
			}

			inf := controller.NewInformer[core.ConfigMap](remote, &controller.InformerOptions{Namespace: "default"})
			var mu sync.Mutex
			var events []string
			inf.AddHandler(controller.HandlerFuncs[core.ConfigMap]{
				AddFunc: func(cm *core.ConfigMap, _ bool) {
					mu.Lock()
					defer mu.Unlock()
					events = append(events, "add "+cm.Name)
				},
				UpdateFunc: func(old, cm *core.ConfigMap) {
					mu.Lock()
					defer mu.Unlock()
					if old.ResourceVersion == cm.ResourceVersion {
						events = append(events, "resync "+cm.Name)
					} else {
						events = append(events, "update "+cm.Name)
					}
				},
				DeleteFunc: func(cm *core.ConfigMap) {
					mu.Lock()
					defer mu.Unlock()
					events = append(events, "delete "+cm.Name)
				},
			})
			done := make(chan struct{})
			go func() { defer close(done); inf.Run(ctx) }()
			t.Cleanup(func() { <-done })
			waitEvents := func(want []string) {
				t.Helper()
				controllertest.Eventually(t, 10*time.Second, func() error {
					mu.Lock()
					defer mu.Unlock()
					if !slices.Equal(events, want) {
						return fmt.Errorf("handlers saw %q, want %q", events, want)
					}
					return nil
				})
			}
			// Listed, then a change through the live watch.
			want := []string{"add a", "add b", "add c"}
			waitEvents(want)
			update("a", "1")
			want = append(want, "update a")
			waitEvents(want)

			proxy.cut()
			// The informer noticed: its re-watch was refused.
			controllertest.Eventually(t, 10*time.Second, func() error {
				if proxy.refusals() == 0 {
					return errors.New("no reconnection attempt yet")
				}
				return nil
			})
			if _, err := cms.Create(ctx, configMap("default", "d", nil), nil); err != nil {
				t.Fatal(err)
			}
			update("b", "1")
			if err := cms.Delete(ctx, "c", nil); err != nil {
				t.Fatal(err)
			}
			if tt.wantLists > 1 {
				// Before the connection is back, the server's cache has
				// the changes and no longer has the informer's version.
				rv := inf.ResourceVersion()
				controllertest.Eventually(t, 10*time.Second, func() error {
					wctx, cancel := context.WithTimeout(ctx, time.Second)
					defer cancel()
					w, err := cms.Watch(wctx, &client.WatchOptions{ResourceVersion: rv})
					if err == nil {
						_, err = w.Next()
						w.Stop()
					}
					if !client.IsExpired(err) {
						return fmt.Errorf("a watch from %s: %v, want 410 Gone", rv, err)
					}
					return nil
				})
			}
			proxy.resume()
			want = append(want, tt.wantAfter...)
			waitEvents(want)

			// Nothing is delivered twice: a later change is the very next
			// event.
			if _, err := cms.Create(ctx, configMap("default", "e", nil), nil); err != nil {
				t.Fatal(err)
			}
			want = append(want, "add e")
			waitEvents(want)

			// The cache is the server's state, versions included.
			l, err := cms.List(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			var server, cache []string
			for _, cm := range l.Items {
				server = append(server, cm.Name+"@"+cm.ResourceVersion)
			}
			for _, cm := range inf.List() {
				cache = append(cache, cm.Name+"@"+cm.ResourceVersion)
			}
			slices.Sort(server)
			slices.Sort(cache)
			if !slices.Equal(cache, server) {
				t.Errorf("cache %v, server %v", cache, server)
			}
			if lists, watches := reqs.counts(); lists != tt.wantLists || watches < 2 {
				t.Errorf("%d lists and %d watches, want %d lists and at least 2 watches", lists, watches, tt.wantLists)
			}
		})
	}
}
