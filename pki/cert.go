package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"slices"
	"time"
)

// leafSpec is what an issued certificate must say.
type leafSpec struct {
	cn     string
	orgs   []string
	dns    []string // sorted
	ips    []net.IP // sorted
	server bool     // server auth; else client auth
}

// fits reports whether cert, found on disk, can be kept: issued by the
// current CA for pub, saying what spec says, and not yet due for renewal.
func (p *PKI) fits(cert *x509.Certificate, pub crypto.PublicKey, spec leafSpec) bool {
	now := p.opts.Now()
	if cert.CheckSignatureFrom(p.ca) != nil || !publicKeysEqual(cert.PublicKey, pub) {
		return false
	}
	if now.Before(cert.NotBefore) || NeedsRenewal(cert, now) {
		return false
	}
	if cert.Subject.CommonName != spec.cn || !slices.Equal(sorted(cert.Subject.Organization), sorted(spec.orgs)) {
		return false
	}
	if !slices.Equal(sorted(cert.DNSNames), spec.dns) {
		return false
	}
	var ips, want []string
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	for _, ip := range spec.ips {
		want = append(want, ip.String())
	}
	if !slices.Equal(sorted(ips), sorted(want)) {
		return false
	}
	return slices.Equal(cert.ExtKeyUsage, extKeyUsage(spec.server))
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func extKeyUsage(server bool) []x509.ExtKeyUsage {
	if server {
		return []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	return []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
}

// issue signs a certificate for pub saying what spec says.
func (p *PKI) issue(pub crypto.PublicKey, spec leafSpec) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: spec.cn, Organization: spec.orgs},
		KeyUsage:    keyUsage(pub),
		ExtKeyUsage: extKeyUsage(spec.server),
		DNSNames:    spec.dns,
		IPAddresses: spec.ips,
	}
	return p.sign(tmpl, pub, p.opts.CertValidity)
}

// sign fills in the serial, validity and constraints of tmpl and signs it
// with the CA. The validity ends no later than the CA's.
func (p *PKI) sign(tmpl *x509.Certificate, pub crypto.PublicKey, validity time.Duration) (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := p.opts.Now()
	tmpl.SerialNumber = serial
	tmpl.NotBefore = now.Add(-backdate).UTC()
	tmpl.NotAfter = now.Add(validity).UTC()
	if tmpl.NotAfter.After(p.ca.NotAfter) {
		tmpl.NotAfter = p.ca.NotAfter
	}
	tmpl.BasicConstraintsValid = true
	tmpl.IsCA = false
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, pub, p.caKey)
	if err != nil {
		return nil, fmt.Errorf("pki: signing a certificate for %q: %w", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

// selfSign makes the CA certificate for p.caKey.
func (p *PKI) selfSign() (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := p.opts.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: CACommonName},
		NotBefore:             now.Add(-backdate).UTC(),
		NotAfter:              now.Add(p.opts.CAValidity).UTC(),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | keyUsage(p.caKey.Public()),
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, p.caKey.Public(), p.caKey)
	if err != nil {
		return nil, fmt.Errorf("pki: creating the CA: %w", err)
	}
	return x509.ParseCertificate(der)
}

// keyUsage is the key usage of a leaf for pub: key encipherment only means
// something for RSA keys (RSA key exchange).
func keyUsage(pub crypto.PublicKey) x509.KeyUsage {
	if _, ok := pub.(*rsa.PublicKey); ok {
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	}
	return x509.KeyUsageDigitalSignature
}

