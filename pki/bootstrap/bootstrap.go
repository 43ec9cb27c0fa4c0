package bootstrap

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/yaml"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/pki"
)

// File names in Options.CertDir, as the kubelet names them.
const (
	// CertFile holds the node's client certificate followed by its key, so
	// that one atomic rename replaces both.
	CertFile = "kubelet-client-current.pem"
	// pendingKeyFile keeps the key of a request not yet answered, so that
	// a restart waits for the same request instead of making another.
	pendingKeyFile = "kubelet-client.key.tmp"
	// KubeconfigFile is the default name of the node's kubeconfig.
	KubeconfigFile = "kubelet.conf"
)

// Errors Bootstrap and the Rotator wrap; match them with errors.Is.
var (
	// ErrDenied: an approver denied the request.
	ErrDenied = errors.New("certificate signing request was denied")
	// ErrFailed: the signer could not issue the certificate.
	ErrFailed = errors.New("certificate signing request failed")
	// ErrExpired: the current certificate expired before it was renewed;
	// only a new Bootstrap (with a bootstrap token) can get another.
	ErrExpired = errors.New("client certificate has expired")
)

// Options say how a node joins: the cluster and the bootstrap credential,
// the node's name, and where its identity is kept. Give BootstrapKubeconfig,
// or Server and Token (and CA). NodeName and CertDir are required.
type Options struct {
	// BootstrapKubeconfig is a kubeconfig file whose current context holds
	// the bootstrap credential (kubelet's --bootstrap-kubeconfig); its
	// server and CA are the cluster's. Default: use Server, CA and Token.
	BootstrapKubeconfig string
	// Server is the API server's URL (https). Ignored with
	// BootstrapKubeconfig.
	Server string
	// CA is the PEM certificate of the cluster CA, which verifies the API
	// server and the issued certificate. Ignored with BootstrapKubeconfig.
	// Default: the system's roots.
	CA []byte
	// Token is the bootstrap token "<id>.<secret>". Ignored with
	// BootstrapKubeconfig.
	Token string
	// NodeName is the node's name: the certificate says
	// CN=system:node:<NodeName>, O=system:nodes. Required.
	NodeName string
	// CertDir holds the node's key and certificate (CertFile), created
	// with mode 0700 if missing. Required.
	CertDir string
	// KubeconfigPath is where the node's kubeconfig is written (kubelet's
	// --kubeconfig). It names CertFile rather than embedding it, so it
	// stays right across rotations. Default CertDir/kubelet.conf.
	KubeconfigPath string
	// Duration is the validity asked for (spec.expirationSeconds), at
	// least 10 minutes; the signer may cap it. Default: the signer's.
	Duration time.Duration
	// Logger receives progress and retry messages. Default: discard.
	Logger logr.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// cluster is what Options resolve to.
type cluster struct {
	server string
	caPEM  []byte
	roots  *x509.CertPool // nil: the system's
	boot   *client.Config // the bootstrap credential
}

var nodeNameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

func (o Options) withDefaults() (Options, *cluster, error) {
	if len(o.NodeName) == 0 || len(o.NodeName) > 253 || !nodeNameRE.MatchString(o.NodeName) {
		return o, nil, fmt.Errorf("bootstrap: invalid NodeName %q: must be a lowercase DNS subdomain", o.NodeName)
	}
	if o.CertDir == "" {
		return o, nil, errors.New("bootstrap: Options.CertDir is required")
	}
	if o.KubeconfigPath == "" {
		o.KubeconfigPath = filepath.Join(o.CertDir, KubeconfigFile)
	}
	if o.Duration != 0 && o.Duration < certificates.MinExpirationSeconds*time.Second {
		return o, nil, fmt.Errorf("bootstrap: Options.Duration %v is shorter than 10 minutes", o.Duration)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	var c cluster
	if o.BootstrapKubeconfig != "" {
		cfg, err := client.LoadKubeconfig(o.BootstrapKubeconfig, "")
		if err != nil {
			return o, nil, fmt.Errorf("bootstrap: %w", err)
		}
		c.server, c.caPEM, c.boot = cfg.Host, cfg.TLS.CAData, cfg
		if len(c.caPEM) == 0 && cfg.TLS.CAFile != "" {
			if c.caPEM, err = os.ReadFile(cfg.TLS.CAFile); err != nil {
				return o, nil, fmt.Errorf("bootstrap: reading the CA: %w", err)
			}
		}
	} else {
		if o.Server == "" || o.Token == "" {
			return o, nil, errors.New("bootstrap: give Options.BootstrapKubeconfig, or Server and Token")
		}
		c.server, c.caPEM = o.Server, o.CA
		c.boot = &client.Config{Host: o.Server, BearerToken: o.Token, TLS: client.TLSConfig{CAData: o.CA}}
	}
	if u, err := url.Parse(c.server); err != nil || u.Scheme != "https" || u.Host == "" {
		return o, nil, fmt.Errorf("bootstrap: the server %q is not an https URL", c.server)
	}
	if len(c.caPEM) > 0 {
		c.roots = x509.NewCertPool()
		if !c.roots.AppendCertsFromPEM(c.caPEM) {
			return o, nil, errors.New("bootstrap: the CA holds no PEM certificate")
		}
	}
	return o, &c, nil
}

// Credential is a node's client identity.
type Credential struct {
	// Certificate is the client certificate with its key; Leaf is set.
	Certificate *tls.Certificate
	// CertFile is the file holding both (CertDir/CertFile).
	CertFile string
	// Kubeconfig is the path of the node's kubeconfig.
	Kubeconfig string
	// Issued is true when Bootstrap obtained the certificate, false when
	// it found a valid one in CertDir.
	Issued bool

	requested time.Time // when it was requested; zero if found on disk
}

// Bootstrap gives the node its client identity, as the kubelet's TLS
// bootstrap does. A certificate in CertDir that is still valid (and says
// the node's name, and chains to the CA when one is known) is used as it
// is. Otherwise Bootstrap makes a key, creates a CertificateSigningRequest
// for CN=system:node:<NodeName>, O=system:nodes with the bootstrap
// credential (signer kubernetes.io/kube-apiserver-client-kubelet, usages
// digital signature and client auth), and watches it until it is issued,
// denied (ErrDenied), failed (ErrFailed) or ctx ends. The certificate and
// key are written together to CertDir/CertFile, atomically, and the
// kubeconfig at KubeconfigPath names them.
//
// The request is named after its public key, and a pending key is kept in
// CertDir, so a Bootstrap that is interrupted and run again waits for the
// same request rather than making another.
func Bootstrap(ctx context.Context, opts Options) (*Credential, error) {
	o, c, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.CertDir, 0o700); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	certPath := filepath.Join(o.CertDir, CertFile)
	if cert, err := loadCertificate(certPath, o.NodeName, c.roots, o.Now()); err == nil {
		o.Logger.V(1).Info("using the client certificate found", "file", certPath, "notAfter", cert.Leaf.NotAfter)
		if err := writeKubeconfig(o.KubeconfigPath, c, certPath); err != nil {
			return nil, err
		}
		return &Credential{Certificate: cert, CertFile: certPath, Kubeconfig: o.KubeconfigPath}, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		o.Logger.Info("not using the client certificate found", "file", certPath, "reason", err.Error())
	}

	key, err := pendingKey(filepath.Join(o.CertDir, pendingKeyFile))
	if err != nil {
		return nil, err
	}
	bc, err := client.New(c.boot)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	requested := o.Now()
	start := time.Now()
	cert, err := requestCertificate(ctx, bc, o, c, key, true)
	if errors.Is(err, ErrDenied) || errors.Is(err, ErrFailed) {
		// That request is settled: the next attempt makes a new one.
		os.Remove(filepath.Join(o.CertDir, pendingKeyFile))
	}
	if err != nil {
		return nil, err
	}
	if err := writeCertificate(certPath, cert, key); err != nil {
		return nil, err
	}
	if err := os.Remove(filepath.Join(o.CertDir, pendingKeyFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	if err := writeKubeconfig(o.KubeconfigPath, c, certPath); err != nil {
		return nil, err
	}
	o.Logger.Info("obtained a client certificate", "node", o.NodeName, "notAfter", cert.NotAfter, "took", time.Since(start))
	return &Credential{Certificate: tlsCertificate(cert, key), CertFile: certPath, Kubeconfig: o.KubeconfigPath,
		Issued: true, requested: requested}, nil
}

// loadCertificate reads a certificate and key file and checks that it can
// be used for node.
func loadCertificate(path, node string, roots *x509.CertPool, now time.Time) (*tls.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(data, data)
	if err != nil {
		return nil, err
	}
	if err := checkCertificate(pair.Leaf, node, roots, now); err != nil {
		return nil, err
	}
	return &pair, nil
}

// checkCertificate checks that cert is the node's, valid at now, and
// issued by roots (when known).
func checkCertificate(cert *x509.Certificate, node string, roots *x509.CertPool, now time.Time) error {
	if cert.Subject.CommonName != pki.NodeUserPrefix+node {
		return fmt.Errorf("the certificate is for %q, not %q", cert.Subject.CommonName, pki.NodeUserPrefix+node)
	}
	if !now.Before(cert.NotAfter) {
		return fmt.Errorf("%w at %s", ErrExpired, cert.NotAfter.UTC().Format(time.RFC3339))
	}
	if roots != nil {
		_, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
		if err != nil {
			return err
		}
	}
	return nil
}

// pendingKey returns the key saved at path, or a new one saved there.
func pendingKey(path string) (crypto.Signer, error) {
	if data, err := os.ReadFile(path); err == nil {
		if key, err := pki.ParseKey(data); err == nil {
			return key, nil
		}
	}
	key, err := pki.GenerateKey()
	if err != nil {
		return nil, err
	}
	data, err := pki.MarshalKey(key)
	if err != nil {
		return nil, err
	}
	if err := pki.WriteFile(path, data); err != nil {
		return nil, err
	}
	return key, nil
}

// usagesFor are the usages of a node client certificate for key: key
// encipherment only means something for RSA.
func usagesFor(key crypto.Signer) []certificates.KeyUsage {
	if _, ok := key.Public().(*rsa.PublicKey); ok {
		return []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageKeyEncipherment, certificates.UsageClientAuth}
	}
	return []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageClientAuth}
}

// requestCertificate creates a request for the node's certificate with
// key through c and waits for the certificate. With named, the request's
// name is derived from its content (a repeated call finds it); otherwise
// the server generates one.
func requestCertificate(ctx context.Context, c *client.Client, o Options, cl *cluster, key crypto.Signer, named bool) (*x509.Certificate, error) {
	subject := pkix.Name{CommonName: pki.NodeUserPrefix + o.NodeName, Organization: []string{pki.NodesGroup}}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: subject}, key)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: creating the certificate request: %w", err)
	}
	csr := &certificates.CertificateSigningRequest{
		Spec: certificates.CertificateSigningRequestSpec{
			Request:    certificates.EncodeRequest(der),
			SignerName: certificates.KubeAPIServerClientKubeletSignerName,
			Usages:     usagesFor(key),
		},
	}
	if o.Duration > 0 {
		csr.Spec.ExpirationSeconds = certificates.DurationToExpirationSeconds(o.Duration)
	}
	if named {
		csr.Name, err = requestName(key, subject, csr.Spec.Usages)
		if err != nil {
			return nil, err
		}
	} else {
		csr.GenerateName = "csr-"
	}
	csrs := client.Resource[certificates.CertificateSigningRequest](c)
	created, err := csrs.Create(ctx, csr, nil)
	switch {
	case err == nil:
	case named && client.IsAlreadyExists(err):
		// Made by an earlier run with this very key: wait for it.
		created = csr
	default:
		return nil, fmt.Errorf("bootstrap: creating the certificate signing request: %w", err)
	}
	o.Logger.V(1).Info("waiting for the certificate signing request", "name", created.Name)
	certPEM, err := waitForCertificate(ctx, csrs, created.Name)
	if err != nil {
		return nil, err
	}
	cert, err := pki.ParseCertificate(certPEM)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: the issued certificate of %s: %w", created.Name, err)
	}
	if pub, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(key.Public()) {
		return nil, fmt.Errorf("bootstrap: the certificate issued for %s is not for the request's key", created.Name)
	}
	if err := checkCertificate(cert, o.NodeName, cl.roots, o.Now()); err != nil {
		return nil, fmt.Errorf("bootstrap: the certificate issued for %s: %w", created.Name, err)
	}
	return cert, nil
}

