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
// a CRD), as Kubernetes publishes custom resources.
func (c *crdInfo) schemas(v *crdVersion) (object, list map[string]any, err error) {
	object = map[string]any{}
	if v.schema != nil {
		if err := json.Unmarshal(v.schema, &object); err != nil {
			return nil, nil, fmt.Errorf("openapi: CRD %q version %s: %w", c.name, v.name, err)
		}
	} else {
		object["x-kubernetes-preserve-unknown-fields"] = true
	}
	object["type"] = "object"
	addObjectProperties(object, nameObjectMeta)
	embedResources(object)
	object["x-kubernetes-group-version-kind"] = []gvk{{Group: c.group, Version: v.name, Kind: c.kind}}

	list = map[string]any{
		"description": c.listKind + " is a list of " + c.kind + " objects.",
		"type":        "object",
		"required":    []string{"items"},
		"properties": map[string]any{
			"items": map[string]any{
				"description": "items are the " + c.kind + " objects.",
				"type":        "array",
				"items":       map[string]any{"$ref": refTo(c.schemaPrefix(v.name) + "." + c.kind).Ref},
			},
		},
		"x-kubernetes-group-version-kind": []gvk{{Group: c.group, Version: v.name, Kind: c.listKind}},
	}
	addObjectProperties(list, nameListMeta)
	return object, list, nil
}

// addObjectProperties sets the apiVersion, kind and metadata properties of
// an object schema, replacing whatever the CRD says about them.
func addObjectProperties(s map[string]any, metaName string) {
	props, _ := s["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		s["properties"] = props
	}
	props["apiVersion"] = map[string]any{"type": "string", "description": defaultFieldDocs["apiVersion"]}
	props["kind"] = map[string]any{"type": "string", "description": defaultFieldDocs["kind"]}
	props["metadata"] = map[string]any{
		"allOf":       []any{map[string]any{"$ref": refTo(metaName).Ref}},
		"description": defaultFieldDocs["metadata"],
	}
}

// embedResources gives every x-kubernetes-embedded-resource object below s
// the apiVersion, kind and metadata properties of an object.
func embedResources(s map[string]any) {
	for _, key := range []string{"properties", "patternProperties"} {
		if props, ok := s[key].(map[string]any); ok {
			for _, p := range props {
				if m, ok := p.(map[string]any); ok {
					embedResource(m)
				}
			}
		}
	}
	for _, key := range []string{"items", "additionalProperties", "not"} {
		if m, ok := s[key].(map[string]any); ok {
			embedResource(m)
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		if l, ok := s[key].([]any); ok {
			for _, x := range l {
				if m, ok := x.(map[string]any); ok {
					embedResource(m)
				}
			}
		}
	}
}

func embedResource(s map[string]any) {
	if b, _ := s["x-kubernetes-embedded-resource"].(bool); b {
		addObjectProperties(s, nameObjectMeta)
	}
	embedResources(s)
}
