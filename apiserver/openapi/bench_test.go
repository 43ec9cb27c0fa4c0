package openapi_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/apiserver/openapi"
)

// BenchmarkGenerateAll measures generating every document of the built-in
// scheme and the index, with descriptions (what the first GET /openapi/v3
// of a Builder costs; the doc comments are read once per process).
func BenchmarkGenerateAll(b *testing.B) {
	benchmarkGenerate(b, openapi.Options{})
}

// BenchmarkGenerateAllNoDescriptions is BenchmarkGenerateAll without
// descriptions.
func BenchmarkGenerateAllNoDescriptions(b *testing.B) {
	benchmarkGenerate(b, openapi.Options{Sources: map[string]fs.FS{}})
}

// BenchmarkColdStart is BenchmarkGenerateAll including reading the doc
// comments of the api sources, as the first Builder of a process does.
func BenchmarkColdStart(b *testing.B) {
	benchmarkGenerate(b, openapi.Options{Sources: map[string]fs.FS{"github.com/spar-dev/spar/api": api.Source}})
}

func benchmarkGenerate(b *testing.B, opts openapi.Options) {
	s := api.NewBuiltinScheme()
	req := httptest.NewRequest(http.MethodGet, "/openapi/v3", nil)
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		openapi.New(s, opts).Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
		size = rec.Body.Len()
	}
	_ = size
}

// BenchmarkServeDocument measures serving the cached apps/v1 document by
// its hash, as kubectl fetches it.
func BenchmarkServeDocument(b *testing.B) {
	h := openapi.New(api.NewBuiltinScheme(), openapi.Options{}).Handler()
	u := getIndex(b, h).Paths["apis/apps/v1"].ServerRelativeURL
	req := httptest.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", "application/json")
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
}

// BenchmarkSwaggerJSON measures generating the Swagger 2.0 document of the
// built-in scheme in JSON, with descriptions, as a fresh Builder does on
// the first GET /openapi/v2 (the doc comments are read once per process).
func BenchmarkSwaggerJSON(b *testing.B) {
	benchmarkSwagger(b, "application/json")
}

// BenchmarkSwaggerProtobuf is BenchmarkSwaggerJSON followed by what the
// protobuf form costs on top: parsing the JSON with gnostic and marshalling
// the openapi_v2.Document, what kubectl 1.27 and 1.28 ask for.
func BenchmarkSwaggerProtobuf(b *testing.B) {
	benchmarkSwagger(b, "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
}

func benchmarkSwagger(b *testing.B, accept string) {
	s := api.NewBuiltinScheme()
	req := httptest.NewRequest(http.MethodGet, "/openapi/v2", nil)
	req.Header.Set("Accept", accept)
	openapi.New(s, openapi.Options{}).Handler().ServeHTTP(httptest.NewRecorder(), req) // read the doc comments
	b.ReportAllocs()
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		openapi.New(s, openapi.Options{}).Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "doc-bytes")
}

// BenchmarkSwaggerServe measures serving the cached v2 document in
// protobuf, gzipped, as kubectl fetches it.
func BenchmarkSwaggerServe(b *testing.B) {
	h := openapi.New(api.NewBuiltinScheme(), openapi.Options{}).Handler()
	req := httptest.NewRequest(http.MethodGet, "/openapi/v2", nil)
	req.Header.Set("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
	req.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(httptest.NewRecorder(), req)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
}
