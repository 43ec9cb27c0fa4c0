package authz

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/apiserver/admission"
)

// MirrorPodAnnotation marks the API copy of a kubelet's static pod, the
// only kind of pod a node may create.
const MirrorPodAnnotation = "kubernetes.io/config.mirror"

// NodeRestriction is the admission plugin that limits what kubelets write
// to what concerns their own node, as Kubernetes' NodeRestriction: the
// node authorizer lets a node create and update nodes and pods in
// general, because only the object says which node it is for. A node may
//
//   - create, update and delete only its own Node, without changing its
//     taints or labels in the kubernetes.io and k8s.io namespaces other than
//     the kubelet's own (kubernetes.io/hostname, topology.kubernetes.io/zone,
//     node.kubernetes.io/*, ...), nor any node-restriction.kubernetes.io/
//     label: labels that steer workloads are the administrator's;
//   - create only mirror pods bound to itself and owned by its Node, that
//     use no service account, secret, config map or claim; delete only pods
//     bound to itself, update only their status (not their labels), evict
//     only them;
//   - write only its own Lease in kube-node-lease and its own CSINode;
//   - update only the capacity and conditions in the status of claims;
//   - request tokens only for pods bound to itself.
//
// Other users pass untouched. Graph answers which node a pod is bound to
// (for evictions and tokens) and the UID of Node objects.
type NodeRestriction struct {
	Graph *NodeGraph
}

var (
	_ admission.Plugin    = (*NodeRestriction)(nil)
	_ admission.Validator = (*NodeRestriction)(nil)
)

// Name implements admission.Plugin.
func (*NodeRestriction) Name() string { return admission.NodeRestrictionName }

// Validate implements admission.Validator.
func (p *NodeRestriction) Validate(_ context.Context, a *admission.Attributes) error {
	node, isNode := NodeIdentity(a.User)
	if !isNode {
		return nil
	}
	if node == "" {
		return forbid(a, "could not determine node from user %q", a.User.Name)
	}
	switch a.Group + "/" + a.Resource {
	case "/pods":
		switch a.Subresource {
		case "":
			return p.pod(node, a)
		case "status":
			return podStatus(node, a)
		case "eviction":
			return p.eviction(node, a)
		}
		return forbid(a, "unexpected pod subresource %q, only 'status' and 'eviction' are allowed", a.Subresource)
	case "/nodes":
		return p.node(node, a)
	case "/persistentvolumeclaims":
		if a.Subresource != "status" {
			return forbid(a, "may only update PVC status")
		}
		return pvcStatus(node, a)
	case "/serviceaccounts":
		return p.token(node, a)
	case "coordination.k8s.io/leases":
		return lease(node, a)
	case "storage.k8s.io/csinodes":
		if objectName(a) != node {
			return forbid(a, "can only access CSINode with the same name as the requesting node")
		}
	}
	return nil
}

func forbid(a *admission.Attributes, format string, args ...any) error {
	name := a.Name
	if name == "" {
		name = "Unknown"
	}
	return meta.NewForbidden(a.GroupResource(), name, fmt.Sprintf(format, args...))
}

// objectName is the name a write is about: on create, the object's own.
func objectName(a *admission.Attributes) string {
	if a.Operation == admission.Create && a.Object != nil {
		return a.Object.GetObjectMeta().Name
	}
	return a.Name
}

func (p *NodeRestriction) pod(node string, a *admission.Attributes) error {
	switch a.Operation {
	case admission.Create:
		return p.mirrorPod(node, a)
	case admission.Delete:
		old, ok := a.OldObject.(*core.Pod)
		if !ok {
			return forbid(a, "unexpected type %T", a.OldObject)
		}
		if old.Spec.NodeName != node {
			return forbid(a, "node %q can only delete pods with spec.nodeName set to itself", node)
		}
		return nil
	}
	return forbid(a, "unexpected operation %q, node %q can only create and delete mirror pods", a.Operation, node)
}

