package fields

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		in   string
		want string // canonical String()
	}{
		{"", ""},
		{",", ""},
		{",,", ""},
		{"=", ""},
		{"!=", ""},
		{"==", ""},
		{"metadata.name=web", "metadata.name=web"},
		{"metadata.name==web", "metadata.name=web"},
		{"status.phase!=Running", "status.phase!=Running"},
		{"spec.nodeName=", "spec.nodeName="},
		{"spec.nodeName!=", "spec.nodeName!="},
		{"spec.nodeName=node-1,metadata.namespace=default", "metadata.namespace=default,spec.nodeName=node-1"},
		{"b=1,,a=2,", "a=2,b=1"},
		{"a=2,a!=1,a=1", "a!=1,a=1,a=2"},
		{"a=1,a=1", "a=1,a=1"},
		{"=x", "=x"},
		{`x!=y\=z`, `x!=y\=z`},
		{`a=x\,y`, `a=x\,y`},
		{`a=x\=y`, `a=x\=y`},
		{`a=x\\y`, `a=x\\y`},
		{`a=\\`, `a=\\`},
		{`a==\=`, `a=\=`},
		{"a!b=c", "a!b=c"},
		{" a = b ", " a = b "},
		{`a\,b=c`, `a\,b=c`},
		{`a\=b`, `a\=b`},
		{`a\==b`, `a\=b`},
		{`a\!=b`, `a\!=b`},
		{"a=é", "a=é"},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := sel.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		if got, want := sel.Empty(), tt.want == ""; got != want {
			t.Errorf("Parse(%q).Empty() = %v, want %v", tt.in, got, want)
		}
		again, err := Parse(tt.want)
		if err != nil {
			t.Errorf("Parse(%q) (canonical form of %q): %v", tt.want, tt.in, err)
		} else if got := again.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want it unchanged", tt.want, got)
		}
	}
}

func TestParseRequirements(t *testing.T) {
	sel, err := Parse(`status.phase!=Failed,spec.nodeName==node-1,metadata.name=a\,b\=c\\d`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Requirement{
		{"metadata.name", Equals, `a,b=c\d`},
		{"spec.nodeName", Equals, "node-1"},
		{"status.phase", NotEquals, "Failed"},
	}
	got := sel.Requirements()
	if len(got) != len(want) {
		t.Fatalf("Requirements() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("requirement %d = %#v, want %#v", i, got[i], want[i])
		}
	}
	got[0].Value = "changed"
	if v := sel.Requirements()[0].Value; v != `a,b=c\d` {
		t.Errorf("changing Requirements() changed the selector: %q", v)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string
		term string
		pos  int
	}{
		{"a", "invalid selector: 'a'; can't understand 'a'", "a", 0},
		{"x=1,abc,y=2", "invalid selector: 'x=1,abc,y=2'; can't understand 'abc'", "abc", 4},
		{"a!b", "invalid selector: 'a!b'; can't understand 'a!b'", "a!b", 0},
		{"!", "invalid selector: '!'; can't understand '!'", "!", 0},
		{" ", "invalid selector: ' '; can't understand ' '", " ", 0},
		{`a\,b`, `invalid selector: 'a\,b'; can't understand 'a\,b'`, `a\,b`, 0},
		{"a=b=c", "invalid field selector: unescaped character in value: '=' (in term 'a=b=c')", "a=b=c", 0},
		{"a===b", "invalid field selector: unescaped character in value: '=' (in term 'a===b')", "a===b", 0},
		{"a!==b", "invalid field selector: unescaped character in value: '=' (in term 'a!==b')", "a!==b", 0},
		{`k=v,a=\x`, `invalid field selector: invalid escape sequence: \x (in term 'a=\x')`, `a=\x`, 4},
		{`a=\é`, `invalid field selector: invalid escape sequence: \é (in term 'a=\é')`, `a=\é`, 0},
		{`a=b\`, `invalid field selector: invalid escape sequence: \ (in term 'a=b\')`, `a=b\`, 0},
		{`a=\\\`, `invalid field selector: invalid escape sequence: \ (in term 'a=\\\')`, `a=\\\`, 0},
		// The first bad term in the input is reported.
		{"z,a", "invalid selector: 'z,a'; can't understand 'z'", "z", 0},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %q, want error %q", tt.in, sel, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q) error\n got %s\nwant %s", tt.in, err, tt.want)
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %T, want *SyntaxError", tt.in, err)
			continue
		}
		if se.Term != tt.term || se.Pos != tt.pos {
			t.Errorf("Parse(%q): term %q at %d, want %q at %d", tt.in, se.Term, se.Pos, tt.term, tt.pos)
		}
	}
}

func TestMatches(t *testing.T) {
	pod := Set{"metadata.name": "web-0", "metadata.namespace": "default", "spec.nodeName": "", "status.phase": "Running"}
	unscheduled := Set{"metadata.name": "web-1", "metadata.namespace": "default", "status.phase": "Pending"}
	tests := []struct {
		sel              string
		pod, unscheduled bool
	}{
		{"", true, true},
		{"metadata.name=web-0", true, false},
		{"metadata.name==web-0", true, false},
		{"metadata.name!=web-0", false, true},
		{"metadata.namespace=default,status.phase=Running", true, false},
		{"metadata.namespace=default,status.phase!=Running", false, true},
		// An absent field reads as "".
		{"spec.nodeName=", true, true},
		{"spec.nodeName!=", false, false},
		{"spec.nodeName=node-1", false, false},
		{"no.such.field=", true, true},
		{"no.such.field!=x", true, true},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sel, err)
		}
		if got := sel.Matches(pod); got != tt.pod {
			t.Errorf("Parse(%q).Matches(%v) = %v, want %v", tt.sel, pod, got, tt.pod)
		}
		if got := sel.Matches(unscheduled); got != tt.unscheduled {
			t.Errorf("Parse(%q).Matches(%v) = %v, want %v", tt.sel, unscheduled, got, tt.unscheduled)
		}
	}
}

func TestMatchesEscapedValue(t *testing.T) {
	v := `a,b=c\d`
	sel, err := Parse("f=" + EscapeValue(v))
	if err != nil {
		t.Fatal(err)
	}
	if !sel.Matches(Set{"f": v}) || sel.Matches(Set{"f": `a\,b\=c\\d`}) {
		t.Errorf("%v matches wrongly", sel)
	}
}

func TestMatchesDoesNotAllocate(t *testing.T) {
	sel, err := Parse("metadata.namespace=default,spec.nodeName=node-1,status.phase!=Failed")
	if err != nil {
		t.Fatal(err)
	}
	var f Fields = Set{"metadata.namespace": "default", "spec.nodeName": "node-1", "status.phase": "Running"}
	if n := testing.AllocsPerRun(100, func() { sel.Matches(f) }); n != 0 {
		t.Errorf("Matches allocates %v times per call, want 0", n)
	}
}

func TestRequiresExactMatch(t *testing.T) {
	tests := []struct {
		sel, field string
		value      string
		ok         bool
	}{
		{"spec.nodeName=node-1", "spec.nodeName", "node-1", true},
		{"spec.nodeName==node-1", "spec.nodeName", "node-1", true},
		{"spec.nodeName=", "spec.nodeName", "", true},
		{"spec.nodeName!=node-1", "spec.nodeName", "", false},
		{"spec.nodeName!=x,spec.nodeName=y", "spec.nodeName", "y", true},
		{"metadata.name=a,spec.nodeName=node-2", "spec.nodeName", "node-2", true},
		{"metadata.name=a", "spec.nodeName", "", false},
		{"", "spec.nodeName", "", false},
		{`f=a\,b`, "f", "a,b", true},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sel, err)
		}
		v, ok := sel.RequiresExactMatch(tt.field)
		if v != tt.value || ok != tt.ok {
			t.Errorf("Parse(%q).RequiresExactMatch(%q) = %q, %v; want %q, %v", tt.sel, tt.field, v, ok, tt.value, tt.ok)
		}
	}
}

