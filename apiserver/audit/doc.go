// Package audit records who did what to the API: the audit stage of the API
// server's request pipeline (DESIGN.md, "Data flow": recover → request log
// → in-flight limit → authn → audit → authz). It is Kubernetes' auditing:
// an audit.k8s.io/v1 Policy decides, per request, a level and the stages
// recorded; events in the audit.k8s.io/v1 Event format go to backends — a
// JSON-lines log file rotated by size, a batching webhook, or both.
//
// # Policy
//
// A Policy (LoadPolicy, ParsePolicy: YAML or JSON, strict, validated with
// kube-apiserver's rules) is a list of rules; the first rule that matches a
// request gives its level, and a request no rule matches is not recorded.
// A rule matches on users, userGroups, verbs, resources (group, resource
// names, "pods/log" subresources, "*", "*/scale", "deployments/*",
// resourceNames), namespaces and nonResourceURLs ("/healthz", "/api*",
// "*"). Levels: None, Metadata (user, verb, objectRef, response status,
// timestamps), Request (and the request body), RequestResponse (and the
// response body). Stages: RequestReceived, ResponseStarted (long-running
// requests: watch, log, exec, attach, portforward, proxy), ResponseComplete,
// Panic; omitStages (policy-wide and per rule) leaves some out, and
// omitManagedFields drops metadata.managedFields from recorded bodies.
// DefaultPolicy is the policy of clusters spar bootstraps: every change
// recorded, reads not, secrets and configmaps at Metadata.
//
// # Filter
//
// WithAudit wraps the rest of the chain. It reads the user put in the
// context by authentication and the request's attributes
// (Options.Attributes: the server's RequestInfo), and captures bodies only when the
// level needs them, bounded by Options.MaxBodySize: the request body is
// read ahead of the handler at Request and above, the response body kept
// at RequestResponse (and for error responses, whose Status fills
// responseStatus). JSON bodies are recorded as they are and YAML ones
// converted; others (protobuf) only if the handler passes the decoded
// object to LogRequestObject or LogResponseObject. Handlers further down
// add annotations (AddAnnotation: the authorizer's decision), the
// impersonated user (LogImpersonatedUser) and objects through the request
// context. WithFailedAuthenticationAudit records requests refused with 401.
//
// # Secrets
//
// Secret data never reaches an audit backend unless the policy asks for it
// by name. Exactly:
//
//   - A request to core secrets (group "", resource "secrets", any verb,
//     any subresource) has its requestObject and responseObject recorded
//     only when the matching rule is at Request or RequestResponse and
//     names secrets literally: one of its resources entries has group ""
//     and lists "secrets" (or "secrets/<subresource>" of the request, or
//     "secrets/*") — Decision.NamesResource. A match through "*", "*/x",
//     an entry without resources or a rule without resources does not
//     count. Otherwise the event has every field but the two objects, and
//     the annotation audit.spar.dev/redacted.
//   - Every other recorded body is scrubbed: wherever an object of kind
//     Secret appears in it (or the items of a SecretList), its data,
//     stringData and kubectl's last-applied-configuration annotation are
//     removed; wherever a TokenRequest appears, its status.token is. A rule
//     naming "serviceaccounts/token" records TokenRequests whole.
//
// # Backends
//
// Log writes one JSON event per line through lumberjack (rotation at
// MaxSize megabytes, MaxBackups and MaxAge pruning, owner-only files). By
// default a request only queues its events: a background writer encodes
// them (with a writer of its own, not encoding/json's reflection) and
// appends them every FlushInterval (10ms) in a few large writes, as
// kube-apiserver's --audit-log-mode=batch, except that a full queue makes
// requests wait rather than drop events. Close and Flush write everything
// queued, so a graceful shutdown loses nothing; a process killed without
// Close loses the events of its last FlushInterval (more if the disk had
// fallen behind, at most BufferSize), and a machine crash what the kernel
// had not written back, in every mode (the file is not synced, as in
// kube-apiserver). LogOptions.Blocking writes each event in the request,
// as kube-apiserver's default blocking mode.
// Webhook posts EventLists to the endpoint a kubeconfig describes, in
// batches (MaxBatchSize events or MaxBatchWait), retrying connection
// errors, 5xx and 429 with exponential backoff, from a bounded queue that
// refuses events (ErrBufferFull) rather than slow requests down. Union
// feeds several backends.
package audit
