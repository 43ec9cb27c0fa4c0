package core_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// Kubernetes' format messages, as kubectl users read them.
const (
	dnsLabelMsg   = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	subdomainMsg  = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	dns1035Msg    = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
	labelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	keyNameMsg    = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	configKeyMsg  = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)

// messages renders errors as the API server's 422 causes print them.
func messages(errs meta.FieldErrors) []string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return s
}

func checkErrs(t *testing.T, got meta.FieldErrors, want []string) {
	t.Helper()
	if g := messages(got); !slices.Equal(g, want) {
		t.Errorf("errors:\n got: %q\nwant: %q", g, want)
	}
}

func ptr[T any](v T) *T { return &v }

// Every manifest of testdata, defaulted, is valid (with the namespace the
// API server takes from the request path), except one PV whose
// volumeAttributesClassName Kubernetes also rejects without a CSI source.
func TestTestdataValidates(t *testing.T) {
	for _, d := range readDocuments(t) {
		obj, r := decode(t, d.json)
		if r.Namespaced && obj.GetObjectMeta().Namespace == "" {
			obj.GetObjectMeta().Namespace = "default"
		}
		obj.(interface{ Default() }).Default()
		v, ok := obj.(interface{ Validate() meta.FieldErrors })
		if !ok {
			t.Fatalf("%s: %T has no Validate method", d.name, obj)
		}
		var want []string
		if obj.GetObjectMeta().Name == "nfs-pv" {
			want = []string{"spec.csi: Required value: has to be specified when using volumeAttributesClassName"}
		}
		t.Run(d.name, func(t *testing.T) { checkErrs(t, v.Validate(), want) })
	}
}

// Every core kind validates creates and updates.
func TestEveryKindHasValidators(t *testing.T) {
	type validator interface {
		meta.Object
		Validate() meta.FieldErrors
		ValidateUpdate(meta.Object) meta.FieldErrors
	}
	for _, obj := range []meta.Object{
		&core.Pod{}, &core.PodTemplate{}, &core.Service{}, &core.Endpoints{}, &core.Node{}, &core.Namespace{},
		&core.ConfigMap{}, &core.Secret{}, &core.ServiceAccount{}, &core.PersistentVolume{},
		&core.PersistentVolumeClaim{}, &core.Event{}, &core.LimitRange{}, &core.ResourceQuota{}, &core.Binding{},
	} {
		v, ok := obj.(validator)
		if !ok {
			t.Errorf("%T lacks Validate or ValidateUpdate", obj)
			continue
		}
		// An update from another kind is the server's bug, reported as such.
		errs := v.ValidateUpdate(&core.ConfigMap{})
		if _, isCM := obj.(*core.ConfigMap); isCM {
			continue
		}
		if len(errs) != 1 || errs[0].Type != meta.CauseTypeInternal {
			t.Errorf("%T.ValidateUpdate(*ConfigMap) = %v, want one internal error", obj, errs)
		}
	}
}

func validPod() *core.Pod {
	p := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: core.PodSpec{
			Containers: []core.Container{{
				Name:  "app",
				Image: "nginx:1.27",
				Ports: []core.ContainerPort{{Name: "http", ContainerPort: 80}},
			}},
		},
	}
	p.Default()
	return p
}

func TestPodValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *core.Pod)
		want   []string
	}{
		{"valid", func(p *core.Pod) {}, nil},
		{"bad name", func(p *core.Pod) { p.Name = "Web_1" },
			[]string{`metadata.name: Invalid value: "Web_1": ` + subdomainMsg}},
		{"no name", func(p *core.Pod) { p.Name = "" },
			[]string{"metadata.name: Required value: name or generateName is required"}},
		{"no namespace", func(p *core.Pod) { p.Namespace = "" },
			[]string{"metadata.namespace: Required value"}},
		{"bad label value", func(p *core.Pod) { p.Labels = map[string]string{"app": "-web"} },
			[]string{`metadata.labels: Invalid value: "-web": ` + labelValueMsg}},
		{"deletion cost", func(p *core.Pod) {
			p.Annotations = map[string]string{"controller.kubernetes.io/pod-deletion-cost": "+10"}
		}, []string{`metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+10": must be a 32bit integer`}},
		{"deletion cost ok", func(p *core.Pod) {
			p.Annotations = map[string]string{"controller.kubernetes.io/pod-deletion-cost": "-100"}
		}, nil},
		{"mirror pod without node", func(p *core.Pod) {
			p.Annotations = map[string]string{"kubernetes.io/config.mirror": "abc"}
		}, []string{`metadata.annotations[kubernetes.io/config.mirror]: Invalid value: "abc": must set spec.nodeName if mirror pod annotation is set`}},
		{"no containers", func(p *core.Pod) { p.Spec.Containers = nil },
			[]string{"spec.containers: Required value"}},
		{"bad container name", func(p *core.Pod) { p.Spec.Containers[0].Name = "App" },
			[]string{`spec.containers[0].name: Invalid value: "App": ` + dnsLabelMsg}},
		{"duplicate container names", func(p *core.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, core.Container{Name: "app", Image: "busybox",
				ImagePullPolicy: core.PullIfNotPresent, TerminationMessagePolicy: core.TerminationMessageReadFile})
		}, []string{`spec.containers[1].name: Duplicate value: "app"`}},
		{"init container shares a name", func(p *core.Pod) {
			p.Spec.InitContainers = []core.Container{{Name: "app", Image: "busybox",
				ImagePullPolicy: core.PullIfNotPresent, TerminationMessagePolicy: core.TerminationMessageReadFile}}
		}, []string{`spec.initContainers[0].name: Duplicate value: "app"`}},
		{"no image", func(p *core.Pod) { p.Spec.Containers[0].Image = "" },
			[]string{"spec.containers[0].image: Required value"}},
		{"image with spaces", func(p *core.Pod) { p.Spec.Containers[0].Image = " nginx" },
			[]string{`spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace`}},
		{"port out of range", func(p *core.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = 70000 },
			[]string{"spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"}},
		{"port missing", func(p *core.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = 0 },
			[]string{"spec.containers[0].ports[0].containerPort: Required value"}},
		{"bad protocol", func(p *core.Pod) { p.Spec.Containers[0].Ports[0].Protocol = "ICMP" },
			[]string{`spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"`}},
		{"port name too long", func(p *core.Pod) { p.Spec.Containers[0].Ports[0].Name = "a-very-long-port-name" },
			[]string{`spec.containers[0].ports[0].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters`}},
		{"duplicate port names", func(p *core.Pod) {
			p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports, core.ContainerPort{Name: "http", ContainerPort: 8080, Protocol: core.ProtocolTCP})
		}, []string{`spec.containers[0].ports[1].name: Duplicate value: "http"`}},
		{"host port conflict", func(p *core.Pod) {
			p.Spec.Containers[0].Ports = []core.ContainerPort{
				{ContainerPort: 80, HostPort: 8080, Protocol: core.ProtocolTCP},
				{ContainerPort: 81, HostPort: 8080, Protocol: core.ProtocolTCP},
			}
		}, []string{`spec.containers[0].ports[1].hostPort: Duplicate value: "TCP//8080"`}},
		{"env name with =", func(p *core.Pod) { p.Spec.Containers[0].Env = []core.EnvVar{{Name: "A=B"}} },
			[]string{`spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`}},
		{"env without name", func(p *core.Pod) { p.Spec.Containers[0].Env = []core.EnvVar{{Value: "x"}} },
			[]string{"spec.containers[0].env[0].name: Required value"}},
		{"relaxed env name is fine", func(p *core.Pod) { p.Spec.Containers[0].Env = []core.EnvVar{{Name: "1st var.x"}} }, nil},
		{"env value and valueFrom", func(p *core.Pod) {
			p.Spec.Containers[0].Env = []core.EnvVar{{Name: "A", Value: "x", ValueFrom: &core.EnvVarSource{
				SecretKeyRef: &core.SecretKeySelector{LocalObjectReference: core.LocalObjectReference{Name: "s"}, Key: "k"}}}}
		}, []string{`spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when ` + "`value`" + ` is not empty`}},
		{"env valueFrom empty", func(p *core.Pod) {
			p.Spec.Containers[0].Env = []core.EnvVar{{Name: "A", ValueFrom: &core.EnvVarSource{}}}
		}, []string{`spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: ` +
			"`fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"}},
		{"env two sources", func(p *core.Pod) {
			p.Spec.Containers[0].Env = []core.EnvVar{{Name: "A", ValueFrom: &core.EnvVarSource{
				SecretKeyRef:    &core.SecretKeySelector{LocalObjectReference: core.LocalObjectReference{Name: "s"}, Key: "k"},
				ConfigMapKeyRef: &core.ConfigMapKeySelector{LocalObjectReference: core.LocalObjectReference{Name: "c"}, Key: "k"}}}}
		}, []string{`spec.containers[0].env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time`}},
		{"env secret key invalid", func(p *core.Pod) {
			p.Spec.Containers[0].Env = []core.EnvVar{{Name: "A", ValueFrom: &core.EnvVarSource{
				SecretKeyRef: &core.SecretKeySelector{LocalObjectReference: core.LocalObjectReference{Name: "s"}, Key: "a/b"}}}}
		}, []string{`spec.containers[0].env[0].valueFrom.secretKeyRef.key: Invalid value: "a/b": ` + configKeyMsg}},
		{"env fieldRef unsupported", func(p *core.Pod) {
			p.Spec.Containers[0].Env = []core.EnvVar{{Name: "A", ValueFrom: &core.EnvVarSource{
				FieldRef: &core.ObjectFieldSelector{APIVersion: "v1", FieldPath: "status.phase"}}}}
		}, []string{`spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"`}},
		{"env fieldRef label", func(p *core.Pod) {
			p.Spec.Containers[0].Env = []core.EnvVar{{Name: "A", ValueFrom: &core.EnvVarSource{
				FieldRef: &core.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.labels['app']"}}}}
		}, nil},
		{"requests above limits", func(p *core.Pod) {
			p.Spec.Containers[0].Resources = core.ResourceRequirements{
				Requests: core.ResourceList{core.ResourceCPU: resource.MustParse("2")},
				Limits:   core.ResourceList{core.ResourceCPU: resource.MustParse("500m")},
			}
		}, []string{`spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 500m`}},
		{"negative memory", func(p *core.Pod) {
			p.Spec.Containers[0].Resources.Requests = core.ResourceList{core.ResourceMemory: resource.MustParse("-1Mi")}
		}, []string{`spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0`}},
		{"unknown resource", func(p *core.Pod) {
			p.Spec.Containers[0].Resources.Limits = core.ResourceList{"gpu": resource.MustParse("1")}
		}, []string{
			`spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified`,
			`spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers`,
		}},
		{"extended resource needs equal limit", func(p *core.Pod) {
			p.Spec.Containers[0].Resources.Requests = core.ResourceList{"nvidia.com/gpu": resource.MustParse("1")}
		}, []string{"spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"}},
		{"hugepages without cpu or memory", func(p *core.Pod) {
			p.Spec.Containers[0].Resources.Limits = core.ResourceList{"hugepages-2Mi": resource.MustParse("4Mi")}
		}, []string{"spec.containers[0].resources: Forbidden: HugePages require cpu or memory"}},
		{"probe without handler", func(p *core.Pod) {
			p.Spec.Containers[0].LivenessProbe = &core.Probe{PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3, TimeoutSeconds: 1}
		}, []string{"spec.containers[0].livenessProbe: Required value: must specify a handler type"}},
		{"probe with two handlers", func(p *core.Pod) {
			p.Spec.Containers[0].ReadinessProbe = &core.Probe{ProbeHandler: core.ProbeHandler{
				Exec:      &core.ExecAction{Command: []string{"true"}},
				TCPSocket: &core.TCPSocketAction{Port: meta.FromInt(80)},
			}, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3, TimeoutSeconds: 1}
		}, []string{"spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"}},
		{"liveness success threshold", func(p *core.Pod) {
			p.Spec.Containers[0].LivenessProbe = &core.Probe{ProbeHandler: core.ProbeHandler{
				HTTPGet: &core.HTTPGetAction{Path: "/", Port: meta.FromString("http"), Scheme: core.URISchemeHTTP},
			}, PeriodSeconds: 10, SuccessThreshold: 2, FailureThreshold: 3, TimeoutSeconds: 1}
		}, []string{"spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"}},
		{"negative probe delay", func(p *core.Pod) {
			p.Spec.Containers[0].StartupProbe = &core.Probe{ProbeHandler: core.ProbeHandler{
				GRPC: &core.GRPCAction{Port: 9000},
			}, InitialDelaySeconds: -5, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3, TimeoutSeconds: 1}
		}, []string{"spec.containers[0].startupProbe.initialDelaySeconds: Invalid value: -5: must be greater than or equal to 0"}},
		{"probe port name invalid", func(p *core.Pod) {
			p.Spec.Containers[0].ReadinessProbe = &core.Probe{ProbeHandler: core.ProbeHandler{
				TCPSocket: &core.TCPSocketAction{Port: meta.FromString("HTTP")},
			}, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3, TimeoutSeconds: 1}
		}, []string{
			`spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
			`spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: "HTTP": must contain at least one letter (a-z)`,
		}},
		{"restart policy", func(p *core.Pod) { p.Spec.RestartPolicy = "Sometimes" },
			[]string{`spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`}},
		{"dns policy", func(p *core.Pod) { p.Spec.DNSPolicy = "Google" },
			[]string{`spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`}},
		{"dns policy None without config", func(p *core.Pod) { p.Spec.DNSPolicy = core.DNSNone },
			[]string{"spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"}},
		{"pull policy", func(p *core.Pod) { p.Spec.Containers[0].ImagePullPolicy = "Sometimes" },
			[]string{`spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`}},
		{"negative grace period", func(p *core.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr(int64(-1)) },
			[]string{"spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0"}},
		{"active deadline zero", func(p *core.Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(0)) },
			[]string{"spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"}},
		{"volume mount of missing volume", func(p *core.Pod) {
			p.Spec.Containers[0].VolumeMounts = []core.VolumeMount{{Name: "data", MountPath: "/data"}}
		}, []string{`spec.containers[0].volumeMounts[0].name: Not found: "data"`}},
		{"volume mount path missing and repeated", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "data", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}}}
			p.Spec.Containers[0].VolumeMounts = []core.VolumeMount{{Name: "data"}, {Name: "data"}}
		}, []string{
			"spec.containers[0].volumeMounts[0].mountPath: Required value",
			"spec.containers[0].volumeMounts[1].mountPath: Required value",
			`spec.containers[0].volumeMounts[1].mountPath: Invalid value: "": must be unique`,
		}},
		{"volume names", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{
				{Name: "data", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}},
				{Name: "data", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}},
				{Name: "Bad", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}},
			}
		}, []string{
			`spec.volumes[1].name: Duplicate value: "data"`,
			`spec.volumes[2].name: Invalid value: "Bad": ` + dnsLabelMsg,
		}},
		{"volume with two sources", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "data", VolumeSource: core.VolumeSource{
				EmptyDir: &core.EmptyDirVolumeSource{},
				HostPath: &core.HostPathVolumeSource{Path: "/tmp"},
			}}}
		}, []string{"spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"}},
		{"volume without source", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "data"}}
		}, []string{"spec.volumes[0]: Required value: must specify a volume type"}},
		{"config map volume item path", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "cfg", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{
				LocalObjectReference: core.LocalObjectReference{Name: "c"},
				Items:                []core.KeyToPath{{Key: "k", Path: "../etc/passwd"}},
			}}}}
		}, []string{
			`spec.volumes[0].configMap.items[0].path: Invalid value: "../etc/passwd": must not contain '..'`,
		}},
		{"config map volume item reserved path", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "cfg", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{
				LocalObjectReference: core.LocalObjectReference{Name: "c"},
				Items:                []core.KeyToPath{{Key: "k", Path: "..data"}, {Key: "k", Path: "/etc/x"}},
			}}}}
		}, []string{
			`spec.volumes[0].configMap.items[0].path: Invalid value: "..data": must not start with '..'`,
			`spec.volumes[0].configMap.items[1].path: Invalid value: "/etc/x": must be a relative path`,
		}},
		{"node selector", func(p *core.Pod) { p.Spec.NodeSelector = map[string]string{"disk": "s s d"} },
			[]string{`spec.nodeSelector: Invalid value: "s s d": ` + labelValueMsg}},
		{"toleration Exists with value", func(p *core.Pod) {
			p.Spec.Tolerations = []core.Toleration{{Key: "k", Operator: core.TolerationOpExists, Value: "v"}}
		}, []string{`spec.tolerations[0].operator: Invalid value: "v": value must be empty when ` + "`operator`" + ` is 'Exists'`}},
		{"toleration operator and effect", func(p *core.Pod) {
			p.Spec.Tolerations = []core.Toleration{{Key: "k", Operator: "Like", Effect: "Evict"}}
		}, []string{
			`spec.tolerations[0].operator: Unsupported value: "Like": supported values: "Equal", "Exists"`,
			`spec.tolerations[0].effect: Unsupported value: "Evict": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`,
		}},
		{"toleration seconds without NoExecute", func(p *core.Pod) {
			p.Spec.Tolerations = []core.Toleration{{Key: "k", Operator: core.TolerationOpExists, TolerationSeconds: ptr(int64(5))}}
		}, []string{`spec.tolerations[0].effect: Invalid value: "": effect must be 'NoExecute' when ` + "`tolerationSeconds`" + ` is set`}},
		{"empty toleration key needs Exists", func(p *core.Pod) {
			p.Spec.Tolerations = []core.Toleration{{Operator: core.TolerationOpEqual}}
		}, []string{`spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when ` + "`key`" + ` is empty, which means "match all values and all keys"`}},
		{"affinity weight and topology key", func(p *core.Pod) {
			p.Spec.Affinity = &core.Affinity{PodAntiAffinity: &core.PodAntiAffinity{
				PreferredDuringSchedulingIgnoredDuringExecution: []core.WeightedPodAffinityTerm{{
					Weight:          0,
					PodAffinityTerm: core.PodAffinityTerm{LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
				}},
			}}
		}, []string{
			"spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100",
			"spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Required value: can not be empty",
			`spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Invalid value: "": name part must be non-empty`,
			`spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Invalid value: "": ` + keyNameMsg,
		}},
		{"node affinity without terms", func(p *core.Pod) {
			p.Spec.Affinity = &core.Affinity{NodeAffinity: &core.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &core.NodeSelector{},
			}}
		}, []string{"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term"}},
		{"node affinity operator", func(p *core.Pod) {
			p.Spec.Affinity = &core.Affinity{NodeAffinity: &core.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &core.NodeSelector{NodeSelectorTerms: []core.NodeSelectorTerm{{
					MatchExpressions: []core.NodeSelectorRequirement{{Key: "zone", Operator: core.NodeSelectorOpIn}},
				}}},
			}}
		}, []string{"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"}},
		{"topology spread", func(p *core.Pod) {
			p.Spec.TopologySpreadConstraints = []core.TopologySpreadConstraint{{MaxSkew: 0, WhenUnsatisfiable: "Maybe"}}
		}, []string{
			"spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
			"spec.topologySpreadConstraints[0].topologyKey: Required value: can not be empty",
			`spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"`,
		}},
		{"topology spread duplicate", func(p *core.Pod) {
			c := core.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: core.LabelTopologyZone, WhenUnsatisfiable: core.DoNotSchedule}
			p.Spec.TopologySpreadConstraints = []core.TopologySpreadConstraint{c, c}
		}, []string{`spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{topology.kubernetes.io/zone, DoNotSchedule}"`}},
		{"hostname and subdomain", func(p *core.Pod) { p.Spec.Hostname, p.Spec.Subdomain = "web.1", "Sub" },
			[]string{
				`spec.hostname: Invalid value: "web.1": must not contain dots`,
				`spec.subdomain: Invalid value: "Sub": ` + dnsLabelMsg,
			}},
		{"host network port mismatch", func(p *core.Pod) {
			p.Spec.HostNetwork = true
			p.Spec.Containers[0].Ports[0].HostPort = 8080
		}, []string{"spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"}},
		{"sidecar may have probes", func(p *core.Pod) {
			p.Spec.InitContainers = []core.Container{{Name: "proxy", Image: "envoy", RestartPolicy: ptr(core.ContainerRestartPolicyAlways),
				ImagePullPolicy: core.PullIfNotPresent, TerminationMessagePolicy: core.TerminationMessageReadFile,
				ReadinessProbe: &core.Probe{ProbeHandler: core.ProbeHandler{TCPSocket: &core.TCPSocketAction{Port: meta.FromInt(15000)}},
					PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3, TimeoutSeconds: 1}}}
		}, nil},
		{"init container may not have probes", func(p *core.Pod) {
			p.Spec.InitContainers = []core.Container{{Name: "setup", Image: "busybox",
				ImagePullPolicy: core.PullIfNotPresent, TerminationMessagePolicy: core.TerminationMessageReadFile,
				LivenessProbe: &core.Probe{ProbeHandler: core.ProbeHandler{Exec: &core.ExecAction{Command: []string{"true"}}}}}}
		}, []string{"spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"}},
		{"init container restart policy", func(p *core.Pod) {
			p.Spec.InitContainers = []core.Container{{Name: "setup", Image: "busybox", RestartPolicy: ptr(core.ContainerRestartPolicy("Sometimes")),
				ImagePullPolicy: core.PullIfNotPresent, TerminationMessagePolicy: core.TerminationMessageReadFile}}
		}, []string{`spec.initContainers[0].restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"`}},
		{"security context ids", func(p *core.Pod) {
			p.Spec.SecurityContext.RunAsUser = ptr(int64(-1))
			p.Spec.Containers[0].SecurityContext = &core.SecurityContext{RunAsGroup: ptr(int64(1 << 40))}
		}, []string{
			"spec.containers[0].securityContext.runAsGroup: Invalid value: 1099511627776: must be between 0 and 2147483647, inclusive",
			"spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
		}},
		{"sysctl with host network", func(p *core.Pod) {
			p.Spec.HostNetwork = true
			p.Spec.Containers[0].Ports[0].HostPort = 80
			p.Spec.SecurityContext.Sysctls = []core.Sysctl{{Name: "net.core.somaxconn", Value: "1024"}}
		}, []string{`spec.securityContext.sysctls[0].name: Invalid value: "net.core.somaxconn": may not be specified when 'hostNetwork' is true`}},
		{"service account name", func(p *core.Pod) { p.Spec.ServiceAccountName = "Builder" },
			[]string{`spec.serviceAccountName: Invalid value: "Builder": ` + subdomainMsg}},
		{"ephemeral containers on create", func(p *core.Pod) {
			p.Spec.EphemeralContainers = []core.EphemeralContainer{{EphemeralContainerCommon: core.EphemeralContainerCommon{
				Name: "debug", Image: "busybox", ImagePullPolicy: core.PullIfNotPresent, TerminationMessagePolicy: core.TerminationMessageReadFile}}}
		}, []string{"spec.ephemeralContainers: Forbidden: cannot be set on create"}},
		{"scheduling gates with node", func(p *core.Pod) {
			p.Spec.SchedulingGates = []core.PodSchedulingGate{{Name: "example.com/wait"}}
			p.Spec.NodeName = "node-1"
		}, []string{"spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"}},
		{"pod-level requests below containers", func(p *core.Pod) {
			p.Spec.Containers[0].Resources.Requests = core.ResourceList{core.ResourceCPU: resource.MustParse("2")}
			p.Spec.Resources = &core.ResourceRequirements{Requests: core.ResourceList{core.ResourceCPU: resource.MustParse("1")}}
		}, []string{`spec.resources.requests[cpu]: Invalid value: "1": must be greater than or equal to aggregate container requests of 2`}},
		{"projected token without service account", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "token", VolumeSource: core.VolumeSource{Projected: &core.ProjectedVolumeSource{
				Sources: []core.VolumeProjection{{ServiceAccountToken: &core.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr(int64(3600))}}},
			}}}}
		}, []string{"spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validPod()
			tt.mutate(p)
			checkErrs(t, p.Validate(), tt.want)
		})
	}
}