func (p *NodeRestriction) mirrorPod(node string, a *admission.Attributes) error {
	pod, ok := a.Object.(*core.Pod)
	if !ok {
		return forbid(a, "unexpected type %T", a.Object)
	}
	if _, ok := pod.Annotations[MirrorPodAnnotation]; !ok {
		return forbid(a, "pod does not have %q annotation, node %q can only create mirror pods", MirrorPodAnnotation, node)
	}
	if pod.Spec.NodeName != node {
		return forbid(a, "node %q can only create pods with spec.nodeName set to itself", node)
	}
	switch refs := pod.OwnerReferences; {
	case len(refs) > 1:
		return forbid(a, "node %q can only create pods with a single owner reference set to itself", node)
	case len(refs) == 0:
		return forbid(a, "node %q can only create pods with an owner reference set to itself", node)
	default:
		o := refs[0]
		if o.APIVersion != "v1" || o.Kind != "Node" || o.Name != node {
			return forbid(a, "node %q can only create pods with an owner reference set to itself", node)
		}
		if o.Controller == nil || !*o.Controller {
			return forbid(a, "node %q can only create pods with a controller owner reference set to itself", node)
		}
		if o.BlockOwnerDeletion != nil && *o.BlockOwnerDeletion {
			return forbid(a, "node %q must not set blockOwnerDeletion on an owner reference", node)
		}
		if p.Graph != nil {
			uid, known := p.Graph.NodeUID(node)
			if !known {
				return meta.NewNotFound(meta.GroupResource{Resource: "nodes"}, node)
			}
			if o.UID != uid {
				return forbid(a, "node %s UID mismatch: expected %s got %s", node, o.UID, uid)
			}
		}
	}
	if pod.Spec.ServiceAccountName != "" {
		return forbid(a, "node %q can not create pods that reference a service account", node)
	}
	refs := podRefs(pod)
	if slices.ContainsFunc(refs, func(k objKey) bool { return k.kind == kindSecret }) {
		return forbid(a, "node %q can not create pods that reference secrets", node)
	}
	if slices.ContainsFunc(refs, func(k objKey) bool { return k.kind == kindConfigMap }) {
		return forbid(a, "node %q can not create pods that reference configmaps", node)
	}
	for _, v := range pod.Spec.Volumes {
		if v.Projected != nil && slices.ContainsFunc(v.Projected.Sources, func(s core.VolumeProjection) bool { return s.ClusterTrustBundle != nil }) {
			return forbid(a, "node %q can not create pods that reference clustertrustbundles", node)
		}
	}
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			return forbid(a, "node %q can not create pods that reference persistentvolumeclaims", node)
		}
	}
	return nil
}

func podStatus(node string, a *admission.Attributes) error {
	if a.Operation != admission.Update {
		return forbid(a, "unexpected operation %q", a.Operation)
	}
	old, ok := a.OldObject.(*core.Pod)
	if !ok {
		return forbid(a, "unexpected type %T", a.OldObject)
	}
	if old.Spec.NodeName != node {
		return forbid(a, "node %q can only update pod status for pods with spec.nodeName set to itself", node)
	}
	pod, ok := a.Object.(*core.Pod)
	if !ok {
		return forbid(a, "unexpected type %T", a.Object)
	}
	if !mapsEqual(old.Labels, pod.Labels) {
		return forbid(a, "node %q cannot update labels through pod status", node)
	}
	if !slices.EqualFunc(old.Status.ResourceClaimStatuses, pod.Status.ResourceClaimStatuses, func(x, y core.PodResourceClaimStatus) bool {
		return x.Name == y.Name && (x.ResourceClaimName == nil) == (y.ResourceClaimName == nil) &&
			(x.ResourceClaimName == nil || *x.ResourceClaimName == *y.ResourceClaimName)
	}) {
		return forbid(a, "node %q cannot update resource claim statues", node)
	}
	return nil
}

