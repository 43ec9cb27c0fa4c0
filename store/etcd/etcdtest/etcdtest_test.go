package etcdtest_test

import (
	"context"
	"net"
	"net/url"
	"testing"

	"github.com/spar-dev/spar/store/etcd/etcdtest"
)

func TestRestartKeepsData(t *testing.T) {
	ctx := context.Background()
	srv := etcdtest.Start(t)
	c := srv.NewClient(t, "")
	put, err := c.Put(ctx, "/a", "1")
	if err != nil {
		t.Fatal(err)
	}
	srv.Restart(t)
	got, err := c.Get(ctx, "/a")
	if err != nil {
		t.Fatalf("Get after restart: %v", err)
	}
	if len(got.Kvs) != 1 || string(got.Kvs[0].Value) != "1" || got.Kvs[0].ModRevision != put.Header.Revision {
		t.Errorf("after restart got %v, want /a=1 at revision %d", got.Kvs, put.Header.Revision)
	}
}

// If another process takes the server's port while it is down, Restart moves
// to new ports and takes the existing clients along.
func TestRestartOnTakenPort(t *testing.T) {
	ctx := context.Background()
	srv := etcdtest.Start(t)
	c := srv.NewClient(t, "")
	if _, err := c.Put(ctx, "/a", "1"); err != nil {
		t.Fatal(err)
	}
	old := srv.Endpoints()[0]
	srv.Stop()
	u, err := url.Parse(old)
	if err != nil {
		t.Fatal(err)
	}
	squatter, err := net.Listen("tcp", u.Host)
	if err != nil {
		t.Skipf("cannot occupy the old port %s to set the test up: %v", u.Host, err)
	}
	defer squatter.Close()

	srv.Restart(t)
	if now := srv.Endpoints()[0]; now == old {
		t.Fatalf("endpoint after restart = %s, want a new one", now)
	}
	got, err := c.Get(ctx, "/a")
	if err != nil || len(got.Kvs) != 1 {
		t.Errorf("Get through the old client after restart = %v, %v; want /a", got, err)
	}
}

func TestNamespaces(t *testing.T) {
	ctx := context.Background()
	srv := etcdtest.Start(t)
	a, b, raw := srv.NewClient(t, "/a"), srv.NewClient(t, "/b"), srv.NewClient(t, "")
	if _, err := a.Put(ctx, "/k", "from a"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		get  func() (int, error)
		want int
	}{
		{"same namespace", func() (int, error) { r, err := a.Get(ctx, "/k"); return len(r.Kvs), err }, 1},
		{"other namespace", func() (int, error) { r, err := b.Get(ctx, "/k"); return len(r.Kvs), err }, 0},
		{"raw prefixed key", func() (int, error) { r, err := raw.Get(ctx, "/a/k"); return len(r.Kvs), err }, 1},
	}
	for _, tc := range tests {
		n, err := tc.get()
		if err != nil || n != tc.want {
			t.Errorf("%s: %d keys, %v; want %d", tc.name, n, err, tc.want)
		}
	}
}
