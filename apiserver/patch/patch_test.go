package patch_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/spar-dev/spar/apiserver/patch"
)

// canonical re-encodes a JSON document with sorted keys, for comparison.
func canonical(t *testing.T, doc string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("invalid JSON %s: %v", doc, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type applyCase struct {
	name     string
	original string
	patch    string
	want     string // the result, or
	wantErr  error  // the sentinel the error matches
	wantMsg  string // and a part of its message
}

func runCases(t *testing.T, pt patch.Type, dataType reflect.Type, cases []applyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := patch.Apply(pt, []byte(c.original), []byte(c.patch), dataType)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) || !strings.Contains(fmt.Sprint(err), c.wantMsg) {
					t.Fatalf("Apply(%s) error = %v (result %s), want %v containing %q", c.patch, err, got, c.wantErr, c.wantMsg)
				}
				for _, other := range []error{patch.ErrUnsupported, patch.ErrInvalidPatch, patch.ErrCannotApply, patch.ErrTooLarge} {
					if other != c.wantErr && errors.Is(err, other) {
						t.Errorf("error %v also matches %v", err, other)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply(%s): %v", c.patch, err)
			}
			if g, w := canonical(t, string(got)), canonical(t, c.want); g != w {
				t.Errorf("Apply(%s)\n got %s\nwant %s", c.patch, g, w)
			}
		})
	}
}

