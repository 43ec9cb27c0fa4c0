package labels

import (
	"errors"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/meta"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		in   string
		want string // canonical String()
	}{
		{"", ""},
		{" \t\r\n", ""},
		{"x=a", "x=a"},
		{"x==a", "x==a"},
		{"x!=a", "x!=a"},
		{"x=", "x="},
		{"x!=", "x!="},
		{"x = a", "x=a"},
		{"\tx\n=\r a ", "x=a"},
		{"x in (a,b)", "x in (a,b)"},
		{"x in (b,a,a)", "x in (a,b)"},
		{"x notin ( b , a )", "x notin (a,b)"},
		{"x in (a)", "x in (a)"},
		{"x in ()", "x in ()"},
		{"x in (,)", "x in ()"},
		{"x in (a,,b)", "x in (,a,b)"},
		{"x in (a,)", "x in (,a)"},
		{"x in (,a)", "x in (,a)"},
		{"x in(a)", "x in (a)"},
		{"x", "x"},
		{"!x", "!x"},
		{"! x", "!x"},
		{"x>5", "x>5"},
		{"x < 10", "x<10"},
		{"x>0005", "x>0005"},
		{"x>" + "9223372036854775807", "x>9223372036854775807"},
		{"x=in", "x=in"},
		{"x=notin", "x=notin"},
		{"in in (in),notin notin (notin)", "in in (in),notin notin (notin)"},
		{"in,!notin", "in,!notin"},
		{"z=a,y,!x,w in (b)", "w in (b),!x,y,z=a"},
		{"a=b,a!=c", "a=b,a!=c"},
		{"a!=c,a=b", "a!=c,a=b"},
		{"x = a , y = b", "x=a,y=b"},
		{"app.kubernetes.io/name=web", "app.kubernetes.io/name=web"},
		{"example.com/x in (" + strings.Repeat("v", 63) + ")", "example.com/x in (" + strings.Repeat("v", 63) + ")"},
		{strings.Repeat("k", 63), strings.Repeat("k", 63)},
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
		// The canonical form parses to itself.
		again, err := Parse(tt.want)
		if err != nil {
			t.Errorf("Parse(%q) (canonical form of %q): %v", tt.want, tt.in, err)
		} else if got := again.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want it unchanged", tt.want, got)
		}
	}
}

