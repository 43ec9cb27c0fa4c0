package bootstrap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/pki"
)

// Renewal backoff: a failed renewal is retried after retryMin, doubling up
// to retryMax, never later than the certificate's expiry.
const (
	retryMin = time.Second
	retryMax = 5 * time.Minute
)

// Rotator keeps a node's client certificate valid: it renews it before it
// expires, through a new CertificateSigningRequest authenticated with the
// current certificate (which the approver recognizes as the node renewing
// its own identity), and swaps the new one in.
//
// Clients made from ClientConfig (or using Transport or TLSConfig) present
// whatever certificate is current at each TLS handshake. Renewal closes the
// connections the Transport holds, so that the next request handshakes
// again with the new certificate: the API server authenticates a
// connection by the certificate it was opened with, and an HTTP/2
// connection would otherwise carry new requests with the old one until it
// expired. In-flight requests on those connections fail and, like watches,
// are retried by their callers.
type Rotator struct {
	opts    Options
	cluster *cluster
	path    string // CertDir/CertFile

	cur       atomic.Pointer[tls.Certificate]
	mu        sync.Mutex
	requested time.Time // when cur was requested; zero if found on disk
	deadline  time.Time // the jittered renewal time of cur

	dialer    *trackingDialer
	transport *http.Transport
	client    *client.Client
}

// NewRotator returns a Rotator for the credential Bootstrap returned, with
// the same Options (the bootstrap credential is not used: renewals are
// authenticated with the current certificate). Call Run to renew.
func NewRotator(opts Options, cred *Credential) (*Rotator, error) {
	o, c, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if cred == nil || cred.Certificate == nil || cred.Certificate.Leaf == nil {
		return nil, errors.New("bootstrap: NewRotator needs a Credential with a certificate")
	}
	r := &Rotator{opts: o, cluster: c, path: filepath.Join(o.CertDir, CertFile), dialer: newTrackingDialer()}
	r.cur.Store(cred.Certificate)
	r.requested = cred.requested
	r.deadline = renewalDeadline(cred.Certificate, cred.requested, rand.Float64())

	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = r.dialer.DialContext
	t.TLSClientConfig = r.TLSConfig()
	t.ForceAttemptHTTP2 = true
	t.MaxIdleConnsPerHost = 100
	r.transport = t
	if r.client, err = client.New(r.ClientConfig()); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	return r, nil
}

// renewalDeadline is when to renew cert: at 70 to 90% (by jitter, 0 to 1)
// of its lifetime, around pki.RenewalTime's 80%, so that many nodes
// started together do not renew together. The lifetime is counted from
// when the certificate was requested if that is later than its NotBefore:
// signers backdate NotBefore (five minutes, here and in Kubernetes) for
// clock skew, which would otherwise make a short certificate due on
// arrival.
func renewalDeadline(cert *tls.Certificate, requested time.Time, jitter float64) time.Time {
	start := cert.Leaf.NotBefore
	if requested.After(start) {
		start = requested
	}
	life := cert.Leaf.NotAfter.Sub(start)
	return start.Add(life*7/10 + time.Duration(jitter*float64(life/5)))
}

// Current returns the current certificate and key (Leaf set).
func (r *Rotator) Current() *tls.Certificate { return r.cur.Load() }

// NextRenewal returns when Run renews the current certificate.
func (r *Rotator) NextRenewal() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deadline
}

// GetClientCertificate returns the current certificate whatever the
// server asks for; it is the tls.Config hook of TLSConfig.
func (r *Rotator) GetClientCertificate(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return r.cur.Load(), nil
}

// TLSConfig returns a client TLS configuration that verifies the API
// server with the cluster CA and presents the current certificate. TLS
// session resumption stays off (no ClientSessionCache): a resumed session
// would keep the identity of the handshake it resumes.
func (r *Rotator) TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: r.cluster.roots, GetClientCertificate: r.GetClientCertificate}
}