// requestName is "node-csr-" and a digest of what the request asks for,
// as the kubelet names its bootstrap requests.
func requestName(key crypto.Signer, subject pkix.Name, usages []certificates.KeyUsage) (string, error) {
	pub, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return "", fmt.Errorf("bootstrap: %w", err)
	}
	h := sha256.New()
	for _, part := range [][]byte{pub, []byte(subject.CommonName), []byte(subject.Organization[0])} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	for _, u := range usages {
		fmt.Fprintf(h, "%d:%s", len(u), u)
	}
	return "node-csr-" + base64.RawURLEncoding.EncodeToString(h.Sum(nil)), nil
}

// waitForCertificate watches the request called name until it is issued,
// denied or failed. Watches that end or break are opened again (after a
// pause when they could not be opened), except when the credential is
// refused: that will not change by waiting.
func waitForCertificate(ctx context.Context, csrs *client.ResourceClient[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest], name string) ([]byte, error) {
	rv := "" // the current state first, then changes
	pause := retryWatchMin
	for {
		w, err := csrs.Watch(ctx, &client.WatchOptions{FieldSelector: "metadata.name=" + name, ResourceVersion: rv})
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("bootstrap: waiting for %s: %w", name, ctx.Err())
		case client.IsUnauthorized(err), client.IsForbidden(err):
			return nil, fmt.Errorf("bootstrap: watching %s: %w", name, err)
		case client.IsExpired(err):
			rv = ""
			continue
		case err != nil:
			if !sleepUntil(ctx, time.Now().Add(pause), time.Now) {
				return nil, fmt.Errorf("bootstrap: waiting for %s: %w (last: %w)", name, ctx.Err(), err)
			}
			pause = min(2*pause, retryWatchMax)
			continue
		}
		pause = retryWatchMin
		for {
			ev, err := w.Next()
			if err != nil {
				w.Stop()
				if ctx.Err() != nil {
					return nil, fmt.Errorf("bootstrap: waiting for %s: %w", name, ctx.Err())
				}
				// Resume after the last event; start over when that
				// version is gone or the stream broke mid-way.
				rv = w.ResourceVersion()
				if !errors.Is(err, io.EOF) {
					rv = ""
				}
				break
			}
			switch ev.Type {
			case client.Deleted:
				w.Stop()
				return nil, fmt.Errorf("bootstrap: certificate signing request %s was deleted", name)
			case client.Added, client.Modified:
				if cert, err := outcome(ev.Object); cert != nil || err != nil {
					w.Stop()
					return cert, err
				}
			}
		}
	}
}

