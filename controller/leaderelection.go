package controller

import (
	"context"
	"errors"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// LeaderElection configures election through a coordination.k8s.io/v1
// Lease, with Kubernetes' algorithm and defaults: a candidate takes the
// lease when its holder has not renewed it for LeaseDuration (as observed
// by the candidate's own clock, so clock skew between nodes does not
// matter), and a leader that cannot renew within RenewDeadline steps down.
type LeaderElection struct {
	// Name and Namespace of the Lease. Name is required; Namespace
	// defaults to "kube-system".
	Name      string
	Namespace string
	// Identity of this candidate. Default: hostname + random suffix.
	Identity string
	// LeaseDuration, RenewDeadline and RetryPeriod default to 15s, 10s and
	// 2s, as Kubernetes' components.
	LeaseDuration time.Duration
	RenewDeadline time.Duration
	RetryPeriod   time.Duration
}

func (le *LeaderElection) setDefaults() {
	if le.Namespace == "" {
		le.Namespace = "kube-system"
	}
	if le.LeaseDuration <= 0 {
		le.LeaseDuration = 15 * time.Second
	}
	if le.RenewDeadline <= 0 {
		le.RenewDeadline = 10 * time.Second
	}
	if le.RetryPeriod <= 0 {
		le.RetryPeriod = 2 * time.Second
	}
}

// ErrLeadershipLost is returned by Manager.Run when the manager could not
// renew its lease: another instance may now be reconciling.
var ErrLeadershipLost = errors.New("leader election lost")

// elector runs one candidacy.
type elector struct {
	cfg    LeaderElection
	leases *client.ResourceClient[coordination.Lease, *coordination.Lease]
	log    logr.Logger

	// observed is the last lease record seen and when this process saw it
	// change; expiry is judged from observedAt, not from the holder's clock.
	observed   coordination.LeaseSpec
	observedRV string
	observedAt time.Time
}

// acquire blocks until this candidate holds the lease or ctx is done.
func (e *elector) acquire(ctx context.Context) bool {
	t := time.NewTicker(e.cfg.RetryPeriod)
	defer t.Stop()
	for {
		if ok, err := e.tryAcquireOrRenew(ctx); ok {
			return true
		} else if err != nil && ctx.Err() == nil {
			e.log.V(1).Info("acquiring the lease failed", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
}

// renew keeps the lease until ctx is done (nil) or a renewal does not
// succeed within RenewDeadline (ErrLeadershipLost). It does not release
// the lease: the caller does once what the lease guards has stopped.
func (e *elector) renew(ctx context.Context) error {
	t := time.NewTicker(e.cfg.RetryPeriod)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		rctx, cancel := context.WithTimeout(ctx, e.cfg.RenewDeadline)
		ok, err := e.tryAcquireOrRenew(rctx)
		cancel()
		if ok {
			last = time.Now()
			continue
		}
		if err != nil && ctx.Err() == nil {
			e.log.V(1).Info("renewing the lease failed", "err", err.Error())
		}
		if time.Since(last) >= e.cfg.RenewDeadline || (err == nil && ctx.Err() == nil) {
			// Either renewals kept failing for the deadline, or someone
			// else holds the lease now.
			return ErrLeadershipLost
		}
	}
}

// tryAcquireOrRenew takes or renews the lease if it is free, expired or
// ours. It returns ok=false, err=nil when another live holder has it.
func (e *elector) tryAcquireOrRenew(ctx context.Context) (bool, error) {
	now := meta.MicroTime{Time: time.Now()}
	dur := int32(e.cfg.LeaseDuration / time.Second)
	lease, err := e.leases.Get(ctx, e.cfg.Name)
	if client.IsNotFound(err) {
		l := &coordination.Lease{
			ObjectMeta: meta.ObjectMeta{Name: e.cfg.Name, Namespace: e.cfg.Namespace},
			Spec: coordination.LeaseSpec{HolderIdentity: &e.cfg.Identity, LeaseDurationSeconds: &dur,
				AcquireTime: &now, RenewTime: &now, LeaseTransitions: new(int32)},
		}
		created, err := e.leases.Create(ctx, l, nil)
		if err != nil {
			return false, err
		}
		e.observe(created)
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if lease.ResourceVersion != e.observedRV {
		e.observe(lease)
	}
	held := lease.Spec.HolderIdentity != nil && *lease.Spec.HolderIdentity != ""
	mine := held && *lease.Spec.HolderIdentity == e.cfg.Identity
	if held && !mine {
		d := e.cfg.LeaseDuration
		if lease.Spec.LeaseDurationSeconds != nil {
			d = time.Duration(*lease.Spec.LeaseDurationSeconds) * time.Second
		}
		if time.Since(e.observedAt) < d {
			return false, nil // a live holder
		}
	}
	upd := meta.DeepCopy(lease)
	upd.Spec.HolderIdentity = &e.cfg.Identity
	upd.Spec.LeaseDurationSeconds = &dur
	upd.Spec.RenewTime = &now
	if !mine {
		upd.Spec.AcquireTime = &now
		n := int32(0)
		if lease.Spec.LeaseTransitions != nil {
			n = *lease.Spec.LeaseTransitions
		}
		if held {
			n++
		}
		upd.Spec.LeaseTransitions = &n
	}
	// The update carries the resourceVersion read above: two candidates
	// racing for an expired lease cannot both win.
	out, err := e.leases.Update(ctx, upd, nil)
	if err != nil {
		return false, err
	}
	e.observe(out)
	return true, nil
}

func (e *elector) observe(l *coordination.Lease) {
	e.observed = l.Spec
	e.observedRV = l.ResourceVersion
	e.observedAt = time.Now()
}

// release gives the lease up, if this candidate still holds it, so a
// successor need not wait for it to expire.
func (e *elector) release() {
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.RetryPeriod)
	defer cancel()
	lease, err := e.leases.Get(ctx, e.cfg.Name)
	if err != nil || lease.Spec.HolderIdentity == nil || *lease.Spec.HolderIdentity != e.cfg.Identity {
		return
	}
	upd := meta.DeepCopy(lease)
	upd.Spec.HolderIdentity = nil
	one := int32(1)
	upd.Spec.LeaseDurationSeconds = &one
	now := meta.MicroTime{Time: time.Now()}
	upd.Spec.RenewTime = &now
	if _, err := e.leases.Update(ctx, upd, nil); err != nil {
		e.log.V(1).Info("releasing the lease failed", "err", err.Error())
	}
}
