// Command controller-manager runs spar's built-in controllers against an
// API server, with leader election: the kube-controller-manager of the
// example cluster.
//
//	go run ./examples/controller-manager --kubeconfig ./spar-data/admin.kubeconfig
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/builtin"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the API server (default: $KUBECONFIG, ~/.kube/config, in-cluster)")
	controllers := flag.String("controllers", "*", "controllers to run: * for all, name to enable, -name to disable; known: "+strings.Join(builtin.Names(), ", "))
	leaderElect := flag.Bool("leader-elect", true, "run only while holding the kube-system/kube-controller-manager Lease")
	addr := flag.String("bind-address", "127.0.0.1:10257", "address of /healthz, /readyz and /metrics (empty: none)")
	verbosity := flag.Int("v", 0, "log verbosity")
	flag.Parse()
	if err := run(*kubeconfig, *controllers, *leaderElect, *addr, *verbosity); err != nil {
		fmt.Fprintln(os.Stderr, "controller-manager:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, controllers string, leaderElect bool, addr string, verbosity int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.Level(-verbosity)}))
	cfg, err := client.LoadKubeconfig(kubeconfig, "")
	if err != nil {
		return err
	}
	cfg.UserAgent = "spar-controller-manager"
	c, err := client.New(cfg)
	if err != nil {
		return err
	}
	opts := &controller.ManagerOptions{Logger: log}
	if leaderElect {
		opts.LeaderElection = &controller.LeaderElection{Name: "kube-controller-manager"}
	}
	m := controller.NewManager(c, opts)
	if err := builtin.Add(m, strings.Split(controllers, ",")); err != nil {
		return err
	}
	if addr != "" {
		hs := &http.Server{Addr: addr, Handler: m.Handler()}
		go func() {
			if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error(err, "health server")
			}
		}()
		defer hs.Close()
	}
	return m.Run(ctx)
}
