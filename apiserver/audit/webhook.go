package audit

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// WebhookOptions configure a webhook backend (kube-apiserver's
// --audit-webhook-* flags, batch mode).
type WebhookOptions struct {
	// Kubeconfig is the path of a kubeconfig file describing the webhook,
	// as kube-apiserver's --audit-webhook-config-file: the current
	// context's cluster server is the URL events are posted to (its path
	// included), its certificate-authority[-data] verifies the server, and
	// the user's client certificate or token authenticates spar. Required.
	Kubeconfig string
	// BufferSize is the number of events queued for sending; when it is
	// full, Process drops the event and returns ErrBufferFull. Default
	// 10000.
	BufferSize int
	// MaxBatchSize is the largest number of events in one request.
	// Default 400.
	MaxBatchSize int
	// MaxBatchWait is the longest an event waits for its batch to fill
	// before the batch is sent. Default 30s.
	MaxBatchWait time.Duration
	// InitialBackoff is the wait before the first retry of a failed batch;
	// each further wait is 1.5 times longer, ±20% jitter. A batch is
	// retried on connection errors, 5xx and 429 answers (after the
	// Retry-After the server asks for, if longer). Default 10s.
	InitialBackoff time.Duration
	// MaxAttempts is the number of times a batch is sent before its
	// events are dropped (and logged). Default 5.
	MaxAttempts int
	// Timeout bounds each request. Default 30s.
	Timeout time.Duration
	// ShutdownTimeout bounds how long Close sends what is queued before
	// it gives up on it. Default 30s.
	ShutdownTimeout time.Duration
	// Logger receives delivery failures. Default: discard.
	Logger logr.Logger
}

// Webhook defaults.
const (
	DefaultWebhookBufferSize     = 10000
	DefaultWebhookMaxBatchSize   = 400
	DefaultWebhookMaxBatchWait   = 30 * time.Second
	DefaultWebhookInitialBackoff = 10 * time.Second
	DefaultWebhookMaxAttempts    = 5
)

// ErrBufferFull is returned by Webhook.Process when the queue is full: the
// webhook is slower than the API server, or down.
var ErrBufferFull = errors.New("audit: webhook buffer full, event dropped")

// Webhook is a Backend that posts events in batches, as an
// audit.k8s.io/v1 EventList, to an HTTP endpoint. Events are queued by
// Process and sent by one goroutine: a batch is sent when it has
// MaxBatchSize events or its first event has waited MaxBatchWait, and
// retried with backoff, one batch at a time, so a webhook sees batches in
// order.
type Webhook struct {
	url      string
	client   *http.Client
	token    func() string
	opts     WebhookOptions
	log      logr.Logger
	queue    chan *Event
	closing  chan struct{}
	done     chan struct{}
	ctx      context.Context // cancelled when Close gives up
	cancel   context.CancelFunc
	shutdown sync.Once
}

// NewWebhook starts a webhook backend.
func NewWebhook(opts WebhookOptions) (*Webhook, error) {
	if opts.Kubeconfig == "" {
		return nil, errors.New("audit: the webhook backend needs a kubeconfig")
	}
	cfg, err := client.LoadKubeconfig(opts.Kubeconfig, "")
	if err != nil {
		return nil, fmt.Errorf("audit: webhook: %w", err)
	}
	if opts.BufferSize <= 0 {
		opts.BufferSize = DefaultWebhookBufferSize
	}
	if opts.MaxBatchSize <= 0 {
		opts.MaxBatchSize = DefaultWebhookMaxBatchSize
	}
	if opts.MaxBatchWait <= 0 {
		opts.MaxBatchWait = DefaultWebhookMaxBatchWait
	}
	if opts.InitialBackoff <= 0 {
		opts.InitialBackoff = DefaultWebhookInitialBackoff
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultWebhookMaxAttempts
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 30 * time.Second
	}
	w := &Webhook{opts: opts, log: opts.Logger, queue: make(chan *Event, opts.BufferSize),
		closing: make(chan struct{}), done: make(chan struct{})}
	if w.log.GetSink() == nil {
		w.log = logr.Discard()
	}
	if w.url, err = webhookURL(cfg); err != nil {
		return nil, err
	}
	tc, err := tlsConfig(&cfg.TLS)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tc
	if cfg.ProxyURL != "" {
		u, err := url.Parse(cfg.ProxyURL)
		if err != nil {
			return nil, fmt.Errorf("audit: webhook proxy-url: %w", err)
		}
		tr.Proxy = http.ProxyURL(u)
	}
	w.client = &http.Client{Transport: tr}
	w.token = func() string { return cfg.BearerToken }
	if cfg.BearerTokenFile != "" {
		file, fallback := cfg.BearerTokenFile, cfg.BearerToken
		w.token = func() string { // re-read: projected tokens rotate
			if b, err := os.ReadFile(file); err == nil {
				return strings.TrimSpace(string(b))
			}
			return fallback
		}
	}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	go w.run()
	return w, nil
}

