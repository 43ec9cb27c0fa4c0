package batch_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/batch"
)

func Example() {
	j, _ := api.ToJSON([]byte(`
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: "perl:5.34.0", command: [perl, -Mbignum=bpi, -wle, print bpi(2000)]}]
`))
	var job batch.Job
	if err := api.DecodeStrict(j, &job); err != nil {
		fmt.Println(err)
		return
	}
	job.Default()
	s := job.Spec
	fmt.Println(*s.Completions, *s.Parallelism, *s.BackoffLimit, *s.CompletionMode, *s.PodReplacementPolicy)
	// Output: 1 1 6 NonIndexed TerminatingOrFailed
}
