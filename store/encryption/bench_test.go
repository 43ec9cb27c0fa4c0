package encryption_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/spar-dev/spar/internal/testenv"
	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/bolt"
	"github.com/spar-dev/spar/store/encryption"
)

// BenchmarkStore measures the cost encryption adds to a store write
// (unconditional Update) and read (Get) of a 1 KiB secret, against bolt
// without fsync so that the cipher is not lost in the disk's latency.
// "none" is the bare bolt store.
func BenchmarkStore(b *testing.B) {
	value := bytes.Repeat([]byte(`{"data":{"k":"dmFsdWUK"}}`), 1024/25+1)[:1024]
	for _, kind := range []string{"none", "identity", "aesgcm", "aescbc", "secretbox"} {
		open := func(b *testing.B) store.Store {
			path := filepath.Join(b.TempDir(), "spar.db")
			var cfg *encryption.Config
			switch kind {
			case "none":
			case "identity":
				cfg = config(rule([]string{"secrets"}, identity))
			default:
				cfg = config(rule([]string{"secrets"}, keyed(kind, encryption.Key{Name: "key1", Secret: newKey(b, 32)})))
			}
			opts := &bolt.Options{NoSync: true}
			if cfg != nil {
				opts.MaxValueSize = store.DefaultMaxValueSize + cfg.Overhead()
			}
			inner, err := bolt.Open(path, opts)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { inner.Close() })
			if cfg == nil {
				return inner
			}
			return wrap(b, inner, cfg)
		}
		const keys = 100
		key := func(i int) string { return fmt.Sprintf("/registry/secrets/default/s-%03d", i%keys) }
		filled := func(b *testing.B) store.Store {
			s := open(b)
			for i := range keys {
				if _, err := s.Create(b.Context(), key(i), value); err != nil {
					b.Fatal(err)
				}
			}
			return s
		}
		b.Run("write/"+kind, func(b *testing.B) {
			s := filled(b)
			ctx := b.Context()
			b.SetBytes(int64(len(value)))
			b.ReportAllocs()
			cpu := testenv.CPUTime()
			for i := 0; b.Loop(); i++ {
				if _, err := s.Update(ctx, key(i), value, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(testenv.CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
		b.Run("read/"+kind, func(b *testing.B) {
			s := filled(b)
			ctx := b.Context()
			b.SetBytes(int64(len(value)))
			b.ReportAllocs()
			cpu := testenv.CPUTime()
			for i := 0; b.Loop(); i++ {
				if _, err := s.Get(ctx, key(i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(testenv.CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
