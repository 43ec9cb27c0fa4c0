package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/time/rate"

	"github.com/spar-dev/spar/api"
)

// Config says how to reach and authenticate to an API server. The zero value
// of every field but Host means its default; LoadKubeconfig, LoadDefault and
// InClusterConfig fill one in from the usual sources.
type Config struct {
	// Host is the server's base URL, e.g. "https://127.0.0.1:6443". A host
	// without a scheme gets https when TLS settings are present, else http.
	// A path ("https://lb/k8s") prefixes every request path. Required;
	// with HandlerTransport any host will do (NewForHandler uses
	// "http://in-process").
	Host string

	// BearerToken is sent as "Authorization: Bearer <token>". Default: none.
	BearerToken string
	// BearerTokenFile is a file holding the token. It is re-read at most
	// once a minute, because projected service-account tokens rotate. Its
	// token takes precedence over BearerToken, which is used only while the
	// file cannot be read (kubeconfig's rule for token and tokenFile).
	// Default: none.
	BearerTokenFile string

	// TLS configures https connections. Ignored (and must be zero) when
	// Transport is set.
	TLS TLSConfig

	// ProxyURL is an http(s) or socks5 proxy for every request (kubeconfig's
	// proxy-url). Default: the environment's HTTPS_PROXY/HTTP_PROXY/NO_PROXY.
	ProxyURL string

	// Namespace is the namespace of the kubeconfig context, or of the pod
	// in-cluster: what a program should use when its user names none. The
	// client never applies it on its own; pass it to
	// ResourceClient.Namespace. Default: "" (LoadKubeconfig sets "default"
	// when the context has none, as kubectl does).
	Namespace string

	// UserAgent is sent with every request. Default:
	// "<program> (<os>/<arch>) spar-client".
	UserAgent string

	// Timeout bounds each request other than watches, which the server
	// ends after their timeoutSeconds; it is also sent as ?timeout= so the
	// server stops working on a request the client gave up on. Default:
	// none, requests are bounded by their context only.
	Timeout time.Duration

	// QPS and Burst limit the requests per second this client sends (a
	// token bucket of Burst tokens refilled at QPS). Default: no limit.
	// Unlike client-go (5 QPS, burst 10) spar does not throttle its own
	// components: they are expected to be fast, and the server protects
	// itself with its in-flight limit, whose 429 answers the client honours
	// (see MaxRetries). Burst defaults to ceil(QPS) when QPS is set.
	QPS   float64
	Burst int

	// MaxRetries is how many times a request answered 429 Too Many
	// Requests is sent again, each time after the delay the server asks
	// for in Retry-After (1s when absent, capped at 30s), unless the
	// context ends first. Default 10, as client-go; negative: never retry.
	// Other failures are never retried: the caller decides.
	MaxRetries int

	// Transport carries the requests instead of an http.Transport built
	// from the TLS and proxy settings, e.g. HandlerTransport for an
	// in-process server, or a wrapper for tracing. Default: built here.
	Transport http.RoundTripper

	// Scheme maps Go types to resources for Resource. Default: api.Default,
	// the built-in kinds. A program with typed custom resources passes a
	// scheme with them registered.
	Scheme *api.Scheme

	// WarningHandler receives each Warning header of a response (the
	// server's deprecation and validation warnings), unquoted. Default:
	// logged at V(1) to the request context's logr logger
	// (logr.FromContext), else to Logger.
	WarningHandler func(ctx context.Context, message string)

	// Logger is the client's fallback logger. Default: discard.
	Logger logr.Logger
}

// TLSConfig is the TLS side of a Config. Data fields take precedence over
// the matching file fields. Files are read once, by New.
type TLSConfig struct {
	// CAFile and CAData are PEM certificates of the authorities that sign
	// the server's certificate. Default: the system's roots.
	CAFile string
	CAData []byte
	// CertFile/KeyFile or CertData/KeyData are a PEM client certificate
	// and its key, for servers that authenticate clients by certificate.
	// Default: none.
	CertFile, KeyFile string
	CertData, KeyData []byte
	// Insecure skips verification of the server's certificate: for tests
	// only. Default false.
	Insecure bool
	// ServerName is the name the server's certificate must carry, when it
	// differs from Host's. Default: Host's host name.
	ServerName string
}

func (t *TLSConfig) isZero() bool {
	return t.CAFile == "" && len(t.CAData) == 0 && t.CertFile == "" && t.KeyFile == "" &&
		len(t.CertData) == 0 && len(t.KeyData) == 0 && !t.Insecure && t.ServerName == ""
}

// Client talks to one API server. It is safe for concurrent use; create one
// per server and share it. Resource and Dynamic give typed access to
// resources; Do sends any other request.
type Client struct {
	base       string // scheme://host[/prefix], no trailing slash
	http       *http.Client
	scheme     *api.Scheme
	namespace  string
	userAgent  string
	timeout    time.Duration
	maxRetries int
	limiter    *rate.Limiter
	token      func() (string, error)
	warn       func(ctx context.Context, msg string)
	log        logr.Logger
}

