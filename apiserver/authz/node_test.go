package authz

import (
	"context"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/storage"
	"github.com/spar-dev/spar/apiserver/authn"
)

func nodeUser(name string) *authn.User {
	return &authn.User{Name: NodeUserPrefix + name, Groups: []string{NodesGroup, authn.AllAuthenticated}}
}

// webPod runs on node n1 and uses one object of every kind the graph
// follows.
func webPod() *core.Pod {
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{Namespace: "ns1", Name: "web", UID: "pod-uid"},
		Spec: core.PodSpec{
			NodeName:           "n1",
			ServiceAccountName: "web-sa",
			ImagePullSecrets:   []core.LocalObjectReference{{Name: "pull"}},
			InitContainers: []core.Container{{Name: "init", Env: []core.EnvVar{{Name: "A",
				ValueFrom: &core.EnvVarSource{SecretKeyRef: &core.SecretKeySelector{LocalObjectReference: core.LocalObjectReference{Name: "init-env"}, Key: "k"}}}}}},
			Containers: []core.Container{{Name: "app",
				Env: []core.EnvVar{{Name: "B", ValueFrom: &core.EnvVarSource{ConfigMapKeyRef: &core.ConfigMapKeySelector{
					LocalObjectReference: core.LocalObjectReference{Name: "env-cm"}, Key: "k"}}}},
				EnvFrom: []core.EnvFromSource{{SecretRef: &core.SecretEnvSource{LocalObjectReference: core.LocalObjectReference{Name: "envfrom-secret"}}}},
			}},
			Volumes: []core.Volume{
				{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "vol-secret"}}},
				{Name: "c", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{LocalObjectReference: core.LocalObjectReference{Name: "vol-cm"}}}},
				{Name: "p", VolumeSource: core.VolumeSource{Projected: &core.ProjectedVolumeSource{Sources: []core.VolumeProjection{
					{Secret: &core.SecretProjection{LocalObjectReference: core.LocalObjectReference{Name: "proj-secret"}}},
					{ConfigMap: &core.ConfigMapProjection{LocalObjectReference: core.LocalObjectReference{Name: "proj-cm"}}},
				}}}},
				{Name: "data", VolumeSource: core.VolumeSource{PersistentVolumeClaim: &core.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}},
				{Name: "scratch", VolumeSource: core.VolumeSource{Ephemeral: &core.EphemeralVolumeSource{}}},
			},
		},
	}
}

func testGraph() *NodeGraph {
	g := NewNodeGraph()
	g.Set(webPod())
	g.Set(&core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "ns1", Name: "other"}, Spec: core.PodSpec{NodeName: "n2",
		Volumes: []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "other-secret"}}}}}})
	g.Set(&core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "ns1", Name: "pending"}, Spec: core.PodSpec{
		Volumes: []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "pending-secret"}}}}}})
	g.Set(&core.PersistentVolume{ObjectMeta: meta.ObjectMeta{Name: "pv-data"}, Spec: core.PersistentVolumeSpec{
		ClaimRef: &core.ObjectReference{Kind: "PersistentVolumeClaim", Namespace: "ns1", Name: "data"},
		PersistentVolumeSource: core.PersistentVolumeSource{CSI: &core.CSIPersistentVolumeSource{Driver: "d",
			NodePublishSecretRef: &core.SecretReference{Name: "csi-secret", Namespace: "storage"}}}}})
	g.Set(&core.PersistentVolume{ObjectMeta: meta.ObjectMeta{Name: "pv-free"}})
	g.Set(&storage.VolumeAttachment{ObjectMeta: meta.ObjectMeta{Name: "va1"}, Spec: storage.VolumeAttachmentSpec{NodeName: "n1"}})
	g.Set(&core.Node{ObjectMeta: meta.ObjectMeta{Name: "n1", UID: "n1-uid"}})
	return g
}

