package authn

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// X509 authenticates requests by their TLS client certificate, as
// kube-apiserver's --client-ca-file does: the certificate must chain to one
// of Roots (through intermediates the client sends), be valid now, and
// allow client authentication. Its subject's common name is the user name
// and its organizations are the groups. Requests without a client
// certificate are not its business (ok=false); a certificate that fails any
// check is an error saying why.
//
// The server's TLS configuration must request client certificates without
// verifying them itself (pki.PKI.ServerTLSConfig does), so that a bad
// certificate gets a 401 with a reason rather than a failed handshake.
type X509 struct {
	// Roots are the authorities whose client certificates are accepted.
	// It must not change after the first request (results are cached).
	// Required.
	Roots *x509.CertPool
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// CacheSize bounds how many verified certificate chains are
	// remembered; a remembered chain costs a map lookup instead of a
	// signature verification. Default 4096; negative: no cache.
	CacheSize int

	once  sync.Once
	cache *verifyCache[x509Entry]
}

// x509Entry is a verified chain: its user, the same user in
// system:authenticated as Union hands it to requests, and the window in
// which every certificate of the chain is valid.
type x509Entry struct {
	user, authed        *User
	notBefore, notAfter time.Time
}

// AuthenticateRequest implements Authenticator.
func (a *X509) AuthenticateRequest(r *http.Request) (*User, bool, error) {
	e, ok, err := a.entryFor(r)
	if !ok {
		return nil, false, err
	}
	return e.user.clone(), true, nil
}

// authenticateShared is AuthenticateRequest for Union: the cache's user,
// already in system:authenticated, shared by every request of the chain.
func (a *X509) authenticateShared(r *http.Request) (*User, bool, error) {
	e, ok, err := a.entryFor(r)
	return e.authed, ok, err
}

// entryFor authenticates the request's client certificate chain, if it
// presented one.
func (a *X509) entryFor(r *http.Request) (x509Entry, bool, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return x509Entry{}, false, nil
	}
	e, err := a.authenticate(r.TLS.PeerCertificates)
	return e, err == nil, err
}

// authenticate returns the chain's cache entry, verifying the chain
// unless a valid entry is cached.
func (a *X509) authenticate(chain []*x509.Certificate) (x509Entry, error) {
	a.once.Do(func() { a.cache = newVerifyCache[x509Entry](a.CacheSize) })
	now := clock(a.Now)
	key := chainKey(chain)
	if e, ok := a.cache.get(key); ok {
		if !now.Before(e.notBefore) && !now.After(e.notAfter) {
			return e, nil
		}
		a.cache.remove(key)
	}
	leaf := chain[0]
	switch {
	case now.Before(leaf.NotBefore):
		return x509Entry{}, fmt.Errorf("%w: x509: client certificate %s is not valid before %s", ErrNotYetValid, describeCert(leaf), leaf.NotBefore.UTC().Format(time.RFC3339))
	case now.After(leaf.NotAfter):
		return x509Entry{}, fmt.Errorf("%w: x509: client certificate %s expired at %s", ErrExpired, describeCert(leaf), leaf.NotAfter.UTC().Format(time.RFC3339))
	case a.Roots == nil:
		return x509Entry{}, fmt.Errorf("%w: x509: no client CA is configured", ErrInvalid)
	}
	opts := x509.VerifyOptions{
		Roots:       a.Roots,
		CurrentTime: now,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if len(chain) > 1 {
		opts.Intermediates = x509.NewCertPool()
		for _, c := range chain[1:] {
			opts.Intermediates.AddCert(c)
		}
	}
	chains, err := leaf.Verify(opts)
	if err != nil {
		kind := ErrInvalid
		var inv x509.CertificateInvalidError
		if errors.As(err, &inv) && inv.Reason == x509.Expired {
			kind = ErrExpired // an intermediate's validity
		}
		return x509Entry{}, fmt.Errorf("%w: x509: verifying client certificate %s: %w", kind, describeCert(leaf), err)
	}
	if leaf.Subject.CommonName == "" {
		return x509Entry{}, fmt.Errorf("%w: x509: client certificate %s has no common name (the user name)", ErrInvalid, describeCert(leaf))
	}
	u := &User{Name: leaf.Subject.CommonName, Groups: slices.Clone(leaf.Subject.Organization)}
	e := x509Entry{user: u, authed: authenticated(u), notBefore: leaf.NotBefore, notAfter: leaf.NotAfter}
	for _, c := range chains[0] {
		if c.NotBefore.After(e.notBefore) {
			e.notBefore = c.NotBefore
		}
		if c.NotAfter.Before(e.notAfter) {
			e.notAfter = c.NotAfter
		}
	}
	a.cache.put(key, e)
	return e, nil
}

// chainKey identifies a presented chain: the leaf's DER (no copy), or the
// concatenated DER of the chain (DER is self-delimiting).
func chainKey(chain []*x509.Certificate) []byte {
	if len(chain) == 1 {
		return chain[0].Raw
	}
	var b []byte
	for _, c := range chain {
		b = append(b, c.Raw...)
	}
	return b
}

func describeCert(c *x509.Certificate) string {
	return fmt.Sprintf("%q (serial %s, issuer %q)", c.Subject.String(), c.SerialNumber, c.Issuer.String())
}
