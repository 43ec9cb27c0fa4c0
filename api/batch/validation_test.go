package batch_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/batch"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*batch.Job)(nil)
	_ validator = (*batch.CronJob)(nil)
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

func piJob() *batch.Job {
	j := &batch.Job{
		ObjectMeta: meta.ObjectMeta{Name: "pi", Namespace: "default", UID: "3c1f", ResourceVersion: "1"},
		Spec: batch.JobSpec{
			BackoffLimit: new(int32(4)),
			Template: core.PodTemplateSpec{Spec: core.PodSpec{
				RestartPolicy: core.RestartPolicyNever,
				Containers:    []core.Container{{Name: "pi", Image: "perl:5.34.0", Command: []string{"perl", "-e", "print 1"}}},
			}},
		},
	}
	j.Default()
	return j
}

func TestJobValidateGeneratesSelector(t *testing.T) {
	j := piJob()
	expectErrors(t, j.Validate())
	wantLabels := map[string]string{
		"batch.kubernetes.io/controller-uid": "3c1f", "batch.kubernetes.io/job-name": "pi",
		"controller-uid": "3c1f", "job-name": "pi",
	}
	if got := j.Spec.Template.Labels; fmt.Sprint(got) != fmt.Sprint(wantLabels) {
		t.Errorf("template labels = %v, want %v", got, wantLabels)
	}
	if got := j.Spec.Selector; got == nil || fmt.Sprint(got.MatchLabels) != "map[batch.kubernetes.io/controller-uid:3c1f]" {
		t.Errorf("selector = %+v, want matchLabels batch.kubernetes.io/controller-uid=3c1f", got)
	}
	// Validating again (an update re-validates) changes nothing.
	expectErrors(t, j.Validate())
}

func TestJobValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*batch.Job)
		want   []string
	}{
		{"valid", func(*batch.Job) {}, nil},
		{"manual selector", func(j *batch.Job) {
			j.Spec.ManualSelector = new(true)
			j.Spec.Selector = &meta.LabelSelector{MatchLabels: map[string]string{"app": "pi"}}
			j.Spec.Template.Labels = map[string]string{"app": "pi"}
		}, nil},
		{"manual selector missing", func(j *batch.Job) { j.Spec.ManualSelector = new(true) }, []string{
			`spec.selector: Required value`,
			"spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`",
		}},
		{"no uid", func(j *batch.Job) { j.UID = "" }, []string{
			`metadata.uid: Required value`,
		}},
		{"conflicting pod label", func(j *batch.Job) { j.Spec.Template.Labels = map[string]string{"controller-uid": "other"} }, []string{
			`spec.template.metadata.labels[controller-uid]: Invalid value: {"batch.kubernetes.io/controller-uid":"3c1f","batch.kubernetes.io/job-name":"pi","controller-uid":"other","job-name":"pi"}: must be '3c1f'`,
		}},
		{"foreign selector", func(j *batch.Job) {
			j.Spec.Selector = &meta.LabelSelector{MatchLabels: map[string]string{"app": "pi"}}
			j.Spec.Template.Labels = map[string]string{"app": "pi"}
		}, []string{
			"spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"pi\",\"batch.kubernetes.io/controller-uid\":\"3c1f\"}}: `selector` not auto-generated",
		}},
		{"restart policy Always", func(j *batch.Job) { j.Spec.Template.Spec.RestartPolicy = core.RestartPolicyAlways }, []string{
			`spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`,
		}},
		{"negative counts", func(j *batch.Job) {
			j.Spec.Parallelism, j.Spec.Completions, j.Spec.BackoffLimit = new(int32(-1)), new(int32(-2)), new(int32(-3))
			j.Spec.ActiveDeadlineSeconds, j.Spec.TTLSecondsAfterFinished = new(int64(-4)), new(int32(-5))
		}, []string{
			`spec.parallelism: Invalid value: -1: must be greater than or equal to 0`,
			`spec.completions: Invalid value: -2: must be greater than or equal to 0`,
			`spec.activeDeadlineSeconds: Invalid value: -4: must be greater than or equal to 0`,
			`spec.backoffLimit: Invalid value: -3: must be greater than or equal to 0`,
			`spec.ttlSecondsAfterFinished: Invalid value: -5: must be greater than or equal to 0`,
		}},
		{"completion mode", func(j *batch.Job) { j.Spec.CompletionMode = new(batch.CompletionMode("Sharded")) }, []string{
			`spec.completionMode: Unsupported value: "Sharded": supported values: "NonIndexed", "Indexed"`,
		}},
		{"indexed without completions", func(j *batch.Job) {
			j.Spec.CompletionMode, j.Spec.Completions = new(batch.IndexedCompletion), nil
		}, []string{
			`spec.completions: Required value: when completion mode is Indexed`,
		}},
		{"per-index limits need Indexed", func(j *batch.Job) {
			j.Spec.BackoffLimitPerIndex, j.Spec.MaxFailedIndexes = new(int32(1)), new(int32(2))
		}, []string{
			`spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode`,
			`spec.maxFailedIndexes: Invalid value: 2: requires indexed completion mode`,
		}},
		{"indexed limits", func(j *batch.Job) {
			j.Spec.CompletionMode, j.Spec.Completions, j.Spec.MaxFailedIndexes = new(batch.IndexedCompletion), new(int32(3)), new(int32(4))
		}, []string{
			`spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified`,
			`spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions`,
		}},
		{"indexed pod hostnames", func(j *batch.Job) {
			j.Name = strings.Repeat("a", 62)
			j.Spec.CompletionMode, j.Spec.Completions = new(batch.IndexedCompletion), new(int32(10))
			j.Spec.Template.Labels = nil
		}, []string{
			"metadata.name: Invalid value: \"" + strings.Repeat("a", 62) + "\": will not able to create pod with invalid DNS label: " + strings.Repeat("a", 62) + "-9",
		}},
		{"managedBy", func(j *batch.Job) { j.Spec.ManagedBy = new("kueue") }, []string{
			`spec.managedBy: Invalid value: "kueue": must be a domain-prefixed path (such as "acme.io/foo")`,
		}},
		{"pod replacement policy", func(j *batch.Job) { j.Spec.PodReplacementPolicy = new(batch.PodReplacementPolicy("Never")) }, []string{
			`spec.podReplacementPolicy: Unsupported value: "Never": supported values: "Failed", "TerminatingOrFailed"`,
		}},
		{"pod failure policy", func(j *batch.Job) {
			j.Spec.PodReplacementPolicy = new(batch.Failed)
			j.Spec.Template.Spec.RestartPolicy = core.RestartPolicyOnFailure
			j.Spec.PodFailurePolicy = &batch.PodFailurePolicy{Rules: []batch.PodFailurePolicyRule{
				{Action: batch.PodFailurePolicyActionFailJob, OnExitCodes: &batch.PodFailurePolicyOnExitCodesRequirement{
					Operator: batch.PodFailurePolicyOnExitCodesOpIn, Values: []int32{0, 42, 3, 3}, ContainerName: new("sidecar")}},
				{Action: "Retry", OnPodConditions: []batch.PodFailurePolicyOnPodConditionsPattern{{Type: "DisruptionTarget", Status: "Maybe"}}},
				{Action: batch.PodFailurePolicyActionFailIndex},
				{},
			}}
		}, []string{
			`spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "sidecar": must be one of the container or initContainer names in the pod template`,
			`spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator`,
			`spec.podFailurePolicy.rules[0].onExitCodes.values[3]: Duplicate value: 3`,
			`spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [0,42,3,3]: must be ordered`,
			`spec.podFailurePolicy.rules[1].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"`,
			`spec.podFailurePolicy.rules[1].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"`,
			`spec.podFailurePolicy.rules[2].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set`,
			`spec.podFailurePolicy.rules[2]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required`,
			`spec.podFailurePolicy.rules[3].action: Required value: valid values: ["Count" "FailIndex" "FailJob" "Ignore"]`,
			`spec.podFailurePolicy.rules[3]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required`,
			`spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified`,
		}},
		{"success policy needs Indexed", func(j *batch.Job) {
			j.Spec.SuccessPolicy = &batch.SuccessPolicy{Rules: []batch.SuccessPolicyRule{{SucceededCount: new(int32(1))}}}
		}, []string{
			`spec.successPolicy: Invalid value: {"rules":[{"succeededCount":1}]}: requires indexed completion mode`,
		}},
		{"success policy", func(j *batch.Job) {
			j.Spec.CompletionMode, j.Spec.Completions = new(batch.IndexedCompletion), new(int32(5))
			j.Spec.SuccessPolicy = &batch.SuccessPolicy{Rules: []batch.SuccessPolicyRule{
				{SucceededIndexes: new("0,2-3"), SucceededCount: new(int32(4))},
				{SucceededIndexes: new("3,1")},
				{SucceededIndexes: new("1-7")},
				{SucceededCount: new(int32(6))},
				{},
			}}
		}, []string{
			`spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal to 3 (the number of indexes in the specified succeededIndexes field)`,
			`spec.successPolicy.rules[1].succeededIndexes: Invalid value: "3,1": error parsing succeededIndexes: non-increasing order, previous: 3, current: 1`,
			`spec.successPolicy.rules[2].succeededIndexes: Invalid value: "1-7": error parsing succeededIndexes: too large index: "7"`,
			`spec.successPolicy.rules[3].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)`,
			`spec.successPolicy.rules[4]: Required value: at least one of succeededCount or succeededIndexes must be specified`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := piJob()
			tt.mutate(j)
			expectErrors(t, j.Validate(), tt.want...)
		})
	}
}

