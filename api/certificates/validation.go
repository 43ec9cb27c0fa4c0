package certificates

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of CertificateSigningRequests, with Kubernetes' rules and
// messages (pkg/apis/certificates/validation). There are four entry
// points, one per write path: Validate (create), ValidateUpdate (the main
// resource), ValidateStatusUpdate (status: the signer may set the
// certificate) and ValidateApprovalUpdate (approval: Approved and Denied
// conditions may be added). On every update, a problem already present in
// the stored object is tolerated, so that old data never blocks a write.

// legacyUnknownSignerName is the signer of requests made through
// certificates.k8s.io/v1beta1 without one; v1 refuses it.
const legacyUnknownSignerName = "kubernetes.io/legacy-unknown"

// validUsages are the usages a request may ask for, sorted (the order of
// the "supported values" message).
var validUsages = func() []string {
	u := []string{}
	for _, k := range []KeyUsage{UsageSigning, UsageDigitalSignature, UsageContentCommitment,
		UsageKeyEncipherment, UsageKeyAgreement, UsageDataEncipherment, UsageCertSign, UsageCRLSign,
		UsageEncipherOnly, UsageDecipherOnly, UsageAny, UsageServerAuth, UsageClientAuth,
		UsageCodeSigning, UsageEmailProtection, UsageSMIME, UsageIPsecEndSystem, UsageIPsecTunnel,
		UsageIPsecUser, UsageTimestamping, UsageOCSPSigning, UsageMicrosoftSGC, UsageNetscapeSGC} {
		u = append(u, string(k))
	}
	slices.Sort(u)
	return u
}()

// IsValidUsage reports whether u is one of the usages a request may ask
// for.
func IsValidUsage(u KeyUsage) bool {
	_, ok := slices.BinarySearch(validUsages, string(u))
	return ok
}

// validationOptions say what a write path may change, and which problems
// of the stored object it tolerates.
type validationOptions struct {
	allowSettingApprovalConditions bool // the approval subresource
	allowSettingCertificate        bool // the status subresource

	// Tolerated when the stored object already has the problem.
	allowBothApprovedAndDenied   bool
	allowLegacySignerName        bool
	allowDuplicateConditionTypes bool
	allowEmptyConditionType      bool
	allowArbitraryCertificate    bool
	allowUnknownUsages           bool
	allowDuplicateUsages         bool
}

// optionsFor returns the options for a write of c over old (nil on
// create).
func optionsFor(c, old *CertificateSigningRequest) validationOptions {
	if old == nil {
		return validationOptions{}
	}
	var o validationOptions
	approved, denied := false, false
	seen := map[RequestConditionType]bool{}
	for _, cond := range old.Status.Conditions {
		approved = approved || cond.Type == CertificateApproved
		denied = denied || cond.Type == CertificateDenied
		o.allowDuplicateConditionTypes = o.allowDuplicateConditionTypes || seen[cond.Type]
		o.allowEmptyConditionType = o.allowEmptyConditionType || cond.Type == ""
		seen[cond.Type] = true
	}
	o.allowBothApprovedAndDenied = approved && denied
	o.allowLegacySignerName = old.Spec.SignerName == legacyUnknownSignerName
	o.allowArbitraryCertificate = bytes.Equal(c.Status.Certificate, old.Status.Certificate) ||
		validateCertificate(old.Status.Certificate) != nil
	usages := map[KeyUsage]bool{}
	for _, u := range old.Spec.Usages {
		o.allowUnknownUsages = o.allowUnknownUsages || !IsValidUsage(u)
		o.allowDuplicateUsages = o.allowDuplicateUsages || usages[u]
		usages[u] = true
	}
	return o
}

// Validate checks a new CertificateSigningRequest: the request must be a
// PEM PKCS #10 request with a valid signature, the signer a qualified name,
// the usages known and distinct, expirationSeconds at least 600, and the
// status (empty on create, as the API server resets it) well formed.
func (c *CertificateSigningRequest) Validate() meta.FieldErrors {
	return c.validate(optionsFor(c, nil))
}

// ValidateUpdate checks an update of the main resource; old must be a
// *CertificateSigningRequest. Only metadata may change: the spec is
// immutable, and the status changes only through the status and approval
// subresources.
func (c *CertificateSigningRequest) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*CertificateSigningRequest)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, c))}
	}
	return c.validateUpdate(o, optionsFor(c, o))
}

// ValidateStatusUpdate checks a write to the status subresource: the
// certificate may be set once, and conditions other than Approved and
// Denied may be added; old must be a *CertificateSigningRequest.
func (c *CertificateSigningRequest) ValidateStatusUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*CertificateSigningRequest)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, c))}
	}
	opts := optionsFor(c, o)
	opts.allowSettingCertificate = true
	return c.validateUpdate(o, opts)
}