// The examples of RFC 6902, appendix A (those whose documents are objects),
// and the behaviours of Kubernetes' API server beyond the RFC.
func TestJSONPatch(t *testing.T) {
	runCases(t, patch.JSONPatch, nil, []applyCase{
		{name: "A.1 add member", original: `{"foo":"bar"}`,
			patch: `[{"op":"add","path":"/baz","value":"qux"}]`, want: `{"baz":"qux","foo":"bar"}`},
		{name: "A.2 add array element", original: `{"foo":["bar","baz"]}`,
			patch: `[{"op":"add","path":"/foo/1","value":"qux"}]`, want: `{"foo":["bar","qux","baz"]}`},
		{name: "A.3 remove member", original: `{"baz":"qux","foo":"bar"}`,
			patch: `[{"op":"remove","path":"/baz"}]`, want: `{"foo":"bar"}`},
		{name: "A.4 remove array element", original: `{"foo":["bar","qux","baz"]}`,
			patch: `[{"op":"remove","path":"/foo/1"}]`, want: `{"foo":["bar","baz"]}`},
		{name: "A.5 replace", original: `{"baz":"qux","foo":"bar"}`,
			patch: `[{"op":"replace","path":"/baz","value":"boo"}]`, want: `{"baz":"boo","foo":"bar"}`},
		{name: "A.6 move member", original: `{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}`,
			patch: `[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]`,
			want:  `{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}`},
		{name: "A.7 move array element", original: `{"foo":["all","grass","cows","eat"]}`,
			patch: `[{"op":"move","from":"/foo/1","path":"/foo/3"}]`, want: `{"foo":["all","cows","eat","grass"]}`},
		{name: "A.8 test", original: `{"baz":"qux","foo":["a",2,"c"]}`,
			patch: `[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]`,
			want:  `{"baz":"qux","foo":["a",2,"c"]}`},
		{name: "A.9 failed test", original: `{"baz":"qux"}`,
			patch: `[{"op":"test","path":"/baz","value":"bar"}]`, wantErr: patch.ErrCannotApply, wantMsg: "test"},
		{name: "A.10 add nested member", original: `{"foo":"bar"}`,
			patch: `[{"op":"add","path":"/child","value":{"grandchild":{}}}]`, want: `{"foo":"bar","child":{"grandchild":{}}}`},
		{name: "A.12 add to nonexistent target", original: `{"foo":"bar"}`,
			patch: `[{"op":"add","path":"/baz/bat","value":"qux"}]`, wantErr: patch.ErrCannotApply, wantMsg: "missing"},
		{name: "A.14 escapes", original: `{"/":9,"~1":10}`,
			patch: `[{"op":"test","path":"/~01","value":10},{"op":"add","path":"/a~1b","value":1}]`,
			want:  `{"/":9,"~1":10,"a/b":1}`},
		{name: "A.16 append", original: `{"foo":["bar"]}`,
			patch: `[{"op":"add","path":"/foo/-","value":["abc","def"]}]`, want: `{"foo":["bar",["abc","def"]]}`},
		{name: "copy", original: `{"a":{"b":1}}`,
			patch: `[{"op":"copy","from":"/a","path":"/c"}]`, want: `{"a":{"b":1},"c":{"b":1}}`},

		// Kubernetes (json-patch version 4) beyond the RFC.
		{name: "negative index counts from the end", original: `{"l":[1,2,3]}`,
			patch: `[{"op":"remove","path":"/l/-1"},{"op":"replace","path":"/l/-2","value":9}]`, want: `{"l":[9,2]}`},
		{name: "replace of a missing member adds it", original: `{"metadata":{"name":"x"}}`,
			patch: `[{"op":"replace","path":"/metadata/annotations","value":{"a":"b"}}]`,
			want:  `{"metadata":{"name":"x","annotations":{"a":"b"}}}`},
		{name: "replace of a missing array element fails", original: `{"l":[1]}`,
			patch: `[{"op":"replace","path":"/l/5","value":9}]`, wantErr: patch.ErrCannotApply},
		{name: "add without a value adds null", original: `{"a":1}`,
			patch: `[{"op":"add","path":"/b"}]`, want: `{"a":1,"b":null}`},
		{name: "remove of a missing member fails", original: `{"a":1}`,
			patch: `[{"op":"remove","path":"/b"}]`, wantErr: patch.ErrCannotApply, wantMsg: "nonexistent"},
		{name: "test of a missing member against null", original: `{"a":1}`,
			patch: `[{"op":"test","path":"/b","value":null}]`, want: `{"a":1}`},
		{name: "replace of the document by a scalar does nothing", original: `{"a":1}`,
			patch: `[{"op":"replace","path":"","value":5}]`, want: `{"a":1}`},
		{name: "replace of the document by a list", original: `{"a":1}`,
			patch: `[{"op":"replace","path":"","value":[1]}]`, wantErr: patch.ErrCannotApply, wantMsg: "not result in a JSON object"},
		{name: "add to the document", original: `{"a":1}`,
			patch: `[{"op":"add","path":"","value":{"b":2}}]`, wantErr: patch.ErrCannotApply, wantMsg: "missing path"},
		{name: "unknown operation", original: `{"a":1}`,
			patch: `[{"op":"upsert","path":"/a","value":2}]`, wantErr: patch.ErrCannotApply, wantMsg: "Unexpected kind: upsert"},
		{name: "operation without a path", original: `{"a":1}`,
			patch: `[{"op":"remove"}]`, wantErr: patch.ErrCannotApply, wantMsg: "path"},
		{name: "move without from", original: `{"a":1}`,
			patch: `[{"op":"move","path":"/b"}]`, wantErr: patch.ErrCannotApply, wantMsg: "from"},
		{name: "empty patch", original: `{"a":1}`, patch: `[]`, want: `{"a":1}`},
		{name: "not a list", original: `{"a":1}`,
			patch: `{"op":"remove","path":"/a"}`, wantErr: patch.ErrInvalidPatch, wantMsg: "cannot unmarshal object"},
		{name: "not JSON", original: `{"a":1}`, patch: `[{"op":`, wantErr: patch.ErrInvalidPatch},

		// What kubectl rollout undo sends.
		{name: "rollout undo", original: `{"metadata":{"name":"web","annotations":{"deployment.kubernetes.io/revision":"2"}},` +
			`"spec":{"replicas":3,"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"web:2"}]}}}}`,
			patch: `[{"op":"replace","path":"/spec/template","value":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"web:1"}]}}},` +
				`{"op":"replace","path":"/metadata/annotations","value":{"deployment.kubernetes.io/revision":"1"}}]`,
			want: `{"metadata":{"name":"web","annotations":{"deployment.kubernetes.io/revision":"1"}},` +
				`"spec":{"replicas":3,"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"web:1"}]}}}}`},
		// kubectl patch --type=json, as its documentation shows.
		{name: "kubectl patch image", original: `{"spec":{"containers":[{"name":"c","image":"nginx:1.14"}]}}`,
			patch: `[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.16"}]`,
			want:  `{"spec":{"containers":[{"name":"c","image":"nginx:1.16"}]}}`},
	})
}

