package admission_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/apiserver/admission"
)

func chainOf(t *testing.T, name string, d admission.Deps) *admission.Chain {
	t.Helper()
	c, err := admission.New([]string{name}, d)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// run runs the whole chain on a: mutators, then validators.
func run(ctx context.Context, c *admission.Chain, a *admission.Attributes) error {
	if err := c.Admit(ctx, a); err != nil {
		return err
	}
	return c.Validate(ctx, a)
}

func TestNamespaceLifecycle(t *testing.T) {
	terminating := namespace("old", nil)
	terminating.Status.Phase = core.NamespaceTerminating
	c := chainOf(t, admission.NamespaceLifecycleName, admission.Deps{
		Namespaces: lister(namespace("default", nil), namespace("dev", nil), terminating),
	})
	cm := func(ns string) *core.ConfigMap {
		return &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: "cfg"}}
	}
	tests := []struct {
		name string
		a    *admission.Attributes
		want string
		code int32
	}{
		{"create in active", attrs(admission.Create, cm("dev"), nil), "", 0},
		{"create in terminating", attrs(admission.Create, cm("old"), nil),
			`configmaps "cfg" is forbidden: unable to create new content in namespace old because it is being terminated`, 403},
		{"create in missing", attrs(admission.Create, cm("nope"), nil), `namespaces "nope" not found`, 404},
		{"update in terminating", attrs(admission.Update, cm("old"), cm("old")), "", 0},
		{"delete in missing", attrs(admission.Delete, nil, cm("nope")), "", 0},
		{"cluster-scoped", attrs(admission.Create, &scheduling.PriorityClass{ObjectMeta: meta.ObjectMeta{Name: "high"}}, nil), "", 0},
		{"delete default", attrs(admission.Delete, nil, namespace("default", nil)),
			`namespaces "default" is forbidden: this namespace may not be deleted`, 403},
		{"delete kube-system", attrs(admission.Delete, nil, namespace("kube-system", nil)),
			`namespaces "kube-system" is forbidden: this namespace may not be deleted`, 403},
		{"delete dev", attrs(admission.Delete, nil, namespace("dev", nil)), "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), c, tt.a)
			if tt.a.Operation == admission.Delete {
				// The API server runs only validators on delete.
				err = c.Validate(context.Background(), tt.a)
			}
			wantErr(t, err, tt.want)
			if tt.code != 0 {
				wantCode(t, err, tt.code)
			}
		})
	}
	st := run(context.Background(), c, attrs(admission.Create, cm("old"), nil)).(*meta.Status)
	if cs := st.Details.Causes; len(cs) != 1 || cs[0].Type != "NamespaceTerminating" || cs[0].Field != "metadata.namespace" {
		t.Errorf("causes = %+v, want one NamespaceTerminating cause", cs)
	}
}

// flakyAccounts finds the service account only on its third lookup, as
// when the service account controller creates it a moment after the
// namespace.
type flakyAccounts struct {
	calls atomic.Int32
	sa    *core.ServiceAccount
}

func (f *flakyAccounts) Get(_ context.Context, ns, name string) (*core.ServiceAccount, error) {
	if f.calls.Add(1) < 3 || f.sa.Namespace != ns || f.sa.Name != name {
		return nil, meta.NewNotFound(meta.GroupResource{Resource: "serviceaccounts"}, name)
	}
	return f.sa, nil
}

func (f *flakyAccounts) List(context.Context, string) ([]*core.ServiceAccount, error) {
	return nil, nil
}

