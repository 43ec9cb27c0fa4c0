package encryption_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/bolt"
	"github.com/spar-dev/spar/store/encryption"
)

// TestThroughAPIServer runs a real API server on the wrapped store, with
// the configuration spar bootstraps (secrets encrypted): a secret created
// with the API reads back, shows in a watch, and is nowhere in plain in
// the store file; a configmap, not encrypted, is.
func TestThroughAPIServer(t *testing.T) {
	dir := t.TempDir()
	cfg, err := encryption.LoadOrGenerate(filepath.Join(dir, "encryption-config.yaml"), "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "spar.db")
	db, err := bolt.Open(path, &bolt.Options{NoSync: true, MaxValueSize: store.DefaultMaxValueSize + cfg.Overhead()})
	if err != nil {
		t.Fatal(err)
	}
	s := wrap(t, db, cfg)
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{Store: s}})

	// A watch opened first sees the secret decrypted.
	watch, err := http.Get(srv.URL + "/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=5")
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Body.Close()

	post := func(resource, body string) {
		t.Helper()
		resp, err := http.Post(srv.URL+"/api/v1/namespaces/default/"+resource, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", resource, resp.StatusCode, b)
		}
	}
	post("secrets", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"stringData":{"password":"`+plaintext+`"}}`)
	post("configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"visible":"plain-configmap-value"}}`)

	resp, err := http.Get(srv.URL + "/api/v1/namespaces/default/secrets/db")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// stringData is folded into data, base64.
	if !bytes.Contains(got, []byte("aHVudGVyMi10aGUtcGxhaW50ZXh0LXBhc3N3b3Jk")) {
		t.Errorf("GET secret = %s, want its data", got)
	}

	event := make(chan []byte, 1)
	go func() {
		buf := make([]byte, 64<<10)
		var all []byte
		for {
			n, err := watch.Body.Read(buf)
			all = append(all, buf[:n]...)
			if bytes.Contains(all, []byte("aHVudGVyMi10aGUtcGxhaW50ZXh0LXBhc3N3b3Jk")) || err != nil {
				event <- all
				return
			}
		}
	}()
	select {
	case ev := <-event:
		if !bytes.Contains(ev, []byte(`"type":"ADDED"`)) || !bytes.Contains(ev, []byte("aHVudGVyMi10aGUtcGxhaW50ZXh0LXBhc3N3b3Jk")) {
			t.Errorf("watch stream = %s, want the secret ADDED with its data", ev)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no watch event for the secret after 20s")
	}

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{plaintext, "aHVudGVyMi10aGUtcGxhaW50ZXh0LXBhc3N3b3Jk"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the store file holds %q", secret)
		}
	}
	if !bytes.Contains(raw, []byte("k8s:enc:aescbc:v1:key1:")) || !bytes.Contains(raw, []byte("plain-configmap-value")) {
		t.Error("the store file lacks the encrypted secret's prefix or the plain configmap: the scan proves nothing")
	}
}
