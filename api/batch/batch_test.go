package batch_test

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/batch"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/internal/apitest"
)

func ptr[T any](v T) *T { return &v }

func TestDecodeCronJob(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/cronjob.yaml")
	hello := apitest.RoundTrip[batch.CronJob](t, docs[0])
	c := hello.Spec.JobTemplate.Spec.Template.Spec.Containers[0]
	if hello.Spec.Schedule != "* * * * *" || c.Command[2] != "date; echo Hello from the Kubernetes cluster" {
		t.Errorf("schedule %q, command %q", hello.Spec.Schedule, c.Command)
	}
	report := apitest.RoundTrip[batch.CronJob](t, docs[1])
	if *report.Spec.TimeZone != "Europe/Paris" || report.Spec.ConcurrencyPolicy != batch.ForbidConcurrent {
		t.Errorf("spec = %+v", report.Spec)
	}
	if got := report.Status.Active[0]; got.Kind != "Job" || got.Name != "nightly-report-28573920" {
		t.Errorf("status.active[0] = %+v", got)
	}
}

func TestDecodeJobs(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/job.yaml")
	pfp := apitest.RoundTrip[batch.Job](t, docs[1]).Spec.PodFailurePolicy
	want := &batch.PodFailurePolicy{Rules: []batch.PodFailurePolicyRule{
		{Action: batch.PodFailurePolicyActionFailJob, OnExitCodes: &batch.PodFailurePolicyOnExitCodesRequirement{
			ContainerName: ptr("main"), Operator: batch.PodFailurePolicyOnExitCodesOpIn, Values: []int32{42}}},
		{Action: batch.PodFailurePolicyActionIgnore, OnPodConditions: []batch.PodFailurePolicyOnPodConditionsPattern{{Type: core.DisruptionTarget}}},
	}}
	if !reflect.DeepEqual(pfp, want) {
		t.Errorf("podFailurePolicy = %+v, want %+v", pfp, want)
	}
	idx := apitest.RoundTrip[batch.Job](t, docs[2])
	if *idx.Spec.CompletionMode != batch.IndexedCompletion || *idx.Spec.SuccessPolicy.Rules[0].SucceededIndexes != "0,2-3" {
		t.Errorf("spec = %+v", idx.Spec)
	}
	st := idx.Status
	if st.CompletedIndexes != "0,2-4" || *st.FailedIndexes != "1" || len(st.UncountedTerminatedPods.Succeeded) != 1 || *st.Ready != 2 {
		t.Errorf("status = %+v", st)
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	got := apitest.StrictFields[batch.CronJob](t, `
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      backofLimit: 3
      template:
        spec:
          containers: [{name: a, image: b, comand: [x]}]
`)
	for _, want := range []string{
		`unknown field "spec.jobTemplate.spec.backofLimit"`,
		`unknown field "spec.jobTemplate.spec.template.spec.containers[0].comand"`,
	} {
		if !slices.Contains(got, want) {
			t.Errorf("strict fields = %q, want %q among them", got, want)
		}
	}
}

func TestJobDefault(t *testing.T) {
	nonIndexed, tof, failed := ptr(batch.NonIndexedCompletion), ptr(batch.TerminatingOrFailed), ptr(batch.Failed)
	pfp := func(status core.ConditionStatus) *batch.PodFailurePolicy {
		return &batch.PodFailurePolicy{Rules: []batch.PodFailurePolicyRule{{Action: batch.PodFailurePolicyActionIgnore,
			OnPodConditions: []batch.PodFailurePolicyOnPodConditionsPattern{{Type: core.DisruptionTarget, Status: status}}}}}
	}
	tests := []struct {
		name string
		in   batch.JobSpec
		want batch.JobSpec
	}{
		{"empty", batch.JobSpec{}, batch.JobSpec{
			Parallelism: ptr[int32](1), Completions: ptr[int32](1), BackoffLimit: ptr[int32](6),
			CompletionMode: nonIndexed, Suspend: ptr(false), PodReplacementPolicy: tof,
		}},
		{"parallelism only: completions stay unset", batch.JobSpec{Parallelism: ptr[int32](5)}, batch.JobSpec{
			Parallelism: ptr[int32](5), BackoffLimit: ptr[int32](6),
			CompletionMode: nonIndexed, Suspend: ptr(false), PodReplacementPolicy: tof,
		}},
		{"completions only", batch.JobSpec{Completions: ptr[int32](8)}, batch.JobSpec{
			Parallelism: ptr[int32](1), Completions: ptr[int32](8), BackoffLimit: ptr[int32](6),
			CompletionMode: nonIndexed, Suspend: ptr(false), PodReplacementPolicy: tof,
		}},
		{"backoff limit per index", batch.JobSpec{Completions: ptr[int32](3), Parallelism: ptr[int32](3), BackoffLimitPerIndex: ptr[int32](1),
			CompletionMode: ptr(batch.IndexedCompletion)}, batch.JobSpec{
			Parallelism: ptr[int32](3), Completions: ptr[int32](3), BackoffLimit: ptr[int32](math.MaxInt32), BackoffLimitPerIndex: ptr[int32](1),
			CompletionMode: ptr(batch.IndexedCompletion), Suspend: ptr(false), PodReplacementPolicy: tof,
		}},
		{"pod failure policy", batch.JobSpec{PodFailurePolicy: pfp("")}, batch.JobSpec{
			Parallelism: ptr[int32](1), Completions: ptr[int32](1), BackoffLimit: ptr[int32](6),
			CompletionMode: nonIndexed, Suspend: ptr(false), PodReplacementPolicy: failed,
			PodFailurePolicy: pfp(core.ConditionTrue),
		}},
		{"set values kept", batch.JobSpec{BackoffLimit: ptr[int32](0), Suspend: ptr(true), PodReplacementPolicy: failed,
			PodFailurePolicy: pfp(core.ConditionFalse)}, batch.JobSpec{
			Parallelism: ptr[int32](1), Completions: ptr[int32](1), BackoffLimit: ptr[int32](0),
			CompletionMode: nonIndexed, Suspend: ptr(true), PodReplacementPolicy: failed,
			PodFailurePolicy: pfp(core.ConditionFalse),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := batch.Job{Spec: tt.in}
			j.Default()
			got := j.Spec
			got.Template = core.PodTemplateSpec{} // checked in TestTemplatesDefaulted
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Default() spec =\n%s\nwant\n%s", mustJSON(t, got), mustJSON(t, tt.want))
			}
		})
	}
}

