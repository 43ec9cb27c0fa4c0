// Package queuesort is the PrioritySort plugin: the scheduling queue pops
// higher-priority pods first, and among equals the one waiting longest.
package queuesort

import (
	"encoding/json"

	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in profiles.
const Name = "PrioritySort"

// Plugin implements scheduler.QueueSortPlugin.
type Plugin struct{}

// New returns the plugin; it takes no arguments.
func New(json.RawMessage, scheduler.Handle) (scheduler.Plugin, error) { return Plugin{}, nil }

// Name implements scheduler.Plugin.
func (Plugin) Name() string { return Name }

// Less implements scheduler.QueueSortPlugin.
func (Plugin) Less(a, b *scheduler.QueuedPod) bool {
	pa, pb := priority(a), priority(b)
	return pa > pb || pa == pb && a.Timestamp.Before(b.Timestamp)
}

func priority(q *scheduler.QueuedPod) int32 {
	if p := q.Pod.Spec.Priority; p != nil {
		return *p
	}
	return 0
}
