// Package fields implements Kubernetes field selectors: the ?fieldSelector=
// of lists and watches, and kubectl --field-selector. A kubelet watches the
// pods with spec.nodeName=<its node>; the scheduler, those with
// spec.nodeName= (unscheduled).
//
// The package knows the syntax and the matching, nothing about kinds: the
// API server decides which fields each kind offers (DESIGN.md, apiserver)
// and presents an object's fields as a Fields (usually a Set). Parse accepts
// and rejects what Kubernetes does, with its escaping of values (\, \= \\),
// its error messages (which also name the term at fault), and the rule that
// an absent field reads as "".
//
// Selector.RequiresExactMatch is the hook for the watch cache's indexes
// (DESIGN.md, watch): a selector that pins spec.nodeName to one value
// needs to see only that node's bucket, so an event costs O(interested
// watchers). Matching does not allocate; selectors are immutable and may be
// shared between goroutines.
package fields
