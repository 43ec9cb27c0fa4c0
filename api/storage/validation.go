package storage

import (
	"fmt"
	"math"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of the storage.k8s.io kinds, with Kubernetes' rules and
// messages (pkg/apis/storage/validation). VolumeAttachment's inline volume
// spec (CSI migration) is accepted without checking its contents.

// Limits of provisioner parameters and attachment metadata.
const (
	maxProvisionerParameterSize   = 256 << 10 // total bytes of keys and values
	maxProvisionerParameterLen    = 512       // number of parameters
	maxAttachedVolumeMetadataSize = 256 << 10
	maxVolumeErrorMessageSize     = 1024
	csiDriverNameMaxLength        = 63
)

var metadataPath = meta.NewPath("metadata")

func wrongType(old meta.Object, want any) meta.FieldErrors {
	return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, want))}
}

// Validate checks a new StorageClass: a provisioner that is a qualified
// name, bounded parameters, and the reclaimPolicy and volumeBindingMode
// enumerations (both set by defaulting).
func (c *StorageClass) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&c.ObjectMeta, false, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, c.validate()...)
}

// ValidateUpdate checks an update of a StorageClass; old must be a
// *StorageClass. Parameters, provisioner, reclaimPolicy and
// volumeBindingMode cannot change: volumes were provisioned with them.
func (c *StorageClass) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*StorageClass)
	if !ok {
		return wrongType(old, c)
	}
	errs := validation.ValidateObjectMetaUpdate(&c.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, c.validate()...)
	if !validation.SemanticEqual(c.Parameters, o.Parameters) {
		errs = append(errs, meta.Forbidden(meta.NewPath("parameters"), "updates to parameters are forbidden."))
	}
	if c.Provisioner != o.Provisioner {
		errs = append(errs, meta.Forbidden(meta.NewPath("provisioner"), "updates to provisioner are forbidden."))
	}
	if derefPolicy(c.ReclaimPolicy) != derefPolicy(o.ReclaimPolicy) {
		errs = append(errs, meta.Forbidden(meta.NewPath("reclaimPolicy"), "updates to reclaimPolicy are forbidden."))
	}
	return append(errs, validation.ImmutableField(c.VolumeBindingMode, o.VolumeBindingMode, meta.NewPath("volumeBindingMode"))...)
}

func derefPolicy(p *core.PersistentVolumeReclaimPolicy) core.PersistentVolumeReclaimPolicy {
	if p == nil {
		return ""
	}
	return *p
}

func (c *StorageClass) validate() meta.FieldErrors {
	var errs meta.FieldErrors
	path := meta.NewPath("provisioner")
	if c.Provisioner == "" {
		errs = append(errs, meta.Required(path, ""))
	} else {
		errs = append(errs, validation.ValidateQualifiedName(strings.ToLower(c.Provisioner), path)...)
	}
	errs = append(errs, validateParameters(c.Parameters, meta.NewPath("parameters"))...)
	if p := c.ReclaimPolicy; p != nil && *p != "" && *p != core.PersistentVolumeReclaimDelete && *p != core.PersistentVolumeReclaimRetain {
		errs = append(errs, meta.NotSupported(meta.NewPath("reclaimPolicy"), *p, []string{"Delete", "Retain"}))
	}
	path = meta.NewPath("volumeBindingMode")
	switch m := c.VolumeBindingMode; {
	case m == nil:
		errs = append(errs, meta.Required(path, ""))
	case *m != VolumeBindingImmediate && *m != VolumeBindingWaitForFirstConsumer:
		errs = append(errs, meta.NotSupported(path, *m, []string{string(VolumeBindingImmediate), string(VolumeBindingWaitForFirstConsumer)}))
	}
	return append(errs, validateAllowedTopologies(c.AllowedTopologies, meta.NewPath("allowedTopologies"))...)
}

func validateParameters(params map[string]string, path *meta.Path) meta.FieldErrors {
	if len(params) > maxProvisionerParameterLen {
		return meta.FieldErrors{meta.TooLong(path, maxProvisionerParameterLen)}
	}
	var errs meta.FieldErrors
	size := 0
	for k, v := range params {
		if k == "" {
			errs = append(errs, meta.Invalid(path, k, "field can not be empty."))
		}
		size += len(k) + len(v)
	}
	if size > maxProvisionerParameterSize {
		errs = append(errs, meta.TooLong(path, maxProvisionerParameterSize))
	}
	return errs
}

