package core_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
)

// Decode a manifest strictly, apply the server's defaults and ask what the
// scheduler would reserve for it.
func Example() {
	manifest := []byte(`
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - name: migrate
    image: migrate:v3
    resources: {requests: {cpu: "1"}}
  containers:
  - name: nginx
    image: nginx
    resources:
      limits: {cpu: 500m, memory: 128Mi}
    ports:
    - containerPort: 80
`)
	j, err := api.ToJSON(manifest)
	if err != nil {
		panic(err)
	}
	var pod core.Pod
	if err := api.DecodeStrict(j, &pod); err != nil {
		panic(err)
	}
	pod.Default()

	c := pod.Spec.Containers[0]
	fmt.Println("pull policy:", c.ImagePullPolicy)
	fmt.Println("port protocol:", c.Ports[0].Protocol)
	fmt.Println("memory request:", c.Resources.Requests.Memory().String())
	reqs := core.PodRequests(&pod)
	fmt.Println("pod cpu request:", reqs.CPU().String())
	fmt.Println("qos class:", core.ComputePodQOS(&pod))
	// Output:
	// pull policy: Always
	// port protocol: TCP
	// memory request: 128Mi
	// pod cpu request: 1
	// qos class: Burstable
}

// A misspelt field is reported with its full path.
func Example_strictDecoding() {
	err := api.DecodeStrict([]byte(`{"spec":{"containers":[{"name":"c","imagePullPolcy":"Always"}]}}`), &core.Pod{})
	fmt.Println(err)
	// Output:
	// strict decoding error: unknown field "spec.containers[0].imagePullPolcy"
}

func ExampleToleration_ToleratesTaint() {
	taint := core.Taint{Key: "dedicated", Value: "gpu", Effect: core.TaintEffectNoSchedule}
	for _, tol := range []core.Toleration{
		{Key: "dedicated", Operator: core.TolerationOpEqual, Value: "gpu"},
		{Key: "dedicated", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute},
		{Operator: core.TolerationOpExists},
	} {
		fmt.Println(tol.ToleratesTaint(&taint))
	}
	// Output:
	// true
	// false
	// true
}
