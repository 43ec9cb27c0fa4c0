// Package serviceaccount is the service account controller, as Kubernetes'
// pkg/controller/serviceaccount: it keeps a "default" ServiceAccount (or
// the accounts Options.ServiceAccounts names) in every active namespace,
// creating it in new namespaces and again whenever it is deleted, so that
// pods, which run as "default" unless they say otherwise, always find
// their account.
//
// It reconciles namespaces (DESIGN.md, "controller"): it watches the
// shared Namespace informer, and the shared ServiceAccount informer for
// deletions of the accounts it manages, which it maps back to their
// namespace. A reconcile reads both caches and creates what is missing
// through the client; an account that already exists (the cache lagging)
// is fine, and a namespace that is being deleted gets nothing. It never
// updates or deletes accounts: their content is their users'.
package serviceaccount
