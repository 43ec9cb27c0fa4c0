package authz

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/bolt"
	"github.com/spar-dev/spar/watch"
)

// Follow keeps the graph in step with a real watch cache over a bolt store.
func TestNodeGraphFollow(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "db"), &bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const prefix = store.DefaultPrefix + "pods/"
	c, err := watch.New(watch.Config{Store: st, Prefix: prefix, Decode: func(kv store.KV) (meta.Object, error) {
		p := &core.Pod{}
		return p, api.Decode(kv.Value, p)
	}})
	if err != nil {
		t.Fatal(err)
	}
	go c.Run(ctx)
	put := func(p *core.Pod) {
		b, err := api.Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Update(ctx, prefix+p.Namespace+"/"+p.Name, b, 0); errors.Is(err, store.ErrNotFound) {
			_, err = st.Create(ctx, prefix+p.Namespace+"/"+p.Name, b)
		} else if err != nil {
			t.Fatal(err)
		}
	}
	// A pod that exists before the graph starts following.
	put(webPod())
	g := NewNodeGraph()
	done := make(chan error, 1)
	go func() { done <- g.Follow(ctx, c) }()
	related := func() bool { return g.related("n1", "secrets", "ns1", "vol-secret") }
	waitFor(t, "the initial pod", related)

	// Moved to another node: n1 loses the secret, n2 gains it.
	moved := webPod()
	moved.Spec.NodeName = "n2"
	put(moved)
	waitFor(t, "the move", func() bool { return !related() && g.related("n2", "secrets", "ns1", "vol-secret") })

	if _, err := st.Delete(ctx, prefix+"ns1/web", 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deletion", func() bool { return !g.related("n2", "secrets", "ns1", "vol-secret") })

	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Follow returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Follow did not return after cancel")
	}
}

// waitFor polls cond (state fed asynchronously from a watch) until it
// holds, failing after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
