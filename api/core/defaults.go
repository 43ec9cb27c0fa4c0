package core

import (
	"maps"
	"math"
	"strings"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// Defaulting fills in the fields Kubernetes' API server fills in when an
// object is written (pkg/apis/core/v1 defaults plus the declarative +default
// markers of k8s.io/api), so that spar stores and returns what a Kubernetes
// server would. Each Default method is idempotent; it fills unset fields,
// rounds quantities up to milli precision, and in two places corrects set
// ones as Kubernetes does (the namespace name label, a service's affinity
// config without ClientIP affinity).
//
// Not applied: the beta defaulting of pod-level resources (spec.resources)
// from container resources.

func ptrTo[T any](v T) *T { return &v }

// roundUp rounds every quantity with a fraction finer than a thousandth away
// from zero to the next thousandth ("0.0001" becomes "1m"), as Kubernetes
// does on every write: it cannot represent less than 1m.
func (l ResourceList) roundUp() {
	for name, q := range l {
		m := q.MilliValue()
		if m == math.MaxInt64 || m == math.MinInt64 {
			continue // beyond milli precision anyway
		}
		if r := resource.NewMilliQuantity(m, q.Format()); r.Cmp(q) != 0 {
			l[name] = r
		}
	}
}

func (r *ResourceRequirements) roundUp() {
	r.Limits.roundUp()
	r.Requests.roundUp()
}

// Default applies the defaults of a pod. Beyond the PodSpec defaults it sets
// enableServiceLinks, copies limits into missing requests, and with
// hostNetwork makes hostPort default to containerPort; Kubernetes does these
// for pods only, never for templates.
func (p *Pod) Default() {
	for i := range p.Spec.Containers {
		defaultRequestsFromLimits(&p.Spec.Containers[i].Resources)
	}
	for i := range p.Spec.InitContainers {
		defaultRequestsFromLimits(&p.Spec.InitContainers[i].Resources)
	}
	if p.Spec.EnableServiceLinks == nil {
		p.Spec.EnableServiceLinks = ptrTo(DefaultEnableServiceLinks)
	}
	if p.Spec.HostNetwork {
		defaultHostNetworkPorts(p.Spec.Containers)
		defaultHostNetworkPorts(p.Spec.InitContainers)
	}
	p.Spec.Default()
}

// defaultRequestsFromLimits makes every limit without a request its request.
func defaultRequestsFromLimits(r *ResourceRequirements) {
	if r.Limits == nil {
		return
	}
	if r.Requests == nil {
		r.Requests = make(ResourceList, len(r.Limits))
	}
	for name, q := range r.Limits {
		if _, ok := r.Requests[name]; !ok {
			r.Requests[name] = q
		}
	}
}

func defaultHostNetworkPorts(cs []Container) {
	for i := range cs {
		for j := range cs[i].Ports {
			if p := &cs[i].Ports[j]; p.HostPort == 0 {
				p.HostPort = p.ContainerPort
			}
		}
	}
}

// Default applies the defaults of a pod template (the PodSpec defaults).
// Workload kinds (Deployment, Job, ...) call it on their templates.
func (t *PodTemplateSpec) Default() { t.Spec.Default() }

// Default applies the defaults shared by pods and pod templates: restart
// policy Always, DNS policy ClusterFirst, a 30s grace period, the default
// scheduler, an empty security context, and the defaults of every volume
// and container.
func (s *PodSpec) Default() {
	// serviceAccount is the deprecated spelling of serviceAccountName; the
	// server fills each from the other, as Kubernetes' v1 conversion does.
	if s.ServiceAccountName == "" {
		s.ServiceAccountName = s.DeprecatedServiceAccount
	}
	if s.ServiceAccountName != "" {
		s.DeprecatedServiceAccount = s.ServiceAccountName
	}
	if s.DNSPolicy == "" {
		s.DNSPolicy = DNSClusterFirst
	}
	if s.RestartPolicy == "" {
		s.RestartPolicy = RestartPolicyAlways
	}
	if s.SecurityContext == nil {
		s.SecurityContext = &PodSecurityContext{}
	}
	if s.TerminationGracePeriodSeconds == nil {
		s.TerminationGracePeriodSeconds = ptrTo(int64(DefaultTerminationGracePeriodSeconds))
	}
	if s.SchedulerName == "" {
		s.SchedulerName = DefaultSchedulerName
	}
	s.Overhead.roundUp()
	if s.Resources != nil {
		s.Resources.roundUp()
	}
	for i := range s.Volumes {
		s.Volumes[i].defaults()
	}
	for i := range s.InitContainers {
		s.InitContainers[i].defaults()
	}
	for i := range s.Containers {
		s.Containers[i].defaults()
	}
	for i := range s.EphemeralContainers {
		(*Container)(&s.EphemeralContainers[i].EphemeralContainerCommon).defaults()
	}
}

func (v *Volume) defaults() {
	src := &v.VolumeSource
	if *src == (VolumeSource{}) {
		src.EmptyDir = &EmptyDirVolumeSource{}
	}
	if src.HostPath != nil {
		src.HostPath.defaults()
	}
	if s := src.Secret; s != nil && s.DefaultMode == nil {
		s.DefaultMode = ptrTo(SecretVolumeSourceDefaultMode)
	}
	if s := src.ConfigMap; s != nil && s.DefaultMode == nil {
		s.DefaultMode = ptrTo(ConfigMapVolumeSourceDefaultMode)
	}
	if s := src.DownwardAPI; s != nil {
		if s.DefaultMode == nil {
			s.DefaultMode = ptrTo(DownwardAPIVolumeSourceDefaultMode)
		}
		defaultDownwardAPIFiles(s.Items)
	}
	if s := src.Projected; s != nil {
		if s.DefaultMode == nil {
			s.DefaultMode = ptrTo(ProjectedVolumeSourceDefaultMode)
		}
		for i := range s.Sources {
			p := &s.Sources[i]
			if p.DownwardAPI != nil {
				defaultDownwardAPIFiles(p.DownwardAPI.Items)
			}
			if t := p.ServiceAccountToken; t != nil && t.ExpirationSeconds == nil {
				t.ExpirationSeconds = ptrTo(int64(3600))
			}
		}
	}
	if s := src.ISCSI; s != nil && s.ISCSIInterface == "" {
		s.ISCSIInterface = "default"
	}
	if s := src.Ephemeral; s != nil && s.VolumeClaimTemplate != nil {
		s.VolumeClaimTemplate.Spec.defaults()
	}
	if s := src.Image; s != nil && s.PullPolicy == "" {
		s.PullPolicy = defaultPullPolicy(s.Reference)
	}
}

func (h *HostPathVolumeSource) defaults() {
	if h.Type == nil {
		h.Type = ptrTo(HostPathUnset)
	}
}

func defaultDownwardAPIFiles(items []DownwardAPIVolumeFile) {
	for i := range items {
		if items[i].FieldRef != nil {
			items[i].FieldRef.defaults()
		}
	}
}

func (f *ObjectFieldSelector) defaults() {
	if f.APIVersion == "" {
		f.APIVersion = "v1"
	}
}

func (c *Container) defaults() {
	c.Resources.roundUp()
	if c.ImagePullPolicy == "" {
		c.ImagePullPolicy = defaultPullPolicy(c.Image)
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = TerminationMessageReadFile
	}
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = ProtocolTCP
		}
	}
	for i := range c.Env {
		vf := c.Env[i].ValueFrom
		if vf == nil {
			continue
		}
		if vf.FieldRef != nil {
			vf.FieldRef.defaults()
		}
		if vf.FileKeyRef != nil && vf.FileKeyRef.Optional == nil {
			vf.FileKeyRef.Optional = ptrTo(false)
		}
	}
	for _, p := range []*Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if p != nil {
			p.defaults()
		}
	}
	if l := c.Lifecycle; l != nil {
		for _, h := range []*LifecycleHandler{l.PostStart, l.PreStop} {
			if h != nil && h.HTTPGet != nil {
				h.HTTPGet.defaults()
			}
		}
	}
}