func TestPodValidateUpdate(t *testing.T) {
	const fields = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
	tests := []struct {
		name   string
		old    func(p *core.Pod)
		mutate func(p *core.Pod)
		want   []string
	}{
		{"no change", nil, func(p *core.Pod) {}, nil},
		{"image", nil, func(p *core.Pod) { p.Spec.Containers[0].Image = "nginx:1.28" }, nil},
		{"labels", nil, func(p *core.Pod) { p.Labels = map[string]string{"tier": "front"} }, nil},
		{"add toleration", nil, func(p *core.Pod) {
			p.Spec.Tolerations = []core.Toleration{{Key: "k", Operator: core.TolerationOpExists}}
		}, nil},
		{"change toleration", func(p *core.Pod) {
			p.Spec.Tolerations = []core.Toleration{{Key: "k", Operator: core.TolerationOpExists}}
		}, func(p *core.Pod) {
			p.Spec.Tolerations = []core.Toleration{{Key: "other", Operator: core.TolerationOpExists}}
		}, []string{"spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"}},
		{"remove scheduling gate", func(p *core.Pod) {
			p.Spec.SchedulingGates = []core.PodSchedulingGate{{Name: "example.com/a"}, {Name: "example.com/b"}}
		}, func(p *core.Pod) {
			p.Spec.SchedulingGates = []core.PodSchedulingGate{{Name: "example.com/b"}}
		}, nil},
		{"add scheduling gate", nil, func(p *core.Pod) {
			p.Spec.SchedulingGates = []core.PodSchedulingGate{{Name: "example.com/a"}}
		}, []string{"spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/a'"}},
		{"lower active deadline", func(p *core.Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(100)) },
			func(p *core.Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(50)) }, nil},
		{"raise active deadline", func(p *core.Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(100)) },
			func(p *core.Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(200)) },
			[]string{"spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value"}},
		{"add container", nil, func(p *core.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, core.Container{Name: "side", Image: "busybox",
				ImagePullPolicy: core.PullIfNotPresent, TerminationMessagePolicy: core.TerminationMessageReadFile})
		}, []string{"spec.containers: Forbidden: pod updates may not add or remove containers"}},
		{"add mirror annotation", func(p *core.Pod) { p.Spec.NodeName = "node-1" },
			func(p *core.Pod) { p.Annotations = map[string]string{"kubernetes.io/config.mirror": "x"} },
			[]string{"metadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not add mirror pod annotation"}},
		{"rename", nil, func(p *core.Pod) { p.Name = "api" },
			[]string{`metadata.name: Invalid value: "api": field is immutable`}},
		{"no resource version", nil, func(p *core.Pod) { p.ResourceVersion = "" },
			[]string{`metadata.resourceVersion: Invalid value: "": must be specified for an update`}},
		{"finalizer while deleting", func(p *core.Pod) { p.DeletionTimestamp = &meta.Time{} },
			func(p *core.Pod) { p.Finalizers = []string{"example.com/hold"} },
			[]string{`metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/hold"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := validPod()
			old.ResourceVersion = "5"
			if tt.old != nil {
				tt.old(old)
			}
			p := meta.DeepCopy(old)
			tt.mutate(p)
			checkErrs(t, p.ValidateUpdate(old), tt.want)
		})
	}

	// Any other change is refused with the list of what may change and a
	// diff of the spec.
	old := validPod()
	old.ResourceVersion = "5"
	p := meta.DeepCopy(old)
	p.Spec.RestartPolicy = core.RestartPolicyNever
	errs := p.ValidateUpdate(old)
	if len(errs) != 1 {
		t.Fatalf("restartPolicy change: %v", errs)
	}
	msg := errs[0].Error()
	if want := "spec: Forbidden: " + fields + "\n@@ "; !strings.HasPrefix(msg, want) {
		t.Errorf("restartPolicy change:\n got: %q\nwant prefix: %q", msg, want)
	}
	for _, line := range []string{`- "restartPolicy": "Always",`, `+ "restartPolicy": "Never",`} {
		if !strings.Contains(msg, "\n"+line+"\n") {
			t.Errorf("diff lacks %q:\n%s", line, msg)
		}
	}
}

func TestPodValidateStatusUpdate(t *testing.T) {
	old := validPod()
	old.ResourceVersion = "3"
	p := meta.DeepCopy(old)
	p.Status.PodIP = "10.0.0.5"
	p.Status.PodIPs = []core.PodIP{{IP: "10.0.0.5"}, {IP: "10.0.0.6"}}
	p.Status.HostIP = "192.168.1.2"
	p.Status.HostIPs = []core.HostIP{{IP: "192.168.1.2"}}
	checkErrs(t, p.ValidateStatusUpdate(old), []string{
		`status.podIPs: Invalid value: [{"IP":"10.0.0.5"},{"IP":"10.0.0.6"}]: may specify no more than one IP for each IP family`,
	})
	p.Status.PodIPs = []core.PodIP{{IP: "10.0.0.5"}, {IP: "fd00::5"}}
	checkErrs(t, p.ValidateStatusUpdate(old), nil)
	p.Status.PodIPs = []core.PodIP{{IP: "010.0.0.5"}}
	p.Status.PodIP = "010.0.0.5"
	checkErrs(t, p.ValidateStatusUpdate(old), []string{`status.podIPs[0]: Invalid value: "010.0.0.5": must not have leading 0s`})
}

func TestValidatePodTemplateSpec(t *testing.T) {
	tmpl := &core.PodTemplateSpec{
		ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}},
	}
	tmpl.Default()
	p := meta.NewPath("spec", "template")
	checkErrs(t, core.ValidatePodTemplateSpec(tmpl, p), nil)

	bad := meta.DeepCopy(tmpl)
	bad.Labels["app"] = "web app"
	bad.Spec.Containers[0].Image = ""
	// Kubernetes reports template labels at spec.template.labels.
	checkErrs(t, core.ValidatePodTemplateSpec(bad, p), []string{
		`spec.template.labels: Invalid value: "web app": ` + labelValueMsg,
		"spec.template.spec.containers[0].image: Required value",
	})

	// A template with hostNetwork may leave hostPort unset; a pod may not.
	hn := meta.DeepCopy(tmpl)
	hn.Spec.HostNetwork = true
	hn.Spec.Containers[0].Ports = []core.ContainerPort{{ContainerPort: 80, Protocol: core.ProtocolTCP}}
	checkErrs(t, core.ValidatePodSpec(&hn.Spec, p.Child("spec")), nil)

	eph := meta.DeepCopy(tmpl)
	eph.Spec.EphemeralContainers = []core.EphemeralContainer{{EphemeralContainerCommon: core.EphemeralContainerCommon{
		Name: "debug", Image: "busybox", ImagePullPolicy: core.PullIfNotPresent, TerminationMessagePolicy: core.TerminationMessageReadFile}}}
	checkErrs(t, core.ValidatePodTemplateSpec(eph, p), []string{
		"spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template",
	})

	pt := &core.PodTemplate{ObjectMeta: meta.ObjectMeta{Name: "t", Namespace: "default"}, Template: *meta.DeepCopy(bad)}
	checkErrs(t, pt.Validate(), []string{
		`template.labels: Invalid value: "web app": ` + labelValueMsg,
		"template.spec.containers[0].image: Required value",
	})
}

func validService() *core.Service {
	s := &core.Service{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: core.ServiceSpec{
			Selector:   map[string]string{"app": "web"},
			Ports:      []core.ServicePort{{Name: "http", Port: 80, TargetPort: meta.FromString("http")}},
			ClusterIP:  "10.96.0.10",
			ClusterIPs: []string{"10.96.0.10"},
		},
	}
	s.Default()
	return s
}

func TestServiceValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *core.Service)
		want   []string
	}{
		{"valid", func(s *core.Service) {}, nil},
		{"name starts with digit", func(s *core.Service) { s.Name = "1web" },
			[]string{`metadata.name: Invalid value: "1web": ` + dns1035Msg}},
		{"no ports", func(s *core.Service) { s.Spec.Ports = nil },
			[]string{"spec.ports: Required value"}},
		{"headless without ports", func(s *core.Service) {
			s.Spec.Ports, s.Spec.ClusterIP, s.Spec.ClusterIPs = nil, "None", nil
		}, nil},
		{"port out of range", func(s *core.Service) { s.Spec.Ports[0].Port = 0 },
			[]string{"spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"}},
		{"unnamed second port", func(s *core.Service) {
			s.Spec.Ports = append(s.Spec.Ports, core.ServicePort{Port: 443, Protocol: core.ProtocolTCP, TargetPort: meta.FromInt(8443)})
		}, []string{"spec.ports[1].name: Required value"}},
		{"duplicate port", func(s *core.Service) {
			s.Spec.Ports = append(s.Spec.Ports, core.ServicePort{Name: "alt", Port: 80, Protocol: core.ProtocolTCP, TargetPort: meta.FromInt(8080)})
		}, []string{`spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}`}},
		{"bad target port", func(s *core.Service) { s.Spec.Ports[0].TargetPort = meta.FromInt(0) },
			[]string{"spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"}},
		{"bad protocol", func(s *core.Service) { s.Spec.Ports[0].Protocol = "HTTP" },
			[]string{`spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`}},
		{"bad type", func(s *core.Service) { s.Spec.Type = "Internal" },
			[]string{`spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`}},
		{"node port on ClusterIP", func(s *core.Service) { s.Spec.Ports[0].NodePort = 30080 },
			[]string{"spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"}},
		{"bad cluster IP", func(s *core.Service) { s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.96.0", []string{"10.96.0"} },
			[]string{`spec.clusterIPs[0]: Invalid value: "10.96.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`}},
		{"cluster IPs out of sync", func(s *core.Service) { s.Spec.ClusterIPs = []string{"10.96.0.11"} },
			[]string{`spec.clusterIPs: Invalid value: ["10.96.0.11"]: first value must match ` + "`clusterIP`"}},
		{"selector label", func(s *core.Service) { s.Spec.Selector = map[string]string{"app": "a b"} },
			[]string{`spec.selector: Invalid value: "a b": ` + labelValueMsg}},
		{"external name", func(s *core.Service) {
			s.Spec = core.ServiceSpec{Type: core.ServiceTypeExternalName, ExternalName: "db.example.com.", SessionAffinity: core.ServiceAffinityNone}
		}, nil},
		{"external name missing", func(s *core.Service) {
			s.Spec = core.ServiceSpec{Type: core.ServiceTypeExternalName, SessionAffinity: core.ServiceAffinityNone}
		}, []string{"spec.externalName: Required value"}},
		{"headless NodePort", func(s *core.Service) {
			s.Spec.Type = core.ServiceTypeNodePort
			s.Spec.ClusterIP, s.Spec.ClusterIPs = "None", nil
			s.Spec.ExternalTrafficPolicy = core.ServiceExternalTrafficPolicyCluster
		}, []string{`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`}},
		{"Local traffic needs health check port", func(s *core.Service) {
			s.Spec.Type = core.ServiceTypeLoadBalancer
			s.Spec.ExternalTrafficPolicy = core.ServiceExternalTrafficPolicyLocal
			s.Spec.AllocateLoadBalancerNodePorts = ptr(true)
		}, []string{"spec.healthCheckNodePort: Required value"}},
		{"session affinity", func(s *core.Service) { s.Spec.SessionAffinity = "Sticky" },
			[]string{`spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"`}},
		{"external IP loopback", func(s *core.Service) { s.Spec.ExternalIPs = []string{"127.0.0.1"} },
			[]string{
				`spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)`,
				"spec.externalTrafficPolicy: Required value",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validService()
			tt.mutate(s)
			checkErrs(t, s.Validate(), tt.want)
		})
	}
}

