package table

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/networking"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/api/storage"
)

// Printers of the networking, discovery, rbac, certificates, coordination, scheduling,
// storage and policy kinds.

var ingressPrinter = &typed[networking.Ingress]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Class", "string", "The IngressClass of the ingress."),
		col("Hosts", "string", "The hosts the rules match, or * for all."),
		col("Address", "string", "The load balancer ingress points."),
		col("Ports", "string", "80, and 443 when TLS is configured."),
		ageColumn,
	},
	row: func(in *networking.Ingress, now time.Time) []any {
		ports := "80"
		if len(in.Spec.TLS) > 0 {
			ports = "80, 443"
		}
		var addrs []string
		for _, lb := range in.Status.LoadBalancer.Ingress {
			if lb.IP != "" {
				addrs = append(addrs, lb.IP)
			} else if lb.Hostname != "" {
				addrs = append(addrs, lb.Hostname)
			}
		}
		slices.Sort(addrs)
		addrs = slices.Compact(addrs)
		return []any{
			in.Name, ptrOr(in.Spec.IngressClassName, "<none>"), ingressHosts(in.Spec.Rules),
			strings.Join(addrs, ","), ports, age(in.CreationTimestamp.Time, now),
		}
	},
}

// ingressHosts lists the hosts of the first three rules that name one, and
// how many rules follow: "a.example,b.example + 2 more...".
func ingressHosts(rules []networking.IngressRule) string {
	const max = 3
	var list []string
	more := false
	for _, r := range rules {
		if len(list) == max {
			more = true
		}
		if !more && r.Host != "" {
			list = append(list, r.Host)
		}
	}
	if len(list) == 0 {
		return "*"
	}
	s := strings.Join(list, ",")
	if more {
		s += " + " + strconv.Itoa(len(rules)-max) + " more..."
	}
	return s
}

var ingressClassPrinter = &typed[networking.IngressClass]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Controller", "string", "The controller that implements the class."),
		col("Parameters", "string", "The resource holding the class's parameters, as kind.group/name."),
		ageColumn,
	},
	row: func(c *networking.IngressClass, now time.Time) []any {
		params := "<none>"
		if p := c.Spec.Parameters; p != nil {
			params = p.Kind
			if p.APIGroup != nil {
				params += "." + *p.APIGroup
			}
			params += "/" + p.Name
		}
		return []any{c.Name, c.Spec.Controller, params, age(c.CreationTimestamp.Time, now)}
	},
}

var networkPolicyPrinter = &typed[networking.NetworkPolicy]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Pod-Selector", "string", "The pods the policy applies to."),
		ageColumn,
	},
	row: func(np *networking.NetworkPolicy, now time.Time) []any {
		return []any{np.Name, formatLabelSelector(&np.Spec.PodSelector), age(np.CreationTimestamp.Time, now)}
	},
}

var endpointSlicePrinter = &typed[discovery.EndpointSlice]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("AddressType", "string", "IPv4, IPv6 or FQDN."),
		col("Ports", "string", "The first ports of the slice."),
		col("Endpoints", "string", "The first addresses of the slice."),
		ageColumn,
	},
	row: func(s *discovery.EndpointSlice, now time.Time) []any {
		const max = 3
		var ports []string
		for _, p := range s.Ports {
			if len(ports) == max {
				break
			}
			n := "*"
			if p.Port != nil {
				n = strconv.Itoa(int(*p.Port))
			} else if p.Name != nil {
				n = *p.Name
			}
			ports = append(ports, n)
		}
		var addrs []string
		count := 0
		for _, e := range s.Endpoints {
			for _, a := range e.Addresses {
				if len(addrs) < max {
					addrs = append(addrs, a)
				}
				count++
			}
		}
		return []any{
			s.Name, string(s.AddressType),
			listWithMore(ports, len(s.Ports) > max, len(s.Ports), max),
			listWithMore(addrs, count > max, count, max),
			age(s.CreationTimestamp.Time, now),
		}
	},
}

// bindingColumns are the columns of RoleBindings and ClusterRoleBindings.
var bindingColumns = []meta.TableColumnDefinition{
	nameColumn,
	col("Role", "string", "The role granted, as kind/name."),
	ageColumn,
	wide("Users", "string", "Users bound to the role."),
	wide("Groups", "string", "Groups bound to the role."),
	wide("ServiceAccounts", "string", "Service accounts bound to the role, as namespace/name."),
}

