package fields_test

import (
	"fmt"

	"github.com/spar-dev/spar/api/fields"
)

func Example() {
	// What a kubelet watches: the pods bound to its node.
	sel, err := fields.Parse("spec.nodeName=node-1,status.phase!=Succeeded")
	if err != nil {
		panic(err)
	}
	fmt.Println(sel)

	pod := fields.Set{"metadata.name": "web-0", "spec.nodeName": "node-1", "status.phase": "Running"}
	fmt.Println(sel.Matches(pod))

	// A watch cache indexed by node name looks up one bucket.
	node, ok := sel.RequiresExactMatch("spec.nodeName")
	fmt.Println(node, ok)
	// Output:
	// spec.nodeName=node-1,status.phase!=Succeeded
	// true
	// node-1 true
}

func ExampleEscapeValue() {
	sel := fields.OneTermEqualSelector("metadata.annotations.note", "a=b, c")
	fmt.Println(sel)
	fmt.Println(fields.EscapeValue(`C:\dir`))
	// Output:
	// metadata.annotations.note=a\=b\, c
	// C:\\dir
}

func ExampleParse_error() {
	_, err := fields.Parse("status.phase")
	fmt.Println(err)
	// Output:
	// invalid selector: 'status.phase'; can't understand 'status.phase'
}
