// Package builtin lists spar's built-in controllers by the names
// kube-controller-manager gives them, so a program can run all of them, or
// a chosen few, on one controller.Manager: what the controller-manager and
// cluster examples do.
package builtin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/deployment"
	"github.com/spar-dev/spar/controller/endpoints"
	"github.com/spar-dev/spar/controller/endpointslice"
	"github.com/spar-dev/spar/controller/garbagecollector"
	"github.com/spar-dev/spar/controller/namespace"
	"github.com/spar-dev/spar/controller/replicaset"
	"github.com/spar-dev/spar/controller/resourcequota"
	"github.com/spar-dev/spar/controller/serviceaccount"
)

// adders maps controller names to the functions that add them with their
// default options.
var adders = map[string]func(m *controller.Manager) error{
	"deployment":       func(m *controller.Manager) error { return deployment.Add(m, nil) },
	"replicaset":       func(m *controller.Manager) error { return replicaset.Add(m, nil) },
	"endpoint":         func(m *controller.Manager) error { return endpoints.Add(m, nil) },
	"endpointslice":    func(m *controller.Manager) error { return endpointslice.Add(m, nil) },
	"namespace":        func(m *controller.Manager) error { return namespace.Add(m, nil) },
	"garbagecollector": func(m *controller.Manager) error { return garbagecollector.Add(m, nil) },
	"serviceaccount":   func(m *controller.Manager) error { return serviceaccount.Add(m, nil) },
	"resourcequota":    func(m *controller.Manager) error { return resourcequota.Add(m, nil) },
}

// Names returns every built-in controller's name, sorted.
func Names() []string {
	names := make([]string, 0, len(adders))
	for n := range adders {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Add adds the named controllers to m; "*" (or an empty list) means all.
// As kube-controller-manager's --controllers flag, "-name" excludes one.
func Add(m *controller.Manager, names []string) error {
	want := map[string]bool{}
	all := len(names) == 0
	for _, n := range names {
		switch {
		case n == "*":
			all = true
		case strings.HasPrefix(n, "-"):
		default:
			if _, ok := adders[n]; !ok {
				return fmt.Errorf("unknown controller %q (known: %s)", n, strings.Join(Names(), ", "))
			}
			want[n] = true
		}
	}
	for _, n := range Names() {
		if (all || want[n]) && !slices.Contains(names, "-"+n) {
			if err := adders[n](m); err != nil {
				return fmt.Errorf("adding the %s controller: %w", n, err)
			}
		}
	}
	return nil
}
