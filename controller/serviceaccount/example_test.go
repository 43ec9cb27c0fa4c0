package serviceaccount_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/serviceaccount"
	"github.com/spar-dev/spar/store/bolt"
)

// A new namespace gets its default service account.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "spar-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	srv, err := apiserver.New(apiserver.Config{Store: st})
	if err != nil {
		log.Fatal(err)
	}
	go srv.Run(ctx)
	<-srv.Ready()
	c := client.NewForHandler(srv.Handler())

	m := controller.NewManager(c, nil)
	if err := serviceaccount.Add(m, nil); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	accounts := client.Resource[core.ServiceAccount](c).Namespace("team-a")
	w, err := accounts.Watch(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	_, err = client.Resource[core.Namespace](c).Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a"}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	ev, err := w.Next()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Type, ev.Object.Namespace+"/"+ev.Object.Name)
	// Output:
	// ADDED team-a/default
}
