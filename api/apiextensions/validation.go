package apiextensions

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of CustomResourceDefinitions, with Kubernetes' rules and
// messages (apiextensions-apiserver pkg/apis/apiextensions/validation and
// the structural schema checks). Paths are those Kubernetes reports, which
// for the conversion webhook are its internal field names
// (spec.conversion.webhookClientConfig).
//
// The schema checks are a documented subset of Kubernetes':
//   - every node: type is one of the OpenAPI types (never "null"); id,
//     $ref, definitions, dependencies, patternProperties, additionalItems,
//     an items array and uniqueItems: true are rejected; properties and a
//     restricting additionalProperties exclude each other; the
//     x-kubernetes-* extensions are well formed (preserve-unknown-fields
//     only true, list-type atomic/set/map with map keys for map, map-type
//     atomic/granular on objects, int-or-string and embedded-resource
//     type rules);
//   - structure, outside allOf/anyOf/oneOf/not: the root is an object,
//     every property, array item and additionalProperties schema has a
//     type (unless int-or-string, or, for properties, preserving unknown
//     fields), arrays have items, and at the root (and in embedded
//     resources) apiVersion and kind are strings and metadata an object
//     that only constrains name and generateName.
//
// Deliberately not checked: that the branches of allOf/anyOf/oneOf/not
// only repeat what the structure specifies (Kubernetes' "must not specify"
// rules for value validations), that defaults validate against and survive
// pruning by their schema, CEL rules (x-kubernetes-validations are stored
// as written), and conversion webhook CA bundles.

// Value sets Kubernetes accepts, sorted as its messages list them.
var (
	openAPITypes        = []string{"array", "boolean", "integer", "number", "object", "string"}
	printerColumnTypes  = []string{"boolean", "date", "integer", "number", "string"}
	printerColumnFormat = []string{"byte", "date", "date-time", "double", "float", "int32", "int64", "password"}
	conversionReviews   = []string{"v1", "v1beta1"}
)

// maxSelectableFields is the most selectable fields a version may declare.
const maxSelectableFields = 8

// Validate checks a new CustomResourceDefinition: its name is
// <spec.names.plural>.<spec.group>, the group is a DNS subdomain with a dot,
// the names are valid and complete, the scope known, exactly one of the
// uniquely named versions is the storage version, each version has a
// structural schema, well-formed subresources and printer columns, and
// status.storedVersions includes the storage version.
func (c *CustomResourceDefinition) Validate() meta.FieldErrors {
	nameFn := func(name string, prefix bool) []string {
		msgs := validation.NameIsDNSSubdomain(name, prefix)
		if name != c.Spec.Names.Plural+"."+c.Spec.Group {
			msgs = append(msgs, `must be spec.names.plural+"."+spec.group`)
		}
		return msgs
	}
	errs := validation.ValidateObjectMeta(&c.ObjectMeta, false, nameFn, meta.NewPath("metadata"))
	errs = append(errs, c.Spec.validate(meta.NewPath("spec"))...)
	return append(errs, c.Status.validate(c.Spec.Versions, meta.NewPath("status"))...)
}

// ValidateUpdate checks an update of a CustomResourceDefinition; old must
// be a *CustomResourceDefinition. The group and the plural name cannot
// change (they make up the object's name), nor, once the resource is
// served (Established), the scope and the kind.
//
// When the update moves the storage version, the new one is appended to
// status.storedVersions first, as Kubernetes does when it prepares the
// update: objects are about to be written in that version.
func (c *CustomResourceDefinition) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*CustomResourceDefinition)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, c))}
	}
	if sv := c.StorageVersion(); sv != "" && sv != o.StorageVersion() && !slices.Contains(c.Status.StoredVersions, sv) {
		c.Status.StoredVersions = append(c.Status.StoredVersions, sv)
	}
	errs := validation.ValidateObjectMetaUpdate(&c.ObjectMeta, &o.ObjectMeta, meta.NewPath("metadata"))
	spec := meta.NewPath("spec")
	errs = append(errs, c.Spec.validate(spec)...)
	if cond := o.Condition(Established); cond != nil && cond.Status == ConditionTrue {
		errs = append(errs, validation.ImmutableField(c.Spec.Scope, o.Spec.Scope, spec.Child("scope"))...)
		errs = append(errs, validation.ImmutableField(c.Spec.Names.Kind, o.Spec.Names.Kind, spec.Child("names", "kind"))...)
	}
	errs = append(errs, validation.ImmutableField(c.Spec.Group, o.Spec.Group, spec.Child("group"))...)
	errs = append(errs, validation.ImmutableField(c.Spec.Names.Plural, o.Spec.Names.Plural, spec.Child("names", "plural"))...)
	return append(errs, c.Status.validate(c.Spec.Versions, meta.NewPath("status"))...)
}

