package apiserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/watch"
)

// handleWatch streams watch events: one JSON object per line,
// {"type":"ADDED","object":{...}}, chunked, until the client goes away,
// timeoutSeconds pass, or the watcher ends.
func (s *Server) handleWatch(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType) {
	p, err := parseReadParams(info.Query, g.fieldLabels)
	if err != nil {
		writeError(w, err)
		return
	}
	if info.Name != "" {
		// GET .../pods/x?watch=true watches one object.
		nameSel := fields.OneTermEqualSelector("metadata.name", info.Name)
		if p.field == nil || p.field.Empty() {
			p.field = nameSel
		} else {
			p.field, _ = fields.Parse(p.field.String() + "," + nameSel.String())
		}
	}
	opts := watch.WatchOptions{
		Namespace:      info.Namespace,
		Label:          p.label,
		Field:          p.field,
		AllowBookmarks: p.allowBookmarks,
	}
	rv := int64(0)
	if p.resourceVersion != "" {
		rv, _ = parseRV(p.resourceVersion)
	}
	switch {
	case p.sendInitialEvents != nil && *p.sendInitialEvents:
		// Watch-list: the state (at least as new as rv; consistent when rv
		// is unset), a bookmark ending it, then changes.
		opts.SendInitialEvents, opts.InitialEventsEndBookmark = true, true
		opts.Revision = rv
		if p.resourceVersion == "" {
			if opts.Revision, err = s.store.Revision(ctx); err != nil {
				writeError(w, storeError(err, g.res, ""))
				return
			}
		}
	case p.sendInitialEvents != nil: // false: changes only
		opts.Revision = rv
	case p.resourceVersion == "" || p.resourceVersion == "0":
		// Kubernetes: the current state as ADDED events, then changes.
		opts.SendInitialEvents = true
	default:
		opts.Revision = rv
	}

	timeout := p.timeout
	if timeout == 0 {
		// Kubernetes spreads unset watch timeouts over [min, 2*min).
		min := s.cfg.MinWatchTimeout
		timeout = min + time.Duration(rand.Int64N(int64(min)))
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	wa, err := g.cache.Watch(ctx, opts)
	if err != nil {
		writeError(w, storeError(err, g.res, ""))
		return
	}
	defer wa.Stop()
	s.metrics.watchers.WithLabelValues(g.res.Group, g.res.Plural).Inc()
	defer s.metrics.watchers.WithLabelValues(g.res.Group, g.res.Plural).Dec()

	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	if flusher != nil {
		flusher.Flush()
	}
	enc := &frameEncoder{s: s, g: g, q: info.Query, table: mt == mediaTable, partial: mt == mediaPartial}
	var buf bytes.Buffer
	for {
		evs, err := wa.Next(ctx)
		if err != nil {
			switch {
			case errors.Is(err, watch.ErrExpired):
				// The client must re-list: tell it in the stream.
				st := meta.NewExpired(err.Error())
				b, _ := json.Marshal(struct {
					Type   string       `json:"type"`
					Object *meta.Status `json:"object"`
				}{"ERROR", st})
				w.Write(append(b, '\n'))
			case errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil && p.allowBookmarks:
				// Timing out: a last bookmark lets the client resume
				// without replaying anything.
				buf.Reset()
				enc.bookmark(&buf, wa.Revision(), false)
				w.Write(buf.Bytes())
			}
			if flusher != nil {
				flusher.Flush()
			}
			return
		}
		buf.Reset()
		for i := range evs {
			if err := enc.encode(&buf, &evs[i]); err != nil {
				s.log.Error(err, "encoding a watch event", "resource", g.res.Plural)
				return
			}
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
}

// frameEncoder writes watch frames. Object JSON comes from the watch
// cache's shared encodings, so an event is encoded once for all watchers.
type frameEncoder struct {
	s       *Server
	g       *registry
	q       url.Values // the request's query
	table   bool
	partial bool
	// columnsSent: only the first table frame carries column definitions.
	columnsSent bool
}

func (e *frameEncoder) encode(buf *bytes.Buffer, ev *watch.Event) error {
	if ev.Type == watch.Bookmark {
		e.bookmark(buf, ev.Revision, ev.InitialEventsEnd)
		return nil
	}
	var obj []byte
	var err error
	if e.table {
		t, terr := e.s.tableFor(e.g, e.q, []meta.Object{ev.Object}, meta.ListMeta{ResourceVersion: ev.Object.GetObjectMeta().ResourceVersion})
		if terr != nil {
			return terr
		}
		if e.columnsSent {
			t.ColumnDefinitions = nil
		}
		e.columnsSent = true
		obj, err = json.Marshal(t)
	} else if e.partial {
		obj, err = ev.Encoded(partialFormat, encodePartial)
	} else {
		obj, err = ev.Encoded(jsonFormat, encodeJSON)
	}
	if err != nil {
		return err
	}
	buf.WriteString(`{"type":"`)
	buf.WriteString(string(ev.Type))
	buf.WriteString(`","object":`)
	buf.Write(obj)
	buf.WriteString("}\n")
	return nil
}

// bookmark writes a BOOKMARK frame: an object of the watched kind carrying
// only its resourceVersion (and the initial-events-end annotation).
func (e *frameEncoder) bookmark(buf *bytes.Buffer, rev int64, initialEnd bool) {
	om := meta.ObjectMeta{ResourceVersion: formatRV(rev)}
	if initialEnd {
		om.Annotations = map[string]string{"k8s.io/initial-events-end": "true"}
	}
	b, _ := json.Marshal(struct {
		Type   string `json:"type"`
		Object struct {
			meta.TypeMeta `json:",inline"`
			Metadata      meta.ObjectMeta `json:"metadata"`
		} `json:"object"`
	}{Type: "BOOKMARK", Object: struct {
		meta.TypeMeta `json:",inline"`
		Metadata      meta.ObjectMeta `json:"metadata"`
	}{meta.TypeMeta{Kind: e.g.res.Kind, APIVersion: e.g.res.APIVersion()}, om}})
	buf.Write(b)
	buf.WriteByte('\n')
}
