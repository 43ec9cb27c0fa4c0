// Package resource implements Kubernetes quantities: "100m" of CPU, "512Mi"
// of memory, "1e3" of anything. Every resource request, limit, capacity and
// quota in the API is a Quantity, so parsing and printing follow Kubernetes
// exactly: the same inputs are accepted with the same errors, the same
// values result (rounded up to a nano), and the same canonical strings come
// back out ("1.5Gi" prints as "1536Mi", "0.1" as "100m"), so that manifests
// round-trip through spar as they do through a real API server and kubectl
// shows what it expects.
//
// A Quantity is an immutable value. Arithmetic (Add, Sub, Neg, Cmp) is exact
// and never uses floating point: it works on an int64 mantissa and a power of
// ten without allocating, and moves to math/big only for values an int64
// cannot hold. Nothing mutable is shared between copies, which is what the
// generic meta.DeepCopy relies on (it copies unexported fields shallowly).
//
// Quantities marshal to JSON as their canonical string and unmarshal from a
// string or a bare number, as Kubernetes accepts `cpu: 1`. Resource lists
// (map[ResourceName]Quantity) belong to the API groups that use them.
package resource