func (s *CustomResourceDefinitionSpec) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	group := path.Child("group")
	switch {
	case s.Group == "":
		errs = append(errs, meta.Required(group, ""))
	case len(validation.IsDNS1123Subdomain(s.Group)) > 0:
		errs = append(errs, meta.Invalid(group, s.Group, strings.Join(validation.IsDNS1123Subdomain(s.Group), ",")))
	case !strings.Contains(s.Group, "."):
		errs = append(errs, meta.Invalid(group, s.Group, "should be a domain with at least one dot"))
	}

	switch s.Scope {
	case "":
		errs = append(errs, meta.Required(path.Child("scope"), ""))
	case ClusterScoped, NamespaceScoped:
	default:
		errs = append(errs, meta.NotSupported(path.Child("scope"), s.Scope, []string{string(ClusterScoped), string(NamespaceScoped)}))
	}

	versions := path.Child("versions")
	storage := 0
	seen := map[string]bool{}
	unique := true
	for i := range s.Versions {
		v := &s.Versions[i]
		if v.Storage {
			storage++
		}
		if seen[v.Name] {
			unique = false
		}
		seen[v.Name] = true
		if msgs := validation.IsDNS1035Label(v.Name); len(msgs) > 0 {
			errs = append(errs, meta.Invalid(versions.Index(i).Child("name"), v.Name, strings.Join(msgs, ",")))
		}
		errs = append(errs, v.validate(versions.Index(i))...)
	}
	if !unique {
		errs = append(errs, meta.Invalid(versions, s.Versions, "must contain unique version names"))
	}
	if storage != 1 {
		errs = append(errs, meta.Invalid(versions, s.Versions, "must have exactly one version marked as storage version"))
	}

	names := path.Child("names")
	for _, req := range []struct{ name, value string }{
		{"plural", s.Names.Plural}, {"singular", s.Names.Singular}, {"kind", s.Names.Kind}, {"listKind", s.Names.ListKind},
	} {
		if req.value == "" {
			errs = append(errs, meta.Required(names.Child(req.name), ""))
		}
	}
	errs = append(errs, s.Names.validate(names)...)

	if s.PreserveUnknownFields {
		errs = append(errs, meta.Invalid(path.Child("preserveUnknownFields"), true,
			"cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"))
	}
	return append(errs, s.Conversion.validate(path.Child("conversion"))...)
}

// validate checks resource names as DNS-1035 labels (kinds may have mixed
// case), and that kind and listKind differ.
func (n *CustomResourceDefinitionNames) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	label := func(field, value string) {
		if msgs := validation.IsDNS1035Label(value); value != "" && len(msgs) > 0 {
			errs = append(errs, meta.Invalid(path.Child(field), value, strings.Join(msgs, ",")))
		}
	}
	mixedCase := func(field, value string) {
		if msgs := validation.IsDNS1035Label(strings.ToLower(value)); value != "" && len(msgs) > 0 {
			errs = append(errs, meta.Invalid(path.Child(field), value, "may have mixed case, but should otherwise match: "+strings.Join(msgs, ",")))
		}
	}
	label("plural", n.Plural)
	label("singular", n.Singular)
	mixedCase("kind", n.Kind)
	mixedCase("listKind", n.ListKind)
	for i, s := range n.ShortNames {
		if msgs := validation.IsDNS1035Label(s); len(msgs) > 0 {
			errs = append(errs, meta.Invalid(path.Child("shortNames").Index(i), s, strings.Join(msgs, ",")))
		}
	}
	if n.Kind != "" && n.Kind == n.ListKind {
		errs = append(errs, meta.Invalid(path.Child("listKind"), n.ListKind, "kind and listKind may not be the same"))
	}
	for i, c := range n.Categories {
		if msgs := validation.IsDNS1035Label(c); len(msgs) > 0 {
			errs = append(errs, meta.Invalid(path.Child("categories").Index(i), c, strings.Join(msgs, ",")))
		}
	}
	return errs
}

