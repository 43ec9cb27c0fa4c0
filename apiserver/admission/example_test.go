package admission_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/admission"
)

// A chain of built-in plugins over listers of the cluster's objects (an
// API server uses its caches; a client works too, as Deps.Client).
func Example() {
	accounts := admission.ListerFuncs[core.ServiceAccount]{
		GetFunc: func(_ context.Context, ns, name string) (*core.ServiceAccount, error) {
			return &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name}}, nil
		},
	}
	chain, err := admission.New([]string{admission.ServiceAccountName, admission.DefaultTolerationSecondsName},
		admission.Deps{ServiceAccounts: accounts})
	if err != nil {
		fmt.Println(err)
		return
	}
	pod := &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "web"},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}}}
	a := &admission.Attributes{Operation: admission.Create, Version: "v1", Kind: "Pod", Resource: "pods",
		Namespace: "default", Name: "web", Object: pod}
	if err := chain.Admit(context.Background(), a); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pod.Spec.ServiceAccountName, pod.Spec.Containers[0].VolumeMounts[0].MountPath)
	for _, t := range pod.Spec.Tolerations {
		fmt.Println(t.Key, t.Effect, *t.TolerationSeconds)
	}
	// Output:
	// default /var/run/secrets/kubernetes.io/serviceaccount
	// node.kubernetes.io/not-ready NoExecute 300
	// node.kubernetes.io/unreachable NoExecute 300
}

// Rejections are API errors with Kubernetes' messages.
func Example_rejection() {
	chain, _ := admission.New([]string{admission.NamespaceLifecycleName}, admission.Deps{
		Namespaces: admission.ListerFuncs[core.Namespace]{},
	})
	a := &admission.Attributes{Operation: admission.Delete, Version: "v1", Kind: "Namespace", Resource: "namespaces", Name: "kube-system",
		OldObject: &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "kube-system"}}}
	err := chain.Validate(context.Background(), a)
	fmt.Println(meta.CodeOf(err), err)
	// Output: 403 namespaces "kube-system" is forbidden: this namespace may not be deleted
}
