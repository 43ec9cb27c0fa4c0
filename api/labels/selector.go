package labels

import (
	"cmp"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/meta"
)

// Operator relates a requirement's key to its values. The string values are
// Kubernetes' (selection.Operator).
type Operator string

// The operators of label requirements.
const (
	Equals       Operator = "="      // key=value
	DoubleEquals Operator = "=="     // key==value, the same as Equals
	NotEquals    Operator = "!="     // key!=value; matches when the key is absent
	In           Operator = "in"     // key in (a,b); requires the key
	NotIn        Operator = "notin"  // key notin (a,b); matches when the key is absent
	Exists       Operator = "exists" // key
	DoesNotExist Operator = "!"      // !key
	GreaterThan  Operator = "gt"     // key>5: the label is an integer greater than 5
	LessThan     Operator = "lt"     // key<5: the label is an integer less than 5
)

// validOperators lists the operators in the order Kubernetes names them in
// its "supported values" message.
var validOperators = []string{
	string(In), string(NotIn), string(Equals), string(DoubleEquals), string(NotEquals),
	string(GreaterThan), string(LessThan), string(Exists), string(DoesNotExist),
}

// Requirement is one term of a selector: a key, an operator and the values
// the operator compares with. Build one with NewRequirement; the zero value
// matches nothing.
type Requirement struct {
	key    string
	op     Operator
	test   test     // op reduced to how Matches decides
	values []string // sorted, without duplicates; shared, never modified
	num    int64    // the value of GreaterThan/LessThan, parsed once
}

// test is what Matches does for an operator; a byte switch is cheaper than
// comparing Operator strings on every call.
type test uint8

const (
	testNone      test = iota // the zero Requirement: matches nothing
	testIn                    // Equals, DoubleEquals, In
	testNotIn                 // NotEquals, NotIn
	testExists                // Exists
	testNotExists             // DoesNotExist
	testGt                    // GreaterThan
	testLt                    // LessThan
)

func testOf(op Operator) test {
	switch op {
	case Equals, DoubleEquals, In:
		return testIn
	case NotEquals, NotIn:
		return testNotIn
	case Exists:
		return testExists
	case DoesNotExist:
		return testNotExists
	case GreaterThan:
		return testGt
	case LessThan:
		return testLt
	}
	return testNone
}

// NewRequirement validates and builds a requirement, with the rules of
// Kubernetes' labels.NewRequirement: the key and every value must be valid
// (ValidateLabelKey, ValidateLabelValue); In and NotIn take at least one
// value; Equals, DoubleEquals and NotEquals exactly one; Exists and
// DoesNotExist none; GreaterThan and LessThan one integer. Values may be
// given in any order and repeated. The error is a meta.FieldErrors naming
// "key", "operator" or "values[i]".
func NewRequirement(key string, op Operator, values ...string) (Requirement, error) {
	r, errs := newRequirement(nil, key, op, slices.Clone(values))
	if errs != nil {
		return Requirement{}, errs
	}
	return r, nil
}

