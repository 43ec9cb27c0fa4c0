// Package imagelocality is the ImageLocality plugin: nodes that already
// have the pod's images score higher, scaled by how widely each image is
// spread (an image on every node gives no reason to prefer one).
package imagelocality

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in profiles.
const Name = "ImageLocality"

// Thresholds of the score, as Kubernetes: images smaller than 23 MB do
// not count, and 1000 MB per container is the most that does.
const (
	mb                    int64 = 1024 * 1024
	minThreshold                = 23 * mb
	maxContainerThreshold       = 1000 * mb
)

// Plugin implements Score.
type Plugin struct{ h scheduler.Handle }

// New returns the plugin; it takes no arguments.
func New(_ json.RawMessage, h scheduler.Handle) (scheduler.Plugin, error) { return &Plugin{h: h}, nil }

// Name implements scheduler.Plugin.
func (p *Plugin) Name() string { return Name }

// normalizedImageName adds ":latest" to an image without tag or digest, as
// nodes report image names.
func normalizedImageName(name string) string {
	last := name[strings.LastIndex(name, "/")+1:]
	if !strings.Contains(last, ":") && !strings.Contains(name, "@") {
		return name + ":latest"
	}
	return name
}

func images(cs []core.Container) []string {
	out := make([]string, len(cs))
	for i := range cs {
		out[i] = cs[i].Image
	}
	return out
}

// Score implements scheduler.ScorePlugin.
func (p *Plugin) Score(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) (int64, *scheduler.Status) {
	if len(node.ImageStates) == 0 {
		return 0, nil
	}
	total := int64(len(p.h.Snapshot().List()))
	var sum int64
	n := 0
	for _, list := range [][]string{images(pod.Pod.Spec.InitContainers), images(pod.Pod.Spec.Containers)} {
		for _, img := range list {
			n++
			if st, ok := node.ImageStates[normalizedImageName(img)]; ok && total > 0 {
				sum += int64(float64(st.Size) * float64(st.NumNodes) / float64(total))
			}
		}
	}
	maxThreshold := maxContainerThreshold * int64(max(n, 1))
	sum = min(max(sum, minThreshold), maxThreshold)
	return scheduler.MaxNodeScore * (sum - minThreshold) / (maxThreshold - minThreshold), nil
}

// ScoreExtensions implements scheduler.ScorePlugin.
func (p *Plugin) ScoreExtensions() scheduler.ScoreExtensions { return nil }
