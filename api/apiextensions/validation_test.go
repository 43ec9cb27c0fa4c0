package apiextensions_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*apiextensions.CustomResourceDefinition)(nil)
)

func expectErrors(t *testing.T, got meta.FieldErrors, want ...string) {
	t.Helper()
	var g []string
	for _, e := range got {
		g = append(g, e.Error())
	}
	if !slices.Equal(g, want) {
		t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(g, "\n      "), strings.Join(want, "\n      "))
	}
}

// schema decodes a JSON schema, so that tests read like CRD manifests.
func schema(t *testing.T, j string) *apiextensions.JSONSchemaProps {
	t.Helper()
	s := new(apiextensions.JSONSchemaProps)
	if err := json.Unmarshal([]byte(j), s); err != nil {
		t.Fatal(err)
	}
	return s
}

func crontabs(t *testing.T) *apiextensions.CustomResourceDefinition {
	c := &apiextensions.CustomResourceDefinition{
		ObjectMeta: meta.ObjectMeta{Name: "crontabs.stable.example.com", ResourceVersion: "3"},
		Spec: apiextensions.CustomResourceDefinitionSpec{
			Group: "stable.example.com",
			Scope: apiextensions.NamespaceScoped,
			Names: apiextensions.CustomResourceDefinitionNames{Plural: "crontabs", Kind: "CronTab", ShortNames: []string{"ct"}},
			Versions: []apiextensions.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensions.CustomResourceValidation{OpenAPIV3Schema: schema(t, `{"type":"object","properties":{
					"spec":{"type":"object","properties":{"cronSpec":{"type":"string"},"replicas":{"type":"integer"}}},
					"status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}`)},
			}},
		},
	}
	c.Default()
	return c
}

func TestCRDValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*apiextensions.CustomResourceDefinition)
		want   []string
	}{
		{"valid", func(*apiextensions.CustomResourceDefinition) {}, nil},
		{"name not plural.group", func(c *apiextensions.CustomResourceDefinition) { c.Name = "crontab.stable.example.com" }, []string{
			`metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group`,
		}},
		{"group without a dot", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Group, c.Name = "example", "crontabs.example"
		}, []string{
			`spec.group: Invalid value: "example": should be a domain with at least one dot`,
		}},
		{"group not a subdomain", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Group, c.Name = "Example.com", "crontabs.Example.com"
		}, []string{
			`metadata.name: Invalid value: "crontabs.Example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
			`spec.group: Invalid value: "Example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		}},
		{"scope", func(c *apiextensions.CustomResourceDefinition) { c.Spec.Scope = "Global" }, []string{
			`spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"`,
		}},
		{"missing scope", func(c *apiextensions.CustomResourceDefinition) { c.Spec.Scope = "" }, []string{
			`spec.scope: Required value`,
		}},
		{"no storage version", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Versions[0].Storage = false
			c.Spec.Versions[0].Schema = nil
		}, []string{
			`spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required`,
			`spec.versions: Invalid value: [{"name":"v1","served":true,"storage":false}]: must have exactly one version marked as storage version`,
		}},
		{"duplicate versions", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Versions = append(c.Spec.Versions, c.Spec.Versions[0])
			c.Spec.Versions[1].Storage = false
			c.Spec.Versions[1].Schema = nil
		}, []string{
			`spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required`,
			`spec.versions: Invalid value: [{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"cronSpec":{"type":"string"},"replicas":{"type":"integer"}}},"status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}},{"name":"v1","served":true,"storage":false}]: must contain unique version names`,
		}},
		{"no versions", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Versions = nil
		}, []string{
			`spec.versions: Invalid value: null: must have exactly one version marked as storage version`,
			`status.storedVersions[0]: Invalid value: "v1": must appear in spec.versions`,
		}},
		{"version name", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Versions[0].Name = "V1"
			c.Status.StoredVersions = []string{"V1"}
		}, []string{
			`spec.versions[0].name: Invalid value: "V1": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
		}},
		{"names", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Names = apiextensions.CustomResourceDefinitionNames{Plural: "cronTabs", Singular: "", Kind: "Cron_Tab", ListKind: "Cron_Tab", ShortNames: []string{"c-"}}
			c.Name = "cronTabs.stable.example.com"
		}, []string{
			`metadata.name: Invalid value: "cronTabs.stable.example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
			`spec.names.singular: Required value`,
			`spec.names.plural: Invalid value: "cronTabs": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
			`spec.names.kind: Invalid value: "Cron_Tab": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
			`spec.names.listKind: Invalid value: "Cron_Tab": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
			`spec.names.shortNames[0]: Invalid value: "c-": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
			`spec.names.listKind: Invalid value: "Cron_Tab": kind and listKind may not be the same`,
		}},
		{"preserveUnknownFields", func(c *apiextensions.CustomResourceDefinition) { c.Spec.PreserveUnknownFields = true }, []string{
			`spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead`,
		}},
		{"scale subresource", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Versions[0].Subresources = &apiextensions.CustomResourceSubresources{
				Status: &apiextensions.CustomResourceSubresourceStatus{},
				Scale:  &apiextensions.CustomResourceSubresourceScale{SpecReplicasPath: ".status.replicas", StatusReplicasPath: "status.replicas", LabelSelectorPath: new(".metadata.labels")},
			}
		}, []string{
			`spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec`,
			`spec.versions[0].subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with .`,
			`spec.versions[0].subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status`,
		}},
		{"scale paths required", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Versions[0].Subresources = &apiextensions.CustomResourceSubresources{Scale: &apiextensions.CustomResourceSubresourceScale{}}
		}, []string{
			`spec.versions[0].subresources.scale.specReplicasPath: Required value`,
			`spec.versions[0].subresources.scale.statusReplicasPath: Required value`,
		}},
		{"printer columns", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Versions[0].AdditionalPrinterColumns = []apiextensions.CustomResourceColumnDefinition{
				{Name: "Schedule", Type: "string", JSONPath: ".spec.cronSpec"},
				{Name: "Replicas", Type: "int", Format: "uint8", JSONPath: "spec.replicas"},
				{},
			}
		}, []string{
			`spec.versions[0].additionalPrinterColumns[1].type: Invalid value: "int": must be one of boolean,date,integer,number,string`,
			`spec.versions[0].additionalPrinterColumns[1].format: Invalid value: "uint8": must be one of byte,date,date-time,double,float,int32,int64,password`,
			`spec.versions[0].additionalPrinterColumns[1].jsonPath: Invalid value: "spec.replicas": must be a simple json path starting with .`,
			`spec.versions[0].additionalPrinterColumns[2].name: Required value`,
			`spec.versions[0].additionalPrinterColumns[2].type: Required value: must be one of boolean,date,integer,number,string`,
			`spec.versions[0].additionalPrinterColumns[2].jsonPath: Required value`,
		}},
		{"webhook conversion", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Conversion = &apiextensions.CustomResourceConversion{Strategy: apiextensions.WebhookConverter}
		}, []string{
			`spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook`,
			`spec.conversion.conversionReviewVersions: Required value`,
		}},
		{"webhook conversion details", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Conversion = &apiextensions.CustomResourceConversion{Strategy: apiextensions.WebhookConverter, Webhook: &apiextensions.WebhookConversion{
				ClientConfig:             &apiextensions.WebhookClientConfig{URL: new("http://convert.example.com/x?y=1")},
				ConversionReviewVersions: []string{"v2", "v2"},
			}}
		}, []string{
			`spec.conversion.webhookClientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]`,
			`spec.conversion.webhookClientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL`,
			`spec.conversion.conversionReviewVersions[1]: Invalid value: "v2": duplicate version`,
			`spec.conversion.conversionReviewVersions: Invalid value: ["v2","v2"]: must include at least one of v1, v1beta1`,
		}},
		{"webhook service", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Conversion = &apiextensions.CustomResourceConversion{Strategy: apiextensions.WebhookConverter, Webhook: &apiextensions.WebhookConversion{
				ClientConfig:             &apiextensions.WebhookClientConfig{Service: &apiextensions.ServiceReference{Port: new(int32(0)), Path: new("convert")}},
				ConversionReviewVersions: []string{"v1"},
			}}
		}, []string{
			`spec.conversion.webhookClientConfig.service.name: Required value: service name is required`,
			`spec.conversion.webhookClientConfig.service.namespace: Required value: service namespace is required`,
			`spec.conversion.webhookClientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive`,
			`spec.conversion.webhookClientConfig.service.path: Invalid value: "convert": must start with a '/'`,
		}},
		{"webhook config without webhook strategy", func(c *apiextensions.CustomResourceDefinition) {
			c.Spec.Conversion.Webhook = &apiextensions.WebhookConversion{ClientConfig: &apiextensions.WebhookClientConfig{}, ConversionReviewVersions: []string{"v1"}}
		}, []string{
			`spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook`,
			`spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook`,
		}},
		{"stored versions", func(c *apiextensions.CustomResourceDefinition) { c.Status.StoredVersions = []string{"v1beta1"} }, []string{
			`status.storedVersions: Invalid value: {"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"cronSpec":{"type":"string"},"replicas":{"type":"integer"}}},"status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}}: must have the storage version v1`,
			`status.storedVersions[0]: Invalid value: "v1beta1": must appear in spec.versions`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := crontabs(t)
			tt.mutate(c)
			expectErrors(t, c.Validate(), tt.want...)
		})
	}
}

