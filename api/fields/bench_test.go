package fields

import "testing"

var sink bool

func BenchmarkParse(b *testing.B) {
	const s = "metadata.namespace=default,spec.nodeName=node-1,status.phase!=Failed"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatches is a 3-term selector that matches, so every term is
// evaluated, against a pod's selectable fields.
func BenchmarkMatches(b *testing.B) {
	sel, err := Parse("metadata.namespace=default,spec.nodeName=node-1,status.phase!=Failed")
	if err != nil {
		b.Fatal(err)
	}
	var f Fields = Set{
		"metadata.name": "web-0", "metadata.namespace": "default", "spec.nodeName": "node-1",
		"spec.restartPolicy": "Always", "spec.schedulerName": "default-scheduler",
		"spec.serviceAccountName": "default", "status.phase": "Running", "status.podIP": "10.0.0.7",
	}
	b.ReportAllocs()
	for b.Loop() {
		sink = sel.Matches(f)
	}
}