func bindingRow(m *meta.ObjectMeta, ref rbac.RoleRef, subjects []rbac.Subject, now time.Time) []any {
	var users, groups, sas []string
	for _, s := range subjects {
		switch s.Kind {
		case rbac.UserKind:
			users = append(users, s.Name)
		case rbac.GroupKind:
			groups = append(groups, s.Name)
		case rbac.ServiceAccountKind:
			sas = append(sas, s.Namespace+"/"+s.Name)
		}
	}
	return []any{
		m.Name, ref.Kind + "/" + ref.Name, age(m.CreationTimestamp.Time, now),
		strings.Join(users, ", "), strings.Join(groups, ", "), strings.Join(sas, ", "),
	}
}

var roleBindingPrinter = &typed[rbac.RoleBinding]{
	cols: bindingColumns,
	row: func(b *rbac.RoleBinding, now time.Time) []any {
		return bindingRow(&b.ObjectMeta, b.RoleRef, b.Subjects, now)
	},
}

var clusterRoleBindingPrinter = &typed[rbac.ClusterRoleBinding]{
	cols: bindingColumns,
	row: func(b *rbac.ClusterRoleBinding, now time.Time) []any {
		return bindingRow(&b.ObjectMeta, b.RoleRef, b.Subjects, now)
	},
}

var leasePrinter = &typed[coordination.Lease]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Holder", "string", "The identity holding the lease."),
		ageColumn,
	},
	row: func(l *coordination.Lease, now time.Time) []any {
		return []any{l.Name, ptrOr(l.Spec.HolderIdentity, ""), age(l.CreationTimestamp.Time, now)}
	},
}

var priorityClassPrinter = &typed[scheduling.PriorityClass]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Value", "integer", "The priority of pods of the class."),
		{Name: "Global-Default", Type: "boolean", Description: "Whether pods without a class get this one."},
		ageColumn,
		// Shown without -o wide, as in Kubernetes.
		col("PreemptionPolicy", "string", "Whether pods of the class may preempt lower-priority pods."),
	},
	row: func(pc *scheduling.PriorityClass, now time.Time) []any {
		var policy string
		if pc.PreemptionPolicy != nil {
			policy = string(*pc.PreemptionPolicy)
		}
		return []any{pc.Name, int64(pc.Value), pc.GlobalDefault, age(pc.CreationTimestamp.Time, now), policy}
	},
}

// Annotations marking the default storage class.
const (
	annotationDefaultStorageClass     = storage.AnnotationIsDefaultStorageClass
	annotationBetaDefaultStorageClass = "storageclass.beta.kubernetes.io/is-default-class"
)

var storageClassPrinter = &typed[storage.StorageClass]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Provisioner", "string", "The volume plugin or CSI driver that provisions volumes."),
		col("ReclaimPolicy", "string", "What happens to provisioned volumes when released."),
		col("VolumeBindingMode", "string", "When volumes are bound: Immediate or WaitForFirstConsumer."),
		col("AllowVolumeExpansion", "string", "Whether claims of the class can grow."),
		ageColumn,
	},
	row: func(sc *storage.StorageClass, now time.Time) []any {
		name := sc.Name
		if sc.Annotations[annotationDefaultStorageClass] == "true" || sc.Annotations[annotationBetaDefaultStorageClass] == "true" {
			name += " (default)"
		}
		return []any{
			name, sc.Provisioner,
			string(ptrOr(sc.ReclaimPolicy, core.PersistentVolumeReclaimDelete)),
			string(ptrOr(sc.VolumeBindingMode, storage.VolumeBindingImmediate)),
			ptrOr(sc.AllowVolumeExpansion, false), age(sc.CreationTimestamp.Time, now),
		}
	},
}