func webhookURL(cfg *client.Config) (string, error) {
	host := cfg.Host
	if host == "" {
		return "", errors.New("audit: webhook: the kubeconfig's cluster has no server")
	}
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	u, err := url.Parse(host)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("audit: webhook: bad server URL %q", cfg.Host)
	}
	return u.String(), nil
}

func tlsConfig(t *client.TLSConfig) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.Insecure}
	read := func(data []byte, file, what string) ([]byte, error) {
		if len(data) > 0 || file == "" {
			return data, nil
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("audit: webhook %s: %w", what, err)
		}
		return b, nil
	}
	ca, err := read(t.CAData, t.CAFile, "certificate authority")
	if err != nil {
		return nil, err
	}
	if len(ca) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, errors.New("audit: webhook certificate authority: no PEM certificate")
		}
		tc.RootCAs = pool
	}
	cert, err := read(t.CertData, t.CertFile, "client certificate")
	if err != nil {
		return nil, err
	}
	key, err := read(t.KeyData, t.KeyFile, "client key")
	if err != nil {
		return nil, err
	}
	if len(cert) > 0 || len(key) > 0 {
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("audit: webhook client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	return tc, nil
}

// Process queues ev, or drops it with ErrBufferFull.
func (w *Webhook) Process(ev *Event) error {
	select {
	case w.queue <- ev:
		return nil
	default:
		return ErrBufferFull
	}
}

// Close sends what is queued, for at most ShutdownTimeout, then stops.
// Events that could not be sent by then are dropped (and logged).
func (w *Webhook) Close() error {
	w.shutdown.Do(func() {
		close(w.closing)
		t := time.NewTimer(w.opts.ShutdownTimeout)
		defer t.Stop()
		select {
		case <-w.done:
		case <-t.C:
			w.cancel() // the remaining sends fail at once
			<-w.done
		}
		w.cancel()
	})
	return nil
}

func (w *Webhook) run() {
	defer close(w.done)
	for {
		batch, stop := w.collect()
		if len(batch) > 0 {
			w.send(batch)
		}
		if stop {
			return
		}
	}
}

// collect returns the next batch: full, or as old as MaxBatchWait, or
// whatever is queued once Close was called (stop is then true when the
// queue is empty).
func (w *Webhook) collect() (batch []*Event, stop bool) {
	var expired <-chan time.Time
	for len(batch) < w.opts.MaxBatchSize {
		select {
		case ev := <-w.queue:
			batch = append(batch, ev)
			if expired == nil {
				t := time.NewTimer(w.opts.MaxBatchWait)
				defer t.Stop()
				expired = t.C
			}
		case <-expired:
			return batch, false
		case <-w.closing:
			for len(batch) < w.opts.MaxBatchSize {
				select {
				case ev := <-w.queue:
					batch = append(batch, ev)
				default:
					return batch, true
				}
			}
			return batch, false
		}
	}
	return batch, false
}

// send posts one batch, retrying as WebhookOptions says.
func (w *Webhook) send(batch []*Event) {
	list := EventList{TypeMeta: meta.TypeMeta{Kind: "EventList", APIVersion: APIVersion}, Items: make([]Event, len(batch))}
	for i, ev := range batch {
		list.Items[i] = *ev
	}
	body, err := json.Marshal(&list)
	if err != nil {
		w.log.Error(err, "audit webhook: encoding a batch; events dropped", "events", len(batch))
		return
	}
	delay := w.opts.InitialBackoff
	for attempt := 1; ; attempt++ {
		retryAfter, err := w.post(body)
		if err == nil {
			return
		}
		var perm *permanentError
		if errors.As(err, &perm) || attempt >= w.opts.MaxAttempts || w.ctx.Err() != nil {
			w.log.Error(err, "audit webhook: events dropped", "events", len(batch), "attempts", attempt)
			return
		}
		wait := time.Duration(float64(delay) * (0.8 + 0.4*rand.Float64()))
		wait = max(wait, retryAfter)
		w.log.V(1).Info("audit webhook: retrying", "err", err.Error(), "in", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-w.ctx.Done():
			t.Stop()
			w.log.Error(err, "audit webhook: events dropped at shutdown", "events", len(batch))
			return
		}
		delay = time.Duration(float64(delay) * 1.5)
	}
}

// permanentError is an answer a retry will not change (4xx but 429).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// post sends body once and returns the Retry-After the server asked for.
func (w *Webhook) post(body []byte) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(w.ctx, w.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return 0, &permanentError{err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if tok := w.token(); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return 0, nil
	}
	err = fmt.Errorf("audit webhook %s answered %s: %s", w.url, resp.Status, bytes.TrimSpace(msg))
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		var after time.Duration
		if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s > 0 {
			after = time.Duration(s) * time.Second
		}
		return after, err
	}
	return 0, &permanentError{err}
}
