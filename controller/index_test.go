package controller_test

import (
	"slices"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/controller"
)

func TestIndexFuncs(t *testing.T) {
	yes := true
	owned := &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "p", OwnerReferences: []meta.OwnerReference{
		{Kind: "Service", Name: "s", UID: "u-1"},
		{Kind: "ReplicaSet", Name: "rs", UID: "u-2", Controller: &yes},
	}}}
	bare := &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "other", Name: "q", OwnerReferences: []meta.OwnerReference{{Kind: "Service", Name: "s", UID: "u-1"}}}}
	for _, tt := range []struct {
		name string
		fn   controller.IndexFunc[core.Pod]
		pod  *core.Pod
		want []string
	}{
		{"namespace", controller.IndexByNamespace[core.Pod], owned, []string{"ns"}},
		{"controller", controller.IndexByController[core.Pod], owned, []string{"u-2"}},
		{"no controller", controller.IndexByController[core.Pod], bare, nil},
	} {
		if got := tt.fn(tt.pod); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
