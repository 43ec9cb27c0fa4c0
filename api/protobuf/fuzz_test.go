package protobuf_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/protobuf"
)

// FuzzUnmarshal feeds arbitrary bytes to the decoder: it must never panic,
// and whatever it accepts must encode, and encode the same way again after
// another decode (the encoder's output is a fixed point).
func FuzzUnmarshal(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.pb")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("k8s\x00"))
	f.Add([]byte("k8s\x00\x12\x02\x08\x01"))
	news := []func() any{
		func() any { return &core.Pod{} },
		func() any { return &apps.Deployment{} },
		func() any { return &apiextensions.CustomResourceDefinition{} },
		func() any { return &meta.DeleteOptions{} },
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, newObj := range news {
			obj := newObj()
			if err := protobuf.UnmarshalStrict(data, obj); err != nil {
				continue
			}
			first, err := protobuf.MarshalMessage(obj)
			if err != nil {
				t.Fatalf("%T decoded but does not encode: %v", obj, err)
			}
			again := newObj()
			if err := protobuf.UnmarshalMessage(first, again); err != nil {
				t.Fatalf("%T: decoding our own encoding: %v", obj, err)
			}
			second, err := protobuf.MarshalMessage(again)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, second) {
				t.Fatalf("%T: encoding is not stable:\n%x\n%x", obj, first, second)
			}
		}
	})
}
