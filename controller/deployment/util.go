package deployment

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// Annotations the controller writes on Deployments and their ReplicaSets,
// as Kubernetes' deployment controller.
const (
	// RevisionAnnotation numbers the rollouts: each new pod template gets
	// the next revision; a ReplicaSet rolled back to gets a new number.
	RevisionAnnotation = "deployment.kubernetes.io/revision"
	// RevisionHistoryAnnotation lists the earlier revisions a ReplicaSet
	// served ("1,3"), after rollbacks to it.
	RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	// DesiredReplicasAnnotation records spec.replicas of the Deployment
	// when it last scaled the ReplicaSet; a difference is a scaling event.
	DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	// MaxReplicasAnnotation records spec.replicas + maxSurge then; it is
	// the base of proportional scaling.
	MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"
	// RestartedAtAnnotation is set in the pod template by `kubectl rollout
	// restart`: a changed template, so a rollout.
	RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt"
	// ChangeCauseAnnotation is copied to ReplicaSets and shown by `kubectl
	// rollout history`.
	ChangeCauseAnnotation = "kubernetes.io/change-cause"

	lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"
	// maxRevisionHistoryChars bounds the revision-history annotation.
	maxRevisionHistoryChars = 2000
)

// Reasons of the Progressing and Available conditions, as Kubernetes'.
const (
	ReasonReplicaSetUpdated          = "ReplicaSetUpdated"
	ReasonReplicaSetCreateError      = "ReplicaSetCreateError"
	ReasonNewReplicaSetCreated       = "NewReplicaSetCreated"
	ReasonFoundNewReplicaSet         = "FoundNewReplicaSet"
	ReasonNewReplicaSetAvailable     = "NewReplicaSetAvailable"
	ReasonProgressDeadlineExceeded   = "ProgressDeadlineExceeded"
	ReasonDeploymentPaused           = "DeploymentPaused"
	ReasonDeploymentResumed          = "DeploymentResumed"
	ReasonMinimumReplicasAvailable   = "MinimumReplicasAvailable"
	ReasonMinimumReplicasUnavailable = "MinimumReplicasUnavailable"
)

// annotationsToSkip are the Deployment annotations not copied to its
// ReplicaSets (and kept by a rollback).
var annotationsToSkip = map[string]bool{
	lastAppliedAnnotation:     true,
	RevisionAnnotation:        true,
	RevisionHistoryAnnotation: true,
	DesiredReplicasAnnotation: true,
	MaxReplicasAnnotation:     true,
	apps.DeprecatedRollbackTo: true,
}

// hashAlphabet is the alphabet of generated names, as Kubernetes'
// (no vowels, so no words).
const hashAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// PodTemplateHash is the pod-template-hash of a template: Kubernetes'
// recipe (FNV-32a of the template, then collisionCount as 8
// little-endian bytes of which the low 4 are set, the decimal sum
// rendered in hashAlphabet). Kubernetes feeds the hash with a dump of
// its own Go structs, which cannot be reproduced outside them; spar
// feeds it the template's canonical JSON, so the values differ from a
// Kubernetes cluster's but have the same form and behave the same.
func PodTemplateHash(t *core.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	b, err := json.Marshal(t)
	if err != nil {
		// Every API type encodes; a failure is a programming error.
		panic(fmt.Sprintf("deployment: encoding a pod template: %v", err))
	}
	h.Write(b)
	if collisionCount != nil {
		var cc [8]byte
		binary.LittleEndian.PutUint32(cc[:], uint32(*collisionCount))
		h.Write(cc[:])
	}
	digits := strconv.FormatUint(uint64(h.Sum32()), 10)
	out := make([]byte, len(digits))
	for i := range len(digits) {
		out[i] = hashAlphabet[int(digits[i])%len(hashAlphabet)]
	}
	return string(out)
}

// equalIgnoreHash reports whether two pod templates are the same but for
// the pod-template-hash label.
func equalIgnoreHash(a, b *core.PodTemplateSpec) bool {
	return string(templateKey(a)) == string(templateKey(b))
}