func (v *CustomResourceDefinitionVersion) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	schema := path.Child("schema")
	if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
		errs = append(errs, meta.Required(schema.Child("openAPIV3Schema"), "schemas are required"))
	} else {
		errs = append(errs, ValidateSchema(v.Schema.OpenAPIV3Schema, schema.Child("openAPIV3Schema"))...)
	}
	if sub := v.Subresources; sub != nil && sub.Scale != nil {
		errs = append(errs, sub.Scale.validate(path.Child("subresources"))...)
	}
	for i := range v.AdditionalPrinterColumns {
		errs = append(errs, v.AdditionalPrinterColumns[i].validate(path.Child("additionalPrinterColumns").Index(i))...)
	}
	fields := path.Child("selectableFields")
	if len(v.SelectableFields) > maxSelectableFields {
		errs = append(errs, meta.TooMany(fields, len(v.SelectableFields), maxSelectableFields))
	}
	for i, f := range v.SelectableFields {
		p := fields.Index(i).Child("jsonPath")
		if f.JSONPath == "" {
			errs = append(errs, meta.Required(p, ""))
		} else {
			errs = append(errs, validateSimpleJSONPath(f.JSONPath, p)...)
		}
	}
	return errs
}

// validate checks the JSON paths of the scale subresource: the desired
// replicas under .spec, the observed ones under .status, the selector
// under either. The paths are reported as Kubernetes does, e.g.
// "subresources.scale.specReplicasPath".
func (s *CustomResourceSubresourceScale) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	check := func(field, value, detail string, prefixes ...string) {
		p := path.Child("scale." + field)
		if value == "" {
			errs = append(errs, meta.Required(p, ""))
			return
		}
		if e := validateSimpleJSONPath(value, p); len(e) > 0 {
			errs = append(errs, e...)
			return
		}
		for _, prefix := range prefixes {
			if strings.HasPrefix(value, prefix) {
				return
			}
		}
		errs = append(errs, meta.Invalid(p, value, detail))
	}
	check("specReplicasPath", s.SpecReplicasPath, "should be a json path under .spec", ".spec.")
	check("statusReplicasPath", s.StatusReplicasPath, "should be a json path under .status", ".status.")
	if s.LabelSelectorPath != nil && *s.LabelSelectorPath != "" {
		check("labelSelectorPath", *s.LabelSelectorPath, "should be a json path under either .spec or .status", ".spec.", ".status.")
	}
	return errs
}

func (c *CustomResourceColumnDefinition) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if c.Name == "" {
		errs = append(errs, meta.Required(path.Child("name"), ""))
	}
	typeMsg := "must be one of " + strings.Join(printerColumnTypes, ",")
	switch {
	case c.Type == "":
		errs = append(errs, meta.Required(path.Child("type"), typeMsg))
	case !slices.Contains(printerColumnTypes, c.Type):
		errs = append(errs, meta.Invalid(path.Child("type"), c.Type, typeMsg))
	}
	if c.Format != "" && !slices.Contains(printerColumnFormat, c.Format) {
		errs = append(errs, meta.Invalid(path.Child("format"), c.Format, "must be one of "+strings.Join(printerColumnFormat, ",")))
	}
	if c.JSONPath == "" {
		errs = append(errs, meta.Required(path.Child("jsonPath"), ""))
	} else {
		errs = append(errs, validateSimpleJSONPath(c.JSONPath, path.Child("jsonPath"))...)
	}
	return errs
}

// validateSimpleJSONPath accepts the dot notation Kubernetes allows in CRDs
// (".spec.replicas").
func validateSimpleJSONPath(s string, path *meta.Path) meta.FieldErrors {
	switch {
	case s == "":
		return meta.FieldErrors{meta.Invalid(path, s, "must not be empty")}
	case s[0] != '.':
		return meta.FieldErrors{meta.Invalid(path, s, "must be a simple json path starting with .")}
	}
	return nil
}