func TestParseRequirements(t *testing.T) {
	sel, err := Parse("tier notin (b,a), !gone, app=web, n>3, ok")
	if err != nil {
		t.Fatal(err)
	}
	type req struct {
		key    string
		op     Operator
		values string
	}
	want := []req{
		{"app", Equals, "web"},
		{"gone", DoesNotExist, ""},
		{"n", GreaterThan, "3"},
		{"ok", Exists, ""},
		{"tier", NotIn, "a|b"},
	}
	got := sel.Requirements()
	if len(got) != len(want) {
		t.Fatalf("got %d requirements %v, want %d", len(got), got, len(want))
	}
	for i, r := range got {
		g := req{r.Key(), r.Operator(), strings.Join(r.Values(), "|")}
		if g != want[i] {
			t.Errorf("requirement %d = %+v, want %+v", i, g, want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	const req = "unable to parse requirement: "
	long := strings.Repeat("v", 64)
	tests := []struct {
		in    string
		want  string // Error() without the position
		pos   int
		token string
		field bool // a key or value failed validation: Unwrap gives meta.FieldErrors
	}{
		// Between requirements.
		{",x", "found ',', expected: !, identifier, or 'end of string'", 0, ",", false},
		{")", "found ')', expected: !, identifier, or 'end of string'", 0, ")", false},
		{"=a", "found '=', expected: !, identifier, or 'end of string'", 0, "=", false},
		{"x=a,", "found '', expected: identifier after ','", 4, "", false},
		{"x=a, ", "found '', expected: identifier after ','", 5, "", false},
		{"x=a,,y", "found ',', expected: identifier after ','", 4, ",", false},
		{"x=a y", "found 'y', expected: ',' or 'end of string'", 4, "y", false},
		{"x=a=b", "found '=', expected: ',' or 'end of string'", 3, "=", false},
		{"!x=a", "found '=', expected: ',' or 'end of string'", 2, "=", false},
		{"!x y", "found 'y', expected: ',' or 'end of string'", 3, "y", false},
		{"x in (a) b", "found 'b', expected: ',' or 'end of string'", 9, "b", false},
		// Keys.
		{"!", req + "found '', expected: identifier", 1, "", false},
		{"!!x", req + "found '!', expected: identifier", 1, "!", false},
		{"!(", req + "found '(', expected: identifier", 1, "(", false},
		// Operators.
		{"x y", req + "found 'y', expected: in, notin, =, ==, !=, gt, lt", 2, "y", false},
		{"x (a)", req + "found '(', expected: in, notin, =, ==, !=, gt, lt", 2, "(", false},
		{"x !", req + "found '!', expected: in, notin, =, ==, !=, gt, lt", 2, "!", false},
		{"x ! y", req + "found '!', expected: in, notin, =, ==, !=, gt, lt", 2, "!", false},
		// Values.
		{"x=(", req + "found '(', expected: identifier", 2, "(", false},
		{"x!=!", req + "found '!', expected: identifier", 3, "!", false},
		{"x in", req + "found '' expected: '('", 4, "", false},
		{"x in a", req + "found 'a' expected: '('", 5, "a", false},
		{"x notin a", req + "found 'a' expected: '('", 8, "a", false},
		{"x in (=)", req + "found '=', expected: ',', ')' or identifier", 6, "=", false},
		{"x in (", req + "found '', expected: ',', ')' or identifier", 6, "", false},
		{"x in (a", req + "found '', expected: ',' or ')'", 7, "", false},
		{"x in (a,b", req + "found '', expected: ',' or ')'", 9, "", false},
		{"x in (a b)", req + "found 'b', expected: ',' or ')'", 8, "b", false},
		{"x in (a,=)", req + "found '=', expected: ',', or identifier", 8, "=", false},
		{"x in (a,", req + "found '', expected: ',', or identifier", 8, "", false},
		// Validation of keys.
		{"x$=a", req + `key: Invalid value: "x$": ` + wantNameMsg, 0, "x$", true},
		{"!-x", req + `key: Invalid value: "-x": ` + wantNameMsg, 1, "-x", true},
		{"/x", req + `key: Invalid value: "/x": prefix part must be non-empty`, 0, "/x", true},
		{"a/b/c", req + `key: Invalid value: "a/b/c": ` + wantKeyMsg, 0, "a/b/c", true},
		{"Example.com/x", req + `key: Invalid value: "Example.com/x": ` + wantPrefix, 0, "Example.com/x", true},
		{"x\x00", req + `key: Invalid value: "x\x00": ` + wantNameMsg, 0, "x\x00", true},
		{long, req + `key: Invalid value: "` + long + `": name part must be no more than 63 bytes`, 0, long, true},
		{"ok,x.=a", req + `key: Invalid value: "x.": ` + wantNameMsg, 3, "x.", true},
		// Validation of values.
		{"x=a$", req + `values[0][x]: Invalid value: "a$": ` + wantValue, 2, "a$", true},
		{"x = " + long, req + `values[0][x]: Invalid value: "` + long + `": must be no more than 63 bytes`, 4, long, true},
		{"x in (ok, b$d)", req + `values[0][x]: Invalid value: "b$d": ` + wantValue, 10, "b$d", true},
		{"x in (ok,z$)", req + `values[1][x]: Invalid value: "z$": ` + wantValue, 9, "z$", true},
		{"x in (a$,b$)", req + `[values[0][x]: Invalid value: "a$": ` + wantValue + `, values[1][x]: Invalid value: "b$": ` + wantValue + `]`, 6, "a$", true},
		{"x>a", req + `values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`, 2, "a", true},
		{"x<", req + `values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`, 2, "", true},
		{"x<,y", req + `values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`, 2, "", true},
		{"x>9223372036854775808", req + `values[0]: Invalid value: "9223372036854775808": for 'Gt', 'Lt' operators, the value must be an integer`, 2, "9223372036854775808", true},
		{"x>-1", req + `values[0][x]: Invalid value: "-1": ` + wantValue, 2, "-1", true},
		{"x>1.5", req + `values[0]: Invalid value: "1.5": for 'Gt', 'Lt' operators, the value must be an integer`, 2, "1.5", true},
		{"x>a$", req + `[values[0]: Invalid value: "a$": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "a$": ` + wantValue + `]`, 2, "a$", true},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %q, want error %q", tt.in, sel, tt.want)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %T, want *SyntaxError", tt.in, err)
			continue
		}
		if se.Msg != tt.want {
			t.Errorf("Parse(%q) error\n got %s\nwant %s", tt.in, se.Msg, tt.want)
		}
		if se.Pos != tt.pos || se.Token != tt.token {
			t.Errorf("Parse(%q): error at %d %q, want %d %q", tt.in, se.Pos, se.Token, tt.pos, tt.token)
		}
		if want := tt.want + " (at position " + itoa(tt.pos) + ")"; err.Error() != want {
			t.Errorf("Parse(%q).Error()\n got %s\nwant %s", tt.in, err, want)
		}
		var fe meta.FieldErrors
		if got := errors.As(err, &fe); got != tt.field {
			t.Errorf("Parse(%q): errors.As(meta.FieldErrors) = %v, want %v", tt.in, got, tt.field)
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
