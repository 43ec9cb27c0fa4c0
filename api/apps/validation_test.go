package apps_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*apps.Deployment)(nil)
	_ validator = (*apps.ReplicaSet)(nil)
	_ validator = (*apps.StatefulSet)(nil)
	_ validator = (*apps.DaemonSet)(nil)
	_ validator = (*apps.ControllerRevision)(nil)
)

func expectErrors(t *testing.T, got meta.FieldErrors, want ...string) {
	t.Helper()
	var g []string
	for _, e := range got {
		g = append(g, e.Error())
	}
	if !slices.Equal(g, want) {
		t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(g, "\n      "), strings.Join(want, "\n      "))
	}
}

// TestValidateTestdata checks that the real manifests of testdata, once
// defaulted, are valid.
func TestValidateTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		for i, doc := range apitest.ReadDocs(t, f) {
			t.Run(fmt.Sprintf("%s#%d", filepath.Base(f), i), func(t *testing.T) {
				obj := apitest.RoundTripKind(t, doc)
				if d, ok := obj.(interface{ Default() }); ok {
					d.Default()
				}
				if r, _ := api.Default.ForObject(obj); r.Namespaced && obj.GetObjectMeta().Namespace == "" {
					obj.GetObjectMeta().Namespace = "default"
				}
				v, ok := obj.(interface{ Validate() meta.FieldErrors })
				if !ok {
					t.Fatalf("%T has no Validate method", obj)
				}
				expectErrors(t, v.Validate())
			})
		}
	}
}

func nginxTemplate() core.PodTemplateSpec {
	return core.PodTemplateSpec{
		ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": "nginx"}},
		Spec: core.PodSpec{Containers: []core.Container{{
			Name: "nginx", Image: "nginx:1.27", Ports: []core.ContainerPort{{ContainerPort: 80}},
		}}},
	}
}

func nginxDeployment() *apps.Deployment {
	d := &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "nginx", Namespace: "default", ResourceVersion: "100"},
		Spec: apps.DeploymentSpec{
			Replicas: new(int32(3)),
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "nginx"}},
			Template: nginxTemplate(),
		},
	}
	d.Default()
	return d
}

