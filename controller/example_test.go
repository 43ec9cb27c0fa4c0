package controller_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/store/bolt"
)

// A controller that needs only the metadata of the objects it watches:
// it reconciles the configmaps labelled app=web, cached as metadata only.
func ExampleGetMetadataInformer() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "spar-controller")
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
	cms := controller.GetMetadataInformer(m, api.GVR{Version: "v1", Resource: "configmaps"}, true,
		&controller.InformerOptions{LabelSelector: "app=web"})
	seen := make(chan string)
	ctrl := controller.New("labels", controller.ReconcilerFunc(func(ctx context.Context, req controller.Request) (controller.Result, error) {
		if obj, ok := cms.Get(req.Namespace, req.Name); ok {
			select {
			case seen <- fmt.Sprintf("%s: kind %s, labels %v", req, obj.Kind, obj.Labels):
			case <-ctx.Done():
			}
		}
		return controller.Result{}, nil
	}), nil)
	controller.Watch(ctrl, cms, controller.Self[meta.PartialObjectMetadata]())
	m.Add(ctrl)
	go m.Run(ctx)

	for _, name := range []string{"web-settings", "db-settings"} {
		cm := &core.ConfigMap{
			ObjectMeta: meta.ObjectMeta{Name: name, Labels: map[string]string{"app": name[:len(name)-len("-settings")]}},
			Data:       map[string]string{"large": "never cached by this controller"},
		}
		if _, err := client.Resource[core.ConfigMap](c).Namespace("default").Create(ctx, cm, nil); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(<-seen)
	// Output:
	// default/web-settings: kind PartialObjectMetadata, labels map[app:web]
}
