package patch_test

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver/patch"
)

// A strategic merge patch merges a pod's containers by name, where a JSON
// merge patch would replace the list.
func Example() {
	pod := []byte(`{"kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[` +
		`{"name":"app","image":"app:1"},{"name":"proxy","image":"envoy:1.30"}]}}`)
	body := []byte(`{"spec":{"containers":[{"name":"app","image":"app:2"}]}}`)

	t, err := patch.ParseType("application/strategic-merge-patch+json; charset=utf-8")
	if err != nil {
		panic(err)
	}
	out, err := patch.Apply(t, pod, body, reflect.TypeFor[core.Pod]())
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))

	out, err = patch.Apply(patch.MergePatch, pod, body, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))

	// A container without its merge key is a malformed patch: a 400.
	_, err = patch.Apply(patch.StrategicMerge, pod, []byte(`{"spec":{"containers":[{"image":"x"}]}}`), reflect.TypeFor[core.Pod]())
	fmt.Println(errors.Is(err, patch.ErrInvalidPatch), err)
	// Output:
	// {"kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"image":"app:2","name":"app"},{"image":"envoy:1.30","name":"proxy"}]}}
	// {"kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"name":"app","image":"app:2"}]}}
	// true map: map[image:x] does not contain declared merge key: name
}
