package builtin_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/builtin"
	"github.com/spar-dev/spar/controller/controllertest"
)

func TestNames(t *testing.T) {
	got := builtin.Names()
	want := []string{"deployment", "endpoint", "endpointslice", "garbagecollector", "namespace", "replicaset", "resourcequota", "serviceaccount"}
	if !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
}

func TestAddUnknown(t *testing.T) {
	env := controllertest.New(t, nil)
	err := builtin.Add(env.Manager, []string{"replicaset", "cronjob"})
	if err == nil || !strings.Contains(err.Error(), `unknown controller "cronjob"`) {
		t.Fatalf("Add with an unknown name: %v", err)
	}
}

// TestAllControllers runs every built-in controller together, as the
// example cluster does: a Deployment gets its ReplicaSet and pods, a new
// namespace its default ServiceAccount, and deleting the Deployment
// collects what it owned.
func TestAllControllers(t *testing.T) {
	env := controllertest.New(t, nil)
	if err := builtin.Add(env.Manager, []string{"*"}); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := context.Background()
	c := env.Client

	if _, err := client.Resource[core.Namespace](c).Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "team"}}, nil); err != nil {
		t.Fatal(err)
	}
	replicas := int32(3)
	labels := map[string]string{"app": "web"}
	d := &apps.Deployment{ObjectMeta: meta.ObjectMeta{Name: "web"}, Spec: apps.DeploymentSpec{
		Replicas: &replicas, Selector: &meta.LabelSelector{MatchLabels: labels},
		Template: core.PodTemplateSpec{ObjectMeta: meta.ObjectMeta{Labels: labels},
			Spec: core.PodSpec{Containers: []core.Container{{Name: "web", Image: "nginx"}}}},
	}}
	if _, err := client.Resource[apps.Deployment](c).Namespace("team").Create(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
	pods := client.Resource[core.Pod](c).Namespace("team")
	controllertest.Eventually(t, 30*time.Second, func() error {
		if _, err := client.Resource[core.ServiceAccount](c).Namespace("team").Get(ctx, "default"); err != nil {
			return err
		}
		l, err := pods.List(ctx, nil)
		if err != nil {
			return err
		}
		if len(l.Items) != 3 {
			return fmt.Errorf("%d pods, want 3", len(l.Items))
		}
		return nil
	})
	if err := client.Resource[apps.Deployment](c).Namespace("team").Delete(ctx, "web", nil); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, 30*time.Second, func() error {
		l, err := pods.List(ctx, nil)
		if err != nil {
			return err
		}
		rs, err := client.Resource[apps.ReplicaSet](c).Namespace("team").List(ctx, nil)
		if err != nil {
			return err
		}
		if len(l.Items)+len(rs.Items) != 0 {
			return fmt.Errorf("%d pods and %d replica sets left", len(l.Items), len(rs.Items))
		}
		return nil
	})
}
