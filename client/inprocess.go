package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// inProcessHost is the Host of NewForHandler clients; the handler sees it
// as the request's host.
const inProcessHost = "http://in-process"

// HandlerTransport returns a RoundTripper that serves each request by
// calling h directly, in the same process, with no socket: an embedding
// program (an all-in-one cluster, a test) talks to its API server handler
// through the same client code as over the network. Use it as
// Config.Transport, or through NewForHandler.
//
// Responses stream: the handler runs in its own goroutine and writes into
// a pipe that the response body reads, and the ResponseWriter implements
// http.Flusher, so a watch delivers each event as the server flushes it.
// The response is returned once the handler has written its header. When
// the request's context ends, the body fails with the context's error and
// the handler sees its request context done. Connection hijacking (exec,
// attach, port-forward upgrades) is not supported.
func HandlerTransport(h http.Handler) http.RoundTripper { return &handlerTransport{h: h} }

type handlerTransport struct{ h http.Handler }

// RoundTrip implements http.RoundTripper.
func (t *handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	// The handler gets a server-side request, as net/http would build it.
	sreq := req.Clone(ctx)
	sreq.RequestURI = req.URL.RequestURI()
	sreq.Host = req.URL.Host
	sreq.RemoteAddr = "in-process"
	sreq.Proto, sreq.ProtoMajor, sreq.ProtoMinor = "HTTP/1.1", 1, 1
	if sreq.Body == nil {
		sreq.Body = http.NoBody
	}

	pr, pw := io.Pipe()
	rw := &pipeWriter{header: http.Header{}, pw: pw, bw: bufio.NewWriterSize(pw, 4096), ready: make(chan struct{})}
	go func() {
		defer func() {
			if req.Body != nil {
				req.Body.Close()
			}
			if v := recover(); v != nil {
				err := fmt.Errorf("client: the in-process handler panicked: %v", v)
				if v == http.ErrAbortHandler {
					err = errors.New("client: the in-process handler aborted the response")
				}
				rw.abort(err)
				return
			}
			rw.finish(ctx)
		}()
		t.h.ServeHTTP(rw, sreq)
	}()

	select {
	case <-rw.ready:
	case <-ctx.Done():
		pr.CloseWithError(ctx.Err())
		return nil, ctx.Err()
	}
	if rw.err != nil {
		return nil, rw.err
	}
	// Closing the write end makes reads fail with the context's error, as
	// net/http's bodies do, and the handler's further writes fail too.
	stop := context.AfterFunc(ctx, func() { pw.CloseWithError(ctx.Err()) })
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rw.code, http.StatusText(rw.code)),
		StatusCode:    rw.code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rw.sent,
		Body:          &pipeBody{pr: pr, stop: stop},
		ContentLength: -1,
		Request:       req,
	}, nil
}

// pipeWriter is the handler's ResponseWriter. Everything but abort and
// finish runs on the handler's goroutine; RoundTrip reads code, sent and
// err only after ready is closed.
type pipeWriter struct {
	header http.Header
	pw     *io.PipeWriter
	bw     *bufio.Writer // batches small writes; Flush pushes them through
	ready  chan struct{} // closed when the header is decided
	code   int
	sent   http.Header // the header as of WriteHeader
	err    error       // the handler failed before writing a header
	wrote  bool
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(code int) {
	if w.wrote || code < 200 {
		return // a second call, or an informational 1xx: not the response
	}
	w.wrote, w.code, w.sent = true, code, w.header.Clone()
	close(w.ready)
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		if w.header.Get("Content-Type") == "" {
			w.header.Set("Content-Type", http.DetectContentType(p))
		}
		w.WriteHeader(http.StatusOK)
	}
	return w.bw.Write(p)
}

// Flush implements http.Flusher: buffered bytes go to the reader now.
func (w *pipeWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	w.bw.Flush()
}

// finish ends a response whose handler returned. If the request's context
// ended first, the handler may have stopped short: the reader gets the
// context's error rather than a clean end.
func (w *pipeWriter) finish(ctx context.Context) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if err := w.bw.Flush(); err != nil {
		w.pw.CloseWithError(err)
		return
	}
	if err := ctx.Err(); err != nil {
		w.pw.CloseWithError(err)
		return
	}
	w.pw.Close()
}

// abort ends a response whose handler panicked: before the header, the
// round trip fails; after it, the body read does.
func (w *pipeWriter) abort(err error) {
	if !w.wrote {
		w.wrote, w.err = true, err
		close(w.ready)
	}
	w.pw.CloseWithError(err)
}

// pipeBody is the response body: the read end of the pipe.
type pipeBody struct {
	pr   *io.PipeReader
	stop func() bool
}

func (b *pipeBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

// Close releases the handler: its further writes fail.
func (b *pipeBody) Close() error {
	b.stop()
	return b.pr.Close()
}
