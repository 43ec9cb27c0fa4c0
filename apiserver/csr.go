package apiserver

import (
	"context"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/authn"
)

// ApprovalStrategy is implemented by strategies of kinds with an approval
// subresource (CertificateSigningRequests), for writes to it.
type ApprovalStrategy interface {
	// PrepareForApprovalUpdate keeps everything of old but what the
	// approval subresource writes.
	PrepareForApprovalUpdate(ctx context.Context, obj, old meta.Object)
	// ValidateApprovalUpdate checks an approval write.
	ValidateApprovalUpdate(ctx context.Context, obj, old meta.Object) meta.FieldErrors
}

// csrStrategy gives CertificateSigningRequests Kubernetes' write paths: the
// creating user is recorded as the requester, the main resource changes
// only metadata, the status subresource writes the certificate and the
// signer's conditions, and the approval subresource writes only the
// Approved and Denied conditions.
type csrStrategy struct{ TypedStrategy }

var _ ApprovalStrategy = (*csrStrategy)(nil)

func (s *csrStrategy) PrepareForCreate(ctx context.Context, obj meta.Object) {
	s.TypedStrategy.PrepareForCreate(ctx, obj)
	var (
		name, uid string
		groups    []string
		extra     map[string][]string
	)
	if u, ok := authn.UserFrom(ctx); ok {
		name, uid, groups, extra = u.Name, u.UID, u.Groups, u.Extra
	}
	obj.(*certificates.CertificateSigningRequest).PrepareForCreate(name, uid, groups, extra)
}

func (s *csrStrategy) PrepareForUpdate(ctx context.Context, obj, old meta.Object) {
	s.TypedStrategy.PrepareForUpdate(ctx, obj, old)
	obj.(*certificates.CertificateSigningRequest).PrepareForUpdate(old.(*certificates.CertificateSigningRequest))
}

func (s *csrStrategy) PrepareForStatusUpdate(ctx context.Context, obj, old meta.Object) {
	s.TypedStrategy.PrepareForStatusUpdate(ctx, obj, old)
	obj.(*certificates.CertificateSigningRequest).PrepareForStatusUpdate(old.(*certificates.CertificateSigningRequest), meta.Now())
}

func (s *csrStrategy) ValidateStatusUpdate(_ context.Context, obj, old meta.Object) meta.FieldErrors {
	return obj.(*certificates.CertificateSigningRequest).ValidateStatusUpdate(old)
}

func (s *csrStrategy) PrepareForApprovalUpdate(ctx context.Context, obj, old meta.Object) {
	// Everything but the status from old, then the certificate from old too.
	s.TypedStrategy.PrepareForStatusUpdate(ctx, obj, old)
	obj.(*certificates.CertificateSigningRequest).PrepareForApprovalUpdate(old.(*certificates.CertificateSigningRequest), meta.Now())
}

func (s *csrStrategy) ValidateApprovalUpdate(_ context.Context, obj, old meta.Object) meta.FieldErrors {
	return obj.(*certificates.CertificateSigningRequest).ValidateApprovalUpdate(old)
}
