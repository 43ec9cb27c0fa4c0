// Package coordination holds coordination.k8s.io/v1 Lease, the small object
// that leader election (controller.Manager) and node heartbeats (the kubelet
// renews one Lease per node in kube-node-lease) are built on. Optimistic
// concurrency on the Lease's resourceVersion is what makes a single holder
// safe; see DESIGN.md principle 6.
package coordination
