package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/store/bolt"
)

// An embedded API server on a bolt file, and a client that talks to it in
// process: create, read, watch, and update with a conflict retry.
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

	// A program talking to a remote server would use
	// client.LoadDefault and client.New instead.
	c := client.NewForHandler(srv.Handler())
	cms := client.Resource[core.ConfigMap](c).Namespace("default")

	list, err := cms.List(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	w, err := cms.Watch(ctx, &client.WatchOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()

	_, err = cms.Create(ctx, &core.ConfigMap{
		ObjectMeta: meta.ObjectMeta{Name: "greeting"},
		Data:       map[string]string{"text": "hello"},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	err = client.RetryOnConflict(ctx, client.DefaultRetry, func() error {
		cm, err := cms.Get(ctx, "greeting")
		if err != nil {
			return err
		}
		cm.Data["text"] = "hello, world"
		_, err = cms.Update(ctx, cm, nil)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	for range 2 {
		ev, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Type, ev.Object.Name, ev.Object.Data["text"])
	}

	_, err = cms.Get(ctx, "absent")
	fmt.Println(client.IsNotFound(err), err)
	// Output:
	// ADDED greeting hello
	// MODIFIED greeting hello, world
	// true configmaps "absent" not found
}

// Loading kubectl's configuration: $KUBECONFIG, ~/.kube/config, or the
// pod's service account.
func ExampleLoadDefault() {
	cfg, err := client.LoadDefault()
	if err != nil {
		fmt.Println("no cluster configured:", err != nil)
		return
	}
	c, err := client.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	pods, err := client.Resource[core.Pod](c).Namespace(cfg.Namespace).List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(pods.Items), "pods")
}

// startExample starts an embedded API server and returns an in-process
// client of it, and a function that stops both.
func startExample() (*client.Client, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	dir, err := os.MkdirTemp("", "spar-example")
	if err != nil {
		log.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	srv, err := apiserver.New(apiserver.Config{Store: st})
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Run(ctx)
	}()
	<-srv.Ready()
	return client.NewForHandler(srv.Handler()), func() {
		cancel()
		<-done
		st.Close()
		os.RemoveAll(dir)
	}
}

// Listing the metadata of configmaps: the server sends no data, so a
// program that needs only names, labels or owners moves a fraction of the
// bytes.
func ExampleMetadata() {
	c, stop := startExample()
	defer stop()
	ctx := context.Background()
	cm := &core.ConfigMap{
		ObjectMeta: meta.ObjectMeta{Name: "settings", Labels: map[string]string{"app": "web"}},
		Data:       map[string]string{"big": "a large value the metadata client never reads"},
	}
	if _, err := client.Resource[core.ConfigMap](c).Namespace("default").Create(ctx, cm, nil); err != nil {
		log.Fatal(err)
	}
	cms := client.Metadata(c, api.GVR{Version: "v1", Resource: "configmaps"}, true).Namespace("default")
	list, err := cms.List(ctx, &client.ListOptions{LabelSelector: "app=web"})
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range list.Items {
		fmt.Println(it.Kind, it.Name, it.Labels["app"])
	}
	// Output:
	// PartialObjectMetadata settings web
}

// Finding every namespaced resource that can be deleted, at its preferred
// version, as a namespace cleaner does.
func ExampleDiscoveryClient_PreferredResources() {
	c, stop := startExample()
	defer stop()
	resources, err := client.Discovery(c).PreferredResources(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resources {
		if r.Namespaced && r.Supports("delete") && (r.Name == "pods" || r.Name == "deployments") {
			fmt.Println(r.GVR(), r.Kind)
		}
	}
	// Output:
	// v1/pods Pod
	// apps/v1/deployments Deployment
}
