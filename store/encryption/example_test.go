package encryption_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/bolt"
	"github.com/spar-dev/spar/store/encryption"
)

// A cluster encrypts secrets at rest by wrapping its store. The
// configuration is generated on first start (aescbc, a fresh key, secrets
// only) and read back on every later one.
func ExampleWrap() {
	dir, _ := os.MkdirTemp("", "spar")
	defer os.RemoveAll(dir)

	cfg, err := encryption.LoadOrGenerate(filepath.Join(dir, "encryption-config.yaml"), "")
	if err != nil {
		log.Fatal(err)
	}
	// The inner store must have room for the prefix, IV and padding.
	db, err := bolt.Open(filepath.Join(dir, "spar.db"), &bolt.Options{MaxValueSize: store.DefaultMaxValueSize + cfg.Overhead()})
	if err != nil {
		log.Fatal(err)
	}
	s, err := encryption.Wrap(db, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	const key = "/registry/secrets/default/db"
	if _, err := s.Create(ctx, key, []byte(`{"data":{"password":"czNjcjN0"}}`)); err != nil {
		log.Fatal(err)
	}
	kv, _ := s.Get(ctx, key)
	stored, _ := db.Get(ctx, key)
	fmt.Printf("read:   %s\n", kv.Value)
	fmt.Printf("stored: %s...\n", stored.Value[:len("k8s:enc:aescbc:v1:key1:")])
	fmt.Println("plaintext stored:", bytes.Contains(stored.Value, []byte("czNjcjN0")))
	// Output:
	// read:   {"data":{"password":"czNjcjN0"}}
	// stored: k8s:enc:aescbc:v1:key1:...
	// plaintext stored: false
}
