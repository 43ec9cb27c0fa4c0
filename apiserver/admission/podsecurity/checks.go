package podsecurity

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// check is one rule of the standards. Checks run in Kubernetes' order
// (baseline checks by ID, then restricted checks by ID), which fixes the
// order of reasons in messages.
type check struct {
	id    string
	level Level
	// since is the first minor version the check exists in.
	since int
	// overrides is the baseline check a restricted check replaces (from
	// since on).
	overrides string
	fn        func(v Version, m *meta.ObjectMeta, s *core.PodSpec) *Violation
}

var checks = []check{
	{id: "appArmorProfile", level: Baseline, fn: appArmorProfile},
	{id: "capabilities_baseline", level: Baseline, fn: capabilitiesBaseline},
	{id: "hostNamespaces", level: Baseline, fn: hostNamespaces},
	{id: "hostPathVolumes", level: Baseline, fn: hostPathVolumes},
	{id: "hostPorts", level: Baseline, fn: hostPorts},
	{id: "hostProbesAndHostLifecycle", level: Baseline, since: 34, fn: hostProbesAndLifecycle},
	{id: "privileged", level: Baseline, fn: privileged},
	{id: "procMount", level: Baseline, fn: procMountBaseline},
	{id: "seLinuxOptions", level: Baseline, fn: seLinuxOptions},
	{id: "seccompProfile_baseline", level: Baseline, fn: seccompBaseline},
	{id: "sysctls", level: Baseline, fn: sysctls},
	{id: "windowsHostProcess", level: Baseline, fn: windowsHostProcess},

	{id: "allowPrivilegeEscalation", level: Restricted, since: 8, fn: allowPrivilegeEscalation},
	{id: "capabilities_restricted", level: Restricted, since: 22, overrides: "capabilities_baseline", fn: capabilitiesRestricted},
	{id: "procMount_restricted", level: Restricted, since: 35, overrides: "procMount", fn: procMountRestricted},
	{id: "restrictedVolumes", level: Restricted, overrides: "hostPathVolumes", fn: restrictedVolumes},
	{id: "runAsNonRoot", level: Restricted, fn: runAsNonRoot},
	{id: "runAsUser", level: Restricted, since: 23, fn: runAsUser},
	{id: "seccompProfile_restricted", level: Restricted, since: 19, overrides: "seccompProfile_baseline", fn: seccompRestricted},
}

// Evaluate returns the violations of a pod (its metadata and spec, or a
// pod template's) against a level and version, nil if it complies.
func Evaluate(lv LevelVersion, m *meta.ObjectMeta, spec *core.PodSpec) []Violation {
	if lv.Level != Baseline && lv.Level != Restricted {
		return nil
	}
	v := lv.Version
	replaced := map[string]bool{}
	if lv.Level == Restricted {
		for _, c := range checks {
			if c.overrides != "" && v.atLeast(c.since) {
				replaced[c.overrides] = true
			}
		}
	}
	if m == nil {
		m = &meta.ObjectMeta{}
	}
	var out []Violation
	for _, c := range checks {
		if (c.level == Restricted && lv.Level != Restricted) || !v.atLeast(c.since) || replaced[c.id] {
			continue
		}
		if vi := c.fn(v, m, spec); vi != nil {
			out = append(out, *vi)
		}
	}
	return out
}

// visitContainers calls f on every container: init, regular, ephemeral.
func visitContainers(s *core.PodSpec, f func(c *core.Container)) {
	for i := range s.InitContainers {
		f(&s.InitContainers[i])
	}
	for i := range s.Containers {
		f(&s.Containers[i])
	}
	for i := range s.EphemeralContainers {
		f((*core.Container)(&s.EphemeralContainers[i].EphemeralContainerCommon))
	}
}

func joinQuote(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return `"` + strings.Join(items, `", "`) + `"`
}

func pluralize(singular, plural string, n int) string {
	if n == 1 {
		return singular
	}
	return plural
}

// set is a sorted set of strings, for deterministic messages.
type set map[string]bool

func (s set) list() []string {
	l := make([]string, 0, len(s))
	for k := range s {
		l = append(l, k)
	}
	sort.Strings(l)
	return l
}

func containersPhrase(names []string) string {
	return pluralize("container", "containers", len(names)) + " " + joinQuote(names)
}

