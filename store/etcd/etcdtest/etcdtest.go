package etcdtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/namespace"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
)

// MaxRequestBytes is the server's request size limit. It is above etcd's
// default (1.5 MiB) so that a value of exactly store.DefaultMaxValueSize,
// plus its key and the transaction around it, still fits in one request.
const MaxRequestBytes = 2 * 1024 * 1024

// startTimeout bounds how long a start (or restart) may take before the test
// fails. An embedded single-member etcd is normally ready within a second.
const startTimeout = 30 * time.Second

// portAttempts is how many times Start picks new ports after losing a race
// for a free port to another process.
const portAttempts = 10

// Server is a running embedded etcd.
type Server struct {
	dir string

	mu        sync.Mutex
	etcd      *embed.Etcd
	clientURL url.URL
	peerURL   url.URL
	clients   []*clientv3.Client
}

// Start starts an etcd server for the test t, with its data in
// t.TempDir(), and stops it when t ends. It fails t if the server does not
// start.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := StartDir(filepath.Join(t.TempDir(), "etcd"))
	if err != nil {
		t.Fatalf("etcdtest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// StartDir starts an etcd server with its data in dir (created if needed,
// reused if it holds an earlier server's data). The caller stops it. Start
// is the usual way in tests; StartDir is for examples and benchmarks' mains.
func StartDir(dir string) (*Server, error) {
	s := &Server{dir: dir}
	if err := s.start(false); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	return s, nil
}

// Endpoints returns the server's client URLs.
func (s *Server) Endpoints() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return []string{s.clientURL.String()}
}

// NewClient returns a new client connected to the server, closed when t
// ends. If namespace is not empty, every key the client reads, writes or
// watches is transparently prefixed with it (go.etcd.io/etcd/client/v3/namespace),
// so tests can share one server without seeing each other's keys. Revisions
// and compaction stay global to the server.
func (s *Server) NewClient(t testing.TB, ns string) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{
		Endpoints:   s.Endpoints(),
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
		// Room for a request of MaxRequestBytes plus gRPC framing.
		MaxCallSendMsgSize: MaxRequestBytes + 64*1024,
		// Reconnect quickly after Restart; gRPC's default first backoff
		// is a whole second.
		DialOptions: []grpc.DialOption{grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 10 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second},
			MinConnectTimeout: 5 * time.Second,
		})},
	})
	if err != nil {
		t.Fatalf("etcdtest: new client: %v", err)
	}
	if ns != "" {
		c.KV = namespace.NewKV(c.KV, ns)
		c.Watcher = namespace.NewWatcher(c.Watcher, ns)
		c.Lease = namespace.NewLease(c.Lease, ns)
	}
	s.mu.Lock()
	s.clients = append(s.clients, c)
	s.mu.Unlock()
	t.Cleanup(func() {
		s.mu.Lock()
		s.clients = slices.DeleteFunc(s.clients, func(x *clientv3.Client) bool { return x == c })
		s.mu.Unlock()
		c.Close()
	})
	return c
}

// Stop stops the server; its data stays. Clients stay open and reconnect
// after Restart. Stop is idempotent.
func (s *Server) Stop() {
	s.mu.Lock()
	e := s.etcd
	s.etcd = nil
	s.mu.Unlock()
	if e != nil {
		e.Close()
	}
}

// Restart stops the server if it runs and starts it again on the same data
// directory, so every acknowledged write is still there. It reuses the same
// ports when it can, and otherwise moves the clients made by NewClient to the
// new ones. It fails t if the server does not come back.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	if err := s.start(true); err != nil {
		t.Fatalf("etcdtest: restart: %v", err)
	}
}

// start starts etcd, first on the current ports if reuse is set, then on
// fresh free ports until one attempt does not lose a port to another process.
func (s *Server) start(reuse bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lastErr error
	for attempt := 0; attempt < portAttempts; attempt++ {
		if !reuse || attempt > 0 {
			cu, err := freeURL()
			if err != nil {
				return err
			}
			pu, err := freeURL()
			if err != nil {
				return err
			}
			s.clientURL, s.peerURL = cu, pu
		}
		e, err := s.startOnce()
		if err == nil {
			s.etcd = e
			for _, c := range s.clients {
				c.SetEndpoints(s.clientURL.String())
			}
			return nil
		}
		lastErr = err
		if !errors.Is(err, syscall.EADDRINUSE) && !(reuse && attempt == 0) {
			// Not a port race. A restart on the old ports may also fail
			// for reasons such as a lingering socket, so it gets one
			// more try on fresh ports before giving up.
			return err
		}
	}
	return fmt.Errorf("no free ports after %d attempts: %w", portAttempts, lastErr)
}

func (s *Server) startOnce() (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = "etcdtest"
	cfg.Dir = s.dir
	cfg.ListenClientUrls = []url.URL{s.clientURL}
	cfg.AdvertiseClientUrls = []url.URL{s.clientURL}
	cfg.ListenPeerUrls = []url.URL{s.peerURL}
	cfg.AdvertisePeerUrls = []url.URL{s.peerURL}
	cfg.InitialCluster = cfg.Name + "=" + s.peerURL.String()
	cfg.InitialClusterToken = "etcdtest"
	cfg.MaxRequestBytes = MaxRequestBytes
	// A fast tick makes the lone member elect itself quickly at startup.
	cfg.TickMs = 10
	cfg.ElectionMs = 100
	cfg.Logger = "zap"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	cfg.EnableGRPCGateway = false
	cfg.SocketOpts.ReuseAddress = true
	// cfg.UnsafeNoFsync stays false: the server is as durable as a real one.

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcd failed while starting: %w", err)
	case <-ctx.Done():
		e.Close()
		return nil, fmt.Errorf("etcd not ready after %v", startTimeout)
	}
}

// freeURL returns an http URL on a loopback port that was free a moment ago.
// Another process may take it before etcd binds it; start retries then.
func freeURL() (url.URL, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return url.URL{}, fmt.Errorf("find a free port: %w", err)
	}
	addr := l.Addr().String()
	l.Close()
	return url.URL{Scheme: "http", Host: addr}, nil
}
