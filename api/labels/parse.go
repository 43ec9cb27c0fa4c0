package labels

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api/meta"
)

// SyntaxError is the error of Parse: where in the input it stopped and why.
type SyntaxError struct {
	// Pos is the byte offset in the input of the offending token (the
	// length of the input when the input ended too early).
	Pos int
	// Token is the offending token as written, "" at the end of the input.
	Token string
	// Msg says what is wrong, in Kubernetes' words ("unable to parse
	// requirement: found ')', expected: identifier").
	Msg string
	// Err is the meta.FieldErrors behind Msg when a key or value is
	// malformed, nil for a syntax error.
	Err error
}

func (e *SyntaxError) Error() string { return e.Msg + " (at position " + strconv.Itoa(e.Pos) + ")" }

// Unwrap returns Err, so errors.As finds the meta.FieldErrors of a bad key or
// value.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Parse reads a selector in Kubernetes' syntax: comma-separated requirements,
// all of which must hold.
//
//	key=value  key==value  key!=value   exact match; != also matches when key is absent
//	key in (v1,v2)  key notin (v1,v2)   set match; notin also matches when key is absent
//	key  !key                           key exists / does not exist
//	key>5  key<5                        the label is an integer greater / less than 5
//
// Whitespace (space, tab, CR, LF) may surround tokens; "in" and "notin" need
// it to be told from the key. Keys and values are validated as
// ValidateLabelKey and ValidateLabelValue do, and a value may be empty
// ("a=", "a in (,b)"). The empty string selects everything.
// Errors are *SyntaxError.
func Parse(s string) (Selector, error) {
	p := parser{lexer: lexer{s: s}}
	p.advance()
	var sel selector
	if p.ahead.tok != tokEnd {
		// Every requirement but the last ends at a comma.
		sel = make(selector, 0, strings.Count(s, ",")+1)
	}
	for {
		switch t := p.peek(); t.tok {
		case tokIdent, tokNot:
			r, err := p.requirement()
			if err != nil {
				return nil, err
			}
			sel = append(sel, r)
			switch t := p.next(); t.tok {
			case tokEnd:
				sel.sort()
				return sel, nil
			case tokComma:
				if t := p.peek(); t.tok != tokIdent && t.tok != tokNot {
					return nil, syntaxError(t, "", "found '%s', expected: identifier after ','", t.lit)
				}
			default:
				return nil, syntaxError(t, "", "found '%s', expected: ',' or 'end of string'", t.lit)
			}
		case tokEnd:
			return sel, nil
		default:
			return nil, syntaxError(t, "", "found '%s', expected: !, identifier, or 'end of string'", t.lit)
		}
	}
}

const reqPrefix = "unable to parse requirement: "

func syntaxError(t item, prefix, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: t.pos, Token: t.lit, Msg: prefix + fmt.Sprintf(format, args...)}
}

type token uint8

const (
	tokEnd      token = iota
	tokIdent          // a key or value
	tokIn             // in
	tokNotIn          // notin
	tokNot            // !
	tokEq             // =
	tokDoubleEq       // ==
	tokNotEq          // !=
	tokGt             // >
	tokLt             // <
	tokOpen           // (
	tokClose          // )
	tokComma          // ,
)

type item struct {
	tok token
	lit string // the text; a substring of the input, so lexing does not allocate
	pos int
}