func TestDeploymentValidate(t *testing.T) {
	pct := func(s string) *meta.IntOrString { return new(meta.FromString(s)) }
	num := func(i int32) *meta.IntOrString { return new(meta.FromInt(i)) }
	tests := []struct {
		name   string
		mutate func(*apps.Deployment)
		want   []string
	}{
		{"valid", func(*apps.Deployment) {}, nil},
		{"recreate", func(d *apps.Deployment) {
			d.Spec.Strategy = apps.DeploymentStrategy{Type: apps.RecreateDeploymentStrategyType}
		}, nil},
		{"zero replicas", func(d *apps.Deployment) { d.Spec.Replicas = new(int32(0)) }, nil},
		{"selector by expression", func(d *apps.Deployment) {
			d.Spec.Selector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{
				{Key: "app", Operator: meta.LabelSelectorOpIn, Values: []string{"nginx", "web"}}}}
		}, nil},
		{"negative replicas", func(d *apps.Deployment) { d.Spec.Replicas = new(int32(-1)) }, []string{
			`spec.replicas: Invalid value: -1: must be greater than or equal to 0`,
		}},
		{"no selector", func(d *apps.Deployment) { d.Spec.Selector = nil }, []string{
			`spec.selector: Required value`,
			"spec.template.metadata.labels: Invalid value: {\"app\":\"nginx\"}: `selector` does not match template `labels`",
		}},
		{"empty selector", func(d *apps.Deployment) { d.Spec.Selector = &meta.LabelSelector{} }, []string{
			`spec.selector: Invalid value: {}: empty selector is invalid for deployment`,
		}},
		{"selector does not match", func(d *apps.Deployment) { d.Spec.Template.Labels = map[string]string{"app": "web"} }, []string{
			"spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`",
		}},
		{"template without labels", func(d *apps.Deployment) { d.Spec.Template.Labels = nil }, []string{
			"spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`",
		}},
		{"invalid selector", func(d *apps.Deployment) {
			d.Spec.Selector.MatchExpressions = []meta.LabelSelectorRequirement{{Key: "tier", Operator: meta.LabelSelectorOpIn}}
		}, []string{
			"spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
			`spec.selector: Invalid value: {"matchLabels":{"app":"nginx"},"matchExpressions":[{"key":"tier","operator":"In"}]}: invalid label selector`,
		}},
		{"restart policy", func(d *apps.Deployment) { d.Spec.Template.Spec.RestartPolicy = core.RestartPolicyOnFailure }, []string{
			`spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`,
		}},
		{"active deadline", func(d *apps.Deployment) { d.Spec.Template.Spec.ActiveDeadlineSeconds = new(int64(60)) }, []string{
			`spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported`,
		}},
		{"template errors come from core", func(d *apps.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "" }, []string{
			`spec.template.spec.containers[0].image: Required value`,
		}},
		{"unknown strategy", func(d *apps.Deployment) { d.Spec.Strategy = apps.DeploymentStrategy{Type: "BlueGreen"} }, []string{
			`spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"`,
		}},
		{"recreate with rollingUpdate", func(d *apps.Deployment) { d.Spec.Strategy.Type = apps.RecreateDeploymentStrategyType }, []string{
			"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
		}},
		{"rollingUpdate missing", func(d *apps.Deployment) { d.Spec.Strategy.RollingUpdate = nil }, []string{
			`spec.strategy.rollingUpdate: Required value: this should be defaulted and never be nil`,
		}},
		{"both zero", func(d *apps.Deployment) {
			d.Spec.Strategy.RollingUpdate = &apps.RollingUpdateDeployment{MaxUnavailable: num(0), MaxSurge: pct("0%")}
		}, []string{
			"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
		}},
		{"bad percentages", func(d *apps.Deployment) {
			d.Spec.Strategy.RollingUpdate = &apps.RollingUpdateDeployment{MaxUnavailable: pct("150%"), MaxSurge: pct("x%")}
		}, []string{
			`spec.strategy.rollingUpdate.maxSurge: Invalid value: "x%": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%`,
		}},
		{"negative surge", func(d *apps.Deployment) { d.Spec.Strategy.RollingUpdate.MaxSurge = num(-1) }, []string{
			`spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0`,
		}},
		{"history and deadlines", func(d *apps.Deployment) {
			d.Spec.RevisionHistoryLimit = new(int32(-1))
			d.Spec.MinReadySeconds = 600
		}, []string{
			`spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0`,
			`spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds`,
		}},
		{"bad name", func(d *apps.Deployment) { d.Name = "Nginx" }, []string{
			`metadata.name: Invalid value: "Nginx": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := nginxDeployment()
			tt.mutate(d)
			expectErrors(t, d.Validate(), tt.want...)
		})
	}
}

func TestDeploymentValidateUpdate(t *testing.T) {
	old := nginxDeployment()
	upd := nginxDeployment()
	upd.Spec.Replicas = new(int32(10))
	upd.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
	upd.Spec.Template.Labels["version"] = "2"
	upd.Spec.Paused = true
	expectErrors(t, upd.ValidateUpdate(old))

	upd.Spec.Selector = &meta.LabelSelector{MatchLabels: map[string]string{"app": "nginx", "version": "2"}}
	expectErrors(t, upd.ValidateUpdate(old),
		`spec.selector: Invalid value: {"matchLabels":{"app":"nginx","version":"2"}}: field is immutable`)

	expectErrors(t, upd.ValidateUpdate(&apps.ReplicaSet{}),
		`kind: Internal error: old object is *apps.ReplicaSet, not *apps.Deployment`)
}

func TestReplicaSetValidate(t *testing.T) {
	valid := func() *apps.ReplicaSet {
		r := &apps.ReplicaSet{
			ObjectMeta: meta.ObjectMeta{Name: "nginx-5d8f7", Namespace: "default", ResourceVersion: "7"},
			Spec: apps.ReplicaSetSpec{
				Replicas: new(int32(2)),
				Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "nginx"}},
				Template: nginxTemplate(),
			},
		}
		r.Default()
		return r
	}
	tests := []struct {
		name   string
		mutate func(*apps.ReplicaSet)
		want   []string
	}{
		{"valid", func(*apps.ReplicaSet) {}, nil},
		{"negatives", func(r *apps.ReplicaSet) { r.Spec.Replicas, r.Spec.MinReadySeconds = new(int32(-2)), -1 }, []string{
			`spec.replicas: Invalid value: -2: must be greater than or equal to 0`,
			`spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0`,
		}},
		{"empty selector", func(r *apps.ReplicaSet) { r.Spec.Selector = &meta.LabelSelector{MatchLabels: map[string]string{}} }, []string{
			`spec.selector: Invalid value: {}: empty selector is invalid for deployment`,
		}},
		{"mismatch", func(r *apps.ReplicaSet) { r.Spec.Selector.MatchLabels["tier"] = "web" }, []string{
			"spec.template.metadata.labels: Invalid value: {\"app\":\"nginx\"}: `selector` does not match template `labels`",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.mutate(r)
			expectErrors(t, r.Validate(), tt.want...)
		})
	}

	old, upd := valid(), valid()
	upd.Spec.Replicas = new(int32(0))
	expectErrors(t, upd.ValidateUpdate(old))
	upd.Spec.Selector.MatchLabels["pod-template-hash"] = "5d8f7"
	upd.Spec.Template.Labels["pod-template-hash"] = "5d8f7"
	expectErrors(t, upd.ValidateUpdate(old),
		`spec.selector: Invalid value: {"matchLabels":{"app":"nginx","pod-template-hash":"5d8f7"}}: field is immutable`)
}

func webStatefulSet() *apps.StatefulSet {
	tmpl := nginxTemplate()
	tmpl.Spec.Containers[0].VolumeMounts = []core.VolumeMount{{Name: "www", MountPath: "/usr/share/nginx/html"}}
	ss := &apps.StatefulSet{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default", ResourceVersion: "20"},
		Spec: apps.StatefulSetSpec{
			Replicas:    new(int32(3)),
			ServiceName: "nginx",
			Selector:    &meta.LabelSelector{MatchLabels: map[string]string{"app": "nginx"}},
			Template:    tmpl,
			VolumeClaimTemplates: []core.PersistentVolumeClaim{{
				ObjectMeta: meta.ObjectMeta{Name: "www"},
				Spec: core.PersistentVolumeClaimSpec{
					AccessModes: []core.PersistentVolumeAccessMode{core.ReadWriteOnce},
					Resources: core.VolumeResourceRequirements{Requests: core.ResourceList{
						core.ResourceStorage: resource.MustParse("1Gi"),
					}},
				},
			}},
		},
	}
	ss.Default()
	return ss
}

func TestStatefulSetValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*apps.StatefulSet)
		want   []string
	}{
		{"valid", func(*apps.StatefulSet) {}, nil},
		{"on delete", func(ss *apps.StatefulSet) {
			ss.Spec.UpdateStrategy = apps.StatefulSetUpdateStrategy{Type: apps.OnDeleteStatefulSetStrategyType}
		}, nil},
		{"name must be a DNS label", func(ss *apps.StatefulSet) { ss.Name = "web.v1" }, []string{
			`metadata.name: Invalid value: "web.v1": must not contain dots`,
		}},
		{"pod management policy", func(ss *apps.StatefulSet) { ss.Spec.PodManagementPolicy = "Random" }, []string{
			`spec.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'`,
		}},
		{"missing enumerations", func(ss *apps.StatefulSet) {
			ss.Spec.PodManagementPolicy = ""
			ss.Spec.UpdateStrategy = apps.StatefulSetUpdateStrategy{}
		}, []string{
			`spec.podManagementPolicy: Required value`,
			`spec.updateStrategy: Required value`,
		}},
		{"unknown update strategy", func(ss *apps.StatefulSet) { ss.Spec.UpdateStrategy.Type = "Recreate" }, []string{
			`spec.updateStrategy: Invalid value: {"type":"Recreate","rollingUpdate":{"partition":0,"maxUnavailable":1}}: must be 'RollingUpdate' or 'OnDelete'`,
		}},
		{"rollingUpdate with OnDelete", func(ss *apps.StatefulSet) { ss.Spec.UpdateStrategy.Type = apps.OnDeleteStatefulSetStrategyType }, []string{
			`spec.updateStrategy.rollingUpdate: Invalid value: {"partition":0,"maxUnavailable":1}: only allowed for updateStrategy 'RollingUpdate'`,
		}},
		{"rolling update parameters", func(ss *apps.StatefulSet) {
			ss.Spec.UpdateStrategy.RollingUpdate = &apps.RollingUpdateStatefulSetStrategy{Partition: new(int32(-1)), MaxUnavailable: new(meta.FromString("0%"))}
		}, []string{
			`spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0`,
			`spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "0%": cannot be 0`,
		}},
		{"retention policy", func(ss *apps.StatefulSet) { ss.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled = "Keep" }, []string{
			`spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep": supported values: "Retain", "Delete"`,
		}},
		{"negative ordinals", func(ss *apps.StatefulSet) { ss.Spec.Ordinals = &apps.StatefulSetOrdinals{Start: -1} }, []string{
			`spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0`,
		}},
		{"empty selector", func(ss *apps.StatefulSet) { ss.Spec.Selector = &meta.LabelSelector{} }, []string{
			`spec.selector: Invalid value: {}: empty selector is invalid for statefulset`,
		}},
		{"selector mismatch", func(ss *apps.StatefulSet) { ss.Spec.Template.Labels = map[string]string{"app": "db"} }, []string{
			"spec.template.metadata.labels: Invalid value: {\"app\":\"db\"}: `selector` does not match template `labels`",
		}},
		{"restart policy and deadline", func(ss *apps.StatefulSet) {
			ss.Spec.Template.Spec.RestartPolicy = core.RestartPolicyNever
			ss.Spec.Template.Spec.ActiveDeadlineSeconds = new(int64(10))
		}, []string{
			`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`,
			`spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported`,
		}},
		{"claim template", func(ss *apps.StatefulSet) {
			ss.Spec.VolumeClaimTemplates[0].Spec.AccessModes = nil
			ss.Spec.VolumeClaimTemplates = append(ss.Spec.VolumeClaimTemplates, ss.Spec.VolumeClaimTemplates[0])
			ss.Spec.VolumeClaimTemplates[1].Name = "Data"
		}, []string{
			`spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required`,
			`spec.volumeClaimTemplates[1].metadata.name: Invalid value: "Data": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
			`spec.volumeClaimTemplates[1].spec.accessModes: Required value: at least 1 access mode is required`,
		}},
		{"mount of an unknown claim", func(ss *apps.StatefulSet) { ss.Spec.VolumeClaimTemplates = nil }, []string{
			`spec.template.spec.containers[0].volumeMounts[0].name: Not found: "www"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := webStatefulSet()
			tt.mutate(ss)
			expectErrors(t, ss.Validate(), tt.want...)
		})
	}
}