func TestServiceValidateUpdate(t *testing.T) {
	old := validService()
	old.ResourceVersion = "7"

	s := meta.DeepCopy(old)
	s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.96.0.20", []string{"10.96.0.20"}
	checkErrs(t, s.ValidateUpdate(old), []string{
		`spec.clusterIPs[0]: Invalid value: ["10.96.0.20"]: may not change once set`,
	})

	s = meta.DeepCopy(old)
	s.Spec.Ports[0].Port = 8080
	s.Spec.Type = core.ServiceTypeNodePort
	s.Spec.ExternalTrafficPolicy = core.ServiceExternalTrafficPolicyCluster
	checkErrs(t, s.ValidateUpdate(old), nil)

	s = meta.DeepCopy(old)
	s.Spec.ClusterIP, s.Spec.ClusterIPs = "", nil
	checkErrs(t, s.ValidateUpdate(old), []string{
		"spec.clusterIPs[0]: Invalid value: null: primary clusterIP can not be unset",
	})
}

func TestNodeValidate(t *testing.T) {
	n := &core.Node{ObjectMeta: meta.ObjectMeta{Name: "node-1"}, Spec: core.NodeSpec{PodCIDR: "10.244.1.0/24"}}
	n.Default()
	checkErrs(t, n.Validate(), nil)

	bad := meta.DeepCopy(n)
	bad.Namespace = "default"
	bad.Spec.PodCIDR = "10.244.1.1/24"
	bad.Spec.Taints = []core.Taint{
		{Key: "dedicated", Value: "gpu", Effect: "Evict"},
		{Key: "", Effect: core.TaintEffectNoSchedule},
		{Key: "dedicated", Value: "other", Effect: "Evict"},
	}
	checkErrs(t, bad.Validate(), []string{
		"metadata.namespace: Forbidden: not allowed on this type",
		`metadata.taints[0].effect: Unsupported value: "Evict": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`,
		`metadata.taints[1].key: Invalid value: "": name part must be non-empty`,
		`metadata.taints[1].key: Invalid value: "": ` + keyNameMsg,
		`metadata.taints[2].effect: Unsupported value: "Evict": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`,
		`metadata.taints[2]: Duplicate value: {"Key":"dedicated","Value":"other","Effect":"Evict","TimeAdded":null}: taints must be unique by key and effect pair`,
		`spec.podCIDRs[0]: Invalid value: "10.244.1.1/24": must not have bits set beyond the prefix length`,
	})

	old := meta.DeepCopy(n)
	old.ResourceVersion = "1"
	old.Spec.ProviderID = "kind://node-1"
	up := meta.DeepCopy(old)
	up.Spec.PodCIDR = "10.244.2.0/24"
	up.Spec.ProviderID = "kind://node-2"
	up.Spec.Unschedulable = true
	checkErrs(t, up.ValidateUpdate(old), []string{
		`spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid`,
		"spec.providerID: Invalid value: null: field cannot be modified once set",
	})
}