// validateAllowedTopologies checks each term as core does and that no two
// terms select the same thing.
func validateAllowedTopologies(terms []core.TopologySelectorTerm, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	seen := make([]map[string]map[string]bool, 0, len(terms))
	for i, term := range terms {
		errs = append(errs, core.ValidateTopologySelectorTerm(term, path.Index(i))...)
		// Compared as key -> set of values, so that order does not matter.
		exprs := map[string]map[string]bool{}
		for _, req := range term.MatchLabelExpressions {
			values := map[string]bool{}
			for _, v := range req.Values {
				values[v] = true
			}
			exprs[req.Key] = values
		}
		for _, prev := range seen {
			if validation.SemanticEqual(prev, exprs) {
				errs = append(errs, meta.Duplicate(path.Index(i).Child("matchLabelExpressions"), ""))
				break
			}
		}
		seen = append(seen, exprs)
	}
	return errs
}

// Validate checks a new CSIDriver. The booleans that defaulting sets are
// required, as in Kubernetes.
func (d *CSIDriver) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&d.ObjectMeta, false, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, d.Spec.validate(meta.NewPath("spec"))...)
}

// ValidateUpdate checks an update of a CSIDriver; old must be a *CSIDriver.
// attachRequired and volumeLifecycleModes cannot change.
func (d *CSIDriver) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*CSIDriver)
	if !ok {
		return wrongType(old, d)
	}
	errs := validation.ValidateObjectMetaUpdate(&d.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, d.Spec.validate(meta.NewPath("spec"))...)
	// Kubernetes reports attachRequired at "spec.attachedRequired"; kept so
	// that messages match.
	errs = append(errs, validation.ImmutableField(d.Spec.AttachRequired, o.Spec.AttachRequired, meta.NewPath("spec", "attachedRequired"))...)
	return append(errs, validation.ImmutableField(d.Spec.VolumeLifecycleModes, o.Spec.VolumeLifecycleModes, meta.NewPath("spec", "volumeLifecycleModes"))...)
}

func (s *CSIDriverSpec) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for _, req := range []struct {
		name string
		set  bool
	}{
		{"attachedRequired", s.AttachRequired != nil},
		{"podInfoOnMount", s.PodInfoOnMount != nil},
		{"storageCapacity", s.StorageCapacity != nil},
	} {
		if !req.set {
			errs = append(errs, meta.Required(path.Child(req.name), ""))
		}
	}
	if p := s.FSGroupPolicy; p != nil {
		switch *p {
		case ReadWriteOnceWithFSTypeFSGroupPolicy, FileFSGroupPolicy, NoneFSGroupPolicy:
		default:
			errs = append(errs, meta.NotSupported(path.Child("fsGroupPolicy"), *p, []string{"File", "None", "ReadWriteOnceWithFSType"}))
		}
	}
	errs = append(errs, validateTokenRequests(s.TokenRequests, path.Child("tokenRequests"))...)
	for _, m := range s.VolumeLifecycleModes {
		if m != VolumeLifecyclePersistent && m != VolumeLifecycleEphemeral {
			errs = append(errs, meta.NotSupported(path.Child("volumeLifecycleModes"), m, []string{string(VolumeLifecyclePersistent), string(VolumeLifecycleEphemeral)}))
		}
	}
	if s.SELinuxMount == nil {
		errs = append(errs, meta.Required(path.Child("seLinuxMount"), ""))
	}
	if p := s.NodeAllocatableUpdatePeriodSeconds; p != nil && *p < 10 {
		errs = append(errs, meta.Invalid(path.Child("nodeAllocatableUpdatePeriodSeconds"), *p, "must be greater than or equal to 10 seconds"))
	}
	return errs
}

