package encryption

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"testing"
)

// BenchmarkCipher measures the transform alone, per 1 KiB value: what the
// wrapper adds to each write (encrypt) and each read or watch event value
// (decrypt), without the store's own cost.
func BenchmarkCipher(b *testing.B) {
	secret := make([]byte, 32)
	rand.Read(secret)
	keys := []Key{{Name: "key1", Secret: base64.StdEncoding.EncodeToString(secret)}}
	value := bytes.Repeat([]byte("x"), 1024)
	const key = "/registry/secrets/default/db"
	for _, tc := range []struct {
		name string
		p    ProviderConfig
	}{
		{"aesgcm", ProviderConfig{AESGCM: &AESConfig{Keys: keys}}},
		{"aescbc", ProviderConfig{AESCBC: &AESConfig{Keys: keys}}},
		{"secretbox", ProviderConfig{Secretbox: &SecretboxConfig{Keys: keys}}},
	} {
		entries, err := providerEntries(tc.p)
		if err != nil {
			b.Fatal(err)
		}
		t := &transformer{entries: entries}
		b.Run(tc.name+"/encrypt", func(b *testing.B) {
			b.SetBytes(int64(len(value)))
			b.ReportAllocs()
			for b.Loop() {
				t.encrypt(key, value)
			}
		})
		b.Run(tc.name+"/decrypt", func(b *testing.B) {
			stored := t.encrypt(key, value)
			b.SetBytes(int64(len(value)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := t.decrypt(key, stored); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
