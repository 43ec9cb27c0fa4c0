package client_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/client"
)

// These tests pin the transport's own contract with small handlers; the
// API behaviour through it is tested against the real server by every
// eachTransport test.

func serveOnce(t *testing.T, h http.Handler, ctx context.Context) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://in-process/x?a=b", nil)
	if err != nil {
		t.Fatal(err)
	}
	return client.HandlerTransport(h).RoundTrip(req)
}

func TestHandlerTransportStreams(t *testing.T) {
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RequestURI() != "/x?a=b" || r.RequestURI != "/x?a=b" || r.Method != http.MethodGet {
			http.Error(w, "bad request line", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte("first\n"))
		w.(http.Flusher).Flush()
		<-release // the client must get "first" while the handler still runs
		w.Write([]byte("second\n"))
	})
	resp, err := serveOnce(t, h, t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("response %d %q, want 202 application/json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	br := bufio.NewReader(resp.Body)
	if line, err := br.ReadString('\n'); err != nil || line != "first\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	close(release)
	rest, err := io.ReadAll(br)
	if err != nil || string(rest) != "second\n" {
		t.Errorf("rest %q, %v, want second", rest, err)
	}
}

func TestHandlerTransportImplicitHeader(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>hi</html>")) })
	resp, err := serveOnce(t, h, t.Context())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || string(b) != "<html>hi</html>" {
		t.Errorf("got %d %q %q, want 200 text/html and the body", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}

	silent := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	resp, err = serveOnce(t, silent, t.Context())
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("silent handler: %v", err)
	}
	if b, err := io.ReadAll(resp.Body); err != nil || len(b) != 0 {
		t.Errorf("silent handler body %q, %v", b, err)
	}
}

func TestHandlerTransportPanics(t *testing.T) {
	early := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	if _, err := serveOnce(t, early, t.Context()); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("panic before the header: err = %v, want it reported", err)
	}
	late := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	resp, err := serveOnce(t, late, t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("panic after the header: the body read did not fail")
	}
}

func TestHandlerTransportCancel(t *testing.T) {
	started, handlerDone := make(chan struct{}), make(chan error, 1)
	blocking := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
		handlerDone <- r.Context().Err()
	})
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { _, err := serveOnce(t, blocking, ctx); errc <- err }()
	<-started
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled before the header: %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("RoundTrip did not return after cancel")
	}
	if err := <-handlerDone; !errors.Is(err, context.Canceled) {
		t.Errorf("the handler's context: %v, want cancelled", err)
	}

	// Cancelled while streaming: the body fails with the context's error.
	streaming := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	ctx, cancel = context.WithCancel(t.Context())
	resp, err := serveOnce(t, streaming, ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, context.Canceled) {
		t.Errorf("body after cancel: %v, want context.Canceled", err)
	}
}
