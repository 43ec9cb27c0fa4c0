package apiextensions_test

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	ext "github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/internal/apitest"
)

func TestDecodeCronTab(t *testing.T) {
	crd := apitest.RoundTrip[ext.CustomResourceDefinition](t, apitest.ReadDocs(t, "testdata/crontab-crd.yaml")[0])
	if crd.Spec.Group != "stable.example.com" || crd.Spec.Scope != ext.NamespaceScoped {
		t.Errorf("group/scope = %q/%q", crd.Spec.Group, crd.Spec.Scope)
	}
	want := ext.CustomResourceDefinitionNames{Plural: "crontabs", Singular: "crontab", Kind: "CronTab", ShortNames: []string{"ct"}}
	if !reflect.DeepEqual(crd.Spec.Names, want) {
		t.Errorf("names = %+v, want %+v", crd.Spec.Names, want)
	}
	spec := crd.Version("v1").Schema.OpenAPIV3Schema.Properties["spec"]
	if got := spec.Properties["replicas"].Type; got != "integer" {
		t.Errorf("spec.replicas type = %q, want integer", got)
	}
	if got := crd.StorageVersion(); got != "v1" {
		t.Errorf("StorageVersion() = %q, want v1", got)
	}
	if errs := crd.StrictFieldErrors(); len(errs) != 0 {
		t.Errorf("StrictFieldErrors() = %q, want none", errs)
	}
}

func TestDecodeWidget(t *testing.T) {
	crd := apitest.RoundTrip[ext.CustomResourceDefinition](t, apitest.ReadDocs(t, "testdata/widget-crd.yaml")[0])
	v1 := crd.Version("v1")
	if v1 == nil || v1.Subresources == nil || v1.Subresources.Status == nil || v1.Subresources.Scale == nil {
		t.Fatalf("v1 subresources = %+v, want status and scale", v1)
	}
	if got := *v1.Subresources.Scale.LabelSelectorPath; got != ".status.labelSelector" {
		t.Errorf("labelSelectorPath = %q", got)
	}
	if got := v1.AdditionalPrinterColumns[1]; got.Priority != 1 || got.JSONPath != ".spec.color" {
		t.Errorf("printer column 1 = %+v, want priority 1 on .spec.color", got)
	}
	spec := v1.Schema.OpenAPIV3Schema.Properties["spec"]
	props := spec.Properties
	if got := string(*props["replicas"].Default); got != "1" {
		t.Errorf("replicas default = %s, want 1", got)
	}
	var enum []string
	for _, e := range props["color"].Enum {
		enum = append(enum, string(e))
	}
	if want := []string{`"red"`, `"green"`, `"blue"`}; !slices.Equal(enum, want) {
		t.Errorf("color enum = %q, want %q", enum, want)
	}
	if !props["size"].XIntOrString || len(props["size"].AnyOf) != 2 {
		t.Errorf("size = %+v, want int-or-string with two anyOf branches", props["size"])
	}
	ap := props["labels"].AdditionalProperties
	if ap == nil || !ap.Allows || ap.Schema == nil || ap.Schema.Type != "string" {
		t.Errorf("labels.additionalProperties = %+v, want a string schema", ap)
	}
	items := props["ports"].Items
	if items == nil || items.Schema == nil || items.Schema.Properties["protocol"].Type != "string" {
		t.Errorf("ports.items = %+v, want an object schema", items)
	}
	if got := *props["ports"].XListType; got != "map" {
		t.Errorf("ports list type = %q, want map", got)
	}
	if got := *spec.XValidations[0].Reason; got != ext.FieldValueInvalid {
		t.Errorf("validation reason = %q", got)
	}
	if !*spec.XValidations[1].OptionalOldSelf {
		t.Error("optionalOldSelf not decoded")
	}
	if !props["template"].XEmbeddedResource || !*props["extra"].XPreserveUnknownFields {
		t.Error("x-kubernetes-embedded-resource / preserve-unknown-fields not decoded")
	}
	c := crd.Spec.Conversion
	if c.Strategy != ext.WebhookConverter || *c.Webhook.ClientConfig.Service.Port != 8443 ||
		!strings.HasPrefix(string(c.Webhook.ClientConfig.CABundle), "-----BEGIN CERTIFICATE-----") {
		t.Errorf("conversion = %+v, want a webhook on port 8443 with a decoded CA bundle", c)
	}
	if e := crd.Condition(ext.Established); e == nil || e.Status != ext.ConditionTrue || e.ObservedGeneration != 1 {
		t.Errorf("Established condition = %+v", e)
	}
}

