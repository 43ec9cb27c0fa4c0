package client_test

import (
	"strconv"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
)

// benchClients returns a server and its two clients: over loopback HTTP and
// in process.
func benchClients(b *testing.B) map[string]*client.Client {
	srv := apiservertest.Start(b, nil)
	return map[string]*client.Client{"http": httpClient(b, srv), "in-process": client.NewForHandler(srv.Handler())}
}

func BenchmarkGet(b *testing.B) {
	for _, name := range []string{"http", "in-process"} {
		b.Run(name, func(b *testing.B) {
			c := benchClients(b)[name]
			pods := client.Resource[core.Pod](c).Namespace("default")
			if _, err := pods.Create(b.Context(), pod("web"), nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pods.Get(b.Context(), "web"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCreate(b *testing.B) {
	for _, name := range []string{"http", "in-process"} {
		b.Run(name, func(b *testing.B) {
			c := benchClients(b)[name]
			pods := client.Resource[core.Pod](c).Namespace("default")
			p := pod("")
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p.Name = "web-" + strconv.Itoa(i)
				i++
				if _, err := pods.Create(b.Context(), p, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWatchEvent measures one event from write to typed delivery.
func BenchmarkWatchEvent(b *testing.B) {
	for _, name := range []string{"http", "in-process"} {
		b.Run(name, func(b *testing.B) {
			c := benchClients(b)[name]
			cms := client.Resource[core.ConfigMap](c).Namespace("default")
			cm, err := cms.Create(b.Context(), configMap("ticker", map[string]string{"n": "0"}), nil)
			if err != nil {
				b.Fatal(err)
			}
			w, err := cms.Watch(b.Context(), &client.WatchOptions{ResourceVersion: cm.ResourceVersion})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Stop()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				cm.Data["n"] = strconv.Itoa(i)
				if cm, err = cms.Update(b.Context(), cm, nil); err != nil {
					b.Fatal(err)
				}
				if _, err := w.Next(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