// fieldsOf lists "field: detail" of each error, for errors whose value is
// too large to spell out in a test.
func fieldsOf(errs meta.FieldErrors) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field+": "+e.Detail)
	}
	return out
}

func TestJobValidateUpdate(t *testing.T) {
	created := func() *batch.Job {
		j := piJob()
		if errs := j.Validate(); len(errs) > 0 {
			t.Fatal(errs)
		}
		return j
	}
	old := created()

	upd := created()
	upd.Spec.Suspend = new(true)
	upd.Spec.Parallelism = new(int32(5))
	upd.Spec.BackoffLimit = new(int32(10))
	upd.Spec.TTLSecondsAfterFinished = new(int32(60))
	expectErrors(t, upd.ValidateUpdate(old))

	upd = created()
	upd.Spec.Completions = new(int32(3))
	upd.Spec.Selector.MatchLabels["x"] = "y"
	upd.Spec.Template.Labels["x"] = "y"
	upd.Spec.CompletionMode = new(batch.IndexedCompletion)
	if got, want := fieldsOf(upd.ValidateUpdate(old)), []string{
		"spec.selector: `selector` not auto-generated",
		"spec.completions: can only be modified in tandem with spec.parallelism",
		"spec.selector: field is immutable",
		"spec.template: field is immutable",
		"spec.completionMode: field is immutable",
	}; !slices.Equal(got, want) {
		t.Errorf("errors:\n got %q\nwant %q", got, want)
	}

	upd = created()
	upd.Spec.Completions = new(int32(3))
	expectErrors(t, upd.ValidateUpdate(old), `spec.completions: Invalid value: 3: field is immutable`)
}

func TestJobValidateUpdateElasticIndexed(t *testing.T) {
	old := piJob()
	old.Spec.CompletionMode, old.Spec.Completions, old.Spec.Parallelism = new(batch.IndexedCompletion), new(int32(4)), new(int32(4))
	expectErrors(t, old.Validate())
	upd := *old
	upd.Spec.Completions, upd.Spec.Parallelism = new(int32(8)), new(int32(8))
	expectErrors(t, upd.ValidateUpdate(old))
}

func TestJobValidateUpdateSuspendedScheduling(t *testing.T) {
	old := piJob()
	old.Spec.Suspend = new(true)
	expectErrors(t, old.Validate())

	upd := meta.DeepCopy(old)
	upd.Spec.Template.Spec.NodeSelector = map[string]string{"disk": "ssd"}
	upd.Spec.Template.Spec.Tolerations = []core.Toleration{{Key: "gpu", Operator: core.TolerationOpExists}}
	upd.Spec.Template.Annotations = map[string]string{"queue": "high"}
	expectErrors(t, upd.ValidateUpdate(old))

	// Not once the Job has started.
	started := meta.DeepCopy(old)
	started.Status.StartTime = &meta.Time{Time: time.Now()}
	if got := fieldsOf(upd.ValidateUpdate(started)); !slices.Equal(got, []string{"spec.template: field is immutable"}) {
		t.Errorf("errors = %q", got)
	}

	// And the containers never.
	img := meta.DeepCopy(old)
	img.Spec.Template.Spec.Containers[0].Image = "perl:5.36"
	if got := fieldsOf(img.ValidateUpdate(old)); !slices.Equal(got, []string{"spec.template: field is immutable"}) {
		t.Errorf("errors = %q", got)
	}
}