func (p *Probe) defaults() {
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = 1
	}
	if p.PeriodSeconds == 0 {
		p.PeriodSeconds = 10
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 3
	}
	if p.HTTPGet != nil {
		p.HTTPGet.defaults()
	}
	if p.GRPC != nil && p.GRPC.Service == nil {
		p.GRPC.Service = ptrTo("")
	}
}

func (h *HTTPGetAction) defaults() {
	if h.Path == "" {
		h.Path = "/"
	}
	if h.Scheme == "" {
		h.Scheme = URISchemeHTTP
	}
}

// defaultPullPolicy is Always for images tagged ":latest" or not tagged at
// all (which means latest), IfNotPresent for other tags, for digests, and for
// references that do not parse.
func defaultPullPolicy(image string) PullPolicy {
	if tag, ok := imageTag(image); ok && tag == "latest" {
		return PullAlways
	}
	return PullIfNotPresent
}

// imageTag returns the tag of an image reference, "latest" when it has
// neither tag nor digest, and ok false when it is not a valid reference
// (empty, or an upper-case repository path, which Docker's grammar rejects).
func imageTag(image string) (tag string, ok bool) {
	name, digest, _ := strings.Cut(image, "@")
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name, tag = name[:i], name[i+1:]
	}
	if name == "" || strings.ContainsAny(name, " \t\r\n") {
		return "", false
	}
	// The first path component is a registry host when it looks like one;
	// only the repository path must be lower case.
	path := name
	if host, rest, found := strings.Cut(name, "/"); found &&
		(strings.ContainsAny(host, ".:") || host == "localhost" || strings.ToLower(host) != host) {
		path = rest
	}
	if strings.ToLower(path) != path {
		return "", false
	}
	if tag == "" && digest == "" {
		tag = "latest"
	}
	return tag, true
}