func TestValidateSchema(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		want   []string
	}{
		{"minimal", `{"type":"object"}`, nil},
		{"int-or-string and preserved fields", `{"type":"object","properties":{
			"size":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},
			"raw":{"x-kubernetes-preserve-unknown-fields":true},
			"tpl":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}}`, nil},
		{"root without type", `{"properties":{"spec":{"type":"object"}}}`, []string{
			`type: Required value: must not be empty at the root`,
		}},
		{"root not an object", `{"type":"array","items":{"type":"string"}}`, []string{
			`type: Invalid value: "array": must be object at the root`,
		}},
		{"fields and items need types", `{"type":"object","properties":{
			"spec":{"properties":{"a":{"type":"string"}}},
			"list":{"type":"array","items":{"description":"x"}},
			"bare":{"type":"array"}}}`, []string{
			`properties[bare].items: Required value: must be specified`,
			`properties[list].items.type: Required value: must not be empty for specified array items`,
			`properties[spec].type: Required value: must not be empty for specified object fields`,
		}},
		{"unsupported keywords", `{"type":"object","id":"x","$ref":"#/definitions/a","definitions":{"a":{"type":"string"}},
			"properties":{"n":{"type":"null"},"l":{"type":"array","items":[{"type":"string"}],"uniqueItems":true},
			"m":{"type":"object","patternProperties":{"^a":{"type":"string"}}}}}`, []string{
			`id: Forbidden: id is not supported`,
			`definitions: Forbidden: definitions is not supported`,
			`$ref: Forbidden: $ref is not supported`,
			`properties[l].items: Forbidden: items must be a schema object and not an array`,
			`properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
			`properties[m].patternProperties: Forbidden: patternProperties is not supported`,
			`properties[n].type: Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"`,
			`properties[n].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
		}},
		{"properties and additionalProperties", `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`, []string{
			`additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
		}},
		{"metadata", `{"type":"object","properties":{"kind":{"type":"integer"},"metadata":{"type":"object","properties":{
			"name":{"type":"string","maxLength":20},"labels":{"type":"object"}}}}}`, []string{
			`properties[kind].type: Invalid value: "integer": must be string`,
			`properties[metadata].properties[labels]: Forbidden: must not be specified`,
		}},
		{"extensions", `{"type":"object","properties":{
			"a":{"type":"object","x-kubernetes-preserve-unknown-fields":false},
			"b":{"type":"string","x-kubernetes-int-or-string":true},
			"c":{"type":"object","x-kubernetes-list-type":"map"},
			"d":{"type":"array","items":{"type":"object"},"x-kubernetes-list-map-keys":["name"]},
			"e":{"type":"array","items":{"type":"string"},"x-kubernetes-list-type":"bag"},
			"f":{"type":"string","x-kubernetes-map-type":"sometimes"},
			"g":{"type":"string","x-kubernetes-embedded-resource":true}}}`, []string{
			`properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
			`properties[b].type: Invalid value: "string": must be empty if x-kubernetes-int-or-string is true`,
			`properties[c].x-kubernetes-list-type: Invalid value: "map": must only be used on type=array`,
			`properties[c].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
			`properties[d].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`,
			`properties[e].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
			`properties[f].type: Invalid value: "string": must be object if x-kubernetes-map-type is specified`,
			`properties[f].x-kubernetes-map-type: Unsupported value: "sometimes": supported values: "atomic", "granular"`,
			`properties[g].type: Invalid value: "string": must be object if x-kubernetes-embedded-resource is true`,
			`properties[g].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
		}},
		{"junctors are not structural", `{"type":"object","properties":{"v":{"type":"string","anyOf":[{"pattern":"^a"},{"maxLength":3,"$ref":"#/x"}]}}}`, []string{
			`properties[v].anyOf[1].$ref: Forbidden: $ref is not supported`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectErrors(t, apiextensions.ValidateSchema(schema(t, tt.schema), nil), tt.want...)
		})
	}
}