func helloCronJob() *batch.CronJob {
	c := &batch.CronJob{
		ObjectMeta: meta.ObjectMeta{Name: "hello", Namespace: "default", ResourceVersion: "1"},
		Spec: batch.CronJobSpec{
			Schedule: "*/5 * * * *",
			JobTemplate: batch.JobTemplateSpec{Spec: batch.JobSpec{Template: core.PodTemplateSpec{Spec: core.PodSpec{
				RestartPolicy: core.RestartPolicyOnFailure,
				Containers:    []core.Container{{Name: "hello", Image: "busybox:1.36", Command: []string{"date"}}},
			}}}},
		},
	}
	c.Default()
	return c
}

func TestCronJobValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*batch.CronJob)
		want   []string
	}{
		{"valid", func(*batch.CronJob) {}, nil},
		{"macro", func(c *batch.CronJob) { c.Spec.Schedule = "@hourly" }, nil},
		{"names", func(c *batch.CronJob) { c.Spec.Schedule = "0 9 * JAN-MAR mon-fri" }, nil},
		{"time zone", func(c *batch.CronJob) { c.Spec.TimeZone = new("Europe/Paris") }, nil},
		{"52 characters", func(c *batch.CronJob) { c.Name = strings.Repeat("a", 52) }, nil},
		{"missing schedule", func(c *batch.CronJob) { c.Spec.Schedule = "" }, []string{
			`spec.schedule: Required value`,
		}},
		{"four fields", func(c *batch.CronJob) { c.Spec.Schedule = "*/5 * * *" }, []string{
			`spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]`,
		}},
		{"out of range", func(c *batch.CronJob) { c.Spec.Schedule = "0 24 * * *" }, []string{
			`spec.schedule: Invalid value: "0 24 * * *": end of range (24) above maximum (23): 24`,
		}},
		{"TZ in schedule", func(c *batch.CronJob) { c.Spec.Schedule = "TZ=UTC 0 * * * *" }, []string{
			`spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead`,
		}},
		{"unknown TZ in schedule", func(c *batch.CronJob) { c.Spec.Schedule = "CRON_TZ=Mars/Olympus 0 * * * *" }, []string{
			`spec.schedule: Invalid value: "CRON_TZ=Mars/Olympus 0 * * * *": provided bad location Mars/Olympus: unknown time zone Mars/Olympus`,
			`spec.schedule: Invalid value: "CRON_TZ=Mars/Olympus 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead`,
		}},
		{"unknown time zone", func(c *batch.CronJob) { c.Spec.TimeZone = new("Europe/Pariss") }, []string{
			`spec.timeZone: Invalid value: "Europe/Pariss": unknown time zone Europe/Pariss`,
		}},
		{"time zone path", func(c *batch.CronJob) { c.Spec.TimeZone = new("../../etc/passwd") }, []string{
			`spec.timeZone: Invalid value: "../../etc/passwd": unknown time zone ../../etc/passwd`,
		}},
		{"Local", func(c *batch.CronJob) { c.Spec.TimeZone = new("Local") }, []string{
			`spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones`,
		}},
		{"empty time zone", func(c *batch.CronJob) { c.Spec.TimeZone = new("") }, []string{
			`spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string`,
		}},
		{"concurrency policy", func(c *batch.CronJob) { c.Spec.ConcurrencyPolicy = "Queue" }, []string{
			`spec.concurrencyPolicy: Unsupported value: "Queue": supported values: "Allow", "Forbid", "Replace"`,
		}},
		{"limits", func(c *batch.CronJob) {
			c.Spec.StartingDeadlineSeconds = new(int64(-1))
			c.Spec.SuccessfulJobsHistoryLimit, c.Spec.FailedJobsHistoryLimit = new(int32(-1)), new(int32(-2))
		}, []string{
			`spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0`,
			`spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0`,
			`spec.failedJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0`,
		}},
		{"name too long for its Jobs", func(c *batch.CronJob) { c.Name = strings.Repeat("a", 53) }, []string{
			`metadata.name: Invalid value: "` + strings.Repeat("a", 53) + `": must be no more than 52 characters`,
		}},
		{"job template", func(c *batch.CronJob) {
			c.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy = core.RestartPolicyAlways
			c.Spec.JobTemplate.Spec.Selector = &meta.LabelSelector{MatchLabels: map[string]string{"app": "hello"}}
			c.Spec.JobTemplate.Spec.ManualSelector = new(true)
			c.Spec.JobTemplate.Spec.Parallelism = new(int32(-1))
		}, []string{
			`spec.jobTemplate.spec.parallelism: Invalid value: -1: must be greater than or equal to 0`,
			`spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`,
			"spec.jobTemplate.spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"hello\"}}: `selector` will be auto-generated",
			`spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := helloCronJob()
			tt.mutate(c)
			expectErrors(t, c.Validate(), tt.want...)
		})
	}
}

func TestCronJobValidateUpdate(t *testing.T) {
	old := helloCronJob()
	upd := helloCronJob()
	upd.Spec.Schedule = "@daily"
	upd.Spec.Suspend = new(true)
	upd.Spec.TimeZone = new("Asia/Tokyo")
	expectErrors(t, upd.ValidateUpdate(old))

	// Stored before the rules tightened: a long name, and TZ= in the
	// schedule, stay acceptable, but TZ= cannot be combined with timeZone.
	old.Name = strings.Repeat("a", 60)
	old.Spec.Schedule = "TZ=UTC 0 * * * *"
	legacy := helloCronJob()
	legacy.Name = old.Name
	legacy.Spec.Schedule = "TZ=UTC 30 * * * *"
	expectErrors(t, legacy.ValidateUpdate(old))
	legacy.Spec.TimeZone = new("UTC")
	expectErrors(t, legacy.ValidateUpdate(old),
		`spec.schedule: Invalid value: "TZ=UTC 30 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule`)
}

func TestParseScheduleErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"", "empty spec string"},
		{"* * * *", "expected exactly 5 fields, found 4: [* * * *]"},
		{"* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"},
		{"60 * * * *", "end of range (60) above maximum (59): 60"},
		{"* * 0 * *", "beginning of range (0) below minimum (1): 0"},
		{"* * * 13 *", "end of range (13) above maximum (12): 13"},
		{"* * * * 7", "end of range (7) above maximum (6): 7"},
		{"5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"},
		{"*/0 * * * *", "step of range should be a positive number: */0"},
		{"a * * * *", `failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax`},
		{"-1 * * * *", `failed to parse int from : strconv.Atoi: parsing "": invalid syntax`},
		{"1-2-3 * * * *", "too many hyphens: 1-2-3"},
		{"1/2/3 * * * *", "too many slashes: 1/2/3"},
		{"* * * * funday", `failed to parse int from funday: strconv.Atoi: parsing "funday": invalid syntax`},
		{"@weekdays", "unrecognized descriptor: @weekdays"},
		{"@every 1x", `failed to parse duration @every 1x: time: unknown unit "x" in duration "1x"`},
		{"TZ=Nowhere/City * * * * *", "provided bad location Nowhere/City: unknown time zone Nowhere/City"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			_, err := batch.ParseSchedule(tt.spec)
			if err == nil || err.Error() != tt.want {
				t.Errorf("ParseSchedule(%q) error = %v, want %q", tt.spec, err, tt.want)
			}
		})
	}
}

