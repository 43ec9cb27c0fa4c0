package fields

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors name a term of
// the input, and that the String of a parsed selector is canonical: it
// parses back to an equal selector with the same String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", ",", "=", "a=b", "a==b", "a!=b", "a=", "=b", "a=b,c!=d", `a=x\,y\=z\\`, `a\,b=c`, `a\=b`,
		`a\!=b`, "a", "a=b=c", `a=\x`, `a=b\`, " a = b ", "a=\xff", `a=\é`, "spec.nodeName=node-1,status.phase!=Failed",
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
			if se.Term == "" || se.Pos < 0 || !strings.HasPrefix(s[se.Pos:], se.Term) || !strings.Contains(se.Msg, se.Term) {
				t.Fatalf("Parse(%q): error %q names term %q at %d, which is not in the input", s, err, se.Term, se.Pos)
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
		if !slices.Equal(sel.Requirements(), again.Requirements()) {
			t.Fatalf("Parse(%q) and Parse(%q) have different requirements:\n%q\n%q", s, str, sel.Requirements(), again.Requirements())
		}
		// Both decide alike on field sets made of the selector's own words.
		set := Set{}
		for _, r := range sel.Requirements() {
			set[r.Field] = r.Value
			if sel.Matches(set) != again.Matches(set) {
				t.Fatalf("Parse(%q) and Parse(%q) disagree on %v", s, str, set)
			}
		}
	})
}
