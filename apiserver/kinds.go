package apiserver

import (
	"context"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/batch"
	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/meta"
)

// builtinStrategy returns the Strategy of a built-in kind: TypedStrategy,
// with the kind's selectable fields and, for a few kinds, the server-side
// behaviour Kubernetes gives them.
func (s *Server) builtinStrategy(res *api.Resource) Strategy {
	ts := TypedStrategy{HasStatus: res.HasSubresource("status")}
	if f, ok := selectableFields[res.GroupResource()]; ok {
		ts.FieldNames, ts.FieldFunc = f.names, f.fn
	}
	switch res.GroupResource() {
	case meta.GroupResource{Group: apps.GroupName, Resource: "deployments"}:
		ts.StatusKeepsLabels = true
	case meta.GroupResource{Resource: "pods"}:
		ts.StatusKeepsOwnerReferences = true
		return &podStrategy{ts}
	case meta.GroupResource{Resource: "namespaces"}:
		return &namespaceStrategy{ts}
	case meta.GroupResource{Resource: "services"}:
		return &serviceStrategy{TypedStrategy: ts, alloc: s.services}
	case meta.GroupResource{Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"}:
		return &crdStrategy{ts}
	case meta.GroupResource{Resource: "secrets"}:
		return &secretStrategy{ts}
	case meta.GroupResource{Resource: "nodes"}:
		return &nodeStrategy{ts}
	case meta.GroupResource{Group: certificates.GroupName, Resource: "certificatesigningrequests"}:
		return &csrStrategy{ts}
	}
	return &ts
}

type fieldSet struct {
	names []string
	fn    func(meta.Object) fields.Set
}

// selectableFields are the fields Kubernetes lets field selectors use, per
// resource, beyond metadata.name and metadata.namespace.
var selectableFields = map[meta.GroupResource]fieldSet{
	{Resource: "pods"}: {
		names: []string{"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
			"spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"},
		fn: func(o meta.Object) fields.Set {
			p := o.(*core.Pod)
			ips := make([]string, len(p.Status.PodIPs))
			for i, ip := range p.Status.PodIPs {
				ips[i] = ip.IP
			}
			return fields.Set{
				"spec.nodeName":            p.Spec.NodeName,
				"spec.restartPolicy":       string(p.Spec.RestartPolicy),
				"spec.schedulerName":       p.Spec.SchedulerName,
				"spec.serviceAccountName":  p.Spec.ServiceAccountName,
				"spec.hostNetwork":         strconv.FormatBool(p.Spec.HostNetwork),
				"status.phase":             string(p.Status.Phase),
				"status.podIP":             p.Status.PodIP,
				"status.podIPs":            strings.Join(ips, ","),
				"status.nominatedNodeName": p.Status.NominatedNodeName,
			}
		},
	},
	{Resource: "nodes"}: {
		names: []string{"spec.unschedulable"},
		fn: func(o meta.Object) fields.Set {
			return fields.Set{"spec.unschedulable": strconv.FormatBool(o.(*core.Node).Spec.Unschedulable)}
		},
	},
	{Resource: "namespaces"}: {
		names: []string{"status.phase"},
		fn: func(o meta.Object) fields.Set {
			return fields.Set{"status.phase": string(o.(*core.Namespace).Status.Phase)}
		},
	},
	{Resource: "secrets"}: {
		names: []string{"type"},
		fn:    func(o meta.Object) fields.Set { return fields.Set{"type": string(o.(*core.Secret).Type)} },
	},
	{Resource: "services"}: {
		names: []string{"spec.clusterIP", "spec.type"},
		fn: func(o meta.Object) fields.Set {
			s := o.(*core.Service)
			return fields.Set{"spec.clusterIP": s.Spec.ClusterIP, "spec.type": string(s.Spec.Type)}
		},
	},
	{Resource: "events"}: {
		names: []string{"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
			"involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
			"reason", "reportingComponent", "source", "type"},
		fn: func(o meta.Object) fields.Set {
			e := o.(*core.Event)
			source := e.Source.Component
			if source == "" {
				source = e.ReportingController
			}
			return fields.Set{
				"involvedObject.kind":            e.InvolvedObject.Kind,
				"involvedObject.namespace":       e.InvolvedObject.Namespace,
				"involvedObject.name":            e.InvolvedObject.Name,
				"involvedObject.uid":             string(e.InvolvedObject.UID),
				"involvedObject.apiVersion":      e.InvolvedObject.APIVersion,
				"involvedObject.resourceVersion": e.InvolvedObject.ResourceVersion,
				"involvedObject.fieldPath":       e.InvolvedObject.FieldPath,
				"reason":                         e.Reason,
				"reportingComponent":             e.ReportingController,
				"source":                         source,
				"type":                           e.Type,
			}
		},
	},
	{Group: "apps", Resource: "replicasets"}: {
		names: []string{"status.replicas"},
		fn: func(o meta.Object) fields.Set {
			return fields.Set{"status.replicas": strconv.Itoa(int(o.(*apps.ReplicaSet).Status.Replicas))}
		},
	},
	{Group: certificates.GroupName, Resource: "certificatesigningrequests"}: {
		names: []string{"spec.signerName"},
		fn: func(o meta.Object) fields.Set {
			return fields.Set{"spec.signerName": o.(*certificates.CertificateSigningRequest).Spec.SignerName}
		},
	},
	{Group: "batch", Resource: "jobs"}: {
		names: []string{"status.successful"},
		fn: func(o meta.Object) fields.Set {
			return fields.Set{"status.successful": strconv.Itoa(int(o.(*batch.Job).Status.Succeeded))}
		},
	},
}

// podStrategy adds what Kubernetes does for pods: a new pod starts Pending
// with its QoS class, and a scheduled pod is deleted gracefully (the
// kubelet stops its containers and then deletes it for good).
type podStrategy struct{ TypedStrategy }

func (s *podStrategy) PrepareForCreate(ctx context.Context, obj meta.Object) {
	s.TypedStrategy.PrepareForCreate(ctx, obj)
	p := obj.(*core.Pod)
	p.Status = core.PodStatus{Phase: core.PodPending}
}

func (s *podStrategy) Validate(ctx context.Context, obj meta.Object) meta.FieldErrors {
	// The QoS class depends on defaulted resources: set it after defaulting.
	p := obj.(*core.Pod)
	p.Status.QOSClass = core.ComputePodQOS(p)
	return s.TypedStrategy.Validate(ctx, obj)
}

// GracePeriod implements gracefulDeleter.
func (s *podStrategy) GracePeriod(obj meta.Object, requested *int64) int64 {
	p := obj.(*core.Pod)
	// Pods that never ran on a node, or that finished, go at once.
	if p.Spec.NodeName == "" || core.IsPodTerminal(p) {
		return 0
	}
	if requested != nil {
		return *requested
	}
	if p.DeletionGracePeriodSeconds != nil {
		return *p.DeletionGracePeriodSeconds
	}
	if p.Spec.TerminationGracePeriodSeconds != nil {
		return *p.Spec.TerminationGracePeriodSeconds
	}
	return 30
}

// namespaceStrategy: a new namespace gets the "kubernetes" finalizer and
// phase Active; deleting one marks it Terminating until the namespace
// controller has emptied it and removed its spec finalizers.
type namespaceStrategy struct{ TypedStrategy }

func (s *namespaceStrategy) PrepareForCreate(ctx context.Context, obj meta.Object) {
	s.TypedStrategy.PrepareForCreate(ctx, obj)
	ns := obj.(*core.Namespace)
	ns.PrepareForCreate()
}

func (s *namespaceStrategy) PrepareForUpdate(ctx context.Context, obj, old meta.Object) {
	s.TypedStrategy.PrepareForUpdate(ctx, obj, old)
	// spec.finalizers change only through the finalize subresource.
	obj.(*core.Namespace).Spec.Finalizers = old.(*core.Namespace).Spec.Finalizers
}

// holdsDeletion implements deletionHolder: spec.finalizers hold a
// namespace like metadata.finalizers hold any object.
func (s *namespaceStrategy) holdsDeletion(obj meta.Object) bool {
	return len(obj.(*core.Namespace).Spec.Finalizers) > 0
}

// beginDeletion implements deletionHolder.
func (s *namespaceStrategy) beginDeletion(obj meta.Object) {
	obj.(*core.Namespace).Status.Phase = core.NamespaceTerminating
}

// deletionHolder is implemented by strategies of kinds with their own
// finalizer field (namespaces' spec.finalizers).
type deletionHolder interface {
	holdsDeletion(obj meta.Object) bool
	beginDeletion(obj meta.Object)
}

// secretStrategy merges the write-only stringData into data, as Kubernetes
// does before storing a Secret.
type secretStrategy struct{ TypedStrategy }

func mergeStringData(obj meta.Object) {
	sec := obj.(*core.Secret)
	if len(sec.StringData) == 0 {
		return
	}
	if sec.Data == nil {
		sec.Data = map[string][]byte{}
	}
	for k, v := range sec.StringData {
		sec.Data[k] = []byte(v)
	}
	sec.StringData = nil
}

func (s *secretStrategy) PrepareForCreate(ctx context.Context, obj meta.Object) {
	s.TypedStrategy.PrepareForCreate(ctx, obj)
	mergeStringData(obj)
}

func (s *secretStrategy) PrepareForUpdate(ctx context.Context, obj, old meta.Object) {
	s.TypedStrategy.PrepareForUpdate(ctx, obj, old)
	mergeStringData(obj)
}

// nodeStrategy keeps the status a node agent registers its node with:
// unlike most kinds, a Node is created with its capacity and conditions.
type nodeStrategy struct{ TypedStrategy }

func (s *nodeStrategy) PrepareForCreate(ctx context.Context, obj meta.Object) {
	n := obj.(*core.Node)
	status := n.Status
	s.TypedStrategy.PrepareForCreate(ctx, obj)
	n.Status = status
}
