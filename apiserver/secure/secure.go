// Package secure assembles a closed-by-default API server configuration,
// what kubeadm and kube-apiserver's security flags do together: a PKI
// (cluster CA, serving and client certificates, kubeconfigs), TLS with
// client certificates, the authenticator chain (x509, loopback, static and
// bootstrap tokens, service-account JWTs, anonymous only for health and
// version), Node and RBAC authorization, the default admission plugins with
// NodeRestriction, bound service-account tokens, auditing and encryption
// of secrets at rest (DESIGN.md, "apiserver": authn → audit → authz,
// admission).
//
//	s, err := secure.Configure(&cfg, secure.Options{Dir: dataDir})
//	srv, err := apiserver.New(cfg)
//	s.Attach(srv)
//	http.Server{Handler: srv, TLSConfig: s.TLSConfig}.ServeTLS(ln, "", "")
package secure

import (
	"context"
	"crypto"
	"crypto/tls"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/pki"
	"github.com/spar-dev/spar/store/encryption"
)

// Options configure Configure. Dir is required; the zero value of every
// other field means its default.
type Options struct {
	// Dir holds the PKI (Dir/pki), the encryption configuration and the
	// audit log. Required.
	Dir string
	// ServerURL is the API server's URL written into kubeconfigs. Default
	// https://127.0.0.1:6443.
	ServerURL string
	// Hosts are extra names and addresses for the serving certificate.
	Hosts []string
	// TokenFile is a kube-apiserver --token-auth-file. Default: none.
	TokenFile string
	// AuditPolicy is a policy file. Default: audit.DefaultPolicy().
	AuditPolicy string
	// AuditLog is the audit log file; "-" for stdout, "off" for no audit.
	// Default Dir/audit.log.
	AuditLog string
	// EncryptionConfig is an EncryptionConfiguration file, created with a
	// fresh aescbc key for secrets when missing. Default
	// Dir/encryption-config.yaml.
	EncryptionConfig string
	// AdmissionPlugins. Default: admission.DefaultPlugins plus
	// NodeRestriction and the certificate plugins (CertificateApproval,
	// CertificateSigning, CertificateSubjectRestriction), as kube-apiserver
	// enables by default.
	AdmissionPlugins []string
}

// Setup is what Configure produced.
type Setup struct {
	PKI *pki.PKI
	// TLSConfig serves the API (client certificates requested, not
	// required: token clients work too).
	TLSConfig *tls.Config
	// AdminKubeconfig is the path of the admin kubeconfig (system:masters).
	AdminKubeconfig string
	// Audit is the audit backend; close it after the HTTP server stops.
	Audit audit.Backend

	srv atomic.Pointer[apiserver.Server]
}

// Configure fills in cfg's security fields and wraps cfg.Store with
// encryption at rest. cfg.Store must be set. Call Attach with the server
// built from cfg before serving: the token authenticators read secrets,
// service accounts and pods through the server's caches.
func Configure(cfg *apiserver.Config, opts Options) (*Setup, error) {
	if opts.Dir == "" || cfg.Store == nil {
		return nil, errors.New("secure: Options.Dir and Config.Store are required")
	}
	p, err := pki.Bootstrap(pki.Options{Dir: filepath.Join(opts.Dir, "pki"), ServerURL: opts.ServerURL, Hosts: opts.Hosts,
		ServiceCIDR: cfg.ServiceCIDR})
	if err != nil {
		return nil, err
	}
	s := &Setup{PKI: p, TLSConfig: p.ServerTLSConfig(), AdminKubeconfig: p.Path(pki.AdminKubeconfig)}

	// Encryption at rest: secrets by default.
	encPath := opts.EncryptionConfig
	if encPath == "" {
		encPath = filepath.Join(opts.Dir, "encryption-config.yaml")
	}
	enc, err := encryption.LoadOrGenerate(encPath, "")
	if err != nil {
		return nil, err
	}
	if cfg.Store, err = encryption.Wrap(cfg.Store, enc); err != nil {
		return nil, err
	}

	iss := &authn.Issuer{Key: p.ServiceAccountKey()}
	cfg.ServiceAccountIssuer = iss
	chain := authn.Union{
		&authn.X509{Roots: p.CAPool()},
	}
	if opts.TokenFile != "" {
		st, err := authn.LoadStaticTokens(opts.TokenFile)
		if err != nil {
			return nil, err
		}
		chain = append(chain, st)
	}
	chain = append(chain,
		&authn.BootstrapTokens{GetSecret: func(ctx context.Context, name string) (*core.Secret, error) {
			return lookup[core.Secret](ctx, s, "secrets", "kube-system", name)
		}},
		&authn.ServiceAccountTokens{
			Keys: []crypto.PublicKey{p.ServiceAccountKey().Public()},
			GetServiceAccount: func(ctx context.Context, ns, name string) (*core.ServiceAccount, error) {
				return lookup[core.ServiceAccount](ctx, s, "serviceaccounts", ns, name)
			},
			GetPod: func(ctx context.Context, ns, name string) (*core.Pod, error) {
				return lookup[core.Pod](ctx, s, "pods", ns, name)
			},
			GetNode: func(ctx context.Context, name string) (*core.Node, error) {
				return lookup[core.Node](ctx, s, "nodes", "", name)
			},
		},
		&authn.AnonymousAccess{Paths: authn.DefaultAnonymousPaths},
	)
	cfg.Authenticator = chain
	cfg.AuthorizationModes = []string{apiserver.ModeNode, apiserver.ModeRBAC}
	cfg.AdmissionPlugins = opts.AdmissionPlugins
	if cfg.AdmissionPlugins == nil {
		cfg.AdmissionPlugins = append(append([]string(nil), admission.DefaultPlugins...), admission.NodeRestrictionName,
			admission.CertificateApprovalName, admission.CertificateSigningName, admission.CertificateSubjectRestrictionName)
	}

	if opts.AuditLog != "off" {
		pol := audit.DefaultPolicy()
		if opts.AuditPolicy != "" {
			if pol, err = audit.LoadPolicy(opts.AuditPolicy); err != nil {
				return nil, err
			}
		}
		path := opts.AuditLog
		if path == "" {
			path = filepath.Join(opts.Dir, "audit.log")
		}
		b, err := audit.NewLog(audit.LogOptions{Path: path})
		if err != nil {
			return nil, err
		}
		cfg.AuditPolicy, cfg.AuditBackend, s.Audit = pol, b, b
	}
	return s, nil
}

// Attach gives the authenticators the server whose caches they read.
func (s *Setup) Attach(srv *apiserver.Server) { s.srv.Store(srv) }

// lookup reads an object through the attached server's caches.
func lookup[T any](ctx context.Context, s *Setup, resource, ns, name string) (*T, error) {
	srv := s.srv.Load()
	if srv == nil {
		return nil, fmt.Errorf("secure: no server attached")
	}
	return apiserver.Lookup[T](ctx, srv, "", resource, ns, name)
}