func TestScheduleNext(t *testing.T) {
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		spec, from string
		want       []string // successive firing times
	}{
		{"*/15 * * * *", "2024-05-01T10:07:30Z", []string{"2024-05-01T10:15:00Z", "2024-05-01T10:30:00Z", "2024-05-01T10:45:00Z", "2024-05-01T11:00:00Z"}},
		{"* * * * *", "2024-05-01T10:07:00Z", []string{"2024-05-01T10:08:00Z", "2024-05-01T10:09:00Z"}},
		{"0 9 * * mon-fri", "2024-05-03T17:00:00Z", []string{"2024-05-06T09:00:00Z", "2024-05-07T09:00:00Z"}}, // Friday
		{"30 22 * * SAT,sun", "2024-05-01T00:00:00Z", []string{"2024-05-04T22:30:00Z", "2024-05-05T22:30:00Z", "2024-05-11T22:30:00Z"}},
		{"0 0 1,15 * *", "2024-05-01T00:00:00Z", []string{"2024-05-15T00:00:00Z", "2024-06-01T00:00:00Z"}},
		// Both day fields restricted: either matches (the 13th, or a Friday).
		{"0 0 13 * 5", "2024-09-01T00:00:00Z", []string{"2024-09-06T00:00:00Z", "2024-09-13T00:00:00Z", "2024-09-20T00:00:00Z", "2024-09-27T00:00:00Z", "2024-10-04T00:00:00Z", "2024-10-11T00:00:00Z", "2024-10-13T00:00:00Z"}},
		// A step on the day of week keeps the other field restricting.
		{"0 0 1 * */2", "2024-09-01T00:00:00Z", []string{"2024-09-03T00:00:00Z", "2024-09-05T00:00:00Z"}},
		{"5/20 8-10 * * *", "2024-05-01T08:00:00Z", []string{"2024-05-01T08:05:00Z", "2024-05-01T08:25:00Z", "2024-05-01T08:45:00Z", "2024-05-01T09:05:00Z"}},
		{"0 0 29 2 *", "2024-03-01T00:00:00Z", []string{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
		{"@hourly", "2024-05-01T10:00:00Z", []string{"2024-05-01T11:00:00Z"}},
		{"@daily", "2024-05-01T10:00:00Z", []string{"2024-05-02T00:00:00Z"}},
		{"@weekly", "2024-05-01T10:00:00Z", []string{"2024-05-05T00:00:00Z"}},
		{"@monthly", "2024-05-01T00:00:00Z", []string{"2024-06-01T00:00:00Z"}},
		{"@yearly", "2024-05-01T00:00:00Z", []string{"2025-01-01T00:00:00Z"}},
		{"@every 90m", "2024-05-01T10:00:00.5Z", []string{"2024-05-01T11:30:00Z", "2024-05-01T13:00:00Z"}},
		{"@every 10ms", "2024-05-01T10:00:00Z", []string{"2024-05-01T10:00:01Z"}},
		{"TZ=Asia/Tokyo 0 9 * * *", "2024-05-01T00:00:00Z", []string{"2024-05-02T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.spec+" from "+tt.from, func(t *testing.T) {
			s, err := batch.ParseSchedule(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			at := utc(tt.from)
			for i, w := range tt.want {
				at = s.Next(at)
				if !at.Equal(utc(w)) || at.Location() != time.UTC {
					t.Fatalf("firing %d = %s, want %s", i+1, at.Format(time.RFC3339), w)
				}
			}
		})
	}

	never, err := batch.ParseSchedule("0 0 30 2 *")
	if err != nil {
		t.Fatal(err)
	}
	if got := never.Next(utc("2024-01-01T00:00:00Z")); !got.IsZero() {
		t.Errorf("Next of a schedule that never fires = %s, want the zero time", got)
	}
	if got := (batch.Schedule{}).Next(utc("2024-01-01T00:00:00Z")); !got.IsZero() {
		t.Errorf("Next of the zero Schedule = %s, want the zero time", got)
	}
}

// TestScheduleNextDST checks firing times across daylight saving time
// changes in a time zone, the way the CronJob controller asks (t.In(zone)).
func TestScheduleNextDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, spec string
		from       time.Time
		want       []string // successive firing times, UTC
	}{
		// Clocks jump from 02:00 EST to 03:00 EDT on 2024-03-10: 02:30
		// does not exist that day and is skipped.
		{"spring forward skips", "30 2 * * *", time.Date(2024, 3, 9, 3, 0, 0, 0, ny),
			[]string{"2024-03-11T06:30:00Z", "2024-03-12T06:30:00Z"}},
		{"daily across spring forward", "0 9 * * *", time.Date(2024, 3, 9, 10, 0, 0, 0, ny),
			[]string{"2024-03-10T13:00:00Z", "2024-03-11T13:00:00Z"}}, // 09:00 EDT is 13:00Z
		{"hourly across spring forward", "0 * * * *", time.Date(2024, 3, 10, 0, 30, 0, 0, ny),
			[]string{"2024-03-10T06:00:00Z", "2024-03-10T07:00:00Z", "2024-03-10T08:00:00Z"}}, // 01:00 EST, 03:00 EDT, 04:00 EDT
		// Clocks fall back from 02:00 EDT to 01:00 EST on 2024-11-03:
		// 01:30 happens twice and fires twice.
		{"fall back repeats", "30 1 * * *", time.Date(2024, 11, 3, 0, 0, 0, 0, ny),
			[]string{"2024-11-03T05:30:00Z", "2024-11-03T06:30:00Z", "2024-11-04T06:30:00Z"}},
		{"hourly across fall back", "0 * * * *", time.Date(2024, 11, 3, 0, 30, 0, 0, ny),
			[]string{"2024-11-03T05:00:00Z", "2024-11-03T06:00:00Z", "2024-11-03T07:00:00Z"}}, // 01:00 EDT, 01:00 EST, 02:00 EST
		{"daily across fall back", "0 9 * * *", time.Date(2024, 11, 2, 10, 0, 0, 0, ny),
			[]string{"2024-11-03T14:00:00Z", "2024-11-04T14:00:00Z"}}, // 09:00 EST is 14:00Z
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := batch.ParseSchedule(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			at := tt.from
			for i, w := range tt.want {
				at = s.Next(at)
				if got := at.UTC().Format(time.RFC3339); got != w {
					t.Fatalf("firing %d = %s (%s), want %s", i+1, got, at, w)
				}
				if at.Location() != ny {
					t.Fatalf("firing %d is in %s, want the location of the time given", i+1, at.Location())
				}
			}
		})
	}
}

