package serviceaccount

import (
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
)

// A namespace being deleted gets no account: creating one would only be
// refused, or delay the namespace's end.
func TestTerminatingNamespaceGetsNoAccount(t *testing.T) {
	env := controllertest.New(t, nil)
	r, _, err := newController(env.Manager, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.Start() // informers only: reconciles are called below
	ctx := t.Context()
	nss := client.Resource[core.Namespace](env.Client)
	if _, err := nss.Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "leaving"}}, nil); err != nil {
		t.Fatal(err)
	}
	// No namespace controller runs, so the namespace stays Terminating.
	if err := nss.Delete(ctx, "leaving", nil); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		ns, ok := r.namespaces.Get("", "leaving")
		if !ok || ns.Status.Phase != core.NamespaceTerminating {
			return fmt.Errorf("namespace not cached as terminating: %v", ns)
		}
		return nil
	})
	if _, err := r.Reconcile(ctx, controller.Request{Name: "leaving"}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[core.ServiceAccount](env.Client).Namespace("leaving").Get(ctx, "default"); !client.IsNotFound(err) {
		t.Errorf("Get(leaving/default) = %v, want not found", err)
	}
	// An unknown namespace is no error either.
	if _, err := r.Reconcile(ctx, controller.Request{Name: "never-was"}); err != nil {
		t.Errorf("Reconcile(never-was) = %v", err)
	}
}