// The keywords structural schemas forbid must still decode and encode, so
// that validation can reject them with a proper message.
func TestSchemaKeywordsRoundTrip(t *testing.T) {
	doc := []byte(`{
  "id": "http://example.com/schemas/thing",
  "$schema": "http://json-schema.org/draft-04/schema#",
  "$ref": "#/definitions/base",
  "type": "object",
  "additionalProperties": false,
  "patternProperties": {"^x-": {"type": "string"}},
  "dependencies": {
    "billing": ["address", "card"],
    "card": {"required": ["number"]}
  },
  "definitions": {"base": {"type": "object", "minProperties": 1}},
  "properties": {
    "tuple": {
      "type": "array",
      "items": [{"type": "string"}, {"type": "integer"}],
      "additionalItems": true
    },
    "free": {"type": "object", "additionalProperties": true},
    "ratio": {"type": "number", "minimum": 0.5, "exclusiveMinimum": true, "multipleOf": 0.25}
  },
  "example": {"tuple": ["a", 1]}
}`)
	// Compact, so that the raw example value is byte-equal after a round trip.
	var buf bytes.Buffer
	if err := json.Compact(&buf, doc); err != nil {
		t.Fatal(err)
	}
	s := apitest.RoundTrip[ext.JSONSchemaProps](t, buf.Bytes())
	if s.AdditionalProperties == nil || s.AdditionalProperties.Allows || s.AdditionalProperties.Schema != nil {
		t.Errorf("additionalProperties = %+v, want false", s.AdditionalProperties)
	}
	tuple := s.Properties["tuple"]
	if tuple.Items == nil || len(tuple.Items.JSONSchemas) != 2 || tuple.Items.Schema != nil {
		t.Errorf("tuple items = %+v, want two schemas", tuple.Items)
	}
	if !tuple.AdditionalItems.Allows {
		t.Error("additionalItems true decoded as false")
	}
	if got := s.Dependencies["billing"].Property; !slices.Equal(got, []string{"address", "card"}) {
		t.Errorf("dependencies.billing = %q", got)
	}
	if got := s.Dependencies["card"].Schema; got == nil || !slices.Equal(got.Required, []string{"number"}) {
		t.Errorf("dependencies.card = %+v, want a schema requiring number", got)
	}
}

func TestUnionEncoding(t *testing.T) {
	str := &ext.JSONSchemaProps{Type: "string"}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"bool false", ext.JSONSchemaPropsOrBool{}, `false`},
		{"bool true", ext.JSONSchemaPropsOrBool{Allows: true}, `true`},
		{"bool schema", ext.JSONSchemaPropsOrBool{Allows: true, Schema: str}, `{"type":"string"}`},
		{"array schema", ext.JSONSchemaPropsOrArray{Schema: str}, `{"type":"string"}`},
		{"array list", ext.JSONSchemaPropsOrArray{JSONSchemas: []ext.JSONSchemaProps{*str}}, `[{"type":"string"}]`},
		{"dependency names", ext.JSONSchemaPropsOrStringArray{Property: []string{"a"}}, `["a"]`},
		{"dependency schema", ext.JSONSchemaPropsOrStringArray{Schema: str}, `{"type":"string"}`},
		{"dependency empty", ext.JSONSchemaPropsOrStringArray{}, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := api.Encode(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Encode = %s, want %s", b, tt.want)
			}
		})
	}
}

