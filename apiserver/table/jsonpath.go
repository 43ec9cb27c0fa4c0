package table

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// JSONPath is a compiled JSONPath expression in the dialect of kubectl and
// of a CustomResourceDefinition's additionalPrinterColumns (client-go's
// jsonpath, one expression without text around it):
//
//	.metadata.name                            fields
//	.metadata.labels.app\.kubernetes\.io/name  escaped dots in a key
//	.spec.containers[0].image                 index, negative from the end
//	.spec.containers[*].name, .spec.ports[1:3] all, slice [start:end:step]
//	.spec.containers[0,2].name                union
//	.metadata.labels['app']                    quoted key
//	.status.conditions[?(@.type=="Ready")].status
//	                                          filter: == != < > <= >= =~,
//	                                          or [?(@.x)] for existence
//	..name, .spec.*                           recursive descent, wildcard
//
// The expression may be wrapped in braces ("{.spec.replicas}") and may start
// with $ or @. It evaluates against decoded JSON: map[string]any, []any,
// string, int64, float64, bool and nil.
type JSONPath struct {
	expr  string
	steps []step
}

// ParseJSONPath compiles expr.
func ParseJSONPath(expr string) (*JSONPath, error) {
	src := strings.TrimSpace(expr)
	if strings.HasPrefix(src, "{") && strings.HasSuffix(src, "}") {
		src = src[1 : len(src)-1]
	}
	p := &pathParser{src: src}
	steps, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("jsonpath %q: %w", expr, err)
	}
	return &JSONPath{expr: expr, steps: steps}, nil
}

// String returns the expression as given to ParseJSONPath.
func (p *JSONPath) String() string { return p.expr }

// Find evaluates the path on data and returns the values it selects, in
// document order (map wildcards in key order). Missing keys select nothing
// and are not an error; an index out of range, indexing a non-array and
// comparing values of different types are.
func (p *JSONPath) Find(data any) ([]any, error) {
	return evalSteps(p.steps, []any{data})
}

func evalSteps(steps []step, in []any) ([]any, error) {
	cur := in
	for _, s := range steps {
		var err error
		if cur, err = s.eval(cur); err != nil {
			return nil, err
		}
	}
	return cur, nil
}

// step is one selector of a path applied to every current value.
type step interface {
	eval(in []any) ([]any, error)
}

// fieldStep selects a map key. A null map selects nothing; so does any
// value that is not a map, as in client-go.
type fieldStep struct{ name string }

