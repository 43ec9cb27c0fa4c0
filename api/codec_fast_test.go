package api

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	kjson "sigs.k8s.io/json"

	"github.com/spar-dev/spar/api/meta"
)

// referenceDecode is DecodeStrict without its fast path.
func referenceDecode(data []byte, v any) ([]error, error) {
	return kjson.UnmarshalStrict(data, v, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
}

// manifests returns every JSON and YAML document of the group packages'
// testdata, as JSON, with its registered kind.
func manifests(t testing.TB) (docs [][]byte, kinds []*Resource) {
	var files []string
	for _, pat := range []string{"*/testdata/*.yaml", "*/testdata/*.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range bytes.Split(data, []byte("\n---\n")) {
			if len(bytes.TrimSpace(d)) == 0 {
				continue
			}
			j, err := ToJSON(d)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var tm meta.TypeMeta
			if err := json.Unmarshal(j, &tm); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			g, v := meta.SplitAPIVersion(tm.APIVersion)
			r, ok := Default.ByKind(GVK{Group: g, Version: v, Kind: tm.Kind})
			if !ok || r.goType == nil {
				continue // a kind the scheme does not type (config files)
			}
			docs, kinds = append(docs, j), append(kinds, r)
		}
	}
	if len(docs) < 20 {
		t.Fatalf("found only %d manifests", len(docs))
	}
	return docs, kinds
}

func TestDecodeFastMatches(t *testing.T) {
	docs, kinds := manifests(t)
	var slow []string
	for i, j := range docs {
		r := kinds[i]
		fast, ref := r.New(), r.New()
		if strict, err := referenceDecode(j, ref); err != nil || len(strict) > 0 {
			t.Fatalf("%s: reference decode: %v %v", r.Kind, err, strict)
		}
		if !decodeFast(j, fast) {
			slow = append(slow, r.Kind)
			if !reflect.ValueOf(fast).Elem().IsZero() {
				t.Errorf("%s: a refused fast decode left the object changed", r.Kind)
			}
			continue
		}
		if !reflect.DeepEqual(fast, ref) {
			t.Errorf("%s: the fast decode differs from the reference:\nfast: %+v\nref:  %+v", r.Kind, fast, ref)
		}
	}
	// Every kind in testdata takes the fast path: a change that sends one
	// back to the slow decoder (an interface-typed field, a type v2
	// cannot take) should be a decision, not an accident.
	if len(slow) > 0 {
		slices.Sort(slow)
		t.Errorf("kinds decoded without the fast path: %v", slices.Compact(slow))
	}
}

// TestDecodeStrictErrorsUnchanged: documents the fast path refuses get the
// reference decoder's result and messages.
func TestDecodeStrictErrorsUnchanged(t *testing.T) {
	pod := func(spec string) []byte {
		return []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":` + spec + `}`)
	}
	cases := map[string][]byte{
		"unknown field":      pod(`{"containers":[{"name":"a","image":"i","imagePullPolicyy":"Always"}]}`),
		"duplicate field":    pod(`{"containers":[{"name":"a","name":"b","image":"i"}]}`),
		"wrong case":         pod(`{"Containers":[{"name":"a","image":"i"}]}`),
		"type mismatch":      pod(`{"containers":[{"name":"a","image":7}]}`),
		"invalid UTF-8":      pod("{\"containers\":[{\"name\":\"a\xff\",\"image\":\"i\"}]}"),
		"null into a struct": pod(`null`),
		"syntax":             pod(`{"containers":[}`),
	}
	r, _ := Default.ByKind(GVK{Version: "v1", Kind: "Pod"})
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			got, want := r.New(), r.New()
			err := DecodeStrict(doc, got)
			strict, rerr := referenceDecode(doc, want)
			switch {
			case rerr != nil:
				if err == nil || !strings.Contains(err.Error(), rerr.Error()) {
					t.Fatalf("got %v, want the reference error %v", err, rerr)
				}
				return
			case len(strict) > 0:
				var se *StrictError
				if !IsStrictError(err) || !errorsAs(err, &se) || len(se.Fields) != len(strict) || se.Fields[0] != strict[0].Error() {
					t.Fatalf("got %v, want strict errors %v", err, strict)
				}
			case err != nil:
				t.Fatalf("got %v, the reference accepts it", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("decoded object differs:\ngot:  %+v\nwant: %+v", got, want)
			}
		})
	}
}

func errorsAs(err error, se **StrictError) bool {
	s, ok := err.(*StrictError)
	*se = s
	return ok
}

// FuzzDecodeFast: whatever the fast path accepts, the reference decoder
// accepts without strict errors and decodes to the same object.
func FuzzDecodeFast(f *testing.F) {
	docs, kinds := manifests(f)
	for _, d := range docs {
		f.Add(d)
	}
	seen := map[*Resource]bool{}
	var types []*Resource
	for _, r := range kinds {
		if !seen[r] {
			seen[r] = true
			types = append(types, r)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, r := range types {
			fast := r.New()
			if !decodeFast(doc, fast) {
				if !reflect.ValueOf(fast).Elem().IsZero() {
					t.Fatalf("%s: a refused fast decode left the object changed", r.Kind)
				}
				continue
			}
			ref := r.New()
			strict, err := referenceDecode(doc, ref)
			if err != nil || len(strict) > 0 {
				t.Fatalf("%s: fast path accepted what the reference refuses: %v %v\n%q", r.Kind, err, strict, doc)
			}
			if !reflect.DeepEqual(fast, ref) {
				t.Fatalf("%s: decodes differ for %q:\nfast: %+v\nref:  %+v", r.Kind, doc, fast, ref)
			}
		}
	})
}
