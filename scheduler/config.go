package scheduler

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/spar-dev/spar/api"
)

// PluginFactory builds a plugin from its arguments (the profile's
// pluginConfig entry for it, JSON; nil when absent) and the framework
// handle.
type PluginFactory func(args json.RawMessage, h Handle) (Plugin, error)

// Registry maps plugin names to factories. It is explicit: a scheduler
// knows exactly the plugins it was given (package scheduler/plugins has
// the defaults; users add their own).
type Registry map[string]PluginFactory

// Merge adds other's factories to r; a name in both is an error.
func (r Registry) Merge(other Registry) error {
	for name, f := range other {
		if _, ok := r[name]; ok {
			return fmt.Errorf("scheduler: plugin %q registered twice", name)
		}
		r[name] = f
	}
	return nil
}

// PluginRef names a plugin in a profile, with its score weight.
type PluginRef struct {
	Name   string `json:"name"`
	Weight int32  `json:"weight,omitempty"`
}

// PluginSet enables and disables plugins at one extension point; "*" in
// Disabled disables every default.
type PluginSet struct {
	Enabled  []PluginRef `json:"enabled,omitempty"`
	Disabled []PluginRef `json:"disabled,omitempty"`
}

// Plugins configures a profile's plugins per extension point. MultiPoint
// plugins are enabled at every extension point they implement.
type Plugins struct {
	MultiPoint PluginSet `json:"multiPoint,omitempty"`
	PreEnqueue PluginSet `json:"preEnqueue,omitempty"`
	QueueSort  PluginSet `json:"queueSort,omitempty"`
	PreFilter  PluginSet `json:"preFilter,omitempty"`
	Filter     PluginSet `json:"filter,omitempty"`
	PostFilter PluginSet `json:"postFilter,omitempty"`
	PreScore   PluginSet `json:"preScore,omitempty"`
	Score      PluginSet `json:"score,omitempty"`
	Reserve    PluginSet `json:"reserve,omitempty"`
	Permit     PluginSet `json:"permit,omitempty"`
	PreBind    PluginSet `json:"preBind,omitempty"`
	Bind       PluginSet `json:"bind,omitempty"`
	PostBind   PluginSet `json:"postBind,omitempty"`
}

// PluginConfig passes arguments to a plugin.
type PluginConfig struct {
	Name string          `json:"name"`
	Args json.RawMessage `json:"args,omitempty"`
}

// Profile is one scheduler personality, selected by a pod's
// spec.schedulerName.
type Profile struct {
	// SchedulerName is the spec.schedulerName the profile serves.
	// Default "default-scheduler".
	SchedulerName string `json:"schedulerName,omitempty"`
	// Plugins adjust the default plugins (Config.DefaultPlugins).
	Plugins *Plugins `json:"plugins,omitempty"`
	// PluginConfig holds per-plugin arguments.
	PluginConfig []PluginConfig `json:"pluginConfig,omitempty"`
	// PercentageOfNodesToScore overrides Configuration's for this profile.
	PercentageOfNodesToScore *int32 `json:"percentageOfNodesToScore,omitempty"`
}

// Configuration is the scheduler configuration file, a subset of
// kubescheduler.config.k8s.io/v1 KubeSchedulerConfiguration.
type Configuration struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	// Profiles; default: one "default-scheduler" profile with the default
	// plugins.
	Profiles []Profile `json:"profiles,omitempty"`
	// PercentageOfNodesToScore: the share of nodes to find feasible before
	// scoring stops looking. 0 means adaptive, as Kubernetes: 50 −
	// nodes/125 percent, at least 5%, and at least 100 nodes.
	PercentageOfNodesToScore int32 `json:"percentageOfNodesToScore,omitempty"`
	// Parallelism is the number of goroutines for Filter and Score.
	// Default 16, as Kubernetes.
	Parallelism int32 `json:"parallelism,omitempty"`
	// LeaderElection is accepted for compatibility and read by the example
	// main; spar's scheduler elects through its controller.Manager.
	LeaderElection json.RawMessage `json:"leaderElection,omitempty"`
	// ClientConnection is accepted for compatibility; ignored.
	ClientConnection json.RawMessage `json:"clientConnection,omitempty"`
}

// LoadConfiguration reads a YAML or JSON configuration file, rejecting
// unknown fields.
func LoadConfiguration(path string) (*Configuration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	j, err := api.ToJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var c Configuration
	if err := api.DecodeStrict(j, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Kind != "" && c.Kind != "KubeSchedulerConfiguration" {
		return nil, fmt.Errorf("%s: kind %q, want KubeSchedulerConfiguration", path, c.Kind)
	}
	return &c, nil
}

// DefaultSchedulerName is the profile pods get without spec.schedulerName.
const DefaultSchedulerName = "default-scheduler"

// resolvePlugins returns, for one extension point, the enabled plugins of a
// profile: the defaults (multi-point defaults included) minus what is
// disabled, plus what is enabled, in order.
func resolvePlugins(defaults, multi PluginSet, set PluginSet) []PluginRef {
	disabled := func(s PluginSet, name string) bool {
		return slices.ContainsFunc(s.Disabled, func(r PluginRef) bool { return r.Name == "*" || r.Name == name })
	}
	var out []PluginRef
	add := func(r PluginRef) {
		for i := range out {
			if out[i].Name == r.Name {
				if r.Weight != 0 {
					out[i].Weight = r.Weight
				}
				return
			}
		}
		out = append(out, r)
	}
	for _, r := range defaults.Enabled {
		if !disabled(set, r.Name) && !disabled(multi, r.Name) {
			add(r)
		}
	}
	for _, r := range multi.Enabled {
		if !disabled(set, r.Name) {
			add(r)
		}
	}
	for _, r := range set.Enabled {
		add(r)
	}
	return out
}

// percentageOfNodesToScore computes how many feasible nodes to look for.
func numFeasibleNodesToFind(percentage int32, numAll int) int {
	const minFeasible = 100
	if numAll < minFeasible {
		return numAll
	}
	p := percentage
	if p <= 0 {
		p = int32(50 - numAll/125)
		if p < 5 {
			p = 5
		}
	}
	if p >= 100 {
		return numAll
	}
	n := numAll * int(p) / 100
	if n < minFeasible {
		return minFeasible
	}
	return n
}