func newSerial() (*big.Int, error) {
	// 127 random bits: positive, unique in practice, within RFC 5280's
	// 20-octet limit.
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// NeedsRenewal reports whether cert has used 80% of its lifetime at now (or
// has expired): the point where kubelets and kubeadm renew, leaving a fifth
// of the lifetime to retry.
func NeedsRenewal(cert *x509.Certificate, now time.Time) bool {
	return !now.Before(RenewalTime(cert))
}

// RenewalTime is when cert has used 80% of its lifetime.
func RenewalTime(cert *x509.Certificate) time.Time {
	life := cert.NotAfter.Sub(cert.NotBefore)
	return cert.NotBefore.Add(life / 5 * 4)
}

// Usage is a key usage as certificates.k8s.io/v1 names them in a
// CertificateSigningRequest's spec.usages.
type Usage string

// The usages Sign accepts.
const (
	UsageSigning           Usage = "signing"
	UsageDigitalSignature  Usage = "digital signature"
	UsageContentCommitment Usage = "content commitment"
	UsageKeyEncipherment   Usage = "key encipherment"
	UsageKeyAgreement      Usage = "key agreement"
	UsageDataEncipherment  Usage = "data encipherment"
	UsageAny               Usage = "any"
	UsageServerAuth        Usage = "server auth"
	UsageClientAuth        Usage = "client auth"
	UsageCodeSigning       Usage = "code signing"
	UsageEmailProtection   Usage = "email protection"
	UsageSMIME             Usage = "s/mime"
	UsageIPsecEndSystem    Usage = "ipsec end system"
	UsageIPsecTunnel       Usage = "ipsec tunnel"
	UsageIPsecUser         Usage = "ipsec user"
	UsageTimestamping      Usage = "timestamping"
	UsageOCSPSigning       Usage = "ocsp signing"
	UsageMicrosoftSGC      Usage = "microsoft sgc"
	UsageNetscapeSGC       Usage = "netscape sgc"
)

var keyUsages = map[Usage]x509.KeyUsage{
	UsageSigning:           x509.KeyUsageDigitalSignature,
	UsageDigitalSignature:  x509.KeyUsageDigitalSignature,
	UsageContentCommitment: x509.KeyUsageContentCommitment,
	UsageKeyEncipherment:   x509.KeyUsageKeyEncipherment,
	UsageKeyAgreement:      x509.KeyUsageKeyAgreement,
	UsageDataEncipherment:  x509.KeyUsageDataEncipherment,
}

var extKeyUsages = map[Usage]x509.ExtKeyUsage{
	UsageAny:             x509.ExtKeyUsageAny,
	UsageServerAuth:      x509.ExtKeyUsageServerAuth,
	UsageClientAuth:      x509.ExtKeyUsageClientAuth,
	UsageCodeSigning:     x509.ExtKeyUsageCodeSigning,
	UsageEmailProtection: x509.ExtKeyUsageEmailProtection,
	UsageSMIME:           x509.ExtKeyUsageEmailProtection,
	UsageIPsecEndSystem:  x509.ExtKeyUsageIPSECEndSystem,
	UsageIPsecTunnel:     x509.ExtKeyUsageIPSECTunnel,
	UsageIPsecUser:       x509.ExtKeyUsageIPSECUser,
	UsageTimestamping:    x509.ExtKeyUsageTimeStamping,
	UsageOCSPSigning:     x509.ExtKeyUsageOCSPSigning,
	UsageMicrosoftSGC:    x509.ExtKeyUsageMicrosoftServerGatedCrypto,
	UsageNetscapeSGC:     x509.ExtKeyUsageNetscapeServerGatedCrypto,
}

// ErrBadRequest wraps the reasons Sign refuses a request.
var ErrBadRequest = errors.New("pki: certificate request refused")

// Sign issues a certificate for a certificate signing request, as the
// control plane's CSR signer does once a CertificateSigningRequest is
// approved: the subject and subject alternative names are the request's,
// usages become the key usages, and the certificate is valid for duration
// (Options.CertValidity when 0), at most until the CA expires. Deciding
// whether the request may be signed at all (approval, which signer, which
// subject a requester may ask for) is the caller's job. "cert sign" and
// "crl sign" are refused: this CA issues no sub-CAs. It returns the
// certificate in PEM, as CertificateSigningRequest status.certificate
// holds it.
func (p *PKI) Sign(csr *x509.CertificateRequest, usages []Usage, duration time.Duration) ([]byte, error) {
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("%w: the request's signature: %w", ErrBadRequest, err)
	}
	if duration <= 0 {
		duration = p.opts.CertValidity
	}
	if len(usages) == 0 {
		return nil, fmt.Errorf("%w: no usages", ErrBadRequest)
	}
	tmpl := &x509.Certificate{
		Subject:        csr.Subject,
		DNSNames:       csr.DNSNames,
		IPAddresses:    csr.IPAddresses,
		EmailAddresses: csr.EmailAddresses,
		URIs:           csr.URIs,
	}
	for _, u := range usages {
		if ku, ok := keyUsages[u]; ok {
			tmpl.KeyUsage |= ku
		} else if eku, ok := extKeyUsages[u]; ok {
			if !slices.Contains(tmpl.ExtKeyUsage, eku) {
				tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, eku)
			}
		} else {
			return nil, fmt.Errorf("%w: usage %q is not allowed", ErrBadRequest, u)
		}
	}
	cert, err := p.sign(tmpl, csr.PublicKey, duration)
	if err != nil {
		return nil, err
	}
	return EncodeCertificate(cert), nil
}