func TestNodeAuthorize(t *testing.T) {
	a := NewNode(testGraph())
	byName := func(attrs Attributes, name string) Attributes {
		attrs.FieldSelector = fields.OneTermEqualSelector("metadata.name", name)
		return attrs
	}
	onNode := func(attrs Attributes, node string) Attributes {
		attrs.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", node)
		return attrs
	}
	const noRel = "no relationship found between node 'n1' and this object"
	tests := []struct {
		name   string
		user   *authn.User
		req    Attributes
		want   Decision
		reason string
	}{
		{"not a node", user("bob"), res("get", "", "secrets", "", "ns1", "vol-secret"), NoOpinion, ""},
		{"node name without the group", &authn.User{Name: "system:node:n1"}, res("get", "", "secrets", "", "ns1", "vol-secret"), NoOpinion, ""},
		{"node without a name", &authn.User{Name: "system:node:", Groups: []string{NodesGroup}}, res("get", "", "secrets", "", "ns1", "vol-secret"),
			NoOpinion, `unknown node for user "system:node:"`},
		{"volume secret", nodeUser("n1"), res("get", "", "secrets", "", "ns1", "vol-secret"), Allow, ""},
		{"image pull secret", nodeUser("n1"), res("get", "", "secrets", "", "ns1", "pull"), Allow, ""},
		{"init container env secret", nodeUser("n1"), res("get", "", "secrets", "", "ns1", "init-env"), Allow, ""},
		{"envFrom secret", nodeUser("n1"), res("get", "", "secrets", "", "ns1", "envfrom-secret"), Allow, ""},
		{"projected secret", nodeUser("n1"), res("get", "", "secrets", "", "ns1", "proj-secret"), Allow, ""},
		{"secret watched by name", nodeUser("n1"), byName(res("watch", "", "secrets", "", "ns1", ""), "vol-secret"), Allow, ""},
		{"secret of a PV of a claim", nodeUser("n1"), res("get", "", "secrets", "", "storage", "csi-secret"), Allow, ""},
		{"another node's secret", nodeUser("n1"), res("get", "", "secrets", "", "ns1", "other-secret"), NoOpinion, noRel},
		{"a pending pod's secret", nodeUser("n1"), res("get", "", "secrets", "", "ns1", "pending-secret"), NoOpinion, noRel},
		{"same name, other namespace", nodeUser("n1"), res("get", "", "secrets", "", "ns2", "vol-secret"), NoOpinion, noRel},
		{"list all secrets", nodeUser("n1"), res("list", "", "secrets", "", "ns1", ""), NoOpinion, "No Object name found"},
		{"write a secret", nodeUser("n1"), res("update", "", "secrets", "", "ns1", "vol-secret"), NoOpinion, "can only read resources of this type"},
		{"env configmap", nodeUser("n1"), res("get", "", "configmaps", "", "ns1", "env-cm"), Allow, ""},
		{"volume configmap", nodeUser("n1"), res("get", "", "configmaps", "", "ns1", "vol-cm"), Allow, ""},
		{"projected configmap", nodeUser("n1"), res("list", "", "configmaps", "", "ns1", "proj-cm"), Allow, ""},
		{"unrelated configmap", nodeUser("n1"), res("get", "", "configmaps", "", "ns1", "x"), NoOpinion, noRel},
		{"claim", nodeUser("n1"), res("get", "", "persistentvolumeclaims", "", "ns1", "data"), Allow, ""},
		{"ephemeral claim", nodeUser("n1"), res("get", "", "persistentvolumeclaims", "", "ns1", "web-scratch"), Allow, ""},
		{"list claims", nodeUser("n1"), res("list", "", "persistentvolumeclaims", "", "ns1", ""), NoOpinion, "can only get individual resources of this type"},
		{"claim status", nodeUser("n1"), res("patch", "", "persistentvolumeclaims", "status", "ns1", "data"), Allow, ""},
		{"bound volume", nodeUser("n1"), res("get", "", "persistentvolumes", "", "", "pv-data"), Allow, ""},
		{"free volume", nodeUser("n1"), res("get", "", "persistentvolumes", "", "", "pv-free"), NoOpinion, noRel},
		{"volume attachment", nodeUser("n1"), res("get", "storage.k8s.io", "volumeattachments", "", "", "va1"), Allow, ""},
		{"another node's attachment", nodeUser("n2"), res("get", "storage.k8s.io", "volumeattachments", "", "", "va1"), NoOpinion,
			"no relationship found between node 'n2' and this object"},
		{"service account token", nodeUser("n1"), res("create", "", "serviceaccounts", "token", "ns1", "web-sa"), Allow, ""},
		{"another service account's token", nodeUser("n1"), res("create", "", "serviceaccounts", "token", "ns1", "default"), NoOpinion, noRel},
		{"read a service account", nodeUser("n1"), res("get", "", "serviceaccounts", "", "ns1", "web-sa"), NoOpinion,
			"can only create tokens for individual service accounts"},
		{"own lease", nodeUser("n1"), res("update", "coordination.k8s.io", "leases", "", "kube-node-lease", "n1"), Allow, ""},
		{"create a lease", nodeUser("n1"), res("create", "coordination.k8s.io", "leases", "", "kube-node-lease", ""), Allow, ""},
		{"another lease", nodeUser("n1"), res("update", "coordination.k8s.io", "leases", "", "kube-node-lease", "n2"), NoOpinion,
			"can only access node lease with the same name as the requesting node"},
		{"a lease elsewhere", nodeUser("n1"), res("get", "coordination.k8s.io", "leases", "", "kube-system", "n1"), NoOpinion,
			`can only access leases in the "kube-node-lease" system namespace`},
		{"own node", nodeUser("n1"), res("get", "", "nodes", "", "", "n1"), Allow, ""},
		{"own node watched by name", nodeUser("n1"), byName(res("watch", "", "nodes", "", "", ""), "n1"), Allow, ""},
		{"another node", nodeUser("n1"), res("get", "", "nodes", "", "", "n2"), NoOpinion, "node 'n1' cannot read 'n2', only its own Node object"},
		{"all nodes", nodeUser("n1"), res("list", "", "nodes", "", "", ""), NoOpinion, "node 'n1' cannot read all nodes, only its own Node object"},
		{"node status", nodeUser("n1"), res("patch", "", "nodes", "status", "", "n1"), Allow, ""},
		{"delete a node", nodeUser("n1"), res("delete", "", "nodes", "", "", "n1"), NoOpinion, ""},
		{"own pod", nodeUser("n1"), res("get", "", "pods", "", "ns1", "web"), Allow, ""},
		{"another pod", nodeUser("n1"), res("get", "", "pods", "", "ns1", "other"), NoOpinion, noRel},
		{"own pods by field selector", nodeUser("n1"), onNode(res("watch", "", "pods", "", "", ""), "n1"), Allow, ""},
		{"another node's pods", nodeUser("n1"), onNode(res("list", "", "pods", "", "", ""), "n2"), NoOpinion,
			"can only list/watch pods with spec.nodeName field selector"},
		{"all pods", nodeUser("n1"), res("list", "", "pods", "", "", ""), NoOpinion, "can only list/watch pods with spec.nodeName field selector"},
		{"pod status", nodeUser("n1"), res("update", "", "pods", "status", "ns1", "web"), Allow, ""},
		{"mirror pod create", nodeUser("n1"), res("create", "", "pods", "", "ns1", ""), Allow, ""},
		{"eviction", nodeUser("n1"), res("create", "", "pods", "eviction", "ns1", "web"), Allow, ""},
		{"exec", nodeUser("n1"), res("create", "", "pods", "exec", "ns1", "web"), NoOpinion, ""},
		{"events (static rules)", nodeUser("n1"), res("create", "", "events", "", "ns1", ""), Allow, ""},
		{"certificate requests (static rules)", nodeUser("n1"), res("create", "certificates.k8s.io", "certificatesigningrequests", "", "", ""), Allow, ""},
		{"services (static rules)", nodeUser("n1"), res("watch", "", "services", "", "", ""), Allow, ""},
		{"deployments", nodeUser("n1"), res("list", "apps", "deployments", "", "", ""), NoOpinion, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			req.User = tt.user
			d, reason, err := a.Authorize(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if d != tt.want || reason != tt.reason {
				t.Errorf("got %v %q, want %v %q", d, reason, tt.want, tt.reason)
			}
		})
	}
}