// newRequirement reports errors under path (nil for none), so that
// FromLabelSelector can say which expression is wrong. It takes ownership of
// values (it sorts them in place).
func newRequirement(path *meta.Path, key string, op Operator, values []string) (Requirement, meta.FieldErrors) {
	var errs meta.FieldErrors
	if msgs := ValidateLabelKey(key); msgs != nil {
		errs = append(errs, meta.Invalid(path.Child("key"), key, strings.Join(msgs, "; ")))
	}
	valuesPath := path.Child("values")
	shown := values // prints as []string{} rather than []string(nil)
	if shown == nil {
		shown = []string{}
	}
	r := Requirement{key: key, op: op, test: testOf(op)}
	switch op {
	case In, NotIn:
		if len(values) == 0 {
			errs = append(errs, meta.Invalid(valuesPath, shown, "for 'in', 'notin' operators, values set can't be empty"))
		}
	case Equals, DoubleEquals, NotEquals:
		if len(values) != 1 {
			errs = append(errs, meta.Invalid(valuesPath, shown, "exact-match compatibility requires one single value"))
		}
	case Exists, DoesNotExist:
		if len(values) != 0 {
			errs = append(errs, meta.Invalid(valuesPath, shown, "values set must be empty for exists and does not exist"))
		}
	case GreaterThan, LessThan:
		if len(values) != 1 {
			errs = append(errs, meta.Invalid(valuesPath, shown, "for 'Gt', 'Lt' operators, exactly one value is required"))
		}
		for i, v := range values {
			n, ok := parseInt(v)
			if !ok {
				errs = append(errs, meta.Invalid(valuesPath.Index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"))
			}
			r.num = n
		}
	default:
		errs = append(errs, meta.NotSupported(path.Child("operator"), string(op), validOperators))
	}
	for i, v := range values {
		if msgs := ValidateLabelValue(v); msgs != nil {
			errs = append(errs, meta.Invalid(valuesPath.Index(i).Key(key), v, strings.Join(msgs, "; ")))
		}
	}
	if errs != nil {
		return Requirement{}, errs
	}
	slices.Sort(values)
	r.values = slices.Clip(slices.Compact(values))
	return r, nil
}

// Key returns the label key the requirement tests.
func (r Requirement) Key() string { return r.key }

// Operator returns the requirement's operator.
func (r Requirement) Operator() Operator { return r.op }

// Values returns a copy of the values, sorted and without duplicates.
func (r Requirement) Values() []string { return slices.Clone(r.values) }

// Matches reports whether labels satisfy the requirement, as Kubernetes
// decides it: In and Equals need the key present with one of the values;
// NotIn and NotEquals match when the key is absent or has another value;
// GreaterThan and LessThan need the key present with an integer value.
func (r Requirement) Matches(l Labels) bool { return r.matches(l) }

// matches is Matches without copying the requirement.
func (r *Requirement) matches(l Labels) bool {
	switch r.test {
	case testIn:
		v, ok := lookup(l, r.key)
		return ok && r.hasValue(v)
	case testNotIn:
		v, ok := lookup(l, r.key)
		return !ok || !r.hasValue(v)
	case testExists:
		return has(l, r.key)
	case testNotExists:
		return !has(l, r.key)
	case testGt, testLt:
		v, ok := lookup(l, r.key)
		if !ok {
			return false
		}
		n, ok := parseInt(v)
		if !ok {
			return false
		}
		if r.test == testGt {
			return n > r.num
		}
		return n < r.num
	}
	return false
}

func (r *Requirement) hasValue(v string) bool {
	// Almost every requirement has one or a few values; a linear scan beats
	// a binary search there.
	if len(r.values) <= 8 {
		for _, x := range r.values {
			if x == v {
				return true
			}
		}
		return false
	}
	_, ok := slices.BinarySearch(r.values, v)
	return ok
}

// parseInt is strconv.ParseInt(s, 10, 64) without the error value, which
// would allocate on every non-numeric label a Gt/Lt requirement meets.
func parseInt(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	const cutoff = 1 << 63 // magnitude limit; reachable only when negative
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > cutoff/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
		if n > cutoff {
			return 0, false
		}
	}
	if neg {
		return -int64(n), true // -(1<<63) wraps to itself: MinInt64
	}
	if n == cutoff {
		return 0, false
	}
	return int64(n), true
}

// String renders the requirement in selector syntax: "k=v", "k==v", "k!=v",
// "k in (a,b)", "k notin (a,b)", "k", "!k", "k>5", "k<5".
func (r Requirement) String() string {
	var b strings.Builder
	r.writeTo(&b)
	return b.String()
}

func (r *Requirement) writeTo(b *strings.Builder) {
	if r.op == DoesNotExist {
		b.WriteByte('!')
	}
	b.WriteString(r.key)
	switch r.op {
	case Exists, DoesNotExist:
		return
	case Equals:
		b.WriteString("=")
	case DoubleEquals:
		b.WriteString("==")
	case NotEquals:
		b.WriteString("!=")
	case GreaterThan:
		b.WriteString(">")
	case LessThan:
		b.WriteString("<")
	case In, NotIn:
		b.WriteString(" " + string(r.op) + " (")
		for i, v := range r.values {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(v)
		}
		b.WriteByte(')')
		return
	}
	if len(r.values) > 0 {
		b.WriteString(r.values[0])
	}
}

// Selector decides which label sets belong to a group. It is immutable and
// safe for concurrent use.
type Selector interface {
	// Matches reports whether the labels satisfy every requirement.
	Matches(Labels) bool
	// Empty reports whether the selector restricts nothing (Everything).
	Empty() bool
	// String renders the selector in the syntax Parse reads, requirements
	// sorted by key: the canonical form.
	String() string
	// Requirements returns a copy of the requirements, sorted by key.
	Requirements() []Requirement
}

// selector is the conjunction of requirements sorted by key.
type selector []Requirement

// Everything returns the selector that matches every label set.
func Everything() Selector { return selector(nil) }

type nothing struct{}

func (nothing) Matches(Labels) bool         { return false }
func (nothing) Empty() bool                 { return false }
func (nothing) String() string              { return "" }
func (nothing) Requirements() []Requirement { return nil }

// Nothing returns the selector that matches no label set. Its String is "",
// as in Kubernetes; it cannot be written in selector syntax.
func Nothing() Selector { return nothing{} }

// NewSelector returns the selector that requires all of reqs.
func NewSelector(reqs ...Requirement) Selector {
	s := selector(slices.Clone(reqs))
	s.sort()
	return s
}

// sort orders by key, keeping the given order of requirements on one key so
// that String and Parse agree.
func (s selector) sort() {
	slices.SortStableFunc(s, func(a, b Requirement) int { return cmp.Compare(a.key, b.key) })
}

// Matches reports whether l satisfies every requirement. It does not
// allocate.
func (s selector) Matches(l Labels) bool {
	for i := range s {
		if !s[i].matches(l) {
			return false
		}
	}
	return true
}

func (s selector) Empty() bool { return len(s) == 0 }

func (s selector) String() string {
	var b strings.Builder
	for i := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		s[i].writeTo(&b)
	}
	return b.String()
}

