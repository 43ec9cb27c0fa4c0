package batch

import (
	"maps"
	"math"

	"github.com/spar-dev/spar/api/core"
)

func ptrTo[T any](v T) *T { return &v }

// Default applies the batch/v1 defaults of a Job: parallelism and
// completions 1 when both are unset (else parallelism 1), backoffLimit 6
// (unlimited with backoffLimitPerIndex), completionMode NonIndexed, suspend
// false, podReplacementPolicy (Failed with a podFailurePolicy, else
// TerminatingOrFailed), status True in pod-condition patterns, the Job's
// labels from the template's when it has none, and the pod template's
// defaults.
func (j *Job) Default() {
	if len(j.Labels) == 0 && j.Spec.Template.Labels != nil {
		j.Labels = maps.Clone(j.Spec.Template.Labels)
	}
	s := &j.Spec
	if s.Completions == nil && s.Parallelism == nil {
		s.Completions = ptrTo[int32](1)
	}
	if s.Parallelism == nil {
		s.Parallelism = ptrTo[int32](1)
	}
	if s.BackoffLimit == nil {
		if s.BackoffLimitPerIndex != nil {
			s.BackoffLimit = ptrTo[int32](math.MaxInt32)
		} else {
			s.BackoffLimit = ptrTo[int32](6)
		}
	}
	if s.CompletionMode == nil {
		s.CompletionMode = ptrTo(NonIndexedCompletion)
	}
	if s.Suspend == nil {
		s.Suspend = ptrTo(false)
	}
	if s.PodReplacementPolicy == nil {
		if s.PodFailurePolicy != nil {
			s.PodReplacementPolicy = ptrTo(Failed)
		} else {
			s.PodReplacementPolicy = ptrTo(TerminatingOrFailed)
		}
	}
	defaultPodFailurePolicy(s.PodFailurePolicy)
	s.Template.Default()
}

// defaultPodFailurePolicy makes pod-condition patterns match status True
// unless they say otherwise.
func defaultPodFailurePolicy(p *PodFailurePolicy) {
	if p == nil {
		return
	}
	for i := range p.Rules {
		for k := range p.Rules[i].OnPodConditions {
			if c := &p.Rules[i].OnPodConditions[k]; c.Status == "" {
				c.Status = core.ConditionTrue
			}
		}
	}
}

// Default applies the batch/v1 defaults of a CronJob: concurrencyPolicy
// Allow, suspend false, successfulJobsHistoryLimit 3,
// failedJobsHistoryLimit 1, and, as in Kubernetes, of the job template only
// the pod template's defaults and the pod-condition patterns' status (the
// Job's own defaults apply when the Job is created).
func (c *CronJob) Default() {
	s := &c.Spec
	if s.ConcurrencyPolicy == "" {
		s.ConcurrencyPolicy = AllowConcurrent
	}
	if s.Suspend == nil {
		s.Suspend = ptrTo(false)
	}
	if s.SuccessfulJobsHistoryLimit == nil {
		s.SuccessfulJobsHistoryLimit = ptrTo[int32](3)
	}
	if s.FailedJobsHistoryLimit == nil {
		s.FailedJobsHistoryLimit = ptrTo[int32](1)
	}
	defaultPodFailurePolicy(s.JobTemplate.Spec.PodFailurePolicy)
	s.JobTemplate.Spec.Template.Default()
}
