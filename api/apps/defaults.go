package apps

import "github.com/spar-dev/spar/api/meta"

func ptrTo[T any](v T) *T { return &v }

// Default applies the apps/v1 defaults of a Deployment: replicas 1, strategy
// RollingUpdate with maxUnavailable and maxSurge 25%, revisionHistoryLimit
// 10, progressDeadlineSeconds 600, and the pod template's defaults.
func (d *Deployment) Default() {
	s := &d.Spec
	if s.Replicas == nil {
		s.Replicas = ptrTo[int32](1)
	}
	if s.Strategy.Type == "" {
		s.Strategy.Type = RollingUpdateDeploymentStrategyType
	}
	if s.Strategy.Type == RollingUpdateDeploymentStrategyType {
		if s.Strategy.RollingUpdate == nil {
			s.Strategy.RollingUpdate = &RollingUpdateDeployment{}
		}
		ru := s.Strategy.RollingUpdate
		if ru.MaxUnavailable == nil {
			ru.MaxUnavailable = ptrTo(meta.FromString("25%"))
		}
		if ru.MaxSurge == nil {
			ru.MaxSurge = ptrTo(meta.FromString("25%"))
		}
	}
	if s.RevisionHistoryLimit == nil {
		s.RevisionHistoryLimit = ptrTo[int32](10)
	}
	if s.ProgressDeadlineSeconds == nil {
		s.ProgressDeadlineSeconds = ptrTo[int32](600)
	}
	s.Template.Default()
}

// Default applies the apps/v1 defaults of a ReplicaSet: replicas 1 and the
// pod template's defaults.
func (r *ReplicaSet) Default() {
	if r.Spec.Replicas == nil {
		r.Spec.Replicas = ptrTo[int32](1)
	}
	r.Spec.Template.Default()
}

// Default applies the apps/v1 defaults of a StatefulSet: replicas 1,
// podManagementPolicy OrderedReady, updateStrategy RollingUpdate with
// partition 0 and maxUnavailable 1, revisionHistoryLimit 10, claim
// retention Retain/Retain, and the defaults of the pod template and the
// volume claim templates.
func (ss *StatefulSet) Default() {
	s := &ss.Spec
	if s.PodManagementPolicy == "" {
		s.PodManagementPolicy = OrderedReadyPodManagement
	}
	if s.UpdateStrategy.Type == "" {
		s.UpdateStrategy.Type = RollingUpdateStatefulSetStrategyType
		if s.UpdateStrategy.RollingUpdate == nil {
			s.UpdateStrategy.RollingUpdate = &RollingUpdateStatefulSetStrategy{}
		}
	}
	// As in Kubernetes, an explicit RollingUpdate without rollingUpdate
	// parameters stays without them.
	if ru := s.UpdateStrategy.RollingUpdate; s.UpdateStrategy.Type == RollingUpdateStatefulSetStrategyType && ru != nil {
		if ru.Partition == nil {
			ru.Partition = ptrTo[int32](0)
		}
		if ru.MaxUnavailable == nil {
			ru.MaxUnavailable = ptrTo(meta.FromInt(1))
		}
	}
	if s.PersistentVolumeClaimRetentionPolicy == nil {
		s.PersistentVolumeClaimRetentionPolicy = &StatefulSetPersistentVolumeClaimRetentionPolicy{}
	}
	if p := s.PersistentVolumeClaimRetentionPolicy; p.WhenDeleted == "" {
		p.WhenDeleted = RetainPersistentVolumeClaimRetentionPolicyType
	}
	if p := s.PersistentVolumeClaimRetentionPolicy; p.WhenScaled == "" {
		p.WhenScaled = RetainPersistentVolumeClaimRetentionPolicyType
	}
	if s.Replicas == nil {
		s.Replicas = ptrTo[int32](1)
	}
	if s.RevisionHistoryLimit == nil {
		s.RevisionHistoryLimit = ptrTo[int32](10)
	}
	s.Template.Default()
	for i := range s.VolumeClaimTemplates {
		s.VolumeClaimTemplates[i].Default()
	}
}

// Default applies the apps/v1 defaults of a DaemonSet: updateStrategy
// RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit
// 10, and the pod template's defaults.
func (ds *DaemonSet) Default() {
	s := &ds.Spec
	if s.UpdateStrategy.Type == "" {
		s.UpdateStrategy.Type = RollingUpdateDaemonSetStrategyType
	}
	if s.UpdateStrategy.Type == RollingUpdateDaemonSetStrategyType {
		if s.UpdateStrategy.RollingUpdate == nil {
			s.UpdateStrategy.RollingUpdate = &RollingUpdateDaemonSet{}
		}
		ru := s.UpdateStrategy.RollingUpdate
		if ru.MaxUnavailable == nil {
			ru.MaxUnavailable = ptrTo(meta.FromInt(1))
		}
		if ru.MaxSurge == nil {
			ru.MaxSurge = ptrTo(meta.FromInt(0))
		}
	}
	if s.RevisionHistoryLimit == nil {
		s.RevisionHistoryLimit = ptrTo[int32](10)
	}
	s.Template.Default()
}

// Default does nothing: ControllerRevision has no defaulted fields. It
// exists so that every kind can be defaulted the same way.
func (c *ControllerRevision) Default() {}
