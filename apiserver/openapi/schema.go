package openapi

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// schema is an OpenAPI v3 schema object with the keywords and x-kubernetes-*
// extensions that documents generated from Go types use. Custom resources
// carry their CRD's schema verbatim instead (see crd.go).
type schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	AllOf                []*schema          `json:"allOf,omitempty"`
	OneOf                []*schema          `json:"oneOf,omitempty"`
	Default              any                `json:"default,omitempty"`
	Description          string             `json:"description,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	UniqueItems          bool               `json:"uniqueItems,omitempty"`
	Items                *schema            `json:"items,omitempty"`
	Properties           map[string]*schema `json:"properties,omitempty"`
	AdditionalProperties *schema            `json:"additionalProperties,omitempty"`
	Required             []string           `json:"required,omitempty"`

	GVK                   []gvk    `json:"x-kubernetes-group-version-kind,omitempty"`
	IntOrString           bool     `json:"x-kubernetes-int-or-string,omitempty"`
	PreserveUnknownFields bool     `json:"x-kubernetes-preserve-unknown-fields,omitempty"`
	ListType              string   `json:"x-kubernetes-list-type,omitempty"`
	ListMapKeys           []string `json:"x-kubernetes-list-map-keys,omitempty"`
	MapType               string   `json:"x-kubernetes-map-type,omitempty"`
	PatchStrategy         string   `json:"x-kubernetes-patch-strategy,omitempty"`
	PatchMergeKey         string   `json:"x-kubernetes-patch-merge-key,omitempty"`
}

// gvk is the value of x-kubernetes-group-version-kind: a list of these on
// the schemas of kinds, a single one on operations.
type gvk struct {
	Group   string `json:"group"`
	Kind    string `json:"kind"`
	Version string `json:"version"`
}

func refTo(name string) *schema { return &schema{Ref: "#/components/schemas/" + name} }

// Schema names of the apimachinery types, as Kubernetes publishes them.
const (
	metaPrefix       = "io.k8s.apimachinery.pkg.apis.meta.v1."
	nameObjectMeta   = metaPrefix + "ObjectMeta"
	nameListMeta     = metaPrefix + "ListMeta"
	nameStatus       = metaPrefix + "Status"
	nameDeleteOpts   = metaPrefix + "DeleteOptions"
	namePatch        = metaPrefix + "Patch"
	nameWatchEvent   = metaPrefix + "WatchEvent"
	nameTime         = metaPrefix + "Time"
	nameMicroTime    = metaPrefix + "MicroTime"
	nameDuration     = metaPrefix + "Duration"
	nameFieldsV1     = metaPrefix + "FieldsV1"
	nameRawExtension = "io.k8s.apimachinery.pkg.runtime.RawExtension"
	nameIntOrString  = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
	nameQuantity     = "io.k8s.apimachinery.pkg.api.resource.Quantity"
	nameCRDJSON      = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON"
	nameScale        = "io.k8s.api.autoscaling.v1.Scale"
)

// fixedSchemas are the named schemas of types whose JSON form is not the
// one reflection would see (custom marshallers) or that have no Go type.
var fixedSchemas = map[string]*schema{
	nameTime: {Type: "string", Format: "date-time",
		Description: "Time is a timestamp in RFC 3339 form with second precision, in UTC."},
	nameMicroTime: {Type: "string", Format: "date-time",
		Description: "MicroTime is a timestamp in RFC 3339 form with microsecond precision, in UTC."},
	nameDuration: {Type: "string",
		Description: "Duration is a Go duration string such as \"1m30s\"."},
	nameIntOrString: {Format: "int-or-string", IntOrString: true,
		OneOf:       []*schema{{Type: "integer"}, {Type: "string"}},
		Description: "IntOrString holds an int32 or a string, such as a port number or name, or a count or percentage."},
	nameQuantity: {OneOf: []*schema{{Type: "string"}, {Type: "number"}},
		Description: "Quantity is a fixed-point number with an optional suffix: a binary SI suffix (Ki, Mi, Gi, Ti, Pi, Ei), a decimal SI suffix (n, u, m, k, M, G, T, P, E) or a decimal exponent (1e3), such as 100m, 500Mi or 2."},
	nameRawExtension: {Type: "object", PreserveUnknownFields: true,
		Description: "RawExtension is an embedded JSON object kept verbatim."},
	nameFieldsV1: {Type: "object", PreserveUnknownFields: true,
		Description: "FieldsV1 is the field set of a managed-fields entry, in the fieldsV1 JSON form."},
	nameCRDJSON: {PreserveUnknownFields: true,
		Description: "JSON is any JSON value: an object, array, string, number, boolean or null."},
	namePatch: {Type: "object",
		Description: "Patch is the body of a PATCH request, in the format its Content-Type names."},
	nameWatchEvent: {Type: "object", Required: []string{"type", "object"},
		Description: "WatchEvent is one event of a watch stream.",
		Properties: map[string]*schema{
			"type": {Type: "string", Default: "",
				Description: "type is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."},
			"object": {AllOf: []*schema{refTo(nameRawExtension)}, Default: map[string]any{},
				Description: "object is the object that changed; for ERROR, a Status."},
		}},
}

// fixedRefs lists the named schemas each fixed schema refers to.
var fixedRefs = map[string][]string{nameWatchEvent: {nameRawExtension}}

// fixedGVKs are the kinds of schemas that no scheme resource registers.
var fixedGVKs = map[string][]gvk{
	nameStatus:     {{Version: "v1", Kind: "Status"}},
	nameDeleteOpts: {{Version: "v1", Kind: "DeleteOptions"}},
	nameWatchEvent: {{Version: "v1", Kind: "WatchEvent"}},
	nameScale:      {{Group: "autoscaling", Version: "v1", Kind: "Scale"}},
}

const (
	modulePath  = "github.com/spar-dev/spar"
	apiPath     = modulePath + "/api"
	metaPath    = apiPath + "/meta"
	apiextsPath = apiPath + "/apiextensions"
)

var (
	typeTime        = reflect.TypeFor[meta.Time]()
	typeMicroTime   = reflect.TypeFor[meta.MicroTime]()
	typeDuration    = reflect.TypeFor[meta.Duration]()
	typeIntOrString = reflect.TypeFor[meta.IntOrString]()
	typeQuantity    = reflect.TypeFor[resource.Quantity]()
	typeRawJSON     = reflect.TypeFor[meta.RawJSON]()
	typeObjectRef   = reflect.TypeFor[meta.ObjectReference]()
	typeManagedFlds = reflect.TypeFor[meta.ManagedFieldsEntry]()
	typeTypeMeta    = reflect.TypeFor[meta.TypeMeta]()
	typeListMeta    = reflect.TypeFor[meta.ListMeta]()

	// specialNames are Go types whose schema is a fixed one.
	specialNames = map[reflect.Type]string{
		typeTime:        nameTime,
		typeMicroTime:   nameMicroTime,
		typeDuration:    nameDuration,
		typeIntOrString: nameIntOrString,
		typeQuantity:    nameQuantity,
	}

	typeJSONMarshaler = reflect.TypeFor[json.Marshaler]()
	typeTextMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// component is one entry of components.schemas: its schema and the names
// of the schemas it refers to, and its JSON once encoded, in the v3 and the
// v2 form.
type component struct {
	schema *schema
	refs   []string

	json, jsonV2 []byte
	gvks, gvksV2 []gvk // the x-kubernetes-group-version-kind the JSON was encoded with
}

// reflector turns Go types into named schemas, once per type. It is not
// safe for concurrent use; the Builder serialises access.
type reflector struct {
	docs     *docIndex
	versions map[string]string // Go package path → API version of its kinds

	names      map[reflect.Type]string
	components map[string]*component
	owners     map[string]reflect.Type // schema name → Go type, to detect clashes
}

func newReflector(docs *docIndex, versions map[string]string) *reflector {
	r := &reflector{
		docs:       docs,
		versions:   versions,
		names:      map[reflect.Type]string{},
		components: map[string]*component{},
		owners:     map[string]reflect.Type{},
	}
	for name, s := range fixedSchemas {
		r.components[name] = &component{schema: s, refs: fixedRefs[name]}
	}
	return r
}

// componentJSON returns the JSON of a component with the given kinds, in
// the v3 or the v2 form, encoding it only when it was not encoded with the
// same kinds before.
func (r *reflector) componentJSON(name string, c *component, kinds []gvk, v2 bool) (json.RawMessage, error) {
	cached, cachedKinds := &c.json, &c.gvks
	if v2 {
		cached, cachedKinds = &c.jsonV2, &c.gvksV2
	}
	if *cached != nil && slices.Equal(*cachedKinds, kinds) {
		return *cached, nil
	}
	s := c.schema
	if v2 {
		if fixed, ok := fixedSchemasV2[name]; ok {
			s = fixed
		} else {
			s = swaggerSchema(s)
		}
	}
	if len(kinds) > 0 {
		cp := *s
		cp.GVK = kinds
		s = &cp
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("openapi: schema %s: %w", name, err)
	}
	*cached, *cachedKinds = b, kinds
	return b, nil
}

// nameFor returns the schema name of the named Go type t, adding its schema
// to the components on first use.
func (r *reflector) nameFor(t reflect.Type) string {
	if name, ok := r.names[t]; ok {
		return name
	}
	if name, ok := specialNames[t]; ok {
		r.names[t] = name
		return name
	}
	name := r.typeName(t)
	if prev, taken := r.owners[name]; taken && prev != t {
		name = reversePath(t.PkgPath()) + "." + goName(t)
	}
	r.names[t] = name
	r.owners[name] = t
	c := &component{}
	r.components[name] = c // before recursing: types may refer to themselves
	c.schema = r.structSchema(t, &c.refs)
	return name
}

// typeName is the Kubernetes-style schema name of t: io.k8s.api.apps.v1.Deployment,
// io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta, and for the generic
// meta.List[T] the name of T's list kind (io.k8s.api.apps.v1.DeploymentList).
func (r *reflector) typeName(t reflect.Type) string {
	if elem, ok := listElem(t); ok {
		return r.pkgPrefix(elem.PkgPath()) + "." + elem.Name() + "List"
	}
	if t == typeObjectRef {
		return "io.k8s.api.core.v1.ObjectReference"
	}
	return r.pkgPrefix(t.PkgPath()) + "." + goName(t)
}

// listElem reports whether t is meta.List[T], and returns T.
func listElem(t reflect.Type) (reflect.Type, bool) {
	if t.PkgPath() != metaPath || !strings.HasPrefix(t.Name(), "List[") {
		return nil, false
	}
	f, ok := t.FieldByName("Items")
	if !ok || f.Type.Kind() != reflect.Slice {
		return nil, false
	}
	return f.Type.Elem(), true
}

// goName is t's name, with the type arguments of a generic type reduced to
// their unqualified names (Pair[a.B,c.D] → PairOfBAndD).
func goName(t reflect.Type) string {
	name := t.Name()
	base, args, ok := strings.Cut(name, "[")
	if !ok {
		return name
	}
	var b strings.Builder
	b.WriteString(base)
	for i, a := range strings.Split(strings.TrimSuffix(args, "]"), ",") {
		if i == 0 {
			b.WriteString("Of")
		} else {
			b.WriteString("And")
		}
		a = a[strings.LastIndexAny(a, "./*")+1:]
		b.WriteString(a)
	}
	return b.String()
}

// pkgPrefix maps a Go package to the schema-name prefix Kubernetes uses for
// the same API group: spar's api/apps → io.k8s.api.apps.v1. Other packages
// get their import path with the domain reversed, as kube-openapi names them.
func (r *reflector) pkgPrefix(pkg string) string {
	switch pkg {
	case metaPath:
		return strings.TrimSuffix(metaPrefix, ".")
	case apiextsPath:
		return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + r.version(pkg)
	}
	if g, ok := strings.CutPrefix(pkg, apiPath+"/"); ok && !strings.Contains(g, "/") {
		return "io.k8s.api." + g + "." + r.version(pkg)
	}
	return reversePath(pkg)
}

func (r *reflector) version(pkg string) string {
	if v := r.versions[pkg]; v != "" {
		return v
	}
	return "v1"
}

// reversePath turns example.com/widgets/v1 into com.example.widgets.v1.
func reversePath(pkg string) string {
	host, rest, _ := strings.Cut(pkg, "/")
	parts := strings.Split(host, ".")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	out := strings.Join(parts, ".")
	if rest != "" {
		out += "." + strings.ReplaceAll(rest, "/", ".")
	}
	return out
}

// structSchema builds the object schema of struct type t. Types with their
// own JSON marshalling get a schema that admits any value, described by
// their doc comment, as Kubernetes publishes such types.
func (r *reflector) structSchema(t reflect.Type, refs *[]string) *schema {
	desc := r.docs.typeDoc(t)
	if elem, ok := listElem(t); ok {
		desc = r.docs.typeDocByName(elem.PkgPath(), elem.Name()+"List")
		if desc == "" {
			desc = elem.Name() + "List is a list of " + elem.Name() + " objects."
		}
	}
	if customJSON(t) {
		return &schema{Description: desc}
	}
	if t.Kind() != reflect.Struct {
		s := r.inline(t, nil, "", refs)
		s.Description = desc
		return s
	}
	s := &schema{Type: "object", Description: desc, Properties: map[string]*schema{}}
	depth := map[string]int{}
	r.addFields(s, t, t, 0, depth, refs)
	if len(s.Properties) == 0 {
		s.Properties = nil
	}
	return s
}

func customJSON(t reflect.Type) bool {
	return t.Implements(typeJSONMarshaler) || reflect.PointerTo(t).Implements(typeJSONMarshaler)
}

// addFields adds the JSON fields of struct t to s, flattening embedded
// structs without a JSON name as encoding/json does (the shallower field
// wins a name clash).
func (r *reflector) addFields(s *schema, t, owner reflect.Type, level int, depth map[string]int, refs *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			r.addFields(s, ft, ft, level+1, depth, refs)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if d, ok := depth[name]; ok && d <= level {
			continue
		}
		depth[name] = level
		optional := hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero")
		fs := r.fieldSchema(f, owner, name, optional, refs)
		s.Properties[name] = fs
		s.Required = removeString(s.Required, name)
		if !optional && name != "metadata" {
			s.Required = append(s.Required, name)
		}
	}
}

func hasOpt(opts, want string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

func removeString(list []string, s string) []string {
	for i, x := range list {
		if x == s {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// fieldSchema is the schema of one struct field: its type's schema with the
// field's description, default and patch/list extensions. A reference that
// gains any of those is wrapped in allOf, as Kubernetes does, since OpenAPI
// 3.0 ignores the siblings of a $ref.
func (r *reflector) fieldSchema(f reflect.StructField, owner reflect.Type, jsonName string, optional bool, refs *[]string) *schema {
	s := r.inline(f.Type, owner, f.Name, refs)
	doc := r.docs.fieldDoc(owner, f.Name, jsonName)
	desc := doc.text
	switch {
	case owner == typeTypeMeta:
		// The same words for every object, as in custom resources.
		desc = defaultFieldDocs[jsonName]
	case desc == "" && f.Type == typeListMeta:
		desc = "Standard list metadata."
	case desc == "":
		desc = defaultFieldDocs[jsonName]
	}
	ext := schema{
		Description:   desc,
		Default:       defaultFor(f.Type, optional, s),
		PatchStrategy: f.Tag.Get("patchStrategy"),
		PatchMergeKey: f.Tag.Get("patchMergeKey"),
		ListType:      doc.marker("listType"),
		ListMapKeys:   doc.markers["listMapKey"],
		MapType:       doc.marker("mapType"),
	}
	if v := f.Tag.Get("listType"); v != "" {
		ext.ListType = v
	}
	if v := f.Tag.Get("listMapKeys"); v != "" {
		ext.ListMapKeys = strings.Split(v, ",")
	}
	if s.Ref != "" {
		if ext.Description == "" && ext.Default == nil && ext.PatchStrategy == "" && ext.PatchMergeKey == "" &&
			ext.ListType == "" && ext.MapType == "" {
			return s
		}
		ext.AllOf = []*schema{s}
		out := ext
		return &out
	}
	s.Description = ext.Description
	s.Default = ext.Default
	s.PatchStrategy, s.PatchMergeKey = ext.PatchStrategy, ext.PatchMergeKey
	s.ListType, s.ListMapKeys, s.MapType = ext.ListType, ext.ListMapKeys, ext.MapType
	return s
}

// defaultFieldDocs describe the fields every object has, where the Go
// source says nothing (embedded TypeMeta and ObjectMeta).
var defaultFieldDocs = map[string]string{
	"apiVersion": "APIVersion is the versioned schema of this object: group/version, or just the version for the core group.",
	"kind":       "Kind is the kind of this object, in CamelCase, such as Deployment.",
	"metadata":   "Standard object metadata.",
}

// defaultFor is the value encoding/json writes for a field holding the
// zero value of t, where it always writes one: {} for a struct serialised
// as an object, and the zero value of a scalar field without omitempty.
func defaultFor(t reflect.Type, optional bool, s *schema) any {
	switch t.Kind() {
	case reflect.Struct:
		if s.Ref != "" && !customJSON(t) && specialNames[t] == "" {
			return map[string]any{}
		}
	case reflect.String:
		if !optional && !customJSON(t) {
			return ""
		}
	case reflect.Bool:
		if !optional {
			return false
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		if !optional && !customJSON(t) {
			return 0
		}
	}
	return nil
}

// inline returns the schema of a value of type t: a $ref for named structs
// and the apimachinery types, an inline schema for everything else. owner
// and field name the struct field holding it, for the few types whose
// Kubernetes name depends on where they are used (raw JSON).
func (r *reflector) inline(t reflect.Type, owner reflect.Type, field string, refs *[]string) *schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	ref := func(name string) *schema {
		*refs = append(*refs, name)
		return refTo(name)
	}
	if t == typeRawJSON {
		switch {
		case owner == typeManagedFlds:
			return ref(nameFieldsV1)
		case owner != nil && owner.PkgPath() == apiextsPath:
			return ref(nameCRDJSON)
		}
		return ref(nameRawExtension)
	}
	if name, ok := specialNames[t]; ok {
		r.names[t] = name
		return ref(name)
	}
	if t.Name() != "" && t.Kind() == reflect.Struct {
		return ref(r.nameFor(t))
	}
	if customJSON(t) && t.Name() != "" {
		return ref(r.nameFor(t))
	}
	if t.Implements(typeTextMarshaler) || reflect.PointerTo(t).Implements(typeTextMarshaler) {
		return &schema{Type: "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return &schema{Type: "boolean"}
	case reflect.Int32, reflect.Int16, reflect.Int8, reflect.Uint16, reflect.Uint8:
		return &schema{Type: "integer", Format: "int32"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return &schema{Type: "integer", Format: "int64"}
	case reflect.Float32:
		return &schema{Type: "number", Format: "float"}
	case reflect.Float64:
		return &schema{Type: "number", Format: "double"}
	case reflect.String:
		return &schema{Type: "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return &schema{Type: "string", Format: "byte"}
		}
		return &schema{Type: "array", Items: r.element(t.Elem(), owner, field, refs)}
	case reflect.Map:
		return &schema{Type: "object", AdditionalProperties: r.element(t.Elem(), owner, field, refs)}
	case reflect.Struct: // anonymous struct
		s := &schema{Type: "object", Properties: map[string]*schema{}}
		r.addFields(s, t, owner, 0, map[string]int{}, refs)
		return s
	}
	// Interfaces and anything else: any JSON value.
	return &schema{PreserveUnknownFields: true}
}

// element is the schema of a list item or map value, with the default
// encoding/json writes for its zero value.
func (r *reflector) element(t reflect.Type, owner reflect.Type, field string, refs *[]string) *schema {
	s := r.inline(t, owner, field, refs)
	def := defaultFor(t, false, s)
	if def == nil {
		return s
	}
	if s.Ref != "" {
		return &schema{AllOf: []*schema{s}, Default: def}
	}
	s.Default = def
	return s
}