func TestJSONPatchLimits(t *testing.T) {
	ops := make([]string, patch.MaxOperations+1)
	for i := range ops {
		ops[i] = `{"op":"test","path":"/a","value":1}`
	}
	tooMany := "[" + strings.Join(ops, ",") + "]"
	if _, err := patch.Apply(patch.JSONPatch, []byte(`{"a":1}`), []byte(tooMany), nil); !errors.Is(err, patch.ErrTooLarge) ||
		err.Error() != "The allowed maximum operations in a JSON patch is 10000, got 10001" {
		t.Errorf("%d operations: error %v, want ErrTooLarge", len(ops), err)
	}
	if _, err := patch.Apply(patch.JSONPatch, []byte(`{"a":1}`), []byte("["+strings.Join(ops[1:], ",")+"]"), nil); err != nil {
		t.Errorf("%d operations: %v", len(ops)-1, err)
	}

	// Copying a value of almost 1 MiB four times grows the document by
	// more than MaxCopyBytes; three times, not.
	big := `{"v":"` + strings.Repeat("x", 1<<20-10) + `"}`
	copies := `[{"op":"copy","from":"/v","path":"/a"},{"op":"copy","from":"/v","path":"/b"},{"op":"copy","from":"/v","path":"/c"},{"op":"copy","from":"/v","path":"/d"}]`
	if _, err := patch.Apply(patch.JSONPatch, []byte(big), []byte(copies), nil); !errors.Is(err, patch.ErrCannotApply) ||
		!strings.Contains(err.Error(), "accumulated size increase") {
		t.Errorf("copying 4 MiB: error %v, want ErrCannotApply for the copy limit", err)
	}
	out, err := patch.Apply(patch.JSONPatch, []byte(big), []byte(copies[:strings.LastIndex(copies, ",{")]+"]"), nil)
	if err != nil || len(out) < 4<<20-40 {
		t.Errorf("copying almost 3 MiB: %d bytes, %v", len(out), err)
	}
}