func TestStatefulSetValidateUpdate(t *testing.T) {
	old := webStatefulSet()
	upd := webStatefulSet()
	upd.Spec.Replicas = new(int32(5))
	upd.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
	upd.Spec.UpdateStrategy.RollingUpdate.Partition = new(int32(2))
	upd.Spec.MinReadySeconds = 5
	upd.Spec.Ordinals = &apps.StatefulSetOrdinals{Start: 1}
	upd.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted = apps.DeletePersistentVolumeClaimRetentionPolicyType
	upd.Spec.RevisionHistoryLimit = new(int32(2))
	expectErrors(t, upd.ValidateUpdate(old))

	for _, change := range []struct {
		name   string
		mutate func(*apps.StatefulSet)
	}{
		{"serviceName", func(ss *apps.StatefulSet) { ss.Spec.ServiceName = "web" }},
		{"podManagementPolicy", func(ss *apps.StatefulSet) { ss.Spec.PodManagementPolicy = apps.ParallelPodManagement }},
		{"volumeClaimTemplates", func(ss *apps.StatefulSet) {
			ss.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests[core.ResourceStorage] = resource.MustParse("2Gi")
		}},
		{"selector", func(ss *apps.StatefulSet) {
			ss.Spec.Selector.MatchLabels["tier"] = "web"
			ss.Spec.Template.Labels["tier"] = "web"
		}},
	} {
		t.Run(change.name, func(t *testing.T) {
			upd := webStatefulSet()
			change.mutate(upd)
			expectErrors(t, upd.ValidateUpdate(old),
				`spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden`)
		})
	}

	// A name that older servers accepted does not block updates.
	old.Name, old.ResourceVersion = "web.v1", "20"
	legacy := webStatefulSet()
	legacy.Name = "web.v1"
	expectErrors(t, legacy.ValidateUpdate(old))
}

