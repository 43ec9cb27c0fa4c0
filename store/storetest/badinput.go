package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/spar-dev/spar/store"
)

// RunBadInput checks that invalid keys and prefixes fail with
// ErrInvalidKey and values above store.DefaultMaxValueSize with
// ErrValueTooLarge, for every method that takes them, and that such
// failures change nothing: Revision() and the stored data stay as they
// were. A value of exactly the limit is accepted and stored intact.
func RunBadInput(t *testing.T, f Factory) {
	s, _ := open(t, f)
	const base = "/registry/storetest-bad/"
	existing := mustCreate(t, s, base+"existing", "small")
	ctx := t.Context()

	t.Run("InvalidKeys", func(t *testing.T) {
		keys := []struct{ name, key string }{
			{"empty", ""},
			{"outside the prefix", "/other/x"},
			{"the prefix itself", store.DefaultPrefix},
			{"the prefix without its slash", "/registry"},
			{"relative", "registry/x"},
			{"a sibling of the prefix", "/registryx/y"},
		}
		ops := []struct {
			name string
			call func(key string) error
		}{
			{"Create", func(k string) error { _, err := s.Create(ctx, k, []byte("v")); return err }},
			{"Get", func(k string) error { _, err := s.Get(ctx, k); return err }},
			{"Update", func(k string) error { _, err := s.Update(ctx, k, []byte("v"), 0); return err }},
			{"Update with a revision", func(k string) error { _, err := s.Update(ctx, k, []byte("v"), existing.ModRevision); return err }},
			{"Delete", func(k string) error { _, err := s.Delete(ctx, k, 0); return err }},
			{"Delete with a revision", func(k string) error { _, err := s.Delete(ctx, k, existing.ModRevision); return err }},
		}
		rev := mustRev(t, s)
		for _, k := range keys {
			for _, op := range ops {
				wantErr(t, fmt.Sprintf("%s of a key %s (%q)", op.name, k.name, k.key), op.call(k.key), store.ErrInvalidKey)
			}
		}
		checkRev(t, s, rev, "writes with invalid keys")
	})

	t.Run("InvalidPrefixes", func(t *testing.T) {
		for _, p := range []string{"", "/other/", "/registr", "registry/", "/registryx/"} {
			_, err := s.List(ctx, p, store.ListOptions{})
			wantErr(t, fmt.Sprintf("List(%q)", p), err, store.ErrInvalidKey)
			w, err := s.Watch(ctx, p, 0)
			if err == nil {
				w.Stop()
			}
			wantErr(t, fmt.Sprintf("Watch(%q)", p), err, store.ErrInvalidKey)
		}
		// The store's prefix itself is a valid list and watch prefix.
		if _, err := s.List(ctx, store.DefaultPrefix, store.ListOptions{}); err != nil {
			t.Errorf("List(%q): %v", store.DefaultPrefix, err)
		}
		w, err := s.Watch(ctx, store.DefaultPrefix, 0)
		if err != nil {
			t.Errorf("Watch(%q): %v", store.DefaultPrefix, err)
		} else {
			w.Stop()
		}
	})

	t.Run("ValueTooLarge", func(t *testing.T) {
		rev := mustRev(t, s)
		for _, size := range []int{store.DefaultMaxValueSize + 1, 4 * store.DefaultMaxValueSize} {
			big := bytes.Repeat([]byte{'x'}, size)
			_, err := s.Create(ctx, base+"big", big)
			wantErr(t, fmt.Sprintf("Create of %d bytes", size), err, store.ErrValueTooLarge)
			_, err = s.Update(ctx, existing.Key, big, 0)
			wantErr(t, fmt.Sprintf("unconditional Update to %d bytes", size), err, store.ErrValueTooLarge)
			_, err = s.Update(ctx, existing.Key, big, existing.ModRevision)
			wantErr(t, fmt.Sprintf("Update to %d bytes at the current revision", size), err, store.ErrValueTooLarge)
		}
		checkRev(t, s, rev, "writes of oversized values")
		checkGet(t, s, base+"big", nil)
		checkGet(t, s, existing.Key, &existing)
	})

	t.Run("ValueAtLimit", func(t *testing.T) {
		v := bytes.Repeat([]byte("0123456789abcdef"), store.DefaultMaxValueSize/16+1)[:store.DefaultMaxValueSize]
		kv, err := s.Create(ctx, base+"at-limit", v)
		if err != nil {
			t.Fatalf("Create of exactly %d bytes (the limit): %v", len(v), err)
		}
		checkGet(t, s, kv.Key, &store.KV{Key: kv.Key, Value: v, CreateRevision: kv.ModRevision, ModRevision: kv.ModRevision})
		v[0] = 'X'
		upd, err := s.Update(ctx, kv.Key, v, kv.ModRevision)
		if err != nil {
			t.Fatalf("Update to exactly %d bytes: %v", len(v), err)
		}
		checkGet(t, s, kv.Key, &store.KV{Key: kv.Key, Value: v, CreateRevision: kv.ModRevision, ModRevision: upd.ModRevision})
		if _, err := s.Create(ctx, base+"empty", nil); err != nil {
			t.Errorf("Create of an empty value: %v", err)
		}
	})

	t.Run("NothingChanged", func(t *testing.T) {
		res, err := s.List(ctx, base, store.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, kv := range res.Items {
			keys = append(keys, kv.Key)
		}
		want := []string{base + "at-limit", base + "empty", base + "existing"}
		if !slices.Equal(keys, want) {
			t.Errorf("keys under %q after the bad input = %q, want %q", base, keys, want)
		}
		for _, kv := range res.Items {
			if errors.Is(store.CheckKey(store.DefaultPrefix, kv.Key), store.ErrInvalidKey) {
				t.Errorf("an invalid key was stored: %q", kv.Key)
			}
		}
	})
}
