// Package certificates holds certificates.k8s.io/v1 CertificateSigningRequest:
// how a client that has only a weak credential (a node's bootstrap token)
// or an existing certificate obtains a certificate from the cluster's CA
// through the API, as DESIGN.md's fourth principle asks — nothing reads
// the CA's key but the signer.
//
// A request moves through three write paths, each owned by a different
// actor and each with its own rules, enforced here so that the generic
// API server needs only to call them:
//
//   - create (the requester): spec.request, signerName, usages and
//     expirationSeconds; the API server records the requester in
//     spec.username/uid/groups/extra (PrepareForCreate) and the status
//     starts empty.
//   - approval subresource (an approver): Approved or Denied, never both,
//     never removed (PrepareForApprovalUpdate, ValidateApprovalUpdate).
//   - status subresource (the signer): status.certificate, once, or a
//     Failed condition (PrepareForStatusUpdate, ValidateStatusUpdate).
//
// The spec never changes after create, and the main resource changes only
// metadata. controller/certificates approves node client requests and signs
// approved ones with the cluster CA (package pki); pki/bootstrap is the node
// side. Field names, protobuf numbers, validation rules and messages are
// Kubernetes'.
package certificates
