package patch_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/spar-dev/spar/apiserver/patch"
)

func readTestdata(b *testing.B, name string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", "kubectl", name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkStrategicMergeDeploymentImage applies what kubectl apply sends
// when a Deployment's image changes, to the stored Deployment.
func BenchmarkStrategicMergeDeploymentImage(b *testing.B) {
	original := readTestdata(b, "02-image.before.json")
	p := readTestdata(b, "02-image.patch.json")
	b.SetBytes(int64(len(original)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := patch.Apply(patch.StrategicMerge, original, p, deploymentType); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergePatchConfigMap changes one key of a ConfigMap of 20 keys.
func BenchmarkMergePatchConfigMap(b *testing.B) {
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "settings", "namespace": "default", "resourceVersion": "42", "uid": "0b6f5c1e-52d6-4d0e-9f0e-3c6f1d2e4a10"}}
	data := map[string]any{}
	for i := range 20 {
		data[fmt.Sprintf("key-%02d", i)] = fmt.Sprintf("value number %d of the settings", i)
	}
	cm["data"] = data
	original, err := json.Marshal(cm)
	if err != nil {
		b.Fatal(err)
	}
	p := []byte(`{"data":{"key-07":"a new value"}}`)
	b.SetBytes(int64(len(original)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := patch.Apply(patch.MergePatch, original, p, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONPatchDeploymentImage replaces a Deployment's image with the
// JSON patch users write for it.
func BenchmarkJSONPatchDeploymentImage(b *testing.B) {
	original := readTestdata(b, "02-image.before.json")
	p := []byte(`[{"op":"test","path":"/spec/template/spec/containers/0/name","value":"nginx"},` +
		`{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.16.1"}]`)
	b.SetBytes(int64(len(original)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := patch.Apply(patch.JSONPatch, original, p, nil); err != nil {
			b.Fatal(err)
		}
	}
}