// TestValidateTestdata checks that the real manifests of testdata, once
// defaulted and given the namespace and UID the API server sets, are valid.
func TestValidateTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		for i, doc := range apitest.ReadDocs(t, f) {
			t.Run(fmt.Sprintf("%s#%d", filepath.Base(f), i), func(t *testing.T) {
				obj := apitest.RoundTripKind(t, doc)
				obj.(interface{ Default() }).Default()
				m := obj.GetObjectMeta()
				if m.Namespace == "" {
					m.Namespace = "default"
				}
				if m.UID == "" {
					m.UID = "0d4c3b2a"
				}
				expectErrors(t, obj.(interface{ Validate() meta.FieldErrors }).Validate())
			})
		}
	}
}

func BenchmarkParseSchedule(b *testing.B) {
	for b.Loop() {
		if _, err := batch.ParseSchedule("*/5 9-17 * JAN-JUN mon-fri"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScheduleNext(b *testing.B) {
	for _, spec := range []string{"*/5 * * * *", "0 9 * * mon-fri", "0 0 29 2 *"} {
		s, err := batch.ParseSchedule(spec)
		if err != nil {
			b.Fatal(err)
		}
		from := time.Date(2024, 5, 1, 10, 7, 0, 0, time.UTC)
		b.Run(spec, func(b *testing.B) {
			for b.Loop() {
				s.Next(from)
			}
		})
	}
}

func ExampleParseSchedule() {
	s, err := batch.ParseSchedule("30 2 * * *")
	if err != nil {
		panic(err)
	}
	// A CronJob with spec.timeZone runs in that zone: ask in it. 02:30
	// does not exist in New York on 2024-03-10 and is skipped.
	ny, _ := time.LoadLocation("America/New_York")
	t := time.Date(2024, 3, 9, 12, 0, 0, 0, ny)
	for range 2 {
		t = s.Next(t)
		fmt.Println(t)
	}

	_, err = batch.ParseSchedule("*/5 * * *")
	fmt.Println(err)
	// Output:
	// 2024-03-11 02:30:00 -0400 EDT
	// 2024-03-12 02:30:00 -0400 EDT
	// expected exactly 5 fields, found 4: [*/5 * * *]
}