func (s fieldStep) eval(in []any) ([]any, error) {
	out := make([]any, 0, len(in))
	for _, v := range in {
		if m, ok := v.(map[string]any); ok {
			if x, ok := m[s.name]; ok {
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// wildcardStep selects every element of an array or every value of a map.
type wildcardStep struct{}

func (wildcardStep) eval(in []any) ([]any, error) {
	var out []any
	for _, v := range in {
		out = appendChildren(out, v)
	}
	return out, nil
}

func appendChildren(out []any, v any) []any {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			out = append(out, x[k])
		}
	case []any:
		out = append(out, x...)
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// recursiveStep selects every value that has children and, recursively,
// their descendants: what `..` means before the next selector.
type recursiveStep struct{}

func (recursiveStep) eval(in []any) ([]any, error) {
	var out []any
	var walk func(v any)
	walk = func(v any) {
		children := appendChildren(nil, v)
		if len(children) == 0 {
			return
		}
		out = append(out, v)
		for _, c := range children {
			walk(c)
		}
	}
	for _, v := range in {
		walk(v)
	}
	return out, nil
}

// sliceStep is [i], [start:end] or [start:end:step]; [*] is [:].
type sliceStep struct {
	start, end, step          int
	hasStart, hasEnd, hasStep bool
	// single marks [i]: its end is i+1, counted from the end when i < 0.
	single bool
}

func (s sliceStep) eval(in []any) ([]any, error) {
	var out []any
	for _, v := range in {
		if v == nil {
			continue
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s is not an array", typeName(v))
		}
		n := len(arr)
		start, end := 0, n
		if s.hasStart {
			start = s.start
		}
		if start < 0 {
			start += n
		}
		if s.hasEnd {
			end = s.end
			if end < 0 || (end == 0 && s.single) {
				end += n
			}
		}
		if start == end {
			continue // zero elements requested: allowed even when out of range
		}
		if start < 0 || start >= n {
			return nil, fmt.Errorf("array index out of bounds: index %d, length %d", start, n)
		}
		if end < 0 || end > n {
			return nil, fmt.Errorf("array index out of bounds: index %d, length %d", end-1, n)
		}
		if start > end {
			return nil, fmt.Errorf("starting index %d is greater than ending index %d", start, end)
		}
		step := 1
		if s.hasStep {
			if s.step <= 0 {
				return nil, errors.New("step must be > 0")
			}
			step = s.step
		}
		for i := start; i < end; i += step {
			out = append(out, arr[i])
		}
	}
	return out, nil
}

// unionStep is [a,b,...]: the results of each alternative, concatenated.
type unionStep struct{ alts [][]step }

func (s unionStep) eval(in []any) ([]any, error) {
	var out []any
	for _, alt := range s.alts {
		r, err := evalSteps(alt, in)
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
	}
	return out, nil
}

// literalStep replaces each value by a constant: the right-hand side of a
// filter such as @.type=="Ready".
type literalStep struct{ value any }

func (s literalStep) eval(in []any) ([]any, error) {
	out := make([]any, len(in))
	for i := range out {
		out[i] = s.value
	}
	return out, nil
}

// filterStep is [?(left op right)] or [?(left)] (existence) applied to the
// elements of arrays.
type filterStep struct {
	left, right []step
	op          string // "" for existence
}

func (s filterStep) eval(in []any) ([]any, error) {
	var out []any
	for _, v := range in {
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s is not an array and cannot be filtered", typeName(v))
		}
		for _, elem := range arr {
			one := []any{elem}
			lefts, err := evalSteps(s.left, one)
			if s.op == "" {
				if len(lefts) > 0 {
					out = append(out, elem)
				}
				continue
			}
			if err != nil {
				return nil, err
			}
			if len(lefts) == 0 {
				continue
			}
			if len(lefts) > 1 {
				return nil, errors.New("can only compare one element at a time")
			}
			rights, err := evalSteps(s.right, one)
			if err != nil {
				return nil, err
			}
			if len(rights) == 0 {
				continue
			}
			if len(rights) > 1 {
				return nil, errors.New("can only compare one element at a time")
			}
			pass, err := compare(s.op, lefts[0], rights[0])
			if err != nil {
				return nil, err
			}
			if pass {
				out = append(out, elem)
			}
		}
	}
	return out, nil
}

// compare applies a filter operator with text/template's rules, which
// client-go uses: integers compare with integers, floats with floats,
// strings with strings; other mixes are an error, and only == and != apply
// to booleans.
func compare(op string, a, b any) (bool, error) {
	if op == "=~" {
		s, ok1 := a.(string)
		pattern, ok2 := b.(string)
		if !ok1 || !ok2 {
			return false, fmt.Errorf("regexp match needs strings, got %s and %s", typeName(a), typeName(b))
		}
		return regexp.MatchString(pattern, s)
	}
	c, err := order(a, b, op == "==" || op == "!=")
	if err != nil {
		return false, err
	}
	switch op {
	case "==":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case ">":
		return c > 0, nil
	case "<=":
		return c <= 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, fmt.Errorf("unrecognized filter operator %s", op)
}

// order returns -1, 0 or 1. For booleans only equality is
// defined (0 when equal, 1 when not).
func order(a, b any, equality bool) (int, error) {
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmp3(x < y, x > y), nil
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp3(x < y, x > y), nil
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), nil
		}
	case bool:
		if y, ok := b.(bool); ok && equality {
			if x == y {
				return 0, nil
			}
			return 1, nil
		}
	}
	return 0, fmt.Errorf("incompatible types for comparison: %s and %s", typeName(a), typeName(b))
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case int64:
		return "integer"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

// pathParser turns the source of one expression into steps.
type pathParser struct {
	src string
	pos int
}

func (p *pathParser) parse() ([]step, error) {
	var steps []step
	for p.pos < len(p.src) {
		rest := p.src[p.pos:]
		switch c := rest[0]; {
		case c == ' ' || c == '\t' || c == '$' || c == '@':
			p.pos++
		case strings.HasPrefix(rest, "[?("):
			s, err := p.filter()
			if err != nil {
				return nil, err
			}
			steps = append(steps, s)
		case strings.HasPrefix(rest, ".."):
			if len(steps) > 0 {
				if _, ok := steps[len(steps)-1].(recursiveStep); ok {
					return nil, errors.New("invalid multiple recursive descent")
				}
			}
			p.pos += 2
			steps = append(steps, recursiveStep{})
			if p.pos < len(p.src) && !isTerminator(p.src[p.pos]) {
				steps = append(steps, p.field())
			}
		case c == '.':
			p.pos++
			steps = append(steps, p.field())
		case c == '[':
			s, err := p.bracket()
			if err != nil {
				return nil, err
			}
			steps = append(steps, s)
		case c == '"' || c == '\'':
			s, err := p.quoted()
			if err != nil {
				return nil, err
			}
			steps = append(steps, literalStep{s})
		case c == '+' || c == '-' || (c >= '0' && c <= '9'):
			s, err := p.number()
			if err != nil {
				return nil, err
			}
			steps = append(steps, s)
		case strings.HasPrefix(rest, "true") || strings.HasPrefix(rest, "false"):
			b := rest[0] == 't'
			if b {
				p.pos += len("true")
			} else {
				p.pos += len("false")
			}
			steps = append(steps, literalStep{b})
		default:
			return nil, fmt.Errorf("unrecognized character %q at position %d", c, p.pos)
		}
	}
	return steps, nil
}

// isTerminator reports whether c ends a field name.
func isTerminator(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}':
		return true
	}
	return false
}

