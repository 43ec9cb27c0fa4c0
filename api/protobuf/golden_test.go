package protobuf_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/api/protobuf"
)

// The files in testdata were written by Kubernetes' own protobuf serializer
// (k8s.io/apimachinery v0.37.2 with k8s.io/api v0.37.2 types), beside the
// same objects as JSON, by a throw-away program outside this module.

// newFor returns an empty object of the kind an envelope names.
func newFor(t *testing.T, env *protobuf.Envelope) any {
	t.Helper()
	switch env.Kind {
	case "DeleteOptions":
		return &meta.DeleteOptions{}
	case "Eviction":
		return &policy.Eviction{}
	}
	g, v := meta.SplitAPIVersion(env.APIVersion)
	r, ok := api.Default.ByKind(api.GVK{Group: g, Version: v, Kind: env.Kind})
	if !ok {
		t.Fatalf("kind %s %s is not registered", env.APIVersion, env.Kind)
	}
	return r.New()
}

// jsonDiff explains why two objects differ, through their JSON forms
// (objects hold Quantities, whose fields cmp cannot see).
func jsonDiff(t *testing.T, got, want any) string {
	t.Helper()
	var g, w any
	for _, p := range []struct {
		in  any
		out *any
	}{{got, &g}, {want, &w}} {
		b, err := json.Marshal(p.in)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, p.out); err != nil {
			t.Fatal(err)
		}
	}
	return cmp.Diff(w, g)
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.pb")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".pb")
		t.Run(name, func(t *testing.T) {
			pb, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			js, err := os.ReadFile(strings.TrimSuffix(file, ".pb") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			env, err := protobuf.DecodeEnvelope(pb)
			if err != nil {
				t.Fatalf("DecodeEnvelope: %v", err)
			}

			got := newFor(t, env)
			// Strict: the goldens only set fields spar models, so nothing
			// may be left over.
			if err := protobuf.UnmarshalStrict(pb, got); err != nil {
				t.Fatalf("UnmarshalStrict: %v", err)
			}
			want := newFor(t, env)
			if err := api.DecodeStrict(js, want); err != nil {
				t.Fatalf("decoding the JSON golden: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("protobuf and JSON decode differently (-json +protobuf):\n%s", jsonDiff(t, got, want))
			}
			// And spar writes the JSON upstream writes for it.
			var golden any
			if err := json.Unmarshal(js, &golden); err != nil {
				t.Fatal(err)
			}
			if d := jsonDiff(t, got, golden); d != "" {
				t.Errorf("JSON of the decoded object differs from upstream's (-upstream +spar):\n%s", d)
			}

			// Marshal writes what upstream writes: decoding it gives the
			// same object back.
			again, err := protobuf.Marshal(got, env.APIVersion, env.Kind)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			round := newFor(t, env)
			if err := protobuf.UnmarshalStrict(again, round); err != nil {
				t.Fatalf("Unmarshal(Marshal(x)): %v", err)
			}
			if !reflect.DeepEqual(round, got) {
				t.Fatalf("Marshal did not round-trip (-before +after):\n%s", jsonDiff(t, round, got))
			}
			// Byte for byte, since spar models every field of these
			// objects, zero or not.
			if !bytes.Equal(again, pb) {
				t.Errorf("Marshal wrote %d bytes that differ from upstream's %d:\n got %x\nwant %x", len(again), len(pb), again, pb)
			}
		})
	}
}

// TestConcurrentDecode decodes every golden from several goroutines at
// once: the type tables are built once and shared.
func TestConcurrentDecode(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.pb")
	type input struct {
		data   []byte
		newObj func() any
	}
	var inputs []input
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		env, err := protobuf.DecodeEnvelope(b)
		if err != nil {
			t.Fatal(err)
		}
		typ := reflect.TypeOf(newFor(t, env)).Elem()
		inputs = append(inputs, input{b, func() any { return reflect.New(typ).Interface() }})
	}
	errs := make(chan error, 8*len(inputs))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, in := range inputs {
				if err := protobuf.Unmarshal(in.data, in.newObj()); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
