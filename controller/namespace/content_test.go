package namespace

import (
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
)

// TestDeleteOneByOne: a resource without deletecollection is emptied by a
// list and a delete per object.
func TestDeleteOneByOne(t *testing.T) {
	env := controllertest.New(t, nil)
	c, ctx := env.Client, t.Context()
	if _, err := client.Resource[core.Namespace](c).Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "ns"}}, nil); err != nil {
		t.Fatal(err)
	}
	cms := client.Resource[core.ConfigMap](c).Namespace("ns")
	for _, cm := range []*core.ConfigMap{
		{ObjectMeta: meta.ObjectMeta{Name: "a"}},
		{ObjectMeta: meta.ObjectMeta{Name: "b"}},
		{ObjectMeta: meta.ObjectMeta{Name: "held", Finalizers: []string{"example.com/x", "example.com/y"}}},
	} {
		if _, err := cms.Create(ctx, cm, nil); err != nil {
			t.Fatal(err)
		}
	}
	r := &reconciler{c: c, noCollect: map[string]bool{}}
	res := client.APIResource{Version: "v1", Name: "configmaps", Namespaced: true, Verbs: []string{"delete", "get", "list"}}
	l, err := r.deleteResource(ctx, res, "ns")
	if err != nil {
		t.Fatal(err)
	}
	if l.items != 1 || l.finalizers["example.com/x"] != 1 || l.finalizers["example.com/y"] != 1 {
		t.Errorf("left = %+v, want 1 item held by example.com/x and example.com/y", l)
	}
	list, err := cms.List(ctx, nil)
	if err != nil || len(list.Items) != 1 || list.Items[0].Name != "held" || list.Items[0].DeletionTimestamp == nil {
		t.Errorf("configmaps after the pass: %+v (%v), want only held, marked for deletion", list, err)
	}
}

func TestConditionMessages(t *testing.T) {
	tests := []struct {
		name         string
		gvrs, fins   map[string]int
		content, fin string // "" when the condition is not failing
	}{
		{"nothing left", nil, nil, "", ""},
		{"sorted resources", map[string]int{"widgets.example.com": 1, "configmaps.": 2}, nil,
			"Some resources are remaining: configmaps. has 2 resource instances, widgets.example.com has 1 resource instances", ""},
		{"finalizers", map[string]int{"configmaps.": 3}, map[string]int{"b/x": 1, "a/y": 2},
			"Some resources are remaining: configmaps. has 3 resource instances",
			"Some content in the namespace has finalizers remaining: a/y in 2 resource instances, b/x in 1 resource instances"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c conditions
			c.remaining(tt.gvrs, tt.fins)
			var st core.NamespaceStatus
			if !c.apply(&st) {
				t.Fatal("apply on empty conditions changed nothing")
			}
			if len(st.Conditions) != 5 {
				t.Fatalf("got %d conditions, want 5", len(st.Conditions))
			}
			check := func(typ core.NamespaceConditionType, want string) {
				for _, got := range st.Conditions {
					if got.Type != typ {
						continue
					}
					switch {
					case want == "" && (got.Status != core.ConditionFalse || got.Message != "All content successfully removed"):
						t.Errorf("%s = %s %q, want False, all removed", typ, got.Status, got.Message)
					case want != "" && (got.Status != core.ConditionTrue || got.Message != want):
						t.Errorf("%s = %s %q, want True %q", typ, got.Status, got.Message, want)
					}
				}
			}
			check(core.NamespaceContentRemaining, tt.content)
			check(core.NamespaceFinalizersRemaining, tt.fin)
			if c.apply(&st) {
				t.Error("applying the same conditions again reported a change")
			}
		})
	}
}

// TestTransitionTime: lastTransitionTime moves with the status only.
func TestTransitionTime(t *testing.T) {
	old := meta.NewTime(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	st := core.NamespaceStatus{Conditions: []core.NamespaceCondition{
		{Type: core.NamespaceContentRemaining, Status: core.ConditionTrue, Reason: "SomeResourcesRemain", Message: "Some resources are remaining: pods. has 2 resource instances", LastTransitionTime: old},
		{Type: core.NamespaceFinalizersRemaining, Status: core.ConditionFalse, Reason: "ContentRemoved", Message: "All content successfully removed", LastTransitionTime: old},
	}}
	var c conditions
	c.remaining(map[string]int{"pods.": 1}, nil)
	c.apply(&st)
	for _, got := range st.Conditions {
		switch got.Type {
		case core.NamespaceContentRemaining:
			if got.Message != "Some resources are remaining: pods. has 1 resource instances" || !got.LastTransitionTime.Equal(old) {
				t.Errorf("content condition = %q at %v, want the new count at the old time", got.Message, got.LastTransitionTime)
			}
		case core.NamespaceFinalizersRemaining:
			if !got.LastTransitionTime.Equal(old) {
				t.Errorf("unchanged finalizers condition moved to %v", got.LastTransitionTime)
			}
		}
	}
	var done conditions
	done.apply(&st)
	for _, got := range st.Conditions {
		if got.Type == core.NamespaceContentRemaining && (got.Status != core.ConditionFalse || got.LastTransitionTime.Equal(old)) {
			t.Errorf("content condition after all is gone = %s at %v, want False at a new time", got.Status, got.LastTransitionTime)
		}
	}
}

func TestRecheckBackoff(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []time.Duration
	}{
		{"defaults", Options{}, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second, 15 * time.Second}},
		{"max alone", Options{MaxRecheck: 300 * time.Millisecond}, []time.Duration{300 * time.Millisecond, 300 * time.Millisecond}},
		{"min alone", Options{MinRecheck: 20 * time.Second}, []time.Duration{20 * time.Second, 20 * time.Second}},
		{"both", Options{MinRecheck: 10 * time.Millisecond, MaxRecheck: 25 * time.Millisecond}, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 25 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.setDefaults()
			r := &reconciler{opts: o, waits: map[string]recheck{}}
			ns := &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "ns", UID: "1"}}
			for i, want := range tt.want {
				if got := r.nextWait(ns); got != want {
					t.Errorf("wait %d = %v, want %v", i, got, want)
				}
			}
			// A new namespace of the same name starts over.
			if got := r.nextWait(&core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "ns", UID: "2"}}); got != tt.want[0] {
				t.Errorf("first wait of a recreated namespace = %v, want %v", got, tt.want[0])
			}
		})
	}
}