func TestNamespaceValidate(t *testing.T) {
	ns := &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a"}}
	ns.Default()
	ns.PrepareForCreate()
	checkErrs(t, ns.Validate(), nil)

	bad := &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "team.a"}, Spec: core.NamespaceSpec{Finalizers: []core.FinalizerName{"custom"}}}
	checkErrs(t, bad.Validate(), []string{
		`metadata.name: Invalid value: "team.a": must not contain dots`,
		`spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified`,
	})

	old := meta.DeepCopy(ns)
	old.ResourceVersion = "2"
	st := meta.DeepCopy(old)
	st.Status.Phase = core.NamespaceTerminating
	checkErrs(t, st.ValidateStatusUpdate(old), []string{
		`status.Phase: Invalid value: "Terminating": may only be 'Active' if ` + "`deletionTimestamp`" + ` is empty`,
	})
	fin := meta.DeepCopy(old)
	fin.Spec.Finalizers = nil
	checkErrs(t, fin.ValidateFinalize(old), nil)
	fin.Spec.Finalizers = []core.FinalizerName{"example.com/cleanup", "x"}
	checkErrs(t, fin.ValidateFinalize(old), []string{
		`spec.finalizers[1]: Invalid value: "x": name is neither a standard finalizer name nor is it fully qualified`,
	})
}

func TestConfigMapValidate(t *testing.T) {
	cm := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "cfg", Namespace: "default"},
		Data: map[string]string{"app.conf": "x", "../up": "y"}, BinaryData: map[string][]byte{"app.conf": {1}}}
	checkErrs(t, cm.Validate(), []string{
		`data[../up]: Invalid value: "../up": ` + configKeyMsg,
		`data[../up]: Invalid value: "../up": must not start with '..'`,
		`data[app.conf]: Invalid value: "app.conf": duplicate of key present in binaryData`,
	})

	big := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "big", Namespace: "default"},
		Data: map[string]string{"a": strings.Repeat("x", core.MaxSecretSize), "b": "y"}}
	checkErrs(t, big.Validate(), []string{": Too long: may not be more than 1048576 bytes"})

	old := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "cfg", Namespace: "default", ResourceVersion: "1"},
		Immutable: ptr(true), Data: map[string]string{"k": "v"}}
	up := meta.DeepCopy(old)
	up.Data["k"] = "w"
	up.Immutable = nil
	checkErrs(t, up.ValidateUpdate(old), []string{
		"immutable: Forbidden: field is immutable when `immutable` is set",
		"data: Forbidden: field is immutable when `immutable` is set",
	})
	same := meta.DeepCopy(old)
	same.Labels = map[string]string{"a": "b"}
	checkErrs(t, same.ValidateUpdate(old), nil)
}

func TestSecretValidate(t *testing.T) {
	tests := []struct {
		name string
		s    core.Secret
		want []string
	}{
		{"opaque", core.Secret{Data: map[string][]byte{"password": []byte("x")}}, nil},
		{"tls without key", core.Secret{Type: core.SecretTypeTLS, Data: map[string][]byte{core.TLSCertKey: []byte("c")}},
			[]string{"data[tls.key]: Required value"}},
		{"tls from stringData", core.Secret{Type: core.SecretTypeTLS, StringData: map[string]string{core.TLSCertKey: "c", core.TLSPrivateKeyKey: "k"}}, nil},
		{"dockerconfigjson missing", core.Secret{Type: core.SecretTypeDockerConfigJSON},
			[]string{"data[.dockerconfigjson]: Required value"}},
		{"dockerconfigjson not JSON", core.Secret{Type: core.SecretTypeDockerConfigJSON, Data: map[string][]byte{core.DockerConfigJSONKey: []byte("{")}},
			[]string{`data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input`}},
		{"service account token without annotation", core.Secret{Type: core.SecretTypeServiceAccountToken},
			[]string{"metadata.annotations[kubernetes.io/service-account.name]: Required value"}},
		{"basic auth empty", core.Secret{Type: core.SecretTypeBasicAuth},
			[]string{"data[username]: Required value", "data[password]: Required value"}},
		{"bad key", core.Secret{Data: map[string][]byte{"a b": nil}},
			[]string{`data[a b]: Invalid value: "a b": ` + configKeyMsg}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			s.ObjectMeta = meta.ObjectMeta{Name: "s", Namespace: "default"}
			s.Default()
			checkErrs(t, s.Validate(), tt.want)
		})
	}

	old := &core.Secret{ObjectMeta: meta.ObjectMeta{Name: "s", Namespace: "default", ResourceVersion: "1"}, Type: core.SecretTypeOpaque,
		Immutable: ptr(true), Data: map[string][]byte{"k": []byte("v")}}
	up := meta.DeepCopy(old)
	up.Type = "example.com/custom"
	up.Data = map[string][]byte{"k": []byte("w")}
	checkErrs(t, up.ValidateUpdate(old), []string{
		`type: Invalid value: "example.com/custom": field is immutable`,
		"data: Forbidden: field is immutable when `immutable` is set",
	})
}

func TestServiceAccountValidate(t *testing.T) {
	sa := &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "builder", Namespace: "ci"}}
	checkErrs(t, sa.Validate(), nil)
	sa.Name = "builder/x"
	checkErrs(t, sa.Validate(), []string{`metadata.name: Invalid value: "builder/x": ` + subdomainMsg})
}

func TestEndpointsValidate(t *testing.T) {
	ep := &core.Endpoints{ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"}, Subsets: []core.EndpointSubset{{
		Addresses: []core.EndpointAddress{{IP: "10.244.1.5"}, {IP: "127.0.0.1"}, {IP: "10.1"}},
		Ports:     []core.EndpointPort{{Name: "http", Port: 8080}, {Port: 9090, Protocol: core.ProtocolTCP}},
	}, {}}}
	ep.Default()
	checkErrs(t, ep.Validate(), []string{
		`subsets[0].addresses[1].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)`,
		`subsets[0].addresses[2].ip: Invalid value: "10.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
		`subsets[0].addresses[2].ip: Invalid value: "10.1": must be a valid IP address`,
		"subsets[0].ports[1].name: Required value",
		"subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`",
	})

	// Subsets stored before are not checked again on update.
	old := meta.DeepCopy(ep)
	old.ResourceVersion = "4"
	up := meta.DeepCopy(old)
	up.Labels = map[string]string{"a": "b"}
	checkErrs(t, up.ValidateUpdate(old), nil)
}

func TestPersistentVolumeValidate(t *testing.T) {
	pv := &core.PersistentVolume{ObjectMeta: meta.ObjectMeta{Name: "pv-1"}, Spec: core.PersistentVolumeSpec{
		Capacity:               core.ResourceList{core.ResourceStorage: resource.MustParse("10Gi")},
		AccessModes:            []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
		PersistentVolumeSource: core.PersistentVolumeSource{HostPath: &core.HostPathVolumeSource{Path: "/data/pv-1"}},
	}}
	pv.Default()
	checkErrs(t, pv.Validate(), nil)

	bad := meta.DeepCopy(pv)
	bad.Spec.AccessModes = nil
	bad.Spec.Capacity = core.ResourceList{core.ResourceStorage: resource.MustParse("0")}
	bad.Spec.NFS = &core.NFSVolumeSource{Server: "nfs", Path: "exports"}
	checkErrs(t, bad.Validate(), []string{
		"spec.accessModes: Required value",
		`spec.capacity[storage]: Invalid value: "0": must be greater than zero`,
		"spec.nfs: Forbidden: may not specify more than 1 volume type",
	})

	local := meta.DeepCopy(pv)
	local.Spec.HostPath = nil
	local.Spec.Local = &core.LocalVolumeSource{Path: "/mnt/disk"}
	checkErrs(t, local.Validate(), []string{"spec.nodeAffinity: Required value: Local volume requires node affinity"})

	old := meta.DeepCopy(pv)
	old.ResourceVersion = "1"
	up := meta.DeepCopy(old)
	up.Spec.HostPath.Path = "/data/other"
	up.Spec.PersistentVolumeReclaimPolicy = core.PersistentVolumeReclaimDelete
	errs := up.ValidateUpdate(old)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n@@") {
		t.Errorf("source change: %v", errs)
	}
}

func TestPersistentVolumeClaimValidate(t *testing.T) {
	pvc := &core.PersistentVolumeClaim{ObjectMeta: meta.ObjectMeta{Name: "data", Namespace: "default"}, Spec: core.PersistentVolumeClaimSpec{
		AccessModes: []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
		Resources:   core.VolumeResourceRequirements{Requests: core.ResourceList{core.ResourceStorage: resource.MustParse("1Gi")}},
	}}
	pvc.Default()
	checkErrs(t, pvc.Validate(), nil)

	bad := meta.DeepCopy(pvc)
	bad.Spec.AccessModes = []core.PersistentVolumeAccessMode{"ReadSometimes"}
	bad.Spec.Resources.Requests = nil
	checkErrs(t, bad.Validate(), []string{
		`spec.accessModes: Unsupported value: "ReadSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`,
		"spec.resources[storage]: Required value",
	})

	old := meta.DeepCopy(pvc)
	old.ResourceVersion = "3"
	old.Spec.VolumeName = "pv-1"
	old.Status.Phase = core.ClaimBound
	old.Status.Capacity = core.ResourceList{core.ResourceStorage: resource.MustParse("1Gi")}

	grow := meta.DeepCopy(old)
	grow.Spec.Resources.Requests[core.ResourceStorage] = resource.MustParse("2Gi")
	checkErrs(t, grow.ValidateUpdate(old), nil)

	shrink := meta.DeepCopy(old)
	shrink.Spec.Resources.Requests[core.ResourceStorage] = resource.MustParse("512Mi")
	checkErrs(t, shrink.ValidateUpdate(old), []string{
		"spec.resources.requests.storage: Forbidden: field can not be less than status.capacity",
	})

	modes := meta.DeepCopy(old)
	modes.Spec.AccessModes = []core.PersistentVolumeAccessMode{core.ReadWriteMany}
	errs := modes.ValidateUpdate(old)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n@@") {
		t.Errorf("access mode change: %v", errs)
	}

	// Binding sets volumeName once.
	unbound := meta.DeepCopy(pvc)
	unbound.ResourceVersion = "1"
	bound := meta.DeepCopy(unbound)
	bound.Spec.VolumeName = "pv-1"
	checkErrs(t, bound.ValidateUpdate(unbound), nil)
}