// Pauses between attempts to open a watch.
const (
	retryWatchMin = 100 * time.Millisecond
	retryWatchMax = 5 * time.Second
)

// outcome returns the certificate of a decided request, the error of a
// refused one, or neither while it waits.
func outcome(csr *certificates.CertificateSigningRequest) ([]byte, error) {
	describe := func(c *certificates.CertificateSigningRequestCondition) string {
		return fmt.Sprintf("%s, reason: %s, message: %s", csr.Name, c.Reason, c.Message)
	}
	switch {
	case csr.IsDenied():
		return nil, fmt.Errorf("bootstrap: %w: %s", ErrDenied, describe(csr.Condition(certificates.CertificateDenied)))
	case csr.IsFailed():
		return nil, fmt.Errorf("bootstrap: %w: %s", ErrFailed, describe(csr.Condition(certificates.CertificateFailed)))
	case csr.IsApproved() && csr.IsIssued():
		return csr.Status.Certificate, nil
	}
	return nil, nil
}

// writeCertificate writes cert and key to path in one file, atomically.
func writeCertificate(path string, cert *x509.Certificate, key crypto.Signer) error {
	keyPEM, err := pki.MarshalKey(key)
	if err != nil {
		return err
	}
	return pki.WriteFile(path, append(pki.EncodeCertificate(cert), keyPEM...))
}

