package pki

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// File names in Options.Dir, as kubeadm names them.
const (
	CACertFile                  = "ca.crt"
	CAKeyFile                   = "ca.key"
	APIServerCertFile           = "apiserver.crt"
	APIServerKeyFile            = "apiserver.key"
	KubeletClientCertFile       = "apiserver-kubelet-client.crt"
	KubeletClientKeyFile        = "apiserver-kubelet-client.key"
	ServiceAccountKeyFile       = "sa.key"
	ServiceAccountPublicKeyFile = "sa.pub"
	AdminKubeconfig             = "admin.conf"
	ControllerManagerKubeconfig = "controller-manager.conf"
	SchedulerKubeconfig         = "scheduler.conf"
	ProxyKubeconfig             = "kube-proxy.conf"
)

// KubeletKubeconfig is the file name of node's kubeconfig.
func KubeletKubeconfig(node string) string { return "kubelet-" + node + ".conf" }

// Identities in the certificates, as Kubernetes' bootstrap RBAC policy
// expects them.
const (
	CACommonName          = "kubernetes"
	APIServerCommonName   = "kube-apiserver"
	AdminUser             = "kubernetes-admin"
	MastersGroup          = "system:masters"
	SchedulerUser         = "system:kube-scheduler"
	ControllerManagerUser = "system:kube-controller-manager"
	ProxyUser             = "system:kube-proxy"
	NodeUserPrefix        = "system:node:"
	NodesGroup            = "system:nodes"
	// KubeletClientUser is the API server's identity towards kubelets (for
	// logs, exec and port-forward), in system:masters as kubeadm makes it.
	KubeletClientUser = "kube-apiserver-kubelet-client"
)

// Default validity periods, kubeadm's.
const (
	DefaultCAValidity   = 10 * 365 * 24 * time.Hour
	DefaultCertValidity = 365 * 24 * time.Hour
)

// backdate is subtracted from every NotBefore so that a certificate is
// valid at once on machines whose clocks run a little behind.
const backdate = 5 * time.Minute

