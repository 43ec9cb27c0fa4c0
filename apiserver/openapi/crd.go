package openapi

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apiextensions"
)

// crdInfo is what the documents need of one CustomResourceDefinition,
// captured when it is added so later changes to the caller's object do not
// leak in.
type crdInfo struct {
	name       string
	group      string
	kind       string
	listKind   string
	plural     string
	namespaced bool
	versions   []crdVersion // served versions only
}

type crdVersion struct {
	name   string
	schema []byte // the openAPIV3Schema as JSON; nil when the version has none
	status bool
	scale  bool
}

func newCRDInfo(crd *apiextensions.CustomResourceDefinition) (*crdInfo, error) {
	n := crd.Spec.Names
	if crd.Spec.Group == "" || n.Kind == "" || n.Plural == "" {
		return nil, fmt.Errorf("openapi: CRD %q needs spec.group, spec.names.kind and spec.names.plural", crd.Name)
	}
	c := &crdInfo{
		name:       crd.Name,
		group:      crd.Spec.Group,
		kind:       n.Kind,
		listKind:   n.ListKind,
		plural:     n.Plural,
		namespaced: crd.Spec.Scope != apiextensions.ClusterScoped,
	}
	if c.listKind == "" {
		c.listKind = n.Kind + "List"
	}
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		cv := crdVersion{name: v.Name}
		if v.Schema != nil && v.Schema.OpenAPIV3Schema != nil {
			b, err := json.Marshal(v.Schema.OpenAPIV3Schema)
			if err != nil {
				return nil, fmt.Errorf("openapi: CRD %q version %s: encoding schema: %w", crd.Name, v.Name, err)
			}
			cv.schema = b
		}
		if s := v.Subresources; s != nil {
			cv.status = s.Status != nil
			cv.scale = s.Scale != nil
		}
		c.versions = append(c.versions, cv)
	}
	return c, nil
}

// schemaPrefix is the name prefix of a custom kind's schemas, as Kubernetes
// names them: the group reversed, then the version (com.example.stable.v1).
func (c *crdInfo) schemaPrefix(version string) string {
	parts := strings.Split(c.group, ".")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".") + "." + version
}

func (c *crdInfo) spec(v *crdVersion) *resourceSpec {
	subs := []string(nil)
	if v.status {
		subs = append(subs, "status")
	}
	if v.scale {
		subs = append(subs, "scale")
	}
	prefix := c.schemaPrefix(v.name)
	return &resourceSpec{
		Group: c.group, Version: v.name, Kind: c.kind, Plural: c.plural,
		Namespaced: c.namespaced, Verbs: api.DefaultVerbs, Subresources: subs,
		Object: prefix + "." + c.kind, List: prefix + "." + c.listKind,
		Custom: true,
	}
}

// schemas returns the object and list schemas of version v: the CRD's
// schema with apiVersion, kind and metadata filled in (they are implicit in
// a CRD), as Kubernetes publishes custom resources. The v2 form is what
// Swagger 2.0 and kubectl's v2 reader can take (see swaggerCRDSchema); a
// schema that preserves unknown fields at its root is published there as a
// bare object, since kubectl 1.27 and older would take the properties of
// an object in a v2 document as all it may have.
func (c *crdInfo) schemas(v *crdVersion, v2 bool) (object, list map[string]any, err error) {
	object = map[string]any{}
	if v.schema != nil {
		if err := json.Unmarshal(v.schema, &object); err != nil {
			return nil, nil, fmt.Errorf("openapi: CRD %q version %s: %w", c.name, v.name, err)
		}
	} else {
		object["x-kubernetes-preserve-unknown-fields"] = true
	}
	switch {
	case v2 && isTrue(object, "x-kubernetes-preserve-unknown-fields"):
		object = map[string]any{"type": "object"}
	case v2:
		object = swaggerCRDSchema(object)
		fallthrough
	default:
		object["type"] = "object"
		addObjectProperties(object, nameObjectMeta, v2)
		embedResources(object, v2)
	}
	object["x-kubernetes-group-version-kind"] = []gvk{{Group: c.group, Version: v.name, Kind: c.kind}}

	list = map[string]any{
		"description": c.listKind + " is a list of " + c.kind + " objects.",
		"type":        "object",
		"required":    []string{"items"},
		"properties": map[string]any{
			"items": map[string]any{
				"description": "items are the " + c.kind + " objects.",
				"type":        "array",
				"items":       map[string]any{"$ref": refIn(c.schemaPrefix(v.name)+"."+c.kind, v2)},
			},
		},
		"x-kubernetes-group-version-kind": []gvk{{Group: c.group, Version: v.name, Kind: c.listKind}},
	}
	addObjectProperties(list, nameListMeta, v2)
	return object, list, nil
}

func isTrue(s map[string]any, key string) bool {
	b, _ := s[key].(bool)
	return b
}

// addObjectProperties sets the apiVersion, kind and metadata properties of
// an object schema, replacing whatever the CRD says about them. The
// metadata reference carries a description: in v3 beside an allOf, whose
// siblings a $ref would void; in v2 beside the $ref itself.
func addObjectProperties(s map[string]any, metaName string, v2 bool) {
	props, _ := s["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		s["properties"] = props
	}
	props["apiVersion"] = map[string]any{"type": "string", "description": defaultFieldDocs["apiVersion"]}
	props["kind"] = map[string]any{"type": "string", "description": defaultFieldDocs["kind"]}
	ref := map[string]any{"$ref": refIn(metaName, v2)}
	if v2 {
		ref["description"] = defaultFieldDocs["metadata"]
		props["metadata"] = ref
		return
	}
	props["metadata"] = map[string]any{"allOf": []any{ref}, "description": defaultFieldDocs["metadata"]}
}

// embedResources gives every x-kubernetes-embedded-resource object below s
// the apiVersion, kind and metadata properties of an object; in v2, not
// those that preserve unknown fields, whose properties are left out there.
func embedResources(s map[string]any, v2 bool) {
	for _, key := range []string{"properties", "patternProperties"} {
		if props, ok := s[key].(map[string]any); ok {
			for _, p := range props {
				if m, ok := p.(map[string]any); ok {
					embedResource(m, v2)
				}
			}
		}
	}
	for _, key := range []string{"items", "additionalProperties", "not"} {
		if m, ok := s[key].(map[string]any); ok {
			embedResource(m, v2)
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		if l, ok := s[key].([]any); ok {
			for _, x := range l {
				if m, ok := x.(map[string]any); ok {
					embedResource(m, v2)
				}
			}
		}
	}
}

func embedResource(s map[string]any, v2 bool) {
	if isTrue(s, "x-kubernetes-embedded-resource") && !(v2 && isTrue(s, "x-kubernetes-preserve-unknown-fields")) {
		addObjectProperties(s, nameObjectMeta, v2)
	}
	embedResources(s, v2)
}
