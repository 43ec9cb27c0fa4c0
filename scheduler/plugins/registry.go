// Package plugins holds spar's default scheduling plugins, one package
// each, and the registry and default profile that wire them (DESIGN.md,
// "scheduler"). A scheduler is given them explicitly:
//
//	scheduler.New(mgr, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()})
//
// Out-of-tree plugins are added by merging another Registry and enabling
// them in a profile.
package plugins

import (
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/defaultbinder"
	"github.com/spar-dev/spar/scheduler/plugins/imagelocality"
	"github.com/spar-dev/spar/scheduler/plugins/nodeaffinity"
	"github.com/spar-dev/spar/scheduler/plugins/nodename"
	"github.com/spar-dev/spar/scheduler/plugins/nodeports"
	"github.com/spar-dev/spar/scheduler/plugins/noderesources"
	"github.com/spar-dev/spar/scheduler/plugins/nodeunschedulable"
	"github.com/spar-dev/spar/scheduler/plugins/queuesort"
	"github.com/spar-dev/spar/scheduler/plugins/schedulinggates"
	"github.com/spar-dev/spar/scheduler/plugins/tainttoleration"
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
		imagelocality.Name:         imagelocality.New,
		defaultbinder.Name:         defaultbinder.New,
	}
}

// Defaults returns the default profile's plugins, in Kubernetes' order and
// with its score weights, enabled at every extension point each plugin
// implements.
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
		{Name: noderesources.BalancedName, Weight: 1},
		{Name: imagelocality.Name, Weight: 1},
		{Name: defaultbinder.Name},
	}}}
}
