package admission

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"sync"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/admission/quota"
)

// ResourceQuota rejects writes that would take a namespace over one of its
// ResourceQuotas and reserves the usage of those it admits: it adds the
// object's usage (package quota) to each matching quota's status.used and
// writes that status with a compare-and-swap on the quota's
// resourceVersion, as Kubernetes' quota admission does. Writes in one
// namespace are serialized within the process; a write lost to another API
// server or to the quota controller re-reads the quota and is checked
// again. The quota controller (controller/resourcequota) sets status.hard
// and recomputes status.used from the objects that exist; until it has, a
// quota rejects what it constrains ("status unknown for quota").
type ResourceQuota struct {
	quotas Lister[core.ResourceQuota]
	writer QuotaWriter

	seed  maphash.Seed
	locks [64]sync.Mutex // by namespace hash

	mu sync.Mutex
	// written holds the quotas this process wrote last, newer than the
	// cache until it catches up, so consecutive writes do not lose a race
	// against their own predecessor.
	written map[string]*core.ResourceQuota
}

// quotaRetries bounds re-checks after lost compare-and-swaps.
const quotaRetries = 10

func newResourceQuota(d Deps) (Plugin, error) {
	if d.ResourceQuotas == nil {
		return nil, missing(ResourceQuotaName, "ResourceQuotas")
	}
	if d.Quotas == nil {
		return nil, missing(ResourceQuotaName, "Quotas")
	}
	return &ResourceQuota{quotas: d.ResourceQuotas, writer: d.Quotas, seed: maphash.MakeSeed(),
		written: map[string]*core.ResourceQuota{}}, nil
}

// Name implements Plugin.
func (*ResourceQuota) Name() string { return ResourceQuotaName }

// Validate implements Validator.
func (q *ResourceQuota) Validate(ctx context.Context, a *Attributes) error {
	if a.Namespace == "" || isNamespace(a) || a.Subresource != "" || (a.Operation != Create && a.Operation != Update) {
		return nil
	}
	ev := quota.For(a.GroupResource())
	var old meta.Object
	if a.Operation == Update {
		old = a.OldObject
	}
	if a.Object == nil || !ev.Handles(a.Object, old) {
		return nil
	}
	lock := &q.locks[maphash.String(q.seed, a.Namespace)%uint64(len(q.locks))]
	lock.Lock()
	defer lock.Unlock()

	quotas, err := q.load(ctx, a.Namespace)
	if err != nil {
		return internalError(err)
	}
	for attempt := 0; len(quotas) > 0; attempt++ {
		next, err := checkRequest(quotas, a, ev)
		if err != nil || a.DryRun {
			return err
		}
		var lost []string
		var lastErr error
		for i, rq := range next {
			if quota.Equals(rq.Status.Used, quotas[i].Status.Used) {
				continue
			}
			updated, err := q.writer.UpdateQuotaStatus(ctx, rq)
			switch {
			case err == nil:
				q.remember(updated)
			case errors.Is(err, meta.ErrConflict):
				lost, lastErr = append(lost, rq.Name), err
			default:
				return internalError(err)
			}
		}
		if len(lost) == 0 {
			return nil
		}
		if attempt == quotaRetries {
			return lastErr
		}
		// The quotas already charged stay charged; the others are read
		// live and checked again.
		quotas = quotas[:0]
		for _, name := range lost {
			rq, err := q.writer.GetQuota(ctx, a.Namespace, name)
			if errors.Is(err, meta.ErrNotFound) {
				continue
			}
			if err != nil {
				return internalError(err)
			}
			quotas = append(quotas, rq)
		}
	}
	return nil
}

// load returns the namespace's quotas: the cache's, or the version this
// process wrote if that is newer.
func (q *ResourceQuota) load(ctx context.Context, ns string) ([]*core.ResourceQuota, error) {
	list, err := q.quotas.List(ctx, ns)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]*core.ResourceQuota, len(list))
	for i, rq := range list {
		out[i] = rq
		key := rq.Namespace + "/" + rq.Name
		if w, ok := q.written[key]; ok {
			if newer(w.ResourceVersion, rq.ResourceVersion) {
				out[i] = w
			} else {
				delete(q.written, key)
			}
		}
	}
	return out, nil
}

func (q *ResourceQuota) remember(rq *core.ResourceQuota) {
	q.mu.Lock()
	q.written[rq.Namespace+"/"+rq.Name] = rq
	q.mu.Unlock()
}

// newer reports whether resource version a is after b. Versions are
// decimal store revisions.
func newer(a, b string) bool {
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	return err1 == nil && err2 == nil && x > y
}

// checkRequest returns copies of quotas with the request's usage added to
// those it matches, or the error that rejects it.
func checkRequest(quotas []*core.ResourceQuota, a *Attributes, ev quota.Evaluator) ([]*core.ResourceQuota, error) {
	var matching []int
	for i, rq := range quotas {
		ok, err := quota.Matches(rq, ev, a.Object)
		if err != nil {
			return nil, NewForbidden(a, fmt.Errorf("error matching scopes of quota %s, err: %w", rq.Name, err))
		}
		if !ok {
			continue
		}
		restricted := ev.MatchingResources(quota.ResourceNames(rq.Status.Hard))
		if err := ev.Constraints(restricted, a.Object); err != nil {
			return nil, NewForbidden(a, fmt.Errorf("failed quota: %s: %w", rq.Name, err))
		}
		for _, n := range restricted {
			if _, ok := rq.Status.Used[n]; !ok {
				return nil, NewForbidden(a, fmt.Errorf("status unknown for quota: %s, resources: %s", rq.Name, quota.FormatNames(restricted)))
			}
		}
		matching = append(matching, i)
	}
	out := make([]*core.ResourceQuota, len(quotas))
	copy(out, quotas)
	if len(matching) == 0 {
		return out, nil
	}
	delta, err := ev.Usage(a.Object)
	if err != nil {
		return nil, internalError(err)
	}
	if neg := quota.IsNegative(delta); len(neg) > 0 {
		return nil, NewForbidden(a, fmt.Errorf("quota usage is negative for resource(s): %s", quota.FormatNames(neg)))
	}
	if a.Operation == Update && a.OldObject != nil && a.OldObject.GetObjectMeta().ResourceVersion != "" {
		prev, err := ev.Usage(a.OldObject)
		if err != nil {
			return nil, internalError(err)
		}
		delta = quota.SubtractNonNegative(delta, prev)
	}
	if quota.IsZero(delta) {
		return out, nil
	}
	for _, i := range matching {
		rq := quotas[i]
		requested := quota.Mask(delta, quota.ResourceNames(rq.Status.Hard))
		used := quota.Add(rq.Status.Used, requested)
		if ok, exceeded := quota.LessThanOrEqual(quota.Mask(used, quota.ResourceNames(requested)), rq.Status.Hard); !ok {
			return nil, NewForbidden(a, fmt.Errorf("exceeded quota: %s, requested: %s, used: %s, limited: %s", rq.Name,
				quota.Format(quota.Mask(requested, exceeded)), quota.Format(quota.Mask(rq.Status.Used, exceeded)),
				quota.Format(quota.Mask(rq.Status.Hard, exceeded))))
		}
		// A shallow copy: only the status changes, and nothing writes to
		// the maps it shares with the cached quota.
		c := *rq
		c.Status = core.ResourceQuotaStatus{Hard: rq.Status.Hard, Used: used}
		out[i] = &c
	}
	return out, nil
}
