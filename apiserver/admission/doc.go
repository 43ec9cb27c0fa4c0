// Package admission runs policy on writes after authorization: mutating
// plugins may change the object (defaults, injected volumes), then
// validating plugins may reject it (DESIGN.md, "Data flow": decode →
// admission (mutate) → validate → admission (validate) → registry).
//
// # Chain and plugins
//
// A Chain holds Mutators and Validators; the API server calls Admit before
// validating an object and Validate after, with Attributes describing the
// write. The built-in plugins are Kubernetes' default-enabled ones, each a
// small type selectable by name: New(DefaultPlugins, deps) builds the
// chain kube-apiserver would run, in Order:
//
//	NamespaceLifecycle, LimitRanger, ServiceAccount, [NodeRestriction],
//	PodSecurity, Priority, DefaultTolerationSeconds,
//	MutatingAdmissionWebhook, ValidatingAdmissionWebhook, ResourceQuota
//
// NodeRestriction is a slot the authorization stage fills with
// Registry.Register. Plugins read cluster state through Deps: generic
// Listers the API server backs with its watch caches (or a client, live),
// and a QuotaWriter for ResourceQuota's reservations. Rejections are
// *meta.Status errors with Kubernetes' codes and messages (`pods "web" is
// forbidden: ...`); warnings and audit annotations travel in the context
// (WithWarnings, WithAuditAnnotations).
//
// # Webhooks
//
// MutatingAdmissionWebhook and ValidatingAdmissionWebhook call the HTTPS
// webhooks of the admissionregistration.k8s.io/v1 configurations whose
// rules, namespace selector and object selector match, with an
// AdmissionReview (Review) v1: mutating webhooks one at a time, applying
// their JSON patches; validating webhooks in parallel. A webhook that
// cannot be reached, times out (timeoutSeconds, default 10) or answers
// nonsense fails the write with a 500 under failurePolicy Fail and is
// skipped under Ignore; a denial is `admission webhook "name" denied the
// request: <message>`.
//
// # Quota
//
// ResourceQuota charges each admitted object's usage (package quota) to
// the quotas it matches by updating their status with a compare-and-swap,
// serialized per namespace within the process and retried against other
// writers, so exactly as many objects are admitted as the quota allows
// however many arrive at once. The quota controller
// (controller/resourcequota) sets each quota's status and gives usage back
// when objects go away.
package admission