// The graph follows pods as they are bound, change and go.
func TestNodeGraphChanges(t *testing.T) {
	g := NewNodeGraph()
	a := NewNode(g)
	secretOf := func(node string) Decision {
		req := res("get", "", "secrets", "", "ns1", "vol-secret")
		req.User = nodeUser(node)
		d, _, _ := a.Authorize(context.Background(), req)
		return d
	}
	pod := webPod()
	pod.Spec.NodeName = ""
	g.Set(pod)
	if d := secretOf("n1"); d != NoOpinion {
		t.Fatalf("pending pod: %v", d)
	}
	pod = webPod()
	g.Set(pod)
	if d := secretOf("n1"); d != Allow {
		t.Fatalf("bound pod: %v", d)
	}
	// A second pod on the same node using the same secret keeps it
	// readable when the first goes.
	twin := webPod()
	twin.Name = "web-2"
	g.Set(twin)
	g.Delete(pod)
	if d := secretOf("n1"); d != Allow {
		t.Fatalf("after one of two pods left: %v", d)
	}
	g.Delete(&core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "ns1", Name: "web-2"}})
	if d := secretOf("n1"); d != NoOpinion {
		t.Fatalf("after both pods left: %v", d)
	}
	// An update that drops a volume drops the relationship.
	g.Set(webPod())
	p := webPod()
	p.Spec.Volumes = nil
	g.Set(p)
	if d := secretOf("n1"); d != NoOpinion {
		t.Fatalf("after the volume was dropped: %v", d)
	}
	if len(g.refs[objKey{kindSecret, "ns1", "pull"}]) != 1 {
		t.Errorf("refs of the pull secret = %v", g.refs[objKey{kindSecret, "ns1", "pull"}])
	}
	g.Delete(p)
	if len(g.refs) != 0 || len(g.pods) != 0 {
		t.Errorf("graph not empty after deleting everything: refs %v pods %v", g.refs, g.pods)
	}
}

func TestNodeRulesFor(t *testing.T) {
	a := NewNode(NewNodeGraph())
	_, incomplete, err := a.RulesFor(context.Background(), nodeUser("n1"), "ns1")
	if !incomplete || err == nil || !strings.Contains(err.Error(), "does not support") {
		t.Errorf("node: incomplete %v, err %v", incomplete, err)
	}
	if _, incomplete, err := a.RulesFor(context.Background(), user("bob"), "ns1"); incomplete || err != nil {
		t.Errorf("user: incomplete %v, err %v", incomplete, err)
	}
}
