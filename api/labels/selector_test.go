package labels

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/meta"
)

// pairs implements Labels without being a Set, to exercise the interface path
// of matching.
type pairs []string

func (p pairs) Has(k string) bool {
	for i := 0; i < len(p); i += 2 {
		if p[i] == k {
			return true
		}
	}
	return false
}

func (p pairs) Get(k string) string {
	for i := 0; i < len(p); i += 2 {
		if p[i] == k {
			return p[i+1]
		}
	}
	return ""
}

func TestMatches(t *testing.T) {
	set := Set{"app": "web", "tier": "front", "n": "5", "neg": "-3", "empty": ""}
	var asPairs pairs
	for k, v := range set {
		asPairs = append(asPairs, k, v)
	}
	tests := []struct {
		sel  string
		want bool
	}{
		{"", true},
		{"app=web", true},
		{"app==web", true},
		{"app=db", false},
		{"app!=db", true},
		{"app!=web", false},
		{"missing!=x", true},
		{"missing=x", false},
		{"app in (web,db)", true},
		{"app in (db)", false},
		{"missing in (x)", false},
		{"app notin (db)", true},
		{"app notin (web,db)", false},
		{"missing notin (x)", true},
		{"app", true},
		{"missing", false},
		{"!missing", true},
		{"!app", false},
		// A label with an empty value is present.
		{"empty", true},
		{"!empty", false},
		{"empty=", true},
		{"empty!=", false},
		{"empty in ()", true},
		{"empty in (x)", false},
		{"empty notin (x)", true},
		{"empty>0", false},
		// An absent label does not equal "".
		{"missing=", false},
		{"missing!=", true},
		{"missing in ()", false},
		{"missing notin ()", true},
		{"n>4", true},
		{"n>5", false},
		{"n<6", true},
		{"n<5", false},
		{"n>0004", true},
		{"neg<0", true},
		{"neg>0", false},
		{"app>1", false},
		{"app<1", false},
		{"missing<5", false},
		{"missing>5", false},
		{"app=web,tier=front", true},
		{"app=web,tier=back", false},
		{"app=web,tier in (front,back),!canary", true},
		{"app=web,tier in (front,back),canary", false},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sel, err)
		}
		if got := sel.Matches(set); got != tt.want {
			t.Errorf("Parse(%q).Matches(%v) = %v, want %v", tt.sel, set, got, tt.want)
		}
		if got := sel.Matches(asPairs); got != tt.want {
			t.Errorf("Parse(%q).Matches(%v as pairs) = %v, want %v", tt.sel, set, got, tt.want)
		}
	}
}

func TestMatchesManyValues(t *testing.T) {
	// Enough values for the binary search path.
	var vals []string
	for i := 0; i < 50; i += 2 {
		vals = append(vals, "v"+strconv.Itoa(i))
	}
	in, err := NewRequirement("k", In, vals...)
	if err != nil {
		t.Fatal(err)
	}
	notIn, err := NewRequirement("k", NotIn, vals...)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		l := Set{"k": "v" + strconv.Itoa(i)}
		want := i%2 == 0
		if got := in.Matches(l); got != want {
			t.Errorf("%v.Matches(%v) = %v, want %v", in, l, got, want)
		}
		if got := notIn.Matches(l); got != !want {
			t.Errorf("%v.Matches(%v) = %v, want %v", notIn, l, got, !want)
		}
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		s    string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"42", 42, true},
		{"+7", 7, true},
		{"-7", -7, true},
		{"007", 7, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"99999999999999999999", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"+", 0, false},
		{"1_000", 0, false},
		{"0x10", 0, false},
		{"1.5", 0, false},
		{" 1", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseInt(tt.s)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", tt.s, got, ok, tt.want, tt.ok)
		}
		// It must agree with strconv.
		n, err := strconv.ParseInt(tt.s, 10, 64)
		if (err == nil) != ok || (ok && n != got) {
			t.Errorf("parseInt(%q) = %d, %v; strconv says %d, %v", tt.s, got, ok, n, err)
		}
	}
}

