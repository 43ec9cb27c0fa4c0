package labels_test

import (
	"fmt"

	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
)

func Example() {
	sel, err := labels.Parse("tier in (front, back), app=web, !canary")
	if err != nil {
		panic(err)
	}
	fmt.Println(sel) // canonical form: sorted by key

	pods := []labels.Set{
		{"app": "web", "tier": "front"},
		{"app": "web", "tier": "front", "canary": "true"},
		{"app": "db", "tier": "back"},
	}
	for _, l := range pods {
		fmt.Printf("%s: %v\n", l, sel.Matches(l))
	}
	// Output:
	// app=web,!canary,tier in (back,front)
	// app=web,tier=front: true
	// app=web,canary=true,tier=front: false
	// app=db,tier=back: false
}

func ExampleParse_error() {
	_, err := labels.Parse("app in (web, db")
	fmt.Println(err)
	// Output:
	// unable to parse requirement: found '', expected: ',' or ')' (at position 15)
}

func ExampleFromLabelSelector() {
	// spec.selector of a Deployment.
	sel, err := labels.FromLabelSelector(&meta.LabelSelector{
		MatchLabels: map[string]string{"app": "web"},
		MatchExpressions: []meta.LabelSelectorRequirement{
			{Key: "track", Operator: meta.LabelSelectorOpNotIn, Values: []string{"canary"}},
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sel)
	fmt.Println(sel.Matches(labels.Set{"app": "web", "track": "stable"}))
	fmt.Println(sel.Matches(labels.Set{"app": "web", "track": "canary"}))
	// Output:
	// app=web,track notin (canary)
	// true
	// false
}
