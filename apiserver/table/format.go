package table

import (
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
)

// formatLabels prints a label map as "k1=v1,k2=v2" sorted by key, or
// "<none>".
func formatLabels(m map[string]string) string {
	if s := labels.Set(m).String(); s != "" {
		return s
	}
	return "<none>"
}

// formatLabelSelector prints a structured selector in the string syntax:
// "<none>" when it selects everything or nothing, "<error>" when invalid.
func formatLabelSelector(ls *meta.LabelSelector) string {
	sel, err := labels.FromLabelSelector(ls)
	if err != nil {
		return "<error>"
	}
	if s := sel.String(); s != "" {
		return s
	}
	return "<none>"
}

// containerCells lists the names and images of containers, comma-separated.
func containerCells(cs []core.Container) (names, images string) {
	var n, i strings.Builder
	for k := range cs {
		if k > 0 {
			n.WriteByte(',')
			i.WriteByte(',')
		}
		n.WriteString(cs[k].Name)
		i.WriteString(cs[k].Image)
	}
	return n.String(), i.String()
}

// boolPtrCell prints an optional boolean as True, False or <unset>.
func boolPtrCell(b *bool) string {
	switch {
	case b == nil:
		return "<unset>"
	case *b:
		return "True"
	}
	return "False"
}

// accessModes abbreviates access modes in their fixed order: RWO, ROX, RWX,
// RWOP.
func accessModes(modes []core.PersistentVolumeAccessMode) string {
	has := func(m core.PersistentVolumeAccessMode) bool {
		for _, x := range modes {
			if x == m {
				return true
			}
		}
		return false
	}
	var out []string
	for _, m := range []struct {
		mode core.PersistentVolumeAccessMode
		abbr string
	}{
		{core.ReadWriteOnce, "RWO"},
		{core.ReadOnlyMany, "ROX"},
		{core.ReadWriteMany, "RWX"},
		{core.ReadWriteOncePod, "RWOP"},
	} {
		if has(m.mode) {
			out = append(out, m.abbr)
		}
	}
	return strings.Join(out, ",")
}

// listWithMore joins up to max items and says how many more there were:
// "a,b,c + 2 more...", or "<unset>" for none.
func listWithMore(list []string, more bool, count, max int) string {
	s := strings.Join(list, ",")
	if more {
		return s + " + " + strconv.Itoa(count-max) + " more..."
	}
	if s == "" {
		return "<unset>"
	}
	return s
}

// ptrOr returns *p, or def when p is nil.
func ptrOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