// Default applies the defaults of a pod template object.
func (t *PodTemplate) Default() { t.Template.Default() }

// Default applies the defaults of a service: type ClusterIP, session
// affinity None (with a 3-hour timeout for ClientIP), port protocol TCP,
// targetPort = port, traffic policies Cluster, and node ports allocated for
// load balancers.
func (s *Service) Default() {
	spec := &s.Spec
	if spec.SessionAffinity == "" {
		spec.SessionAffinity = ServiceAffinityNone
	}
	switch spec.SessionAffinity {
	case ServiceAffinityNone:
		spec.SessionAffinityConfig = nil
	case ServiceAffinityClientIP:
		if c := spec.SessionAffinityConfig; c == nil || c.ClientIP == nil || c.ClientIP.TimeoutSeconds == nil {
			spec.SessionAffinityConfig = &SessionAffinityConfig{
				ClientIP: &ClientIPConfig{TimeoutSeconds: ptrTo(DefaultClientIPServiceAffinitySeconds)},
			}
		}
	}
	if spec.Type == "" {
		spec.Type = ServiceTypeClusterIP
	}
	for i := range spec.Ports {
		p := &spec.Ports[i]
		if p.Protocol == "" {
			p.Protocol = ProtocolTCP
		}
		if p.TargetPort == meta.FromInt(0) || p.TargetPort == meta.FromString("") {
			p.TargetPort = meta.FromInt(p.Port)
		}
	}
	if s.ExternallyAccessible() && spec.ExternalTrafficPolicy == "" {
		spec.ExternalTrafficPolicy = ServiceExternalTrafficPolicyCluster
	}
	if spec.InternalTrafficPolicy == nil {
		switch spec.Type {
		case ServiceTypeClusterIP, ServiceTypeNodePort, ServiceTypeLoadBalancer:
			spec.InternalTrafficPolicy = ptrTo(ServiceInternalTrafficPolicyCluster)
		}
	}
	if spec.Type == ServiceTypeLoadBalancer {
		if spec.AllocateLoadBalancerNodePorts == nil {
			spec.AllocateLoadBalancerNodePorts = ptrTo(true)
		}
		for i := range s.Status.LoadBalancer.Ingress {
			if ing := &s.Status.LoadBalancer.Ingress[i]; ing.IP != "" && ing.IPMode == nil {
				ing.IPMode = ptrTo(LoadBalancerIPModeVIP)
			}
		}
	}
}

// ExternallyAccessible reports whether the service is reachable from outside
// the cluster: a NodePort or LoadBalancer, or a ClusterIP with external IPs.
func (s *Service) ExternallyAccessible() bool {
	switch s.Spec.Type {
	case ServiceTypeLoadBalancer, ServiceTypeNodePort:
		return true
	case ServiceTypeClusterIP:
		return len(s.Spec.ExternalIPs) > 0
	}
	return false
}

// Default applies the defaults of endpoints: port protocol TCP.
func (e *Endpoints) Default() {
	for i := range e.Subsets {
		for j := range e.Subsets[i].Ports {
			if p := &e.Subsets[i].Ports[j]; p.Protocol == "" {
				p.Protocol = ProtocolTCP
			}
		}
	}
}

// Default applies the defaults of a node: allocatable = capacity when the
// kubelet reports no allocatable.
func (n *Node) Default() {
	if n.Status.Allocatable == nil && n.Status.Capacity != nil {
		n.Status.Allocatable = maps.Clone(n.Status.Capacity)
	}
	n.Status.Capacity.roundUp()
	n.Status.Allocatable.roundUp()
}

