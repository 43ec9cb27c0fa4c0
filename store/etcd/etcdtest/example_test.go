package etcdtest_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/spar-dev/spar/store/etcd/etcdtest"
)

// In a test, etcdtest.Start(t) and srv.NewClient(t, "") do all of this and
// clean up by themselves; StartDir is the same server for code without a
// testing.TB.
func ExampleStartDir() {
	dir, err := os.MkdirTemp("", "etcdtest-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	srv, err := etcdtest.StartDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Stop()

	c, err := clientv3.New(clientv3.Config{Endpoints: srv.Endpoints(), DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if _, err := c.Put(ctx, "/greeting", "hello"); err != nil {
		log.Fatal(err)
	}
	resp, err := c.Get(ctx, "/greeting")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", resp.Kvs[0].Value)
	// Output: hello
}