// Options says where the PKI lives and what its certificates say. Dir is
// required; the zero value of every other field means its default.
type Options struct {
	// Dir holds the keys, certificates and kubeconfig files. It is created
	// with mode 0700 (an existing directory is narrowed to 0700). Required.
	Dir string
	// ClusterName names the cluster in kubeconfig files. Default
	// "kubernetes".
	ClusterName string
	// ServerURL is the API server's address written into kubeconfig files;
	// its host is added to the serving certificate. Default
	// "https://127.0.0.1:6443".
	ServerURL string
	// Hosts are more DNS names and IP addresses for the API server's serving
	// certificate. Always present: localhost, 127.0.0.1, ::1, this machine's
	// host name, ServerURL's host, the first IP of ServiceCIDR and
	// kubernetes, kubernetes.default, kubernetes.default.svc,
	// kubernetes.default.svc.<DNSDomain>. Default: none more.
	Hosts []string
	// ServiceCIDR is the Service IP range; its first address is the
	// "kubernetes" Service's cluster IP. Default "10.96.0.0/12".
	ServiceCIDR string
	// DNSDomain is the cluster's DNS domain. Default "cluster.local".
	DNSDomain string
	// CAValidity is the lifetime of a CA that Bootstrap creates. Default
	// DefaultCAValidity (10 years).
	CAValidity time.Duration
	// CertValidity is the lifetime of every other certificate, capped by
	// the CA's. Default DefaultCertValidity (1 year).
	CertValidity time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() (Options, error) {
	if o.Dir == "" {
		return o, errors.New("pki: Options.Dir is required")
	}
	if o.ClusterName == "" {
		o.ClusterName = "kubernetes"
	}
	if o.ServerURL == "" {
		o.ServerURL = "https://127.0.0.1:6443"
	}
	u, err := url.Parse(o.ServerURL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return o, fmt.Errorf("pki: Options.ServerURL %q must be an https URL with a host", o.ServerURL)
	}
	if o.ServiceCIDR == "" {
		o.ServiceCIDR = "10.96.0.0/12"
	}
	if _, err := netip.ParsePrefix(o.ServiceCIDR); err != nil {
		return o, fmt.Errorf("pki: Options.ServiceCIDR: %w", err)
	}
	if o.DNSDomain == "" {
		o.DNSDomain = "cluster.local"
	}
	if o.CAValidity <= 0 {
		o.CAValidity = DefaultCAValidity
	}
	if o.CertValidity <= 0 {
		o.CertValidity = DefaultCertValidity
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// PKI is a cluster's certificate authority and the credentials issued by
// it, backed by the files in its directory. Its methods are safe for
// concurrent use.
type PKI struct {
	opts  Options
	ca    *x509.Certificate
	caKey crypto.Signer
	caPEM []byte
	pool  *x509.CertPool
	saKey crypto.Signer

	serving       atomic.Pointer[tls.Certificate]
	kubeletClient atomic.Pointer[tls.Certificate]

	mu sync.Mutex // serializes file writes
}

// Bootstrap loads the PKI in opts.Dir, creating whatever is missing: the CA
// (ca.crt, ca.key), the API server's serving certificate (apiserver.crt,
// .key) and its client certificate for kubelets
// (apiserver-kubelet-client.crt, .key), the service-account signing key
// (sa.key, sa.pub), and kubeconfig files for the admin (admin.conf,
// CN=kubernetes-admin, O=system:masters), the scheduler (scheduler.conf),
// the controller manager (controller-manager.conf) and kube-proxy
// (kube-proxy.conf). Present files are kept when still right (see the
// package documentation); node kubeconfigs made earlier by NodeCertificate
// are renewed when due.
func Bootstrap(opts Options) (*PKI, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	if err := os.Chmod(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	p := &PKI{opts: o}
	if err := p.loadOrCreateCA(); err != nil {
		return nil, err
	}
	if err := p.loadOrCreateServiceAccountKey(); err != nil {
		return nil, err
	}
	if err := p.Rotate(); err != nil {
		return nil, err
	}
	return p, nil
}

// Dir is the directory of the PKI's files.
func (p *PKI) Dir() string { return p.opts.Dir }

// Path returns the path of file (one of the *File and *Kubeconfig names)
// in the PKI's directory.
func (p *PKI) Path(file string) string { return filepath.Join(p.opts.Dir, file) }

// ServerURL is the API server URL written into kubeconfig files.
func (p *PKI) ServerURL() string { return p.opts.ServerURL }

// ClusterName is the cluster's name in kubeconfig files.
func (p *PKI) ClusterName() string { return p.opts.ClusterName }

// CA returns the CA certificate.
func (p *PKI) CA() *x509.Certificate { return p.ca }

// CAPEM returns the CA certificate in PEM, as kubeconfig files and pods'
// ca.crt carry it.
func (p *PKI) CAPEM() []byte { return slices.Clone(p.caPEM) }

// CAPool returns a pool holding the CA, to verify client certificates
// (authn.X509) and the API server's certificate.
func (p *PKI) CAPool() *x509.CertPool { return p.pool }

// ServingCertificate returns the API server's current serving certificate
// and key.
func (p *PKI) ServingCertificate() *tls.Certificate { return p.serving.Load() }

// KubeletClientCertificate returns the certificate the API server presents
// to kubelets (CN=kube-apiserver-kubelet-client, O=system:masters).
func (p *PKI) KubeletClientCertificate() *tls.Certificate { return p.kubeletClient.Load() }

// ServiceAccountKey returns the key that signs service-account tokens
// (ECDSA P-256 unless an operator placed another sa.key).
func (p *PKI) ServiceAccountKey() crypto.Signer { return p.saKey }

// ServerTLSConfig returns the API server's TLS configuration: its serving
// certificate (re-read on every handshake, so Rotate takes effect without a
// restart), TLS 1.2 or later, HTTP/2 offered, and client certificates
// requested but neither required nor verified by the handshake.
//
// Requested, not required: token and anonymous clients connect without a
// certificate. Not verified by crypto/tls (tls.RequestClientCert rather than
// VerifyClientCertIfGiven), as kube-apiserver does: a bad certificate then
// gets a 401 Status from the authenticator with the reason in the server's
// log, instead of a handshake failure the client reports as a broken
// connection. For the same reason no acceptable-CA list is sent: Go clients
// would silently withhold a certificate from another CA.
func (p *PKI) ServerTLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		ClientAuth: tls.RequestClientCert,
		NextProtos: []string{"h2", "http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return p.serving.Load(), nil
		},
	}
}

// Rotate renews every certificate Bootstrap manages, and every node
// kubeconfig in the directory, that needs it (NeedsRenewal, a changed CA or
// a changed subject, SAN or server URL), keeping the keys. A running server
// picks up a new serving certificate through ServerTLSConfig; programs
// using a renewed kubeconfig must reload it.
func (p *PKI) Rotate() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	serving, err := p.ensurePair(APIServerCertFile, APIServerKeyFile, p.servingSpec())
	if err != nil {
		return err
	}
	p.serving.Store(serving)
	kc, err := p.ensurePair(KubeletClientCertFile, KubeletClientKeyFile, leafSpec{cn: KubeletClientUser, orgs: []string{MastersGroup}})
	if err != nil {
		return err
	}
	p.kubeletClient.Store(kc)
	for _, c := range []struct {
		file string
		spec leafSpec
	}{
		{AdminKubeconfig, leafSpec{cn: AdminUser, orgs: []string{MastersGroup}}},
		{SchedulerKubeconfig, leafSpec{cn: SchedulerUser}},
		{ControllerManagerKubeconfig, leafSpec{cn: ControllerManagerUser}},
		{ProxyKubeconfig, leafSpec{cn: ProxyUser}},
	} {
		if _, err := p.ensureKubeconfig(c.file, c.spec); err != nil {
			return err
		}
	}
	nodes, err := filepath.Glob(filepath.Join(p.opts.Dir, "kubelet-*.conf"))
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	for _, path := range nodes {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "kubelet-"), ".conf")
		if validNodeName(name) != nil {
			continue // not one of ours
		}
		if _, err := p.ensureKubeconfig(filepath.Base(path), nodeSpec(name)); err != nil {
			return err
		}
	}
	return nil
}

