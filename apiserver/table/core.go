package table

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// Printers of the core (v1) kinds.

var podPrinter = &typed[core.Pod]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Ready", "string", "Ready containers out of all containers of the pod."),
		col("Status", "string", "The pod's state as a person reads it: its phase, or the reason a container is waiting or terminated."),
		col("Restarts", "string", "Container restarts, and how long ago the last one was."),
		ageColumn,
		wide("IP", "string", "The pod's first IP address."),
		wide("Node", "string", "The node the pod is bound to."),
		wide("Nominated Node", "string", "The node the scheduler nominated by preemption."),
		wide("Readiness Gates", "string", "Readiness gates that are True, out of all readiness gates."),
	},
	row:  podRow,
	cond: podConditions,
}

// nodeLostReason is the pod status reason set when the node of a deleted
// pod stopped reporting.
const nodeLostReason = "NodeLost"

// podRow computes the pod cells the way kubectl users know them: STATUS is
// the phase, unless a status reason, a scheduling gate, an init container
// ("Init:1/3", "Init:CrashLoopBackOff") or a container's waiting or
// terminated reason ("ContainerCreating", "CrashLoopBackOff",
// "ImagePullBackOff", "Completed", "Error", "OOMKilled") says more, or the
// pod is being deleted ("Terminating").
func podRow(pod *core.Pod, now time.Time) []any {
	restarts, sidecarRestarts := 0, 0
	total, ready := len(pod.Spec.Containers), 0
	var lastRestart, lastSidecarRestart time.Time

	reason := string(pod.Status.Phase)
	if pod.Status.Reason != "" {
		reason = pod.Status.Reason
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == core.PodScheduled && c.Reason == core.PodReasonSchedulingGated {
			reason = core.PodReasonSchedulingGated
		}
	}

	// Sidecars (restartable init containers) count as containers of the pod.
	for i := range pod.Spec.InitContainers {
		if core.IsRestartableInitContainer(&pod.Spec.InitContainers[i]) {
			total++
		}
	}
	isSidecar := func(name string) bool {
		for i := range pod.Spec.InitContainers {
			if c := &pod.Spec.InitContainers[i]; c.Name == name {
				return core.IsRestartableInitContainer(c)
			}
		}
		return false
	}

	initializing := false
	for i := range pod.Status.InitContainerStatuses {
		cs := &pod.Status.InitContainerStatuses[i]
		restarts += int(cs.RestartCount)
		if t := cs.LastTerminationState.Terminated; t != nil && lastRestart.Before(t.FinishedAt.Time) {
			lastRestart = t.FinishedAt.Time
		}
		sidecar := isSidecar(cs.Name)
		if sidecar {
			sidecarRestarts += int(cs.RestartCount)
			if t := cs.LastTerminationState.Terminated; t != nil && lastSidecarRestart.Before(t.FinishedAt.Time) {
				lastSidecarRestart = t.FinishedAt.Time
			}
		}
		switch t, w := cs.State.Terminated, cs.State.Waiting; {
		case t != nil && t.ExitCode == 0:
			continue
		case sidecar && cs.Started != nil && *cs.Started:
			if cs.Ready {
				ready++
			}
			continue
		case t != nil:
			switch {
			case t.Reason != "":
				reason = "Init:" + t.Reason
			case t.Signal != 0:
				reason = "Init:Signal:" + strconv.Itoa(int(t.Signal))
			default:
				reason = "Init:ExitCode:" + strconv.Itoa(int(t.ExitCode))
			}
		case w != nil && w.Reason != "" && w.Reason != "PodInitializing":
			reason = "Init:" + w.Reason
		default:
			reason = "Init:" + strconv.Itoa(i) + "/" + strconv.Itoa(len(pod.Spec.InitContainers))
		}
		initializing = true
		break
	}

	if !initializing || podConditionTrue(pod, core.PodInitialized) {
		restarts, lastRestart = sidecarRestarts, lastSidecarRestart
		hasRunning := false
		for i := len(pod.Status.ContainerStatuses) - 1; i >= 0; i-- {
			cs := &pod.Status.ContainerStatuses[i]
			restarts += int(cs.RestartCount)
			if t := cs.LastTerminationState.Terminated; t != nil && lastRestart.Before(t.FinishedAt.Time) {
				lastRestart = t.FinishedAt.Time
			}
			switch t, w := cs.State.Terminated, cs.State.Waiting; {
			case w != nil && w.Reason != "":
				reason = w.Reason
			case t != nil && t.Reason != "":
				reason = t.Reason
			case t != nil && t.Signal != 0:
				reason = "Signal:" + strconv.Itoa(int(t.Signal))
			case t != nil:
				reason = "ExitCode:" + strconv.Itoa(int(t.ExitCode))
			case cs.Ready && cs.State.Running != nil:
				hasRunning = true
				ready++
			}
		}
		// A pod with a finished container and one still running is running.
		if reason == "Completed" && hasRunning {
			if podConditionTrue(pod, core.PodReady) {
				reason = "Running"
			} else {
				reason = "NotReady"
			}
		}
	}

	if pod.DeletionTimestamp != nil {
		if pod.Status.Reason == nodeLostReason {
			reason = "Unknown"
		} else if !core.IsPodTerminal(pod) {
			reason = "Terminating"
		}
	}

	restartsCell := strconv.Itoa(restarts)
	if restarts != 0 && !lastRestart.IsZero() {
		restartsCell += " (" + age(lastRestart, now) + " ago)"
	}

	ip := "<none>"
	if len(pod.Status.PodIPs) > 0 && pod.Status.PodIPs[0].IP != "" {
		ip = pod.Status.PodIPs[0].IP
	}
	gates := "<none>"
	if n := len(pod.Spec.ReadinessGates); n > 0 {
		trueGates := 0
		for _, g := range pod.Spec.ReadinessGates {
			if c := core.GetPodCondition(&pod.Status, g.ConditionType); c != nil && c.Status == core.ConditionTrue {
				trueGates++
			}
		}
		gates = strconv.Itoa(trueGates) + "/" + strconv.Itoa(n)
	}
	return []any{
		pod.Name,
		strconv.Itoa(ready) + "/" + strconv.Itoa(total),
		reason,
		restartsCell,
		age(pod.CreationTimestamp.Time, now),
		ip,
		orNone(pod.Spec.NodeName),
		orNone(pod.Status.NominatedNodeName),
		gates,
	}
}