// ValidateApprovalUpdate checks a write to the approval subresource: an
// Approved or Denied condition may be added (not both, and neither removed);
// old must be a *CertificateSigningRequest.
func (c *CertificateSigningRequest) ValidateApprovalUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*CertificateSigningRequest)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, c))}
	}
	opts := optionsFor(c, o)
	opts.allowSettingApprovalConditions = true
	return c.validateUpdate(o, opts)
}

func (c *CertificateSigningRequest) validate(opts validationOptions) meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&c.ObjectMeta, false, validation.ValidatePathSegmentName, meta.NewPath("metadata"))
	spec := meta.NewPath("spec")
	if err := checkRequest(c.Spec.Request); err != nil {
		errs = append(errs, meta.Invalid(spec.Child("request"), meta.OmitValue, err.Error()))
	}
	if len(c.Spec.Usages) == 0 {
		errs = append(errs, meta.Required(spec.Child("usages"), "usages must be provided"))
	}
	seen := map[KeyUsage]bool{}
	for i, u := range c.Spec.Usages {
		if !opts.allowUnknownUsages && !IsValidUsage(u) {
			errs = append(errs, meta.NotSupported(spec.Child("usages").Index(i), u, validUsages))
		}
		if !opts.allowDuplicateUsages && seen[u] {
			errs = append(errs, meta.Duplicate(spec.Child("usages").Index(i), u))
		}
		seen[u] = true
	}
	if !opts.allowLegacySignerName && c.Spec.SignerName == legacyUnknownSignerName {
		errs = append(errs, meta.Invalid(spec.Child("signerName"), c.Spec.SignerName, "the legacy signerName is not allowed via this API version"))
	} else {
		errs = append(errs, ValidateSignerName(spec.Child("signerName"), c.Spec.SignerName)...)
	}
	if s := c.Spec.ExpirationSeconds; s != nil && *s < MinExpirationSeconds {
		errs = append(errs, meta.Invalid(spec.Child("expirationSeconds"), *s, "may not specify a duration less than 600 seconds (10 minutes)"))
	}
	errs = append(errs, c.validateConditions(meta.NewPath("status", "conditions"), opts)...)
	if !opts.allowArbitraryCertificate {
		if err := validateCertificate(c.Status.Certificate); err != nil {
			errs = append(errs, meta.Invalid(meta.NewPath("status", "certificate"), "<certificate data>", err.Error()))
		}
	}
	return errs
}

// checkRequest parses a request and checks its signature: a request that
// fails either is never accepted for signing.
func checkRequest(data []byte) error {
	req, err := ParseRequest(data)
	if err != nil {
		return err
	}
	return req.CheckSignature()
}

// validateCertificate checks status.certificate: empty, or one or more
// CERTIFICATE PEM blocks without headers, each holding a certificate. Text
// around the blocks is allowed (RFC 7468, section 5.2).
func validateCertificate(data []byte) error {
	if len(data) == 0 {
		return nil
	}
	blocks := 0
	for {
		b, rest := pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return fmt.Errorf("only CERTIFICATE PEM blocks are allowed, found %q", b.Type)
		}
		if len(b.Headers) != 0 {
			return errors.New("no PEM block headers are permitted")
		}
		blocks++
		certs, err := x509.ParseCertificates(b.Bytes)
		if err != nil {
			return err
		}
		if len(certs) == 0 {
			return errors.New("found CERTIFICATE PEM block containing 0 certificates")
		}
		data = rest
	}
	if blocks == 0 {
		return errors.New("must contain at least one CERTIFICATE PEM block")
	}
	return nil
}

// trueOnly are the condition types whose status can only be True.
var trueOnly = map[RequestConditionType]bool{CertificateApproved: true, CertificateDenied: true, CertificateFailed: true}

func (c *CertificateSigningRequest) validateConditions(path *meta.Path, opts validationOptions) meta.FieldErrors {
	var errs meta.FieldErrors
	seen := map[RequestConditionType]bool{}
	approved, denied := false, false
	for i, cond := range c.Status.Conditions {
		p := path.Index(i)
		if !opts.allowEmptyConditionType && cond.Type == "" {
			errs = append(errs, meta.Required(p.Child("type"), ""))
		}
		allowed := []string{string(meta.ConditionFalse), string(meta.ConditionTrue), string(meta.ConditionUnknown)}
		if trueOnly[cond.Type] {
			allowed = []string{string(meta.ConditionTrue)}
		}
		switch {
		case cond.Status == "":
			errs = append(errs, meta.Required(p.Child("status"), ""))
		case !slices.Contains(allowed, string(cond.Status)):
			errs = append(errs, meta.NotSupported(p.Child("status"), cond.Status, allowed))
		}
		if !opts.allowBothApprovedAndDenied {
			switch cond.Type {
			case CertificateApproved:
				approved = true
				if denied {
					errs = append(errs, meta.Invalid(p.Child("type"), cond.Type, "Approved and Denied conditions are mutually exclusive"))
				}
			case CertificateDenied:
				denied = true
				if approved {
					errs = append(errs, meta.Invalid(p.Child("type"), cond.Type, "Approved and Denied conditions are mutually exclusive"))
				}
			}
		}
		if !opts.allowDuplicateConditionTypes {
			if seen[cond.Type] {
				errs = append(errs, meta.Duplicate(p.Child("type"), cond.Type))
			}
			seen[cond.Type] = true
		}
	}
	return errs
}

