package audit_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/internal/testenv"
)

// BenchmarkFilter measures what the audit filter adds to a request, in
// process (no network): around a handler that answers a 1 KiB JSON object
// ("trivial"), and around the real API server getting a ConfigMap
// ("apiserver"). Levels: no filter at all, a policy at None, Metadata to a
// discarding backend (the filter's own cost), Metadata, DefaultPolicy and
// RequestResponse to a log file (what a deployment pays). cpu-ns/op is the
// process's CPU time per request, steadier than the wall time on a shared
// machine.
func BenchmarkFilter(b *testing.B) {
	obj := `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"web","namespace":"default"},"data":{"k":"` + strings.Repeat("v", 950) + `"}}`
	trivial := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(obj))
	})
	srv := apiservertest.Start(b, nil)
	for _, path := range []string{"/api/v1/namespaces/default/configmaps"} {
		req := httptest.NewRequest("POST", path, strings.NewReader(obj))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("creating the ConfigMap: %d %s", rec.Code, rec.Body)
		}
	}
	policy := func(level string) *audit.Policy {
		p, err := audit.ParsePolicy([]byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: " + level + "\n"))
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	discard := audit.BackendFunc(func(*audit.Event) error { return nil })
	logFile := func(b *testing.B) audit.Backend {
		l, err := audit.NewLog(audit.LogOptions{Path: filepath.Join(b.TempDir(), "audit.log")})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { l.Close() })
		return l
	}
	for _, target := range []struct {
		name string
		h    http.Handler
	}{{"trivial", trivial}, {"apiserver", srv.Handler()}} {
		for _, tc := range []struct {
			name string
			wrap func(b *testing.B, h http.Handler) http.Handler
		}{
			{"off", func(_ *testing.B, h http.Handler) http.Handler { return h }},
			{"None", func(_ *testing.B, h http.Handler) http.Handler {
				return audit.WithAudit(h, policy("None"), discard, nil)
			}},
			{"Metadata-discard", func(_ *testing.B, h http.Handler) http.Handler {
				return audit.WithAudit(h, policy("Metadata"), discard, nil)
			}},
			{"Metadata-log", func(b *testing.B, h http.Handler) http.Handler {
				return audit.WithAudit(h, policy("Metadata"), logFile(b), nil)
			}},
			// DefaultPolicy records a configmap get at Metadata, without
			// the RequestReceived stage: one event per request.
			{"DefaultPolicy-log", func(b *testing.B, h http.Handler) http.Handler {
				return audit.WithAudit(h, audit.DefaultPolicy(), logFile(b), nil)
			}},
			{"RequestResponse-log", func(b *testing.B, h http.Handler) http.Handler {
				return audit.WithAudit(h, policy("RequestResponse"), logFile(b), nil)
			}},
		} {
			b.Run(target.name+"/"+tc.name, func(b *testing.B) {
				h := withUser(tc.wrap(b, target.h))
				req := httptest.NewRequest("GET", "/api/v1/namespaces/default/configmaps/web", nil)
				b.ReportAllocs()
				cpu := testenv.CPUTime()
				for b.Loop() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("GET: %d %s", rec.Code, rec.Body)
					}
				}
				b.ReportMetric(float64(testenv.CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