func podConditionTrue(pod *core.Pod, t core.PodConditionType) bool {
	c := core.GetPodCondition(&pod.Status, t)
	return c != nil && c.Status == core.ConditionTrue
}

// podConditions marks finished pods Completed.
func podConditions(pod *core.Pod) []meta.TableRowCondition {
	switch pod.Status.Phase {
	case core.PodSucceeded:
		return []meta.TableRowCondition{{Type: meta.RowCompleted, Status: meta.ConditionTrue, Reason: string(core.PodSucceeded), Message: "The pod has completed successfully."}}
	case core.PodFailed:
		return []meta.TableRowCondition{{Type: meta.RowCompleted, Status: meta.ConditionTrue, Reason: string(core.PodFailed), Message: "The pod failed."}}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

var podTemplatePrinter = &typed[core.PodTemplate]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Containers", "string", descContainers),
		col("Images", "string", descImages),
		col("Pod Labels", "string", "The labels of the pod template."),
	},
	row: func(t *core.PodTemplate, _ time.Time) []any {
		names, images := containerCells(t.Template.Spec.Containers)
		return []any{t.Name, names, images, formatLabels(t.Template.Labels)}
	},
}

// Node role labels: node-role.kubernetes.io/<role>="" and kubernetes.io/role=<role>.
const (
	labelNodeRolePrefix = "node-role.kubernetes.io/"
	labelNodeRole       = "kubernetes.io/role"
)

var nodePrinter = &typed[core.Node]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Status", "string", "The status of the node: Ready, NotReady or Unknown, and SchedulingDisabled when cordoned."),
		col("Roles", "string", "The roles of the node, from its node-role.kubernetes.io/ labels."),
		ageColumn,
		col("Version", "string", "The kubelet version of the node."),
		wide("Internal-IP", "string", "The node's first InternalIP address."),
		wide("External-IP", "string", "The node's first ExternalIP address."),
		wide("OS-Image", "string", "The operating system image of the node."),
		wide("Kernel-Version", "string", "The kernel version of the node."),
		wide("Container-Runtime", "string", "The container runtime and its version."),
	},
	row: func(n *core.Node, now time.Time) []any {
		var status []string
		// Only the Ready condition is shown; pressure conditions are not.
		if c := core.GetNodeCondition(&n.Status, core.NodeReady); c != nil {
			if c.Status == core.ConditionTrue {
				status = append(status, string(c.Type))
			} else {
				status = append(status, "Not"+string(c.Type))
			}
		} else {
			status = append(status, "Unknown")
		}
		if n.Spec.Unschedulable {
			status = append(status, "SchedulingDisabled")
		}
		roles := orNone(strings.Join(nodeRoles(n.Labels), ","))
		info := &n.Status.NodeInfo
		return []any{
			n.Name,
			strings.Join(status, ","),
			roles,
			age(n.CreationTimestamp.Time, now),
			info.KubeletVersion,
			nodeAddress(n, core.NodeInternalIP),
			nodeAddress(n, core.NodeExternalIP),
			orUnknown(info.OSImage),
			orUnknown(info.KernelVersion),
			orUnknown(info.ContainerRuntimeVersion),
		}
	},
}

