package labels

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors point into the
// input, and that the String of a parsed selector is canonical: it parses
// back to an equal selector with the same String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "x", "!x", "x=a", "x==a", "x!=a", "x=", "x>5", "x<-1", "x in (a,b)", "x notin ()",
		"x in (a,,b)", "x in (,)", "in in (in)", "notin notin (notin)", "a=b,c!=d,e in (f,g),!h,i",
		"app.kubernetes.io/name=web", "x in (a", "x=a,", ",", "x y", "a/b/c", "x>9223372036854775808",
		"\tx\n=\ra", "x=a=b", "!x=a", "x in ((", "x in (a,=)", "x\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): error %T %v, want *SyntaxError", s, err, err)
			}
			if se.Pos < 0 || se.Pos > len(s) || !strings.HasPrefix(s[se.Pos:], se.Token) {
				t.Fatalf("Parse(%q): error at %d with token %q, which is not in the input", s, se.Pos, se.Token)
			}
			return
		}
		str := sel.String()
		again, err := Parse(str)
		if err != nil {
			t.Fatalf("Parse(%q) gave %q, which does not parse: %v", s, str, err)
		}
		if got := again.String(); got != str {
			t.Fatalf("Parse(%q) gave %q, which parses to %q", s, str, got)
		}
		if !slices.EqualFunc(sel.Requirements(), again.Requirements(), func(a, b Requirement) bool {
			return a.Key() == b.Key() && a.Operator() == b.Operator() && slices.Equal(a.Values(), b.Values())
		}) {
			t.Fatalf("Parse(%q) and Parse(%q) have different requirements", s, str)
		}
		if sel.Empty() != again.Empty() {
			t.Fatalf("Parse(%q).Empty() != Parse(%q).Empty()", s, str)
		}
		// Both decide alike on label sets made of the selector's own words.
		l := Set{}
		for _, r := range sel.Requirements() {
			if vs := r.Values(); len(vs) > 0 {
				l[r.Key()] = vs[len(vs)-1]
			}
			if sel.Matches(l) != again.Matches(l) {
				t.Fatalf("Parse(%q) and Parse(%q) disagree on %v", s, str, l)
			}
		}
	})
}