func (c *CertificateSigningRequest) validateUpdate(old *CertificateSigningRequest, opts validationOptions) meta.FieldErrors {
	errs := c.validate(opts)
	errs = append(errs, validation.ValidateObjectMetaUpdate(&c.ObjectMeta, &old.ObjectMeta, meta.NewPath("metadata"))...)
	// The API server puts the stored spec back on every path; a spec that
	// still differs was not reset, and must not be written.
	if !validation.SemanticEqual(c.Spec, old.Spec) {
		errs = append(errs, meta.Forbidden(meta.NewPath("spec"), "the spec of a certificate signing request is immutable"))
	}
	conds := meta.NewPath("status", "conditions")
	for _, t := range []RequestConditionType{CertificateApproved, CertificateDenied, CertificateFailed} {
		if len(conditionIndices(c, t)) < len(conditionIndices(old, t)) {
			errs = append(errs, meta.Forbidden(conds, fmt.Sprintf("updates may not remove a condition of type %q", t)))
		}
	}
	if !opts.allowSettingApprovalConditions {
		for _, t := range []RequestConditionType{CertificateApproved, CertificateDenied} {
			now, before := conditionsOf(c, t), conditionsOf(old, t)
			switch {
			case len(now) < len(before):
				// Refused above.
			case len(now) > len(before):
				errs = append(errs, meta.Forbidden(conds, fmt.Sprintf("updates may not add a condition of type %q", t)))
			case !validation.SemanticEqual(now, before):
				errs = append(errs, meta.Forbidden(conds, fmt.Sprintf("updates may not modify a condition of type %q\n%s", t, validation.Diff(before, now))))
			}
		}
	}
	if !bytes.Equal(c.Status.Certificate, old.Status.Certificate) {
		switch {
		case !opts.allowSettingCertificate:
			errs = append(errs, meta.Forbidden(meta.NewPath("status", "certificate"), "updates may not set certificate content"))
		case len(old.Status.Certificate) > 0:
			errs = append(errs, meta.Forbidden(meta.NewPath("status", "certificate"), "updates may not modify existing certificate content"))
		}
	}
	return errs
}

func conditionsOf(c *CertificateSigningRequest, t RequestConditionType) []CertificateSigningRequestCondition {
	var out []CertificateSigningRequestCondition
	for _, cond := range c.Status.Conditions {
		if cond.Type == t {
			out = append(out, cond)
		}
	}
	return out
}

// Limits of a signer name: a DNS subdomain, "/", then room for
// "<namespace>.<name>" (a DNS label, a dot and a DNS subdomain).
const (
	maxSignerDomainLength = 253
	maxSignerNameLength   = maxSignerDomainLength + 1 + 63 + 1 + 253
)

// ValidateSignerName checks a signer name: "<domain>/<path>", where the
// domain has at least two DNS labels and the path is dot-separated DNS
// subdomains, at most 571 characters in all.
func ValidateSignerName(path *meta.Path, name string) meta.FieldErrors {
	if name == "" {
		return meta.FieldErrors{meta.Required(path, "signerName must be provided")}
	}
	domain, rest, ok := strings.Cut(name, "/")
	if !ok || strings.Contains(rest, "/") {
		return meta.FieldErrors{meta.Invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")}
	}
	var errs meta.FieldErrors
	if len(domain) > maxSignerDomainLength {
		errs = append(errs, meta.TooLong(path, maxSignerDomainLength))
	}
	labels := strings.Split(domain, ".")
	for _, l := range labels {
		// One error per bad segment would repeat itself; the first says it.
		if msgs := validation.IsDNS1123Label(l); len(msgs) > 0 {
			for _, m := range msgs {
				errs = append(errs, meta.Invalid(path, domain, fmt.Sprintf("validating label %q: %s", l, m)))
			}
			break
		}
	}
	if len(labels) < 2 {
		errs = append(errs, meta.Invalid(path, domain, "should be a domain with at least two segments separated by dots"))
	}
	for _, l := range strings.Split(rest, ".") {
		if msgs := validation.IsDNS1123Subdomain(l); len(msgs) > 0 {
			for _, m := range msgs {
				errs = append(errs, meta.Invalid(path, rest, fmt.Sprintf("validating label %q: %s", l, m)))
			}
			break
		}
	}
	if len(name) > maxSignerNameLength {
		errs = append(errs, meta.TooLong(path, maxSignerNameLength))
	}
	return errs
}