// field reads a field name after '.', honouring backslash escapes ("\.").
func (p *pathParser) field() step {
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < len(p.src) {
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
			continue
		}
		if isTerminator(c) {
			break
		}
		b.WriteByte(c)
		p.pos++
	}
	if b.String() == "*" {
		return wildcardStep{}
	}
	return fieldStep{b.String()}
}

var sliceSyntax = regexp.MustCompile(`^(-?\d*)(:-?\d*)?(:-?\d*)?$`)

// bracket reads [*], [i], [a:b:c], ['key'] or a union [x,y].
func (p *pathParser) bracket() (step, error) {
	end := strings.IndexByte(p.src[p.pos:], ']')
	if end < 0 {
		return nil, errors.New("unterminated array")
	}
	text := strings.TrimSpace(p.src[p.pos+1 : p.pos+end])
	p.pos += end + 1
	if parts := strings.Split(text, ","); len(parts) > 1 {
		var u unionStep
		for _, part := range parts {
			alt, err := (&pathParser{src: "[" + strings.TrimSpace(part) + "]"}).parse()
			if err != nil {
				return nil, err
			}
			u.alts = append(u.alts, alt)
		}
		return u, nil
	}
	if len(text) >= 2 && text[0] == '\'' && text[len(text)-1] == '\'' {
		return fieldStep{text[1 : len(text)-1]}, nil
	}
	if text == "*" {
		return sliceStep{}, nil
	}
	m := sliceSyntax.FindStringSubmatch(text)
	if m == nil || text == "" {
		return nil, fmt.Errorf("invalid array index %s", text)
	}
	var s sliceStep
	num := func(t string) (int, error) {
		n, err := strconv.Atoi(t)
		if err != nil {
			return 0, fmt.Errorf("array index %s is not a number", t)
		}
		return n, nil
	}
	var err error
	if m[1] != "" {
		if s.start, err = num(m[1]); err != nil {
			return nil, err
		}
		s.hasStart = true
	}
	switch {
	case m[2] == "":
		// [i] selects one element: the slice [i:i+1].
		s.end, s.hasEnd, s.single = s.start+1, true, true
	case m[2] != ":":
		if s.end, err = num(m[2][1:]); err != nil {
			return nil, err
		}
		s.hasEnd = true
	}
	if m[3] != "" && m[3] != ":" {
		if s.step, err = num(m[3][1:]); err != nil {
			return nil, err
		}
		s.hasStep = true
	}
	return s, nil
}

