package fields

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Operator relates a requirement's field to its value.
type Operator string

// The operators of field requirements. "==" is read as Equals.
const (
	Equals    Operator = "="
	NotEquals Operator = "!="
)

// Requirement is one term of a field selector. Unlike a label requirement,
// an absent field counts as the empty string: "spec.nodeName=" matches pods
// that are not scheduled.
type Requirement struct {
	Field    string
	Operator Operator
	Value    string
}

// Matches reports whether f satisfies the requirement.
func (r Requirement) Matches(f Fields) bool {
	if r.Operator == NotEquals {
		return f.Get(r.Field) != r.Value
	}
	return f.Get(r.Field) == r.Value
}

// String renders the requirement as "field=value" or "field!=value", the
// value escaped.
func (r Requirement) String() string { return r.Field + string(r.Operator) + EscapeValue(r.Value) }

// Selector decides which objects a field selector admits. It is immutable
// and safe for concurrent use.
type Selector interface {
	// Matches reports whether the fields satisfy every requirement.
	Matches(Fields) bool
	// Empty reports whether the selector restricts nothing (Everything).
	Empty() bool
	// String renders the selector in the syntax Parse reads, requirements
	// sorted by field, then operator, then value: the canonical form.
	String() string
	// Requirements returns a copy of the requirements, in String's order.
	Requirements() []Requirement
	// RequiresExactMatch reports the value an object's field must equal for
	// the selector to match it, if there is one ("spec.nodeName=node-1"
	// gives "node-1", true). A watch cache uses it to pick an index.
	RequiresExactMatch(field string) (value string, ok bool)
}

// selector is the conjunction of its requirements, in canonical order.
type selector []Requirement

// Everything returns the selector that matches every object.
func Everything() Selector { return selector(nil) }

// OneTermEqualSelector returns the selector "field=value".
func OneTermEqualSelector(field, value string) Selector {
	return selector{{Field: field, Operator: Equals, Value: value}}
}

// SelectorFromSet returns the selector that requires every field of set to
// have its value; an empty or nil set gives Everything.
func SelectorFromSet(set Set) Selector {
	if len(set) == 0 {
		return Everything()
	}
	s := make(selector, 0, len(set))
	for f, v := range set {
		s = append(s, Requirement{Field: f, Operator: Equals, Value: v})
	}
	s.sort()
	return s
}

func (s selector) sort() {
	slices.SortFunc(s, func(a, b Requirement) int {
		return cmp.Or(cmp.Compare(a.Field, b.Field), cmp.Compare(a.Operator, b.Operator), cmp.Compare(a.Value, b.Value))
	})
}

// Matches reports whether f satisfies every requirement. It does not
// allocate.
func (s selector) Matches(f Fields) bool {
	for i := range s {
		if !s[i].Matches(f) {
			return false
		}
	}
	return true
}

func (s selector) Empty() bool { return len(s) == 0 }

func (s selector) String() string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r.Field)
		b.WriteString(string(r.Operator))
		writeEscaped(&b, r.Value)
	}
	return b.String()
}

func (s selector) Requirements() []Requirement { return slices.Clone([]Requirement(s)) }

func (s selector) RequiresExactMatch(field string) (string, bool) {
	for _, r := range s {
		if r.Field == field && r.Operator == Equals {
			return r.Value, true
		}
	}
	return "", false
}

// EscapeValue escapes the characters that have a meaning in a field selector
// value (\ , =) with a backslash, so that any string can be selected on.
func EscapeValue(v string) string {
	if !strings.ContainsAny(v, `\,=`) {
		return v
	}
	var b strings.Builder
	writeEscaped(&b, v)
	return b.String()
}

func writeEscaped(b *strings.Builder, v string) {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\', ',', '=':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

// SyntaxError is the error of Parse. Its message names the term at fault.
type SyntaxError struct {
	// Term is the offending term as written.
	Term string
	// Pos is the byte offset of Term in the input.
	Pos int
	// Msg is the message, in Kubernetes' words where it has them.
	Msg string
}

func (e *SyntaxError) Error() string { return e.Msg }

// Parse reads a field selector as Kubernetes does: comma-separated terms
// "field=value", "field==value" or "field!=value", all of which must hold.
// A term splits at its first operator; the field is taken as written (no
// whitespace is trimmed), and in the value a backslash escapes '\', ',' and
// '=', which must otherwise not appear there (a ',' escaped in the field also
// does not end the term). Empty terms are ignored, as are terms with both
// an empty field and an empty value; the empty string selects everything.
// Errors are *SyntaxError.
func Parse(s string) (Selector, error) {
	var sel selector
	start, escaped := 0, false
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch {
			case escaped:
				escaped = false
				continue
			case s[i] == '\\':
				escaped = true
				continue
			case s[i] != ',':
				continue
			}
		}
		if term := s[start:i]; term != "" {
			r, err := parseTerm(s, term, start)
			if err != nil {
				return nil, err
			}
			if r.Field != "" || r.Value != "" {
				sel = append(sel, r)
			}
		}
		start = i + 1
	}
	sel.sort()
	return sel, nil
}

func parseTerm(sel, term string, pos int) (Requirement, error) {
	for i := 0; i < len(term); i++ {
		var op Operator
		var rhs string
		switch rest := term[i:]; {
		case strings.HasPrefix(rest, "!="):
			op, rhs = NotEquals, rest[2:]
		case strings.HasPrefix(rest, "=="):
			op, rhs = Equals, rest[2:]
		case rest[0] == '=':
			op, rhs = Equals, rest[1:]
		default:
			continue
		}
		v, msg := unescape(rhs)
		if msg != "" {
			return Requirement{}, &SyntaxError{Term: term, Pos: pos,
				Msg: "invalid field selector: " + msg + " (in term '" + term + "')"}
		}
		return Requirement{Field: term[:i], Operator: op, Value: v}, nil
	}
	return Requirement{}, &SyntaxError{Term: term, Pos: pos,
		Msg: fmt.Sprintf("invalid selector: '%s'; can't understand '%s'", sel, term)}
}

// unescape undoes EscapeValue; it copies only when there is something to
// undo. On failure it returns what is wrong.
func unescape(v string) (string, string) {
	if !strings.ContainsAny(v, `\,=`) {
		return v, ""
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			if i+1 == len(v) {
				return "", `invalid escape sequence: \`
			}
			switch n := v[i+1]; n {
			case '\\', ',', '=':
				b = append(b, n)
				i++
			default:
				r, _ := utf8.DecodeRuneInString(v[i+1:])
				return "", `invalid escape sequence: \` + string(r)
			}
		case ',', '=':
			return "", fmt.Sprintf("unescaped character in value: '%c'", c)
		default:
			b = append(b, c)
		}
	}
	return string(b), ""
}
