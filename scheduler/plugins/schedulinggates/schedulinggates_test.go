package schedulinggates_test

import (
	"context"
	"testing"

	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/scheduler/plugins/schedulinggates"
)

func TestPreEnqueue(t *testing.T) {
	tests := []struct {
		name    string
		pod     *pt.PodWrapper
		wantMsg string // "" lets the pod in
	}{
		{name: "no gates", pod: pt.MakePod("p")},
		{name: "an empty gate list", pod: pt.MakePod("p").SchedulingGates()},
		{name: "one gate", pod: pt.MakePod("p").SchedulingGates("example.com/quota"),
			wantMsg: "waiting for scheduling gates: [example.com/quota]"},
		{name: "gates in order", pod: pt.MakePod("p").SchedulingGates("b", "a"),
			wantMsg: "waiting for scheduling gates: [b a]"},
	}
	p, err := schedulinggates.New(nil, pt.NewHandle(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	pl := p.(scheduler.PreEnqueuePlugin)
	if pl.Name() != "SchedulingGates" {
		t.Errorf("Name() = %q, want SchedulingGates", pl.Name())
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := pl.PreEnqueue(context.Background(), tc.pod.Obj())
			if tc.wantMsg == "" {
				if !st.IsSuccess() {
					t.Errorf("got %v %q, want Success", st.Code(), st.Message())
				}
				return
			}
			if st.Code() != scheduler.UnschedulableAndUnresolvable || st.Message() != tc.wantMsg {
				t.Errorf("got %v %q, want UnschedulableAndUnresolvable %q", st.Code(), st.Message(), tc.wantMsg)
			}
		})
	}
}
