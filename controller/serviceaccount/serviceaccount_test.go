package serviceaccount_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/serviceaccount"
)

func start(t *testing.T, opts *serviceaccount.Options) *client.Client {
	t.Helper()
	env := controllertest.New(t, nil)
	if err := serviceaccount.Add(env.Manager, opts); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env.Client
}

func waitForAccount(t *testing.T, c *client.Client, ns, name string) *core.ServiceAccount {
	t.Helper()
	var sa *core.ServiceAccount
	controllertest.Eventually(t, 10*time.Second, func() error {
		var err error
		sa, err = client.Resource[core.ServiceAccount](c).Namespace(ns).Get(t.Context(), name)
		return err
	})
	return sa
}

func TestDefaultAccountInEveryNamespace(t *testing.T) {
	c := start(t, nil)
	// The namespaces the API server starts with, and a new one.
	if _, err := client.Resource[core.Namespace](c).Create(t.Context(), &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a"}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease", "team-a"} {
		waitForAccount(t, c, ns, "default")
	}
}

func TestDeletedAccountIsRecreated(t *testing.T) {
	c := start(t, nil)
	first := waitForAccount(t, c, "default", "default")
	if err := client.Resource[core.ServiceAccount](c).Namespace("default").Delete(t.Context(), "default", nil); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		sa, err := client.Resource[core.ServiceAccount](c).Namespace("default").Get(t.Context(), "default")
		if err != nil {
			return err
		}
		if sa.UID == first.UID {
			return fmt.Errorf("still the deleted account %s", sa.UID)
		}
		return nil
	})
}

func TestAccountTemplates(t *testing.T) {
	no := false
	c := start(t, &serviceaccount.Options{ServiceAccounts: []core.ServiceAccount{
		{ObjectMeta: meta.ObjectMeta{Name: "builder", Labels: map[string]string{"role": "ci"}}, AutomountServiceAccountToken: &no},
		{ObjectMeta: meta.ObjectMeta{Name: "default"}},
	}})
	sa := waitForAccount(t, c, "kube-public", "builder")
	if sa.Labels["role"] != "ci" || sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
		t.Errorf("builder = labels %v, automount %v; want the template's (role=ci, false)", sa.Labels, sa.AutomountServiceAccountToken)
	}
	waitForAccount(t, c, "kube-public", "default")
}

func TestInvalidOptions(t *testing.T) {
	env := controllertest.New(t, nil)
	for _, o := range []serviceaccount.Options{
		{Workers: -1},
		{ServiceAccounts: []core.ServiceAccount{{}}},
	} {
		if err := serviceaccount.Add(env.Manager, &o); err == nil {
			t.Errorf("Add(%+v) = nil, want an error", o)
		}
	}
}