func tlsCertificate(cert *x509.Certificate, key crypto.Signer) *tls.Certificate {
	return &tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
}

// The node's kubeconfig, as the kubelet writes it: the credential is named
// by path, so rotation replaces only the certificate file.
type (
	kubeconfigFile struct {
		APIVersion     string         `json:"apiVersion"`
		Kind           string         `json:"kind"`
		Clusters       []namedCluster `json:"clusters"`
		Contexts       []namedContext `json:"contexts"`
		CurrentContext string         `json:"current-context"`
		Users          []namedUser    `json:"users"`
	}
	namedCluster struct {
		Name    string `json:"name"`
		Cluster struct {
			CertificateAuthorityData []byte `json:"certificate-authority-data,omitempty"`
			Server                   string `json:"server"`
		} `json:"cluster"`
	}
	namedContext struct {
		Name    string `json:"name"`
		Context struct {
			Cluster string `json:"cluster"`
			User    string `json:"user"`
		} `json:"context"`
	}
	namedUser struct {
		Name string `json:"name"`
		User struct {
			ClientCertificate string `json:"client-certificate"`
			ClientKey         string `json:"client-key"`
		} `json:"user"`
	}
)

// writeKubeconfig writes the node's kubeconfig unless it already says the
// same.
func writeKubeconfig(path string, c *cluster, certPath string) error {
	abs, err := filepath.Abs(certPath)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	var cl namedCluster
	cl.Name, cl.Cluster.Server, cl.Cluster.CertificateAuthorityData = "default-cluster", c.server, c.caPEM
	var cx namedContext
	cx.Name, cx.Context.Cluster, cx.Context.User = "default-context", "default-cluster", "default-auth"
	var u namedUser
	u.Name, u.User.ClientCertificate, u.User.ClientKey = "default-auth", abs, abs
	f := kubeconfigFile{APIVersion: "v1", Kind: "Config", CurrentContext: cx.Name,
		Clusters: []namedCluster{cl}, Contexts: []namedContext{cx}, Users: []namedUser{u}}
	data, err := yaml.Marshal(&f)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	return pki.WriteFile(path, data)
}