// Default applies the defaults of a namespace: the
// kubernetes.io/metadata.name label (always equal to the name) and phase
// Active. The "kubernetes" finalizer is added by PrepareForCreate instead,
// because defaulting also runs on updates and would re-add the finalizer the
// namespace controller removes.
func (ns *Namespace) Default() {
	if ns.Name != "" {
		if ns.Labels == nil {
			ns.Labels = map[string]string{}
		}
		ns.Labels[LabelMetadataName] = ns.Name
	}
	if ns.Status.Phase == "" {
		ns.Status.Phase = NamespaceActive
	}
}

// PrepareForCreate sets what the server sets on a new namespace, once, at
// creation: status Active with no conditions, and the "kubernetes"
// finalizer in spec.finalizers.
func (ns *Namespace) PrepareForCreate() {
	ns.Status = NamespaceStatus{Phase: NamespaceActive}
	for _, f := range ns.Spec.Finalizers {
		if f == FinalizerKubernetes {
			return
		}
	}
	ns.Spec.Finalizers = append(ns.Spec.Finalizers, FinalizerKubernetes)
}

// Default applies the defaults of a config map: Data is never nil.
func (c *ConfigMap) Default() {
	if c.Data == nil {
		c.Data = map[string]string{}
	}
}

// Default applies the defaults of a secret: type Opaque.
func (s *Secret) Default() {
	if s.Type == "" {
		s.Type = SecretTypeOpaque
	}
}

// Default applies the defaults of a persistent volume: phase Pending,
// reclaim policy Retain, volume mode Filesystem.
func (pv *PersistentVolume) Default() {
	if pv.Status.Phase == "" {
		pv.Status.Phase = VolumePending
	}
	if pv.Spec.PersistentVolumeReclaimPolicy == "" {
		pv.Spec.PersistentVolumeReclaimPolicy = PersistentVolumeReclaimRetain
	}
	if pv.Spec.VolumeMode == nil {
		pv.Spec.VolumeMode = ptrTo(PersistentVolumeFilesystem)
	}
	pv.Spec.Capacity.roundUp()
	if pv.Spec.HostPath != nil {
		pv.Spec.HostPath.defaults()
	}
	if s := pv.Spec.ISCSI; s != nil && s.ISCSIInterface == "" {
		s.ISCSIInterface = "default"
	}
}

// Default applies the defaults of a claim: phase Pending, volume mode Filesystem.
func (pvc *PersistentVolumeClaim) Default() {
	if pvc.Status.Phase == "" {
		pvc.Status.Phase = ClaimPending
	}
	pvc.Spec.defaults()
	pvc.Status.Capacity.roundUp()
	pvc.Status.AllocatedResources.roundUp()
}

func (s *PersistentVolumeClaimSpec) defaults() {
	if s.VolumeMode == nil {
		s.VolumeMode = ptrTo(PersistentVolumeFilesystem)
	}
	s.Resources.Limits.roundUp()
	s.Resources.Requests.roundUp()
}

// Default applies the defaults of a limit range: for container items, the
// default limit falls back to max, and the default request to the default
// limit, then to min.
func (lr *LimitRange) Default() {
	for i := range lr.Spec.Limits {
		it := &lr.Spec.Limits[i]
		if it.Type != LimitTypeContainer {
			continue
		}
		if it.Default == nil {
			it.Default = ResourceList{}
		}
		if it.DefaultRequest == nil {
			it.DefaultRequest = ResourceList{}
		}
		fill := func(dst, src ResourceList) {
			for k, v := range src {
				if _, ok := dst[k]; !ok {
					dst[k] = v
				}
			}
		}
		fill(it.Default, it.Max)
		fill(it.DefaultRequest, it.Default)
		fill(it.DefaultRequest, it.Min)
	}
	for i := range lr.Spec.Limits {
		it := &lr.Spec.Limits[i]
		for _, l := range []ResourceList{it.Max, it.Min, it.Default, it.DefaultRequest, it.MaxLimitRequestRatio} {
			l.roundUp()
		}
	}
}

// Default rounds the quota's quantities up to milli precision.
func (q *ResourceQuota) Default() {
	q.Spec.Hard.roundUp()
	q.Status.Hard.roundUp()
	q.Status.Used.roundUp()
}

// Default does nothing: Kubernetes has no defaults for events.
func (e *Event) Default() {}

// Default does nothing: Kubernetes has no defaults for service accounts.
func (sa *ServiceAccount) Default() {}

// Default does nothing: Kubernetes has no defaults for bindings.
func (b *Binding) Default() {}