func TestJobLabelsFromTemplate(t *testing.T) {
	j := batch.Job{}
	j.Spec.Template.Labels = map[string]string{"app": "pi"}
	j.Default()
	if j.Labels["app"] != "pi" {
		t.Errorf("labels = %v, want the template's", j.Labels)
	}
	j.Labels["extra"] = "x"
	if _, shared := j.Spec.Template.Labels["extra"]; shared {
		t.Error("Job labels share the template's map")
	}
	own := batch.Job{}
	own.Labels = map[string]string{"team": "a"}
	own.Spec.Template.Labels = map[string]string{"app": "pi"}
	own.Default()
	if !reflect.DeepEqual(own.Labels, map[string]string{"team": "a"}) {
		t.Errorf("labels = %v, want the Job's own kept", own.Labels)
	}
}

func TestCronJobDefault(t *testing.T) {
	var c batch.CronJob
	c.Default()
	s := c.Spec
	if s.ConcurrencyPolicy != batch.AllowConcurrent || *s.Suspend || *s.SuccessfulJobsHistoryLimit != 3 || *s.FailedJobsHistoryLimit != 1 {
		t.Errorf("CronJob defaults = %s", mustJSON(t, s))
	}
	// The job template gets only its pod template defaulted.
	if js := s.JobTemplate.Spec; js.BackoffLimit != nil || js.Parallelism != nil || js.Suspend != nil {
		t.Errorf("job template spec defaulted as a Job: %s", mustJSON(t, js))
	}
	set := batch.CronJob{Spec: batch.CronJobSpec{ConcurrencyPolicy: batch.ReplaceConcurrent, Suspend: ptr(true),
		SuccessfulJobsHistoryLimit: ptr[int32](0), FailedJobsHistoryLimit: ptr[int32](0)}}
	set.Default()
	if s := set.Spec; s.ConcurrencyPolicy != batch.ReplaceConcurrent || !*s.Suspend || *s.SuccessfulJobsHistoryLimit != 0 || *s.FailedJobsHistoryLimit != 0 {
		t.Errorf("CronJob set values changed: %s", mustJSON(t, s))
	}
}

func TestTemplatesDefaulted(t *testing.T) {
	var j batch.Job
	j.Default()
	var c batch.CronJob
	c.Default()
	for kind, spec := range map[string]core.PodSpec{"Job": j.Spec.Template.Spec, "CronJob": c.Spec.JobTemplate.Spec.Template.Spec} {
		if spec.DNSPolicy != core.DNSClusterFirst || spec.SchedulerName != core.DefaultSchedulerName || spec.TerminationGracePeriodSeconds == nil {
			t.Errorf("%s pod template not defaulted: %s", kind, mustJSON(t, spec))
		}
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