// New returns a client for cfg.
func New(cfg *Config) (*Client, error) {
	if cfg == nil {
		return nil, errors.New("client: nil Config")
	}
	base, err := baseURL(cfg)
	if err != nil {
		return nil, err
	}
	rt := cfg.Transport
	if rt == nil {
		if rt, err = newTransport(cfg); err != nil {
			return nil, err
		}
	} else if !cfg.TLS.isZero() || cfg.ProxyURL != "" {
		return nil, errors.New("client: Config.Transport cannot be combined with TLS or ProxyURL settings")
	}
	c := &Client{
		base:       base,
		http:       &http.Client{Transport: rt},
		scheme:     cfg.Scheme,
		namespace:  cfg.Namespace,
		userAgent:  cfg.UserAgent,
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		warn:       cfg.WarningHandler,
		log:        cfg.Logger,
	}
	if c.scheme == nil {
		c.scheme = api.Default
	}
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent()
	}
	if c.maxRetries == 0 {
		c.maxRetries = 10
	}
	if cfg.QPS > 0 {
		burst := cfg.Burst
		if burst <= 0 {
			burst = int(math.Ceil(cfg.QPS))
		}
		c.limiter = rate.NewLimiter(rate.Limit(cfg.QPS), burst)
	}
	switch {
	case cfg.BearerTokenFile != "":
		c.token = fileToken(cfg.BearerTokenFile, cfg.BearerToken, time.Minute)
	case cfg.BearerToken != "":
		tok := cfg.BearerToken
		c.token = func() (string, error) { return tok, nil }
	}
	if c.warn == nil {
		c.warn = c.logWarning
	}
	return c, nil
}

// NewForHandler returns a client whose requests h serves in-process, with
// no socket: for programs that embed the API server (see HandlerTransport).
// It uses the default Config otherwise.
func NewForHandler(h http.Handler) *Client {
	c, err := New(&Config{Host: inProcessHost, Transport: HandlerTransport(h)})
	if err != nil {
		panic(err) // unreachable: the config is valid
	}
	return c
}

// Scheme returns the scheme Resource looks types up in.
func (c *Client) Scheme() *api.Scheme { return c.scheme }

// Namespace returns the configured default namespace (Config.Namespace).
func (c *Client) Namespace() string { return c.namespace }

func (c *Client) logWarning(ctx context.Context, msg string) {
	log := c.log
	if l, err := logr.FromContext(ctx); err == nil {
		log = l
	}
	log.V(1).Info("warning from the API server", "warning", msg)
}

func defaultUserAgent() string {
	prog := "spar"
	if len(os.Args) > 0 && os.Args[0] != "" {
		prog = filepath.Base(os.Args[0])
	}
	return fmt.Sprintf("%s (%s/%s) spar-client", prog, runtime.GOOS, runtime.GOARCH)
}

func baseURL(cfg *Config) (string, error) {
	host := cfg.Host
	if host == "" {
		return "", errors.New("client: Config.Host is required")
	}
	if !strings.Contains(host, "://") {
		scheme := "http"
		if !cfg.TLS.isZero() {
			scheme = "https"
		}
		host = scheme + "://" + host
	}
	u, err := url.Parse(host)
	if err != nil {
		return "", fmt.Errorf("client: Config.Host: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("client: Config.Host %q: scheme must be http or https", cfg.Host)
	}
	if u.Host == "" {
		return "", fmt.Errorf("client: Config.Host %q has no host", cfg.Host)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("client: Config.Host %q must not have a query or fragment", cfg.Host)
	}
	return strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// newTransport builds an http.Transport from the TLS and proxy settings.
func newTransport(cfg *Config) (http.RoundTripper, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// Controllers send many concurrent requests to one host; keep their
	// connections (the default of 2 idle connections would churn).
	t.MaxIdleConnsPerHost = 100
	if cfg.ProxyURL != "" {
		u, err := url.Parse(cfg.ProxyURL)
		if err != nil {
			return nil, fmt.Errorf("client: Config.ProxyURL: %w", err)
		}
		t.Proxy = http.ProxyURL(u)
	}
	tc, err := cfg.TLS.build()
	if err != nil {
		return nil, err
	}
	t.TLSClientConfig = tc
	return t, nil
}

func (t *TLSConfig) build() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.Insecure}
	ca := t.CAData
	if len(ca) == 0 && t.CAFile != "" {
		var err error
		if ca, err = os.ReadFile(t.CAFile); err != nil {
			return nil, fmt.Errorf("client: reading the CA file: %w", err)
		}
	}
	if len(ca) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, errors.New("client: the CA data holds no PEM certificate")
		}
		tc.RootCAs = pool
	}
	cert, key := t.CertData, t.KeyData
	var err error
	if len(cert) == 0 && t.CertFile != "" {
		if cert, err = os.ReadFile(t.CertFile); err != nil {
			return nil, fmt.Errorf("client: reading the client certificate: %w", err)
		}
	}
	if len(key) == 0 && t.KeyFile != "" {
		if key, err = os.ReadFile(t.KeyFile); err != nil {
			return nil, fmt.Errorf("client: reading the client key: %w", err)
		}
	}
	switch {
	case len(cert) > 0 && len(key) > 0:
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("client: the client certificate and key: %w", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	case len(cert) > 0 || len(key) > 0:
		return nil, errors.New("client: a client certificate needs both the certificate and its key")
	}
	return tc, nil
}

// fileToken reads a bearer token from path, re-reading it when the copy is
// older than maxAge. A failed read keeps the last good token (initially
// fallback), as a rotating file may briefly be missing while it is
// replaced.
func fileToken(path, fallback string, maxAge time.Duration) func() (string, error) {
	var (
		mu   sync.Mutex
		tok  = fallback
		read time.Time
	)
	return func() (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if tok != "" && time.Since(read) < maxAge {
			return tok, nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			if tok != "" {
				return tok, nil
			}
			return "", fmt.Errorf("client: reading the bearer token file: %w", err)
		}
		tok, read = strings.TrimSpace(string(b)), time.Now()
		return tok, nil
	}
}
