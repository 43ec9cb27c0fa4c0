// Command apiserver serves the spar API on a bolt store: the API server of
// the example cluster, alone.
//
//	go run ./examples/apiserver --data-dir ./spar-data
//	kubectl --kubeconfig ./spar-data/admin.kubeconfig get namespaces
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/store/bolt"
)

func main() {
	dataDir := flag.String("data-dir", "./spar-data", "directory for the store and the admin kubeconfig")
	bind := flag.String("bind-address", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 6443, "port to listen on")
	verbosity := flag.Int("v", 0, "log verbosity (1: one line per request)")
	flag.Parse()
	if err := run(*dataDir, *bind, *port, *verbosity); err != nil {
		fmt.Fprintln(os.Stderr, "apiserver:", err)
		os.Exit(1)
	}
}

func run(dataDir, bind string, port, verbosity int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.Level(-verbosity)}))

	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	st, err := bolt.Open(filepath.Join(dataDir, "spar.db"), &bolt.Options{Logger: log.WithName("store")})
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := apiserver.New(apiserver.Config{Store: st, Logger: log.WithName("apiserver")})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	kubeconfig := filepath.Join(dataDir, "admin.kubeconfig")
	if err := apiserver.WriteKubeconfig(kubeconfig, url); err != nil {
		return err
	}
	go srv.Run(ctx)
	<-srv.Ready()
	hs := &http.Server{Handler: srv.Handler()}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	log.Info("serving", "url", url, "kubeconfig", kubeconfig)
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
