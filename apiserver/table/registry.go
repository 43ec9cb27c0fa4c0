package table

import (
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/batch"
	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/networking"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/api/storage"
)

// For returns the printer of a built-in kind, or Default() for a kind that
// has none (Role, ClusterRole, LimitRange, CustomResourceDefinition, ...),
// which is what the Kubernetes API server does. The printers are the
// columns of Kubernetes' pkg/printers/internalversion.
func For(gk meta.GroupKind) Printer {
	if p := lookup(gk); p != nil {
		return p
	}
	return defaultPrinter
}

// lookup is the explicit registry: one case per kind.
func lookup(gk meta.GroupKind) Printer {
	switch gk.Group {
	case "":
		switch gk.Kind {
		case "Pod":
			return podPrinter
		case "PodTemplate":
			return podTemplatePrinter
		case "Node":
			return nodePrinter
		case "Namespace":
			return namespacePrinter
		case "Service":
			return servicePrinter
		case "Endpoints":
			return endpointsPrinter
		case "ConfigMap":
			return configMapPrinter
		case "Secret":
			return secretPrinter
		case "ServiceAccount":
			return serviceAccountPrinter
		case "Event":
			return eventPrinter
		case "PersistentVolume":
			return persistentVolumePrinter
		case "PersistentVolumeClaim":
			return persistentVolumeClaimPrinter
		case "ResourceQuota":
			return resourceQuotaPrinter
		}
	case apps.GroupName:
		switch gk.Kind {
		case "Deployment":
			return deploymentPrinter
		case "ReplicaSet":
			return replicaSetPrinter
		case "StatefulSet":
			return statefulSetPrinter
		case "DaemonSet":
			return daemonSetPrinter
		case "ControllerRevision":
			return controllerRevisionPrinter
		}
	case batch.GroupName:
		switch gk.Kind {
		case "Job":
			return jobPrinter
		case "CronJob":
			return cronJobPrinter
		}
	case autoscaling.GroupName:
		switch gk.Kind {
		case "HorizontalPodAutoscaler":
			return hpaPrinter
		case "Scale":
			return scalePrinter
		}
	case discovery.GroupName:
		if gk.Kind == "EndpointSlice" {
			return endpointSlicePrinter
		}
	case networking.GroupName:
		switch gk.Kind {
		case "Ingress":
			return ingressPrinter
		case "IngressClass":
			return ingressClassPrinter
		case "NetworkPolicy":
			return networkPolicyPrinter
		}
	case rbac.GroupName:
		switch gk.Kind {
		case "RoleBinding":
			return roleBindingPrinter
		case "ClusterRoleBinding":
			return clusterRoleBindingPrinter
		}
	case certificates.GroupName:
		if gk.Kind == "CertificateSigningRequest" {
			return csrPrinter
		}
	case coordination.GroupName:
		if gk.Kind == "Lease" {
			return leasePrinter
		}
	case scheduling.GroupName:
		if gk.Kind == "PriorityClass" {
			return priorityClassPrinter
		}
	case storage.GroupName:
		switch gk.Kind {
		case "StorageClass":
			return storageClassPrinter
		case "CSIDriver":
			return csiDriverPrinter
		case "VolumeAttachment":
			return volumeAttachmentPrinter
		}
	case policy.GroupName:
		if gk.Kind == "PodDisruptionBudget" {
			return pdbPrinter
		}
	}
	return nil
}

// Default returns the printer of kinds without their own: NAME and
// CREATED AT (an RFC 3339 timestamp in UTC, column type date), as the
// Kubernetes API server's default table convertor.
func Default() Printer { return defaultPrinter }

var defaultPrinter Printer = funcPrinter{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		{Name: "Created At", Type: "date", Description: descCreated},
	},
	row: func(obj meta.Object, _ time.Time) []any {
		m := obj.GetObjectMeta()
		return []any{m.Name, m.CreationTimestamp.UTC().Format(time.RFC3339)}
	},
}

// funcPrinter is a Printer made of a column list and a row function.
type funcPrinter struct {
	cols []meta.TableColumnDefinition
	row  func(obj meta.Object, now time.Time) []any
}

func (p funcPrinter) Columns() []meta.TableColumnDefinition    { return p.cols }
func (p funcPrinter) Row(obj meta.Object, now time.Time) []any { return p.row(obj, now) }

// typed is the Printer of the kinds whose Go type is T. Given an object of
// another type (a caller bug, or a kind decoded generically), it prints the
// name and leaves the other cells empty rather than fail the whole list.
type typed[T any] struct {
	cols []meta.TableColumnDefinition
	row  func(obj *T, now time.Time) []any
	cond func(obj *T) []meta.TableRowCondition
}

func (p *typed[T]) Columns() []meta.TableColumnDefinition { return p.cols }

func (p *typed[T]) Row(obj meta.Object, now time.Time) []any {
	if o, ok := any(obj).(*T); ok {
		return p.row(o, now)
	}
	cells := make([]any, len(p.cols))
	for i, c := range p.cols {
		if c.Format == "name" || c.Name == "Name" {
			cells[i] = obj.GetObjectMeta().Name
			break
		}
	}
	return cells
}

func (p *typed[T]) RowConditions(obj meta.Object) []meta.TableRowCondition {
	if o, ok := any(obj).(*T); ok && p.cond != nil {
		return p.cond(o)
	}
	return nil
}

// Column descriptions shared by many kinds.
const (
	descName       = "Name of the object, unique within its namespace (or the cluster for cluster-scoped kinds)."
	descCreated    = "Time the object was created, in RFC 3339 form, UTC."
	descAge        = "Time since the object was created."
	descContainers = "Names of each container in the template."
	descImages     = "Images referenced by each container in the template."
	descSelector   = "Label selector of the pods the object manages."
)

var (
	nameColumn = meta.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: descName}
	ageColumn  = meta.TableColumnDefinition{Name: "Age", Type: "string", Description: descAge}
)

// col is a column shown by default.
func col(name, typ, desc string) meta.TableColumnDefinition {
	return meta.TableColumnDefinition{Name: name, Type: typ, Description: desc}
}

// wide is a column shown only with -o wide.
func wide(name, typ, desc string) meta.TableColumnDefinition {
	return meta.TableColumnDefinition{Name: name, Type: typ, Description: desc, Priority: 1}
}
