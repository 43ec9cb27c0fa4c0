package apps_test

import (
	"bytes"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/internal/apitest"
)

func ptr[T any](v T) *T { return &v }

func TestDecodeNginxDeployment(t *testing.T) {
	d := apitest.RoundTrip[apps.Deployment](t, apitest.ReadDocs(t, "testdata/nginx-deployment.yaml")[0])
	if *d.Spec.Replicas != 3 || d.Spec.Selector.MatchLabels["app"] != "nginx" {
		t.Errorf("spec = %+v, want 3 replicas selecting app=nginx", d.Spec)
	}
	c := d.Spec.Template.Spec.Containers[0]
	if c.Image != "nginx:1.14.2" || c.Ports[0].ContainerPort != 80 {
		t.Errorf("container = %+v, want nginx:1.14.2 on port 80", c)
	}
}

func TestDecodeDeploymentStatus(t *testing.T) {
	d := apitest.RoundTrip[apps.Deployment](t, apitest.ReadDocs(t, "testdata/deployment-status.yaml")[0])
	if got := *d.Spec.Strategy.RollingUpdate.MaxUnavailable; got != meta.FromInt(0) {
		t.Errorf("maxUnavailable = %v, want 0", got)
	}
	st := d.Status
	if st.UnavailableReplicas != 1 || *st.TerminatingReplicas != 1 || *st.CollisionCount != 1 {
		t.Errorf("status = %+v", st)
	}
	p := st.Conditions[1]
	if p.Type != apps.DeploymentProgressing || p.Status != core.ConditionTrue || p.LastUpdateTime.Equal(p.LastTransitionTime) {
		t.Errorf("Progressing condition = %+v, want distinct update and transition times", p)
	}
}

func TestDecodeStatefulSet(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/web-statefulset.yaml")
	web := apitest.RoundTrip[apps.StatefulSet](t, docs[0])
	if web.Spec.ServiceName != "nginx" || web.Spec.MinReadySeconds != 10 {
		t.Errorf("spec = %+v", web.Spec)
	}
	vct := web.Spec.VolumeClaimTemplates[0]
	if vct.Name != "www" || *vct.Spec.StorageClassName != "my-storage-class" {
		t.Errorf("volumeClaimTemplates[0] = %+v", vct)
	}
	if got := vct.Spec.Resources.Requests[core.ResourceStorage]; got.String() != "1Gi" {
		t.Errorf("storage request = %s, want 1Gi", got.String())
	}
	db := apitest.RoundTrip[apps.StatefulSet](t, docs[1])
	ru := db.Spec.UpdateStrategy.RollingUpdate
	if *ru.Partition != 2 || *ru.MaxUnavailable != meta.FromString("40%") {
		t.Errorf("rollingUpdate = %+v, want partition 2, maxUnavailable 40%%", ru)
	}
	if db.Spec.Ordinals.Start != 1 || db.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted != apps.DeletePersistentVolumeClaimRetentionPolicyType {
		t.Errorf("ordinals / retention = %+v / %+v", db.Spec.Ordinals, db.Spec.PersistentVolumeClaimRetentionPolicy)
	}
	if db.Status.UpdateRevision != "db-5b8c7d6f4" || db.Status.AvailableReplicas != 4 {
		t.Errorf("status = %+v", db.Status)
	}
}