func (p *NodeRestriction) eviction(node string, a *admission.Attributes) error {
	if a.Operation != admission.Create {
		return forbid(a, "unexpected operation %s", a.Operation)
	}
	name := a.Name
	if ev, ok := a.Object.(*policy.Eviction); ok && name == "" {
		name = ev.Name
	}
	if name == "" {
		return forbid(a, "could not determine pod from request data")
	}
	podNode, _, ok := p.podNode(a.Namespace, name)
	if !ok {
		return meta.NewNotFound(meta.GroupResource{Resource: "pods"}, name)
	}
	if podNode != node {
		return forbid(a, "node %s can only evict pods with spec.nodeName set to itself", node)
	}
	return nil
}

func (p *NodeRestriction) podNode(namespace, name string) (string, meta.UID, bool) {
	if p.Graph == nil {
		return "", "", false
	}
	return p.Graph.PodNode(namespace, name)
}

// Labels a kubelet sets on its own Node (k8s.io/kubelet's well-known
// labels); others in the kubernetes.io and k8s.io namespaces are the
// administrator's.
var kubeletLabels = []string{
	"kubernetes.io/hostname",
	"topology.kubernetes.io/zone",
	"topology.kubernetes.io/region",
	"failure-domain.beta.kubernetes.io/zone",
	"failure-domain.beta.kubernetes.io/region",
	"beta.kubernetes.io/instance-type",
	"node.kubernetes.io/instance-type",
	"kubernetes.io/os",
	"kubernetes.io/arch",
	"beta.kubernetes.io/os",
	"beta.kubernetes.io/arch",
}

var kubeletLabelNamespaces = []string{"kubelet.kubernetes.io", "node.kubernetes.io"}

func labelNamespace(key string) string {
	ns, _, ok := strings.Cut(key, "/")
	if !ok {
		return ""
	}
	return ns
}

func inNamespace(ns, domain string) bool { return ns == domain || strings.HasSuffix(ns, "."+domain) }

