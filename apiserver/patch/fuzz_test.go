package patch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spar-dev/spar/apiserver/patch"
)

// checkApply applies p to original and checks what holds for any input:
// no panic, original untouched, and either an error or a JSON object. An
// error is of exactly one kind when the original is an object (a broken
// original is the server's fault, an error of no kind).
func checkApply(t *testing.T, pt patch.Type, original, p []byte, dataType reflect.Type) ([]byte, error) {
	keep := bytes.Clone(original)
	out, err := patch.Apply(pt, original, p, dataType)
	if !bytes.Equal(original, keep) {
		t.Fatalf("Apply(%s) modified the original", p)
	}
	if err != nil {
		n := 0
		for _, kind := range []error{patch.ErrUnsupported, patch.ErrInvalidPatch, patch.ErrCannotApply, patch.ErrTooLarge} {
			if errors.Is(err, kind) {
				n++
			}
		}
		var obj map[string]any
		if n != 1 && json.Unmarshal(original, &obj) == nil && obj != nil {
			t.Fatalf("Apply(%s) error %q matches %d kinds, want 1", p, err, n)
		}
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil || m == nil {
		t.Fatalf("Apply(%s) returned %s, not a JSON object (%v)", p, out, err)
	}
	return out, nil
}

func addSeeds(f *testing.F, original string, patches ...string) {
	for _, p := range patches {
		f.Add([]byte(original), []byte(p))
	}
}

func FuzzApplyJSONPatch(f *testing.F) {
	addSeeds(f, `{"metadata":{"name":"x","labels":{"a":"1"}},"spec":{"l":[1,2,{"b":null}]}}`,
		`[{"op":"add","path":"/metadata/labels/b","value":"2"}]`,
		`[{"op":"remove","path":"/spec/l/-1"},{"op":"test","path":"/metadata/name","value":"x"}]`,
		`[{"op":"move","from":"/spec/l/0","path":"/spec/l/-"},{"op":"copy","from":"/spec","path":"/status"}]`,
		`[{"op":"replace","path":"","value":{"a":1}}]`, `[{"op":"replace","path":"/x"}]`, `[null]`, `{}`, `[{"op":1}]`)
	f.Fuzz(func(t *testing.T, original, p []byte) {
		checkApply(t, patch.JSONPatch, original, p, nil)
	})
}

func FuzzApplyMergePatch(f *testing.F) {
	addSeeds(f, `{"metadata":{"name":"x","labels":{"a":"1"}},"data":{"k":"v"},"l":[1]}`,
		`{"metadata":{"labels":{"a":null,"b":"2"}}}`, `{"l":[{"a":null}],"data":null}`, `[1]`, `null`, `"x"`, `{"a":{"b":{"c":null}}}`)
	f.Fuzz(func(t *testing.T, original, p []byte) {
		checkApply(t, patch.MergePatch, original, p, nil)
	})
}

// FuzzApplyStrategicMerge also checks that a strategic merge patch without
// lists or directives does what the same JSON merge patch does.
func FuzzApplyStrategicMerge(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "kubectl", "*.patch.json"))
	for _, s := range seeds {
		p, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		before, err := os.ReadFile(strings.Replace(s, ".patch.", ".before.", 1))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(before, p)
	}
	for _, c := range strategicCases {
		if c.typ == deploymentType {
			f.Add([]byte(c.original), []byte(c.patch))
		}
	}
	f.Fuzz(func(t *testing.T, original, p []byte) {
		if _, err := checkApply(t, patch.StrategicMerge, original, p, deploymentType); err != nil {
			return
		}
		// Compare with a merge patch on an original without duplicate
		// keys (which the two decoders treat differently).
		var m map[string]any
		if bytes.ContainsAny(p, "[$") || !bytes.HasPrefix(bytes.TrimSpace(p), []byte("{")) || json.Unmarshal(original, &m) != nil {
			return
		}
		original, _ = json.Marshal(m)
		out, err := patch.Apply(patch.StrategicMerge, original, p, deploymentType)
		if err != nil {
			return
		}
		merged, err := patch.Apply(patch.MergePatch, original, p, nil)
		if err != nil {
			t.Fatalf("strategic merge of %s succeeded, merge patch failed: %v", p, err)
		}
		var a, b any
		if json.Unmarshal(out, &a) != nil || json.Unmarshal(merged, &b) != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("patch %s: strategic merge gives\n%s\nmerge patch gives\n%s", p, out, merged)
		}
	})
}
