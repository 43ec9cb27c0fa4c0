package etcd_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/etcd"
	"github.com/spar-dev/spar/store/etcd/etcdtest"
)

func Example() {
	// An in-process etcd for the example; a real deployment dials its
	// cluster instead, e.g. Endpoints: []string{"https://etcd-0:2379"}.
	dir, err := os.MkdirTemp("", "etcd-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	srv, err := etcdtest.StartDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Stop()

	client, err := clientv3.New(clientv3.Config{Endpoints: srv.Endpoints(), DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close() // the store does not own its client
	s, err := etcd.New(client, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	w, err := s.Watch(ctx, "/registry/configmaps/", 0)
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()

	kv, err := s.Create(ctx, "/registry/configmaps/default/settings", []byte(`{"color":"blue"}`))
	if err != nil {
		log.Fatal(err)
	}
	// Optimistic concurrency: an update names the revision it read.
	if _, err := s.Update(ctx, kv.Key, []byte(`{"color":"green"}`), kv.ModRevision); err != nil {
		log.Fatal(err)
	}
	_, err = s.Update(ctx, kv.Key, []byte(`{"color":"red"}`), kv.ModRevision)
	var conflict *store.ConflictError
	if errors.As(err, &conflict) {
		fmt.Printf("conflict, current value %s\n", conflict.Current.Value)
	}

	for range 2 {
		e := <-w.Events()
		fmt.Printf("%s %s %s\n", e.Type, e.KV.Key, e.KV.Value)
	}
	// Output:
	// conflict, current value {"color":"green"}
	// ADDED /registry/configmaps/default/settings {"color":"blue"}
	// MODIFIED /registry/configmaps/default/settings {"color":"green"}
}