func (c *CustomResourceConversion) validate(path *meta.Path) meta.FieldErrors {
	if c == nil {
		return nil
	}
	var errs meta.FieldErrors
	if c.Strategy != NoneConverter && c.Strategy != WebhookConverter {
		errs = append(errs, meta.NotSupported(path.Child("strategy"), c.Strategy, []string{string(NoneConverter), string(WebhookConverter)}))
	}
	var cc *WebhookClientConfig
	var reviews []string
	if c.Webhook != nil {
		cc, reviews = c.Webhook.ClientConfig, c.Webhook.ConversionReviewVersions
	}
	ccPath, reviewsPath := path.Child("webhookClientConfig"), path.Child("conversionReviewVersions")
	if c.Strategy != WebhookConverter {
		if cc != nil {
			errs = append(errs, meta.Forbidden(ccPath, "should not be set when strategy is not set to Webhook"))
		}
		if len(reviews) > 0 {
			errs = append(errs, meta.Forbidden(reviewsPath, "should not be set when strategy is not set to Webhook"))
		}
		return errs
	}
	switch {
	case cc == nil:
		errs = append(errs, meta.Required(ccPath, "required when strategy is set to Webhook"))
	case (cc.URL == nil) == (cc.Service == nil):
		errs = append(errs, meta.Required(ccPath, "exactly one of url or service is required"))
	case cc.URL != nil:
		errs = append(errs, validateWebhookURL(*cc.URL, ccPath.Child("url"))...)
	default:
		errs = append(errs, cc.Service.validate(ccPath.Child("service"))...)
	}
	if len(reviews) == 0 {
		return append(errs, meta.Required(reviewsPath, ""))
	}
	seen := map[string]bool{}
	known := false
	for i, v := range reviews {
		if seen[v] {
			errs = append(errs, meta.Invalid(reviewsPath.Index(i), v, "duplicate version"))
			continue
		}
		seen[v] = true
		errs = append(errs, validation.InvalidEach(reviewsPath.Index(i), v, validation.IsDNS1035Label(v))...)
		known = known || slices.Contains(conversionReviews, v)
	}
	if !known {
		errs = append(errs, meta.Invalid(reviewsPath, reviews, "must include at least one of "+strings.Join(conversionReviews, ", ")))
	}
	return errs
}

// validateWebhookURL requires an https URL with a host and without user
// information, query or fragment.
func validateWebhookURL(s string, path *meta.Path) meta.FieldErrors {
	const form = "; desired format: https://host[/path]"
	u, err := url.Parse(s)
	if err != nil {
		return meta.FieldErrors{meta.Required(path, "url must be a valid URL: "+err.Error()+form)}
	}
	var errs meta.FieldErrors
	if u.Scheme != "https" {
		errs = append(errs, meta.Invalid(path, u.Scheme, "'https' is the only allowed URL scheme"+form))
	}
	if u.Host == "" {
		errs = append(errs, meta.Invalid(path, u.Host, "host must be specified"+form))
	}
	if u.User != nil {
		errs = append(errs, meta.Invalid(path, u.User.String(), "user information is not permitted in the URL"))
	}
	if u.Fragment != "" {
		errs = append(errs, meta.Invalid(path, u.Fragment, "fragments are not permitted in the URL"))
	}
	if u.RawQuery != "" {
		errs = append(errs, meta.Invalid(path, u.RawQuery, "query parameters are not permitted in the URL"))
	}
	return errs
}

func (s *ServiceReference) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.Name == "" {
		errs = append(errs, meta.Required(path.Child("name"), "service name is required"))
	}
	if s.Namespace == "" {
		errs = append(errs, meta.Required(path.Child("namespace"), "service namespace is required"))
	}
	port := int32(443)
	if s.Port != nil {
		port = *s.Port
	}
	if msgs := validation.IsValidPortNum(int(port)); len(msgs) > 0 {
		errs = append(errs, meta.Invalid(path.Child("port"), port, "port is not valid: "+strings.Join(msgs, ", ")))
	}
	if s.Path != nil && *s.Path != "" && *s.Path != "/" && !strings.HasPrefix(*s.Path, "/") {
		errs = append(errs, meta.Invalid(path.Child("path"), *s.Path, "must start with a '/'"))
	}
	return errs
}

func (s *CustomResourceDefinitionStatus) validate(versions []CustomResourceDefinitionVersion, path *meta.Path) meta.FieldErrors {
	errs := s.AcceptedNames.validate(path.Child("acceptedNames"))
	stored := path.Child("storedVersions")
	if len(s.StoredVersions) == 0 {
		return append(errs, meta.Invalid(stored, s.StoredVersions, "must have at least one stored version"))
	}
	remaining := map[string]int{}
	for i, v := range s.StoredVersions {
		remaining[v] = i
	}
	for i := range versions {
		v := &versions[i]
		_, ok := remaining[v.Name]
		if v.Storage && !ok {
			errs = append(errs, meta.Invalid(stored, v, "must have the storage version "+v.Name))
		}
		delete(remaining, v.Name)
	}
	// In stored order, so that messages are stable.
	for i, v := range s.StoredVersions {
		if j, ok := remaining[v]; ok && j == i {
			errs = append(errs, meta.Invalid(stored.Index(i), v, "must appear in spec.versions"))
		}
	}
	return errs
}