// GenerateKey returns a new ECDSA P-256 key, the key type of every key this
// package creates.
func GenerateKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: generating a key: %w", err)
	}
	return k, nil
}

// MarshalKey encodes a private key in PEM: "EC PRIVATE KEY" (SEC 1) for
// ECDSA and "RSA PRIVATE KEY" (PKCS #1) for RSA, as kubeadm and OpenSSL
// write them, else "PRIVATE KEY" (PKCS #8).
func MarshalKey(key crypto.Signer) ([]byte, error) {
	var b *pem.Block
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return nil, fmt.Errorf("pki: %w", err)
		}
		b = &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}
	case *rsa.PrivateKey:
		b = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}
	default:
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("pki: %w", err)
		}
		b = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	}
	return pem.EncodeToMemory(b), nil
}

// ParseKey decodes the first private key in PEM data: SEC 1 EC, PKCS #1
// RSA or PKCS #8 keys.
func ParseKey(data []byte) (crypto.Signer, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PEM private key found")
		}
		var key any
		var err error
		switch b.Type {
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		default:
			continue // e.g. "EC PARAMETERS" before the key
		}
		if err != nil {
			return nil, err
		}
		s, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported private key type %T", key)
		}
		return s, nil
	}
}

// MarshalPublicKey encodes a public key as a PEM "PUBLIC KEY" (PKIX), the
// format of sa.pub and of kube-apiserver's --service-account-key-file.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePublicKeys decodes every "PUBLIC KEY" (and "RSA PUBLIC KEY") in PEM
// data, as kube-apiserver reads --service-account-key-file.
func ParsePublicKeys(data []byte) ([]crypto.PublicKey, error) {
	var keys []crypto.PublicKey
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		var k any
		var err error
		switch b.Type {
		case "PUBLIC KEY":
			k, err = x509.ParsePKIXPublicKey(b.Bytes)
		case "RSA PUBLIC KEY":
			k, err = x509.ParsePKCS1PublicKey(b.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("pki: %w", err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("pki: no PEM public key found")
	}
	return keys, nil
}

// EncodeCertificate encodes cert in PEM.
func EncodeCertificate(cert *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// ParseCertificate decodes the first certificate in PEM data.
func ParseCertificate(data []byte) (*x509.Certificate, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PEM certificate found")
		}
		if b.Type == "CERTIFICATE" {
			return x509.ParseCertificate(b.Bytes)
		}
	}
}

// ParseCSR decodes a PEM "CERTIFICATE REQUEST", as a
// CertificateSigningRequest's spec.request holds it.
func ParseCSR(data []byte) (*x509.CertificateRequest, error) {
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "CERTIFICATE REQUEST" {
		return nil, fmt.Errorf("%w: no PEM CERTIFICATE REQUEST found", ErrBadRequest)
	}
	csr, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	return csr, nil
}