func (s selector) Requirements() []Requirement { return slices.Clone([]Requirement(s)) }

// SelectorFromSet returns the selector that requires every label of set with
// its value ("k1=v1,k2=v2"); an empty or nil set gives Everything. Like
// Kubernetes' SelectorFromSet it does not validate: a set with malformed keys
// or values still matches as expected, but its String may not parse.
func SelectorFromSet(set Set) Selector {
	if len(set) == 0 {
		return Everything()
	}
	s := make(selector, 0, len(set))
	for k, v := range set {
		s = append(s, Requirement{key: k, op: Equals, test: testIn, values: []string{v}})
	}
	s.sort()
	return s
}

// FromLabelSelector converts the structured selector of specs
// (matchLabels and matchExpressions) as Kubernetes' LabelSelectorAsSelector
// does: nil selects nothing, an empty selector everything. Keys and values
// are validated; an unknown operator, In or NotIn without values and Exists
// or DoesNotExist with values are errors. The error is a meta.FieldErrors
// whose paths are relative to the LabelSelector ("matchExpressions[1].values").
func FromLabelSelector(ls *meta.LabelSelector) (Selector, error) {
	if ls == nil {
		return Nothing(), nil
	}
	if len(ls.MatchLabels)+len(ls.MatchExpressions) == 0 {
		return Everything(), nil
	}
	s := make(selector, 0, len(ls.MatchLabels)+len(ls.MatchExpressions))
	// Sorted so that, of several bad labels, the same one is reported first
	// every time.
	keys := make([]string, 0, len(ls.MatchLabels))
	for k := range ls.MatchLabels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	matchLabels := meta.NewPath("matchLabels")
	for _, k := range keys {
		v := ls.MatchLabels[k]
		var errs meta.FieldErrors
		if msgs := ValidateLabelKey(k); msgs != nil {
			errs = append(errs, meta.Invalid(matchLabels, k, strings.Join(msgs, "; ")))
		}
		if msgs := ValidateLabelValue(v); msgs != nil {
			errs = append(errs, meta.Invalid(matchLabels.Key(k), v, strings.Join(msgs, "; ")))
		}
		if errs != nil {
			return nil, errs
		}
		s = append(s, Requirement{key: k, op: Equals, test: testIn, values: []string{v}})
	}
	for i, e := range ls.MatchExpressions {
		path := meta.NewPath("matchExpressions").Index(i)
		var op Operator
		switch e.Operator {
		case meta.LabelSelectorOpIn:
			op = In
		case meta.LabelSelectorOpNotIn:
			op = NotIn
		case meta.LabelSelectorOpExists:
			op = Exists
		case meta.LabelSelectorOpDoesNotExist:
			op = DoesNotExist
		default:
			return nil, meta.FieldErrors{meta.Invalid(path.Child("operator"), string(e.Operator), "not a valid label selector operator")}
		}
		r, errs := newRequirement(path, e.Key, op, slices.Clone(e.Values))
		if errs != nil {
			return nil, errs
		}
		s = append(s, r)
	}
	s.sort()
	return s, nil
}
