package certificates

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"

	"github.com/spar-dev/spar/api/meta"
)

// ParseRequest decodes spec.request: the first PEM block must be a
// "CERTIFICATE REQUEST" holding a PKCS #10 request. The request's signature
// is not checked here (x509.CertificateRequest.CheckSignature does).
func ParseRequest(pemData []byte) (*x509.CertificateRequest, error) {
	b, _ := pem.Decode(pemData)
	if b == nil || b.Type != "CERTIFICATE REQUEST" {
		return nil, errors.New("PEM block type must be CERTIFICATE REQUEST")
	}
	req, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parsing the certificate request: %w", err)
	}
	return req, nil
}

// EncodeRequest encodes a DER PKCS #10 request (from
// x509.CreateCertificateRequest) as spec.request holds it.
func EncodeRequest(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// Condition returns the first condition of type t, or nil.
func (c *CertificateSigningRequest) Condition(t RequestConditionType) *CertificateSigningRequestCondition {
	for i := range c.Status.Conditions {
		if c.Status.Conditions[i].Type == t {
			return &c.Status.Conditions[i]
		}
	}
	return nil
}

// hasTrue reports whether a condition of type t has status True.
func (c *CertificateSigningRequest) hasTrue(t RequestConditionType) bool {
	for _, cond := range c.Status.Conditions {
		if cond.Type == t && cond.Status == meta.ConditionTrue {
			return true
		}
	}
	return false
}

// IsApproved reports whether the request is approved and not denied: what
// a signer waits for.
func (c *CertificateSigningRequest) IsApproved() bool {
	return c.hasTrue(CertificateApproved) && !c.hasTrue(CertificateDenied)
}

// IsDenied reports whether the request was denied.
func (c *CertificateSigningRequest) IsDenied() bool { return c.hasTrue(CertificateDenied) }

// IsFailed reports whether the signer gave up on the request.
func (c *CertificateSigningRequest) IsFailed() bool { return c.hasTrue(CertificateFailed) }

// IsIssued reports whether the certificate has been written.
func (c *CertificateSigningRequest) IsIssued() bool { return len(c.Status.Certificate) > 0 }

// SetCondition adds cond, or replaces the condition of its type, setting
// lastUpdateTime to now and keeping lastTransitionTime unless the status
// changes.
func (c *CertificateSigningRequest) SetCondition(cond CertificateSigningRequestCondition, now meta.Time) {
	cond.LastUpdateTime = now
	if old := c.Condition(cond.Type); old != nil {
		cond.LastTransitionTime = old.LastTransitionTime
		if old.Status != cond.Status || cond.LastTransitionTime.IsZero() {
			cond.LastTransitionTime = now
		}
		*old = cond
		return
	}
	cond.LastTransitionTime = now
	c.Status.Conditions = append(c.Status.Conditions, cond)
}

// The API server's side of the kind, as Kubernetes' CSR registry
// strategies: what each write path may change, and the timestamps it
// fills in. The main resource changes only metadata; the status
// subresource writes status.certificate and the signer's conditions; the
// approval subresource writes the Approved and Denied conditions.

// PrepareForCreate clears what clients may not set on create (the
// requester fields and the whole status) and records the creating user as
// the requester.
func (c *CertificateSigningRequest) PrepareForCreate(username, uid string, groups []string, extra map[string][]string) {
	c.Spec.Username, c.Spec.UID = username, uid
	c.Spec.Groups = slices.Clone(groups)
	c.Spec.Extra = nil
	if len(extra) > 0 {
		c.Spec.Extra = make(map[string]ExtraValue, len(extra))
		for k, v := range extra {
			c.Spec.Extra[k] = ExtraValue{Items: slices.Clone(v)}
		}
	}
	c.Status = CertificateSigningRequestStatus{}
}

// PrepareForUpdate keeps old's spec and status: an update of the main
// resource changes only metadata.
func (c *CertificateSigningRequest) PrepareForUpdate(old *CertificateSigningRequest) {
	c.Spec = old.Spec
	c.Status = old.Status
}

// PrepareForStatusUpdate keeps old's spec and its Approved and Denied
// conditions (those change only through the approval subresource; adding or
// removing one is left for validation to refuse), and fills in missing
// condition timestamps with now.
func (c *CertificateSigningRequest) PrepareForStatusUpdate(old *CertificateSigningRequest, now meta.Time) {
	c.Spec = old.Spec
	preserveConditions(c, old, CertificateApproved)
	preserveConditions(c, old, CertificateDenied)
	c.populateTimestamps(old, now)
}

// PrepareForApprovalUpdate keeps everything of old but the conditions, and
// fills in missing condition timestamps with now.
func (c *CertificateSigningRequest) PrepareForApprovalUpdate(old *CertificateSigningRequest, now meta.Time) {
	c.populateTimestamps(old, now)
	conds := c.Status.Conditions
	c.Spec = old.Spec
	c.Status = old.Status
	c.Status.Conditions = conds
}

// preserveConditions puts old's conditions of type t back in place of c's,
// when both have as many of them.
func preserveConditions(c, old *CertificateSigningRequest, t RequestConditionType) {
	ci, oi := conditionIndices(c, t), conditionIndices(old, t)
	if len(ci) != len(oi) {
		return
	}
	for i, j := range oi {
		c.Status.Conditions[ci[i]] = old.Status.Conditions[j]
	}
}

func conditionIndices(c *CertificateSigningRequest, t RequestConditionType) []int {
	var out []int
	for i, cond := range c.Status.Conditions {
		if cond.Type == t {
			out = append(out, i)
		}
	}
	return out
}

// populateTimestamps sets a missing lastUpdateTime to now, and a missing
// lastTransitionTime to old's for the same type and status, else now.
func (c *CertificateSigningRequest) populateTimestamps(old *CertificateSigningRequest, now meta.Time) {
	for i := range c.Status.Conditions {
		cond := &c.Status.Conditions[i]
		if cond.LastUpdateTime.IsZero() {
			cond.LastUpdateTime = now
		}
		if !cond.LastTransitionTime.IsZero() {
			continue
		}
		cond.LastTransitionTime = now
		for _, o := range old.Status.Conditions {
			if o.Type == cond.Type && o.Status == cond.Status && !o.LastTransitionTime.IsZero() {
				cond.LastTransitionTime = o.LastTransitionTime
				break
			}
		}
	}
}

// ExtraMap returns spec.extra as plain string lists, as authorization
// reviews and authenticators carry it.
func (s *CertificateSigningRequestSpec) ExtraMap() map[string][]string {
	if s.Extra == nil {
		return nil
	}
	out := make(map[string][]string, len(s.Extra))
	for k, v := range s.Extra {
		out[k] = slices.Clone(v.Items)
	}
	return out
}
