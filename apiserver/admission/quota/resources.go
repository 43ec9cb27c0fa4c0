package quota

import (
	"sort"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/resource"
)

// Add returns a + b; a name in only one list keeps its quantity.
func Add(a, b core.ResourceList) core.ResourceList {
	out := make(core.ResourceList, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if q, ok := out[k]; ok {
			out[k] = q.Add(v)
		} else {
			out[k] = v
		}
	}
	return out
}

// Subtract returns a - b for the names in a.
func Subtract(a, b core.ResourceList) core.ResourceList {
	out := make(core.ResourceList, len(a))
	for k, v := range a {
		if q, ok := b[k]; ok {
			v = v.Sub(q)
		}
		out[k] = v
	}
	return out
}

// SubtractNonNegative returns a - b with negative results clamped to zero:
// an update that lowers usage is charged nothing, not credited.
func SubtractNonNegative(a, b core.ResourceList) core.ResourceList {
	out := Subtract(a, b)
	for k, v := range out {
		if v.Sign() < 0 {
			out[k] = resource.NewQuantity(0, resource.DecimalSI)
		}
	}
	return out
}

// Mask returns the part of l named in names.
func Mask(l core.ResourceList, names []core.ResourceName) core.ResourceList {
	out := core.ResourceList{}
	for _, n := range names {
		if q, ok := l[n]; ok {
			out[n] = q
		}
	}
	return out
}

// ResourceNames returns l's names, sorted.
func ResourceNames(l core.ResourceList) []core.ResourceName {
	out := make([]core.ResourceName, 0, len(l))
	for k := range l {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// LessThanOrEqual reports whether every quantity of a is at most b's for
// the same name (names b lacks are unconstrained), and the names that
// exceed.
func LessThanOrEqual(a, b core.ResourceList) (bool, []core.ResourceName) {
	var exceeded []core.ResourceName
	for _, k := range ResourceNames(a) {
		if limit, ok := b[k]; ok && a[k].Cmp(limit) > 0 {
			exceeded = append(exceeded, k)
		}
	}
	return len(exceeded) == 0, exceeded
}

// Equals reports whether a and b have the same names and equal quantities.
func Equals(a, b core.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v.Cmp(w) != 0 {
			return false
		}
	}
	return true
}

// IsZero reports whether every quantity of l is zero.
func IsZero(l core.ResourceList) bool {
	for _, v := range l {
		if !v.IsZero() {
			return false
		}
	}
	return true
}

// IsNegative returns the names with negative quantities.
func IsNegative(l core.ResourceList) []core.ResourceName {
	var out []core.ResourceName
	for _, k := range ResourceNames(l) {
		if l[k].Sign() < 0 {
			out = append(out, k)
		}
	}
	return out
}

// Intersection returns the names in both a and b, in a's order.
func Intersection(a, b []core.ResourceName) []core.ResourceName {
	var out []core.ResourceName
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// Format prints l as Kubernetes' quota messages do: "cpu=1,pods=3",
// sorted by name.
func Format(l core.ResourceList) string {
	parts := make([]string, 0, len(l))
	for _, k := range ResourceNames(l) {
		parts = append(parts, string(k)+"="+l[k].String())
	}
	return strings.Join(parts, ",")
}

// FormatNames joins names sorted, comma-separated.
func FormatNames(names []core.ResourceName) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = string(n)
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}