func TestServiceAccount(t *testing.T) {
	robot := &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "robot"},
		ImagePullSecrets: []core.LocalObjectReference{{Name: "registry"}}}
	quiet := &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "quiet"}, AutomountServiceAccountToken: new(false)}
	strict := &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "strict",
		Annotations: map[string]string{"kubernetes.io/enforce-mountable-secrets": "true"}},
		Secrets: []core.ObjectReference{{Name: "allowed"}}}
	c := chainOf(t, admission.ServiceAccountName, admission.Deps{ServiceAccounts: lister(
		&core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "default"}}, robot, quiet, strict)})

	t.Run("default account and token volume", func(t *testing.T) {
		pod := newPod("dev", "web", func(p *core.Pod) {
			p.Spec.InitContainers = []core.Container{{Name: "init", Image: "busybox"}}
			p.Spec.Containers = append(p.Spec.Containers, core.Container{Name: "own", Image: "x",
				VolumeMounts: []core.VolumeMount{{Name: "mine", MountPath: admission.TokenMountPath}}})
			p.Spec.Volumes = []core.Volume{{Name: "mine", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}}}
		})
		if err := run(context.Background(), c, attrs(admission.Create, pod, nil)); err != nil {
			t.Fatal(err)
		}
		if pod.Spec.ServiceAccountName != "default" || pod.Spec.DeprecatedServiceAccount != "default" {
			t.Errorf("service account = %q/%q, want default", pod.Spec.ServiceAccountName, pod.Spec.DeprecatedServiceAccount)
		}
		v := pod.Spec.Volumes[len(pod.Spec.Volumes)-1]
		if !strings.HasPrefix(v.Name, "kube-api-access-") || len(v.Name) != len("kube-api-access-")+5 || v.Projected == nil {
			t.Fatalf("volume = %+v, want a projected kube-api-access-xxxxx volume", v)
		}
		if want := admission.TokenVolume(v.Name); !reflect.DeepEqual(v, want) {
			t.Errorf("volume = %+v, want %+v", v, want)
		}
		src := v.Projected.Sources
		if *src[0].ServiceAccountToken.ExpirationSeconds != 3607 || src[1].ConfigMap.Name != "kube-root-ca.crt" ||
			src[1].ConfigMap.Items[0].Key != "ca.crt" || src[2].DownwardAPI.Items[0].FieldRef.FieldPath != "metadata.namespace" ||
			*v.Projected.DefaultMode != 0o644 {
			t.Errorf("projected sources = %+v", v.Projected)
		}
		want := core.VolumeMount{Name: v.Name, ReadOnly: true, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}
		for _, ct := range []core.Container{pod.Spec.InitContainers[0], pod.Spec.Containers[0]} {
			if got := ct.VolumeMounts[len(ct.VolumeMounts)-1]; got != want {
				t.Errorf("container %s mount = %+v, want %+v", ct.Name, got, want)
			}
		}
		if got := pod.Spec.Containers[1].VolumeMounts; len(got) != 1 || got[0].Name != "mine" {
			t.Errorf("container with its own mount at the path got %+v, want it untouched", got)
		}
	})
	t.Run("account's pull secrets", func(t *testing.T) {
		pod := newPod("dev", "web", func(p *core.Pod) { p.Spec.ServiceAccountName = "robot" })
		if err := run(context.Background(), c, attrs(admission.Create, pod, nil)); err != nil {
			t.Fatal(err)
		}
		if len(pod.Spec.ImagePullSecrets) != 1 || pod.Spec.ImagePullSecrets[0].Name != "registry" {
			t.Errorf("imagePullSecrets = %+v, want registry", pod.Spec.ImagePullSecrets)
		}
	})
	t.Run("automount off", func(t *testing.T) {
		for _, pod := range []*core.Pod{
			newPod("dev", "a", func(p *core.Pod) { p.Spec.ServiceAccountName = "quiet" }),
			newPod("dev", "b", func(p *core.Pod) { p.Spec.AutomountServiceAccountToken = new(false) }),
		} {
			if err := run(context.Background(), c, attrs(admission.Create, pod, nil)); err != nil {
				t.Fatal(err)
			}
			if len(pod.Spec.Volumes) != 0 || len(pod.Spec.Containers[0].VolumeMounts) != 0 {
				t.Errorf("pod %s got volumes %+v, want none", pod.Name, pod.Spec.Volumes)
			}
		}
		// The pod's choice wins over the account's.
		pod := newPod("dev", "c", func(p *core.Pod) {
			p.Spec.ServiceAccountName = "quiet"
			p.Spec.AutomountServiceAccountToken = new(true)
		})
		if err := run(context.Background(), c, attrs(admission.Create, pod, nil)); err != nil || len(pod.Spec.Volumes) != 1 {
			t.Errorf("pod opting in: err %v, volumes %+v", err, pod.Spec.Volumes)
		}
	})
	t.Run("missing account", func(t *testing.T) {
		pod := newPod("dev", "web", func(p *core.Pod) { p.Spec.ServiceAccountName = "ghost" })
		err := run(context.Background(), c, attrs(admission.Create, pod, nil))
		wantErr(t, err, `pods "web" is forbidden: error looking up service account dev/ghost: serviceaccount "ghost" not found`)
		wantCode(t, err, 403)
	})
	t.Run("mountable secrets", func(t *testing.T) {
		pod := newPod("dev", "web", func(p *core.Pod) {
			p.Spec.ServiceAccountName = "strict"
			p.Spec.Volumes = []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "other"}}}}
		})
		wantErr(t, run(context.Background(), c, attrs(admission.Create, pod, nil)),
			`pods "web" is forbidden: volume with secret.secretName="other" is not allowed because service account strict does not reference that secret`)
	})
	t.Run("mirror pods", func(t *testing.T) {
		pod := newPod("dev", "static-web", func(p *core.Pod) {
			p.Annotations = map[string]string{"kubernetes.io/config.mirror": "abc"}
			p.Spec.NodeName = "n1"
			p.Spec.Volumes = []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "x"}}}}
		})
		wantErr(t, run(context.Background(), c, attrs(admission.Create, pod, nil)),
			`pods "static-web" is forbidden: a mirror pod may not reference secrets`)
	})
	t.Run("default account created soon", func(t *testing.T) {
		f := &flakyAccounts{sa: &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "new", Name: "default"}}}
		c := chainOf(t, admission.ServiceAccountName, admission.Deps{ServiceAccounts: f})
		pod := newPod("new", "web", nil)
		if err := c.Admit(context.Background(), attrs(admission.Create, pod, nil)); err != nil {
			t.Fatal(err)
		}
		if n := f.calls.Load(); n != 3 {
			t.Errorf("lookups = %d, want 3 (found on the third)", n)
		}
	})
}

