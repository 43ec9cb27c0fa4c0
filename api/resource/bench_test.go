package resource_test

import (
	"encoding/json"
	"testing"

	"github.com/spar-dev/spar/api/resource"
)

var (
	sinkQ   resource.Quantity
	sinkS   string
	sinkI   int
	sinkErr error
)

// Run with: go test -run='^$' -bench=. -benchmem ./api/resource
func BenchmarkParseQuantity(b *testing.B) {
	for _, s := range []string{"100m", "1Gi", "1.5Gi", "0.1", "1e3", "12345678901234567890"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkQ, sinkErr = resource.ParseQuantity(s)
			}
		})
	}
}

func BenchmarkString(b *testing.B) {
	for _, tc := range []struct {
		name string
		q    resource.Quantity
	}{
		{"parsed-canonical", resource.MustParse("100m")}, // kept as written
		{"parsed-other", resource.MustParse("1.5Gi")},    // formatted
		{"computed-decimal", resource.NewMilliQuantity(1500, resource.DecimalSI)},
		{"computed-binary", resource.NewQuantity(3<<30, resource.BinarySI)},
		{"big", resource.MustParse("123456789012345678901234567890")},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkS = tc.q.String()
			}
		})
	}
}

func BenchmarkAdd(b *testing.B) {
	for _, tc := range []struct {
		name string
		x, y resource.Quantity
	}{
		{"same-scale", resource.MustParse("100m"), resource.MustParse("250m")},
		{"mixed-scale", resource.MustParse("1Gi"), resource.MustParse("100m")},
		{"big", resource.MustParse("123456789012345678901234567890"), resource.MustParse("1")},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkQ = tc.x.Add(tc.y)
			}
		})
	}
}

func BenchmarkCmp(b *testing.B) {
	for _, tc := range []struct {
		name string
		x, y resource.Quantity
	}{
		{"same-scale", resource.MustParse("100m"), resource.MustParse("250m")},
		{"mixed-scale", resource.MustParse("1Gi"), resource.MustParse("1500M")},
		{"big", resource.MustParse("123456789012345678901234567890"), resource.MustParse("1Gi")},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkI = tc.x.Cmp(tc.y)
			}
		})
	}
}

func BenchmarkJSON(b *testing.B) {
	q := resource.MustParse("1.5Gi")
	data := []byte(`"1536Mi"`)
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, sinkErr = json.Marshal(q)
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		var out resource.Quantity
		for b.Loop() {
			sinkErr = out.UnmarshalJSON(data)
		}
	})
}