func TestMatchesDoesNotAllocate(t *testing.T) {
	sel, err := Parse("app=web,tier in (front,back),!canary,n>3")
	if err != nil {
		t.Fatal(err)
	}
	set := Set{"app": "web", "tier": "back", "n": "x"}
	for _, l := range []Labels{set, pairs{"app", "web", "tier", "back", "n", "x"}} {
		if n := testing.AllocsPerRun(100, func() { sel.Matches(l) }); n != 0 {
			t.Errorf("Matches(%T) allocates %v times per call, want 0", l, n)
		}
	}
}

func TestNewRequirement(t *testing.T) {
	tests := []struct {
		key    string
		op     Operator
		values []string
		want   string // String(), or the error
	}{
		{"x", Equals, []string{"a"}, "x=a"},
		{"x", DoubleEquals, []string{"a"}, "x==a"},
		{"x", NotEquals, []string{""}, "x!="},
		{"x", In, []string{"b", "a", "b"}, "x in (a,b)"},
		{"x", NotIn, []string{""}, "x notin ()"},
		{"x", Exists, nil, "x"},
		{"x", DoesNotExist, nil, "!x"},
		{"x", GreaterThan, []string{"10"}, "x>10"},
		{"x", LessThan, []string{"10"}, "x<10"},
		{"x", In, nil, "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"},
		{"x", NotIn, []string{}, "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"},
		{"x", Equals, nil, "values: Invalid value: []: exact-match compatibility requires one single value"},
		{"x", NotEquals, []string{"a", "b"}, `values: Invalid value: ["a","b"]: exact-match compatibility requires one single value`},
		{"x", Exists, []string{"a"}, `values: Invalid value: ["a"]: values set must be empty for exists and does not exist`},
		{"x", DoesNotExist, []string{""}, `values: Invalid value: [""]: values set must be empty for exists and does not exist`},
		{"x", GreaterThan, nil, `values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required`},
		{"x", LessThan, []string{"1", "2"}, `values: Invalid value: ["1","2"]: for 'Gt', 'Lt' operators, exactly one value is required`},
		{"x", LessThan, []string{"one"}, `values[0]: Invalid value: "one": for 'Gt', 'Lt' operators, the value must be an integer`},
		{"x", "~", []string{"a"}, `operator: Unsupported value: "~": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"`},
		{"x$", Equals, []string{"a"}, `key: Invalid value: "x$": ` + wantNameMsg},
		{"x", In, []string{"ok", "b$"}, `values[1][x]: Invalid value: "b$": ` + wantValue},
		{"", In, nil, `[key: Invalid value: "": name part must be non-empty; ` + wantNameMsg + `, values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty]`},
	}
	for _, tt := range tests {
		r, err := NewRequirement(tt.key, tt.op, tt.values...)
		got := r.String()
		if err != nil {
			got = err.Error()
			var fe meta.FieldErrors
			if !errors.As(err, &fe) {
				t.Errorf("NewRequirement(%q, %q, %q): error %T, want meta.FieldErrors", tt.key, tt.op, tt.values, err)
			}
		}
		if got != tt.want {
			t.Errorf("NewRequirement(%q, %q, %q)\n got %s\nwant %s", tt.key, tt.op, tt.values, got, tt.want)
		}
	}
}

func TestRequirementIsImmutable(t *testing.T) {
	vals := []string{"a", "b"}
	r, err := NewRequirement("x", In, vals...)
	if err != nil {
		t.Fatal(err)
	}
	vals[0] = "z"
	r.Values()[1] = "z"
	if got := r.String(); got != "x in (a,b)" {
		t.Errorf("after changing the caller's slices: %q, want %q", got, "x in (a,b)")
	}
	sel := NewSelector(r)
	sel.Requirements()[0] = Requirement{}
	if got := sel.String(); got != "x in (a,b)" {
		t.Errorf("after changing Requirements(): %q, want %q", got, "x in (a,b)")
	}
}

func TestZeroRequirement(t *testing.T) {
	var r Requirement
	if r.Matches(Set{}) || r.Matches(Set{"": ""}) {
		t.Error("the zero Requirement matched")
	}
}

