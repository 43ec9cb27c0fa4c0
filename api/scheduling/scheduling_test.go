package scheduling_test

import (
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/internal/apitest"
)

func TestDecodePriorityClass(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/priorityclass.yaml")
	np := apitest.RoundTrip[scheduling.PriorityClass](t, docs[1])
	if np.Value != 1000000 || *np.PreemptionPolicy != core.PreemptNever {
		t.Errorf("class = %+v", np)
	}
	def := apitest.RoundTrip[scheduling.PriorityClass](t, docs[2])
	if def.Value != -10 || !def.GlobalDefault {
		t.Errorf("class = %+v, want value -10, globalDefault", def)
	}
}

// A zero value is a real priority and is always sent.
func TestValueAlwaysSent(t *testing.T) {
	b, err := api.Encode(scheduling.PriorityClass{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"metadata":{},"value":0}`; got != want {
		t.Errorf("Encode = %s, want %s", got, want)
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	got := apitest.StrictFields[scheduling.PriorityClass](t, "value: 10\npreemptionPolicy: Never\nglobalDefualt: true\n")
	if want := `unknown field "globalDefualt"`; !slices.Contains(got, want) {
		t.Errorf("strict fields = %q, want %q among them", got, want)
	}
}

func TestDefault(t *testing.T) {
	tests := []struct {
		name string
		in   *core.PreemptionPolicy
		want core.PreemptionPolicy
	}{
		{"unset", nil, core.PreemptLowerPriority},
		{"never kept", func() *core.PreemptionPolicy { p := core.PreemptNever; return &p }(), core.PreemptNever},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := scheduling.PriorityClass{PreemptionPolicy: tt.in}
			pc.Default()
			if pc.PreemptionPolicy == nil || *pc.PreemptionPolicy != tt.want {
				t.Errorf("preemptionPolicy = %v, want %q", pc.PreemptionPolicy, tt.want)
			}
		})
	}
}