// Credential is a client certificate with its key, and the kubeconfig file
// that embeds them.
type Credential struct {
	Cert    *x509.Certificate
	CertPEM []byte
	KeyPEM  []byte
	// Kubeconfig is the path of the kubeconfig file.
	Kubeconfig string
}

// NodeCertificate returns the client credential of the node name
// (CN=system:node:<name>, O=system:nodes) and writes it into the
// kubeconfig kubelet-<name>.conf, reusing the file while it is still
// right. It is how a node gets its identity without TLS bootstrap.
func (p *PKI) NodeCertificate(name string) (*Credential, error) {
	if err := validNodeName(name); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ensureKubeconfig(KubeletKubeconfig(name), nodeSpec(name))
}

// Kubeconfig returns a kubeconfig for this cluster (server URL and CA from
// the PKI) with no user credentials filled in: for bootstrap-token or
// service-account kubeconfigs built by the caller.
func (p *PKI) Kubeconfig(user string) *Kubeconfig {
	return &Kubeconfig{ClusterName: p.opts.ClusterName, Server: p.opts.ServerURL, CAData: p.CAPEM(), UserName: user}
}

var nodeNameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// validNodeName checks that name is a DNS subdomain, as Node names are;
// it also keeps names from escaping the directory.
func validNodeName(name string) error {
	if len(name) == 0 || len(name) > 253 || !nodeNameRE.MatchString(name) {
		return fmt.Errorf("pki: invalid node name %q: must be a lowercase DNS subdomain", name)
	}
	return nil
}

