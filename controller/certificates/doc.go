// Package certificates is the control plane's side of TLS bootstrap and
// certificate rotation: the controllers Kubernetes runs in
// kube-controller-manager for CertificateSigningRequests
// (pkg/controller/certificates), over package controller (DESIGN.md,
// "controller"). Add runs three of them on the manager's shared
// CertificateSigningRequest informer:
//
//   - csrapproving approves nodes' requests for their client certificates:
//     a bootstrapper's first request for a node name nobody holds, and a
//     node's renewal of its own certificate, after asking the authorizer
//     (SubjectAccessReview) as Kubernetes does. It never denies; other
//     requests wait for a person (`kubectl certificate approve`).
//   - csrsigning issues approved requests of the kubernetes.io signers
//     (kube-apiserver-client, kube-apiserver-client-kubelet,
//     kubelet-serving) with the cluster CA (pki.PKI.Sign), for
//     min(expirationSeconds, MaxDuration); requests a signer may not issue
//     get a Failed condition. Denied requests are never signed.
//   - csrcleaner deletes requests an hour after they were issued, denied
//     or failed, and a day after creation when undecided, as Kubernetes
//     does; each request is requeued for its own deadline rather than
//     polled.
//
// The API server must serve CertificateSigningRequests as Kubernetes does:
// record the creating user in spec.username/uid/groups/extra, and route
// the approval subresource (PUT/PATCH .../certificatesigningrequests/<name>/approval),
// which writes only the conditions; api/certificates has the rules
// (PrepareForCreate, PrepareForApprovalUpdate, ValidateApprovalUpdate, ...).
// Under RBAC the controllers' identity needs get/list/watch/delete on
// certificatesigningrequests, update on their status and approval, approve
// and sign on the kubernetes.io signers, create on subjectaccessreviews,
// list/watch on nodes (the approver's name check) and create on events.
//
// Every write goes through the API with the resourceVersion the decision
// was made on, so a decision made on a stale cache fails with a conflict
// and is made again: a request is approved, and issued, at most once. The
// node side of the exchange is package pki/bootstrap; the rules of the API
// object are in api/certificates.
package certificates