func TestDefaultTolerationSeconds(t *testing.T) {
	c := chainOf(t, admission.DefaultTolerationSecondsName, admission.Deps{})
	notReady := core.Toleration{Key: core.TaintNodeNotReady, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute, TolerationSeconds: new(int64(300))}
	unreachable := core.Toleration{Key: core.TaintNodeUnreachable, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute, TolerationSeconds: new(int64(300))}
	own := core.Toleration{Key: core.TaintNodeNotReady, Operator: core.TolerationOpExists, TolerationSeconds: new(int64(60))}
	all := core.Toleration{Operator: core.TolerationOpExists}
	tests := []struct {
		name string
		have []core.Toleration
		want []core.Toleration
	}{
		{"none", nil, []core.Toleration{notReady, unreachable}},
		{"own not-ready", []core.Toleration{own}, []core.Toleration{own, unreachable}},
		{"tolerates everything", []core.Toleration{all}, []core.Toleration{all}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := newPod("dev", "web", func(p *core.Pod) { p.Spec.Tolerations = tt.have })
			if err := run(context.Background(), c, attrs(admission.Create, pod, nil)); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(pod.Spec.Tolerations, tt.want) {
				t.Errorf("tolerations = %+v, want %+v", pod.Spec.Tolerations, tt.want)
			}
		})
	}
}