func TestDaemonSetValidate(t *testing.T) {
	valid := func() *apps.DaemonSet {
		ds := &apps.DaemonSet{
			ObjectMeta: meta.ObjectMeta{Name: "fluentd", Namespace: "kube-system", ResourceVersion: "4"},
			Spec: apps.DaemonSetSpec{
				Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "nginx"}},
				Template: nginxTemplate(),
			},
		}
		ds.Default()
		return ds
	}
	pct := func(s string) *meta.IntOrString { return new(meta.FromString(s)) }
	num := func(i int32) *meta.IntOrString { return new(meta.FromInt(i)) }
	tests := []struct {
		name   string
		mutate func(*apps.DaemonSet)
		want   []string
	}{
		{"valid", func(*apps.DaemonSet) {}, nil},
		{"surge instead", func(ds *apps.DaemonSet) {
			ds.Spec.UpdateStrategy.RollingUpdate = &apps.RollingUpdateDaemonSet{MaxUnavailable: num(0), MaxSurge: pct("10%")}
		}, nil},
		{"no selector", func(ds *apps.DaemonSet) { ds.Spec.Selector = nil }, []string{
			"spec.template.metadata.labels: Invalid value: {\"app\":\"nginx\"}: `selector` does not match template `labels`",
		}},
		{"empty selector", func(ds *apps.DaemonSet) { ds.Spec.Selector = &meta.LabelSelector{} }, []string{
			`spec.selector: Invalid value: {}: empty selector is invalid for daemonset`,
		}},
		{"restart policy", func(ds *apps.DaemonSet) { ds.Spec.Template.Spec.RestartPolicy = core.RestartPolicyNever }, []string{
			`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`,
		}},
		{"unknown strategy", func(ds *apps.DaemonSet) { ds.Spec.UpdateStrategy = apps.DaemonSetUpdateStrategy{Type: "Surge"} }, []string{
			`spec.updateStrategy: Unsupported value: {"type":"Surge"}: supported values: "RollingUpdate", "OnDelete"`,
		}},
		{"missing rollingUpdate", func(ds *apps.DaemonSet) { ds.Spec.UpdateStrategy.RollingUpdate = nil }, []string{
			`spec.updateStrategy.rollingUpdate: Required value`,
		}},
		{"both set", func(ds *apps.DaemonSet) { ds.Spec.UpdateStrategy.RollingUpdate.MaxSurge = num(1) }, []string{
			`spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero`,
		}},
		{"both zero", func(ds *apps.DaemonSet) { ds.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = pct("0%") }, []string{
			`spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0`,
		}},
		{"over 100%", func(ds *apps.DaemonSet) { ds.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = pct("101%") }, []string{
			`spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "101%": must not be greater than 100%`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := valid()
			tt.mutate(ds)
			expectErrors(t, ds.Validate(), tt.want...)
		})
	}

	old, upd := valid(), valid()
	upd.Spec.UpdateStrategy = apps.DaemonSetUpdateStrategy{Type: apps.OnDeleteDaemonSetStrategyType}
	upd.Spec.Template.Spec.Containers[0].Image = "fluentd:2"
	expectErrors(t, upd.ValidateUpdate(old))
	upd.Spec.Selector = &meta.LabelSelector{MatchLabels: map[string]string{"app": "nginx", "x": "y"}}
	upd.Spec.Template.Labels["x"] = "y"
	expectErrors(t, upd.ValidateUpdate(old),
		`spec.selector: Invalid value: {"matchLabels":{"app":"nginx","x":"y"}}: field is immutable`)
}

