// Package admissionregistration holds admissionregistration.k8s.io/v1:
// MutatingWebhookConfiguration and ValidatingWebhookConfiguration, the
// objects that plug HTTPS webhooks into the API server's admission chain
// (apiserver/admission, DESIGN.md "Data flow": decode → admission (mutate)
// → validate → admission (validate) → registry), so users extend policy
// without recompiling.
//
// A webhook says which writes it wants (rules: operations, API groups,
// versions, resources and scope; namespace and object label selectors),
// where to send the AdmissionReview (a URL or a Service), what to do when
// it cannot be reached (failurePolicy) and how long to wait
// (timeoutSeconds). Defaults are Kubernetes' v1 defaults: failurePolicy
// Fail, matchPolicy Equivalent, empty (match-all) selectors, a 10 second
// timeout, reinvocationPolicy Never, rule scope "*" and service port 443.
//
// CEL matchConditions are not modelled: strict decoding rejects the field
// by name rather than silently calling a webhook it was meant to skip.
package admissionregistration