func nodeRoles(labels map[string]string) []string {
	var roles []string
	for k, v := range labels {
		switch {
		case strings.HasPrefix(k, labelNodeRolePrefix):
			if role := strings.TrimPrefix(k, labelNodeRolePrefix); role != "" {
				roles = append(roles, role)
			}
		case k == labelNodeRole && v != "":
			roles = append(roles, v)
		}
	}
	slices.Sort(roles)
	return slices.Compact(roles)
}

func nodeAddress(n *core.Node, t core.NodeAddressType) string {
	for _, a := range n.Status.Addresses {
		if a.Type == t {
			return a.Address
		}
	}
	return "<none>"
}

func orUnknown(s string) string {
	if s == "" {
		return "<unknown>"
	}
	return s
}

var namespacePrinter = &typed[core.Namespace]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Status", "string", "The phase of the namespace: Active or Terminating."),
		ageColumn,
	},
	row: func(ns *core.Namespace, now time.Time) []any {
		return []any{ns.Name, string(ns.Status.Phase), age(ns.CreationTimestamp.Time, now)}
	},
}

var servicePrinter = &typed[core.Service]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Type", "string", "How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName."),
		col("Cluster-IP", "string", "The virtual IP of the service."),
		col("External-IP", "string", "External IPs, load balancer ingress points, or the external name."),
		col("Port(s)", "string", "The ports of the service, with node ports."),
		ageColumn,
		wide("Selector", "string", "The label selector of the pods behind the service."),
	},
	row: func(s *core.Service, now time.Time) []any {
		clusterIP := "<none>"
		if len(s.Spec.ClusterIPs) > 0 {
			clusterIP = s.Spec.ClusterIPs[0]
		}
		ports := servicePorts(s.Spec.Ports)
		if ports == "" {
			ports = "<none>"
		}
		return []any{s.Name, string(s.Spec.Type), clusterIP, serviceExternalIP(s), ports, age(s.CreationTimestamp.Time, now), formatLabels(s.Spec.Selector)}
	},
}

// serviceExternalIP is the EXTERNAL-IP cell. Servers render tables wide, so
// a load balancer's addresses are never shortened.
func serviceExternalIP(s *core.Service) string {
	switch s.Spec.Type {
	case core.ServiceTypeClusterIP, core.ServiceTypeNodePort:
		if len(s.Spec.ExternalIPs) > 0 {
			return strings.Join(s.Spec.ExternalIPs, ",")
		}
		return "<none>"
	case core.ServiceTypeLoadBalancer:
		var lb []string
		for _, in := range s.Status.LoadBalancer.Ingress {
			if in.IP != "" {
				lb = append(lb, in.IP)
			} else if in.Hostname != "" {
				lb = append(lb, in.Hostname)
			}
		}
		slices.Sort(lb)
		lb = slices.Compact(lb)
		if len(s.Spec.ExternalIPs) > 0 {
			return strings.Join(append(lb, s.Spec.ExternalIPs...), ",")
		}
		if len(lb) > 0 {
			return strings.Join(lb, ",")
		}
		return "<pending>"
	case core.ServiceTypeExternalName:
		return s.Spec.ExternalName
	}
	return "<unknown>"
}

// servicePorts prints "80/TCP,443:30443/TCP".
func servicePorts(ports []core.ServicePort) string {
	var b strings.Builder
	for i, p := range ports {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(p.Port)))
		if p.NodePort > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(int(p.NodePort)))
		}
		b.WriteByte('/')
		b.WriteString(string(p.Protocol))
	}
	return b.String()
}

