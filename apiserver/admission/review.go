package admission

import (
	"github.com/spar-dev/spar/api/meta"
)

// Review is an AdmissionReview (admission.k8s.io/v1, or v1beta1 for
// webhooks that ask for it): the body the API server POSTs to a webhook,
// with Request set, and the body the webhook answers, with Response set.
// Webhooks written in Go can decode and encode it directly.
type Review struct {
	meta.TypeMeta `json:",inline"`
	Request       *ReviewRequest  `json:"request,omitempty"`
	Response      *ReviewResponse `json:"response,omitempty"`
}

// AdmissionReview API versions.
const (
	ReviewGroup      = "admission.k8s.io"
	ReviewAPIVersion = ReviewGroup + "/v1"
)

// GroupVersionKind names a kind in a review.
type GroupVersionKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

// GroupVersionResource names a resource in a review.
type GroupVersionResource struct {
	Group    string `json:"group"`
	Version  string `json:"version"`
	Resource string `json:"resource"`
}

// UserInfo is the requesting user.
type UserInfo struct {
	Username string              `json:"username,omitempty"`
	UID      string              `json:"uid,omitempty"`
	Groups   []string            `json:"groups,omitempty"`
	Extra    map[string][]string `json:"extra,omitempty"`
}

// ReviewRequest describes the write a webhook is asked about.
type ReviewRequest struct {
	// UID identifies this call; the response must echo it.
	UID                meta.UID              `json:"uid"`
	Kind               GroupVersionKind      `json:"kind"`
	Resource           GroupVersionResource  `json:"resource"`
	SubResource        string                `json:"subResource,omitempty"`
	RequestKind        *GroupVersionKind     `json:"requestKind,omitempty"`
	RequestResource    *GroupVersionResource `json:"requestResource,omitempty"`
	RequestSubResource string                `json:"requestSubResource,omitempty"`
	Name               string                `json:"name,omitempty"`
	Namespace          string                `json:"namespace,omitempty"`
	Operation          Operation             `json:"operation"`
	UserInfo           UserInfo              `json:"userInfo"`
	// Object is the new object (null on delete), OldObject the stored one
	// (null on create), both with apiVersion and kind.
	Object    meta.RawJSON `json:"object"`
	OldObject meta.RawJSON `json:"oldObject"`
	DryRun    *bool        `json:"dryRun,omitempty"`
	// Options are the write's options: a CreateOptions, UpdateOptions or
	// DeleteOptions (meta.k8s.io/v1).
	Options meta.RawJSON `json:"options"`
}

// PatchType is the format of a mutating webhook's patch.
type PatchType string

// PatchTypeJSONPatch is RFC 6902 JSON Patch, the only format webhooks use.
const PatchTypeJSONPatch PatchType = "JSONPatch"

// ReviewResponse is a webhook's answer.
type ReviewResponse struct {
	UID     meta.UID `json:"uid"`
	Allowed bool     `json:"allowed"`
	// Result explains a denial; its message is shown to the client.
	Result *meta.Status `json:"status,omitempty"`
	// Patch changes the object (mutating webhooks only; base64 on the
	// wire), in the format PatchType says.
	Patch     []byte     `json:"patch,omitempty"`
	PatchType *PatchType `json:"patchType,omitempty"`
	// AuditAnnotations are recorded as "<webhook name>/<key>".
	AuditAnnotations map[string]string `json:"auditAnnotations,omitempty"`
	// Warnings are returned to the client.
	Warnings []string `json:"warnings,omitempty"`
}
