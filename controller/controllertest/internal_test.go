package controllertest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/spar-dev/spar/controller"
)

// A manager that stops with an error before Close makes Close return it.
func TestCloseReturnsManagerError(t *testing.T) {
	env, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	env.Manager.AddRunnable(controller.RunnableFunc(func(context.Context) error { return boom }))
	env.Start()
	select {
	case <-env.mgrDone: // the manager returned on its own
	case <-time.After(10 * time.Second):
		t.Fatal("the manager did not stop on its runnable's error")
	}
	if err := env.Close(); !errors.Is(err, boom) {
		t.Errorf("Close = %v, want %v", err, boom)
	}
}
