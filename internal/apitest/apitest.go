// Package apitest holds the round-trip checks every API group package's
// tests run on its testdata manifests: strict decoding into the registered
// type, encode and decode again, and no manifest field lost on the way.
package apitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
)

// RoundTripTestdata decodes every document in testdata/*.yaml strictly
// into the type the scheme registers for its kind, and checks that encoding
// and decoding again gives the same object and keeps every field.
func RoundTripTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		for i, doc := range ReadDocs(t, f) {
			t.Run(fmt.Sprintf("%s#%d", filepath.Base(f), i), func(t *testing.T) {
				RoundTripKind(t, doc)
			})
		}
	}
}

// ReadDocs returns the documents of a multi-document YAML file.
func ReadDocs(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs [][]byte
	for _, d := range bytes.Split(data, []byte("\n---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

// RoundTripKind looks doc's kind up in api.Default and round-trips it.
func RoundTripKind(t *testing.T, doc []byte) meta.Object {
	t.Helper()
	j, err := api.ToJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	var tm meta.TypeMeta
	if err := json.Unmarshal(j, &tm); err != nil {
		t.Fatal(err)
	}
	g, v := meta.SplitAPIVersion(tm.APIVersion)
	r, ok := api.Default.ByKind(api.GVK{Group: g, Version: v, Kind: tm.Kind})
	if !ok {
		t.Fatalf("kind %s %s is not registered", tm.APIVersion, tm.Kind)
	}
	return RoundTripJSON(t, j, func() any { return r.New() }).(meta.Object)
}

// RoundTrip decodes a YAML or JSON document into a new T and round-trips it.
func RoundTrip[T any](t *testing.T, doc []byte) *T {
	t.Helper()
	j, err := api.ToJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	return RoundTripJSON(t, j, func() any { return new(T) }).(*T)
}

// RoundTripJSON decodes j strictly, encodes the result and decodes that
// again. Both decodes must be deeply equal, and every field of j must appear
// with the same value in the encoding. It returns the first decode.
func RoundTripJSON(t *testing.T, j []byte, newObj func() any) any {
	t.Helper()
	first := newObj()
	if err := api.DecodeStrict(j, first); err != nil {
		t.Fatalf("decode manifest: %v", err)
	}
	enc, err := api.Encode(first)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	second := newObj()
	if err := api.DecodeStrict(enc, second); err != nil {
		t.Fatalf("decode encoding: %v\n%s", err, enc)
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("decode(encode(obj)) != obj\nfirst:  %+v\nsecond: %+v", first, second)
	}
	var in, out any
	if err := json.Unmarshal(j, &in); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(enc, &out); err != nil {
		t.Fatal(err)
	}
	if p, ok := lost(in, out, ""); !ok {
		t.Errorf("manifest field %s is lost or changed in the encoding:\n%s", p, enc)
	}
	return first
}

// lost reports whether every value in want is in got; if not, it returns
// the path of the first difference. A null, false, 0 or "" in want may be
// absent in got: omitempty drops them.
func lost(want, got any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for k, wv := range w {
			gv, present := g[k]
			if !present {
				if wv == nil || wv == false || wv == 0.0 || wv == "" {
					continue
				}
				return path + "." + k, false
			}
			if p, ok := lost(wv, gv, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := lost(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	default:
		if !reflect.DeepEqual(want, got) {
			return path, false
		}
		return "", true
	}
}

// StrictFields decodes doc into a new T and returns the strict error's
// fields, failing the test on any other outcome.
func StrictFields[T any](t *testing.T, doc string) []string {
	t.Helper()
	j, err := api.ToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	err = api.DecodeStrict(j, new(T))
	var se *api.StrictError
	if !errors.As(err, &se) {
		t.Fatalf("DecodeStrict error = %v, want a *api.StrictError", err)
	}
	return se.Fields
}