// schemaLevel is where a schema node sits in the structure, which decides
// the message for a missing type.
type schemaLevel int

const (
	rootLevel schemaLevel = iota
	fieldLevel
	itemLevel
	// junctorLevel is inside allOf, anyOf, oneOf or not, where structure is
	// not required.
	junctorLevel
)

// ValidateSchema checks a CRD version's OpenAPI v3 schema at path (usually
// spec.versions[i].schema.openAPIV3Schema): the keywords Kubernetes
// supports and the structural rules listed in this file's header.
func ValidateSchema(s *JSONSchemaProps, path *meta.Path) meta.FieldErrors {
	var w schemaWalker
	w.walk(s, rootLevel, path)
	return w.errs
}

type schemaWalker struct{ errs meta.FieldErrors }

func (w *schemaWalker) add(e *meta.FieldError) { w.errs = append(w.errs, e) }

func (w *schemaWalker) walk(s *JSONSchemaProps, lvl schemaLevel, path *meta.Path) {
	if s == nil {
		return
	}
	w.keywords(s, path)
	w.extensions(s, path)
	if lvl != junctorLevel {
		w.structure(s, lvl, path)
	}

	sub := fieldLevel
	if lvl == junctorLevel {
		sub = junctorLevel
	}
	for _, k := range sortedKeys(s.Properties) {
		p := s.Properties[k]
		w.walk(&p, sub, path.Child("properties").Key(k))
	}
	if s.Items != nil && s.Items.Schema != nil {
		itemLvl := itemLevel
		if lvl == junctorLevel {
			itemLvl = junctorLevel
		}
		w.walk(s.Items.Schema, itemLvl, path.Child("items"))
	}
	if ap := s.AdditionalProperties; ap != nil && ap.Schema != nil {
		w.walk(ap.Schema, sub, path.Child("additionalProperties"))
	}
	for _, j := range []struct {
		name    string
		schemas []JSONSchemaProps
	}{{"allOf", s.AllOf}, {"anyOf", s.AnyOf}, {"oneOf", s.OneOf}} {
		for i := range j.schemas {
			w.walk(&j.schemas[i], junctorLevel, path.Child(j.name).Index(i))
		}
	}
	w.walk(s.Not, junctorLevel, path.Child("not"))
}

// keywords rejects what CRD schemas do not support.
func (w *schemaWalker) keywords(s *JSONSchemaProps, path *meta.Path) {
	if s.Type != "" && !slices.Contains(openAPITypes, s.Type) {
		w.add(meta.NotSupported(path.Child("type"), s.Type, openAPITypes))
	}
	if s.ID != "" {
		w.add(meta.Forbidden(path.Child("id"), "id is not supported"))
	}
	if s.AdditionalItems != nil {
		w.add(meta.Forbidden(path.Child("additionalItems"), "additionalItems is not supported"))
	}
	if len(s.PatternProperties) > 0 {
		w.add(meta.Forbidden(path.Child("patternProperties"), "patternProperties is not supported"))
	}
	if len(s.Definitions) > 0 {
		w.add(meta.Forbidden(path.Child("definitions"), "definitions is not supported"))
	}
	if s.Dependencies != nil {
		w.add(meta.Forbidden(path.Child("dependencies"), "dependencies is not supported"))
	}
	if s.Ref != nil {
		w.add(meta.Forbidden(path.Child("$ref"), "$ref is not supported"))
	}
	if s.Type == "null" {
		w.add(meta.Forbidden(path.Child("type"), "type cannot be set to null, use nullable as an alternative"))
	}
	if s.Items != nil && len(s.Items.JSONSchemas) > 0 {
		w.add(meta.Forbidden(path.Child("items"), "items must be a schema object and not an array"))
	}
	if s.UniqueItems {
		w.add(meta.Forbidden(path.Child("uniqueItems"), "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"))
	}
	if ap := s.AdditionalProperties; ap != nil && len(s.Properties) > 0 && (!ap.Allows || ap.Schema != nil) {
		w.add(meta.Forbidden(path.Child("additionalProperties"), "additionalProperties and properties are mutual exclusive"))
	}
}

