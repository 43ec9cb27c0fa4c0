package client

import (
	"strconv"
	"strings"
)

// parseWarnings extracts the texts of Warning headers (RFC 7234, section
// 5.5): each value is a comma-separated list of `code agent "text" ["date"]`.
// The API server sends code 299 and agent "-". Malformed values are passed
// on whole rather than lost.
func parseWarnings(values []string) []string {
	var out []string
	for _, v := range values {
		for rest := strings.TrimSpace(v); rest != ""; {
			text, tail, ok := parseWarning(rest)
			if !ok {
				out = append(out, rest)
				break
			}
			out = append(out, text)
			rest = strings.TrimLeft(tail, " \t,")
		}
	}
	return out
}

// parseWarning reads one warning-value from the start of s and returns its
// text and what follows it.
func parseWarning(s string) (text, rest string, ok bool) {
	// warn-code and warn-agent are tokens without spaces.
	for range 2 {
		i := strings.IndexByte(s, ' ')
		if i <= 0 {
			return "", "", false
		}
		s = strings.TrimLeft(s[i:], " ")
	}
	text, s, ok = quoted(s)
	if !ok {
		return "", "", false
	}
	// An optional warn-date, also quoted.
	if t := strings.TrimLeft(s, " "); strings.HasPrefix(t, `"`) {
		if _, after, ok := quoted(t); ok {
			s = after
		}
	}
	return text, s, true
}

// quoted reads a quoted-string from the start of s. Kubernetes escapes
// only quotes and backslashes (RFC 7230 quoted-pair); spar's server uses Go quoting,
// which also escapes control characters. Go's unquoting reads both for
// text that is not exotic; the RFC reading is the fallback.
func quoted(s string) (text, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			if u, err := strconv.Unquote(s[:i+1]); err == nil {
				return u, s[i+1:], true
			}
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}