var endpointsPrinter = &typed[core.Endpoints]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Endpoints", "string", "The first addresses (with ports) of the endpoints."),
		ageColumn,
	},
	row: func(e *core.Endpoints, now time.Time) []any {
		return []any{e.Name, formatEndpoints(e), age(e.CreationTimestamp.Time, now)}
	},
}

// formatEndpoints lists the first three ready address:port pairs and
// counts the rest: "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...".
func formatEndpoints(e *core.Endpoints) string {
	if len(e.Subsets) == 0 {
		return "<none>"
	}
	const max = 3
	var list []string
	more, count := false, 0
	add := func(s string) {
		if len(list) == max {
			more = true
			return
		}
		list = append(list, s)
	}
	for i := range e.Subsets {
		ss := &e.Subsets[i]
		if len(ss.Ports) == 0 {
			// Headless services may have addresses without ports.
			count += len(ss.Addresses)
			for _, a := range ss.Addresses {
				add(a.IP)
			}
			continue
		}
		for _, p := range ss.Ports {
			count += len(ss.Addresses)
			for _, a := range ss.Addresses {
				add(net.JoinHostPort(a.IP, strconv.Itoa(int(p.Port))))
			}
		}
	}
	s := strings.Join(list, ",")
	if more {
		return fmt.Sprintf("%s + %d more...", s, count-max)
	}
	return s
}

var configMapPrinter = &typed[core.ConfigMap]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Data", "string", "Number of keys in data and binaryData."),
		ageColumn,
	},
	row: func(c *core.ConfigMap, now time.Time) []any {
		return []any{c.Name, int64(len(c.Data) + len(c.BinaryData)), age(c.CreationTimestamp.Time, now)}
	},
}

var secretPrinter = &typed[core.Secret]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Type", "string", "The type of the secret."),
		col("Data", "string", "Number of keys in data."),
		ageColumn,
	},
	row: func(s *core.Secret, now time.Time) []any {
		return []any{s.Name, string(s.Type), int64(len(s.Data)), age(s.CreationTimestamp.Time, now)}
	},
}

var serviceAccountPrinter = &typed[core.ServiceAccount]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Secrets", "string", "Number of secrets listed by the service account."),
		ageColumn,
	},
	row: func(sa *core.ServiceAccount, now time.Time) []any {
		return []any{sa.Name, int64(len(sa.Secrets)), age(sa.CreationTimestamp.Time, now)}
	},
}

var eventPrinter = &typed[core.Event]{
	cols: []meta.TableColumnDefinition{
		col("Last Seen", "string", "Time since the event was last seen."),
		col("Type", "string", "Normal or Warning."),
		col("Reason", "string", "Why the event happened, in CamelCase."),
		col("Object", "string", "The object the event is about, as kind/name."),
		wide("Subobject", "string", "The part of the object the event is about, e.g. a container."),
		wide("Source", "string", "The component (and host) that reported the event."),
		col("Message", "string", "What happened, for a person."),
		wide("First Seen", "string", "Time since the event was first seen."),
		wide("Count", "string", "How many times the event happened."),
		{Name: "Name", Type: "string", Format: "name", Priority: 1, Description: descName},
	},
	row: func(e *core.Event, now time.Time) []any {
		first := age(e.FirstTimestamp.Time, now)
		if e.FirstTimestamp.IsZero() {
			first = age(e.EventTime.Time, now)
		}
		last := age(e.LastTimestamp.Time, now)
		if e.LastTimestamp.IsZero() {
			last = first
		}
		count := e.Count
		if e.Series != nil {
			last = age(e.Series.LastObservedTime.Time, now)
			count = e.Series.Count
		} else if count == 0 {
			// Events of the events.k8s.io API have no count when they happened once.
			count = 1
		}
		target := strings.ToLower(e.InvolvedObject.Kind)
		if e.InvolvedObject.Name != "" {
			target += "/" + e.InvolvedObject.Name
		}
		component := firstNonEmpty(e.Source.Component, e.ReportingController)
		source := component
		if host := firstNonEmpty(e.Source.Host, e.ReportingInstance); host != "" {
			source = component + ", " + host
		}
		return []any{last, e.Type, e.Reason, target, e.InvolvedObject.FieldPath, source, strings.TrimSpace(e.Message), first, int64(count), e.Name}
	},
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// The beta annotation that named a volume's or claim's storage class
// before storageClassName existed; it still wins when present.
const annotationBetaStorageClass = "volume.beta.kubernetes.io/storage-class"

var persistentVolumePrinter = &typed[core.PersistentVolume]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Capacity", "string", "The storage capacity of the volume."),
		col("Access Modes", "string", "How the volume can be mounted: RWO, ROX, RWX, RWOP."),
		col("Reclaim Policy", "string", "What happens to the volume when its claim is released."),
		col("Status", "string", "The phase of the volume."),
		col("Claim", "string", "The claim bound to the volume, as namespace/name."),
		col("StorageClass", "string", "The storage class of the volume."),
		col("VolumeAttributesClass", "string", "The volume attributes class of the volume."),
		col("Reason", "string", "Why the volume is in its phase."),
		ageColumn,
		wide("VolumeMode", "string", "Filesystem or Block."),
	},
	row: func(pv *core.PersistentVolume, now time.Time) []any {
		claim := ""
		if r := pv.Spec.ClaimRef; r != nil {
			claim = r.Namespace + "/" + r.Name
		}
		phase := string(pv.Status.Phase)
		if pv.DeletionTimestamp != nil {
			phase = "Terminating"
		}
		class := pv.Spec.StorageClassName
		if c, ok := pv.Annotations[annotationBetaStorageClass]; ok {
			class = c
		}
		capacity := pv.Spec.Capacity[core.ResourceStorage]
		return []any{
			pv.Name, capacity.String(), accessModes(pv.Spec.AccessModes),
			string(pv.Spec.PersistentVolumeReclaimPolicy), phase, claim, class,
			ptrOr(pv.Spec.VolumeAttributesClassName, "<unset>"), pv.Status.Reason,
			age(pv.CreationTimestamp.Time, now), volumeMode(pv.Spec.VolumeMode),
		}
	},
}

