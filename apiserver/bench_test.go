package apiserver_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/internal/testenv"
)

// benchPodJSON is a pod as a controller creates it: one container with
// requests, labels and an owner reference.
func benchPodJSON(name string) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":%q,"labels":{"app":"bench","pod-template-hash":"5d4f8c7b9"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"bench-5d4f8c7b9","uid":"6a1a1c9e-1f7e-4b5d-9a53-0c1e3a2f6a11","controller":true,"blockOwnerDeletion":true}]},"spec":{"containers":[{"name":"app","image":"registry.k8s.io/pause:3.10","resources":{"requests":{"cpu":"100m","memory":"500Mi"}}}]}}`, name)
}

func benchClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = conns, conns
	return &http.Client{Transport: tr}
}

// post creates one object; anything but 201 Created is an error.
func post(c *http.Client, url string, body []byte) error {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func reportLatencies(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// concurrently runs req(i) for i in [0, n) on the given number of
// goroutines and, when lat is not nil, records each call's time in lat[i].
func concurrently(b *testing.B, workers, n int, lat []time.Duration, req func(i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				start := time.Now()
				if err := req(i); err != nil {
					b.Error(err)
					return
				}
				if lat != nil {
					lat[i] = time.Since(start)
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkPodCreate: durable pod creates over HTTP, with 1 and 200
// concurrent clients, on a bolt store that fsyncs every commit.
func BenchmarkPodCreate(b *testing.B) {
	for _, clients := range []int{1, 200} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			srv := apiservertest.Start(b, &apiservertest.Options{Sync: os.Getenv("SPAR_BENCH_NOSYNC") == ""})
			c := benchClient(clients)
			url := srv.URL + "/api/v1/namespaces/default/pods"
			// Steady state: the heap, the bolt file and the watch cache
			// past their first growth, every connection open.
			createPods(b, c, url, "warm", clients, 2000)
			lat := make([]time.Duration, b.N)
			b.ResetTimer()
			start, cpu := time.Now(), testenv.CPUTime()
			concurrently(b, clients, b.N, lat, func(i int) error {
				return post(c, url, benchPodJSON(fmt.Sprintf("pod-%07d", i)))
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "creates/s")
			b.ReportMetric(float64((testenv.CPUTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
			reportLatencies(b, lat)
		})
	}
}

// fillPods creates n pods with 50 concurrent clients (no fsync).
func fillPods(b *testing.B, srv *apiservertest.Server, n int) {
	createPods(b, benchClient(50), srv.URL+"/api/v1/namespaces/default/pods", "pod", 50, n)
}

// createPods creates n pods named prefix-0000000 on with the given number
// of concurrent clients.
func createPods(b *testing.B, c *http.Client, url, prefix string, clients, n int) {
	concurrently(b, clients, n, nil, func(i int) error {
		return post(c, url, benchPodJSON(fmt.Sprintf("%s-%07d", prefix, i)))
	})
}

// BenchmarkPodGet: GETs of single pods, 16 concurrent clients.
func BenchmarkPodGet(b *testing.B) {
	srv := apiservertest.Start(b, nil)
	fillPods(b, srv, 1000)
	c := benchClient(16)
	get := func(i int) error {
		resp, err := c.Get(fmt.Sprintf("%s/api/v1/namespaces/default/pods/pod-%07d", srv.URL, i%1000))
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}
	concurrently(b, 16, 2000, nil, get) // steady state, as in BenchmarkPodCreate
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	concurrently(b, 16, b.N, lat, get)
	reportLatencies(b, lat)
}

// BenchmarkPodList10k: a consistent LIST of 10,000 pods.
func BenchmarkPodList10k(b *testing.B) {
	srv := apiservertest.Start(b, nil)
	fillPods(b, srv, 10000)
	c := benchClient(1)
	b.ResetTimer()
	for range b.N {
		resp, err := c.Get(srv.URL + "/api/v1/namespaces/default/pods")
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		b.SetBytes(n)
	}
}

// BenchmarkWatchHTTP: events delivered through 100 HTTP watch streams
// while pods are created.
func BenchmarkWatchHTTP(b *testing.B) {
	const watchers = 100
	srv := apiservertest.Start(b, nil)
	var got atomic.Int64
	var wg sync.WaitGroup
	ready := make(chan struct{}, watchers)
	for range watchers {
		resp, err := http.Get(srv.URL + "/api/v1/namespaces/default/pods?watch=true&resourceVersion=0")
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		ready <- struct{}{}
		wg.Go(func() {
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				got.Add(1)
			}
		})
	}
	b.ResetTimer()
	start := time.Now()
	fillPods(b, srv, b.N)
	want := int64(b.N) * watchers
	for got.Load() < want {
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64(want)/time.Since(start).Seconds(), "events/s")
}