func rl(pairs ...string) core.ResourceList {
	l := core.ResourceList{}
	for i := 0; i < len(pairs); i += 2 {
		l[core.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return l
}

func TestLimitRanger(t *testing.T) {
	lr := &core.LimitRange{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "limits"}, Spec: core.LimitRangeSpec{Limits: []core.LimitRangeItem{
		{Type: core.LimitTypeContainer, Default: rl("cpu", "500m", "memory", "256Mi"), DefaultRequest: rl("cpu", "250m", "memory", "128Mi"),
			Max: rl("cpu", "1"), Min: rl("memory", "64Mi"), MaxLimitRequestRatio: rl("memory", "2")},
		{Type: core.LimitTypePod, Max: rl("cpu", "2")},
		{Type: core.LimitTypePersistentVolumeClaim, Min: rl("storage", "1Gi"), Max: rl("storage", "10Gi")},
	}}}
	c := chainOf(t, admission.LimitRangerName, admission.Deps{LimitRanges: lister(lr)})

	t.Run("defaults", func(t *testing.T) {
		pod := newPod("dev", "web", func(p *core.Pod) {
			p.Spec.Containers[0].Resources.Requests = rl("cpu", "100m")
		})
		if err := run(context.Background(), c, attrs(admission.Create, pod, nil)); err != nil {
			t.Fatal(err)
		}
		r := pod.Spec.Containers[0].Resources
		if !reflect.DeepEqual(r.Requests, rl("cpu", "100m", "memory", "128Mi")) || !reflect.DeepEqual(r.Limits, rl("cpu", "500m", "memory", "256Mi")) {
			t.Errorf("resources = %+v", r)
		}
		want := "LimitRanger plugin set: memory request for container c; cpu, memory limit for container c"
		if got := pod.Annotations["kubernetes.io/limit-ranger"]; got != want {
			t.Errorf("annotation = %q, want %q", got, want)
		}
	})
	tests := []struct {
		name   string
		mutate func(p *core.Pod)
		want   string
	}{
		{"max", func(p *core.Pod) { p.Spec.Containers[0].Resources.Limits = rl("cpu", "2") },
			`pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 2`},
		{"min", func(p *core.Pod) { p.Spec.Containers[0].Resources.Requests = rl("memory", "32Mi") },
			`pods "web" is forbidden: [minimum memory usage per Container is 64Mi, but request is 32Mi, ` +
				`memory max limit to request ratio per Container is 2, but provided ratio is 8.000000]`},
		{"ratio", func(p *core.Pod) {
			p.Spec.Containers[0].Resources = core.ResourceRequirements{Requests: rl("memory", "64Mi"), Limits: rl("memory", "256Mi")}
		}, `pods "web" is forbidden: memory max limit to request ratio per Container is 2, but provided ratio is 4.000000`},
		{"pod max", func(p *core.Pod) {
			p.Spec.Containers = append(p.Spec.Containers,
				core.Container{Name: "d", Image: "x", Resources: core.ResourceRequirements{Limits: rl("cpu", "1")}},
				core.Container{Name: "e", Image: "x", Resources: core.ResourceRequirements{Limits: rl("cpu", "1")}})
		}, `pods "web" is forbidden: maximum cpu usage per Pod is 2, but limit is 2500m`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := newPod("dev", "web", tt.mutate)
			wantErr(t, run(context.Background(), c, attrs(admission.Create, pod, nil)), tt.want)
		})
	}
	t.Run("claims", func(t *testing.T) {
		pvc := func(size string) *core.PersistentVolumeClaim {
			return &core.PersistentVolumeClaim{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "data"},
				Spec: core.PersistentVolumeClaimSpec{Resources: core.VolumeResourceRequirements{Requests: rl("storage", size)}}}
		}
		wantErr(t, run(context.Background(), c, attrs(admission.Create, pvc("5Gi"), nil)), "")
		wantErr(t, run(context.Background(), c, attrs(admission.Create, pvc("20Gi"), nil)),
			`persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi`)
	})
	t.Run("pod updates are not checked", func(t *testing.T) {
		pod := newPod("dev", "web", func(p *core.Pod) { p.Spec.Containers[0].Resources.Limits = rl("cpu", "2") })
		wantErr(t, run(context.Background(), c, attrs(admission.Update, pod, pod)), "")
	})
}

func TestPriority(t *testing.T) {
	high := &scheduling.PriorityClass{ObjectMeta: meta.ObjectMeta{Name: "high"}, Value: 1000, PreemptionPolicy: new(core.PreemptNever)}
	def := &scheduling.PriorityClass{ObjectMeta: meta.ObjectMeta{Name: "normal"}, Value: 10, GlobalDefault: true, PreemptionPolicy: new(core.PreemptLowerPriority)}
	withDefault := chainOf(t, admission.PriorityName, admission.Deps{PriorityClasses: lister(high, def)})
	without := chainOf(t, admission.PriorityName, admission.Deps{PriorityClasses: lister(high)})

	tests := []struct {
		name       string
		c          *admission.Chain
		mutate     func(p *core.Pod)
		want       string
		class      string
		priority   int32
		preemption core.PreemptionPolicy
	}{
		{"no class, no default", without, nil, "", "", 0, core.PreemptLowerPriority},
		{"no class, global default", withDefault, nil, "", "normal", 10, core.PreemptLowerPriority},
		{"named class", withDefault, func(p *core.Pod) { p.Spec.PriorityClassName = "high" }, "", "high", 1000, core.PreemptNever},
		{"system class before it is stored", without, func(p *core.Pod) { p.Spec.PriorityClassName = "system-node-critical" },
			"", "system-node-critical", 2000001000, core.PreemptLowerPriority},
		{"unknown class", without, func(p *core.Pod) { p.Spec.PriorityClassName = "urgent" },
			`pods "web" is forbidden: no PriorityClass with name urgent was found`, "", 0, ""},
		{"conflicting priority", without, func(p *core.Pod) { p.Spec.PriorityClassName = "high"; p.Spec.Priority = new(int32(5)) },
			`pods "web" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name`, "", 0, ""},
		{"conflicting preemption", without, func(p *core.Pod) {
			p.Spec.PriorityClassName = "high"
			p.Spec.PreemptionPolicy = new(core.PreemptLowerPriority)
		}, `pods "web" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name`, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := newPod("dev", "web", tt.mutate)
			err := run(context.Background(), tt.c, attrs(admission.Create, pod, nil))
			wantErr(t, err, tt.want)
			if err != nil {
				return
			}
			if pod.Spec.PriorityClassName != tt.class || *pod.Spec.Priority != tt.priority || *pod.Spec.PreemptionPolicy != tt.preemption {
				t.Errorf("got class %q priority %d preemption %s, want %q %d %s", pod.Spec.PriorityClassName,
					*pod.Spec.Priority, *pod.Spec.PreemptionPolicy, tt.class, tt.priority, tt.preemption)
			}
		})
	}
	t.Run("second global default", func(t *testing.T) {
		pc := &scheduling.PriorityClass{ObjectMeta: meta.ObjectMeta{Name: "other"}, Value: 5, GlobalDefault: true}
		wantErr(t, run(context.Background(), withDefault, attrs(admission.Create, pc, nil)),
			`priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass normal is already marked as default. Only one default can exist`)
		upd := meta.DeepCopy(def)
		upd.Description = "updated"
		wantErr(t, run(context.Background(), withDefault, attrs(admission.Update, upd, def)), "")
	})
	t.Run("bootstrap classes are valid", func(t *testing.T) {
		for _, pc := range admission.BootstrapPriorityClasses {
			pc.Default()
			if errs := pc.Validate(); len(errs) > 0 {
				t.Errorf("%s: %v", pc.Name, errs)
			}
		}
	})
}

