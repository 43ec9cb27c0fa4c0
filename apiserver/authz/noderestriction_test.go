package authz

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/apiserver/admission"
)

func TestNodeRestriction(t *testing.T) {
	p := &NodeRestriction{Graph: testGraph()}
	yes := true
	mirror := func(mut func(*core.Pod)) *core.Pod {
		pod := &core.Pod{
			ObjectMeta: meta.ObjectMeta{Namespace: "kube-system", Name: "etcd-n1",
				Annotations:     map[string]string{MirrorPodAnnotation: "hash"},
				OwnerReferences: []meta.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "n1", UID: "n1-uid", Controller: &yes}}},
			Spec: core.PodSpec{NodeName: "n1", Containers: []core.Container{{Name: "etcd", Image: "etcd"}}},
		}
		if mut != nil {
			mut(pod)
		}
		return pod
	}
	node := func(name string, labels map[string]string, taints ...core.Taint) *core.Node {
		return &core.Node{ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels}, Spec: core.NodeSpec{Taints: taints}}
	}
	attrs := func(op admission.Operation, group, resource, sub, ns, name string, obj, old meta.Object) *admission.Attributes {
		return &admission.Attributes{Operation: op, Group: group, Resource: resource, Subresource: sub, Namespace: ns, Name: name,
			Object: obj, OldObject: old, User: nodeUser("n1")}
	}
	pvc := func(mut func(*core.PersistentVolumeClaim)) *core.PersistentVolumeClaim {
		c := &core.PersistentVolumeClaim{ObjectMeta: meta.ObjectMeta{Namespace: "ns1", Name: "data", ResourceVersion: "5"}}
		if mut != nil {
			mut(c)
		}
		return c
	}
	tests := []struct {
		name string
		a    *admission.Attributes
		want string // "" for admitted
	}{
		{"other users pass", &admission.Attributes{Operation: admission.Create, Resource: "pods", Object: &core.Pod{}, User: user("bob")}, ""},
		{"mirror pod", attrs(admission.Create, "", "pods", "", "kube-system", "etcd-n1", mirror(nil), nil), ""},
		{"not a mirror pod", attrs(admission.Create, "", "pods", "", "kube-system", "etcd-n1", mirror(func(p *core.Pod) { p.Annotations = nil }), nil),
			`pods "etcd-n1" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods`},
		{"mirror pod for another node", attrs(admission.Create, "", "pods", "", "kube-system", "etcd-n1", mirror(func(p *core.Pod) { p.Spec.NodeName = "n2" }), nil),
			`node "n1" can only create pods with spec.nodeName set to itself`},
		{"mirror pod without owner", attrs(admission.Create, "", "pods", "", "kube-system", "etcd-n1", mirror(func(p *core.Pod) { p.OwnerReferences = nil }), nil),
			`node "n1" can only create pods with an owner reference set to itself`},
		{"mirror pod owned by another node's uid", attrs(admission.Create, "", "pods", "", "kube-system", "etcd-n1",
			mirror(func(p *core.Pod) { p.OwnerReferences[0].UID = "stale" }), nil), `node n1 UID mismatch: expected stale got n1-uid`},
		{"mirror pod with a secret", attrs(admission.Create, "", "pods", "", "kube-system", "etcd-n1", mirror(func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "x"}}}}
		}), nil), `node "n1" can not create pods that reference secrets`},
		{"mirror pod with a service account", attrs(admission.Create, "", "pods", "", "kube-system", "etcd-n1",
			mirror(func(p *core.Pod) { p.Spec.ServiceAccountName = "default" }), nil), `node "n1" can not create pods that reference a service account`},
		{"delete own pod", attrs(admission.Delete, "", "pods", "", "ns1", "web", nil, webPod()), ""},
		{"delete another pod", attrs(admission.Delete, "", "pods", "", "ns1", "other", nil,
			&core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "ns1", Name: "other"}, Spec: core.PodSpec{NodeName: "n2"}}),
			`node "n1" can only delete pods with spec.nodeName set to itself`},
		{"update a pod", attrs(admission.Update, "", "pods", "", "ns1", "web", webPod(), webPod()),
			`unexpected operation "UPDATE", node "n1" can only create and delete mirror pods`},
		{"own pod status", attrs(admission.Update, "", "pods", "status", "ns1", "web", webPod(), webPod()), ""},
		{"another pod's status", attrs(admission.Update, "", "pods", "status", "ns1", "other",
			&core.Pod{Spec: core.PodSpec{NodeName: "n2"}}, &core.Pod{Spec: core.PodSpec{NodeName: "n2"}}),
			`node "n1" can only update pod status for pods with spec.nodeName set to itself`},
		{"labels through status", attrs(admission.Update, "", "pods", "status", "ns1", "web",
			func() *core.Pod { p := webPod(); p.Labels = map[string]string{"a": "b"}; return p }(), webPod()),
			`node "n1" cannot update labels through pod status`},
		{"evict own pod", attrs(admission.Create, "", "pods", "eviction", "ns1", "web", &policy.Eviction{ObjectMeta: meta.ObjectMeta{Name: "web"}}, nil), ""},
		{"evict another pod", attrs(admission.Create, "", "pods", "eviction", "ns1", "other", &policy.Eviction{ObjectMeta: meta.ObjectMeta{Name: "other"}}, nil),
			`node n1 can only evict pods with spec.nodeName set to itself`},
		{"exec", attrs(admission.Connect, "", "pods", "exec", "ns1", "web", nil, nil), `unexpected pod subresource "exec"`},
		{"register itself", attrs(admission.Create, "", "nodes", "", "", "", node("n1", map[string]string{
			"kubernetes.io/hostname": "n1", "node.kubernetes.io/instance-type": "big", "topology.kubernetes.io/zone": "z", "example.com/x": "y"}), nil), ""},
		{"register another", attrs(admission.Create, "", "nodes", "", "", "", node("n2", nil), nil), `node "n1" is not allowed to modify node "n2"`},
		{"register with a restricted label", attrs(admission.Create, "", "nodes", "", "", "", node("n1", map[string]string{
			"node-restriction.kubernetes.io/pool": "secure", "node-role.kubernetes.io/control-plane": ""}), nil),
			`node "n1" is not allowed to set the following labels: node-restriction.kubernetes.io/pool, node-role.kubernetes.io/control-plane`},
		{"register with taints", attrs(admission.Create, "", "nodes", "", "", "", node("n1", nil, core.Taint{Key: "k", Effect: "NoSchedule"}), nil), ""},
		{"update another node", attrs(admission.Update, "", "nodes", "", "", "n2", node("n2", nil), node("n2", nil)), `node "n1" is not allowed to modify node "n2"`},
		{"update own labels", attrs(admission.Update, "", "nodes", "", "", "n1",
			node("n1", map[string]string{"kubernetes.io/arch": "arm64", "team": "a"}), node("n1", map[string]string{"kubernetes.io/arch": "amd64"})), ""},
		{"remove a restricted label", attrs(admission.Update, "", "nodes", "", "", "n1",
			node("n1", nil), node("n1", map[string]string{"node-restriction.kubernetes.io/pool": "secure"})),
			`nodes "n1" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool`},
		{"remove own taint", attrs(admission.Update, "", "nodes", "status", "", "n1",
			node("n1", nil), node("n1", nil, core.Taint{Key: "k", Effect: "NoSchedule"})), `node "n1" is not allowed to modify taints`},
		{"delete another node", attrs(admission.Delete, "", "nodes", "", "", "n2", nil, node("n2", nil)), `node "n1" is not allowed to modify node "n2"`},
		{"own lease", attrs(admission.Create, "coordination.k8s.io", "leases", "", "kube-node-lease", "",
			&coordination.Lease{ObjectMeta: meta.ObjectMeta{Namespace: "kube-node-lease", Name: "n1"}}, nil), ""},
		{"another lease", attrs(admission.Create, "coordination.k8s.io", "leases", "", "kube-node-lease", "",
			&coordination.Lease{ObjectMeta: meta.ObjectMeta{Namespace: "kube-node-lease", Name: "n2"}}, nil),
			"can only access node lease with the same name as the requesting node"},
		{"pvc capacity", attrs(admission.Update, "", "persistentvolumeclaims", "status", "ns1", "data",
			pvc(func(c *core.PersistentVolumeClaim) {
				c.ResourceVersion = ""
				c.Status.Capacity = core.ResourceList{"storage": resource.MustParse("2Gi")}
			}), pvc(nil)), ""},
		{"pvc phase", attrs(admission.Update, "", "persistentvolumeclaims", "status", "ns1", "data",
			pvc(func(c *core.PersistentVolumeClaim) { c.Status.Phase = "Lost" }), pvc(nil)),
			`node "n1" is not allowed to update fields other than status.capacity and status.conditions`},
		{"pvc spec", attrs(admission.Update, "", "persistentvolumeclaims", "", "ns1", "data", pvc(nil), pvc(nil)), "may only update PVC status"},
		{"configmaps pass", attrs(admission.Create, "", "configmaps", "", "ns1", "x", &core.ConfigMap{}, nil), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Validate(context.Background(), tt.a)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("admitted, want %q", tt.want)
			case err != nil && !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			case err != nil && !errors.Is(err, meta.ErrForbidden):
				t.Errorf("error %v is not a 403", err)
			}
		})
	}
}