func nodeSpec(name string) leafSpec {
	return leafSpec{cn: NodeUserPrefix + name, orgs: []string{NodesGroup}}
}

// servingSpec is the API server's serving certificate.
func (p *PKI) servingSpec() leafSpec {
	dns := []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
		"kubernetes.default.svc." + p.opts.DNSDomain}
	ips := []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}
	if h, err := os.Hostname(); err == nil {
		if h = strings.ToLower(h); nodeNameRE.MatchString(h) {
			dns = append(dns, h)
		}
	}
	prefix := netip.MustParsePrefix(p.opts.ServiceCIDR) // checked by withDefaults
	ips = append(ips, prefix.Masked().Addr().Next())
	u, _ := url.Parse(p.opts.ServerURL)
	for _, h := range append([]string{u.Hostname()}, p.opts.Hosts...) {
		if a, err := netip.ParseAddr(h); err == nil {
			ips = append(ips, a.Unmap())
		} else if h != "" {
			dns = append(dns, strings.ToLower(h))
		}
	}
	slices.Sort(dns)
	slices.SortFunc(ips, func(a, b netip.Addr) int { return a.Compare(b) })
	spec := leafSpec{cn: APIServerCommonName, server: true, dns: slices.Compact(dns)}
	for _, a := range slices.Compact(ips) {
		spec.ips = append(spec.ips, net.IP(a.AsSlice()))
	}
	return spec
}

// loadOrCreateCA loads ca.crt and ca.key, or creates them. A key without a
// certificate (a crash between the two writes, or an operator who supplied
// only a key) gets a new self-signed certificate; a certificate without its
// key is an error, since nothing could be signed.
func (p *PKI) loadOrCreateCA() error {
	certPath, keyPath := p.Path(CACertFile), p.Path(CAKeyFile)
	keyPEM, keyErr := os.ReadFile(keyPath)
	certPEM, certErr := os.ReadFile(certPath)
	for _, err := range []error{keyErr, certErr} {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("pki: %w", err)
		}
	}
	switch {
	case keyErr != nil && certErr == nil:
		return fmt.Errorf("pki: %s exists without %s: the CA key is needed to issue certificates", certPath, keyPath)
	case keyErr != nil:
		key, err := GenerateKey()
		if err != nil {
			return err
		}
		if keyPEM, err = MarshalKey(key); err != nil {
			return err
		}
		if err := WriteFile(keyPath, keyPEM); err != nil {
			return err
		}
		p.caKey = key
	default:
		key, err := ParseKey(keyPEM)
		if err != nil {
			return fmt.Errorf("pki: %s: %w", keyPath, err)
		}
		p.caKey = key
	}
	if certErr != nil {
		ca, err := p.selfSign()
		if err != nil {
			return err
		}
		p.ca, p.caPEM = ca, EncodeCertificate(ca)
		if err := WriteFile(certPath, p.caPEM); err != nil {
			return err
		}
	} else {
		ca, err := ParseCertificate(certPEM)
		if err != nil {
			return fmt.Errorf("pki: %s: %w", certPath, err)
		}
		if !ca.IsCA || !ca.BasicConstraintsValid {
			return fmt.Errorf("pki: %s is not a CA certificate", certPath)
		}
		if !publicKeysEqual(ca.PublicKey, p.caKey.Public()) {
			return fmt.Errorf("pki: %s does not belong to the key in %s", certPath, keyPath)
		}
		if now := p.opts.Now(); now.After(ca.NotAfter) {
			return fmt.Errorf("pki: the CA in %s expired at %s: replace it", certPath, ca.NotAfter.UTC().Format(time.RFC3339))
		}
		p.ca, p.caPEM = ca, EncodeCertificate(ca)
	}
	p.pool = x509.NewCertPool()
	p.pool.AddCert(p.ca)
	return nil
}

