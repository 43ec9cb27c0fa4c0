package openapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/google/gnostic-models/compiler"
	openapi_v2 "github.com/google/gnostic-models/openapiv2"
	yaml "go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/proto"

	"github.com/spar-dev/spar/api"
)

// The Swagger 2.0 document is the whole API in one document: the paths of
// every group-version and every schema they need, under definitions. It is
// derived from the same model as the v3 documents (pathBuilder's paths,
// the reflector's schemas, the CRDs' schemas) and differs only in form:
// references point into #/definitions/, a reference keeps its description
// and extensions beside the $ref instead of in an allOf, the body of an
// operation is a parameter "in: body", and media types are listed in
// consumes and produces.

// refIn is the JSON reference to a named schema in a v3 or a v2 document.
func refIn(name string, v2 bool) string {
	if v2 {
		return "#/definitions/" + name
	}
	return refTo(name).Ref
}

// v2Ref turns a v3 reference into its v2 form.
func v2Ref(ref string) string {
	if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok {
		return "#/definitions/" + name
	}
	return ref
}

// fixedSchemasV2 stand in for the fixed schemas that need oneOf, which
// Swagger 2.0 lacks: both are strings there, as Kubernetes publishes them
// (kubectl's v2 validation lets a number through where a string is due).
var fixedSchemasV2 = map[string]*schema{
	nameIntOrString: {Type: "string", Format: "int-or-string", Description: fixedSchemas[nameIntOrString].Description},
	nameQuantity:    {Type: "string", Description: fixedSchemas[nameQuantity].Description},
}

// swaggerSchema returns the Swagger 2.0 form of a schema of a Go type: a
// reference wrapped in allOf to carry siblings becomes the reference with
// those siblings (v2 readers, kubectl's among them, take them there), and
// references point into #/definitions/.
func swaggerSchema(s *schema) *schema {
	if s == nil {
		return nil
	}
	out := *s
	if len(s.AllOf) == 1 && s.AllOf[0].Ref != "" && s.Ref == "" && s.Type == "" {
		out.Ref, out.AllOf = s.AllOf[0].Ref, nil
	}
	out.Ref = v2Ref(out.Ref)
	out.OneOf = nil
	if out.AllOf != nil {
		out.AllOf = make([]*schema, len(s.AllOf))
		for i, x := range s.AllOf {
			out.AllOf[i] = swaggerSchema(x)
		}
	}
	out.Items = swaggerSchema(s.Items)
	out.AdditionalProperties = swaggerSchema(s.AdditionalProperties)
	if s.Properties != nil {
		out.Properties = make(map[string]*schema, len(s.Properties))
		for k, p := range s.Properties {
			out.Properties[k] = swaggerSchema(p)
		}
	}
	return &out
}

// swaggerKeywords are the schema keywords of Swagger 2.0; vendor
// extensions (x-) are kept as well.
var swaggerKeywords = map[string]bool{
	"$ref": true, "additionalProperties": true, "allOf": true, "default": true, "description": true,
	"discriminator": true, "enum": true, "example": true, "exclusiveMaximum": true, "exclusiveMinimum": true,
	"externalDocs": true, "format": true, "items": true, "maxItems": true, "maxLength": true,
	"maxProperties": true, "maximum": true, "minItems": true, "minLength": true, "minProperties": true,
	"minimum": true, "multipleOf": true, "pattern": true, "properties": true, "readOnly": true,
	"required": true, "title": true, "type": true, "uniqueItems": true, "xml": true,
}

// swaggerCRDSchema returns the Swagger 2.0 form of a CRD's structural
// OpenAPI v3 schema, as Kubernetes publishes custom resources in v2:
// keywords v2 lacks are left out (nullable, oneOf, anyOf, not, and allOf
// with them, patternProperties), a nullable value loses its type and
// structure and is no longer required, a value that preserves unknown
// fields loses its properties and items, and an array without items loses
// its type (kubectl's v2 reader rejects such an array).
func swaggerCRDSchema(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		if k == "allOf" || (!swaggerKeywords[k] && !strings.HasPrefix(k, "x-")) {
			continue
		}
		switch k {
		case "$ref":
			if s, ok := v.(string); ok {
				v = v2Ref(s)
			}
		case "properties":
			if props, ok := v.(map[string]any); ok {
				m := make(map[string]any, len(props))
				for name, p := range props {
					if ps, ok := p.(map[string]any); ok {
						m[name] = swaggerCRDSchema(ps)
					}
				}
				v = m
			}
		case "items", "additionalProperties":
			switch x := v.(type) {
			case map[string]any:
				v = swaggerCRDSchema(x)
			case []any:
				l := make([]any, len(x))
				for i, e := range x {
					if es, ok := e.(map[string]any); ok {
						l[i] = swaggerCRDSchema(es)
					} else {
						l[i] = e
					}
				}
				v = l
			}
		}
		out[k] = v
	}
	if isTrue(in, "nullable") {
		delete(out, "type")
		delete(out, "items")
		delete(out, "properties")
	}
	if isTrue(in, "x-kubernetes-preserve-unknown-fields") {
		delete(out, "items")
		delete(out, "properties")
	}
	if out["type"] == "array" && out["items"] == nil {
		delete(out, "type")
	}
	if req, ok := out["required"].([]any); ok {
		props, _ := in["properties"].(map[string]any)
		addl, _ := in["additionalProperties"].(map[string]any)
		keep := make([]any, 0, len(req))
		for _, r := range req {
			name, _ := r.(string)
			p, _ := props[name].(map[string]any)
			if isTrue(p, "nullable") || isTrue(addl, "nullable") {
				continue
			}
			keep = append(keep, r)
		}
		if len(keep) == 0 {
			delete(out, "required")
		} else {
			out["required"] = keep
		}
	}
	return out
}