func isWindows(s *core.PodSpec) bool { return s.OS != nil && s.OS.Name == core.Windows }

// userNamespaced reports a pod in a user namespace (hostUsers: false),
// which v1.35 checks relax.
func userNamespaced(s *core.PodSpec) bool { return s.HostUsers != nil && !*s.HostUsers }

func privileged(_ Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	var bad []string
	visitContainers(s, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{"privileged", containersPhrase(bad) + " must not set securityContext.privileged=true"}
}

func hostNamespaces(_ Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	var ns []string
	if s.HostNetwork {
		ns = append(ns, "hostNetwork=true")
	}
	if s.HostPID {
		ns = append(ns, "hostPID=true")
	}
	if s.HostIPC {
		ns = append(ns, "hostIPC=true")
	}
	if len(ns) == 0 {
		return nil
	}
	return &Violation{"host namespaces", strings.Join(ns, ", ")}
}

var defaultCapabilities = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

func capabilitiesBaseline(_ Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	var bad []string
	caps := set{}
	visitContainers(s, func(c *core.Container) {
		if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
			return
		}
		valid := true
		for _, cp := range c.SecurityContext.Capabilities.Add {
			if !slices.Contains(defaultCapabilities, string(cp)) {
				valid = false
				caps[string(cp)] = true
			}
		}
		if !valid {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{"non-default capabilities",
		fmt.Sprintf("%s must not include %s in securityContext.capabilities.add", containersPhrase(bad), joinQuote(caps.list()))}
}

func hostPathVolumes(_ Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	var bad []string
	for _, v := range s.Volumes {
		if v.HostPath != nil {
			bad = append(bad, v.Name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &Violation{"hostPath volumes", pluralize("volume", "volumes", len(bad)) + " " + joinQuote(bad)}
}

func hostPorts(_ Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	var bad []string
	ports := set{}
	visitContainers(s, func(c *core.Container) {
		valid := true
		for _, p := range c.Ports {
			if p.HostPort != 0 {
				valid = false
				ports[strconv.Itoa(int(p.HostPort))] = true
			}
		}
		if !valid {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{"hostPort", fmt.Sprintf("%s %s %s %s", containersPhrase(bad), pluralize("uses", "use", len(bad)),
		pluralize("hostPort", "hostPorts", len(ports)), strings.Join(ports.list(), ", "))}
}

func hostProbesAndLifecycle(_ Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	bad, hosts := set{}, set{}
	probe := func(c *core.Container, p *core.Probe) {
		if p == nil {
			return
		}
		if p.HTTPGet != nil && p.HTTPGet.Host != "" {
			bad[c.Name], hosts[p.HTTPGet.Host] = true, true
		}
		if p.TCPSocket != nil && p.TCPSocket.Host != "" {
			bad[c.Name], hosts[p.TCPSocket.Host] = true, true
		}
	}
	handler := func(c *core.Container, h *core.LifecycleHandler) {
		if h == nil {
			return
		}
		if h.HTTPGet != nil && h.HTTPGet.Host != "" {
			bad[c.Name], hosts[h.HTTPGet.Host] = true, true
		}
		if h.TCPSocket != nil && h.TCPSocket.Host != "" {
			bad[c.Name], hosts[h.TCPSocket.Host] = true, true
		}
	}
	visitContainers(s, func(c *core.Container) {
		probe(c, c.LivenessProbe)
		probe(c, c.ReadinessProbe)
		probe(c, c.StartupProbe)
		if c.Lifecycle != nil {
			handler(c, c.Lifecycle.PostStart)
			handler(c, c.Lifecycle.PreStop)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{"probe or lifecycle host", fmt.Sprintf("%s %s %s %s", containersPhrase(bad.list()),
		pluralize("uses", "use", len(bad)), pluralize("probe or lifecycle host", "probe or lifecycle hosts", len(hosts)),
		joinQuote(hosts.list()))}
}

const (
	appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"
	seccompPodAnnotation     = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerPrefix   = "container.seccomp.security.alpha.kubernetes.io/"
)

func appArmorProfile(_ Version, m *meta.ObjectMeta, s *core.PodSpec) *Violation {
	allowedType := func(t core.AppArmorProfileType) bool {
		return t == core.AppArmorProfileTypeRuntimeDefault || t == core.AppArmorProfileTypeLocalhost
	}
	var setters []string
	values := set{}
	if sc := s.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !allowedType(sc.AppArmorProfile.Type) {
		setters = append(setters, "pod")
		values[string(sc.AppArmorProfile.Type)] = true
	}
	var bad []string
	visitContainers(s, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !allowedType(sc.AppArmorProfile.Type) {
			bad = append(bad, c.Name)
			values[string(sc.AppArmorProfile.Type)] = true
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containersPhrase(bad))
	}
	var annotations []string
	for k, v := range m.Annotations {
		if strings.HasPrefix(k, appArmorAnnotationPrefix) && v != "" && v != "runtime/default" && !strings.HasPrefix(v, "localhost/") {
			annotations = append(annotations, fmt.Sprintf("%s=%q", k, v))
		}
	}
	list := values.list()
	if len(annotations) > 0 {
		sort.Strings(annotations)
		list = append(list, annotations...)
		setters = append(setters, pluralize("annotation", "annotations", len(annotations)))
	}
	if len(setters) == 0 {
		return nil
	}
	return &Violation{pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", len(list)),
		fmt.Sprintf("%s must not set AppArmor profile type to %s", strings.Join(setters, " and "), joinQuote(list))}
}

func seLinuxOptions(v Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	allowed := []string{"", "container_t", "container_init_t", "container_kvm_t"}
	if v.atLeast(31) {
		allowed = append(allowed, "container_engine_t")
	}
	var setters []string
	types := set{}
	setUser, setRole := false, false
	valid := func(o *core.SELinuxOptions) bool {
		ok := true
		if !slices.Contains(allowed, o.Type) {
			ok = false
			types[o.Type] = true
		}
		if o.User != "" {
			ok, setUser = false, true
		}
		if o.Role != "" {
			ok, setRole = false, true
		}
		return ok
	}
	if sc := s.SecurityContext; sc != nil && sc.SELinuxOptions != nil && !valid(sc.SELinuxOptions) {
		setters = append(setters, "pod")
	}
	var bad []string
	visitContainers(s, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.SELinuxOptions != nil && !valid(sc.SELinuxOptions) {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containersPhrase(bad))
	}
	if len(setters) == 0 {
		return nil
	}
	var data []string
	if len(types) > 0 {
		data = append(data, pluralize("type", "types", len(types))+" "+joinQuote(types.list()))
	}
	if setUser {
		data = append(data, "user may not be set")
	}
	if setRole {
		data = append(data, "role may not be set")
	}
	return &Violation{"seLinuxOptions", fmt.Sprintf("%s set forbidden securityContext.seLinuxOptions: %s",
		strings.Join(setters, " and "), strings.Join(data, "; "))}
}

func procMountBaseline(v Version, m *meta.ObjectMeta, s *core.PodSpec) *Violation {
	if v.atLeast(35) && userNamespaced(s) {
		return nil
	}
	return procMountRestricted(v, m, s)
}

func procMountRestricted(_ Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	var bad []string
	types := set{}
	visitContainers(s, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.ProcMount != nil && *sc.ProcMount != core.DefaultProcMount {
			bad = append(bad, c.Name)
			types[string(*sc.ProcMount)] = true
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{"procMount", fmt.Sprintf("%s must not set securityContext.procMount to %s", containersPhrase(bad), joinQuote(types.list()))}
}

func validSeccomp(t core.SeccompProfileType) bool {
	return t == core.SeccompProfileTypeLocalhost || t == core.SeccompProfileTypeRuntimeDefault
}

func seccompBaseline(v Version, m *meta.ObjectMeta, s *core.PodSpec) *Violation {
	if !v.atLeast(19) {
		// Before fields existed, profiles were annotations.
		validValue := func(val string) bool {
			return val == "runtime/default" || val == "docker/default" || strings.HasPrefix(val, "localhost/")
		}
		forbidden := set{}
		if val, ok := m.Annotations[seccompPodAnnotation]; ok && !validValue(val) {
			forbidden[fmt.Sprintf("%s=%q", seccompPodAnnotation, val)] = true
		}
		visitContainers(s, func(c *core.Container) {
			key := seccompContainerPrefix + c.Name
			if val, ok := m.Annotations[key]; ok && !validValue(val) {
				forbidden[fmt.Sprintf("%s=%q", key, val)] = true
			}
		})
		if len(forbidden) == 0 {
			return nil
		}
		return &Violation{"seccompProfile", fmt.Sprintf("forbidden %s %s",
			pluralize("annotation", "annotations", len(forbidden)), strings.Join(forbidden.list(), ", "))}
	}
	var setters []string
	values := set{}
	if sc := s.SecurityContext; sc != nil && sc.SeccompProfile != nil && !validSeccomp(sc.SeccompProfile.Type) {
		setters = append(setters, "pod")
		values[string(sc.SeccompProfile.Type)] = true
	}
	var bad []string
	visitContainers(s, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil && !validSeccomp(sc.SeccompProfile.Type) {
			bad = append(bad, c.Name)
			values[string(sc.SeccompProfile.Type)] = true
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containersPhrase(bad))
	}
	if len(setters) == 0 {
		return nil
	}
	return &Violation{"seccompProfile", fmt.Sprintf("%s must not set securityContext.seccompProfile.type to %s",
		strings.Join(setters, " and "), joinQuote(values.list()))}
}

// safeSysctls are the sysctls baseline allows, by the version that
// allowed them.
var safeSysctls = []struct {
	since int
	names []string
}{
	{0, []string{"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
		"net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"}},
	{27, []string{"net.ipv4.ip_local_reserved_ports"}},
	{29, []string{"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}},
	{32, []string{"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}},
	{37, []string{"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}},
}

func safeSysctl(v Version, name string) bool {
	for _, s := range safeSysctls {
		if v.atLeast(s.since) && slices.Contains(s.names, name) {
			return true
		}
	}
	return false
}

func sysctls(v Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	if s.SecurityContext == nil {
		return nil
	}
	var bad []string
	for _, sc := range s.SecurityContext.Sysctls {
		if !safeSysctl(v, sc.Name) {
			bad = append(bad, sc.Name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &Violation{"forbidden sysctls", strings.Join(bad, ", ")}
}

func windowsHostProcess(_ Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	hp := func(o *core.WindowsSecurityContextOptions) bool {
		return o != nil && o.HostProcess != nil && *o.HostProcess
	}
	var setters []string
	if s.SecurityContext != nil && hp(s.SecurityContext.WindowsOptions) {
		setters = append(setters, "pod")
	}
	var bad []string
	visitContainers(s, func(c *core.Container) {
		if c.SecurityContext != nil && hp(c.SecurityContext.WindowsOptions) {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containersPhrase(bad))
	}
	if len(setters) == 0 {
		return nil
	}
	return &Violation{"hostProcess", strings.Join(setters, " and ") + " must not set securityContext.windowsOptions.hostProcess=true"}
}

func allowPrivilegeEscalation(v Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	if v.atLeast(25) && isWindows(s) {
		return nil
	}
	var bad []string
	visitContainers(s, func(c *core.Container) {
		if sc := c.SecurityContext; sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{"allowPrivilegeEscalation != false", containersPhrase(bad) + " must set securityContext.allowPrivilegeEscalation=false"}
}

func capabilitiesRestricted(v Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	if v.atLeast(25) && isWindows(s) {
		return nil
	}
	var missingDrop, adding []string
	forbidden := set{}
	visitContainers(s, func(c *core.Container) {
		if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
			missingDrop = append(missingDrop, c.Name)
			return
		}
		caps := c.SecurityContext.Capabilities
		if !slices.Contains(caps.Drop, "ALL") {
			missingDrop = append(missingDrop, c.Name)
		}
		added := false
		for _, cp := range caps.Add {
			if cp != "NET_BIND_SERVICE" {
				added = true
				forbidden[string(cp)] = true
			}
		}
		if added {
			adding = append(adding, c.Name)
		}
	})
	var details []string
	if len(missingDrop) > 0 {
		details = append(details, containersPhrase(missingDrop)+` must set securityContext.capabilities.drop=["ALL"]`)
	}
	if len(adding) > 0 {
		details = append(details, fmt.Sprintf("%s must not include %s in securityContext.capabilities.add", containersPhrase(adding), joinQuote(forbidden.list())))
	}
	if len(details) == 0 {
		return nil
	}
	return &Violation{"unrestricted capabilities", strings.Join(details, "; ")}
}

// allowedVolume reports an inline volume type restricted allows.
func allowedVolume(v *core.Volume) bool {
	s := &v.VolumeSource
	return s.ConfigMap != nil || s.CSI != nil || s.DownwardAPI != nil || s.EmptyDir != nil || s.Ephemeral != nil ||
		s.Image != nil || s.PersistentVolumeClaim != nil || s.Projected != nil || s.Secret != nil
}

func volumeType(v *core.Volume) string {
	s := &v.VolumeSource
	switch {
	case s.HostPath != nil:
		return "hostPath"
	case s.NFS != nil:
		return "nfs"
	case s.ISCSI != nil:
		return "iscsi"
	case s.FC != nil:
		return "fc"
	}
	return "unknown"
}

func restrictedVolumes(_ Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	var bad []string
	types := set{}
	for i := range s.Volumes {
		if !allowedVolume(&s.Volumes[i]) {
			bad = append(bad, s.Volumes[i].Name)
			types[volumeType(&s.Volumes[i])] = true
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &Violation{"restricted volume types", fmt.Sprintf("%s %s %s %s %s", pluralize("volume", "volumes", len(bad)), joinQuote(bad),
		pluralize("uses", "use", len(bad)), pluralize("restricted volume type", "restricted volume types", len(types)), joinQuote(types.list()))}
}

func runAsNonRoot(v Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	if v.atLeast(35) && userNamespaced(s) {
		return nil
	}
	var setters []string
	podNonRoot := false
	if sc := s.SecurityContext; sc != nil && sc.RunAsNonRoot != nil {
		if !*sc.RunAsNonRoot {
			setters = append(setters, "pod")
		} else {
			podNonRoot = true
		}
	}
	var explicit, implicit []string
	visitContainers(s, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.RunAsNonRoot != nil {
			if !*sc.RunAsNonRoot {
				explicit = append(explicit, c.Name)
			}
		} else if !podNonRoot {
			implicit = append(implicit, c.Name)
		}
	})
	if len(explicit) > 0 {
		setters = append(setters, containersPhrase(explicit))
	}
	if len(setters) > 0 {
		return &Violation{"runAsNonRoot != true", strings.Join(setters, " and ") + " must not set securityContext.runAsNonRoot=false"}
	}
	if len(implicit) > 0 {
		return &Violation{"runAsNonRoot != true", "pod or " + containersPhrase(implicit) + " must set securityContext.runAsNonRoot=true"}
	}
	return nil
}

func runAsUser(v Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	if v.atLeast(35) && userNamespaced(s) {
		return nil
	}
	var setters []string
	if sc := s.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		setters = append(setters, "pod")
	}
	var bad []string
	visitContainers(s, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containersPhrase(bad))
	}
	if len(setters) == 0 {
		return nil
	}
	return &Violation{"runAsUser=0", strings.Join(setters, " and ") + " must not set runAsUser=0"}
}

func seccompRestricted(v Version, _ *meta.ObjectMeta, s *core.PodSpec) *Violation {
	if v.atLeast(25) && isWindows(s) {
		return nil
	}
	var setters []string
	values := set{}
	podSet := false
	if sc := s.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		if !validSeccomp(sc.SeccompProfile.Type) {
			setters = append(setters, "pod")
			values[string(sc.SeccompProfile.Type)] = true
		} else {
			podSet = true
		}
	}
	var explicit, implicit []string
	visitContainers(s, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil {
			if !validSeccomp(sc.SeccompProfile.Type) {
				explicit = append(explicit, c.Name)
				values[string(sc.SeccompProfile.Type)] = true
			}
		} else if !podSet {
			implicit = append(implicit, c.Name)
		}
	})
	if len(explicit) > 0 {
		setters = append(setters, containersPhrase(explicit))
	}
	if len(setters) > 0 {
		return &Violation{"seccompProfile", fmt.Sprintf("%s must not set securityContext.seccompProfile.type to %s",
			strings.Join(setters, " and "), joinQuote(values.list()))}
	}
	if len(implicit) > 0 {
		return &Violation{"seccompProfile", "pod or " + containersPhrase(implicit) +
			` must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`}
	}
	return nil
}