func TestEventValidate(t *testing.T) {
	ev := &core.Event{ObjectMeta: meta.ObjectMeta{Name: "web.17a3", Namespace: "default"},
		InvolvedObject: core.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web"}, Reason: "Started", Type: core.EventTypeNormal}
	checkErrs(t, ev.Validate(), nil)

	other := meta.DeepCopy(ev)
	other.InvolvedObject.Namespace = "kube-system"
	checkErrs(t, other.Validate(), []string{`involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace`})

	modern := meta.DeepCopy(ev)
	modern.EventTime = meta.NowMicro()
	modern.Reason = strings.Repeat("r", 129)
	checkErrs(t, modern.Validate(), []string{
		"reportingComponent: Required value",
		`reportingComponent: Invalid value: "": name part must be non-empty`,
		`reportingComponent: Invalid value: "": ` + keyNameMsg,
		"reportingInstance: Required value",
		"action: Required value",
		`reason: Invalid value: "": can have at most 128 characters`,
	})
}

func TestLimitRangeValidate(t *testing.T) {
	lr := &core.LimitRange{ObjectMeta: meta.ObjectMeta{Name: "limits", Namespace: "default"}, Spec: core.LimitRangeSpec{Limits: []core.LimitRangeItem{{
		Type: core.LimitTypeContainer,
		Max:  core.ResourceList{core.ResourceCPU: resource.MustParse("2")},
		Min:  core.ResourceList{core.ResourceCPU: resource.MustParse("100m")},
	}}}}
	lr.Default()
	checkErrs(t, lr.Validate(), nil)

	bad := meta.DeepCopy(lr)
	bad.Spec.Limits[0].Min[core.ResourceCPU] = resource.MustParse("3")
	bad.Spec.Limits = append(bad.Spec.Limits,
		core.LimitRangeItem{Type: core.LimitTypePod, Default: core.ResourceList{core.ResourceCPU: resource.MustParse("1")}},
		core.LimitRangeItem{Type: "Volume"})
	checkErrs(t, bad.Validate(), []string{
		`spec.limits[0].min[cpu]: Invalid value: "3": min value 3 is greater than max value 2`,
		`spec.limits[0].defaultRequest[cpu]: Invalid value: "2": min value 3 is greater than default request value 2`,
		`spec.limits[0].default[cpu]: Invalid value: "3": min value 3 is greater than default value 2`,
		"spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'",
		`spec.limits[2].type: Invalid value: "Volume": must be a standard limit type or fully qualified`,
	})
}

func TestResourceQuotaValidate(t *testing.T) {
	q := &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Name: "quota", Namespace: "default"}, Spec: core.ResourceQuotaSpec{
		Hard: core.ResourceList{core.ResourcePods: resource.MustParse("10"), core.ResourceRequestsCPU: resource.MustParse("4")},
	}}
	checkErrs(t, q.Validate(), nil)

	bad := meta.DeepCopy(q)
	bad.Spec.Hard["pods"] = resource.MustParse("1500m")
	bad.Spec.Hard["widgets"] = resource.MustParse("1")
	bad.Spec.Scopes = []core.ResourceQuotaScope{core.ResourceQuotaScopeBestEffort, core.ResourceQuotaScopeNotBestEffort}
	checkErrs(t, bad.Validate(), []string{
		`spec.hard[pods]: Invalid value: "1500m": must be an integer`,
		`spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified`,
		`spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota`,
		`spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: unsupported scope applied to resource`,
		`spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: conflicting scopes`,
	})

	old := meta.DeepCopy(q)
	old.ResourceVersion = "1"
	up := meta.DeepCopy(old)
	up.Spec.Scopes = []core.ResourceQuotaScope{core.ResourceQuotaScopeNotTerminating}
	checkErrs(t, up.ValidateUpdate(old), []string{`spec.scopes: Invalid value: ["NotTerminating"]: field is immutable`})
}

func TestBindingValidate(t *testing.T) {
	b := &core.Binding{ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"}, Target: core.ObjectReference{Kind: "Node", Name: "node-1"}}
	checkErrs(t, b.Validate(), nil)
	b.Target = core.ObjectReference{Kind: "Pod"}
	checkErrs(t, b.Validate(), []string{
		`target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"`,
		"target.name: Required value",
	})
}

func TestStatusUpdates(t *testing.T) {
	svc := validService()
	svc.ResourceVersion = "1"
	lb := meta.DeepCopy(svc)
	lb.Status.LoadBalancer.Ingress = []core.LoadBalancerIngress{{IP: "203.0.113.7"}}
	checkErrs(t, lb.ValidateStatusUpdate(svc), []string{
		"status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
	})
	svc.Spec.Type = core.ServiceTypeLoadBalancer
	lb.Spec.Type = core.ServiceTypeLoadBalancer
	lb.Status.LoadBalancer.Ingress = []core.LoadBalancerIngress{{IP: "203.0.113.7"}, {Hostname: "10.0.0.1"}}
	checkErrs(t, lb.ValidateStatusUpdate(svc), []string{
		"status.loadBalancer.ingress[0].ipMode: Required value: must be specified when `ip` is set",
		`status.loadBalancer.ingress[1].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address`,
	})

	q := &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Name: "q", Namespace: "default", ResourceVersion: "1"}}
	used := meta.DeepCopy(q)
	used.Status.Used = core.ResourceList{core.ResourcePods: resource.MustParse("-1")}
	checkErrs(t, used.ValidateStatusUpdate(q), []string{`status.used[pods]: Invalid value: "-1": must be greater than or equal to 0`})

	n := &core.Node{ObjectMeta: meta.ObjectMeta{Name: "n", ResourceVersion: "1"}}
	ns := meta.DeepCopy(n)
	ns.Status.Addresses = []core.NodeAddress{{Type: core.NodeInternalIP, Address: "10.0.0.1"}, {Type: core.NodeInternalIP, Address: "10.0.0.1"}}
	checkErrs(t, ns.ValidateStatusUpdate(n), []string{`status.addresses[1]: Duplicate value: {"Type":"InternalIP","Address":"10.0.0.1"}`})

	pv := &core.PersistentVolume{ObjectMeta: meta.ObjectMeta{Name: "pv", ResourceVersion: "1"}}
	pvs := meta.DeepCopy(pv)
	pvs.Status.Phase = core.VolumeBound
	checkErrs(t, pvs.ValidateStatusUpdate(pv), nil)

	pvc := &core.PersistentVolumeClaim{ObjectMeta: meta.ObjectMeta{Name: "c", Namespace: "default", ResourceVersion: "1"},
		Spec: core.PersistentVolumeClaimSpec{AccessModes: []core.PersistentVolumeAccessMode{core.ReadWriteOnce}}}
	pvcs := meta.DeepCopy(pvc)
	pvcs.Status.Capacity = core.ResourceList{core.ResourceStorage: resource.MustParse("1Gi")}
	checkErrs(t, pvcs.ValidateStatusUpdate(pvc), nil)
}

func TestOtherUpdates(t *testing.T) {
	sa := &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "sa", Namespace: "default", ResourceVersion: "1"}}
	sa2 := meta.DeepCopy(sa)
	sa2.Namespace = "other"
	checkErrs(t, sa2.ValidateUpdate(sa), []string{`metadata.namespace: Invalid value: "other": field is immutable`})

	ev := &core.Event{ObjectMeta: meta.ObjectMeta{Name: "e", Namespace: "default", ResourceVersion: "1"},
		InvolvedObject: core.ObjectReference{Kind: "Node", Name: "n"}}
	ev2 := meta.DeepCopy(ev)
	ev2.Count = 2
	checkErrs(t, ev2.ValidateUpdate(ev), nil)

	lr := &core.LimitRange{ObjectMeta: meta.ObjectMeta{Name: "l", Namespace: "default", ResourceVersion: "1"}}
	lr2 := meta.DeepCopy(lr)
	lr2.Spec.Limits = []core.LimitRangeItem{{Type: core.LimitTypePersistentVolumeClaim}}
	checkErrs(t, lr2.ValidateUpdate(lr), []string{
		"spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided",
	})

	pt := &core.PodTemplate{ObjectMeta: meta.ObjectMeta{Name: "t", Namespace: "default", ResourceVersion: "1"},
		Template: core.PodTemplateSpec{Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "busybox"}}}}}
	pt.Default()
	pt2 := meta.DeepCopy(pt)
	pt2.Template.Spec.Containers[0].Image = "busybox:1.36"
	checkErrs(t, pt2.ValidateUpdate(pt), nil)

	b := &core.Binding{}
	checkErrs(t, b.ValidateUpdate(&core.Binding{}), []string{": Forbidden: bindings may not be updated"})
}

