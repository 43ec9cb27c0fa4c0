package meta

// Table is the meta.k8s.io/v1 Table: a list (or one object) rendered as
// columns and rows by the server, which is what kubectl's human output asks
// for with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Its JSON
// matches Kubernetes' metav1.Table field for field.
type Table struct {
	TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	ListMeta `json:"metadata"`
	// ColumnDefinitions describe each cell of a row. They are null in the
	// watch events after the first one: the client reuses the columns it has.
	ColumnDefinitions []TableColumnDefinition `json:"columnDefinitions"`
	// Rows hold one row per object.
	Rows []TableRow `json:"rows"`
}

// TableColumnDefinition describes one column of a Table. Every field is
// always encoded, as in Kubernetes.
type TableColumnDefinition struct {
	// Name is the human readable column name; kubectl upper-cases it.
	Name string `json:"name"`
	// Type is an OpenAPI type: string, integer, number, boolean or date.
	Type string `json:"type"`
	// Format is an OpenAPI format; "name" marks the column holding the
	// object's name.
	Format string `json:"format"`
	// Description says what the column shows.
	Description string `json:"description"`
	// Priority 0 columns are always shown; higher ones only with -o wide.
	Priority int32 `json:"priority"`
}

// TableRow is one row of a Table.
type TableRow struct {
	// Cells has one value per column: a string, int64, float64, bool or nil.
	Cells []any `json:"cells"`
	// Conditions mark the row for display, e.g. a finished pod as Completed.
	Conditions []TableRowCondition `json:"conditions,omitempty"`
	// Object is the row's object as the request's includeObject asked: a
	// PartialObjectMetadata (the default), the whole object, or null.
	Object RawJSON `json:"object"`
}

// TableRowCondition marks a row with extra information for display.
type TableRowCondition struct {
	// Type is the condition type; the only defined one is Completed.
	Type RowConditionType `json:"type"`
	// Status is True, False or Unknown.
	Status ConditionStatus `json:"status"`
	// Reason is a machine-readable reason.
	Reason string `json:"reason,omitempty"`
	// Message is a human-readable message.
	Message string `json:"message,omitempty"`
}

// RowConditionType names a TableRowCondition.
type RowConditionType string

// RowCompleted marks the row of an object that ran to completion, which a
// client may show with less emphasis.
const RowCompleted RowConditionType = "Completed"

// IncludeObjectPolicy is the includeObject query parameter of a Table
// request: which part of each object a row carries.
type IncludeObjectPolicy string

// includeObject values. The empty value means IncludeMetadata.
const (
	// IncludeNone leaves TableRow.Object null.
	IncludeNone IncludeObjectPolicy = "None"
	// IncludeMetadata puts the object's metadata in a PartialObjectMetadata.
	IncludeMetadata IncludeObjectPolicy = "Metadata"
	// IncludeObject puts the whole object in the row.
	IncludeObject IncludeObjectPolicy = "Object"
)

// TableOptions are the options of a Table request (metav1.TableOptions).
type TableOptions struct {
	TypeMeta `json:",inline"`
	// NoHeaders omits the column definitions. It is not a query parameter:
	// servers set it for the watch events after the first.
	NoHeaders bool `json:"-"`
	// IncludeObject says what TableRow.Object holds. Default: Metadata.
	IncludeObject IncludeObjectPolicy `json:"includeObject,omitempty" protobuf:"bytes,1,opt,name=includeObject"`
}

// PartialObjectMetadata is any object reduced to its metadata, with kind
// PartialObjectMetadata and apiVersion meta.k8s.io/v1 (or v1beta1). It is
// the default TableRow.Object and the item of metadata-only lists.
type PartialObjectMetadata struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
}

// PartialObjectMetadataList is a list of PartialObjectMetadata.
type PartialObjectMetadataList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Items    []PartialObjectMetadata `json:"items" protobuf:"bytes,2,rep,name=items"`
}