func TestNewSelector(t *testing.T) {
	must := func(r Requirement, err error) Requirement {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	sel := NewSelector(
		must(NewRequirement("tier", In, "front")),
		must(NewRequirement("app", Equals, "web")),
		must(NewRequirement("app", Exists)),
	)
	if got, want := sel.String(), "app=web,app,tier in (front)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if !sel.Matches(Set{"app": "web", "tier": "front"}) || sel.Matches(Set{"app": "web"}) {
		t.Errorf("%v matches wrongly", sel)
	}
	if s := NewSelector(); !s.Empty() || !s.Matches(Set{}) {
		t.Error("NewSelector() is not Everything")
	}
}

func TestEverythingNothing(t *testing.T) {
	tests := []struct {
		name          string
		sel           Selector
		empty, match  bool
		str           string
		nRequirements int
	}{
		{"Everything", Everything(), true, true, "", 0},
		{"Nothing", Nothing(), false, false, "", 0},
		{"SelectorFromSet(nil)", SelectorFromSet(nil), true, true, "", 0},
		{"SelectorFromSet({})", SelectorFromSet(Set{}), true, true, "", 0},
	}
	for _, tt := range tests {
		if got := tt.sel.Empty(); got != tt.empty {
			t.Errorf("%s.Empty() = %v, want %v", tt.name, got, tt.empty)
		}
		for _, l := range []Set{nil, {}, {"a": "b"}} {
			if got := tt.sel.Matches(l); got != tt.match {
				t.Errorf("%s.Matches(%v) = %v, want %v", tt.name, l, got, tt.match)
			}
		}
		if got := tt.sel.String(); got != tt.str {
			t.Errorf("%s.String() = %q, want %q", tt.name, got, tt.str)
		}
		if got := len(tt.sel.Requirements()); got != tt.nRequirements {
			t.Errorf("%s has %d requirements, want %d", tt.name, got, tt.nRequirements)
		}
	}
}

func TestSet(t *testing.T) {
	s := Set{"tier": "front", "app": "web", "app.kubernetes.io/name": "x", "empty": ""}
	want := "app=web,app.kubernetes.io/name=x,empty=,tier=front"
	if got := s.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := SelectorFromSet(s).String(); got != want {
		t.Errorf("SelectorFromSet(s).String() = %q, want %q", got, want)
	}
	sel, err := Parse(s.String())
	if err != nil {
		t.Fatal(err)
	}
	if !sel.Matches(s) || sel.Matches(Set{"app": "web"}) {
		t.Errorf("Parse(%q) matches wrongly", s)
	}
	if !s.Has("empty") || s.Has("missing") || s.Get("app") != "web" || s.Get("missing") != "" {
		t.Error("Has/Get are wrong")
	}
	if got := (Set{}).String(); got != "" {
		t.Errorf("empty Set String() = %q", got)
	}
}

