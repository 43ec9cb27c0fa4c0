package client

import (
	"net/url"
	"strconv"
)

// ListOptions select and page a list. The zero value lists everything, in
// one page, as of now.
type ListOptions struct {
	// LabelSelector filters by labels, e.g. "app=web,tier!=db". Default: all.
	LabelSelector string
	// FieldSelector filters by fields, e.g. "spec.nodeName=n1". The server
	// supports metadata.name, metadata.namespace and per-kind fields.
	// Default: all.
	FieldSelector string
	// Limit is the page size; the server returns ListMeta.Continue while
	// there is more. Default: no limit (ListAll: 500).
	Limit int64
	// Continue is the token of the previous page's ListMeta.Continue.
	Continue string
	// ResourceVersion says how fresh the list must be: "" is the most
	// recent state (a consistent read), "0" any state the server has at
	// hand, any other value a state at least that new (or exactly that one
	// with ResourceVersionMatch "Exact"). Default "".
	ResourceVersion string
	// ResourceVersionMatch is "NotOlderThan" or "Exact"; it needs a
	// ResourceVersion. Default: the server's (NotOlderThan).
	ResourceVersionMatch string
	// TimeoutSeconds bounds the call on the server. Default: the server's.
	TimeoutSeconds int64
}

func (o *ListOptions) query() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	setString(q, "labelSelector", o.LabelSelector)
	setString(q, "fieldSelector", o.FieldSelector)
	setInt(q, "limit", o.Limit)
	setString(q, "continue", o.Continue)
	setString(q, "resourceVersion", o.ResourceVersion)
	setString(q, "resourceVersionMatch", o.ResourceVersionMatch)
	setInt(q, "timeoutSeconds", o.TimeoutSeconds)
	return q
}

// WatchOptions select what a watch streams. The zero value streams the
// current objects as ADDED events, then every change, until the server's
// default timeout (30-60 minutes on spar).
type WatchOptions struct {
	// LabelSelector and FieldSelector filter events as for List. An object
	// that stops matching arrives as DELETED. Default: all.
	LabelSelector string
	FieldSelector string
	// ResourceVersion is where the watch starts: "" or "0" sends the
	// current state as ADDED events first; any other value (a list's
	// ListMeta.ResourceVersion, or the last event's) streams the changes
	// after it. A version the server no longer has fails with an error for
	// which IsExpired is true: re-list. Default "".
	ResourceVersion string
	// AllowWatchBookmarks asks for BOOKMARK events, which carry only a
	// newer resourceVersion to resume from. Default false.
	AllowWatchBookmarks bool
	// SendInitialEvents starts with the state at least as new as
	// ResourceVersion (most recent when empty) as ADDED events, then one
	// BOOKMARK whose InitialEventsEnd is true, then the changes: a list
	// and a watch in one stream ("watch-list"). It implies
	// AllowWatchBookmarks and resourceVersionMatch=NotOlderThan, which the
	// server requires with it. Default false.
	SendInitialEvents bool
	// TimeoutSeconds ends the watch cleanly (Next returns io.EOF) after
	// this long. Default: the server's.
	TimeoutSeconds int64
}

func (o *WatchOptions) query() url.Values {
	q := url.Values{"watch": {"true"}}
	if o == nil {
		return q
	}
	setString(q, "labelSelector", o.LabelSelector)
	setString(q, "fieldSelector", o.FieldSelector)
	setString(q, "resourceVersion", o.ResourceVersion)
	if o.AllowWatchBookmarks || o.SendInitialEvents {
		q.Set("allowWatchBookmarks", "true")
	}
	if o.SendInitialEvents {
		q.Set("sendInitialEvents", "true")
		q.Set("resourceVersionMatch", "NotOlderThan")
	}
	setInt(q, "timeoutSeconds", o.TimeoutSeconds)
	return q
}

// WriteOptions tune Create, Update, Patch and the scale writes. The zero
// value writes for real with the server's defaults.
type WriteOptions struct {
	// DryRun asks the server to validate and answer as if it wrote, without
	// writing (dryRun=All). Default false.
	DryRun bool
	// FieldManager names the writer, as kubectl's "kubectl-create".
	// Default: none.
	FieldManager string
	// FieldValidation is what the server does with unknown or duplicate
	// fields in the body: "Strict" (reject with 400), "Warn" (accept, with
	// a Warning header) or "Ignore". Default: the server's, Warn.
	FieldValidation string
}

func (o *WriteOptions) query() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	if o.DryRun {
		q.Set("dryRun", "All")
	}
	setString(q, "fieldManager", o.FieldManager)
	setString(q, "fieldValidation", o.FieldValidation)
	return q
}

// PatchType is the Content-Type of a patch.
type PatchType string

// The patch types the API server applies.
const (
	// JSONPatch is RFC 6902: a list of operations ({"op":"replace",...}).
	JSONPatch PatchType = "application/json-patch+json"
	// MergePatch is RFC 7386: a partial object; null deletes, lists replace.
	MergePatch PatchType = "application/merge-patch+json"
	// StrategicMergePatch is Kubernetes' merge patch that merges lists by
	// their keys (containers by name, ports by containerPort, ...). Built-in
	// kinds only.
	StrategicMergePatch PatchType = "application/strategic-merge-patch+json"
)

func setString(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func setInt(q url.Values, k string, v int64) {
	if v != 0 {
		q.Set(k, strconv.FormatInt(v, 10))
	}
}