func TestControllerRevisionValidate(t *testing.T) {
	rev := &apps.ControllerRevision{
		ObjectMeta: meta.ObjectMeta{Name: "web-7d9f", Namespace: "default", ResourceVersion: "8"},
		Data:       meta.RawJSON(`{"spec":{"template":{"$patch":"replace"}}}`),
		Revision:   2,
	}
	expectErrors(t, rev.Validate())

	bad := &apps.ControllerRevision{ObjectMeta: rev.ObjectMeta, Revision: -1}
	expectErrors(t, bad.Validate(),
		`data: Required value: data is mandatory`,
		`revision: Invalid value: -1: must be greater than or equal to 0`)

	// The same data spelt differently, and a new revision number, are fine.
	upd := *rev
	upd.Data = meta.RawJSON(`{ "spec": { "template": { "$patch": "replace" } } }`)
	upd.Revision = 5
	expectErrors(t, upd.ValidateUpdate(rev))

	upd.Data = meta.RawJSON(`{"spec":{}}`)
	expectErrors(t, upd.ValidateUpdate(rev), `data: Invalid value: {"spec":{}}: field is immutable`)
}

func ExampleDeployment_Validate() {
	d := &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: apps.DeploymentSpec{
			Replicas: new(int32(-1)),
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": "api"}},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "web", Image: "nginx"}}},
			},
		},
	}
	d.Default() // the API server defaults before it validates
	for _, e := range d.Validate() {
		fmt.Println(e)
	}
	// Output:
	// spec.replicas: Invalid value: -1: must be greater than or equal to 0
	// spec.template.metadata.labels: Invalid value: {"app":"api"}: `selector` does not match template `labels`
}

func BenchmarkDeploymentValidate(b *testing.B) {
	d := nginxDeployment()
	for b.Loop() {
		if errs := d.Validate(); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkDeploymentValidateUpdate(b *testing.B) {
	old, upd := nginxDeployment(), nginxDeployment()
	upd.Spec.Replicas = new(int32(5))
	for b.Loop() {
		if errs := upd.ValidateUpdate(old); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
