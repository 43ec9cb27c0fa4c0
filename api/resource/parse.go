package resource

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// The grammar Kubernetes states for quantities; its error quotes it.
const quantityRegexp = `^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`

// Errors from ParseQuantity, with Kubernetes' wording (clients show them).
var (
	ErrFormatWrong = errors.New("quantities must match the regular expression '" + quantityRegexp + "'")
	ErrNumeric     = errors.New("unable to parse numeric part of quantity")
	ErrSuffix      = errors.New("unable to parse quantity's suffix")
)

// ParseQuantity parses a quantity:
//
//	quantity := [+-] number suffix
//	number   := digits | digits "." [digits] | "." digits
//	suffix   := "" | n u m k M G T P E          (decimal SI, 10^3k)
//	          | Ki Mi Gi Ti Pi Ei               (binary SI, 2^10k)
//	          | (e|E) [+-] digits               (decimal exponent)
//
// It follows Kubernetes exactly, quirks included. Values more precise than
// a nano (10^-9) are rounded up, away from zero, to the next nano, so that a
// request for a little gets some. BinarySI values are capped at 2^63-1 in
// magnitude; other formats are not capped. A decimal exponent is read as a
// 64-bit integer and then truncated to 32 bits, as Kubernetes does.
//
// An input already in canonical form ("100m", "1Gi") is kept as the
// quantity's string and returned by String without formatting.
func ParseQuantity(str string) (Quantity, error) {
	if str == "" {
		return Quantity{}, ErrFormatWrong
	}
	if str == "0" {
		return Quantity{format: formatDecimalSI, s: "0"}, nil
	}
	p, err := scan(str)
	if err != nil {
		return Quantity{}, err
	}
	binary, exp, f, ok := interpret(p.suffix)
	if !ok {
		return Quantity{}, ErrSuffix
	}

	// Fast path: the digits and the suffix's multiplier fit an int64, and the
	// value is a whole number of nanos. The digit budgets are Kubernetes'.
	precision, scale := -1, int64(0)
	switch {
	case !binary:
		precision = 18 - len(p.num) - len(p.denom)
		scale = int64(exp)
	case p.denom == "":
		precision = 14 - len(p.num) - 3*int(exp)/10
	}
	if precision >= 0 {
		scale -= int64(len(p.denom))
		if scale >= int64(Nano) {
			v := digitsValue(p.num, p.denom)
			r := v
			if binary {
				r = v << exp // cannot overflow within the digit budget
			}
			if p.neg {
				r = -r
			}
			q := Quantity{i: r, scale: int32(scale), format: f}
			if writtenCanonically(binary, v, scale, p.num, p.denom) {
				q.s = str
			}
			return q, nil
		}
	}
	if binary && p.denom != "" && len(p.num)+len(p.denom) <= 18 {
		// A binary fraction ("1.5Gi") is digits·2^exp at a negative decimal
		// scale; Kubernetes takes its slow path here, with the same result.
		if v := digitsValue(p.num, p.denom); v <= math.MaxInt64>>exp {
			return binaryFraction(v<<exp, -int64(len(p.denom)), p.neg), nil
		}
	}
	return parseBig(p, binary, exp, f)
}

// binaryFraction returns the BinarySI quantity v·10^scale, v >= 0 and
// scale < 0, rounded up to a nano; below one it is DecimalSI, as in parseBig.
func binaryFraction(v, scale int64, neg bool) Quantity {
	if scale < int64(Nano) {
		v, _ = divPow10Up(v, int64(Nano)-scale)
		scale = int64(Nano)
	}
	f := formatBinarySI
	if v != 0 && v < pow10[-scale] {
		f = formatDecimalSI
	}
	if neg {
		v = -v
	}
	return Quantity{i: v, scale: int32(scale), format: f}
}

// writtenCanonically reports whether the input string may serve as the
// canonical string. This is Kubernetes' test, which is cheap rather than
// exact: it also accepts forms such as "+1Ki", "0100M" and "1.500M", and
// String returns those as written.
func writtenCanonically(binary bool, v, scale int64, num, denom string) bool {
	if binary {
		// Not a multiple of 8, so not of 1024: no larger suffix fits.
		return v&7 != 0
	}
	if scale%3 != 0 || num[0] == '0' {
		return false
	}
	// The digits must not end in "000", which a larger suffix would absorb.
	n := 0
	for i := len(denom) - 1; i >= 0 && n < 3 && denom[i] == '0'; i-- {
		n++
	}
	if n == len(denom) {
		for i := len(num) - 1; i >= 0 && n < 3 && num[i] == '0'; i-- {
			n++
		}
	}
	return n < 3
}

