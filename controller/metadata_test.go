package controller_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
)

var configMapsGVR = api.GVR{Version: "v1", Resource: "configmaps"}

// TestMetadataInformer: a metadata-only informer from the manager follows
// changes, holds metadata only, is shared, and drives a controller.
func TestMetadataInformer(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	cms := client.Resource[core.ConfigMap](env.Client).Namespace("default")
	before := configMap("default", "before", map[string]string{"secret": "s3cr3t"})
	before.Labels = map[string]string{"tier": "web"}
	if _, err := cms.Create(ctx, before, nil); err != nil {
		t.Fatal(err)
	}

	inf := controller.GetMetadataInformer(env.Manager, configMapsGVR, true, nil)
	if again := controller.GetMetadataInformer(env.Manager, configMapsGVR, true, &controller.InformerOptions{ResyncPeriod: time.Hour}); again != inf {
		t.Error("a second GetMetadataInformer of the same resource and scope made another informer")
	}
	scoped := controller.GetMetadataInformer(env.Manager, configMapsGVR, true, &controller.InformerOptions{LabelSelector: "tier=web"})
	if scoped == inf {
		t.Error("informers of different label selectors are shared")
	}
	inf.AddIndex("tier", func(o *meta.PartialObjectMetadata) []string {
		if v, ok := o.Labels["tier"]; ok {
			return []string{v}
		}
		return nil
	})
	var mu sync.Mutex
	var seen []string
	record := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, s)
	}
	inf.AddHandler(controller.HandlerFuncs[meta.PartialObjectMetadata]{
		AddFunc: func(o *meta.PartialObjectMetadata, initial bool) {
			record(fmt.Sprintf("add %s %s %v", o.Kind, o.Name, initial))
		},
		UpdateFunc: func(old, o *meta.PartialObjectMetadata) {
			record(fmt.Sprintf("update %s %s->%s", o.Name, old.Labels["tier"], o.Labels["tier"]))
		},
		DeleteFunc: func(o *meta.PartialObjectMetadata) { record("delete " + o.Name) },
	})
	// A controller over the metadata informer: reconciles by name.
	var reconciled sync.Map
	c := controller.New("metadata", controller.ReconcilerFunc(func(_ context.Context, req controller.Request) (controller.Result, error) {
		reconciled.Store(req.String(), true)
		return controller.Result{}, nil
	}), nil)
	controller.Watch(c, inf, controller.Self[meta.PartialObjectMetadata]())
	env.Manager.Add(c)
	env.Start()
	if !inf.WaitForCacheSync(ctx) || !scoped.WaitForCacheSync(ctx) {
		t.Fatal("not synced")
	}

	if _, err := cms.Create(ctx, configMap("default", "after", map[string]string{"k": "v"}), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Patch(ctx, "after", client.MergePatch, []byte(`{"metadata":{"labels":{"tier":"db"}}}`), nil); err != nil {
		t.Fatal(err)
	}
	if err := cms.Delete(ctx, "before", nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"add PartialObjectMetadata before true", "add PartialObjectMetadata after false", "update after ->db", "delete before"}
	controllertest.Eventually(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(seen, want) {
			return fmt.Errorf("handler saw %q, want %q", seen, want)
		}
		return nil
	})
	got, ok := inf.Get("default", "after")
	if !ok || got.Kind != "PartialObjectMetadata" || got.Labels["tier"] != "db" || got.UID == "" {
		t.Errorf("Get(after) = %+v, %v; want its metadata", got, ok)
	}
	if byTier := inf.ByIndex("tier", "db"); len(byTier) != 1 || byTier[0].Name != "after" {
		t.Errorf("ByIndex(tier, db) = %v", byTier)
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		if _, ok := reconciled.Load("default/after"); !ok {
			return errors.New("default/after not reconciled")
		}
		return nil
	})
	// The scoped informer saw only what matched its selector: before,
	// until its deletion.
	controllertest.Eventually(t, 10*time.Second, func() error {
		if n := len(scoped.List()); n != 0 {
			return fmt.Errorf("the tier=web informer holds %d objects, want 0 after before's deletion", n)
		}
		return nil
	})
}

// A metadata informer run again after it missed changes (and the store
// compacted past them) re-lists, in pages, and catches up, deletes
// included.
func TestMetadataInformerRestartRelists(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	cms := client.Resource[core.ConfigMap](env.Client).Namespace("default")
	for i := range 3 {
		if _, err := cms.Create(ctx, configMap("default", fmt.Sprint("c", i), nil), nil); err != nil {
			t.Fatal(err)
		}
	}
	inf := controller.NewMetadataInformer(env.Client, configMapsGVR, true, &controller.InformerOptions{Namespace: "default", PageSize: 2})
	ictx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); inf.Run(ictx) }()
	if !inf.WaitForCacheSync(ctx) {
		t.Fatal("not synced")
	}
	if n := len(inf.List()); n != 3 {
		t.Fatalf("listed %d objects in pages of 2, want 3", n)
	}
	cancel()
	<-done
	if err := cms.Delete(ctx, "c0", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Create(ctx, configMap("default", "c9", nil), nil); err != nil {
		t.Fatal(err)
	}
	rev, err := env.Server.Store.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Server.Store.Compact(ctx, rev); err != nil {
		t.Fatal(err)
	}
	deleted := make(chan string, 1)
	inf.AddHandler(controller.HandlerFuncs[meta.PartialObjectMetadata]{DeleteFunc: func(o *meta.PartialObjectMetadata) { deleted <- o.Name }})
	go inf.Run(ctx)
	select {
	case name := <-deleted:
		if name != "c0" {
			t.Errorf("deleted %s, want c0", name)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("missed delete not reported after re-list")
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		if _, ok := inf.Get("default", "c9"); !ok {
			return errors.New("c9 not in the cache")
		}
		return nil
	})
}