// Transport returns the HTTP transport shared by the Rotator's clients.
func (r *Rotator) Transport() http.RoundTripper { return r.transport }

// ClientConfig returns a client configuration for the node's identity that
// follows rotation; pass it to client.New.
func (r *Rotator) ClientConfig() *client.Config {
	return &client.Config{Host: r.cluster.server, Transport: r.transport}
}

// Run renews the certificate at NextRenewal, then the new one at its own,
// until ctx ends (it returns nil then). A failed renewal is retried with
// backoff; Run returns an error wrapping ErrExpired if the certificate
// expires first, since an expired certificate cannot renew itself (the
// node must Bootstrap again).
func (r *Rotator) Run(ctx context.Context) error {
	next, backoff := r.NextRenewal(), retryMin
	for {
		if !sleepUntil(ctx, next, r.opts.Now) {
			return nil
		}
		err := r.Renew(ctx)
		if err == nil {
			next, backoff = r.NextRenewal(), retryMin
			continue
		}
		if ctx.Err() != nil {
			return nil
		}
		now, leaf := r.opts.Now(), r.Current().Leaf
		if !now.Before(leaf.NotAfter) {
			return fmt.Errorf("bootstrap: %w at %s, before it could be renewed: %w", ErrExpired, leaf.NotAfter.UTC().Format(time.RFC3339), err)
		}
		r.opts.Logger.Error(err, "renewing the client certificate failed; retrying", "in", backoff)
		next = now.Add(backoff)
		if next.After(leaf.NotAfter) {
			next = leaf.NotAfter
		}
		backoff = min(2*backoff, retryMax)
	}
}

// sleepUntil waits until t (by the clock now) or ctx's end, reporting
// whether it was t.
func sleepUntil(ctx context.Context, t time.Time, now func() time.Time) bool {
	d := t.Sub(now())
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// Renew obtains a new certificate (with a new key) at once, writes it to
// CertDir/CertFile, makes it current and closes the connections made with
// the old one.
func (r *Rotator) Renew(ctx context.Context) error {
	key, err := pki.GenerateKey()
	if err != nil {
		return err
	}
	requested, start := r.opts.Now(), time.Now()
	cert, err := requestCertificate(ctx, r.client, r.opts, r.cluster, key, false)
	if err != nil {
		return err
	}
	if err := writeCertificate(r.path, cert, key); err != nil {
		return err
	}
	pair := tlsCertificate(cert, key)
	r.mu.Lock()
	r.cur.Store(pair)
	r.requested = requested
	r.deadline = renewalDeadline(pair, requested, rand.Float64())
	r.mu.Unlock()
	r.transport.CloseIdleConnections()
	r.dialer.closeAll()
	r.opts.Logger.Info("rotated the client certificate", "node", r.opts.NodeName, "notAfter", cert.NotAfter, "took", time.Since(start))
	return nil
}

// trackingDialer dials TCP connections and remembers them, so that they
// can all be closed when the client certificate changes.
type trackingDialer struct {
	dialer net.Dialer
	mu     sync.Mutex
	conns  map[*trackedConn]struct{}
}

func newTrackingDialer() *trackingDialer {
	return &trackingDialer{dialer: net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second},
		conns: map[*trackedConn]struct{}{}}
}

// DialContext dials and tracks the connection until it is closed.
func (d *trackingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, d: d}
	d.mu.Lock()
	d.conns[tc] = struct{}{}
	d.mu.Unlock()
	return tc, nil
}

// closeAll closes every tracked connection.
func (d *trackingDialer) closeAll() {
	d.mu.Lock()
	conns := d.conns
	d.conns = map[*trackedConn]struct{}{}
	d.mu.Unlock()
	for c := range conns {
		c.Conn.Close()
	}
}

type trackedConn struct {
	net.Conn
	d    *trackingDialer
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.d.mu.Lock()
		delete(c.d.conns, c)
		c.d.mu.Unlock()
	})
	return c.Conn.Close()
}
