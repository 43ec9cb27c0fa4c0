package audit_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/apiserver/audit"
)

// numbered returns an event whose AuditID is its sequence number, padded
// with an annotation to about size bytes.
func numbered(i, size int) *audit.Event {
	return &audit.Event{
		Level: audit.LevelMetadata, Stage: audit.StageResponseComplete, AuditID: strconv.Itoa(i),
		Annotations: map[string]string{"pad": strings.Repeat("p", size)},
	}
}

// TestLogRotation writes 4 MB of events to a log rotated at 1 MB keeping
// 2 backups, writing each event in Process (Blocking) and in batches from
// the background writer: every file is whole lines of JSON, the live file
// stays under the limit, old files are pruned, and the kept lines are the
// newest ones, in order, without a gap.
func TestLogRotation(t *testing.T) {
	for _, blocking := range []bool{true, false} {
		t.Run(fmt.Sprintf("blocking=%v", blocking), func(t *testing.T) { testLogRotation(t, blocking) })
	}
}

func testLogRotation(t *testing.T, blocking bool) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.log")
	l, err := audit.NewLog(audit.LogOptions{Path: path, MaxSize: 1, MaxBackups: 2, Blocking: blocking})
	if err != nil {
		t.Fatal(err)
	}
	// Backups are named by the millisecond of their rotation; a rotation
	// within the same millisecond as the previous one would overwrite its
	// backup. A file holds about 250 of these events, so stepping to the
	// next millisecond every 200 events keeps rotations apart (the
	// background writer is flushed first, so that its writes, and
	// rotations, happen before the step).
	const n = 1000
	for i := range n {
		if i%200 == 0 {
			if err := l.Flush(); err != nil {
				t.Fatal(err)
			}
			for ms := time.Now().UnixMilli(); time.Now().UnixMilli() == ms; {
				runtime.Gosched()
			}
		}
		if err := l.Process(numbered(i, 4000)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// Pruning runs in the background after a rotation.
	var files []string
	deadline := time.Now().Add(20 * time.Second)
	for {
		files, _ = filepath.Glob(filepath.Join(dir, "audit*.log"))
		if len(files) <= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(files) != 3 {
		t.Fatalf("files %v, want audit.log and 2 backups", files)
	}
	// Backups are named audit-<timestamp>.log: sorted, they come oldest
	// first, and before audit.log ('-' < '.'), the newest.
	slices.Sort(files)
	var ids []int
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) > 1<<20 {
			t.Errorf("%s is %d bytes, over the 1 MB limit", f, len(raw))
		}
		if len(raw) == 0 || raw[len(raw)-1] != '\n' {
			t.Errorf("%s does not end with a whole line", f)
		}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev audit.Event
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatalf("%s: a line is not an event: %v", f, err)
			}
			id, _ := strconv.Atoi(ev.AuditID)
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 || ids[len(ids)-1] != n-1 {
		t.Fatalf("the kept events end with %v, want the last written (%d)", ids[max(0, len(ids)-1):], n-1)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] != ids[i-1]+1 {
			t.Fatalf("kept events jump from %d to %d", ids[i-1], ids[i])
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the log file mode = %v, %v; want 600", fi.Mode().Perm(), err)
	}
}

// logLines reads a log file's events.
func logLines(t *testing.T, path string) []audit.Event {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var evs []audit.Event
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev audit.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("a line is not an event: %v\n%s", err, sc.Bytes())
		}
		evs = append(evs, ev)
	}
	return evs
}

