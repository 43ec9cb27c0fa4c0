// Package volumebinding is the VolumeBinding scheduling plugin: pods with
// PersistentVolumeClaims go where their volumes are, and claims that wait
// for their first consumer are bound to a volume the chosen node can
// reach, as Kubernetes' volume binding does.
//
// PreFilter sorts a pod's claims (from shared informers of claims, volumes
// and storage classes on the handle's manager). A bound claim restricts
// the pod to the nodes its volume's node affinity allows (and narrows the
// nodes outright for local volumes pinned to hostnames). An unbound claim
// of an Immediate class makes the pod unschedulable until the claim is
// bound. An unbound claim of a WaitForFirstConsumer class is decided per
// node by Filter: the smallest available volume of its class that is big
// enough, matches its access modes, volume mode and selector, and that the
// node can reach — or, failing that, dynamic provisioning, if the class has
// a provisioner whose allowed topologies include the node.
//
// Reserve records the choice in an assume cache layered over the
// informers, so the next pods do not take the same volume before the API
// shows the binding; Unreserve reverts it. PreBind writes the bindings
// through the API — the volume's claimRef and the claim's volumeName
// (spar has no volume controller to complete the binding, so the plugin
// does it, phases included), or the volume.kubernetes.io/selected-node
// annotation for a provisioner — and waits until the claims are bound,
// up to Args.BindTimeoutSeconds (DESIGN.md, "scheduler").
package volumebinding
