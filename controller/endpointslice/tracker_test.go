package endpointslice

import (
	"strconv"
	"testing"

	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/controller"
)

func slice(uid string, rv uint64) *discovery.EndpointSlice {
	return &discovery.EndpointSlice{ObjectMeta: meta.ObjectMeta{
		Namespace: "ns", Name: "web-" + uid, UID: meta.UID(uid), ResourceVersion: strconv.FormatUint(rv, 10),
		Labels: map[string]string{discovery.LabelServiceName: "web", discovery.LabelManagedBy: ManagedBy},
	}}
}

var web = controller.Request{Namespace: "ns", Name: "web"}

func TestTrackerStale(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*tracker)
		cacheRV uint64
		cached  []*discovery.EndpointSlice
		want    bool
		left    int // slices still tracked afterwards
	}{
		{"nothing written", func(*tracker) {}, 5, []*discovery.EndpointSlice{slice("a", 3)}, false, 0},
		{"an update not seen yet", func(tr *tracker) { tr.wrote(web, slice("a", 10)) }, 9, []*discovery.EndpointSlice{slice("a", 9)}, true, 1},
		{"an update seen", func(tr *tracker) { tr.wrote(web, slice("a", 10)) }, 10, []*discovery.EndpointSlice{slice("a", 10)}, false, 1},
		{"a later change by others", func(tr *tracker) { tr.wrote(web, slice("a", 10)) }, 12, []*discovery.EndpointSlice{slice("a", 12)}, false, 1},
		{"a create not seen yet", func(tr *tracker) { tr.wrote(web, slice("b", 15)) }, 14, nil, true, 1},
		{"a create seen, then deleted", func(tr *tracker) { tr.wrote(web, slice("b", 15)) }, 16, nil, false, 0},
		{"a delete not seen yet", func(tr *tracker) { tr.deleting(web, slice("c", 7)) }, 20, []*discovery.EndpointSlice{slice("c", 7)}, true, 1},
		{"a delete seen", func(tr *tracker) { tr.deleting(web, slice("c", 7)) }, 20, nil, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracker()
			tt.setup(tr)
			if got := tr.stale(web, tt.cacheRV, tt.cached); got != tt.want {
				t.Errorf("stale = %v, want %v", got, tt.want)
			}
			if got := len(tr.byService[web]); got != tt.left {
				t.Errorf("%d slices tracked afterwards, want %d", got, tt.left)
			}
		})
	}
}

func TestTrackerTellsOwnWrites(t *testing.T) {
	tr := newTracker()
	tr.wrote(web, slice("a", 10))
	tr.deleting(web, slice("b", 4))
	tr.wrote(web, slice("c", 6))
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"the echo of its write", tr.changedByOthers(slice("a", 10)), false},
		{"a later write", tr.changedByOthers(slice("a", 11)), true},
		{"an unknown slice", tr.changedByOthers(slice("x", 1)), true},
		{"the delete it made", tr.deleted(slice("b", 4)), false},
		{"a delete it did not make", tr.deleted(slice("c", 6)), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if n := len(tr.byService[web]); n != 1 {
		t.Errorf("%d slices tracked after the deletes, want 1", n)
	}
}

func TestTrackerWaitAndWake(t *testing.T) {
	tr := newTracker()
	e := tr.epoch(web)
	tr.observe(web) // an event between reading the cache and waiting
	if tr.wait(web, e) {
		t.Error("wait after an event since the epoch: want false (retry at once)")
	}
	e = tr.epoch(web)
	if !tr.wait(web, e) {
		t.Fatal("wait: want true")
	}
	if !tr.observe(web) {
		t.Error("observe of a waiting service: want true (wake it)")
	}
	if tr.observe(web) {
		t.Error("a second observe: want false (woken once)")
	}
}