func ExamplePod_Validate() {
	pod := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: core.PodSpec{Containers: []core.Container{
			{Name: "app", Image: "nginx", Ports: []core.ContainerPort{{ContainerPort: 80}}},
			{Name: "app"},
		}},
	}
	pod.Default() // the API server defaults before it validates
	errs := pod.Validate()
	fmt.Println(meta.NewInvalid(meta.GroupKind{Kind: "Pod"}, pod.Name, errs).Message)
	// Output:
	// Pod "web" is invalid: [spec.containers[1].image: Required value, spec.containers[1].name: Duplicate value: "app"]
}

// A typical Deployment-created pod: two containers with ports, env,
// resources, probes, volumes.
func benchPod() *core.Pod {
	probe := &core.Probe{ProbeHandler: core.ProbeHandler{HTTPGet: &core.HTTPGetAction{Path: "/healthz", Port: meta.FromString("http")}}}
	p := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "web-7d4b9c8f6d-x2k4p", Namespace: "default",
			Labels:      map[string]string{"app": "web", "pod-template-hash": "7d4b9c8f6d"},
			Annotations: map[string]string{"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"}},
		Spec: core.PodSpec{
			Volumes: []core.Volume{{Name: "config", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{
				LocalObjectReference: core.LocalObjectReference{Name: "web-config"}}}}},
			Containers: []core.Container{{
				Name: "web", Image: "registry.example.com/web:1.4.2",
				Ports: []core.ContainerPort{{Name: "http", ContainerPort: 8080}},
				Env:   []core.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "POD_IP", ValueFrom: &core.EnvVarSource{FieldRef: &core.ObjectFieldSelector{FieldPath: "status.podIP"}}}},
				Resources: core.ResourceRequirements{
					Requests: core.ResourceList{core.ResourceCPU: resource.MustParse("250m"), core.ResourceMemory: resource.MustParse("256Mi")},
					Limits:   core.ResourceList{core.ResourceMemory: resource.MustParse("512Mi")},
				},
				VolumeMounts:   []core.VolumeMount{{Name: "config", MountPath: "/etc/web"}},
				LivenessProbe:  probe,
				ReadinessProbe: meta.DeepCopy(probe),
			}, {
				Name: "proxy", Image: "envoyproxy/envoy:v1.30.1",
				Ports: []core.ContainerPort{{Name: "admin", ContainerPort: 9901}},
			}},
			Tolerations: []core.Toleration{{Key: core.TaintNodeNotReady, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute, TolerationSeconds: ptr(int64(300))}},
		},
	}
	p.Default()
	return p
}

func BenchmarkPodValidate(b *testing.B) {
	p := benchPod()
	if errs := p.Validate(); len(errs) > 0 {
		b.Fatal(errs)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Validate()
	}
}

func BenchmarkPodValidateUpdate(b *testing.B) {
	old := benchPod()
	old.ResourceVersion = "10"
	p := meta.DeepCopy(old)
	p.Spec.Containers[0].Image = "registry.example.com/web:1.4.3"
	if errs := p.ValidateUpdate(old); len(errs) > 0 {
		b.Fatal(errs)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.ValidateUpdate(old)
	}
}

func TestPodValidateVolumesAndMore(t *testing.T) {
	pvcVol := core.Volume{Name: "block", VolumeSource: core.VolumeSource{PersistentVolumeClaim: &core.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}
	tests := []struct {
		name   string
		mutate func(p *core.Pod)
		want   []string
	}{
		{"volume device on a claim", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{pvcVol}
			p.Spec.Containers[0].VolumeDevices = []core.VolumeDevice{{Name: "block", DevicePath: "/dev/xvda"}}
		}, nil},
		{"volume device problems", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{pvcVol, {Name: "scratch", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}}}
			p.Spec.Containers[0].VolumeMounts = []core.VolumeMount{{Name: "block", MountPath: "/dev/xvda"}}
			p.Spec.Containers[0].VolumeDevices = []core.VolumeDevice{{Name: "block", DevicePath: "/dev/xvda"}, {Name: "scratch", DevicePath: "/dev/../x"}}
		}, []string{
			`spec.containers[0].volumeMounts[0].name: Invalid value: "block": must not already exist in volumeDevices`,
			`spec.containers[0].volumeMounts[0].mountPath: Invalid value: "/dev/xvda": must not already exist as a path in volumeDevices`,
			`spec.containers[0].volumeDevices[0].name: Invalid value: "block": must not already exist in volumeMounts`,
			`spec.containers[0].volumeDevices[0].devicePath: Invalid value: "/dev/xvda": must not already exist as a path in volumeMounts`,
			`spec.containers[0].volumeDevices[1].name: Invalid value: "scratch": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode`,
			`spec.containers[0].volumeDevices[1].devicePath: Invalid value: "/dev/../x": can not contain backsteps ('..')`,
		}},
		{"recursive read-only needs readOnly", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "scratch", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}}}
			p.Spec.Containers[0].VolumeMounts = []core.VolumeMount{{Name: "scratch", MountPath: "/s", RecursiveReadOnly: ptr(core.RecursiveReadOnlyEnabled)}}
		}, []string{"spec.containers[0].volumeMounts.recursiveReadOnly: Forbidden: may only be specified when readOnly is true"}},
		{"bidirectional propagation", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "scratch", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}}}
			p.Spec.Containers[0].VolumeMounts = []core.VolumeMount{{Name: "scratch", MountPath: "/s", MountPropagation: ptr(core.MountPropagationBidirectional)}}
		}, []string{"spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers"}},
		{"iscsi and fc", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{
				{Name: "iscsi", VolumeSource: core.VolumeSource{ISCSI: &core.ISCSIVolumeSource{TargetPortal: "10.0.0.1:3260", IQN: "iqn.bad", Lun: 300, SessionCHAPAuth: true}}},
				{Name: "fc", VolumeSource: core.VolumeSource{FC: &core.FCVolumeSource{TargetWWNs: []string{"500a0982991b8dc5"}}}},
			}
		}, []string{
			`spec.volumes[0].iscsi.iqn: Invalid value: "iqn.bad": must be valid format`,
			"spec.volumes[0].iscsi.lun: Invalid value: 300: must be between 0 and 255, inclusive",
			"spec.volumes[0].iscsi.secretRef: Required value",
			"spec.volumes[1].fc.lun: Required value: lun is required if targetWWNs is specified",
		}},
		{"nfs relative path", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "nfs", VolumeSource: core.VolumeSource{NFS: &core.NFSVolumeSource{Server: "nfs", Path: "exports"}}}}
		}, []string{`spec.volumes[0].nfs.path: Invalid value: "exports": must be an absolute path`}},
		{"ephemeral volume claim template", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "scratch", VolumeSource: core.VolumeSource{Ephemeral: &core.EphemeralVolumeSource{
				VolumeClaimTemplate: &core.PersistentVolumeClaimTemplate{
					ObjectMeta: meta.ObjectMeta{Name: "x", Labels: map[string]string{"a": "b"}},
					Spec: core.PersistentVolumeClaimSpec{AccessModes: []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
						Resources: core.VolumeResourceRequirements{Requests: core.ResourceList{core.ResourceStorage: resource.MustParse("1Gi")}}},
				}}}}}
		}, []string{"spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.name: Forbidden: cannot be set"}},
		{"pvc reused by ephemeral volume", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{
				{Name: "scratch", VolumeSource: core.VolumeSource{Ephemeral: &core.EphemeralVolumeSource{VolumeClaimTemplate: &core.PersistentVolumeClaimTemplate{
					Spec: core.PersistentVolumeClaimSpec{AccessModes: []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
						Resources: core.VolumeResourceRequirements{Requests: core.ResourceList{core.ResourceStorage: resource.MustParse("1Gi")}}}}}}},
				{Name: "again", VolumeSource: core.VolumeSource{PersistentVolumeClaim: &core.PersistentVolumeClaimVolumeSource{ClaimName: "web-scratch"}}},
			}
		}, []string{`spec.volumes[1].persistentVolumeClaim.claimName: Invalid value: "web-scratch": must not reference a PVC that gets created for an ephemeral volume`}},
		{"file key ref", func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "cfg", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{LocalObjectReference: core.LocalObjectReference{Name: "c"}}}}}
			p.Spec.Containers[0].Env = []core.EnvVar{
				{Name: "A", ValueFrom: &core.EnvVarSource{FileKeyRef: &core.FileKeySelector{VolumeName: "cfg", Path: "env", Key: "A"}}},
				{Name: "B", ValueFrom: &core.EnvVarSource{FileKeyRef: &core.FileKeySelector{VolumeName: "none", Path: "../env"}}},
			}
		}, []string{
			"spec.containers[0].env[1].valueFrom.fileKeyRef.key: Required value",
			`spec.containers[0].env[1].valueFrom.fileKeyRef.path: Invalid value: "../env": must not contain '..'`,
			`spec.containers[0].env[0].valueFrom.fileKeyRef.volumeName: Invalid value: "cfg": referenced volume must be of type emptyDir`,
			`spec.containers[0].env[1].valueFrom.fileKeyRef.volumeName: Not found: "none"`,
		}},
		{"resource field divisor", func(p *core.Pod) {
			p.Spec.Containers[0].Env = []core.EnvVar{{Name: "CPU", ValueFrom: &core.EnvVarSource{ResourceFieldRef: &core.ResourceFieldSelector{
				Resource: "limits.cpu", Divisor: resource.MustParse("1Mi")}}}}
		}, []string{`spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: Invalid value: "limits.cpu": only divisor's values 1m and 1 are supported with the cpu resource`}},
		{"resource claims", func(p *core.Pod) {
			p.Spec.ResourceClaims = []core.PodResourceClaim{{Name: "gpu", ResourceClaimName: ptr("gpu-claim")}, {Name: "gpu"}}
			p.Spec.Containers[0].Resources.Claims = []core.ResourceClaim{{Name: "gpu"}, {Name: "tpu"}}
		}, []string{
			`spec.resourceClaims[1].name: Duplicate value: "gpu"`,
			`spec.resourceClaims[1]: Invalid value: {"Name":"gpu","ResourceClaimName":null,"ResourceClaimTemplateName":null}: must specify one of: ` + "`resourceClaimName`, `resourceClaimTemplateName`",
			`spec.containers[0].resources.claims[1]: Not found: "tpu": must be one of the names in pod.spec.resourceClaims: gpu`,
		}},
		{"stop signal without os", func(p *core.Pod) {
			p.Spec.Containers[0].Lifecycle = &core.Lifecycle{StopSignal: ptr(core.Signal("SIGUSR1"))}
		}, []string{"spec.containers[0].lifecycle.stopSignal: Forbidden: may not be set for containers with empty `spec.os.name`"}},
		{"stop signal on windows", func(p *core.Pod) {
			p.Spec.OS = &core.PodOS{Name: core.Windows}
			p.Spec.Containers[0].Lifecycle = &core.Lifecycle{StopSignal: ptr(core.Signal("SIGUSR1"))}
		}, []string{`spec.containers[0].lifecycle.stopSignal: Unsupported value: "SIGUSR1": supported values: "SIGKILL", "SIGTERM"`}},
		{"sleep longer than grace period", func(p *core.Pod) {
			p.Spec.Containers[0].Lifecycle = &core.Lifecycle{PreStop: &core.LifecycleHandler{Sleep: &core.SleepAction{Seconds: 60}}}
		}, []string{"spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be non-negative and less than terminationGracePeriodSeconds (30)"}},
		{"apparmor localhost", func(p *core.Pod) {
			p.Spec.SecurityContext.AppArmorProfile = &core.AppArmorProfile{Type: core.AppArmorProfileTypeLocalhost}
			p.Spec.Containers[0].SecurityContext = &core.SecurityContext{SeccompProfile: &core.SeccompProfile{Type: core.SeccompProfileTypeLocalhost}}
		}, []string{
			"spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost",
			"spec.securityContext.appArmorProfile.localhostProfile: Required value: must be set when AppArmor type is Localhost",
		}},
		{"privileged without escalation", func(p *core.Pod) {
			p.Spec.Containers[0].SecurityContext = &core.SecurityContext{Privileged: ptr(true), AllowPrivilegeEscalation: ptr(false)}
		}, []string{"spec.containers[0].securityContext: Invalid value: " +
			`{"Capabilities":null,"Privileged":true,"SELinuxOptions":null,"WindowsOptions":null,"RunAsUser":null,"RunAsGroup":null,"RunAsNonRoot":null,"ReadOnlyRootFilesystem":null,"AllowPrivilegeEscalation":false,"ProcMount":null,"SeccompProfile":null,"AppArmorProfile":null}` +
			": cannot set `allowPrivilegeEscalation` to false and `privileged` to true"}},
		{"user namespaces", func(p *core.Pod) {
			p.Spec.HostUsers = ptr(false)
			p.Spec.HostPID = true
		}, []string{"spec.HostPID: Forbidden: when `hostUsers` is false"}},
		{"hostname override", func(p *core.Pod) {
			p.Spec.HostnameOverride = ptr("Web")
			p.Spec.SetHostnameAsFQDN = ptr(true)
		}, []string{
			"spec.hostnameOverride: Forbidden: may not be specified when setHostnameAsFQDN is true",
			`spec.hostnameOverride: Invalid value: "Web": ` + subdomainMsg,
		}},
		{"toleration Gt", func(p *core.Pod) {
			p.Spec.Tolerations = []core.Toleration{{Key: "cost", Operator: core.TolerationOpGt, Value: "010", Effect: core.TaintEffectNoSchedule}}
		}, []string{`spec.tolerations[0].value: Invalid value: "010": must be a valid decimal integer in canonical form`}},
		{"node field selector", func(p *core.Pod) {
			p.Spec.Affinity = &core.Affinity{NodeAffinity: &core.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &core.NodeSelector{NodeSelectorTerms: []core.NodeSelectorTerm{{
					MatchFields: []core.NodeSelectorRequirement{{Key: "metadata.uid", Operator: core.NodeSelectorOpExists}},
				}}},
			}}
		}, []string{
			`spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].operator: Invalid value: "Exists": not a valid selector operator`,
			`spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "metadata.uid": not a valid field selector key`,
		}},
		{"restart rules", func(p *core.Pod) {
			p.Spec.Containers[0].RestartPolicyRules = []core.ContainerRestartRule{{Action: "Kill"}}
		}, []string{
			"spec.containers[0].restartPolicy: Required value: must specify restartPolicy when restart rules are used",
			`spec.containers[0].restartPolicyRules[0].action: Unsupported value: "Kill": supported values: "Restart"`,
			"spec.containers[0].restartPolicyRules[0].exitCodes: Required value: must be specified",
		}},
		{"dns config", func(p *core.Pod) {
			p.Spec.DNSConfig = &core.PodDNSConfig{Nameservers: []string{"1.1.1.1", "8.8.8.8", "9.9.9.9", "x"},
				Searches: []string{"_srv.example.com", "bad..domain"}, Options: []core.PodDNSConfigOption{{}}}
		}, []string{
			`spec.dnsConfig.nameservers: Invalid value: ["1.1.1.1","8.8.8.8","9.9.9.9","x"]: must not have more than 3 nameservers`,
			`spec.dnsConfig.nameservers[3]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
			`spec.dnsConfig.searches[1]: Invalid value: "bad..domain": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')`,
			"spec.dnsConfig.options[0]: Required value: must not be empty",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validPod()
			tt.mutate(p)
			checkErrs(t, p.Validate(), tt.want)
		})
	}
}

