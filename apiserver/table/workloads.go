package table

import (
	"strconv"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/batch"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
)

// Printers of workload kinds: apps, batch and autoscaling.

// replicas is spec.replicas, whose default is 1.
func replicas(r *int32) int64 { return int64(ptrOr(r, 1)) }

func ratio(a, b int64) string { return strconv.FormatInt(a, 10) + "/" + strconv.FormatInt(b, 10) }

var deploymentPrinter = &typed[apps.Deployment]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Ready", "string", "Ready pods out of desired pods."),
		col("Up-to-date", "string", "Pods running the latest template."),
		col("Available", "string", "Pods ready for at least minReadySeconds."),
		ageColumn,
		wide("Containers", "string", descContainers),
		wide("Images", "string", descImages),
		wide("Selector", "string", descSelector),
	},
	row: func(d *apps.Deployment, now time.Time) []any {
		names, images := containerCells(d.Spec.Template.Spec.Containers)
		// Unlike the other workloads, an empty selector prints as "", and
		// an invalid one as <invalid>.
		selector := "<invalid>"
		if sel, err := labels.FromLabelSelector(d.Spec.Selector); err == nil {
			selector = sel.String()
		}
		return []any{
			d.Name, ratio(int64(d.Status.ReadyReplicas), replicas(d.Spec.Replicas)),
			int64(d.Status.UpdatedReplicas), int64(d.Status.AvailableReplicas),
			age(d.CreationTimestamp.Time, now), names, images, selector,
		}
	},
}

var replicaSetPrinter = &typed[apps.ReplicaSet]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Desired", "integer", "Desired pods."),
		col("Current", "integer", "Pods created."),
		col("Ready", "integer", "Ready pods."),
		ageColumn,
		wide("Containers", "string", descContainers),
		wide("Images", "string", descImages),
		wide("Selector", "string", descSelector),
	},
	row: func(rs *apps.ReplicaSet, now time.Time) []any {
		names, images := containerCells(rs.Spec.Template.Spec.Containers)
		return []any{
			rs.Name, replicas(rs.Spec.Replicas), int64(rs.Status.Replicas), int64(rs.Status.ReadyReplicas),
			age(rs.CreationTimestamp.Time, now), names, images, formatLabelSelector(rs.Spec.Selector),
		}
	},
}

var statefulSetPrinter = &typed[apps.StatefulSet]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Ready", "string", "Ready pods out of desired pods."),
		ageColumn,
		wide("Containers", "string", descContainers),
		wide("Images", "string", descImages),
	},
	row: func(s *apps.StatefulSet, now time.Time) []any {
		names, images := containerCells(s.Spec.Template.Spec.Containers)
		return []any{
			s.Name, ratio(int64(s.Status.ReadyReplicas), replicas(s.Spec.Replicas)),
			age(s.CreationTimestamp.Time, now), names, images,
		}
	},
}

var daemonSetPrinter = &typed[apps.DaemonSet]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Desired", "integer", "Nodes that should run the daemon pod."),
		col("Current", "integer", "Nodes running at least one daemon pod that should."),
		col("Ready", "integer", "Nodes whose daemon pod is ready."),
		col("Up-to-date", "integer", "Nodes running the latest template."),
		col("Available", "integer", "Nodes whose daemon pod is available."),
		col("Node Selector", "string", "The node selector of the pod template."),
		ageColumn,
		wide("Containers", "string", descContainers),
		wide("Images", "string", descImages),
		wide("Selector", "string", descSelector),
	},
	row: func(ds *apps.DaemonSet, now time.Time) []any {
		names, images := containerCells(ds.Spec.Template.Spec.Containers)
		st := &ds.Status
		return []any{
			ds.Name, int64(st.DesiredNumberScheduled), int64(st.CurrentNumberScheduled), int64(st.NumberReady),
			int64(st.UpdatedNumberScheduled), int64(st.NumberAvailable), formatLabels(ds.Spec.Template.Spec.NodeSelector),
			age(ds.CreationTimestamp.Time, now), names, images, formatLabelSelector(ds.Spec.Selector),
		}
	},
}

var controllerRevisionPrinter = &typed[apps.ControllerRevision]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Controller", "string", "The controller owning the revision, as kind.group/name."),
		col("Revision", "string", "The revision number."),
		ageColumn,
	},
	row: func(cr *apps.ControllerRevision, now time.Time) []any {
		controller := "<none>"
		if ref := meta.ControllerOf(&cr.ObjectMeta); ref != nil {
			group, _ := meta.SplitAPIVersion(ref.APIVersion)
			gk := meta.GroupKind{Group: group, Kind: ref.Kind}
			controller = ref.Name
			if gk.Kind != "" || gk.Group != "" {
				controller = strings.ToLower(gk.String()) + "/" + ref.Name
			}
		}
		return []any{cr.Name, controller, cr.Revision, age(cr.CreationTimestamp.Time, now)}
	},
}