var csiDriverPrinter = &typed[storage.CSIDriver]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		{Name: "AttachRequired", Type: "boolean", Description: "Whether volumes must be attached before mounting."},
		{Name: "PodInfoOnMount", Type: "boolean", Description: "Whether the driver gets pod information on mount."},
		{Name: "StorageCapacity", Type: "boolean", Description: "Whether the scheduler considers the driver's storage capacity."},
		col("TokenRequests", "string", "Audiences of the service account tokens passed to the driver."),
		{Name: "RequiresRepublish", Type: "boolean", Description: "Whether volumes are republished periodically."},
		col("Modes", "string", "The volume lifecycle modes the driver supports."),
		ageColumn,
	},
	row: func(d *storage.CSIDriver, now time.Time) []any {
		var modes []string
		for _, m := range d.Spec.VolumeLifecycleModes {
			modes = append(modes, string(m))
		}
		tokens := "<unset>"
		if d.Spec.TokenRequests != nil {
			var auds []string
			for _, t := range d.Spec.TokenRequests {
				auds = append(auds, t.Audience)
			}
			tokens = strings.Join(auds, ",")
		}
		return []any{
			d.Name, ptrOr(d.Spec.AttachRequired, true), ptrOr(d.Spec.PodInfoOnMount, false),
			ptrOr(d.Spec.StorageCapacity, false), tokens, ptrOr(d.Spec.RequiresRepublish, false),
			orNone(strings.Join(modes, ",")), age(d.CreationTimestamp.Time, now),
		}
	},
}

var volumeAttachmentPrinter = &typed[storage.VolumeAttachment]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		// Kubernetes marks this column with the name format too.
		{Name: "Attacher", Type: "string", Format: "name", Description: "The driver that attaches the volume."},
		col("PV", "string", "The persistent volume attached."),
		col("Node", "string", "The node the volume is attached to."),
		{Name: "Attached", Type: "boolean", Description: "Whether the volume is attached."},
		ageColumn,
	},
	row: func(va *storage.VolumeAttachment, now time.Time) []any {
		return []any{
			va.Name, va.Spec.Attacher, ptrOr(va.Spec.Source.PersistentVolumeName, ""),
			va.Spec.NodeName, va.Status.Attached, age(va.CreationTimestamp.Time, now),
		}
	},
}

var pdbPrinter = &typed[policy.PodDisruptionBudget]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Min Available", "string", "The fewest pods that must stay available."),
		col("Max Unavailable", "string", "The most pods that may be unavailable."),
		col("Allowed Disruptions", "integer", "Pods that may be evicted now."),
		ageColumn,
	},
	row: func(p *policy.PodDisruptionBudget, now time.Time) []any {
		minAvail, maxUnavail := "N/A", "N/A"
		if v := p.Spec.MinAvailable; v != nil {
			minAvail = v.String()
		}
		if v := p.Spec.MaxUnavailable; v != nil {
			maxUnavail = v.String()
		}
		return []any{p.Name, minAvail, maxUnavail, int64(p.Status.DisruptionsAllowed), age(p.CreationTimestamp.Time, now)}
	},
}

var csrPrinter = &typed[certificates.CertificateSigningRequest]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		ageColumn,
		col("SignerName", "string", "The signer asked to issue the certificate."),
		col("Requestor", "string", "The user who created the request."),
		col("RequestedDuration", "string", "The validity asked for."),
		col("Condition", "string", "Pending, Approved or Denied, and whether signing failed or the certificate was issued."),
	},
	row: func(c *certificates.CertificateSigningRequest, now time.Time) []any {
		dur := "<none>"
		if c.Spec.ExpirationSeconds != nil {
			dur = HumanDuration(time.Duration(*c.Spec.ExpirationSeconds) * time.Second)
		}
		return []any{c.Name, age(c.CreationTimestamp.Time, now), c.Spec.SignerName, c.Spec.Username, dur, csrCondition(c)}
	},
}

// csrCondition is kubectl's CONDITION column: the decision (Denied over
// Approved over Pending), then ",Failed" and ",Issued".
func csrCondition(c *certificates.CertificateSigningRequest) string {
	var approved, denied, failed bool
	for _, cond := range c.Status.Conditions {
		switch cond.Type {
		case certificates.CertificateApproved:
			approved = true
		case certificates.CertificateDenied:
			denied = true
		case certificates.CertificateFailed:
			failed = true
		}
	}
	s := "Pending"
	switch {
	case denied:
		s = "Denied"
	case approved:
		s = "Approved"
	}
	if failed {
		s += ",Failed"
	}
	if len(c.Status.Certificate) > 0 {
		s += ",Issued"
	}
	return s
}