func newLog(t *testing.T, opts audit.LogOptions) (*audit.Log, string) {
	t.Helper()
	if opts.Path == "" {
		opts.Path = filepath.Join(t.TempDir(), "audit.log")
	}
	l, err := audit.NewLog(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, opts.Path
}

// TestLogFlushInterval: the background writer writes an event on its own,
// without Flush or Close, once its interval has passed.
func TestLogFlushInterval(t *testing.T) {
	l, path := newLog(t, audit.LogOptions{FlushInterval: 5 * time.Millisecond})
	if err := l.Process(numbered(1, 10)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the event in the file", func() bool { return len(logLines(t, path)) == 1 })
	if err := l.Process(numbered(2, 10)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second event in the file", func() bool { return len(logLines(t, path)) == 2 })
}

// TestLogFlushAndClose: with an interval that never passes in the test,
// Flush writes what was given before it, and Close everything else: a
// graceful shutdown loses nothing, and the lines are in Process order.
func TestLogFlushAndClose(t *testing.T) {
	l, path := newLog(t, audit.LogOptions{FlushInterval: time.Hour})
	for i := range 10 {
		if err := l.Process(numbered(i, 10)); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(logLines(t, path)); got != 0 {
		t.Fatalf("%d events written before the interval, Flush or Close", got)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := len(logLines(t, path)); got != 10 {
		t.Fatalf("after Flush the file has %d events, want 10", got)
	}
	// Flush with nothing queued returns at once.
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	const n = 20000 // more than a 256 KiB write
	for i := 10; i < n; i++ {
		if err := l.Process(numbered(i, 100)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	evs := logLines(t, path)
	if len(evs) != n {
		t.Fatalf("after Close the file has %d events, want %d", len(evs), n)
	}
	for i, ev := range evs {
		if ev.AuditID != strconv.Itoa(i) {
			t.Fatalf("line %d is event %s, want %d: out of order", i, ev.AuditID, i)
		}
	}
	if err := l.Process(numbered(n, 10)); !errors.Is(err, audit.ErrClosed) {
		t.Errorf("Process after Close = %v, want ErrClosed", err)
	}
	if err := l.Flush(); err != nil {
		t.Errorf("Flush after Close = %v", err)
	}
}

// TestLogConcurrentWriters: events from many goroutines all arrive, each
// goroutine's in the order it gave them;
// with a queue of one event Process waits for the writer instead of
// dropping.
func TestLogConcurrentWriters(t *testing.T) {
	for _, size := range []int{1, 0} {
		t.Run(fmt.Sprintf("buffer=%d", size), func(t *testing.T) {
			l, path := newLog(t, audit.LogOptions{FlushInterval: time.Millisecond, BufferSize: size})
			const writers, each = 8, 500
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						ev := numbered(i, 10)
						ev.AuditID = fmt.Sprintf("%d-%d", w, i)
						if err := l.Process(ev); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			next := make([]int, writers)
			evs := logLines(t, path)
			for _, ev := range evs {
				var w, i int
				if _, err := fmt.Sscanf(ev.AuditID, "%d-%d", &w, &i); err != nil {
					t.Fatalf("audit ID %q: %v", ev.AuditID, err)
				}
				if i != next[w] {
					t.Fatalf("writer %d: event %d follows %d", w, i, next[w]-1)
				}
				next[w]++
			}
			if len(evs) != writers*each {
				t.Errorf("%d events written, want %d", len(evs), writers*each)
			}
		})
	}
}

// TestLogBadEvent: an event that cannot be encoded is left out, and its
// error comes back from the next call; the events around it are written.
func TestLogBadEvent(t *testing.T) {
	for _, blocking := range []bool{true, false} {
		t.Run(fmt.Sprintf("blocking=%v", blocking), func(t *testing.T) {
			l, path := newLog(t, audit.LogOptions{Blocking: blocking, FlushInterval: time.Hour})
			bad := numbered(1, 10)
			bad.RequestObject = json.RawMessage(`{"not json`)
			var errs []error
			for _, ev := range []*audit.Event{numbered(0, 10), bad, numbered(2, 10)} {
				errs = append(errs, l.Process(ev))
			}
			errs = append(errs, l.Flush())
			if err := errors.Join(errs...); err == nil || !strings.Contains(err.Error(), "event 1") {
				t.Errorf("errors %v, want one about event 1", err)
			}
			var ids []string
			for _, ev := range logLines(t, path) {
				ids = append(ids, ev.AuditID)
			}
			if !slices.Equal(ids, []string{"0", "2"}) {
				t.Errorf("written %v, want [0 2]", ids)
			}
		})
	}
}

// hook is an httptest webhook that records the batches it accepts and
// answers with the codes in fail first.
type hook struct {
	*httptest.Server
	mu       sync.Mutex
	attempts int
	batches  [][]string // AuditIDs per accepted batch
	bodies   [][]byte   // every request body
	fail     []int
	token    string
	arrived  chan struct{}
	release  chan struct{} // when set, requests wait for it
}

func newHook(t *testing.T, tls bool, fail ...int) *hook {
	h := &hook{fail: fail, arrived: make(chan struct{}, 1000)}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.arrived <- struct{}{}
		if h.release != nil {
			<-h.release
		}
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.attempts++
		h.bodies = append(h.bodies, body)
		if r.URL.Path != "/audit/events" || r.Method != "POST" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "wrong request "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		if h.token != "" && r.Header.Get("Authorization") != "Bearer "+h.token {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		if len(h.fail) > 0 {
			code := h.fail[0]
			h.fail = h.fail[1:]
			http.Error(w, "failing on purpose", code)
			return
		}
		var list audit.EventList
		if err := json.Unmarshal(body, &list); err != nil || list.Kind != "EventList" || list.APIVersion != "audit.k8s.io/v1" {
			http.Error(w, fmt.Sprintf("not an EventList: %v", err), http.StatusBadRequest)
			return
		}
		var ids []string
		for _, ev := range list.Items {
			ids = append(ids, ev.AuditID)
		}
		h.batches = append(h.batches, ids)
	})
	if tls {
		h.Server = httptest.NewTLSServer(handler)
	} else {
		h.Server = httptest.NewServer(handler)
	}
	t.Cleanup(h.Close)
	return h
}

func (h *hook) state() (attempts int, batches [][]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.attempts, slices.Clone(h.batches)
}

// kubeconfig writes a kubeconfig naming the hook.
func (h *hook) kubeconfig(t *testing.T) string {
	t.Helper()
	cluster := "    server: " + h.URL + "/audit/events\n"
	if h.Certificate() != nil {
		ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: h.Certificate().Raw})
		cluster += "    certificate-authority-data: " + base64.StdEncoding.EncodeToString(ca) + "\n"
	}
	user := "  user: {}\n"
	if h.token != "" {
		user = "  user:\n    token: " + h.token + "\n"
	}
	cfg := "apiVersion: v1\nkind: Config\nclusters:\n- name: audit\n  cluster:\n" + cluster +
		"users:\n- name: spar\n" + user +
		"contexts:\n- name: audit\n  context: {cluster: audit, user: spar}\ncurrent-context: audit\n"
	path := filepath.Join(t.TempDir(), "webhook.kubeconfig")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitFor polls cond until it holds, failing after 20s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newWebhook(t *testing.T, opts audit.WebhookOptions) *audit.Webhook {
	t.Helper()
	w, err := audit.NewWebhook(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func TestWebhookBatchSize(t *testing.T) {
	h := newHook(t, true)
	h.token = "audit-token"
	w := newWebhook(t, audit.WebhookOptions{Kubeconfig: h.kubeconfig(t), MaxBatchSize: 10, MaxBatchWait: time.Hour})
	for i := range 25 {
		if err := w.Process(numbered(i, 10)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "two full batches", func() bool { _, b := h.state(); return len(b) == 2 })
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	attempts, batches := h.state()
	var sizes []int
	var all []string
	for _, b := range batches {
		sizes = append(sizes, len(b))
		all = append(all, b...)
	}
	if fmt.Sprint(sizes) != "[10 10 5]" || attempts != 3 {
		t.Errorf("batch sizes %v in %d requests, want [10 10 5] (two full, the rest flushed by Close) in 3", sizes, attempts)
	}
	for i, id := range all {
		if id != strconv.Itoa(i) {
			t.Fatalf("event %d of the stream is %s: order not kept", i, id)
		}
	}
}

// TestWebhookBatchWait: events are sent once their batch has waited
// MaxBatchWait, without filling it or closing the backend.
func TestWebhookBatchWait(t *testing.T) {
	h := newHook(t, false)
	w := newWebhook(t, audit.WebhookOptions{Kubeconfig: h.kubeconfig(t), MaxBatchSize: 100, MaxBatchWait: 20 * time.Millisecond})
	for i := range 4 {
		w.Process(numbered(i, 10))
	}
	var all []string
	waitFor(t, "the events sent after MaxBatchWait", func() bool {
		_, batches := h.state()
		all = slices.Concat(batches...)
		return len(all) == 4
	})
	if fmt.Sprint(all) != "[0 1 2 3]" {
		t.Errorf("events sent %v, want [0 1 2 3] in order", all)
	}
}

func TestWebhookRetries(t *testing.T) {
	cases := []struct {
		name     string
		fail     []int
		attempts int
		accepted bool
	}{
		{"5xx then success", []int{503, 500}, 3, true},
		{"429 then success", []int{429}, 2, true},
		{"always 5xx", []int{500, 500, 500, 500, 500}, 3, false},
		{"4xx is not retried", []int{400}, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHook(t, false, tc.fail...)
			w := newWebhook(t, audit.WebhookOptions{Kubeconfig: h.kubeconfig(t), MaxBatchSize: 2, InitialBackoff: time.Millisecond, MaxAttempts: 3})
			w.Process(numbered(0, 10))
			w.Process(numbered(1, 10))
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			attempts, batches := h.state()
			if attempts != tc.attempts || (len(batches) == 1) != tc.accepted {
				t.Errorf("%d attempts, %d batches accepted; want %d attempts, accepted %v", attempts, len(batches), tc.attempts, tc.accepted)
			}
			for i := 1; i < len(h.bodies); i++ {
				if !bytes.Equal(h.bodies[i], h.bodies[0]) {
					t.Errorf("retry %d sent another body", i)
				}
			}
		})
	}
}

// TestWebhookBufferFull: with the webhook stuck, the queue fills and
// events are refused rather than blocking the request.
func TestWebhookBufferFull(t *testing.T) {
	h := newHook(t, false)
	h.release = make(chan struct{})
	w := newWebhook(t, audit.WebhookOptions{Kubeconfig: h.kubeconfig(t), BufferSize: 2, MaxBatchSize: 1, ShutdownTimeout: time.Millisecond})
	w.Process(numbered(0, 10))
	<-h.arrived // the sender holds event 0 and waits for the webhook
	for i := 1; i <= 2; i++ {
		if err := w.Process(numbered(i, 10)); err != nil {
			t.Fatalf("event %d with room in the queue: %v", i, err)
		}
	}
	if err := w.Process(numbered(3, 10)); !errors.Is(err, audit.ErrBufferFull) {
		t.Errorf("Process with a full queue: err = %v, want ErrBufferFull", err)
	}
	close(h.release)
}

func TestWebhookKubeconfigErrors(t *testing.T) {
	if _, err := audit.NewWebhook(audit.WebhookOptions{}); err == nil {
		t.Error("NewWebhook without a kubeconfig succeeded")
	}
	if _, err := audit.NewWebhook(audit.WebhookOptions{Kubeconfig: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("NewWebhook with a missing kubeconfig succeeded")
	}
}