func TestControllerRevisionDataIsRaw(t *testing.T) {
	cr := apitest.RoundTrip[apps.ControllerRevision](t, apitest.ReadDocs(t, "testdata/replicaset.yaml")[1])
	want := `{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"image":"registry.k8s.io/nginx-slim:0.24","name":"nginx"}]}}}}`
	if string(cr.Data) != want || cr.Revision != 2 {
		t.Errorf("data = %s revision %d, want %s revision 2", cr.Data, cr.Revision, want)
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"container field", `
kind: Deployment
spec:
  selector: {matchLabels: {app: web}}
  template:
    spec:
      containers:
      - name: web
        image: nginx
        imagePullPolcy: Always
`, `unknown field "spec.template.spec.containers[0].imagePullPolcy"`},
		{"strategy", "kind: Deployment\nspec:\n  strategy:\n    rollingUpdate: {maxSurge: 1, maxUnavailabel: 0}\n",
			`unknown field "spec.strategy.rollingUpdate.maxUnavailabel"`},
		{"status", "kind: Deployment\nstatus:\n  readyReplica: 1\n", `unknown field "status.readyReplica"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apitest.StrictFields[apps.Deployment](t, tt.doc); !slices.Contains(got, tt.want) {
				t.Errorf("strict fields = %q, want %q among them", got, tt.want)
			}
		})
	}
	got := apitest.StrictFields[apps.StatefulSet](t, "spec:\n  volumeClaimTemplates:\n  - spec: {acessModes: [ReadWriteOnce]}\n")
	if want := `unknown field "spec.volumeClaimTemplates[0].spec.acessModes"`; !slices.Contains(got, want) {
		t.Errorf("StatefulSet strict fields = %q, want %q among them", got, want)
	}
}

func TestDeploymentDefault(t *testing.T) {
	pct := func(s string) *meta.IntOrString { return ptr(meta.FromString(s)) }
	tests := []struct {
		name string
		in   apps.DeploymentSpec
		want apps.DeploymentSpec
	}{
		{"empty", apps.DeploymentSpec{}, apps.DeploymentSpec{
			Replicas: ptr[int32](1),
			Strategy: apps.DeploymentStrategy{Type: apps.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &apps.RollingUpdateDeployment{MaxUnavailable: pct("25%"), MaxSurge: pct("25%")}},
			RevisionHistoryLimit: ptr[int32](10), ProgressDeadlineSeconds: ptr[int32](600),
		}},
		{"partial rolling update", apps.DeploymentSpec{
			Replicas: ptr[int32](0),
			Strategy: apps.DeploymentStrategy{RollingUpdate: &apps.RollingUpdateDeployment{MaxSurge: ptr(meta.FromInt(2))}},
		}, apps.DeploymentSpec{
			Replicas: ptr[int32](0),
			Strategy: apps.DeploymentStrategy{Type: apps.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &apps.RollingUpdateDeployment{MaxUnavailable: pct("25%"), MaxSurge: ptr(meta.FromInt(2))}},
			RevisionHistoryLimit: ptr[int32](10), ProgressDeadlineSeconds: ptr[int32](600),
		}},
		{"recreate", apps.DeploymentSpec{
			Strategy:             apps.DeploymentStrategy{Type: apps.RecreateDeploymentStrategyType},
			RevisionHistoryLimit: ptr[int32](0), ProgressDeadlineSeconds: ptr[int32](30),
		}, apps.DeploymentSpec{
			Replicas:             ptr[int32](1),
			Strategy:             apps.DeploymentStrategy{Type: apps.RecreateDeploymentStrategyType},
			RevisionHistoryLimit: ptr[int32](0), ProgressDeadlineSeconds: ptr[int32](30),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := apps.Deployment{Spec: tt.in}
			d.Default()
			got := d.Spec
			got.Template = core.PodTemplateSpec{} // checked in TestTemplatesDefaulted
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Default() spec =\n%s\nwant\n%s", mustJSON(t, got), mustJSON(t, tt.want))
			}
		})
	}
}

func TestStatefulSetDefault(t *testing.T) {
	retain := &apps.StatefulSetPersistentVolumeClaimRetentionPolicy{
		WhenDeleted: apps.RetainPersistentVolumeClaimRetentionPolicyType, WhenScaled: apps.RetainPersistentVolumeClaimRetentionPolicyType}
	tests := []struct {
		name string
		in   apps.StatefulSetSpec
		want apps.StatefulSetSpec
	}{
		{"empty", apps.StatefulSetSpec{}, apps.StatefulSetSpec{
			Replicas: ptr[int32](1), PodManagementPolicy: apps.OrderedReadyPodManagement,
			UpdateStrategy: apps.StatefulSetUpdateStrategy{Type: apps.RollingUpdateStatefulSetStrategyType,
				RollingUpdate: &apps.RollingUpdateStatefulSetStrategy{Partition: ptr[int32](0), MaxUnavailable: ptr(meta.FromInt(1))}},
			RevisionHistoryLimit: ptr[int32](10), PersistentVolumeClaimRetentionPolicy: retain,
		}},
		{"explicit rolling update without parameters", apps.StatefulSetSpec{
			UpdateStrategy:                       apps.StatefulSetUpdateStrategy{Type: apps.RollingUpdateStatefulSetStrategyType},
			PodManagementPolicy:                  apps.ParallelPodManagement,
			PersistentVolumeClaimRetentionPolicy: &apps.StatefulSetPersistentVolumeClaimRetentionPolicy{WhenScaled: apps.DeletePersistentVolumeClaimRetentionPolicyType},
		}, apps.StatefulSetSpec{
			Replicas: ptr[int32](1), PodManagementPolicy: apps.ParallelPodManagement,
			UpdateStrategy:       apps.StatefulSetUpdateStrategy{Type: apps.RollingUpdateStatefulSetStrategyType},
			RevisionHistoryLimit: ptr[int32](10),
			PersistentVolumeClaimRetentionPolicy: &apps.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: apps.RetainPersistentVolumeClaimRetentionPolicyType, WhenScaled: apps.DeletePersistentVolumeClaimRetentionPolicyType},
		}},
		{"on delete", apps.StatefulSetSpec{
			Replicas:       ptr[int32](3),
			UpdateStrategy: apps.StatefulSetUpdateStrategy{Type: apps.OnDeleteStatefulSetStrategyType},
		}, apps.StatefulSetSpec{
			Replicas: ptr[int32](3), PodManagementPolicy: apps.OrderedReadyPodManagement,
			UpdateStrategy:       apps.StatefulSetUpdateStrategy{Type: apps.OnDeleteStatefulSetStrategyType},
			RevisionHistoryLimit: ptr[int32](10), PersistentVolumeClaimRetentionPolicy: retain,
		}},
		{"partition kept", apps.StatefulSetSpec{
			UpdateStrategy: apps.StatefulSetUpdateStrategy{Type: apps.RollingUpdateStatefulSetStrategyType,
				RollingUpdate: &apps.RollingUpdateStatefulSetStrategy{Partition: ptr[int32](4)}},
		}, apps.StatefulSetSpec{
			Replicas: ptr[int32](1), PodManagementPolicy: apps.OrderedReadyPodManagement,
			UpdateStrategy: apps.StatefulSetUpdateStrategy{Type: apps.RollingUpdateStatefulSetStrategyType,
				RollingUpdate: &apps.RollingUpdateStatefulSetStrategy{Partition: ptr[int32](4), MaxUnavailable: ptr(meta.FromInt(1))}},
			RevisionHistoryLimit: ptr[int32](10), PersistentVolumeClaimRetentionPolicy: retain,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := apps.StatefulSet{Spec: tt.in}
			ss.Default()
			got := ss.Spec
			got.Template = core.PodTemplateSpec{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Default() spec =\n%s\nwant\n%s", mustJSON(t, got), mustJSON(t, tt.want))
			}
		})
	}
}

func TestDaemonSetAndReplicaSetDefault(t *testing.T) {
	var ds apps.DaemonSet
	ds.Default()
	want := apps.DaemonSetUpdateStrategy{Type: apps.RollingUpdateDaemonSetStrategyType,
		RollingUpdate: &apps.RollingUpdateDaemonSet{MaxUnavailable: ptr(meta.FromInt(1)), MaxSurge: ptr(meta.FromInt(0))}}
	if !reflect.DeepEqual(ds.Spec.UpdateStrategy, want) || *ds.Spec.RevisionHistoryLimit != 10 {
		t.Errorf("DaemonSet defaults = %s", mustJSON(t, ds.Spec))
	}
	onDelete := apps.DaemonSet{Spec: apps.DaemonSetSpec{UpdateStrategy: apps.DaemonSetUpdateStrategy{Type: apps.OnDeleteDaemonSetStrategyType}}}
	onDelete.Default()
	if onDelete.Spec.UpdateStrategy.RollingUpdate != nil {
		t.Errorf("OnDelete DaemonSet got rollingUpdate %+v", onDelete.Spec.UpdateStrategy.RollingUpdate)
	}
	var rs apps.ReplicaSet
	rs.Default()
	if rs.Spec.Replicas == nil || *rs.Spec.Replicas != 1 {
		t.Errorf("ReplicaSet replicas = %v, want 1", rs.Spec.Replicas)
	}
	zero := apps.ReplicaSet{Spec: apps.ReplicaSetSpec{Replicas: ptr[int32](0)}}
	zero.Default()
	if *zero.Spec.Replicas != 0 {
		t.Errorf("ReplicaSet replicas = %d, want the set 0", *zero.Spec.Replicas)
	}
}

// Every workload defaults its pod template (and claim templates) with the
// core defaults, as the Kubernetes API server does.
func TestTemplatesDefaulted(t *testing.T) {
	templates := map[string]func() *core.PodTemplateSpec{
		"Deployment": func() *core.PodTemplateSpec { d := &apps.Deployment{}; d.Default(); return &d.Spec.Template },
		"ReplicaSet": func() *core.PodTemplateSpec { r := &apps.ReplicaSet{}; r.Default(); return &r.Spec.Template },
		"StatefulSet": func() *core.PodTemplateSpec {
			s := &apps.StatefulSet{}
			s.Default()
			return &s.Spec.Template
		},
		"DaemonSet": func() *core.PodTemplateSpec { d := &apps.DaemonSet{}; d.Default(); return &d.Spec.Template },
	}
	for kind, tmpl := range templates {
		spec := tmpl().Spec
		if spec.RestartPolicy != core.RestartPolicyAlways || spec.DNSPolicy != core.DNSClusterFirst || spec.SchedulerName != core.DefaultSchedulerName {
			t.Errorf("%s template not defaulted: restartPolicy %q dnsPolicy %q schedulerName %q", kind, spec.RestartPolicy, spec.DNSPolicy, spec.SchedulerName)
		}
	}
	ss := apps.StatefulSet{Spec: apps.StatefulSetSpec{VolumeClaimTemplates: []core.PersistentVolumeClaim{{}}}}
	ss.Default()
	vct := ss.Spec.VolumeClaimTemplates[0]
	if vct.Spec.VolumeMode == nil || *vct.Spec.VolumeMode != core.PersistentVolumeFilesystem || vct.Status.Phase != core.ClaimPending {
		t.Errorf("volume claim template not defaulted: %s", mustJSON(t, vct))
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := api.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func BenchmarkDecodeDeployment(b *testing.B) {
	j, err := api.ToJSON(readDocsB(b, "testdata/deployment-status.yaml")[0])
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(j)))
	b.ReportAllocs()
	for b.Loop() {
		var d apps.Deployment
		if err := api.DecodeStrict(j, &d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeDeployment(b *testing.B) {
	j, err := api.ToJSON(readDocsB(b, "testdata/deployment-status.yaml")[0])
	if err != nil {
		b.Fatal(err)
	}
	var d apps.Deployment
	if err := api.DecodeStrict(j, &d); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(j)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := api.Encode(&d); err != nil {
			b.Fatal(err)
		}
	}
}

func readDocsB(b *testing.B, path string) [][]byte {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return bytes.Split(data, []byte("\n---\n"))
}