// parseBig is the slow path: many digits, finer than a nano, or large binary
// multipliers.
func parseBig(p parts, binary bool, exp int32, f formatCode) (Quantity, error) {
	if strings.IndexAny(p.value, "0123456789") < 0 {
		return Quantity{}, ErrNumeric // ".Pi", "-e-20"
	}
	digits := p.num + p.denom
	scale := -int64(len(p.denom))
	if !binary {
		scale += int64(exp)
	}
	// Fold trailing zeros into the exponent: the value is the same, and a
	// long run of zeros does not become a huge integer.
	t := strings.TrimRight(digits, "0")
	if t == "" {
		return Quantity{format: f}, nil
	}
	scale += int64(len(digits) - len(t))
	u, ok := new(big.Int).SetString(t, 10)
	if !ok {
		return Quantity{}, ErrNumeric
	}
	if binary {
		u.Lsh(u, uint(exp))
	}
	d, _ := decimal{u, scale}.roundUpTo(int64(Nano))
	if f == formatBinarySI {
		if cmpDecimal(d, decimal{bigMaxInt64, 0}) > 0 {
			d = decimal{bigMaxInt64, 0}
		}
		if d.exp < 0 && cmpDecimal(d, decimal{big.NewInt(1), 0}) < 0 {
			f = formatDecimalSI // a fraction of one has no binary form
		}
	}
	if p.neg {
		d.u = new(big.Int).Neg(d.u)
	}
	return fromDecimal(d, f), nil
}

// parts is a quantity string split up by scan.
type parts struct {
	neg    bool
	num    string // integer digits without leading zeros; "0" when none remain
	denom  string // fraction digits as written
	value  string // the number as written, sign included
	suffix string
}

// scan splits str ("-1.5Gi") into its parts. Like Kubernetes' scanner it
// accepts an empty number ("Mi", "-", "."), which then reads as zero or, on
// the slow path, fails with ErrNumeric.
func scan(str string) (p parts, err error) {
	pos, end := 0, len(str)
	switch str[0] {
	case '-':
		p.neg = true
		pos++
	case '+':
		pos++
	}
	for pos < end && str[pos] == '0' {
		pos++
	}
	if pos == end {
		p.num, p.value = "0", "0"
		return p, nil
	}
	start := pos
	for pos < end && isDigit(str[pos]) {
		pos++
	}
	p.num = str[start:pos]
	if pos == end {
		p.value = str
		return p, nil
	}
	if p.num == "" {
		p.num = "0"
	}
	if str[pos] == '.' {
		pos++
		start = pos
		for pos < end && isDigit(str[pos]) {
			pos++
		}
		p.denom = str[start:pos]
		if pos == end {
			p.value = str
			return p, nil
		}
	}
	p.value = str[:pos]
	start = pos
	for pos < end && suffixLetter[str[pos]] {
		pos++
	}
	if pos < end && (str[pos] == '+' || str[pos] == '-') {
		pos++
	}
	for pos < end && isDigit(str[pos]) {
		pos++
	}
	if pos < end {
		return parts{}, ErrFormatWrong
	}
	p.suffix = str[start:]
	return p, nil
}

// suffixLetter marks the bytes that may start a suffix: eEinumkKMGTP.
var suffixLetter = [256]bool{'e': true, 'E': true, 'i': true, 'n': true, 'u': true, 'm': true,
	'k': true, 'K': true, 'M': true, 'G': true, 'T': true, 'P': true}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitsValue returns the integer written by num followed by denom, which
// together hold at most 18 digits.
func digitsValue(num, denom string) int64 {
	var v int64
	for i := 0; i < len(num); i++ {
		v = v*10 + int64(num[i]-'0')
	}
	for i := 0; i < len(denom); i++ {
		v = v*10 + int64(denom[i]-'0')
	}
	return v
}

// interpret returns the multiplier a suffix stands for: 2^exp if binary,
// else 10^exp.
func interpret(s string) (binary bool, exp int32, f formatCode, ok bool) {
	switch s {
	case "":
		return false, 0, formatDecimalSI, true
	case "n":
		return false, -9, formatDecimalSI, true
	case "u":
		return false, -6, formatDecimalSI, true
	case "m":
		return false, -3, formatDecimalSI, true
	case "k":
		return false, 3, formatDecimalSI, true
	case "M":
		return false, 6, formatDecimalSI, true
	case "G":
		return false, 9, formatDecimalSI, true
	case "T":
		return false, 12, formatDecimalSI, true
	case "P":
		return false, 15, formatDecimalSI, true
	case "E":
		return false, 18, formatDecimalSI, true
	case "Ki":
		return true, 10, formatBinarySI, true
	case "Mi":
		return true, 20, formatBinarySI, true
	case "Gi":
		return true, 30, formatBinarySI, true
	case "Ti":
		return true, 40, formatBinarySI, true
	case "Pi":
		return true, 50, formatBinarySI, true
	case "Ei":
		return true, 60, formatBinarySI, true
	}
	if len(s) > 1 && (s[0] == 'e' || s[0] == 'E') {
		n, err := strconv.ParseInt(s[1:], 10, 64)
		if err != nil {
			return false, 0, 0, false
		}
		return false, int32(n), formatDecimalExponent, true
	}
	return false, 0, 0, false
}