// The paths part of a Swagger 2.0 document.
type swaggerPathItem struct {
	Get        *swaggerOperation   `json:"get,omitempty"`
	Put        *swaggerOperation   `json:"put,omitempty"`
	Post       *swaggerOperation   `json:"post,omitempty"`
	Delete     *swaggerOperation   `json:"delete,omitempty"`
	Options    *swaggerOperation   `json:"options,omitempty"`
	Head       *swaggerOperation   `json:"head,omitempty"`
	Patch      *swaggerOperation   `json:"patch,omitempty"`
	Parameters []*swaggerParameter `json:"parameters,omitempty"`
}

type swaggerOperation struct {
	Description string                      `json:"description,omitempty"`
	Consumes    []string                    `json:"consumes,omitempty"`
	Produces    []string                    `json:"produces,omitempty"`
	Tags        []string                    `json:"tags,omitempty"`
	OperationID string                      `json:"operationId"`
	Parameters  []*swaggerParameter         `json:"parameters,omitempty"`
	Responses   map[string]*swaggerResponse `json:"responses"`
	Action      string                      `json:"x-kubernetes-action,omitempty"`
	GVK         *gvk                        `json:"x-kubernetes-group-version-kind,omitempty"`
}

// swaggerParameter is a path or query parameter, whose type is given
// inline, or the body parameter, which carries the schema of the body.
type swaggerParameter struct {
	UniqueItems bool    `json:"uniqueItems,omitempty"`
	Type        string  `json:"type,omitempty"`
	Description string  `json:"description,omitempty"`
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Required    bool    `json:"required,omitempty"`
	Schema      *schema `json:"schema,omitempty"`
}

type swaggerResponse struct {
	Description string  `json:"description"`
	Schema      *schema `json:"schema,omitempty"`
}

// swaggerPaths converts v3 path items to their v2 form. Parameters are
// shared between operations in the v3 model, and stay shared.
type swaggerPaths struct {
	params map[*parameter]*swaggerParameter
}

func (c *swaggerPaths) item(it *pathItem) *swaggerPathItem {
	return &swaggerPathItem{
		Get: c.op(it.Get), Put: c.op(it.Put), Post: c.op(it.Post), Delete: c.op(it.Delete),
		Options: c.op(it.Options), Head: c.op(it.Head), Patch: c.op(it.Patch),
		Parameters: c.parameters(nil, it.Parameters),
	}
}

func (c *swaggerPaths) parameters(out []*swaggerParameter, in []*parameter) []*swaggerParameter {
	for _, p := range in {
		sp, ok := c.params[p]
		if !ok {
			sp = &swaggerParameter{Name: p.Name, In: p.In, Description: p.Description, Required: p.Required}
			if p.Schema != nil {
				sp.Type, sp.UniqueItems = p.Schema.Type, p.Schema.UniqueItems
			}
			c.params[p] = sp
		}
		out = append(out, sp)
	}
	return out
}

// op converts an operation: the request body becomes the first parameter,
// named body as Kubernetes names it, and its media types the consumes list
// (for PATCH, the patch types kubectl chooses from); the media types of the
// responses become produces.
func (c *swaggerPaths) op(o *operation) *swaggerOperation {
	if o == nil {
		return nil
	}
	out := &swaggerOperation{
		Description: o.Description, Tags: o.Tags, OperationID: o.OperationID,
		Action: o.Action, GVK: o.GVK, Responses: make(map[string]*swaggerResponse, len(o.Responses)),
	}
	if rb := o.RequestBody; rb != nil {
		out.Consumes = slices.Sorted(maps.Keys(rb.Content))
		body := &swaggerParameter{Name: "body", In: "body", Required: rb.Required}
		if len(out.Consumes) > 0 {
			body.Schema = swaggerSchema(rb.Content[out.Consumes[0]].Schema)
		}
		out.Parameters = append(out.Parameters, body)
	} else {
		out.Consumes = []string{"*/*"}
	}
	out.Parameters = c.parameters(out.Parameters, o.Parameters)
	produces := map[string]bool{}
	for code, r := range o.Responses {
		sr := &swaggerResponse{Description: r.Description}
		for _, mt := range slices.Sorted(maps.Keys(r.Content)) {
			produces[mt] = true
			if sr.Schema == nil {
				sr.Schema = swaggerSchema(r.Content[mt].Schema)
			}
		}
		out.Responses[code] = sr
	}
	out.Produces = slices.Sorted(maps.Keys(produces))
	return out
}