// templateKey is the canonical JSON of t without the hash label.
func templateKey(t *core.PodTemplateSpec) []byte {
	cp := *t
	if _, ok := cp.Labels[apps.DefaultDeploymentUniqueLabelKey]; ok {
		cp.Labels = maps.Clone(cp.Labels)
		delete(cp.Labels, apps.DefaultDeploymentUniqueLabelKey)
	}
	b, err := json.Marshal(&cp)
	if err != nil {
		panic(fmt.Sprintf("deployment: encoding a pod template: %v", err))
	}
	return b
}

// findNewReplicaSet returns the ReplicaSet whose template is the
// Deployment's, the oldest if several are.
func findNewReplicaSet(d *apps.Deployment, rsList []*apps.ReplicaSet) *apps.ReplicaSet {
	sorted := slices.Clone(rsList)
	slices.SortFunc(sorted, byCreation)
	want := templateKey(&d.Spec.Template)
	for _, rs := range sorted {
		if string(templateKey(&rs.Spec.Template)) == string(want) {
			return rs
		}
	}
	return nil
}

// findOldReplicaSets returns the ReplicaSets other than the new one: those
// with replicas, and all.
func findOldReplicaSets(d *apps.Deployment, rsList []*apps.ReplicaSet, newRS *apps.ReplicaSet) (active, all []*apps.ReplicaSet) {
	for _, rs := range rsList {
		if newRS != nil && rs.UID == newRS.UID {
			continue
		}
		all = append(all, rs)
		if replicas(rs) != 0 {
			active = append(active, rs)
		}
	}
	return active, all
}

// replicas is rs's spec.replicas (nil counts as 0: only the controller
// creates these ReplicaSets, and it always sets it).
func replicas(rs *apps.ReplicaSet) int32 {
	if rs == nil || rs.Spec.Replicas == nil {
		return 0
	}
	return *rs.Spec.Replicas
}

