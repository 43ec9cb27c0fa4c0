package podsecurity_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/admission/podsecurity"
)

func pod(mutate func(p *core.Pod)) *core.Pod {
	p := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "c", Image: "nginx"}}},
	}
	p.Default()
	if mutate != nil {
		mutate(p)
	}
	return p
}

// restrictedPod complies with restricted.
func restrictedPod(p *core.Pod) {
	p.Spec.SecurityContext = &core.PodSecurityContext{RunAsNonRoot: new(true),
		SeccompProfile: &core.SeccompProfile{Type: core.SeccompProfileTypeRuntimeDefault}}
	for i := range p.Spec.Containers {
		p.Spec.Containers[i].SecurityContext = &core.SecurityContext{AllowPrivilegeEscalation: new(false),
			Capabilities: &core.Capabilities{Drop: []core.Capability{"ALL"}}}
	}
}

func TestEvaluate(t *testing.T) {
	latest := func(l podsecurity.Level) podsecurity.LevelVersion {
		return podsecurity.LevelVersion{Level: l, Version: podsecurity.Latest}
	}
	tests := []struct {
		name  string
		level podsecurity.LevelVersion
		pod   *core.Pod
		want  string
	}{
		{"default pod is baseline", latest(podsecurity.Baseline), pod(nil), ""},
		{"default pod is not restricted", latest(podsecurity.Restricted), pod(nil),
			`allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ` +
				`unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ` +
				`runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ` +
				`seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`},
		{"restricted pod", latest(podsecurity.Restricted), pod(restrictedPod), ""},
		{"privileged allows anything", latest(podsecurity.Privileged), pod(func(p *core.Pod) { p.Spec.HostPID = true }), ""},
		{"baseline violations in order", latest(podsecurity.Baseline), pod(func(p *core.Pod) {
			p.Spec.HostNetwork, p.Spec.HostIPC = true, true
			p.Spec.Volumes = []core.Volume{{Name: "data", VolumeSource: core.VolumeSource{HostPath: &core.HostPathVolumeSource{Path: "/data"}}}}
			p.Spec.Containers = append(p.Spec.Containers, core.Container{Name: "d", Image: "busybox",
				Ports:           []core.ContainerPort{{ContainerPort: 80, HostPort: 8080}, {ContainerPort: 81, HostPort: 8081}},
				SecurityContext: &core.SecurityContext{Privileged: new(true), Capabilities: &core.Capabilities{Add: []core.Capability{"SYS_ADMIN", "NET_ADMIN", "CHOWN"}}}})
			p.Spec.SecurityContext.Sysctls = []core.Sysctl{{Name: "kernel.msgmax", Value: "1"}, {Name: "net.ipv4.tcp_syncookies", Value: "1"}}
		}), `non-default capabilities (container "d" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add), ` +
			`host namespaces (hostNetwork=true, hostIPC=true), hostPath volumes (volume "data"), ` +
			`hostPort (container "d" uses hostPorts 8080, 8081), privileged (container "d" must not set securityContext.privileged=true), ` +
			`forbidden sysctls (kernel.msgmax)`},
		{"restricted replaces baseline volume check", latest(podsecurity.Restricted), pod(func(p *core.Pod) {
			restrictedPod(p)
			p.Spec.Volumes = []core.Volume{
				{Name: "a", VolumeSource: core.VolumeSource{HostPath: &core.HostPathVolumeSource{Path: "/a"}}},
				{Name: "b", VolumeSource: core.VolumeSource{NFS: &core.NFSVolumeSource{Server: "nfs", Path: "/"}}},
				{Name: "c", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}},
			}
		}), `restricted volume types (volumes "a", "b" use restricted volume types "hostPath", "nfs")`},
		{"explicit bad values", latest(podsecurity.Restricted), pod(func(p *core.Pod) {
			restrictedPod(p)
			p.Spec.SecurityContext.RunAsNonRoot = new(false)
			p.Spec.SecurityContext.RunAsUser = new(int64(0))
			p.Spec.Containers[0].SecurityContext.SeccompProfile = &core.SeccompProfile{Type: core.SeccompProfileTypeUnconfined}
			p.Spec.Containers[0].SecurityContext.Capabilities.Add = []core.Capability{"NET_BIND_SERVICE", "NET_RAW"}
		}), `unrestricted capabilities (container "c" must not include "NET_RAW" in securityContext.capabilities.add), ` +
			`runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false), runAsUser=0 (pod must not set runAsUser=0), ` +
			`seccompProfile (container "c" must not set securityContext.seccompProfile.type to "Unconfined")`},
		{"probe host from v1.34", latest(podsecurity.Baseline), pod(func(p *core.Pod) {
			p.Spec.Containers[0].LivenessProbe = &core.Probe{ProbeHandler: core.ProbeHandler{HTTPGet: &core.HTTPGetAction{Host: "10.0.0.1", Port: meta.FromInt(80)}}}
		}), `probe or lifecycle host (container "c" uses probe or lifecycle host "10.0.0.1")`},
		{"probe host before v1.34", podsecurity.LevelVersion{Level: podsecurity.Baseline, Version: podsecurity.MajorMinor(33)}, pod(func(p *core.Pod) {
			p.Spec.Containers[0].LivenessProbe = &core.Probe{ProbeHandler: core.ProbeHandler{HTTPGet: &core.HTTPGetAction{Host: "10.0.0.1", Port: meta.FromInt(80)}}}
		}), ""},
		{"windows pods skip linux checks from v1.25", latest(podsecurity.Restricted), pod(func(p *core.Pod) {
			p.Spec.OS = &core.PodOS{Name: core.Windows}
			p.Spec.SecurityContext.RunAsNonRoot = new(true)
		}), ""},
		{"windows pods before v1.25", podsecurity.LevelVersion{Level: podsecurity.Restricted, Version: podsecurity.MajorMinor(24)}, pod(func(p *core.Pod) {
			p.Spec.OS = &core.PodOS{Name: core.Windows}
			p.Spec.SecurityContext.RunAsNonRoot = new(true)
			p.Spec.SecurityContext.SeccompProfile = &core.SeccompProfile{Type: core.SeccompProfileTypeRuntimeDefault}
			p.Spec.Containers[0].SecurityContext = &core.SecurityContext{AllowPrivilegeEscalation: new(false)}
		}), `unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"])`},
		{"sysctl allowed from v1.29", podsecurity.LevelVersion{Level: podsecurity.Baseline, Version: podsecurity.MajorMinor(28)}, pod(func(p *core.Pod) {
			p.Spec.SecurityContext.Sysctls = []core.Sysctl{{Name: "net.ipv4.tcp_keepalive_time", Value: "60"}}
		}), `forbidden sysctls (net.ipv4.tcp_keepalive_time)`},
		{"user namespace relaxes from v1.35", latest(podsecurity.Restricted), pod(func(p *core.Pod) {
			restrictedPod(p)
			p.Spec.HostUsers = new(false)
			p.Spec.SecurityContext.RunAsNonRoot = nil
			p.Spec.Containers[0].SecurityContext.RunAsUser = new(int64(0))
			p.Spec.Containers[0].SecurityContext.ProcMount = new(core.UnmaskedProcMount)
		}), `procMount (container "c" must not set securityContext.procMount to "Unmasked")`},
		{"apparmor and selinux", latest(podsecurity.Baseline), pod(func(p *core.Pod) {
			p.Annotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/c": "unconfined"}
			p.Spec.SecurityContext.SELinuxOptions = &core.SELinuxOptions{Type: "spc_t", User: "root"}
		}), `forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/c="unconfined""), ` +
			`seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := podsecurity.Details(podsecurity.Evaluate(tt.level, &tt.pod.ObjectMeta, &tt.pod.Spec))
			if got != tt.want {
				t.Errorf("Evaluate(%s):\n got: %s\nwant: %s", tt.level, got, tt.want)
			}
		})
	}
}

func TestPolicyFromLabels(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		want   string // enforce, audit, warn
		errs   []string
	}{
		{"none", nil, "privileged:latest privileged:latest privileged:latest", nil},
		{"enforce sets warn", map[string]string{podsecurity.EnforceLevelLabel: "baseline", podsecurity.EnforceVersionLabel: "v1.30"},
			"baseline:v1.30 privileged:latest baseline:v1.30", nil},
		{"explicit warn wins", map[string]string{podsecurity.EnforceLevelLabel: "baseline", podsecurity.WarnLevelLabel: "restricted"},
			"baseline:latest privileged:latest restricted:latest", nil},
		{"invalid enforce fails closed", map[string]string{podsecurity.EnforceLevelLabel: "strict", podsecurity.AuditVersionLabel: "1.30"},
			"restricted:latest privileged:latest privileged:latest", []string{
				`metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`,
				`metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "1.30": must be "latest" or "v1.x"`,
			}},
		{"invalid warn fails open", map[string]string{podsecurity.WarnLevelLabel: "x", podsecurity.AuditLevelLabel: "restricted"},
			"privileged:latest restricted:latest privileged:latest", []string{
				`metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "x": must be one of privileged, baseline, restricted`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, errs := podsecurity.PolicyFromLabels(tt.labels, podsecurity.DefaultPolicy)
			if got := strings.Join([]string{p.Enforce.String(), p.Audit.String(), p.Warn.String()}, " "); got != tt.want {
				t.Errorf("policy = %s, want %s", got, tt.want)
			}
			var gotErrs []string
			for _, e := range errs {
				gotErrs = append(gotErrs, e.Error())
			}
			if !slices.Equal(gotErrs, tt.errs) {
				t.Errorf("errors = %q, want %q", gotErrs, tt.errs)
			}
		})
	}
}

func BenchmarkEvaluateRestricted(b *testing.B) {
	p := pod(restrictedPod)
	lv := podsecurity.LevelVersion{Level: podsecurity.Restricted, Version: podsecurity.Latest}
	for b.Loop() {
		if vs := podsecurity.Evaluate(lv, &p.ObjectMeta, &p.Spec); vs != nil {
			b.Fatal(vs)
		}
	}
}
