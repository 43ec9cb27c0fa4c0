package plugins

import (
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/defaultbinder"
	"github.com/spar-dev/spar/scheduler/plugins/defaultpreemption"
	"github.com/spar-dev/spar/scheduler/plugins/imagelocality"
	"github.com/spar-dev/spar/scheduler/plugins/interpodaffinity"
	"github.com/spar-dev/spar/scheduler/plugins/nodeaffinity"
	"github.com/spar-dev/spar/scheduler/plugins/nodename"
	"github.com/spar-dev/spar/scheduler/plugins/nodeports"
	"github.com/spar-dev/spar/scheduler/plugins/noderesources"
	"github.com/spar-dev/spar/scheduler/plugins/nodeunschedulable"
	"github.com/spar-dev/spar/scheduler/plugins/podtopologyspread"
	"github.com/spar-dev/spar/scheduler/plugins/queuesort"
	"github.com/spar-dev/spar/scheduler/plugins/schedulinggates"
	"github.com/spar-dev/spar/scheduler/plugins/tainttoleration"
	"github.com/spar-dev/spar/scheduler/plugins/volumebinding"
)

// Registry returns a registry of every default plugin.
func Registry() scheduler.Registry {
	return scheduler.Registry{
		queuesort.Name:             queuesort.New,
		schedulinggates.Name:       schedulinggates.New,
		nodename.Name:              nodename.New,
		nodeunschedulable.Name:     nodeunschedulable.New,
		nodeports.Name:             nodeports.New,
		noderesources.FitName:      noderesources.NewFit,
		noderesources.BalancedName: noderesources.NewBalanced,
		nodeaffinity.Name:          nodeaffinity.New,
		tainttoleration.Name:       tainttoleration.New,
		volumebinding.Name:         volumebinding.New,
		podtopologyspread.Name:     podtopologyspread.New,
		interpodaffinity.Name:      interpodaffinity.New,
		defaultpreemption.Name:     defaultpreemption.New,
		imagelocality.Name:         imagelocality.New,
		defaultbinder.Name:         defaultbinder.New,
	}
}

// Defaults returns the default profile's plugins: Kubernetes' default
// multi-point plugins (kube-scheduler's v1 configuration) in its order and
// with its score weights, less those spar does not have (VolumeRestrictions,
// NodeVolumeLimits, VolumeZone and the DynamicResources plugin behind its
// feature gate). Each is enabled at every extension point it implements.
func Defaults() *scheduler.Plugins {
	return &scheduler.Plugins{MultiPoint: scheduler.PluginSet{Enabled: []scheduler.PluginRef{
		{Name: schedulinggates.Name},
		{Name: queuesort.Name},
		{Name: nodeunschedulable.Name},
		{Name: nodename.Name},
		{Name: tainttoleration.Name, Weight: 3},
		{Name: nodeaffinity.Name, Weight: 2},
		{Name: nodeports.Name},
		{Name: noderesources.FitName, Weight: 1},
		{Name: volumebinding.Name},
		{Name: podtopologyspread.Name, Weight: 2},
		{Name: interpodaffinity.Name, Weight: 2},
		{Name: defaultpreemption.Name},
		{Name: noderesources.BalancedName, Weight: 1},
		{Name: imagelocality.Name, Weight: 1},
		{Name: defaultbinder.Name},
	}}}
}