// The examples of RFC 7386, appendix A (those whose documents are objects),
// and Kubernetes' handling of patches that are not objects.
func TestMergePatch(t *testing.T) {
	runCases(t, patch.MergePatch, nil, []applyCase{
		{name: "replace member", original: `{"a":"b"}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "add member", original: `{"a":"b"}`, patch: `{"b":"c"}`, want: `{"a":"b","b":"c"}`},
		{name: "delete member", original: `{"a":"b"}`, patch: `{"a":null}`, want: `{}`},
		{name: "delete one of two", original: `{"a":"b","b":"c"}`, patch: `{"a":null}`, want: `{"b":"c"}`},
		{name: "list by value", original: `{"a":["b"]}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "value by list", original: `{"a":"c"}`, patch: `{"a":["b"]}`, want: `{"a":["b"]}`},
		{name: "nested", original: `{"a":{"b":"c"}}`, patch: `{"a":{"b":"d","c":null}}`, want: `{"a":{"b":"d"}}`},
		{name: "lists are replaced", original: `{"a":[{"b":"c"}]}`, patch: `{"a":[1]}`, want: `{"a":[1]}`},
		{name: "null in the original stays", original: `{"e":null}`, patch: `{"a":1}`, want: `{"e":null,"a":1}`},
		{name: "nulls in new objects go", original: `{}`, patch: `{"a":{"bb":{"ccc":null}}}`, want: `{"a":{"bb":{}}}`},
		{name: "nulls in objects in new lists go too", original: `{}`, patch: `{"a":[{"b":null,"c":1}]}`, want: `{"a":[{"c":1}]}`},
		{name: "containers are replaced, unlike strategic merge",
			original: `{"spec":{"containers":[{"name":"a","image":"a"}]}}`, patch: `{"spec":{"containers":[{"name":"b","image":"b"}]}}`,
			want: `{"spec":{"containers":[{"name":"b","image":"b"}]}}`},
		{name: "kubectl scale", original: `{"kind":"Scale","spec":{"replicas":1},"status":{"replicas":1}}`,
			patch: `{"spec":{"replicas":3}}`, want: `{"kind":"Scale","spec":{"replicas":3},"status":{"replicas":1}}`},
		{name: "list patch", original: `{"a":"b"}`, patch: `["c"]`, wantErr: patch.ErrCannotApply, wantMsg: "not result in a JSON object"},
		{name: "null patch", original: `{"a":"foo"}`, patch: `null`, wantErr: patch.ErrInvalidPatch, wantMsg: "Invalid JSON Patch"},
		{name: "string patch", original: `{"a":"foo"}`, patch: `"bar"`, wantErr: patch.ErrInvalidPatch, wantMsg: "Invalid JSON Patch"},
		{name: "not JSON", original: `{"a":"foo"}`, patch: `{"a":`, wantErr: patch.ErrInvalidPatch, wantMsg: "Invalid JSON Patch"},
	})
}

func TestUnsupported(t *testing.T) {
	for _, c := range []struct {
		pt       patch.Type
		dataType reflect.Type
	}{
		{patch.ApplyPatch, reflect.TypeFor[struct{}]()},
		{"application/json", reflect.TypeFor[struct{}]()},
		{patch.StrategicMerge, nil}, // a custom resource
	} {
		if _, err := patch.Apply(c.pt, []byte(`{}`), []byte(`{}`), c.dataType); !errors.Is(err, patch.ErrUnsupported) {
			t.Errorf("Apply(%q, type %v) error = %v, want ErrUnsupported", c.pt, c.dataType, err)
		}
	}
}

func TestParseType(t *testing.T) {
	for _, c := range []struct {
		contentType string
		want        patch.Type
	}{
		{"application/json-patch+json", patch.JSONPatch},
		{"application/merge-patch+json; charset=utf-8", patch.MergePatch},
		{"Application/Strategic-Merge-Patch+JSON", patch.StrategicMerge},
		{"application/apply-patch+yaml", ""},
		{"application/json", ""},
		{"", ""},
	} {
		got, err := patch.ParseType(c.contentType)
		if got != c.want || (c.want == "") != errors.Is(err, patch.ErrUnsupported) {
			t.Errorf("ParseType(%q) = %q, %v; want %q", c.contentType, got, err, c.want)
		}
	}
}

func TestApplyLeavesOriginalAlone(t *testing.T) {
	original := []byte(`{"metadata":{"finalizers":["a"]},"spec":{"containers":[{"name":"a","env":[{"name":"X"}]}]}}`)
	keep := string(original)
	for _, c := range []struct {
		pt patch.Type
		p  string
	}{
		{patch.StrategicMerge, `{"metadata":{"finalizers":["b"]},"spec":{"containers":[{"name":"a","env":[{"name":"X","$patch":"delete"}]}]}}`},
		{patch.MergePatch, `{"spec":null}`},
		{patch.JSONPatch, `[{"op":"remove","path":"/spec"}]`},
	} {
		if _, err := patch.Apply(c.pt, original, []byte(c.p), podType); err != nil {
			t.Fatal(err)
		}
		if string(original) != keep {
			t.Fatalf("%s patch changed the original to %s", c.pt, original)
		}
	}
}
