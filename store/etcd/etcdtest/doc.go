// Package etcdtest runs a real, single-member etcd server inside the test
// process, for the tests of any package that needs one (store/etcd, the
// watch cache, the API server). It needs nothing installed: the server is
// go.etcd.io/etcd/server/v3/embed, so tests using it never skip.
//
// Start puts the server's data in t.TempDir(), listens on free loopback
// ports (retrying if another process takes one first), logs nothing, and
// fsyncs as a production etcd does, so benchmarks against it are fair. The
// server is stopped when the test ends; Restart brings it back on the same
// data directory to test what survives a restart. Starting one takes about
// 0.1 s.
//
//	srv := etcdtest.Start(t)
//	s, err := etcd.New(srv.NewClient(t, ""), nil)
//
// Tests that do not depend on revision numbers or compaction can share one
// server and still not see each other's keys, by giving each its own
// namespace: srv.NewClient(t, "/test-42").
package etcdtest
