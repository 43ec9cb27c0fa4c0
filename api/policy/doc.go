// Package policy holds policy/v1: PodDisruptionBudget, which limits how
// many pods of a group voluntary disruptions (evictions, drains) may take
// down at once, and Eviction, the body POSTed to a pod's "eviction"
// subresource to delete it only if its budgets allow.
//
// Eviction is not a resource of its own and is not registered in the
// scheme: the core pods resource lists "eviction" among its subresources and
// the API server decodes the request body into an Eviction directly.
package policy