func volumeMode(m *core.PersistentVolumeMode) string {
	if m == nil {
		return "<unset>"
	}
	return string(*m)
}

var persistentVolumeClaimPrinter = &typed[core.PersistentVolumeClaim]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Status", "string", "The phase of the claim."),
		col("Volume", "string", "The volume bound to the claim."),
		col("Capacity", "string", "The capacity of the bound volume."),
		col("Access Modes", "string", "How the bound volume can be mounted: RWO, ROX, RWX, RWOP."),
		col("StorageClass", "string", "The storage class the claim asks for."),
		col("VolumeAttributesClass", "string", "The volume attributes class the claim asks for."),
		ageColumn,
		wide("VolumeMode", "string", "Filesystem or Block."),
	},
	row: func(pvc *core.PersistentVolumeClaim, now time.Time) []any {
		phase := string(pvc.Status.Phase)
		if pvc.DeletionTimestamp != nil {
			phase = "Terminating"
		}
		// Capacity and access modes are the bound volume's, so empty until bound.
		capacity, modes := "", ""
		if pvc.Spec.VolumeName != "" {
			modes = accessModes(pvc.Status.AccessModes)
			q := pvc.Status.Capacity[core.ResourceStorage]
			capacity = q.String()
		}
		class := ptrOr(pvc.Spec.StorageClassName, "")
		if c, ok := pvc.Annotations[annotationBetaStorageClass]; ok {
			class = c
		}
		return []any{
			pvc.Name, phase, pvc.Spec.VolumeName, capacity, modes, class,
			ptrOr(pvc.Spec.VolumeAttributesClassName, "<unset>"),
			age(pvc.CreationTimestamp.Time, now), volumeMode(pvc.Spec.VolumeMode),
		}
	},
}

var resourceQuotaPrinter = &typed[core.ResourceQuota]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Request", "string", "Used out of hard quota, for every resource except limits.*."),
		col("Limit", "string", "Used out of hard quota, for limits.* resources."),
		ageColumn,
	},
	row: func(q *core.ResourceQuota, now time.Time) []any {
		names := make([]string, 0, len(q.Status.Hard))
		for n := range q.Status.Hard {
			names = append(names, string(n))
		}
		slices.Sort(names)
		var req, lim []string
		for _, n := range names {
			used, hard := q.Status.Used[core.ResourceName(n)], q.Status.Hard[core.ResourceName(n)]
			s := n + ": " + used.String() + "/" + hard.String()
			if strings.HasPrefix(n, "limits.") {
				lim = append(lim, s)
			} else {
				req = append(req, s)
			}
		}
		return []any{q.Name, strings.Join(req, ", "), strings.Join(lim, ", "), age(q.CreationTimestamp.Time, now)}
	},
}
