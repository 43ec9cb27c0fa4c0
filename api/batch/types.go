package batch

import (
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// GroupName is the API group of this package's kinds.
const GroupName = "batch"

// Version is the API version of this package's kinds.
const Version = "v1"

// Well-known labels, annotations and finalizers of the batch controllers.
const (
	// CronJobScheduledTimestampAnnotation records on a Job the scheduled
	// time (RFC 3339) it was created for.
	CronJobScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"
	// JobCompletionIndexAnnotation holds the index of a pod of an Indexed Job.
	JobCompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index"
	// JobTrackingFinalizer holds a Job's pods until their outcome is counted.
	JobTrackingFinalizer = "batch.kubernetes.io/job-tracking"
	// JobNameLabel labels a Job's pods with the Job's name.
	JobNameLabel = "batch.kubernetes.io/job-name"
	// ControllerUidLabel labels a Job's pods with the Job's UID; the
	// generated selector matches it.
	ControllerUidLabel = "batch.kubernetes.io/controller-uid"
	// JobIndexFailureCountAnnotation counts the failures of a pod's index.
	JobIndexFailureCountAnnotation = "batch.kubernetes.io/job-index-failure-count"
	// JobIndexIgnoredFailureCountAnnotation counts the failures of a pod's
	// index that a pod failure policy ignored.
	JobIndexIgnoredFailureCountAnnotation = "batch.kubernetes.io/job-index-ignored-failure-count"
	// JobControllerName is the managedBy value of the built-in controller.
	JobControllerName = "kubernetes.io/job-controller"
)

// Job runs pods until a number of them succeed.
type Job struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            JobSpec   `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	Status          JobStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// JobList is a list of Jobs.
type JobList = meta.List[Job]

// JobSpec is the desired behaviour of a Job.
type JobSpec struct {
	// Parallelism is the maximum number of pods running at once.
	// Default: 1.
	Parallelism *int32 `json:"parallelism,omitempty" protobuf:"varint,1,opt,name=parallelism"`
	// Completions is the number of successful pods needed; nil means any
	// one success completes the Job. Default: 1 when Parallelism is unset too.
	Completions *int32 `json:"completions,omitempty" protobuf:"varint,2,opt,name=completions"`
	// ActiveDeadlineSeconds bounds the Job's run time from its start.
	ActiveDeadlineSeconds *int64 `json:"activeDeadlineSeconds,omitempty" protobuf:"varint,3,opt,name=activeDeadlineSeconds"`
	// PodFailurePolicy decides on failed pods before BackoffLimit counts them.
	PodFailurePolicy *PodFailurePolicy `json:"podFailurePolicy,omitempty" protobuf:"bytes,11,opt,name=podFailurePolicy"`
	// SuccessPolicy declares an Indexed Job succeeded early.
	SuccessPolicy *SuccessPolicy `json:"successPolicy,omitempty" protobuf:"bytes,16,opt,name=successPolicy"`
	// BackoffLimit is the number of retries before the Job fails.
	// Default: 6, or unlimited with backoffLimitPerIndex.
	BackoffLimit *int32 `json:"backoffLimit,omitempty" protobuf:"varint,7,opt,name=backoffLimit"`
	// BackoffLimitPerIndex is the number of retries per index of an
	// Indexed Job.
	BackoffLimitPerIndex *int32 `json:"backoffLimitPerIndex,omitempty" protobuf:"varint,12,opt,name=backoffLimitPerIndex"`
	// MaxFailedIndexes fails the Job once this many indexes failed.
	MaxFailedIndexes *int32 `json:"maxFailedIndexes,omitempty" protobuf:"varint,13,opt,name=maxFailedIndexes"`
	// Selector is generated from the Job's UID unless ManualSelector is true.
	Selector       *meta.LabelSelector  `json:"selector,omitempty" protobuf:"bytes,4,opt,name=selector"`
	ManualSelector *bool                `json:"manualSelector,omitempty" protobuf:"varint,5,opt,name=manualSelector"`
	Template       core.PodTemplateSpec `json:"template" protobuf:"bytes,6,opt,name=template"`
	// TTLSecondsAfterFinished deletes the Job this long after it finished.
	TTLSecondsAfterFinished *int32 `json:"ttlSecondsAfterFinished,omitempty" protobuf:"varint,8,opt,name=ttlSecondsAfterFinished"`
	// CompletionMode is NonIndexed or Indexed. Default: NonIndexed.
	CompletionMode *CompletionMode `json:"completionMode,omitempty" protobuf:"bytes,9,opt,name=completionMode"`
	// Suspend stops creating pods and deletes the running ones.
	// Default: false.
	Suspend *bool `json:"suspend,omitempty" protobuf:"varint,10,opt,name=suspend"`
	// PodReplacementPolicy says when a failed pod is replaced.
	// Default: Failed with a podFailurePolicy, else TerminatingOrFailed.
	PodReplacementPolicy *PodReplacementPolicy `json:"podReplacementPolicy,omitempty" protobuf:"bytes,14,opt,name=podReplacementPolicy"`
	// ManagedBy names the controller that reconciles the Job; the built-in
	// one skips Jobs managed by another.
	ManagedBy *string `json:"managedBy,omitempty" protobuf:"bytes,15,opt,name=managedBy"`
}

// CompletionMode is NonIndexed or Indexed.
type CompletionMode string

// Completion modes.
const (
	// NonIndexedCompletion completes after Completions successful pods.
	NonIndexedCompletion CompletionMode = "NonIndexed"
	// IndexedCompletion gives pods indexes 0..Completions-1 and completes
	// once each index succeeded.
	IndexedCompletion CompletionMode = "Indexed"
)

// PodReplacementPolicy is TerminatingOrFailed or Failed.
type PodReplacementPolicy string

// Pod replacement policies.
const (
	// TerminatingOrFailed replaces a pod as soon as it is terminating.
	TerminatingOrFailed PodReplacementPolicy = "TerminatingOrFailed"
	// Failed waits until the pod has fully terminated.
	Failed PodReplacementPolicy = "Failed"
)

// PodFailurePolicy is a list of rules matched in order against failed pods.
type PodFailurePolicy struct {
	Rules []PodFailurePolicyRule `json:"rules" protobuf:"bytes,1,rep,name=rules"`
}

// PodFailurePolicyRule matches exit codes or pod conditions and acts.
type PodFailurePolicyRule struct {
	Action          PodFailurePolicyAction                   `json:"action" protobuf:"bytes,1,opt,name=action"`
	OnExitCodes     *PodFailurePolicyOnExitCodesRequirement  `json:"onExitCodes,omitempty" protobuf:"bytes,2,opt,name=onExitCodes"`
	OnPodConditions []PodFailurePolicyOnPodConditionsPattern `json:"onPodConditions,omitempty" protobuf:"bytes,3,rep,name=onPodConditions"`
}

// PodFailurePolicyAction is what a matching rule does.
type PodFailurePolicyAction string

// Pod failure policy actions.
const (
	// PodFailurePolicyActionFailJob fails the Job.
	PodFailurePolicyActionFailJob PodFailurePolicyAction = "FailJob"
	// PodFailurePolicyActionFailIndex fails the pod's index.
	PodFailurePolicyActionFailIndex PodFailurePolicyAction = "FailIndex"
	// PodFailurePolicyActionIgnore does not count the failure.
	PodFailurePolicyActionIgnore PodFailurePolicyAction = "Ignore"
	// PodFailurePolicyActionCount counts the failure against BackoffLimit.
	PodFailurePolicyActionCount PodFailurePolicyAction = "Count"
)

// PodFailurePolicyOnExitCodesRequirement matches containers' exit codes.
type PodFailurePolicyOnExitCodesRequirement struct {
	// ContainerName restricts the match to one container.
	ContainerName *string                             `json:"containerName,omitempty" protobuf:"bytes,1,opt,name=containerName"`
	Operator      PodFailurePolicyOnExitCodesOperator `json:"operator" protobuf:"bytes,2,opt,name=operator"`
	Values        []int32                             `json:"values" protobuf:"varint,3,rep,name=values"`
}

// PodFailurePolicyOnExitCodesOperator is In or NotIn.
type PodFailurePolicyOnExitCodesOperator string

// Exit code operators.
const (
	PodFailurePolicyOnExitCodesOpIn    PodFailurePolicyOnExitCodesOperator = "In"
	PodFailurePolicyOnExitCodesOpNotIn PodFailurePolicyOnExitCodesOperator = "NotIn"
)

// PodFailurePolicyOnPodConditionsPattern matches a pod condition.
type PodFailurePolicyOnPodConditionsPattern struct {
	Type core.PodConditionType `json:"type" protobuf:"bytes,1,opt,name=type"`
	// Status to match. Default: True.
	Status core.ConditionStatus `json:"status" protobuf:"bytes,2,opt,name=status"`
}

// SuccessPolicy lists rules, any of which declares an Indexed Job succeeded.
type SuccessPolicy struct {
	Rules []SuccessPolicyRule `json:"rules" protobuf:"bytes,1,rep,name=rules"`
}

// SuccessPolicyRule is met when the given indexes, or this many of them,
// succeeded.
type SuccessPolicyRule struct {
	// SucceededIndexes are intervals such as "1,3-5,7".
	SucceededIndexes *string `json:"succeededIndexes,omitempty" protobuf:"bytes,1,opt,name=succeededIndexes"`
	SucceededCount   *int32  `json:"succeededCount,omitempty" protobuf:"varint,2,opt,name=succeededCount"`
}

// JobStatus is the observed state of a Job.
type JobStatus struct {
	Conditions []JobCondition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,1,rep,name=conditions"`
	// StartTime is when the controller started (or resumed) the Job.
	StartTime *meta.Time `json:"startTime,omitempty" protobuf:"bytes,2,opt,name=startTime"`
	// CompletionTime is set when the Job completed successfully.
	CompletionTime *meta.Time `json:"completionTime,omitempty" protobuf:"bytes,3,opt,name=completionTime"`
	// Active is the number of pending and running pods.
	Active    int32 `json:"active,omitempty" protobuf:"varint,4,opt,name=active"`
	Succeeded int32 `json:"succeeded,omitempty" protobuf:"varint,5,opt,name=succeeded"`
	Failed    int32 `json:"failed,omitempty" protobuf:"varint,6,opt,name=failed"`
	// Terminating is the number of pods being deleted.
	Terminating *int32 `json:"terminating,omitempty" protobuf:"varint,11,opt,name=terminating"`
	// CompletedIndexes are the succeeded indexes of an Indexed Job, as
	// intervals ("1,3-5,7").
	CompletedIndexes string `json:"completedIndexes,omitempty" protobuf:"bytes,7,opt,name=completedIndexes"`
	// FailedIndexes, with backoffLimitPerIndex, in the same format.
	FailedIndexes *string `json:"failedIndexes,omitempty" protobuf:"bytes,10,opt,name=failedIndexes"`
	// UncountedTerminatedPods finished but are not yet in the counts.
	UncountedTerminatedPods *UncountedTerminatedPods `json:"uncountedTerminatedPods,omitempty" protobuf:"bytes,8,opt,name=uncountedTerminatedPods"`
	// Ready is the number of active pods that are ready.
	Ready *int32 `json:"ready,omitempty" protobuf:"varint,9,opt,name=ready"`
}

