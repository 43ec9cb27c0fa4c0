// Package defaultbinder is the DefaultBinder plugin: it binds a pod by
// POSTing a Binding to the pod's binding subresource, the write the API
// server turns into spec.nodeName.
package defaultbinder

import (
	"context"
	"encoding/json"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in profiles.
const Name = "DefaultBinder"

// Plugin implements scheduler.BindPlugin.
type Plugin struct{ c *client.Client }

// New returns the plugin; it takes no arguments.
func New(_ json.RawMessage, h scheduler.Handle) (scheduler.Plugin, error) {
	return &Plugin{c: h.Client()}, nil
}

// Name implements scheduler.Plugin.
func (p *Plugin) Name() string { return Name }

// Bind implements scheduler.BindPlugin.
func (p *Plugin) Bind(ctx context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node string) *scheduler.Status {
	b := &core.Binding{
		ObjectMeta: meta.ObjectMeta{Namespace: pod.Pod.Namespace, Name: pod.Pod.Name, UID: pod.Pod.UID},
		Target:     core.ObjectReference{Kind: "Node", Name: node},
	}
	err := client.Resource[core.Pod](p.c).Namespace(pod.Pod.Namespace).CreateSubresource(ctx, pod.Pod.Name, "binding", b, nil)
	return scheduler.AsStatus(err)
}
