// Package plugins holds spar's default scheduling plugins, one package
// each, and the registry and default profile that wire them (DESIGN.md,
// "scheduler"). A scheduler is given them explicitly:
//
//	scheduler.New(mgr, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()})
//
// Out-of-tree plugins are added by merging another Registry and enabling
// them in a profile (see package scheduler's example).
package plugins
