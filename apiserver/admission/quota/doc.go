// Package quota measures what objects charge against ResourceQuotas, the
// part that the ResourceQuota admission plugin (package admission, one
// level up) and the quota controller (controller/resourcequota) share, so
// that the usage admission adds as objects are created is exactly the
// usage the controller recounts from the objects that exist.
//
// An Evaluator knows one resource: pods charge pods, count/pods and their
// cpu, memory and ephemeral-storage requests and limits; services charge
// services, node ports and load balancers; persistent volume claims charge
// requests.storage, also per storage class; every other resource charges
// count/<resource>.<group> (and configmaps, secrets, resourcequotas and
// replicationcontrollers their legacy names). For returns the evaluator of
// a resource. The list functions (Add, Mask, LessThanOrEqual, ...) are the
// arithmetic both sides use, with Kubernetes' semantics.
package quota
