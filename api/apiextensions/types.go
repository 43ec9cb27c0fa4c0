package apiextensions

import (
	"strings"

	"github.com/spar-dev/spar/api/meta"
)

// GroupName is the API group of this package's kinds.
const GroupName = "apiextensions.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// KubeAPIApprovedAnnotation must be set on CRDs in protected groups
// (*.k8s.io, *.kubernetes.io) to a link to the approving pull request.
const KubeAPIApprovedAnnotation = "api-approved.kubernetes.io"

// CustomResourceCleanupFinalizer holds a deleted CRD until every custom
// object of it is gone.
const CustomResourceCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io"

// CustomResourceDefinition adds a kind served at
// /apis/<group>/<version>/<plural>.
type CustomResourceDefinition struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec's name must be <spec.names.plural>.<spec.group>.
	Spec   CustomResourceDefinitionSpec   `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	Status CustomResourceDefinitionStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// CustomResourceDefinitionList is a list of CustomResourceDefinitions.
type CustomResourceDefinitionList = meta.List[CustomResourceDefinition]

// CustomResourceDefinitionSpec describes the custom resource.
type CustomResourceDefinitionSpec struct {
	// Group is the API group of the custom kind, e.g. "stable.example.com".
	Group string                        `json:"group" protobuf:"bytes,1,opt,name=group"`
	Names CustomResourceDefinitionNames `json:"names" protobuf:"bytes,3,opt,name=names"`
	// Scope is Cluster or Namespaced.
	Scope ResourceScope `json:"scope" protobuf:"bytes,4,opt,name=scope"`
	// Versions are all the versions served; exactly one has Storage set.
	Versions []CustomResourceDefinitionVersion `json:"versions" protobuf:"bytes,7,rep,name=versions"`
	// Conversion says how objects are converted between versions.
	// Default: strategy None.
	Conversion *CustomResourceConversion `json:"conversion,omitempty" protobuf:"bytes,9,opt,name=conversion"`
	// PreserveUnknownFields is a legacy switch that disables pruning; it
	// must be false in apiextensions.k8s.io/v1.
	PreserveUnknownFields bool `json:"preserveUnknownFields,omitempty" protobuf:"varint,10,opt,name=preserveUnknownFields"`
}

// ResourceScope is Cluster or Namespaced.
type ResourceScope string

// Resource scopes.
const (
	ClusterScoped   ResourceScope = "Cluster"
	NamespaceScoped ResourceScope = "Namespaced"
)

// CustomResourceDefinitionNames are the names the resource is known by.
type CustomResourceDefinitionNames struct {
	// Plural is the resource name in URLs, e.g. "crontabs".
	Plural string `json:"plural" protobuf:"bytes,1,opt,name=plural"`
	// Singular defaults to the lower-cased Kind.
	Singular   string   `json:"singular,omitempty" protobuf:"bytes,2,opt,name=singular"`
	ShortNames []string `json:"shortNames,omitempty" protobuf:"bytes,3,rep,name=shortNames"`
	// Kind is the CamelCase kind, e.g. "CronTab".
	Kind string `json:"kind" protobuf:"bytes,4,opt,name=kind"`
	// ListKind defaults to Kind + "List".
	ListKind string `json:"listKind,omitempty" protobuf:"bytes,5,opt,name=listKind"`
	// Categories group resources for kubectl get <category>, e.g. "all".
	Categories []string `json:"categories,omitempty" protobuf:"bytes,6,rep,name=categories"`
}

// CustomResourceDefinitionVersion is one version of the custom resource.
type CustomResourceDefinitionVersion struct {
	// Name is the version, e.g. "v1", "v1beta1".
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// Served enables the version's REST endpoints.
	Served bool `json:"served" protobuf:"varint,2,opt,name=served"`
	// Storage marks the one version objects are persisted in.
	Storage bool `json:"storage" protobuf:"varint,3,opt,name=storage"`
	// Deprecated versions get a warning header on every request.
	Deprecated bool `json:"deprecated,omitempty" protobuf:"varint,7,opt,name=deprecated"`
	// DeprecationWarning overrides the default warning text.
	DeprecationWarning *string `json:"deprecationWarning,omitempty" protobuf:"bytes,8,opt,name=deprecationWarning"`
	// Schema validates, prunes and defaults objects of this version.
	Schema *CustomResourceValidation `json:"schema,omitempty" protobuf:"bytes,4,opt,name=schema"`
	// Subresources enables the status and scale subresources.
	Subresources *CustomResourceSubresources `json:"subresources,omitempty" protobuf:"bytes,5,opt,name=subresources"`
	// AdditionalPrinterColumns are the columns of kubectl get (Table output).
	// Default: an Age column.
	AdditionalPrinterColumns []CustomResourceColumnDefinition `json:"additionalPrinterColumns,omitempty" protobuf:"bytes,6,rep,name=additionalPrinterColumns"`
	// SelectableFields may be used in field selectors besides metadata.name
	// and metadata.namespace.
	SelectableFields []SelectableField `json:"selectableFields,omitempty" protobuf:"bytes,9,rep,name=selectableFields"`
}

// SelectableField is a JSON path (".spec.color") usable in field selectors.
type SelectableField struct {
	JSONPath string `json:"jsonPath" protobuf:"bytes,1,opt,name=jsonPath"`
}

// CustomResourceColumnDefinition is a column of Table output.
type CustomResourceColumnDefinition struct {
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// Type is an OpenAPI type: integer, number, string, boolean or date.
	Type string `json:"type" protobuf:"bytes,2,opt,name=type"`
	// Format is an OpenAPI format such as int32 or name.
	Format      string `json:"format,omitempty" protobuf:"bytes,3,opt,name=format"`
	Description string `json:"description,omitempty" protobuf:"bytes,4,opt,name=description"`
	// Priority 0 columns show in the standard view; higher ones with -o wide.
	Priority int32 `json:"priority,omitempty" protobuf:"varint,5,opt,name=priority"`
	// JSONPath selects the value from each object, e.g. ".spec.replicas".
	JSONPath string `json:"jsonPath" protobuf:"bytes,6,opt,name=jsonPath"`
}

// CustomResourceValidation holds the schema of a version.
type CustomResourceValidation struct {
	OpenAPIV3Schema *JSONSchemaProps `json:"openAPIV3Schema,omitempty" protobuf:"bytes,1,opt,name=openAPIV3Schema"`
}

// CustomResourceSubresources lists the subresources a version serves.
type CustomResourceSubresources struct {
	// Status enables /status: the main resource ignores status changes and
	// /status ignores everything else.
	Status *CustomResourceSubresourceStatus `json:"status,omitempty" protobuf:"bytes,1,opt,name=status"`
	// Scale enables /scale, serving an autoscaling/v1 Scale.
	Scale *CustomResourceSubresourceScale `json:"scale,omitempty" protobuf:"bytes,2,opt,name=scale"`
}

// CustomResourceSubresourceStatus has no fields; its presence enables /status.
type CustomResourceSubresourceStatus struct{}

// CustomResourceSubresourceScale maps the Scale fields onto the object.
type CustomResourceSubresourceScale struct {
	// SpecReplicasPath is the JSON path of the desired replicas, e.g. ".spec.replicas".
	SpecReplicasPath string `json:"specReplicasPath" protobuf:"bytes,1,opt,name=specReplicasPath"`
	// StatusReplicasPath is the JSON path of the observed replicas.
	StatusReplicasPath string `json:"statusReplicasPath" protobuf:"bytes,2,opt,name=statusReplicasPath"`
	// LabelSelectorPath is the JSON path of the selector string that Scale
	// reports in status.selector.
	LabelSelectorPath *string `json:"labelSelectorPath,omitempty" protobuf:"bytes,3,opt,name=labelSelectorPath"`
}

// ConversionStrategyType is None or Webhook.
type ConversionStrategyType string

// Conversion strategies.
const (
	// NoneConverter only changes apiVersion.
	NoneConverter ConversionStrategyType = "None"
	// WebhookConverter calls an external ConversionReview webhook.
	WebhookConverter ConversionStrategyType = "Webhook"
)

// CustomResourceConversion says how to convert between versions.
type CustomResourceConversion struct {
	Strategy ConversionStrategyType `json:"strategy" protobuf:"bytes,1,opt,name=strategy"`
	// Webhook is required when Strategy is Webhook.
	Webhook *WebhookConversion `json:"webhook,omitempty" protobuf:"bytes,2,opt,name=webhook"`
}

// WebhookConversion configures a conversion webhook.
type WebhookConversion struct {
	ClientConfig *WebhookClientConfig `json:"clientConfig,omitempty" protobuf:"bytes,2,opt,name=clientConfig"`
	// ConversionReviewVersions the webhook accepts, in order of preference.
	ConversionReviewVersions []string `json:"conversionReviewVersions" protobuf:"bytes,3,rep,name=conversionReviewVersions"`
}

// WebhookClientConfig locates a webhook by URL or by Service.
type WebhookClientConfig struct {
	URL     *string           `json:"url,omitempty" protobuf:"bytes,3,opt,name=url"`
	Service *ServiceReference `json:"service,omitempty" protobuf:"bytes,1,opt,name=service"`
	// CABundle is a PEM bundle that verifies the webhook's certificate
	// (base64 on the wire).
	CABundle []byte `json:"caBundle,omitempty" protobuf:"bytes,2,opt,name=caBundle"`
}

// ServiceReference names a Service serving a webhook.
type ServiceReference struct {
	Namespace string  `json:"namespace" protobuf:"bytes,1,opt,name=namespace"`
	Name      string  `json:"name" protobuf:"bytes,2,opt,name=name"`
	Path      *string `json:"path,omitempty" protobuf:"bytes,3,opt,name=path"`
	// Port defaults to 443.
	Port *int32 `json:"port,omitempty" protobuf:"varint,4,opt,name=port"`
}

// ConditionStatus is "True", "False" or "Unknown".
type ConditionStatus = meta.ConditionStatus

// Condition statuses.
const (
	ConditionTrue    = meta.ConditionTrue
	ConditionFalse   = meta.ConditionFalse
	ConditionUnknown = meta.ConditionUnknown
)

// CustomResourceDefinitionConditionType names a condition of a CRD.
type CustomResourceDefinitionConditionType string

// CRD conditions.
const (
	// Established means the resource is served.
	Established CustomResourceDefinitionConditionType = "Established"
	// NamesAccepted means the names do not conflict with other resources.
	NamesAccepted CustomResourceDefinitionConditionType = "NamesAccepted"
	// NonStructuralSchema means a schema is not structural.
	NonStructuralSchema CustomResourceDefinitionConditionType = "NonStructuralSchema"
	// Terminating means the CRD is being deleted with its objects.
	Terminating CustomResourceDefinitionConditionType = "Terminating"
	// KubernetesAPIApprovalPolicyConformant reports on the approval
	// annotation of protected groups.
	KubernetesAPIApprovalPolicyConformant CustomResourceDefinitionConditionType = "KubernetesAPIApprovalPolicyConformant"
	// StorageMigrating means stored objects are being migrated.
	StorageMigrating CustomResourceDefinitionConditionType = "StorageMigrating"
)

// CustomResourceDefinitionCondition is a condition of a CRD.
type CustomResourceDefinitionCondition struct {
	Type               CustomResourceDefinitionConditionType `json:"type" protobuf:"bytes,1,opt,name=type"`
	Status             ConditionStatus                       `json:"status" protobuf:"bytes,2,opt,name=status"`
	LastTransitionTime meta.Time                             `json:"lastTransitionTime,omitempty" protobuf:"bytes,3,opt,name=lastTransitionTime"`
	Reason             string                                `json:"reason,omitempty" protobuf:"bytes,4,opt,name=reason"`
	Message            string                                `json:"message,omitempty" protobuf:"bytes,5,opt,name=message"`
	ObservedGeneration int64                                 `json:"observedGeneration,omitempty" protobuf:"varint,6,opt,name=observedGeneration"`
}

// CustomResourceDefinitionStatus is maintained by the API server.
type CustomResourceDefinitionStatus struct {
	Conditions []CustomResourceDefinitionCondition `json:"conditions" protobuf:"bytes,1,rep,name=conditions"`
	// AcceptedNames are the names actually served, which may lag Spec.Names.
	AcceptedNames CustomResourceDefinitionNames `json:"acceptedNames" protobuf:"bytes,2,opt,name=acceptedNames"`
	// StoredVersions lists every version objects have ever been stored in;
	// a version can only be removed from the spec once it is gone from here.
	StoredVersions     []string `json:"storedVersions" protobuf:"bytes,3,rep,name=storedVersions"`
	ObservedGeneration int64    `json:"observedGeneration,omitempty" protobuf:"varint,4,opt,name=observedGeneration"`
}

// Default applies Kubernetes' defaults: names.singular (lower-cased kind),
// names.listKind (kind + "List"), conversion strategy None, webhook service
// port 443, and status.storedVersions (the storage version) when empty.
func (c *CustomResourceDefinition) Default() {
	n := &c.Spec.Names
	if n.Singular == "" {
		n.Singular = strings.ToLower(n.Kind)
	}
	if n.ListKind == "" && n.Kind != "" {
		n.ListKind = n.Kind + "List"
	}
	if c.Spec.Conversion == nil {
		c.Spec.Conversion = &CustomResourceConversion{Strategy: NoneConverter}
	}
	if w := c.Spec.Conversion.Webhook; w != nil && w.ClientConfig != nil && w.ClientConfig.Service != nil && w.ClientConfig.Service.Port == nil {
		port := int32(443)
		w.ClientConfig.Service.Port = &port
	}
	if len(c.Status.StoredVersions) == 0 {
		if v := c.StorageVersion(); v != "" {
			c.Status.StoredVersions = []string{v}
		}
	}
}

// StorageVersion returns the name of the version marked storage, or "".
func (c *CustomResourceDefinition) StorageVersion() string {
	for _, v := range c.Spec.Versions {
		if v.Storage {
			return v.Name
		}
	}
	return ""
}

// Version returns the named version, or nil.
func (c *CustomResourceDefinition) Version(name string) *CustomResourceDefinitionVersion {
	for i := range c.Spec.Versions {
		if c.Spec.Versions[i].Name == name {
			return &c.Spec.Versions[i]
		}
	}
	return nil
}

// Condition returns the condition of the given type, or nil.
func (c *CustomResourceDefinition) Condition(t CustomResourceDefinitionConditionType) *CustomResourceDefinitionCondition {
	for i := range c.Status.Conditions {
		if c.Status.Conditions[i].Type == t {
			return &c.Status.Conditions[i]
		}
	}
	return nil
}

// ConversionReview is the request and response body of a conversion webhook.
type ConversionReview struct {
	meta.TypeMeta `json:",inline"`
	Request       *ConversionRequest  `json:"request,omitempty" protobuf:"bytes,1,opt,name=request"`
	Response      *ConversionResponse `json:"response,omitempty" protobuf:"bytes,2,opt,name=response"`
}

// ConversionRequest asks a webhook to convert objects.
type ConversionRequest struct {
	// UID identifies the call; the response echoes it.
	UID               meta.UID `json:"uid" protobuf:"bytes,1,opt,name=uid"`
	DesiredAPIVersion string   `json:"desiredAPIVersion" protobuf:"bytes,2,opt,name=desiredAPIVersion"`
	// Objects are the custom objects to convert, as JSON.
	Objects []meta.RawJSON `json:"objects" protobuf:"bytes,3,rep,name=objects"`
}

// ConversionResponse is a webhook's answer.
type ConversionResponse struct {
	UID              meta.UID       `json:"uid" protobuf:"bytes,1,opt,name=uid"`
	ConvertedObjects []meta.RawJSON `json:"convertedObjects" protobuf:"bytes,2,rep,name=convertedObjects"`
	// Result says whether the conversion succeeded ("Success") and why not.
	Result meta.Status `json:"result" protobuf:"bytes,3,opt,name=result"`
}
