package rbac

// Default does nothing: Role has no defaulted fields. It exists so that every
// kind can be defaulted the same way.
func (r *Role) Default() {}

// Default does nothing: ClusterRole has no defaulted fields.
func (r *ClusterRole) Default() {}

// Default fills in roleRef.apiGroup and each subject's apiGroup.
func (b *RoleBinding) Default() { defaultBinding(&b.RoleRef, b.Subjects) }

// Default fills in roleRef.apiGroup and each subject's apiGroup.
func (b *ClusterRoleBinding) Default() { defaultBinding(&b.RoleRef, b.Subjects) }

func defaultBinding(ref *RoleRef, subjects []Subject) {
	if ref.APIGroup == "" {
		ref.APIGroup = GroupName
	}
	for i := range subjects {
		subjects[i].Default()
	}
}

// Default sets APIGroup for User and Group subjects, which live in the rbac
// group; a ServiceAccount's group stays "" (core).
func (s *Subject) Default() {
	if s.APIGroup != "" {
		return
	}
	switch s.Kind {
	case UserKind, GroupKind:
		s.APIGroup = GroupName
	}
}
