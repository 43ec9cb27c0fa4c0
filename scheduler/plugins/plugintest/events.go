package plugintest

import (
	"slices"
	"testing"

	"github.com/spar-dev/spar/scheduler"
)

// EventCase is a cluster event and whether a plugin's EventsToRegister
// should cover it.
type EventCase struct {
	Event      scheduler.ClusterEvent
	Registered bool
}

// CheckEvents fails t for each case that the registered events cover
// when they should not, or miss when they should.
func CheckEvents(t testing.TB, registered []scheduler.ClusterEvent, cases []EventCase) {
	t.Helper()
	for _, c := range cases {
		got := slices.ContainsFunc(registered, func(r scheduler.ClusterEvent) bool { return r.Matches(c.Event) })
		if got != c.Registered {
			t.Errorf("event %+v: registered %v, want %v", c.Event, got, c.Registered)
		}
	}
}
