// Package plugintest helps test scheduling plugins: fluent builders for
// pods and nodes (MakePod, MakeNode), and Handle, a scheduler.Handle whose
// snapshot comes from a real scheduler.Cache and whose runners run the
// plugins under test, so a plugin's extension points can be driven one by
// one, or through RunPreFilter and Filter as the framework would.
//
// Plugins that write through the API (preemption, volume binding) get a
// real API server from controller/controllertest: set Handle.APIClient,
// Handle.Mgr and Handle.EventRecorder from the environment.
//
// Fit is a minimal resource filter for tests that need nodes to be full,
// and CPUTime lets benchmarks report CPU time beside wall time. The
// package must not import scheduler/plugins (whose plugins' tests import
// it); end-to-end tests through the real scheduler live in the plugins'
// external test packages.
package plugintest
