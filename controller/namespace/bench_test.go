package namespace_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/client"
)

// BenchmarkDeleteNamespace1000 measures the time from the deletion of a
// namespace holding 1,000 configmaps to its disappearance.
func BenchmarkDeleteNamespace1000(b *testing.B) {
	env := startEnv(b)
	c, ctx := env.Client, b.Context()
	namespaces := client.Resource[core.Namespace](c)
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		name := fmt.Sprintf("bench-%d", i)
		createNamespace(b, c, name)
		cms := client.Resource[core.ConfigMap](c).Namespace(name)
		for j := range 1000 {
			if _, err := cms.Create(ctx, configMap(name, fmt.Sprintf("cm-%d", j)), nil); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if err := namespaces.Delete(ctx, name, nil); err != nil {
			b.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			if _, err := namespaces.Get(ctx, name); client.IsNotFound(err) {
				break
			}
			if time.Now().After(deadline) {
				b.Fatal("namespace not deleted after a minute")
			}
			time.Sleep(time.Millisecond)
		}
	}
}