// validateTokenRequests checks that audiences are unique and expirations
// are between 10 minutes and 2^32 seconds.
func validateTokenRequests(reqs []TokenRequest, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	audiences := map[string]bool{}
	for i, r := range reqs {
		p := path.Index(i)
		if audiences[r.Audience] {
			errs = append(errs, meta.Duplicate(p.Child("audience"), r.Audience))
			continue
		}
		audiences[r.Audience] = true
		if r.ExpirationSeconds == nil {
			continue
		}
		if *r.ExpirationSeconds < 600 {
			errs = append(errs, meta.Invalid(p.Child("expirationSeconds"), *r.ExpirationSeconds, "may not specify a duration less than 10 minutes"))
		}
		if *r.ExpirationSeconds > 1<<32 {
			errs = append(errs, meta.Invalid(p.Child("expirationSeconds"), *r.ExpirationSeconds, "may not specify a duration larger than 2^32 seconds"))
		}
	}
	return errs
}

// Validate checks a new VolumeAttachment: an attacher that is a CSI driver
// name, exactly one source, and a node name.
func (v *VolumeAttachment) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&v.ObjectMeta, false, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, v.validate()...)
}

// ValidateUpdate checks an update of a VolumeAttachment; old must be a
// *VolumeAttachment. The spec cannot change; the status may.
func (v *VolumeAttachment) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*VolumeAttachment)
	if !ok {
		return wrongType(old, v)
	}
	errs := validation.ValidateObjectMetaUpdate(&v.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, v.validate()...)
	return append(errs, validation.ImmutableField(v.Spec, o.Spec, meta.NewPath("spec"))...)
}

func (v *VolumeAttachment) validate() meta.FieldErrors {
	var errs meta.FieldErrors
	spec := meta.NewPath("spec")
	if v.Spec.Attacher == "" {
		errs = append(errs, meta.Required(spec.Child("attacher"), ""))
	} else {
		if len(v.Spec.Attacher) > csiDriverNameMaxLength {
			errs = append(errs, meta.TooLong(spec.Child("attacher"), csiDriverNameMaxLength))
		}
		errs = append(errs, validation.InvalidEach(spec.Child("attacher"), v.Spec.Attacher, validation.IsDNS1123Subdomain(strings.ToLower(v.Spec.Attacher)))...)
	}
	src := &v.Spec.Source
	srcPath := spec.Child("source")
	switch {
	case src.InlineVolumeSpec == nil && src.PersistentVolumeName == nil:
		errs = append(errs, meta.Required(srcPath, "must specify exactly one of inlineVolumeSpec and persistentVolumeName"))
	case src.InlineVolumeSpec != nil && src.PersistentVolumeName != nil:
		errs = append(errs, meta.Forbidden(srcPath, "must specify exactly one of inlineVolumeSpec and persistentVolumeName"))
	case src.PersistentVolumeName != nil:
		if *src.PersistentVolumeName == "" {
			errs = append(errs, meta.Required(srcPath.Child("persistentVolumeName"), "must specify non empty persistentVolumeName"))
		} else {
			errs = append(errs, validation.InvalidEach(srcPath.Child("persistentVolumeName"), *src.PersistentVolumeName,
				validation.NameIsDNSSubdomain(*src.PersistentVolumeName, false))...)
		}
	}
	errs = append(errs, validation.InvalidEach(spec.Child("nodeName"), v.Spec.NodeName, validation.NameIsDNSSubdomain(v.Spec.NodeName, false))...)

	status := meta.NewPath("status")
	size := 0
	for k, val := range v.Status.AttachmentMetadata {
		size += len(k) + len(val)
	}
	if size > maxAttachedVolumeMetadataSize {
		errs = append(errs, meta.TooLong(status.Child("attachmentMetadata"), maxAttachedVolumeMetadataSize))
	}
	errs = append(errs, validateVolumeError(v.Status.AttachError, status.Child("attachError"))...)
	return append(errs, validateVolumeError(v.Status.DetachError, status.Child("detachError"))...)
}

func validateVolumeError(e *VolumeError, path *meta.Path) meta.FieldErrors {
	if e == nil {
		return nil
	}
	var errs meta.FieldErrors
	if len(e.Message) > maxVolumeErrorMessageSize {
		// Kubernetes reports the metadata limit here; kept for identical text.
		errs = append(errs, meta.TooLong(path.Child("message"), maxAttachedVolumeMetadataSize))
	}
	if e.ErrorCode != nil && *e.ErrorCode < 0 {
		errs = append(errs, meta.Invalid(path.Child("errorCode"), *e.ErrorCode, validation.InclusiveRangeError(0, math.MaxInt32)))
	}
	return errs
}