func TestPodSecurity(t *testing.T) {
	restricted := namespace("secure", map[string]string{"pod-security.kubernetes.io/enforce": "restricted"})
	baseline := namespace("team", map[string]string{"pod-security.kubernetes.io/enforce": "baseline",
		"pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted"})
	open := namespace("open", nil)
	pods := lister[core.Pod]()
	c := chainOf(t, admission.PodSecurityName, admission.Deps{Namespaces: lister(restricted, baseline, open), Pods: pods,
		PodSecurity: admission.PodSecurityConfig{ExemptUsernames: []string{"system:serviceaccount:kube-system:replicaset-controller"}}})

	rec := &recorder{}
	err := run(rec.ctx(), c, attrs(admission.Create, newPod("secure", "web", nil), nil))
	wantErr(t, err, `pods "web" is forbidden: violates PodSecurity "restricted:latest": `+
		`allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), `+
		`unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), `+
		`runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), `+
		`seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`)
	wantCode(t, err, 403)

	rec = &recorder{}
	if err := run(rec.ctx(), c, attrs(admission.Create, newPod("team", "web", nil), nil)); err != nil {
		t.Fatal(err)
	}
	wantWarning := `would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false)`
	if len(rec.warnings) != 1 || !strings.HasPrefix(rec.warnings[0], wantWarning) {
		t.Errorf("warnings = %q, want one starting %q", rec.warnings, wantWarning)
	}
	if got := rec.annotations["pod-security.kubernetes.io/audit-violations"]; !strings.HasPrefix(got, "would violate PodSecurity") {
		t.Errorf("audit annotation = %q", got)
	}
	if got := rec.annotations["pod-security.kubernetes.io/enforce-policy"]; got != "baseline:latest" {
		t.Errorf("enforce-policy annotation = %q", got)
	}

	err = run(context.Background(), c, attrs(admission.Create, newPod("team", "host", func(p *core.Pod) { p.Spec.HostPID = true }), nil))
	wantErr(t, err, `pods "host" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)`)

	// Pod controllers get warnings, never rejections.
	rec = &recorder{}
	d := &apps.Deployment{ObjectMeta: meta.ObjectMeta{Namespace: "secure", Name: "web"},
		Spec: apps.DeploymentSpec{Template: core.PodTemplateSpec{Spec: newPod("", "", nil).Spec}}}
	if err := run(rec.ctx(), c, attrs(admission.Create, d, nil)); err != nil {
		t.Fatal(err)
	}
	if len(rec.warnings) != 1 || !strings.HasPrefix(rec.warnings[0], `would violate PodSecurity "restricted:latest"`) {
		t.Errorf("deployment warnings = %q", rec.warnings)
	}

	// Exempt users are not checked.
	a := attrs(admission.Create, newPod("secure", "rs-pod", nil), nil)
	a.User.Name = "system:serviceaccount:kube-system:replicaset-controller"
	wantErr(t, run(context.Background(), c, a), "")

	// Status updates are not checked; image changes are.
	old := newPod("secure", "web", nil)
	old.ResourceVersion = "5"
	status := meta.DeepCopy(old)
	status.Status.Phase = core.PodRunning
	sa := attrs(admission.Update, status, old)
	sa.Subresource = "status"
	wantErr(t, run(context.Background(), c, sa), "")
	img := meta.DeepCopy(old)
	img.Spec.Containers[0].Image = "nginx:2"
	if err := run(context.Background(), c, attrs(admission.Update, img, old)); err == nil {
		t.Error("image update of a violating pod was admitted")
	}

	// Namespace labels.
	bad := namespace("x", map[string]string{"pod-security.kubernetes.io/enforce": "strict"})
	wantErr(t, run(context.Background(), c, attrs(admission.Create, bad, nil)),
		`Namespace "x" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`)

	// Tightening a namespace warns about its pods.
	pods.add(newPod("open", "web-1", nil))
	pods.add(newPod("open", "web-0", nil))
	pods.add(newPod("open", "host", func(p *core.Pod) { p.Spec.HostNetwork = true }))
	rec = &recorder{}
	tight := namespace("open", map[string]string{"pod-security.kubernetes.io/enforce": "restricted"})
	if err := run(rec.ctx(), c, attrs(admission.Update, tight, open)); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`existing pods in namespace "open" violate the new PodSecurity enforce level "restricted:latest"`,
		`host: host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile`,
		`web-0 (and 1 other pod): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile`,
	}
	if !reflect.DeepEqual(rec.warnings, want) {
		t.Errorf("warnings:\n got: %q\nwant: %q", rec.warnings, want)
	}
}

