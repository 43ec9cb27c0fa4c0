// Package pki creates and keeps the certificates, keys and kubeconfig files
// a cluster needs, as `kubeadm init` does: the cluster CA, the API server's
// serving certificate, client certificates for the admin and each control
// plane component and node, the service-account token signing key, and a
// kubeconfig per client with everything embedded.
//
// It is the first step of a secure cluster (issue "Secure by default"): the
// API server serves with PKI.ServerTLSConfig, authenticates client
// certificates against PKI.CAPool (apiserver/authn.X509) and signs
// service-account tokens with PKI.ServiceAccountKey; every other component
// connects with its kubeconfig through client.LoadKubeconfig, and the real
// kubectl uses admin.conf unchanged.
//
// Bootstrap is idempotent. Files already in the directory are kept when
// they are still right: an operator may place their own ca.crt and ca.key
// there first and every certificate is then issued by that CA. A
// certificate is re-issued (with its existing key) only when it is missing,
// was not issued by the current CA, no longer matches what it must say
// (subject, SANs, server URL), or has used 80% of its lifetime; calling
// Bootstrap (or PKI.Rotate) periodically therefore rotates certificates
// before they expire. Sign issues certificates for CertificateSigningRequests
// (TLS bootstrap of nodes).
//
// Keys are ECDSA P-256: key generation is instant (RSA-2048 takes tens of
// milliseconds, RSA-4096 far longer, which matters for tests and for one
// key per node), signatures and handshakes are cheap, certificates and
// tokens are small, and every client in the ecosystem (Go's crypto/tls,
// kubectl, client-go, OpenSSL, JOSE libraries as ES256) accepts them;
// kubeadm offers the same choice as "ECDSA-P256". A pre-placed RSA CA or
// RSA service-account key is used as it is.
//
// Files are written atomically (temporary file, fsync, rename) with mode
// 0600 in a directory of mode 0700, since most of them hold private keys.
package pki