// UncountedTerminatedPods are the UIDs of finished pods whose outcome the
// controller has not yet added to the status counts.
type UncountedTerminatedPods struct {
	Succeeded []meta.UID `json:"succeeded,omitempty" protobuf:"bytes,1,rep,name=succeeded"`
	Failed    []meta.UID `json:"failed,omitempty" protobuf:"bytes,2,rep,name=failed"`
}

// JobConditionType names a condition of a Job.
type JobConditionType string

// Job conditions.
const (
	JobSuspended          JobConditionType = "Suspended"
	JobComplete           JobConditionType = "Complete"
	JobFailed             JobConditionType = "Failed"
	JobFailureTarget      JobConditionType = "FailureTarget"
	JobSuccessCriteriaMet JobConditionType = "SuccessCriteriaMet"
)

// Reasons of Job conditions.
const (
	JobReasonPodFailurePolicy         = "PodFailurePolicy"
	JobReasonBackoffLimitExceeded     = "BackoffLimitExceeded"
	JobReasonDeadlineExceeded         = "DeadlineExceeded"
	JobReasonMaxFailedIndexesExceeded = "MaxFailedIndexesExceeded"
	JobReasonFailedIndexes            = "FailedIndexes"
	JobReasonSuccessPolicy            = "SuccessPolicy"
	JobReasonCompletionsReached       = "CompletionsReached"
)