// extensions checks the x-kubernetes-* keywords.
func (w *schemaWalker) extensions(s *JSONSchemaProps, path *meta.Path) {
	if s.XPreserveUnknownFields != nil && !*s.XPreserveUnknownFields {
		w.add(meta.Invalid(path.Child("x-kubernetes-preserve-unknown-fields"), false, "must be true or undefined"))
	}
	if s.XIntOrString && s.Type != "" {
		w.add(meta.Invalid(path.Child("type"), s.Type, "must be empty if x-kubernetes-int-or-string is true"))
	}
	if lt := s.XListType; lt != nil {
		if *lt != "atomic" && *lt != "set" && *lt != "map" {
			w.add(meta.NotSupported(path.Child("x-kubernetes-list-type"), *lt, []string{"atomic", "set", "map"}))
		}
		if s.Type != "array" {
			w.add(meta.Invalid(path.Child("x-kubernetes-list-type"), *lt, "must only be used on type=array"))
		}
		if *lt == "map" && len(s.XListMapKeys) == 0 {
			w.add(meta.Required(path.Child("x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"))
		}
	}
	if len(s.XListMapKeys) > 0 {
		switch {
		case s.XListType == nil:
			w.add(meta.Required(path.Child("x-kubernetes-list-type"), "must be map if x-kubernetes-list-map-keys is non-empty"))
		case *s.XListType != "map":
			w.add(meta.Invalid(path.Child("x-kubernetes-list-type"), *s.XListType, "must be map if x-kubernetes-list-map-keys is non-empty"))
		}
	}
	if mt := s.XMapType; mt != nil {
		switch {
		case s.Type == "":
			w.add(meta.Required(path.Child("type"), "must be object if x-kubernetes-map-type is specified"))
		case s.Type != "object":
			w.add(meta.Invalid(path.Child("type"), s.Type, "must be object if x-kubernetes-map-type is specified"))
		}
		if *mt != "atomic" && *mt != "granular" {
			w.add(meta.NotSupported(path.Child("x-kubernetes-map-type"), *mt, []string{"atomic", "granular"}))
		}
	}
}

// structure applies the structural-schema rules to a node outside the
// logical junctors.
func (w *schemaWalker) structure(s *JSONSchemaProps, lvl schemaLevel, path *meta.Path) {
	if s.Type == "array" && (s.Items == nil || s.Items.Schema == nil && len(s.Items.JSONSchemas) == 0) {
		w.add(meta.Required(path.Child("items"), "must be specified"))
	}
	preserve := s.XPreserveUnknownFields != nil && *s.XPreserveUnknownFields
	switch {
	case s.XEmbeddedResource && s.Type == "":
		w.add(meta.Required(path.Child("type"), "must be object if x-kubernetes-embedded-resource is true"))
	case s.XEmbeddedResource && s.Type != "object":
		w.add(meta.Invalid(path.Child("type"), s.Type, "must be object if x-kubernetes-embedded-resource is true"))
	case s.Type == "" && !s.XIntOrString && !(preserve && lvl == fieldLevel):
		switch lvl {
		case rootLevel:
			w.add(meta.Required(path.Child("type"), "must not be empty at the root"))
		case itemLevel:
			w.add(meta.Required(path.Child("type"), "must not be empty for specified array items"))
		default:
			w.add(meta.Required(path.Child("type"), "must not be empty for specified object fields"))
		}
	}
	if s.XEmbeddedResource && s.AdditionalProperties != nil {
		w.add(meta.Forbidden(path.Child("additionalProperties"), "must not be used if x-kubernetes-embedded-resource is set"))
	}
	if s.XEmbeddedResource && !preserve && len(s.Properties) == 0 {
		w.add(meta.Required(path.Child("properties"), "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"))
	}
	if lvl == rootLevel && s.Type != "" && s.Type != "object" {
		w.add(meta.Invalid(path.Child("type"), s.Type, "must be object at the root"))
	}
	if lvl != rootLevel && !s.XEmbeddedResource {
		return
	}
	props := path.Child("properties")
	for _, f := range []string{"kind", "apiVersion"} {
		if p, ok := s.Properties[f]; ok && p.Type != "string" {
			w.add(meta.Invalid(props.Key(f).Child("type"), p.Type, "must be string"))
		}
	}
	md, ok := s.Properties["metadata"]
	if !ok {
		return
	}
	if md.Type != "object" {
		w.add(meta.Invalid(props.Key("metadata").Child("type"), md.Type, "must be object"))
	}
	if lvl == rootLevel {
		for _, k := range sortedKeys(md.Properties) {
			if k != "name" && k != "generateName" {
				w.add(meta.Forbidden(props.Key("metadata").Child("properties").Key(k), "must not be specified"))
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
