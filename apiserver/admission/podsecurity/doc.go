// Package podsecurity evaluates pods against the Pod Security Standards:
// the privileged, baseline and restricted levels, with the checks,
// versions and messages of Kubernetes' pod-security-admission library.
//
// It is pure: Evaluate takes a pod's metadata and spec and returns the
// violations. The PodSecurity admission plugin (package admission, one
// level up) reads a namespace's pod-security.kubernetes.io/* labels with
// PolicyFromLabels, rejects pods that violate the enforce level and turns
// warn and audit violations into warnings and audit annotations; a kubelet
// or a linter can call Evaluate the same way.
//
// A version ("v1.25", or "latest") selects the checks as they were in that
// Kubernetes release: newer releases added checks (probe and lifecycle
// hosts in v1.34), allowed more values (sysctls, SELinux types) or relaxed
// checks for Windows pods (v1.25) and user-namespaced pods (v1.35).
package podsecurity
