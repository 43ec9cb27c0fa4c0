// Command scheduler runs spar's scheduler with the default plugins
// against an API server: the kube-scheduler of the example cluster.
//
//	go run ./examples/scheduler --kubeconfig ./spar-data/admin.kubeconfig [--config scheduler.yaml]
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
	"syscall"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the API server (default: $KUBECONFIG, ~/.kube/config, in-cluster)")
	config := flag.String("config", "", "KubeSchedulerConfiguration file (default: one profile with the default plugins)")
	leaderElect := flag.Bool("leader-elect", true, "schedule only while holding the kube-system/kube-scheduler Lease")
	addr := flag.String("bind-address", "127.0.0.1:10259", "address of /healthz, /readyz and /metrics (empty: none)")
	verbosity := flag.Int("v", 0, "log verbosity")
	flag.Parse()
	if err := run(*kubeconfig, *config, *leaderElect, *addr, *verbosity); err != nil {
		fmt.Fprintln(os.Stderr, "scheduler:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, config string, leaderElect bool, addr string, verbosity int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.Level(-verbosity)}))
	cfg, err := client.LoadKubeconfig(kubeconfig, "")
	if err != nil {
		return err
	}
	cfg.UserAgent = "spar-scheduler"
	c, err := client.New(cfg)
	if err != nil {
		return err
	}
	var sc *scheduler.Configuration
	if config != "" {
		if sc, err = scheduler.LoadConfiguration(config); err != nil {
			return err
		}
	}
	opts := &controller.ManagerOptions{Logger: log}
	if leaderElect {
		opts.LeaderElection = &controller.LeaderElection{Name: "kube-scheduler"}
	}
	m := controller.NewManager(c, opts)
	if _, err := scheduler.New(m, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults(),
		Configuration: sc, Logger: log.WithName("scheduler")}); err != nil {
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
