// Package bootstrap is the node's side of TLS bootstrap and certificate
// rotation (issue "Secure by default"): how a node agent that holds only a
// bootstrap token obtains its own client identity, CN=system:node:<name> in
// O=system:nodes, and keeps it valid, entirely through the API (DESIGN.md,
// principle 4).
//
// Bootstrap asks for a certificate with a CertificateSigningRequest
// authenticated by the token and waits (watching the request) for the
// control plane's approver and signer (controller/certificates) to answer;
// the certificate and its key are written together, atomically, in one file,
// and a kubeconfig names that file, as the kubelet does. A valid certificate
// found on disk is used without asking; an interrupted Bootstrap resumes
// the same request.
//
// Rotator renews the certificate at 70 to 90% of its lifetime, with a new
// key, through a request authenticated by the current certificate: the
// approver recognizes a node renewing itself. Clients built from
// Rotator.ClientConfig present the current certificate at every TLS
// handshake (tls.Config.GetClientCertificate) and their connections are
// closed on rotation, so long-lived clients move to the new certificate
// without being rebuilt; the old one may then expire unnoticed.
package bootstrap
