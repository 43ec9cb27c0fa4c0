// Package labels implements Kubernetes label selectors: the grouping
// mechanism behind every membership in the system (DESIGN.md, principle 3).
// A ReplicaSet owns the pods its selector matches, a Service sends traffic to
// them, a DaemonSet places itself on the nodes its selector matches; none of
// them stores a member list.
//
// Parse reads the string syntax of ?labelSelector= and kubectl -l
// ("app=web,tier in (front,back),!canary"); FromLabelSelector converts the
// structured meta.LabelSelector of specs. Both give a Selector whose
// semantics, canonical String and error messages are Kubernetes': the
// API server and the controllers built on spar must select exactly what a
// Kubernetes cluster would, and a user should see the messages they know.
// Parse errors add the byte position of the offending token.
//
// Matching is on the hot path of the watch fan-out (every event is checked
// against every interested watcher's selector), so Selector.Matches does not
// allocate and reads a Set without going through its interface. Parsed
// selectors are immutable and may be shared between goroutines.
//
// ValidateLabelKey and ValidateLabelValue are the checks that the API
// server's validation of metadata.labels reuses.
package labels