var jobPrinter = &typed[batch.Job]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Status", "string", "Complete, Failed, Terminating, Suspended, FailureTarget or Running."),
		col("Completions", "string", "Succeeded pods out of the completions wanted."),
		col("Duration", "string", "Time the job ran, or has been running."),
		ageColumn,
		wide("Containers", "string", descContainers),
		wide("Images", "string", descImages),
		wide("Selector", "string", descSelector),
	},
	row: func(j *batch.Job, now time.Time) []any {
		succeeded := int64(j.Status.Succeeded)
		var completions string
		switch par := ptrOr(j.Spec.Parallelism, 0); {
		case j.Spec.Completions != nil:
			completions = ratio(succeeded, int64(*j.Spec.Completions))
		case par > 1:
			completions = ratio(succeeded, 1) + " of " + strconv.Itoa(int(par))
		default:
			completions = ratio(succeeded, 1)
		}
		var duration string
		switch {
		case j.Status.StartTime == nil:
		case j.Status.CompletionTime == nil:
			duration = HumanDuration(now.Sub(j.Status.StartTime.Time))
		default:
			duration = HumanDuration(j.Status.CompletionTime.Sub(j.Status.StartTime.Time))
		}
		var status string
		switch {
		case jobCondition(j, batch.JobComplete):
			status = "Complete"
		case jobCondition(j, batch.JobFailed):
			status = "Failed"
		case j.DeletionTimestamp != nil:
			status = "Terminating"
		case jobCondition(j, batch.JobSuspended):
			status = "Suspended"
		case jobCondition(j, batch.JobFailureTarget):
			status = "FailureTarget"
		default:
			status = "Running"
		}
		names, images := containerCells(j.Spec.Template.Spec.Containers)
		return []any{
			j.Name, status, completions, duration, age(j.CreationTimestamp.Time, now),
			names, images, formatLabelSelector(j.Spec.Selector),
		}
	},
}

// jobCondition reports whether the job's first condition of type t is True.
func jobCondition(j *batch.Job, t batch.JobConditionType) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == t {
			return c.Status == core.ConditionTrue
		}
	}
	return false
}

var cronJobPrinter = &typed[batch.CronJob]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Schedule", "string", "The cron schedule."),
		col("Timezone", "string", "The time zone of the schedule."),
		{Name: "Suspend", Type: "boolean", Description: "Whether new runs are suspended."},
		col("Active", "integer", "Jobs running now."),
		col("Last Schedule", "string", "Time since a job was last scheduled."),
		ageColumn,
		wide("Containers", "string", descContainers),
		wide("Images", "string", descImages),
		wide("Selector", "string", descSelector),
	},
	row: func(cj *batch.CronJob, now time.Time) []any {
		last := "<none>"
		if t := cj.Status.LastScheduleTime; t != nil {
			last = age(t.Time, now)
		}
		tmpl := &cj.Spec.JobTemplate.Spec
		names, images := containerCells(tmpl.Template.Spec.Containers)
		return []any{
			cj.Name, cj.Spec.Schedule, ptrOr(cj.Spec.TimeZone, "<none>"), boolPtrCell(cj.Spec.Suspend),
			int64(len(cj.Status.Active)), last, age(cj.CreationTimestamp.Time, now),
			names, images, formatLabelSelector(tmpl.Selector),
		}
	},
}

// defaultCPUUtilization is the target an autoscaling/v1 HPA gets when it
// names none: Kubernetes stores HPAs as autoscaling/v2, whose defaulting
// adds a cpu target of 80%.
const defaultCPUUtilization = 80

var hpaPrinter = &typed[autoscaling.HorizontalPodAutoscaler]{
	cols: []meta.TableColumnDefinition{
		nameColumn,
		col("Reference", "string", "The scaled object, as kind/name."),
		col("Targets", "string", "Current and target value of each metric."),
		col("MinPods", "string", "The fewest replicas."),
		col("MaxPods", "string", "The most replicas."),
		col("Replicas", "string", "The current replicas."),
		ageColumn,
	},
	row: func(h *autoscaling.HorizontalPodAutoscaler, now time.Time) []any {
		ref := h.Spec.ScaleTargetRef.Kind + "/" + h.Spec.ScaleTargetRef.Name
		current := "<unknown>"
		if c := h.Status.CurrentCPUUtilizationPercentage; c != nil {
			current = strconv.Itoa(int(*c)) + "%"
		}
		target := strconv.Itoa(int(ptrOr(h.Spec.TargetCPUUtilizationPercentage, defaultCPUUtilization))) + "%"
		minPods := "<unset>"
		if h.Spec.MinReplicas != nil {
			minPods = strconv.Itoa(int(*h.Spec.MinReplicas))
		}
		return []any{
			h.Name, ref, "cpu: " + current + "/" + target, minPods,
			int64(h.Spec.MaxReplicas), int64(h.Status.CurrentReplicas), age(h.CreationTimestamp.Time, now),
		}
	},
}

var scalePrinter = &typed[autoscaling.Scale]{
	cols: []meta.TableColumnDefinition{
		// The Scale table's name column has no name format, as in Kubernetes.
		col("Name", "string", descName),
		col("Desired", "integer", "Desired replicas."),
		col("Available", "integer", "Current replicas."),
		ageColumn,
	},
	row: func(s *autoscaling.Scale, now time.Time) []any {
		return []any{s.Name, int64(s.Spec.Replicas), int64(s.Status.Replicas), age(s.CreationTimestamp.Time, now)}
	},
}
