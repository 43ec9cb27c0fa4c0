package table

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/spar-dev/spar/api/meta"
)

// Printer renders objects of one kind as table rows.
type Printer interface {
	// Columns describes the cells of every row. Callers must not modify
	// the returned slice's elements.
	Columns() []meta.TableColumnDefinition
	// Row returns one cell per column for obj, with ages computed at now.
	// Cells are string, int64, float64, bool or nil. Every column is
	// filled, the wide (priority > 0) ones included, as the Kubernetes API
	// server does: the client decides which to show.
	Row(obj meta.Object, now time.Time) []any
}

// Conditioner is implemented by printers that mark some rows, such as the
// pod printer marking finished pods Completed.
type Conditioner interface {
	RowConditions(obj meta.Object) []meta.TableRowCondition
}

// Table versions: the API group and the versions of it a Table may be
// requested in.
const (
	GroupName      = "meta.k8s.io"
	Version        = "v1"
	VersionV1Beta1 = "v1beta1"
)

// Options control Build and BuildObject. The zero value asks for what a
// plain kubectl get receives.
type Options struct {
	// IncludeObject says what each row's object holds. Default ("")
	// Metadata: a PartialObjectMetadata. With Object, the object is encoded
	// as it is, so its apiVersion and kind must be set.
	IncludeObject meta.IncludeObjectPolicy
	// NoHeaders leaves ColumnDefinitions null. Watch streams set it for
	// every event after the first; clients keep the first event's columns.
	NoHeaders bool
	// Version is the meta.k8s.io version the client asked for, "v1" or
	// "v1beta1" (the two are the same on the wire). Default: v1.
	Version string
	// Now is the instant ages are computed against. Default: time.Now().
	Now time.Time
}

// Build renders objs with p as one table. The caller copies the list's
// metadata (resourceVersion, continue, remainingItemCount) into the
// result's ListMeta. It fails only for an IncludeObject it does not know
// (a 400 *meta.Status, as ParseIncludeObject), a Version other than v1 and
// v1beta1 (406), or an object that cannot be encoded.
func Build(p Printer, objs []meta.Object, opts Options) (*meta.Table, error) {
	t, err := newTable(p, opts, len(objs))
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	cond, _ := p.(Conditioner)
	for _, obj := range objs {
		row := meta.TableRow{Cells: p.Row(obj, now)}
		if cond != nil {
			row.Conditions = cond.RowConditions(obj)
		}
		if row.Object, err = rowObject(obj, opts); err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// BuildObject renders one object as a one-row table whose resourceVersion
// is the object's: the answer to a GET of one object, and the object of
// each watch event when the client asked for tables (set opts.NoHeaders
// after the first event).
func BuildObject(p Printer, obj meta.Object, opts Options) (*meta.Table, error) {
	t, err := Build(p, []meta.Object{obj}, opts)
	if err != nil {
		return nil, err
	}
	t.ResourceVersion = obj.GetObjectMeta().ResourceVersion
	return t, nil
}

func newTable(p Printer, opts Options, n int) (*meta.Table, error) {
	if _, err := ParseIncludeObject(string(opts.IncludeObject)); err != nil {
		return nil, err
	}
	v, err := version(opts)
	if err != nil {
		return nil, err
	}
	t := &meta.Table{
		TypeMeta: meta.TypeMeta{Kind: "Table", APIVersion: GroupName + "/" + v},
		// Never null: an empty list is `"rows": []`, as Kubernetes sends.
		Rows: make([]meta.TableRow, 0, n),
	}
	if !opts.NoHeaders {
		t.ColumnDefinitions = slices.Clone(p.Columns())
	}
	return t, nil
}

func version(opts Options) (string, error) {
	switch opts.Version {
	case "", Version:
		return Version, nil
	case VersionV1Beta1:
		return VersionV1Beta1, nil
	}
	return "", meta.NewStatus(http.StatusNotAcceptable, meta.StatusReasonNotAcceptable, fmt.Sprintf("no Table exists in group version %s/%s", GroupName, opts.Version))
}

// rowObject encodes what the row carries under opts.IncludeObject.
func rowObject(obj meta.Object, opts Options) (meta.RawJSON, error) {
	var v any
	switch opts.IncludeObject {
	case meta.IncludeNone:
		return nil, nil
	case meta.IncludeObject:
		v = obj
	default:
		ver, _ := version(opts)
		v = &meta.PartialObjectMetadata{
			TypeMeta:   meta.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: GroupName + "/" + ver},
			ObjectMeta: *obj.GetObjectMeta(),
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("table: encoding %s %q: %w", obj.GetTypeMeta().Kind, obj.GetObjectMeta().Name, err)
	}
	return b, nil
}

// ParseIncludeObject checks the includeObject query parameter of a Table
// request. "" means Metadata. Any other unknown value is a 400 with
// Kubernetes' message.
func ParseIncludeObject(s string) (meta.IncludeObjectPolicy, error) {
	switch p := meta.IncludeObjectPolicy(s); p {
	case "", meta.IncludeMetadata:
		return meta.IncludeMetadata, nil
	case meta.IncludeNone, meta.IncludeObject:
		return p, nil
	}
	err := meta.Invalid(meta.NewPath("includeObject"), s, "must be 'Metadata', 'Object', 'None', or empty")
	return "", meta.NewBadRequest("Unable to convert to Table as requested: " + err.Error())
}
