// Package resourcequota is the quota controller: it keeps each
// ResourceQuota's status true to the namespace. status.hard follows
// spec.hard, and status.used is recounted from the objects that exist,
// with the same measure (apiserver/admission/quota) that ResourceQuota
// admission charges new objects with.
//
// The two divide the work as in Kubernetes: admission adds the usage of
// each object it admits (reserving it with a compare-and-swap on the
// quota), so quotas are exact under concurrent creates; this controller
// gives usage back when objects are deleted or stop counting (a pod that
// finished), sets the status of new and changed quotas, and recounts
// every quota every ResyncPeriod to repair drift (objects admitted but
// never stored). It does not recount on every create: a recount from
// caches that have not yet seen an admitted object would undercount and
// let the next create through.
//
// Pods, services, persistent volume claims, config maps, secrets and
// resource quotas are counted from informers; other count/<resource>.<group>
// quotas by listing through the API.
package resourcequota