func TestCRDValidateUpdate(t *testing.T) {
	established := func(c *apiextensions.CustomResourceDefinition) {
		c.Status.Conditions = []apiextensions.CustomResourceDefinitionCondition{{Type: apiextensions.Established, Status: apiextensions.ConditionTrue}}
	}
	old := crontabs(t)
	upd := crontabs(t)
	upd.Spec.Scope = apiextensions.ClusterScoped
	upd.Spec.Names.Kind = "Crontab"
	upd.Spec.Names.ShortNames = nil
	expectErrors(t, upd.ValidateUpdate(old)) // not yet served: scope and kind may change

	established(old)
	expectErrors(t, upd.ValidateUpdate(old),
		`spec.scope: Invalid value: "Cluster": field is immutable`,
		`spec.names.kind: Invalid value: "Crontab": field is immutable`)

	upd = crontabs(t)
	upd.Spec.Group = "batch.example.com"
	upd.Spec.Names.Plural = "crontabz"
	expectErrors(t, upd.ValidateUpdate(old),
		`spec.group: Invalid value: "batch.example.com": field is immutable`,
		`spec.names.plural: Invalid value: "crontabz": field is immutable`)
}

func TestCRDValidateUpdateStoredVersions(t *testing.T) {
	old := crontabs(t)
	upd := crontabs(t)
	v2 := upd.Spec.Versions[0]
	v2.Name = "v2"
	upd.Spec.Versions[0].Storage = false
	upd.Spec.Versions = append(upd.Spec.Versions, v2)
	// Moving the storage version records it as stored.
	expectErrors(t, upd.ValidateUpdate(old))
	if got, want := upd.Status.StoredVersions, []string{"v1", "v2"}; !slices.Equal(got, want) {
		t.Errorf("storedVersions = %q, want %q", got, want)
	}

	// A version still stored cannot be dropped from the spec.
	drop := crontabs(t)
	drop.Spec.Versions[0] = v2
	drop.Status.StoredVersions = []string{"v1", "v2"}
	expectErrors(t, drop.ValidateUpdate(upd),
		`status.storedVersions[0]: Invalid value: "v1": must appear in spec.versions`)

	// A status write that drops the storage version is refused.
	status := crontabs(t)
	status.Status.StoredVersions = nil
	expectErrors(t, status.ValidateUpdate(old),
		`status.storedVersions: Invalid value: null: must have at least one stored version`)
}

// TestValidateTestdata checks the CRDs of testdata. The widget CRD uses
// uniqueItems, which Kubernetes refuses in CRD schemas.
func TestValidateTestdata(t *testing.T) {
	crontab := apitest.RoundTrip[apiextensions.CustomResourceDefinition](t, apitest.ReadDocs(t, "testdata/crontab-crd.yaml")[0])
	crontab.Default()
	expectErrors(t, crontab.Validate())

	widget := apitest.RoundTrip[apiextensions.CustomResourceDefinition](t, apitest.ReadDocs(t, "testdata/widget-crd.yaml")[0])
	widget.Default()
	expectErrors(t, widget.Validate(),
		`spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`)
}
