package bolt_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/bolt"
)

func Example() {
	dir, err := os.MkdirTemp("", "spar-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Zero options: prefix /registry/, 5 minutes of history, durable writes.
	s, err := bolt.Open(filepath.Join(dir, "spar.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()

	created, err := s.Create(ctx, "/registry/configmaps/default/app", []byte(`{"data":{"color":"blue"}}`))
	if err != nil {
		log.Fatal(err)
	}
	// Watch from the create's revision: every later change, in order.
	w, err := s.Watch(ctx, "/registry/configmaps/", created.ModRevision)
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()

	// Optimistic concurrency: the update names the revision it read.
	updated, err := s.Update(ctx, created.Key, []byte(`{"data":{"color":"green"}}`), created.ModRevision)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := s.Update(ctx, created.Key, []byte(`{}`), created.ModRevision); err != nil {
		fmt.Println("stale update:", errors.Is(err, store.ErrConflict))
	}

	ev := <-w.Events()
	fmt.Println(ev.Type, ev.KV.Key, string(ev.KV.Value), "was", string(ev.PrevValue))

	// The list at the create's revision still sees the old value.
	old, err := s.List(ctx, "/registry/configmaps/", store.ListOptions{Revision: created.ModRevision})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(old.Items), string(old.Items[0].Value), updated.ModRevision > old.Revision)
	// Output:
	// stale update: true
	// MODIFIED /registry/configmaps/default/app {"data":{"color":"green"}} was {"data":{"color":"blue"}}
	// 1 {"data":{"color":"blue"}} true
}