func TestValidateTopologySelectorTerm(t *testing.T) {
	term := core.TopologySelectorTerm{MatchLabelExpressions: []core.TopologySelectorLabelRequirement{
		{Key: core.LabelTopologyZone, Values: []string{"a", "a"}},
		{Key: core.LabelTopologyZone},
	}}
	checkErrs(t, core.ValidateTopologySelectorTerm(term, meta.NewPath("allowedTopologies").Index(0)), []string{
		`allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: "a"`,
		"allowedTopologies[0].matchLabelExpressions[1].values: Required value",
		`allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: "topology.kubernetes.io/zone"`,
	})
}

func TestServiceIPFamiliesAndAffinity(t *testing.T) {
	s := validService()
	s.Spec.ClusterIPs = []string{"10.96.0.10", "10.96.0.11"}
	s.Spec.IPFamilies = []core.IPFamily{core.IPv6Protocol, "IPv5"}
	s.Spec.SessionAffinity = core.ServiceAffinityClientIP
	s.Spec.SessionAffinityConfig = &core.SessionAffinityConfig{ClientIP: &core.ClientIPConfig{TimeoutSeconds: ptr(int32(0))}}
	checkErrs(t, s.Validate(), []string{
		"spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400",
		`spec.ipFamilies[1]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"`,
		`spec.clusterIPs: Invalid value: ["10.96.0.10","10.96.0.11"]: may specify no more than one IP for each IP family`,
		`spec.clusterIPs[0]: Invalid value: "10.96.0.10": expected an IPv6 value as indicated by ` + "`ipFamilies[0]`",
	})

	old := validService()
	old.ResourceVersion = "1"
	old.Spec.IPFamilies = []core.IPFamily{core.IPv4Protocol}
	up := meta.DeepCopy(old)
	up.Spec.IPFamilies = []core.IPFamily{core.IPv6Protocol}
	checkErrs(t, up.ValidateUpdate(old), []string{
		`spec.ipFamilies[0]: Invalid value: ["IPv6"]: may not change once set`,
		`spec.clusterIPs[0]: Invalid value: "10.96.0.10": expected an IPv6 value as indicated by ` + "`ipFamilies[0]`",
	})
}

func TestExportedHelpers(t *testing.T) {
	inline := &core.PersistentVolumeSpec{
		AccessModes:                   []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
		Capacity:                      core.ResourceList{core.ResourceStorage: resource.MustParse("1Gi")},
		PersistentVolumeReclaimPolicy: core.PersistentVolumeReclaimDelete,
		PersistentVolumeSource:        core.PersistentVolumeSource{CSI: &core.CSIPersistentVolumeSource{Driver: "ebs.csi.aws.com", VolumeHandle: "vol-1"}},
	}
	p := meta.NewPath("spec", "source", "inlineVolumeSpec")
	checkErrs(t, core.ValidatePersistentVolumeSpec(inline, "", true, p), []string{
		"spec.source.inlineVolumeSpec.capacity: Forbidden: may not be specified in the context of inline volumes",
		"spec.source.inlineVolumeSpec.persistentVolumeReclaimPolicy: Forbidden: may only be Retain in the context of inline volumes",
	})
	checkErrs(t, core.ValidateCSIDriverName("Bad_Driver", meta.NewPath("spec", "attacher")), []string{
		`spec.attacher: Invalid value: "Bad_Driver": ` + subdomainMsg,
	})
	checkErrs(t, core.ValidatePreemptionPolicy("Sometimes", meta.NewPath("preemptionPolicy")), []string{
		`preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"`,
	})
	checkErrs(t, core.ValidateContainerResourceName("example.com/gpu", meta.NewPath("r")), nil)
	checkErrs(t, core.ValidateResourceQuantityValue(core.ResourcePods, resource.MustParse("2"), meta.NewPath("r")), nil)
}
