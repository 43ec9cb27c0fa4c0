package labels

import "testing"

var sink bool

func BenchmarkParse(b *testing.B) {
	const s = "app=web,tier in (front,back),!canary"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatches is the per-event, per-watcher cost: a 3-requirement
// selector that matches, so every requirement is evaluated, against the
// labels of a typical pod.
func BenchmarkMatches(b *testing.B) {
	sel, err := Parse("app=web,tier in (front,back),!canary")
	if err != nil {
		b.Fatal(err)
	}
	set := Set{"app": "web", "tier": "back", "pod-template-hash": "7d9f8c6b5", "version": "v2", "team": "core"}
	b.Run("Set", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = sel.Matches(set)
		}
	})
	b.Run("Labels", func(b *testing.B) {
		var l Labels = pairs{"app", "web", "tier", "back", "pod-template-hash", "7d9f8c6b5", "version", "v2", "team", "core"}
		b.ReportAllocs()
		for b.Loop() {
			sink = sel.Matches(l)
		}
	})
}

func BenchmarkString(b *testing.B) {
	sel, err := Parse("app=web,tier in (front,back),!canary")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = sel.String()
	}
}