func TestFromLabelSelector(t *testing.T) {
	expr := func(key string, op meta.LabelSelectorOperator, values ...string) meta.LabelSelectorRequirement {
		return meta.LabelSelectorRequirement{Key: key, Operator: op, Values: values}
	}
	tests := []struct {
		name  string
		in    *meta.LabelSelector
		want  string // String(), or the error
		empty bool
	}{
		{"nil", nil, "", false},
		{"empty", &meta.LabelSelector{}, "", true},
		{"empty maps", &meta.LabelSelector{MatchLabels: map[string]string{}, MatchExpressions: []meta.LabelSelectorRequirement{}}, "", true},
		{"matchLabels", &meta.LabelSelector{MatchLabels: map[string]string{"tier": "front", "app": "web"}}, "app=web,tier=front", false},
		{"all operators", &meta.LabelSelector{
			MatchLabels: map[string]string{"app": "web"},
			MatchExpressions: []meta.LabelSelectorRequirement{
				expr("zone", meta.LabelSelectorOpIn, "b", "a", "a"),
				expr("env", meta.LabelSelectorOpNotIn, "dev"),
				expr("gpu", meta.LabelSelectorOpExists),
				expr("canary", meta.LabelSelectorOpDoesNotExist),
			}}, "app=web,!canary,env notin (dev),gpu,zone in (a,b)", false},
		{"bad operator", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{
			expr("a", meta.LabelSelectorOpExists), expr("b", "Equals", "x")}},
			`matchExpressions[1].operator: Invalid value: "Equals": not a valid label selector operator`, false},
		{"In without values", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{expr("a", meta.LabelSelectorOpIn)}},
			`matchExpressions[0].values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`, false},
		{"NotIn without values", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a", Operator: meta.LabelSelectorOpNotIn, Values: []string{}}}},
			`matchExpressions[0].values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`, false},
		{"Exists with values", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{expr("a", meta.LabelSelectorOpExists, "x")}},
			`matchExpressions[0].values: Invalid value: ["x"]: values set must be empty for exists and does not exist`, false},
		{"DoesNotExist with values", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{expr("a", meta.LabelSelectorOpDoesNotExist, "")}},
			`matchExpressions[0].values: Invalid value: [""]: values set must be empty for exists and does not exist`, false},
		{"bad expression key", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{expr("a$", meta.LabelSelectorOpExists)}},
			`matchExpressions[0].key: Invalid value: "a$": ` + wantNameMsg, false},
		{"bad expression value", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{expr("a", meta.LabelSelectorOpIn, "ok", "-x")}},
			`matchExpressions[0].values[1][a]: Invalid value: "-x": ` + wantValue, false},
		{"bad matchLabels key", &meta.LabelSelector{MatchLabels: map[string]string{"ok": "1", "a/b/c": "1"}},
			`matchLabels: Invalid value: "a/b/c": ` + wantKeyMsg, false},
		{"bad matchLabels value", &meta.LabelSelector{MatchLabels: map[string]string{"a": "x y"}},
			`matchLabels[a]: Invalid value: "x y": ` + wantValue, false},
	}
	for _, tt := range tests {
		sel, err := FromLabelSelector(tt.in)
		var got string
		if err != nil {
			got = err.Error()
			var fe meta.FieldErrors
			if !errors.As(err, &fe) {
				t.Errorf("%s: error %T, want meta.FieldErrors", tt.name, err)
			}
		} else {
			got = sel.String()
			if sel.Empty() != tt.empty {
				t.Errorf("%s: Empty() = %v, want %v", tt.name, sel.Empty(), tt.empty)
			}
		}
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestFromLabelSelectorMatching(t *testing.T) {
	none, err := FromLabelSelector(nil)
	if err != nil {
		t.Fatal(err)
	}
	all, err := FromLabelSelector(&meta.LabelSelector{})
	if err != nil {
		t.Fatal(err)
	}
	if none.Matches(Set{}) || !all.Matches(Set{"a": "b"}) {
		t.Error("nil must select nothing and empty everything")
	}
	// A Deployment-style selector picks its pods and not the others.
	sel, err := FromLabelSelector(&meta.LabelSelector{
		MatchLabels: map[string]string{"app": "web"},
		MatchExpressions: []meta.LabelSelectorRequirement{
			{Key: "track", Operator: meta.LabelSelectorOpNotIn, Values: []string{"canary"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	pods := map[string]Set{
		"web-1":    {"app": "web", "pod-template-hash": "abc"},
		"web-2":    {"app": "web", "track": "stable"},
		"canary-1": {"app": "web", "track": "canary"},
		"db-1":     {"app": "db"},
	}
	var got []string
	for name, l := range pods {
		if sel.Matches(l) {
			got = append(got, name)
		}
	}
	slices.Sort(got)
	if want := []string{"web-1", "web-2"}; !slices.Equal(got, want) {
		t.Errorf("%v selects %v, want %v", sel, got, want)
	}
	// Its canonical string parses back to the same selector.
	again, err := Parse(sel.String())
	if err != nil || again.String() != sel.String() {
		t.Errorf("Parse(%q) = %v, %v", sel, again, err)
	}
	if !strings.Contains(sel.String(), "track notin (canary)") {
		t.Errorf("String() = %q", sel)
	}
}