var filterSyntax = regexp.MustCompile(`^([^!<>=]+)([!<>=~]+)(.+?)$`)

// filter reads [?(left op right)] or [?(left)].
func (p *pathParser) filter() (step, error) {
	start := p.pos + len("[?(")
	i := start
	var quote byte
	for ; ; i++ {
		if i >= len(p.src) || p.src[i] == '\n' {
			return nil, errors.New("unterminated filter")
		}
		c := p.src[i]
		if quote != 0 {
			if c == quote && p.src[i-1] != '\\' {
				quote = 0
			}
			continue
		}
		if c == '"' || c == '\'' {
			quote = c
			continue
		}
		if c == ')' {
			break
		}
	}
	if i+1 >= len(p.src) || p.src[i+1] != ']' {
		return nil, errors.New("unclosed array expect ]")
	}
	text := p.src[start:i]
	p.pos = i + 2
	m := filterSyntax.FindStringSubmatch(text)
	if m == nil {
		left, err := (&pathParser{src: text}).parse()
		if err != nil {
			return nil, err
		}
		return filterStep{left: left}, nil
	}
	switch m[2] {
	case "==", "!=", "<", ">", "<=", ">=", "=~":
	default:
		return nil, fmt.Errorf("unrecognized filter operator %s", m[2])
	}
	left, err := (&pathParser{src: m[1]}).parse()
	if err != nil {
		return nil, err
	}
	right, err := (&pathParser{src: m[3]}).parse()
	if err != nil {
		return nil, err
	}
	return filterStep{left: left, right: right, op: m[2]}, nil
}

// quoted reads a single- or double-quoted string literal.
func (p *pathParser) quoted() (string, error) {
	q := p.src[p.pos]
	i := p.pos + 1
	for ; i < len(p.src); i++ {
		if p.src[i] == q && p.src[i-1] != '\\' {
			break
		}
	}
	if i >= len(p.src) {
		return "", errors.New("unterminated quoted string")
	}
	raw := p.src[p.pos+1 : i]
	p.pos = i + 1
	if q == '\'' {
		// Single quotes: Go escapes apply, and \' is a quote.
		raw = strings.ReplaceAll(raw, `\'`, `'`)
		raw = strings.ReplaceAll(raw, `"`, `\"`)
	}
	s, err := strconv.Unquote(`"` + raw + `"`)
	if err != nil {
		return "", fmt.Errorf("bad string literal %c%s%c: %w", q, raw, q, err)
	}
	return s, nil
}

// number reads an integer or decimal literal.
func (p *pathParser) number() (step, error) {
	i := p.pos
	if c := p.src[i]; c == '+' || c == '-' {
		i++
	}
	for i < len(p.src) && (p.src[i] == '.' || (p.src[i] >= '0' && p.src[i] <= '9')) {
		i++
	}
	text := p.src[p.pos:i]
	p.pos = i
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return literalStep{n}, nil
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return literalStep{f}, nil
	}
	return nil, fmt.Errorf("cannot parse number %s", text)
}
