package protobuf_test

import (
	"os"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/protobuf"
)

// BenchmarkDecodePod decodes the same Pod (testdata/pod.*, a pod with
// probes, resources, volumes, affinity and tolerations) from upstream's
// protobuf bytes and from its JSON.
func BenchmarkDecodePod(b *testing.B) {
	pb, err := os.ReadFile("testdata/pod.pb")
	if err != nil {
		b.Fatal(err)
	}
	js, err := os.ReadFile("testdata/pod.json")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("protobuf", func(b *testing.B) {
		b.SetBytes(int64(len(pb)))
		b.ReportAllocs()
		for b.Loop() {
			var p core.Pod
			if err := protobuf.Unmarshal(pb, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("protobuf-strict", func(b *testing.B) {
		b.SetBytes(int64(len(pb)))
		b.ReportAllocs()
		for b.Loop() {
			var p core.Pod
			if err := protobuf.UnmarshalStrict(pb, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-strict", func(b *testing.B) {
		b.SetBytes(int64(len(js)))
		b.ReportAllocs()
		for b.Loop() {
			var p core.Pod
			if err := api.DecodeStrict(js, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEncodePod encodes the Pod back to protobuf.
func BenchmarkEncodePod(b *testing.B) {
	pb, err := os.ReadFile("testdata/pod.pb")
	if err != nil {
		b.Fatal(err)
	}
	var p core.Pod
	if err := protobuf.Unmarshal(pb, &p); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(pb)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := protobuf.Marshal(&p, "v1", "Pod"); err != nil {
			b.Fatal(err)
		}
	}
}