// lexer splits the input as Kubernetes' lexer does: an identifier is any run
// of bytes other than whitespace and the special symbols =!()<>, ; symbols
// pair up only as "==" and "!=".
type lexer struct {
	s   string
	pos int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isSpecial(c byte) bool {
	switch c {
	case '=', '!', '(', ')', ',', '>', '<':
		return true
	}
	return false
}

func (l *lexer) lex() item {
	for l.pos < len(l.s) && isSpace(l.s[l.pos]) {
		l.pos++
	}
	start := l.pos
	if start == len(l.s) {
		return item{tokEnd, "", start}
	}
	c := l.s[start]
	if isSpecial(c) {
		l.pos++
		var tok token
		eqNext := l.pos < len(l.s) && l.s[l.pos] == '='
		switch c {
		case '=':
			tok = tokEq
			if eqNext {
				l.pos++
				tok = tokDoubleEq
			}
		case '!':
			tok = tokNot
			if eqNext {
				l.pos++
				tok = tokNotEq
			}
		case '(':
			tok = tokOpen
		case ')':
			tok = tokClose
		case ',':
			tok = tokComma
		case '>':
			tok = tokGt
		case '<':
			tok = tokLt
		}
		return item{tok, l.s[start:l.pos], start}
	}
	for l.pos < len(l.s) && !isSpace(l.s[l.pos]) && !isSpecial(l.s[l.pos]) {
		l.pos++
	}
	lit := l.s[start:l.pos]
	switch lit {
	case "in":
		return item{tokIn, lit, start}
	case "notin":
		return item{tokNotIn, lit, start}
	}
	return item{tokIdent, lit, start}
}

// parser is a recursive-descent parser with one token of lookahead,
// following Kubernetes' grammar and its error messages.
type parser struct {
	lexer
	ahead item
}

func (p *parser) advance() { p.ahead = p.lex() }

// peek and next see "in" and "notin" as identifiers: they are keywords only
// where an operator is expected (nextOp), so "in in (in)" is a selector.
func (p *parser) peek() item {
	t := p.ahead
	if t.tok == tokIn || t.tok == tokNotIn {
		t.tok = tokIdent
	}
	return t
}

func (p *parser) next() item {
	t := p.peek()
	p.advance()
	return t
}

func (p *parser) nextOp() item {
	t := p.ahead
	p.advance()
	return t
}

// requirement parses [!] KEY [op value | op (values)].
func (p *parser) requirement() (Requirement, error) {
	var op Operator
	t := p.next()
	if t.tok == tokNot {
		op = DoesNotExist
		t = p.next()
	}
	if t.tok != tokIdent {
		return Requirement{}, syntaxError(t, reqPrefix, "found '%s', expected: identifier", t.lit)
	}
	key := t.lit
	if msgs := ValidateLabelKey(key); msgs != nil {
		return Requirement{}, fieldError(t, meta.FieldErrors{meta.Invalid(meta.NewPath("key"), key, strings.Join(msgs, "; "))})
	}
	if la := p.peek(); op != DoesNotExist && (la.tok == tokEnd || la.tok == tokComma) {
		op = Exists
	}
	if op == Exists || op == DoesNotExist {
		return Requirement{key: key, op: op, test: testOf(op)}, nil
	}

	t = p.nextOp()
	switch t.tok {
	case tokIn:
		op = In
	case tokNotIn:
		op = NotIn
	case tokEq:
		op = Equals
	case tokDoubleEq:
		op = DoubleEquals
	case tokNotEq:
		op = NotEquals
	case tokGt:
		op = GreaterThan
	case tokLt:
		op = LessThan
	default:
		return Requirement{}, syntaxError(t, reqPrefix, "found '%s', expected: in, notin, =, ==, !=, gt, lt", t.lit)
	}
	var values []item
	var err error
	if op == In || op == NotIn {
		values, err = p.setValues()
	} else {
		values, err = p.exactValue()
	}
	if err != nil {
		return Requirement{}, err
	}
	strs := make([]string, len(values))
	for i, v := range values {
		strs[i] = v.lit
	}
	// Kubernetes validates the parsed values as a sorted set, and so names
	// them by their index in it.
	slices.Sort(strs)
	strs = slices.Compact(strs)
	r, errs := newRequirement(nil, key, op, strs)
	if errs != nil {
		// Point at the first value named in the errors.
		at := values[0]
		for _, v := range values {
			if bad, ok := errs[0].BadValue.(string); ok && v.lit == bad {
				at = v
				break
			}
		}
		return Requirement{}, fieldError(at, errs)
	}
	return r, nil
}

func fieldError(t item, errs meta.FieldErrors) *SyntaxError {
	return &SyntaxError{Pos: t.pos, Token: t.lit, Msg: reqPrefix + errs.Error(), Err: errs}
}

// setValues parses "(v1,v2,...)". Empty values are allowed anywhere in the
// list, as in Kubernetes: "()" and "(,)" mean the single value "", "(a,,b)"
// the values a, "" and b. An empty value carries the position of the token
// that stands for it.
func (p *parser) setValues() ([]item, error) {
	if t := p.next(); t.tok != tokOpen {
		return nil, syntaxError(t, reqPrefix, "found '%s' expected: '('", t.lit)
	}
	switch la := p.peek(); la.tok {
	case tokClose:
		p.next()
		return []item{{tokIdent, "", la.pos}}, nil
	case tokIdent, tokComma:
	default:
		return nil, syntaxError(la, reqPrefix, "found '%s', expected: ',', ')' or identifier", la.lit)
	}
	var values []item
	for {
		t := p.next()
		switch t.tok {
		case tokIdent:
			values = append(values, t)
			switch la := p.peek(); la.tok {
			case tokComma:
				continue
			case tokClose:
				p.next()
				return values, nil
			default:
				return nil, syntaxError(la, reqPrefix, "found '%s', expected: ',' or ')'", la.lit)
			}
		case tokComma:
			if len(values) == 0 {
				values = append(values, item{tokIdent, "", t.pos}) // "(,"
			}
			switch la := p.peek(); la.tok {
			case tokClose:
				p.next()
				return append(values, item{tokIdent, "", la.pos}), nil // ",)"
			case tokComma:
				values = append(values, item{tokIdent, "", la.pos}) // ",,"
			}
		default:
			return nil, syntaxError(t, reqPrefix, "found '%s', expected: ',', or identifier", t.lit)
		}
	}
}

// exactValue parses the value after =, ==, !=, > or <; it may be empty.
func (p *parser) exactValue() ([]item, error) {
	if la := p.peek(); la.tok == tokEnd || la.tok == tokComma {
		return []item{{tokIdent, "", la.pos}}, nil
	}
	t := p.next()
	if t.tok != tokIdent {
		return nil, syntaxError(t, reqPrefix, "found '%s', expected: identifier", t.lit)
	}
	return []item{t}, nil
}