// desired is d's spec.replicas.
func desired(d *apps.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

func filterActive(rss []*apps.ReplicaSet) []*apps.ReplicaSet {
	var out []*apps.ReplicaSet
	for _, rs := range rss {
		if rs != nil && replicas(rs) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// Sums over ReplicaSets; nil entries (no new ReplicaSet yet) count 0.
func sumSpec(rss []*apps.ReplicaSet) (n int32) {
	for _, rs := range rss {
		n += replicas(rs)
	}
	return n
}

func sumStatus(rss []*apps.ReplicaSet, f func(*apps.ReplicaSetStatus) int32) (n int32) {
	for _, rs := range rss {
		if rs != nil {
			n += f(&rs.Status)
		}
	}
	return n
}

func statusReplicas(s *apps.ReplicaSetStatus) int32  { return s.Replicas }
func statusReady(s *apps.ReplicaSetStatus) int32     { return s.ReadyReplicas }
func statusAvailable(s *apps.ReplicaSetStatus) int32 { return s.AvailableReplicas }

// podsBound is the most pods the ReplicaSets can have now or soon: for
// each, its spec or the pods it last reported, whichever is more. A
// ReplicaSet just scaled down still has its pods until its controller
// deletes them and says so; counting them keeps a rollout from creating
// new pods before old ones are gone, so that pods never exceed
// replicas + maxSurge. (Kubernetes counts spec.replicas only.)
func podsBound(rss []*apps.ReplicaSet) (n int32) {
	for _, rs := range rss {
		if rs != nil {
			n += max(replicas(rs), rs.Status.Replicas)
		}
	}
	return n
}

// availableBound is the pods of rs that can be counted on as available: its
// reported available pods, but no more than its spec, since pods beyond
// the spec are about to be deleted. (Kubernetes counts the reported pods.)
func availableBound(rs *apps.ReplicaSet) int32 {
	return min(rs.Status.AvailableReplicas, replicas(rs))
}

func sumAvailableBound(rss []*apps.ReplicaSet) (n int32) {
	for _, rs := range rss {
		if rs != nil {
			n += availableBound(rs)
		}
	}
	return n
}

// byCreation orders ReplicaSets oldest first, then by name.
func byCreation(a, b *apps.ReplicaSet) int {
	if !a.CreationTimestamp.Equal(b.CreationTimestamp) {
		if a.CreationTimestamp.Before(b.CreationTimestamp.Time) {
			return -1
		}
		return 1
	}
	return strings.Compare(a.Name, b.Name)
}

// bySizeOlder orders larger ReplicaSets first, older first among equals:
// the order of proportional scale-down.
func bySizeOlder(a, b *apps.ReplicaSet) int {
	if ra, rb := replicas(a), replicas(b); ra != rb {
		return int(rb) - int(ra)
	}
	return byCreation(a, b)
}

// bySizeNewer orders larger ReplicaSets first, newer first among equals:
// the order of proportional scale-up.
func bySizeNewer(a, b *apps.ReplicaSet) int {
	if ra, rb := replicas(a), replicas(b); ra != rb {
		return int(rb) - int(ra)
	}
	return byCreation(b, a)
}

// byRevision orders ReplicaSets by revision, oldest first; unparseable or
// equal revisions fall back to creation order.
func byRevision(a, b *apps.ReplicaSet) int {
	ra, err1 := revision(a)
	rb, err2 := revision(b)
	if err1 != nil || err2 != nil || ra == rb {
		return byCreation(a, b)
	}
	if ra < rb {
		return -1
	}
	return 1
}

// revision returns obj's revision annotation (0 when absent).
func revision(rs *apps.ReplicaSet) (int64, error) {
	v, ok := rs.Annotations[RevisionAnnotation]
	if !ok {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

func maxRevision(rss []*apps.ReplicaSet) int64 {
	var m int64
	for _, rs := range rss {
		if v, err := revision(rs); err == nil && v > m {
			m = v
		}
	}
	return m
}

// setNewReplicaSetAnnotations copies the Deployment's annotations to the
// new ReplicaSet, raises its revision to newRevision (remembering the old
// one in revision-history: a rollback), and for a ReplicaSet about to be
// created sets the replica annotations. It reports whether anything
// changed.
func setNewReplicaSetAnnotations(d *apps.Deployment, rs *apps.ReplicaSet, newRevision string, exists bool) bool {
	changed := copyDeploymentAnnotations(d, rs)
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	oldRevision, had := rs.Annotations[RevisionAnnotation]
	oldN, err := strconv.ParseInt(oldRevision, 10, 64)
	if err != nil {
		if oldRevision != "" {
			return false
		}
		oldN = 0
	}
	newN, err := strconv.ParseInt(newRevision, 10, 64)
	if err != nil {
		return false
	}
	if oldN < newN {
		rs.Annotations[RevisionAnnotation] = newRevision
		changed = true
		if had {
			rs.Annotations[RevisionHistoryAnnotation] = appendHistory(rs.Annotations[RevisionHistoryAnnotation], oldRevision)
		}
	}
	if !exists && setReplicasAnnotations(rs, desired(d), desired(d)+maxSurge(d)) {
		changed = true
	}
	return changed
}

// appendHistory appends rev to the comma-separated history, dropping the
// oldest entries beyond maxRevisionHistoryChars.
func appendHistory(history, rev string) string {
	if history == "" {
		return rev
	}
	old := strings.Split(history, ",")
	total := len(history) + len(rev) + 1
	for total > maxRevisionHistoryChars && len(old) > 0 {
		total -= len(old[0]) + 1
		old = old[1:]
	}
	return strings.Join(append(old, rev), ",")
}

// copyDeploymentAnnotations copies d's annotations but the skipped ones
// to rs, reporting whether rs changed.
func copyDeploymentAnnotations(d *apps.Deployment, rs *apps.ReplicaSet) bool {
	changed := false
	for k, v := range d.Annotations {
		if annotationsToSkip[k] {
			continue
		}
		if cur, ok := rs.Annotations[k]; ok && cur == v {
			continue
		}
		if rs.Annotations == nil {
			rs.Annotations = map[string]string{}
		}
		rs.Annotations[k] = v
		changed = true
	}
	return changed
}

func replicasAnnotationsNeedUpdate(rs *apps.ReplicaSet, desired, maxReplicas int32) bool {
	return rs.Annotations[DesiredReplicasAnnotation] != strconv.Itoa(int(desired)) ||
		rs.Annotations[MaxReplicasAnnotation] != strconv.Itoa(int(maxReplicas))
}

func setReplicasAnnotations(rs *apps.ReplicaSet, desired, maxReplicas int32) bool {
	if !replicasAnnotationsNeedUpdate(rs, desired, maxReplicas) {
		return false
	}
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	rs.Annotations[DesiredReplicasAnnotation] = strconv.Itoa(int(desired))
	rs.Annotations[MaxReplicasAnnotation] = strconv.Itoa(int(maxReplicas))
	return true
}

func intAnnotation(rs *apps.ReplicaSet, key string) (int32, bool) {
	v, ok := rs.Annotations[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, false
	}
	return int32(n), true
}

func isRollingUpdate(d *apps.Deployment) bool {
	return d.Spec.Strategy.Type == apps.RollingUpdateDeploymentStrategyType
}

// ResolveFenceposts resolves maxSurge (percentages rounded up) and
// maxUnavailable (rounded down) against the desired replicas. If both
// come to 0 (possible by rounding; validation refuses two zeros),
// maxUnavailable is 1, so that a rollout can always proceed.
func ResolveFenceposts(maxSurge, maxUnavailable *meta.IntOrString, desired int32) (surge, unavailable int32, err error) {
	s, err := maxSurge.ScaledValue(int(desired), true)
	if err != nil {
		return 0, 0, fmt.Errorf("maxSurge: %w", err)
	}
	u, err := maxUnavailable.ScaledValue(int(desired), false)
	if err != nil {
		return 0, 0, fmt.Errorf("maxUnavailable: %w", err)
	}
	if s == 0 && u == 0 {
		u = 1
	}
	return int32(s), int32(u), nil
}

// maxSurge and maxUnavailable of a RollingUpdate Deployment (0 for
// Recreate). Errors are refused by validation; they count as 0.
func maxSurge(d *apps.Deployment) int32 {
	if !isRollingUpdate(d) || d.Spec.Strategy.RollingUpdate == nil {
		return 0
	}
	ru := d.Spec.Strategy.RollingUpdate
	s, _, _ := ResolveFenceposts(ru.MaxSurge, ru.MaxUnavailable, desired(d))
	return s
}

func maxUnavailable(d *apps.Deployment) int32 {
	if !isRollingUpdate(d) || d.Spec.Strategy.RollingUpdate == nil {
		return 0
	}
	ru := d.Spec.Strategy.RollingUpdate
	_, u, _ := ResolveFenceposts(ru.MaxSurge, ru.MaxUnavailable, desired(d))
	return u
}

// newRSNewReplicas is the size the new ReplicaSet should grow to now.
func newRSNewReplicas(d *apps.Deployment, allRSs []*apps.ReplicaSet, newRS *apps.ReplicaSet) (int32, error) {
	switch d.Spec.Strategy.Type {
	case apps.RollingUpdateDeploymentStrategyType:
		ru := d.Spec.Strategy.RollingUpdate
		if ru == nil {
			return 0, fmt.Errorf("deployment %s/%s: rollingUpdate parameters missing", d.Namespace, d.Name)
		}
		surge, err := ru.MaxSurge.ScaledValue(int(desired(d)), true)
		if err != nil {
			return 0, err
		}
		maxTotal := desired(d) + int32(surge)
		current := podsBound(allRSs)
		if current >= maxTotal {
			return replicas(newRS), nil
		}
		up := min(maxTotal-current, desired(d)-replicas(newRS))
		return replicas(newRS) + max(up, 0), nil
	case apps.RecreateDeploymentStrategyType:
		return desired(d), nil
	}
	return 0, fmt.Errorf("deployment strategy %q is not supported", d.Spec.Strategy.Type)
}

// isSaturated reports whether rs is the Deployment's full size and knows
// it (its desired-replicas annotation says so).
func isSaturated(d *apps.Deployment, rs *apps.ReplicaSet) bool {
	if rs == nil {
		return false
	}
	want, ok := intAnnotation(rs, DesiredReplicasAnnotation)
	return ok && replicas(rs) == desired(d) && want == desired(d)
}

// findActiveOrLatest returns the only active ReplicaSet, or the newest
// one when none is active; nil when several are.
func findActiveOrLatest(newRS *apps.ReplicaSet, oldRSs []*apps.ReplicaSet) *apps.ReplicaSet {
	if newRS == nil && len(oldRSs) == 0 {
		return nil
	}
	olds := slices.Clone(oldRSs)
	slices.SortFunc(olds, func(a, b *apps.ReplicaSet) int { return byCreation(b, a) })
	active := filterActive(append(olds, newRS))
	switch len(active) {
	case 0:
		if newRS != nil {
			return newRS
		}
		return olds[0]
	case 1:
		return active[0]
	}
	return nil
}

// proportion is the share of a scaling event (toAdd replicas, added so
// far) that rs gets: its size relative to the Deployment's size when it
// was last scaled (max-replicas), bounded by what is left to add.
func proportion(rs *apps.ReplicaSet, d *apps.Deployment, toAdd, added int32) int32 {
	if rs == nil || replicas(rs) == 0 || toAdd == 0 || toAdd == added {
		return 0
	}
	fraction := replicaSetFraction(rs, d)
	allowed := toAdd - added
	if toAdd > 0 {
		return min(fraction, allowed)
	}
	return max(fraction, allowed)
}

func replicaSetFraction(rs *apps.ReplicaSet, d *apps.Deployment) int32 {
	if desired(d) == 0 {
		return -replicas(rs)
	}
	size := desired(d) + maxSurge(d)
	annotated, ok := intAnnotation(rs, MaxReplicasAnnotation)
	if !ok || annotated == 0 {
		// Without the annotation, fall back to the Deployment's size; the
		// bounds in proportion keep the result in limits.
		annotated = d.Status.Replicas
	}
	if annotated == 0 {
		return 0
	}
	newSize := float64(replicas(rs)) * float64(size) / float64(annotated)
	return int32(math.Round(newSize)) - replicas(rs)
}

func hasProgressDeadline(d *apps.Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != math.MaxInt32
}

func hasRevisionHistoryLimit(d *apps.Deployment) bool {
	return d.Spec.RevisionHistoryLimit != nil && *d.Spec.RevisionHistoryLimit != math.MaxInt32
}

// Conditions.

func newCondition(t apps.DeploymentConditionType, status core.ConditionStatus, reason, message string) apps.DeploymentCondition {
	now := meta.Now()
	return apps.DeploymentCondition{Type: t, Status: status, LastUpdateTime: now, LastTransitionTime: now, Reason: reason, Message: message}
}

func getCondition(st apps.DeploymentStatus, t apps.DeploymentConditionType) *apps.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			c := st.Conditions[i]
			return &c
		}
	}
	return nil
}

// setCondition sets c unless a condition of its type with the same
// status and reason exists; the transition time is kept while the status
// stays. It never writes into the slice it was given.
func setCondition(st *apps.DeploymentStatus, c apps.DeploymentCondition) {
	cur := getCondition(*st, c.Type)
	if cur != nil && cur.Status == c.Status && cur.Reason == c.Reason {
		return
	}
	if cur != nil && cur.Status == c.Status {
		c.LastTransitionTime = cur.LastTransitionTime
	}
	st.Conditions = append(withoutCondition(st.Conditions, c.Type), c)
}

func removeCondition(st *apps.DeploymentStatus, t apps.DeploymentConditionType) {
	st.Conditions = withoutCondition(st.Conditions, t)
}

func withoutCondition(conds []apps.DeploymentCondition, t apps.DeploymentConditionType) []apps.DeploymentCondition {
	var out []apps.DeploymentCondition
	for _, c := range conds {
		if c.Type != t {
			out = append(out, c)
		}
	}
	return out
}