// loadOrCreateServiceAccountKey loads sa.key (any key type kube-apiserver
// accepts) or creates it, and makes sure sa.pub holds its public key.
func (p *PKI) loadOrCreateServiceAccountKey() error {
	keyPath, pubPath := p.Path(ServiceAccountKeyFile), p.Path(ServiceAccountPublicKeyFile)
	data, err := os.ReadFile(keyPath)
	switch {
	case err == nil:
		if p.saKey, err = ParseKey(data); err != nil {
			return fmt.Errorf("pki: %s: %w", keyPath, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		key, err := GenerateKey()
		if err != nil {
			return err
		}
		pemKey, err := MarshalKey(key)
		if err != nil {
			return err
		}
		if err := WriteFile(keyPath, pemKey); err != nil {
			return err
		}
		p.saKey = key
	default:
		return fmt.Errorf("pki: %w", err)
	}
	pub, err := MarshalPublicKey(p.saKey.Public())
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(pubPath); err == nil && bytes.Equal(old, pub) {
		return nil
	}
	return WriteFile(pubPath, pub)
}

// ensurePair returns the certificate in certFile with the key in keyFile,
// re-issuing the certificate when it does not fit spec, and creating the
// key when missing.
func (p *PKI) ensurePair(certFile, keyFile string, spec leafSpec) (*tls.Certificate, error) {
	keyPath, certPath := p.Path(keyFile), p.Path(certFile)
	var key crypto.Signer
	data, err := os.ReadFile(keyPath)
	switch {
	case err == nil:
		if key, err = ParseKey(data); err != nil {
			return nil, fmt.Errorf("pki: %s: %w", keyPath, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		if key, err = GenerateKey(); err != nil {
			return nil, err
		}
		if data, err = MarshalKey(key); err != nil {
			return nil, err
		}
		if err := WriteFile(keyPath, data); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("pki: %w", err)
	}
	var cert *x509.Certificate
	if data, err := os.ReadFile(certPath); err == nil {
		if c, err := ParseCertificate(data); err == nil && p.fits(c, key.Public(), spec) {
			cert = c
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("pki: %w", err)
	}
	if cert == nil {
		if cert, err = p.issue(key.Public(), spec); err != nil {
			return nil, err
		}
		if err := WriteFile(certPath, EncodeCertificate(cert)); err != nil {
			return nil, err
		}
	}
	return &tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}, nil
}

// ensureKubeconfig returns the credential in the kubeconfig file, writing
// the file anew (with the old key when it has one) unless its certificate
// fits spec and its cluster, server and CA are this PKI's.
func (p *PKI) ensureKubeconfig(file string, spec leafSpec) (*Credential, error) {
	path := p.Path(file)
	var key crypto.Signer
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if kc, err := ParseKubeconfig(data); err == nil {
			key, _ = ParseKey(kc.KeyData)
			cert, err := ParseCertificate(kc.CertData)
			if key != nil && err == nil && p.fits(cert, key.Public(), spec) &&
				kc.Server == p.opts.ServerURL && kc.ClusterName == p.opts.ClusterName &&
				kc.UserName == spec.cn && bytes.Equal(kc.CAData, p.caPEM) {
				return &Credential{Cert: cert, CertPEM: kc.CertData, KeyPEM: kc.KeyData, Kubeconfig: path}, nil
			}
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, fmt.Errorf("pki: %w", err)
	}
	if key == nil {
		if key, err = GenerateKey(); err != nil {
			return nil, err
		}
	}
	cert, err := p.issue(key.Public(), spec)
	if err != nil {
		return nil, err
	}
	keyPEM, err := MarshalKey(key)
	if err != nil {
		return nil, err
	}
	kc := p.Kubeconfig(spec.cn)
	kc.CertData, kc.KeyData = EncodeCertificate(cert), keyPEM
	if err := kc.Write(path); err != nil {
		return nil, err
	}
	return &Credential{Cert: cert, CertPEM: kc.CertData, KeyPEM: keyPEM, Kubeconfig: path}, nil
}