// swaggerDoc is the generated v2 document in the forms it is served in.
// The JSON is generated under the Builder's lock; the protobuf and gzip
// forms are derived from it on first request, once.
type swaggerDoc struct {
	json      *servedDoc // hash: the ETag of every form, as Kubernetes does
	resources []*api.Resource
	crdGen    uint64

	protoOnce sync.Once
	proto     []byte
	protoErr  error

	jsonGzip, protoGzip lazyBytes
}

// lazyBytes is a byte slice computed once, on first use.
type lazyBytes struct {
	once sync.Once
	b    []byte
}

func (l *lazyBytes) get(f func() []byte) []byte {
	l.once.Do(func() { l.b = f() })
	return l.b
}

// protobuf returns the document as a gnostic openapi_v2.Document in
// protobuf, the form client-go's OpenAPISchema decodes: the JSON compiled
// by gnostic, which checks it against Swagger 2.0 and turns extensions
// into the YAML its readers expect. gnostic's ParseDocument would read the
// JSON with a YAML parser, a third of the cost; the node tree it compiles
// is built here from the JSON tokens instead, to the same result (the
// tests compare both).
func (d *swaggerDoc) protobuf() ([]byte, error) {
	d.protoOnce.Do(func() {
		root, err := yamlNode(d.json.body)
		if err != nil {
			d.protoErr = fmt.Errorf("openapi: reading the v2 document: %w", err)
			return
		}
		doc, err := openapi_v2.NewDocument(root, compiler.NewContextWithExtensions("$root", root, nil, nil))
		if err != nil {
			d.protoErr = fmt.Errorf("openapi: compiling the v2 document: %w", err)
			return
		}
		d.proto, d.protoErr = proto.Marshal(doc)
	})
	return d.proto, d.protoErr
}

// yamlNode returns the YAML node tree of a JSON document, with the tags
// a YAML parser would give its values.
func yamlNode(data []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var value func() (*yaml.Node, error)
	value = func() (*yaml.Node, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch v := tok.(type) {
		case json.Delim:
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if v == '[' {
				n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
			}
			for dec.More() {
				if n.Kind == yaml.MappingNode {
					key, err := dec.Token()
					if err != nil {
						return nil, err
					}
					k, _ := key.(string)
					n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k})
				}
				c, err := value()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, c)
			}
			if _, err := dec.Token(); err != nil { // the closing delimiter
				return nil, err
			}
			return n, nil
		case string:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}, nil
		case json.Number:
			tag := "!!int"
			if _, err := v.Int64(); err != nil {
				tag = "!!float"
			}
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v.String()}, nil
		case bool:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}, nil
		default: // null
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
		}
	}
	return value()
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// swagger returns the v2 document, generating it when the scheme or the
// CRDs changed since it was generated.
func (b *Builder) swagger() (*swaggerDoc, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	resources := b.scheme.Resources()
	if d := b.v2; d != nil && d.crdGen == b.crdGen && slices.Equal(d.resources, resources) {
		return d, nil
	}
	inputs := b.collect(resources)
	conv := &swaggerPaths{params: map[*parameter]*swaggerParameter{}}
	paths := map[string]*swaggerPathItem{}
	var refs []string
	custom := map[string]map[string]any{}
	for _, p := range slices.Sorted(maps.Keys(inputs)) {
		m, err := b.model(inputs[p], true)
		if err != nil {
			return nil, err
		}
		for path, it := range m.paths {
			paths[path] = conv.item(it)
		}
		refs = append(refs, m.refs...)
		maps.Copy(custom, m.custom)
	}
	r := b.refl
	names, err := r.closure(refs, custom)
	if err != nil {
		return nil, err
	}
	pathsJSON, err := json.Marshal(paths)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"swagger":"2.0","info":{"title":"Kubernetes","version":"unversioned"},"paths":`)
	buf.Write(pathsJSON)
	buf.WriteString(`,"definitions":`)
	if err := r.writeSchemas(&buf, names, custom, r.kinds(resources), true); err != nil {
		return nil, err
	}
	buf.WriteString(`,"securityDefinitions":{"BearerToken":{"description":"Bearer Token authentication","type":"apiKey","name":"authorization","in":"header"}},"security":[{"BearerToken":[]}]}`)
	b.v2 = &swaggerDoc{json: newServedDoc(buf.Bytes(), nil), resources: resources, crdGen: b.crdGen}
	return b.v2, nil
}
