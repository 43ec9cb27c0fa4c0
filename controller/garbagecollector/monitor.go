package garbagecollector

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// monitor keeps the graph up to date with one resource: it lists the
// objects' metadata, then watches from the list's resourceVersion,
// resuming when a watch ends and re-listing on 410 Gone. It is an
// informer whose cache is the graph: the objects themselves are reduced
// to their nodes at once, never held.
type monitor struct {
	res      *client.APIResource
	mc       *client.MetadataClient
	g        *graph
	log      logr.Logger
	pageSize int64

	synced atomic.Bool
	cancel context.CancelFunc
	done   chan struct{}
}

func newMonitor(res *client.APIResource, c *client.Client, g *graph, log logr.Logger, pageSize int64) *monitor {
	return &monitor{res: res, mc: client.Metadata(c, res.GVR(), res.Namespaced), g: g, log: log, pageSize: pageSize,
		cancel: func() {}, done: make(chan struct{})}
}

func (m *monitor) run(ctx context.Context) {
	defer close(m.done)
	delay := 100 * time.Millisecond
	backoff := func() bool {
		t := time.NewTimer(delay + rand.N(delay/2+1))
		defer t.Stop()
		delay = min(2*delay, 30*time.Second)
		select {
		case <-t.C:
			return true
		case <-ctx.Done():
			return false
		}
	}
	rv, needList := "", true
	for ctx.Err() == nil {
		if needList {
			var err error
			if rv, err = m.list(ctx); err != nil {
				if ctx.Err() == nil {
					m.log.V(1).Info("list failed; retrying", "resource", m.res.GVR().String(), "err", err.Error())
				}
				if !backoff() {
					return
				}
				continue
			}
			needList = false
			m.synced.Store(true)
		}
		err := m.watch(ctx, &rv)
		switch {
		case ctx.Err() != nil:
			return
		case err == nil || errors.Is(err, io.EOF):
			delay = 100 * time.Millisecond
		case client.IsExpired(err):
			needList = true
		default:
			m.log.V(1).Info("watch failed; retrying", "resource", m.res.GVR().String(), "err", err.Error())
			if !backoff() {
				return
			}
		}
	}
}

// list puts every object in the graph, page by page (one consistent
// snapshot; a page's metadata is dropped once applied), removes those
// gone since the last list, and returns the snapshot's resourceVersion.
func (m *monitor) list(ctx context.Context) (string, error) {
	seen := map[meta.UID]struct{}{}
	var rv, cont string
	for {
		l, err := m.mc.List(ctx, &client.ListOptions{Limit: m.pageSize, Continue: cont})
		if err != nil {
			if cont != "" && client.IsExpired(err) {
				cont = "" // the snapshot is gone: start over
				continue
			}
			return "", err
		}
		if cont == "" {
			rv = l.ResourceVersion
		}
		for i := range l.Items {
			om := &l.Items[i].ObjectMeta
			seen[om.UID] = struct{}{}
			m.g.apply(m.g.eventFor(m.res, om, false))
		}
		if cont = l.Continue; cont == "" {
			break
		}
	}
	// What the graph holds of the resource but the list did not show was
	// deleted while no watch ran.
	m.g.removeObserved(m.res, func(uid meta.UID) bool {
		_, ok := seen[uid]
		return ok
	})
	return rv, nil
}

// watch applies the changes after *rv until the watch ends, advancing
// *rv.
func (m *monitor) watch(ctx context.Context, rv *string) error {
	w, err := m.mc.Watch(ctx, &client.WatchOptions{
		ResourceVersion: *rv, AllowWatchBookmarks: true,
		// Spread re-watches over time, as client-go does.
		TimeoutSeconds: int64(300 + rand.IntN(300)),
	})
	if err != nil {
		return err
	}
	defer w.Stop()
	for {
		ev, err := w.Next()
		if err != nil {
			return err
		}
		om := &ev.Object.ObjectMeta
		switch ev.Type {
		case client.Added, client.Modified:
			m.g.apply(m.g.eventFor(m.res, om, false))
		case client.Deleted:
			m.g.apply(m.g.eventFor(m.res, om, true))
		}
		if om.ResourceVersion != "" {
			*rv = om.ResourceVersion
		}
	}
}

// forget removes from the graph every object the monitor put there, once
// it has stopped: its resource is no longer served.
func (m *monitor) forget() {
	<-m.done
	m.g.removeObserved(m.res, func(meta.UID) bool { return false })
}