func TestRegistry(t *testing.T) {
	if _, err := admission.New([]string{"AlwaysAdmit"}, admission.Deps{}); err == nil || !strings.Contains(err.Error(), `unknown plugin "AlwaysAdmit"`) {
		t.Errorf("unknown plugin: err = %v", err)
	}
	if _, err := admission.New([]string{admission.NodeRestrictionName}, admission.Deps{}); err == nil {
		t.Error("NodeRestriction without an implementation was accepted")
	}
	_, err := admission.New(admission.DefaultPlugins, admission.Deps{})
	wantErr(t, err, "admission: plugin NamespaceLifecycle needs Deps.Namespaces (or Deps.Client)")

	// Plugins run in Order whatever order they are named in; a registered
	// NodeRestriction takes its slot.
	var ran []string
	r := admission.NewRegistry()
	r.Register(admission.NodeRestrictionName, func(admission.Deps) (admission.Plugin, error) {
		return namedMutator{"NodeRestriction", &ran}, nil
	})
	r.Register("Custom", func(admission.Deps) (admission.Plugin, error) { return namedMutator{"Custom", &ran}, nil })
	c, err := r.New([]string{admission.DefaultTolerationSecondsName, "Custom", admission.NodeRestrictionName, admission.ServiceAccountName},
		admission.Deps{ServiceAccounts: lister(&core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "default"}})})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Mutators) != 4 || len(c.Validators) != 1 {
		t.Fatalf("chain has %d mutators and %d validators, want 4 and 1", len(c.Mutators), len(c.Validators))
	}
	if err := c.Admit(context.Background(), attrs(admission.Create, newPod("dev", "web", nil), nil)); err != nil {
		t.Fatal(err)
	}
	if want := []string{"NodeRestriction", "Custom"}; !reflect.DeepEqual(ran, want) {
		t.Errorf("ran %v, want %v", ran, want)
	}
	names := r.Names()
	if i, j := indexOf(names, "NodeRestriction"), indexOf(names, "Custom"); !(i == 3 && j == indexOf(names, "MutatingAdmissionWebhook")-1) {
		t.Errorf("names = %v", names)
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

type namedMutator struct {
	name string
	ran  *[]string
}

func (m namedMutator) Name() string { return m.name }
func (m namedMutator) Admit(context.Context, *admission.Attributes) error {
	*m.ran = append(*m.ran, m.name)
	return nil
}

func TestForbiddenIsAStatus(t *testing.T) {
	err := error(admission.NewForbidden(attrs(admission.Create, newPod("dev", "web", nil), nil), errors.New("no")))
	if !errors.Is(err, meta.ErrForbidden) || err.Error() != `pods "web" is forbidden: no` {
		t.Errorf("NewForbidden = %v", err)
	}
}