// forbiddenLabels are the keys among modified a node may not set, change
// or remove on itself.
func forbiddenLabels(modified []string) []string {
	var out []string
	for _, k := range modified {
		ns := labelNamespace(k)
		kubernetes := inNamespace(ns, "kubernetes.io") || inNamespace(ns, "k8s.io")
		kubelet := slices.Contains(kubeletLabels, k) ||
			slices.ContainsFunc(kubeletLabelNamespaces, func(d string) bool { return inNamespace(ns, d) })
		if inNamespace(ns, "node-restriction.kubernetes.io") || kubernetes && !kubelet {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// modifiedLabels lists the keys whose presence or value differ.
func modifiedLabels(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

func (p *NodeRestriction) node(node string, a *admission.Attributes) error {
	if name := objectName(a); name != node {
		return forbid(a, "node %q is not allowed to modify node %q", node, name)
	}
	switch a.Operation {
	case admission.Create:
		n, ok := a.Object.(*core.Node)
		if !ok {
			return forbid(a, "unexpected type %T", a.Object)
		}
		if n.Spec.ConfigSource != nil {
			return forbid(a, "node %q is not allowed to create pods with a non-nil configSource", node)
		}
		if bad := forbiddenLabels(modifiedLabels(n.Labels, nil)); len(bad) > 0 {
			return forbid(a, "node %q is not allowed to set the following labels: %s", node, strings.Join(bad, ", "))
		}
	case admission.Update:
		n, ok := a.Object.(*core.Node)
		old, ok2 := a.OldObject.(*core.Node)
		if !ok || !ok2 {
			return forbid(a, "unexpected type %T", a.Object)
		}
		if n.Spec.ConfigSource != nil && !reflect.DeepEqual(n.Spec.ConfigSource, old.Spec.ConfigSource) {
			return forbid(a, "node %q is not allowed to update configSource to a new non-nil configSource", node)
		}
		if !taintsEqual(n.Spec.Taints, old.Spec.Taints) {
			return forbid(a, "node %q is not allowed to modify taints", node)
		}
		if bad := forbiddenLabels(modifiedLabels(n.Labels, old.Labels)); len(bad) > 0 {
			return forbid(a, "is not allowed to modify labels: %s", strings.Join(bad, ", "))
		}
	}
	return nil
}

func taintsEqual(a, b []core.Taint) bool {
	return slices.EqualFunc(a, b, func(x, y core.Taint) bool {
		return x.Key == y.Key && x.Value == y.Value && x.Effect == y.Effect &&
			(x.TimeAdded == nil) == (y.TimeAdded == nil) && (x.TimeAdded == nil || x.TimeAdded.Time.Equal(y.TimeAdded.Time))
	})
}

// pvcStatus lets a node change only the capacity, conditions and resize
// status of a claim it uses (the node authorizer checked the use).
func pvcStatus(node string, a *admission.Attributes) error {
	if a.Operation != admission.Update {
		return forbid(a, "unexpected operation %q", a.Operation)
	}
	n, ok := a.Object.(*core.PersistentVolumeClaim)
	old, ok2 := a.OldObject.(*core.PersistentVolumeClaim)
	if !ok || !ok2 {
		return forbid(a, "unexpected type %T", a.Object)
	}
	strip := func(c *core.PersistentVolumeClaim) *core.PersistentVolumeClaim {
		c = meta.DeepCopy(c)
		c.ResourceVersion = ""
		c.ManagedFields = nil
		c.Status.Capacity = nil
		c.Status.Conditions = nil
		c.Status.AllocatedResources = nil
		c.Status.AllocatedResourceStatuses = nil
		return c
	}
	if x, y := strip(old), strip(n); !semanticEqual(x, y) {
		return forbid(a, "node %q is not allowed to update fields other than status.capacity and status.conditions", node)
	}
	return nil
}

// semanticEqual compares objects by their JSON, so that nil and empty
// collections (which encode alike) are equal, as in Kubernetes' semantic
// equality.
func semanticEqual(x, y any) bool {
	bx, err1 := json.Marshal(x)
	by, err2 := json.Marshal(y)
	return err1 == nil && err2 == nil && string(bx) == string(by)
}

func lease(node string, a *admission.Attributes) error {
	if a.Namespace != nodeLeaseNamespace {
		return forbid(a, "can only access leases in the %q system namespace", nodeLeaseNamespace)
	}
	if a.Operation == admission.Create {
		if _, ok := a.Object.(*coordination.Lease); !ok {
			return forbid(a, "unexpected type %T", a.Object)
		}
	}
	if objectName(a) != node {
		return forbid(a, "can only access node lease with the same name as the requesting node")
	}
	return nil
}

// token lets a node request a service account token only bound to a pod
// running on it. The TokenRequest is read through its JSON form
// (spec.boundObjectRef), whatever Go type carries it.
func (p *NodeRestriction) token(node string, a *admission.Attributes) error {
	if a.Operation != admission.Create || a.Subresource != "token" {
		return nil
	}
	var tr struct {
		Spec struct {
			BoundObjectRef *struct {
				APIVersion string   `json:"apiVersion"`
				Kind       string   `json:"kind"`
				Name       string   `json:"name"`
				UID        meta.UID `json:"uid"`
			} `json:"boundObjectRef"`
		} `json:"spec"`
	}
	b, err := json.Marshal(a.Object)
	if err == nil {
		err = json.Unmarshal(b, &tr)
	}
	if err != nil {
		return forbid(a, "unexpected type %T", a.Object)
	}
	ref := tr.Spec.BoundObjectRef
	if ref == nil || ref.APIVersion != "v1" || ref.Kind != "Pod" || ref.Name == "" {
		return forbid(a, "node requested token not bound to a pod")
	}
	if ref.UID == "" {
		return forbid(a, "node requested token with a pod binding without a uid")
	}
	podNode, uid, ok := p.podNode(a.Namespace, ref.Name)
	if !ok {
		return meta.NewNotFound(meta.GroupResource{Resource: "pods"}, ref.Name)
	}
	if ref.UID != uid {
		return forbid(a, "the UID in the bound object reference (%s) does not match the UID in record. The object might have been deleted and then recreated", ref.UID)
	}
	if podNode != node {
		return forbid(a, "node requested token bound to a pod scheduled on a different node")
	}
	return nil
}