// JobCondition is a condition of a Job.
type JobCondition struct {
	Type               JobConditionType     `json:"type" protobuf:"bytes,1,opt,name=type"`
	Status             core.ConditionStatus `json:"status" protobuf:"bytes,2,opt,name=status"`
	LastProbeTime      meta.Time            `json:"lastProbeTime,omitempty" protobuf:"bytes,3,opt,name=lastProbeTime"`
	LastTransitionTime meta.Time            `json:"lastTransitionTime,omitempty" protobuf:"bytes,4,opt,name=lastTransitionTime"`
	Reason             string               `json:"reason,omitempty" protobuf:"bytes,5,opt,name=reason"`
	Message            string               `json:"message,omitempty" protobuf:"bytes,6,opt,name=message"`
}

// JobTemplateSpec is the Job a CronJob creates.
type JobTemplateSpec struct {
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            JobSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// CronJob creates Jobs on a schedule.
type CronJob struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            CronJobSpec   `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	Status          CronJobStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// CronJobList is a list of CronJobs.
type CronJobList = meta.List[CronJob]

// CronJobSpec is the desired behaviour of a CronJob.
type CronJobSpec struct {
	// Schedule in cron syntax ("*/5 * * * *", "@hourly").
	Schedule string `json:"schedule" protobuf:"bytes,1,opt,name=schedule"`
	// TimeZone of the schedule, an IANA name. Default: the controller's.
	TimeZone *string `json:"timeZone,omitempty" protobuf:"bytes,8,opt,name=timeZone"`
	// StartingDeadlineSeconds after a missed schedule time, the run is skipped.
	StartingDeadlineSeconds *int64 `json:"startingDeadlineSeconds,omitempty" protobuf:"varint,2,opt,name=startingDeadlineSeconds"`
	// ConcurrencyPolicy is Allow, Forbid or Replace. Default: Allow.
	ConcurrencyPolicy ConcurrencyPolicy `json:"concurrencyPolicy,omitempty" protobuf:"bytes,3,opt,name=concurrencyPolicy"`
	// Suspend stops creating Jobs. Default: false.
	Suspend     *bool           `json:"suspend,omitempty" protobuf:"varint,4,opt,name=suspend"`
	JobTemplate JobTemplateSpec `json:"jobTemplate" protobuf:"bytes,5,opt,name=jobTemplate"`
	// SuccessfulJobsHistoryLimit is the number of finished Jobs kept.
	// Default: 3.
	SuccessfulJobsHistoryLimit *int32 `json:"successfulJobsHistoryLimit,omitempty" protobuf:"varint,6,opt,name=successfulJobsHistoryLimit"`
	// FailedJobsHistoryLimit is the number of failed Jobs kept. Default: 1.
	FailedJobsHistoryLimit *int32 `json:"failedJobsHistoryLimit,omitempty" protobuf:"varint,7,opt,name=failedJobsHistoryLimit"`
}

// ConcurrencyPolicy says what happens when a run is due while one is active.
type ConcurrencyPolicy string

// Concurrency policies.
const (
	AllowConcurrent   ConcurrencyPolicy = "Allow"
	ForbidConcurrent  ConcurrencyPolicy = "Forbid"
	ReplaceConcurrent ConcurrencyPolicy = "Replace"
)

// CronJobStatus is the observed state of a CronJob.
type CronJobStatus struct {
	// Active are the running Jobs.
	Active             []core.ObjectReference `json:"active,omitempty" protobuf:"bytes,1,rep,name=active"`
	LastScheduleTime   *meta.Time             `json:"lastScheduleTime,omitempty" protobuf:"bytes,4,opt,name=lastScheduleTime"`
	LastSuccessfulTime *meta.Time             `json:"lastSuccessfulTime,omitempty" protobuf:"bytes,5,opt,name=lastSuccessfulTime"`
}