func TestConstructors(t *testing.T) {
	one := OneTermEqualSelector("spec.nodeName", "node=1")
	if got, want := one.String(), `spec.nodeName=node\=1`; got != want {
		t.Errorf("OneTermEqualSelector String() = %q, want %q", got, want)
	}
	if v, ok := one.RequiresExactMatch("spec.nodeName"); v != "node=1" || !ok {
		t.Errorf("OneTermEqualSelector RequiresExactMatch = %q, %v", v, ok)
	}
	if !one.Matches(Set{"spec.nodeName": "node=1"}) || one.Matches(Set{}) || one.Empty() {
		t.Error("OneTermEqualSelector matches wrongly")
	}

	all := Everything()
	if !all.Empty() || !all.Matches(Set{}) || all.String() != "" || len(all.Requirements()) != 0 {
		t.Error("Everything is not empty")
	}

	set := Set{"status.phase": "Running", "metadata.name": "a,b"}
	sel := SelectorFromSet(set)
	if got, want := sel.String(), `metadata.name=a\,b,status.phase=Running`; got != want {
		t.Errorf("SelectorFromSet String() = %q, want %q", got, want)
	}
	if got := set.String(); got != sel.String() {
		t.Errorf("Set.String() = %q, want %q", got, sel.String())
	}
	if !sel.Matches(set) || sel.Matches(Set{"status.phase": "Running"}) {
		t.Error("SelectorFromSet matches wrongly")
	}
	if !SelectorFromSet(nil).Empty() {
		t.Error("SelectorFromSet(nil) is not Everything")
	}
	again, err := Parse(set.String())
	if err != nil || !again.Matches(set) {
		t.Errorf("Parse(%q) = %v, %v", set, again, err)
	}
}

func TestEscapeValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{`a\b`, `a\\b`},
		{"a,b", `a\,b`},
		{"a=b", `a\=b`},
		{`\,=`, `\\\,\=`},
		{"é", "é"},
	}
	for _, tt := range tests {
		if got := EscapeValue(tt.in); got != tt.want {
			t.Errorf("EscapeValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got, msg := unescape(EscapeValue(tt.in)); got != tt.in || msg != "" {
			t.Errorf("unescape(EscapeValue(%q)) = %q, %q", tt.in, got, msg)
		}
	}
	// Bytes that are not UTF-8 survive a round trip unchanged.
	raw := "a\xffb"
	sel, err := Parse("f=" + EscapeValue(raw))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := sel.RequiresExactMatch("f"); v != raw {
		t.Errorf("value %q, want %q", v, raw)
	}
	if !strings.Contains(sel.String(), raw) {
		t.Errorf("String() = %q", sel)
	}
}
