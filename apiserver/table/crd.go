package table

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/meta"
)

// ForCRD returns the printer of a custom resource version with the given
// additionalPrinterColumns: NAME, then one column per definition, each
// cell the first value the column's JSONPath selects in the object's JSON
// form (nil, shown blank, when it selects nothing). With no columns the
// printer shows NAME and AGE, as Kubernetes serves CRDs that declare none.
//
// Cells are typed by the column type: integer and number columns hold
// numbers, boolean columns booleans, date columns the age of an RFC 3339
// timestamp ("<invalid>" if it does not parse), and string columns the
// value as text (objects and arrays as JSON). A value of the wrong type
// gives nil.
//
// A JSONPath that does not parse is an error; the printer returned with it
// holds the columns before the bad one, which is what Kubernetes falls back
// to.
func ForCRD(columns []apiextensions.CustomResourceColumnDefinition) (Printer, error) {
	if len(columns) == 0 {
		columns = []apiextensions.CustomResourceColumnDefinition{
			{Name: "Age", Type: "date", Description: descAge, JSONPath: ".metadata.creationTimestamp"},
		}
	}
	p := &crdPrinter{cols: []meta.TableColumnDefinition{nameColumn}}
	for _, c := range columns {
		path, err := ParseJSONPath(c.JSONPath)
		if err != nil {
			return p, fmt.Errorf("unrecognized column definition %q: %w", c.JSONPath, err)
		}
		desc := c.Description
		if desc == "" {
			desc = "Custom resource definition column (in JSONPath format): " + c.JSONPath
		}
		p.cols = append(p.cols, meta.TableColumnDefinition{
			Name: c.Name, Type: c.Type, Format: c.Format, Description: desc, Priority: c.Priority,
		})
		p.paths = append(p.paths, path)
	}
	return p, nil
}

type crdPrinter struct {
	cols  []meta.TableColumnDefinition
	paths []*JSONPath
}

func (p *crdPrinter) Columns() []meta.TableColumnDefinition { return p.cols }

func (p *crdPrinter) Row(obj meta.Object, now time.Time) []any {
	cells := make([]any, 1, len(p.cols))
	cells[0] = obj.GetObjectMeta().Name
	if len(p.paths) == 0 {
		return cells
	}
	doc, err := toJSONValue(obj)
	for i, path := range p.paths {
		if err != nil {
			cells = append(cells, nil)
			continue
		}
		found, ferr := path.Find(doc)
		if ferr != nil || len(found) == 0 {
			cells = append(cells, nil)
			continue
		}
		cells = append(cells, crdCell(p.cols[i+1].Type, found[0], now))
	}
	return cells
}

// toJSONValue turns obj into generic JSON values, with integers as int64
// and other numbers as float64, as Kubernetes' unstructured objects hold
// them.
func toJSONValue(obj any) (any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return convertNumbers(v), nil
}

func convertNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = convertNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = convertNumbers(e)
		}
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	}
	return v
}

// crdCell converts a selected value to the cell of a column of type typ.
func crdCell(typ string, v any, now time.Time) any {
	if typ == "string" {
		switch x := v.(type) {
		case nil:
			// What Go's text/template prints for a missing value, which is
			// what Kubernetes shows for a JSON null in a string column.
			return "<no value>"
		case map[string]any, []any:
			b, err := json.Marshal(x)
			if err != nil {
				return nil
			}
			return string(b)
		}
		return fmt.Sprint(v)
	}
	switch typ {
	case "integer":
		switch x := v.(type) {
		case int64:
			return x
		case float64:
			return int64(x)
		}
	case "number":
		switch x := v.(type) {
		case int64:
			return float64(x)
		case float64:
			return x
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return b
		}
	case "date":
		if s, ok := v.(string); ok {
			if s == "" || s == "null" {
				return "<unknown>"
			}
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return "<invalid>"
			}
			return age(t, now)
		}
	}
	return nil
}