func TestUnionBadValues(t *testing.T) {
	tests := []struct {
		name, doc string
	}{
		{"items string", `{"items":"string"}`},
		{"additionalProperties number", `{"additionalProperties":1}`},
		{"dependencies bool", `{"dependencies":{"a":true}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s ext.JSONSchemaProps
			err := api.DecodeStrict([]byte(tt.doc), &s)
			if err == nil || api.IsStrictError(err) {
				t.Errorf("DecodeStrict(%s) = %v, want a decoding error", tt.doc, err)
			}
		})
	}
}

const typoCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: things, kind: Thing}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              name: {tpye: string}
              ports:
                type: array
                items:
                  type: object
                  properties:
                    port: {type: integer, minimun: 1}
                    names:
                      type: array
                      items: {type: string, maxLenght: 5}
              labels:
                type: object
                additionalProperties: {type: string, patern: x}
`

func TestStrictDecodingInsideSchema(t *testing.T) {
	// DecodeStrict names every typo: outside the schema unions the JSON
	// decoder finds them, inside them StrictFieldErrors does.
	const p = "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties."
	got := apitest.StrictFields[ext.CustomResourceDefinition](t, typoCRD)
	want := []string{
		`unknown field "` + p + `name.tpye"`,
		`unknown field "` + p + `labels.additionalProperties.patern"`,
		`unknown field "` + p + `ports.items.properties.names.items.maxLenght"`,
		`unknown field "` + p + `ports.items.properties.port.minimun"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("strict fields = %q, want %q", got, want)
	}

	// Inside items and additionalProperties, StrictFieldErrors does, with
	// full paths, while a lenient decode still succeeds.
	j, err := api.ToJSON([]byte(typoCRD))
	if err != nil {
		t.Fatal(err)
	}
	var crd ext.CustomResourceDefinition
	if err := api.Decode(j, &crd); err != nil {
		t.Fatalf("lenient Decode: %v", err)
	}
	want = []string{
		`unknown field "` + p + `labels.additionalProperties.patern"`,
		`unknown field "` + p + `ports.items.properties.names.items.maxLenght"`,
		`unknown field "` + p + `ports.items.properties.port.minimun"`,
	}
	if got := crd.StrictFieldErrors(); !slices.Equal(got, want) {
		t.Errorf("StrictFieldErrors() =\n%q\nwant\n%q", got, want)
	}
}

func TestStrictDuplicateInsideItems(t *testing.T) {
	var s ext.JSONSchemaProps
	err := api.DecodeStrict([]byte(`{"type":"array","items":{"type":"string","type":"integer"}}`), &s)
	if err == nil || err.Error() != `strict decoding error: duplicate field "items.type"` {
		t.Fatalf("DecodeStrict error = %v", err)
	}
	want := []string{`duplicate field "items.type"`}
	if got := s.StrictFieldErrors(); !slices.Equal(got, want) {
		t.Errorf("StrictFieldErrors() = %q, want %q", got, want)
	}
}

func TestDefault(t *testing.T) {
	port := int32(8443)
	tests := []struct {
		name  string
		in    ext.CustomResourceDefinition
		check func(t *testing.T, c *ext.CustomResourceDefinition)
	}{
		{"names and conversion", ext.CustomResourceDefinition{Spec: ext.CustomResourceDefinitionSpec{
			Names:    ext.CustomResourceDefinitionNames{Plural: "crontabs", Kind: "CronTab"},
			Versions: []ext.CustomResourceDefinitionVersion{{Name: "v1beta1"}, {Name: "v1", Storage: true}},
		}}, func(t *testing.T, c *ext.CustomResourceDefinition) {
			if n := c.Spec.Names; n.Singular != "crontab" || n.ListKind != "CronTabList" {
				t.Errorf("names = %+v, want singular crontab, listKind CronTabList", n)
			}
			if c.Spec.Conversion == nil || c.Spec.Conversion.Strategy != ext.NoneConverter {
				t.Errorf("conversion = %+v, want strategy None", c.Spec.Conversion)
			}
			if !slices.Equal(c.Status.StoredVersions, []string{"v1"}) {
				t.Errorf("storedVersions = %q, want [v1]", c.Status.StoredVersions)
			}
		}},
		{"set values kept", ext.CustomResourceDefinition{
			Spec: ext.CustomResourceDefinitionSpec{
				Names:      ext.CustomResourceDefinitionNames{Plural: "crontabs", Singular: "ct", Kind: "CronTab", ListKind: "CronTabs"},
				Versions:   []ext.CustomResourceDefinitionVersion{{Name: "v2", Storage: true}},
				Conversion: &ext.CustomResourceConversion{Strategy: ext.WebhookConverter, Webhook: &ext.WebhookConversion{ClientConfig: &ext.WebhookClientConfig{Service: &ext.ServiceReference{Name: "a"}}}},
			},
			Status: ext.CustomResourceDefinitionStatus{StoredVersions: []string{"v1", "v2"}},
		}, func(t *testing.T, c *ext.CustomResourceDefinition) {
			if n := c.Spec.Names; n.Singular != "ct" || n.ListKind != "CronTabs" {
				t.Errorf("names = %+v, want the set ones", n)
			}
			if c.Spec.Conversion.Strategy != ext.WebhookConverter {
				t.Errorf("strategy = %q, want Webhook", c.Spec.Conversion.Strategy)
			}
			if p := c.Spec.Conversion.Webhook.ClientConfig.Service.Port; p == nil || *p != 443 {
				t.Errorf("webhook service port = %v, want 443", p)
			}
			if !slices.Equal(c.Status.StoredVersions, []string{"v1", "v2"}) {
				t.Errorf("storedVersions = %q, want [v1 v2]", c.Status.StoredVersions)
			}
		}},
		{"explicit port kept", ext.CustomResourceDefinition{Spec: ext.CustomResourceDefinitionSpec{
			Conversion: &ext.CustomResourceConversion{Strategy: ext.WebhookConverter, Webhook: &ext.WebhookConversion{ClientConfig: &ext.WebhookClientConfig{Service: &ext.ServiceReference{Port: &port}}}},
		}}, func(t *testing.T, c *ext.CustomResourceDefinition) {
			if p := *c.Spec.Conversion.Webhook.ClientConfig.Service.Port; p != 8443 {
				t.Errorf("port = %d, want 8443", p)
			}
			if c.Spec.Names.ListKind != "" || c.Status.StoredVersions != nil {
				t.Errorf("listKind %q / storedVersions %q set without a kind / storage version", c.Spec.Names.ListKind, c.Status.StoredVersions)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.in
			c.Default()
			tt.check(t, &c)
		})
	}
}

func BenchmarkDecodeCRD(b *testing.B) {
	data, err := os.ReadFile("testdata/widget-crd.yaml")
	if err != nil {
		b.Fatal(err)
	}
	j, err := api.ToJSON(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(j)))
	b.ReportAllocs()
	for b.Loop() {
		var crd ext.CustomResourceDefinition
		if err := api.DecodeStrict(j, &crd); err != nil {
			b.Fatal(err)
		}
		if errs := crd.StrictFieldErrors(); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}
