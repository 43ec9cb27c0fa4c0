// Package authn identifies the caller of an API request: the stage of the
// API server's request pipeline after the in-flight limit and before
// authorization (DESIGN.md, "Data flow"). An Authenticator looks at the
// request (client certificate, bearer token) and returns who made it; the
// authorizer then decides what that user may do.
//
// The authenticators are those of kube-apiserver, each a small type:
//
//   - X509: client certificates verified against the cluster CA
//     (CN → user, O → groups).
//   - StaticTokens: bearer tokens from a --token-auth-file CSV file.
//   - BootstrapTokens: "<id>.<secret>" tokens stored as Secrets
//     bootstrap-token-<id> in kube-system, for nodes joining (TLS bootstrap).
//   - ServiceAccountTokens: JWTs signed by the control plane's Issuer for a
//     ServiceAccount, optionally bound to a pod; revoked when the
//     ServiceAccount or pod is deleted.
//   - AnonymousAccess: system:anonymous on chosen paths (health and version).
//
// Union combines them: the first that accepts the request wins; invalid
// credentials are refused (401) rather than treated as anonymous; every
// authenticated user is in system:authenticated.
//
// Authenticators read the API objects they depend on (Secrets,
// ServiceAccounts, Pods) through function fields, so that the API server can
// answer from its watch caches: authentication never costs a store read.
// X509 and ServiceAccountTokens also cache their cryptographic verification
// per credential, so a request pays a map lookup rather than a signature
// check; expiry and revocation are still checked on every request.
//
// Credentials never appear in errors: messages name a certificate by its
// subject and serial and a token by its kind, so they are safe to log.
package authn
