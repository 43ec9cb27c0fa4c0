// Package plugintest helps test scheduling plugins: fluent builders for
// pods and nodes (MakePod, MakeNode), and Handle, a scheduler.Handle whose
// snapshot comes from a real scheduler.Cache and whose runners run the
// plugins under test, so a plugin's extension points can be driven one by
// one, or through RunPreFilter and Filter as the framework would.
//
// Plugins that write through the API (preemption, volume binding) get a
// real API server from controller/controllertest: set Handle.APIClient,
// Handle.Mgr and Handle.EventRecorder from the environment.
package plugintest
