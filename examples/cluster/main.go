// Command cluster is spar's all-in-one cluster: the API server on a bolt
// store, the built-in controllers and the scheduler, in one process. It is
// the quickstart:
//
//	go run ./examples/cluster
//	export KUBECONFIG=./spar-data/admin.kubeconfig
//	kubectl get namespaces
//
// The server is closed by default, as a kubeadm cluster: TLS only, a
// cluster CA and certificates under DATA/pki, x509 and token
// authentication, Node and RBAC authorization, the default admission
// plugins, secrets encrypted at rest and an audit log (package
// apiserver/secure). The controllers and the scheduler run in-process under
// their own identities (system:kube-controller-manager,
// system:kube-scheduler), authorized like any other client.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/go-logr/logr"
	"golang.org/x/sync/errgroup"

	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/apiserver/secure"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/builtin"
	"github.com/spar-dev/spar/controller/certificates"
	"github.com/spar-dev/spar/pki"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins"
	"github.com/spar-dev/spar/store/bolt"
)

func main() {
	dataDir := flag.String("data-dir", "./spar-data", "directory for the store and the admin kubeconfig")
	bind := flag.String("bind-address", "127.0.0.1", "address the API server listens on")
	port := flag.Int("port", 6443, "port the API server listens on")
	controllers := flag.String("controllers", "*", "controllers to run: * for all, name to enable, -name to disable; known: "+strings.Join(builtin.Names(), ", "))
	verbosity := flag.Int("v", 0, "log verbosity (1: one line per request)")
	auditLog := flag.String("audit-log", "", `audit log file, "-" for stdout, "off" for none (default DATA/audit.log)`)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := config{dataDir: *dataDir, bind: *bind, port: *port, controllers: *controllers,
		auditLog: *auditLog, verbosity: *verbosity, logTo: os.Stderr}
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	dataDir, bind string
	port          int // 0: any free port (the kubeconfig names it)
	controllers   string
	auditLog      string
	verbosity     int
	logTo         io.Writer
}

// run serves the cluster until ctx is done.
func run(ctx context.Context, c config) error {
	dataDir, bind, port, controllers, auditLog := c.dataDir, c.bind, c.port, c.controllers, c.auditLog
	logHandler := slog.NewTextHandler(c.logTo, &slog.HandlerOptions{Level: slog.Level(-c.verbosity)})
	log := logr.FromSlogHandler(logHandler)

	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	st, err := bolt.Open(filepath.Join(dataDir, "spar.db"), &bolt.Options{Logger: log.WithName("store")})
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	// Clients reach an unspecified bind address on loopback.
	host := bind
	if ip := net.ParseIP(bind); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	url := "https://" + net.JoinHostPort(host, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	cfg := apiserver.Config{Store: st, Logger: log.WithName("apiserver"), ControllerIdentity: pki.ControllerManagerUser}
	sec, err := secure.Configure(&cfg, secure.Options{Dir: dataDir, ServerURL: url, Hosts: []string{bind}, AuditLog: auditLog})
	if err != nil {
		return err
	}
	if sec.Audit != nil {
		defer sec.Audit.Close()
	}
	srv, err := apiserver.New(cfg)
	if err != nil {
		return err
	}
	sec.Attach(srv)
	// The admin kubeconfig where the quickstart looks for it.
	kubeconfig := filepath.Join(dataDir, "admin.kubeconfig")
	data, err := os.ReadFile(sec.AdminKubeconfig)
	if err != nil {
		return err
	}
	if err := pki.WriteFile(kubeconfig, data); err != nil {
		return err
	}

	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Run(ctx) })
	select {
	case <-srv.Ready():
	case <-ctx.Done():
		return g.Wait()
	}
	hs := &http.Server{Handler: srv, TLSConfig: sec.TLSConfig,
		// TLS handshake noise (clients probing, dropped connections)
		// only at -v 4.
		ErrorLog: slog.NewLogLogger(logHandler, slog.Level(-4))}
	g.Go(func() error {
		if err := hs.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		return hs.Close()
	})

	// The control plane talks to the API server in-process (same API and
	// checks, no socket), each part as its own user.
	cm := controller.NewManager(srv.InProcessClient(&authn.User{Name: pki.ControllerManagerUser}),
		&controller.ManagerOptions{Logger: log.WithName("controller-manager")})
	if err := builtin.Add(cm, strings.Split(controllers, ",")); err != nil {
		return err
	}
	// Nodes join by TLS bootstrap: their certificate requests are
	// approved and signed with the cluster CA.
	if err := certificates.Add(cm, &certificates.Options{PKI: sec.PKI}); err != nil {
		return err
	}
	sm := controller.NewManager(srv.InProcessClient(&authn.User{Name: pki.SchedulerUser}),
		&controller.ManagerOptions{Logger: log.WithName("scheduler")})
	if _, err := scheduler.New(sm, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults(),
		Logger: log.WithName("scheduler")}); err != nil {
		return err
	}
	g.Go(func() error { return cm.Run(ctx) })
	g.Go(func() error { return sm.Run(ctx) })
	log.Info("cluster ready", "url", url, "kubeconfig", kubeconfig)
	return g.Wait()
}
