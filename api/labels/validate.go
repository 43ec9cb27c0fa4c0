package labels

import (
	"strconv"
	"strings"
)

// Limits and formats of label keys and values, as Kubernetes checks them.
const (
	maxNameLen   = 63  // name part of a key
	maxValueLen  = 63  // a value
	maxPrefixLen = 253 // DNS-1123 subdomain prefix of a key

	nameFmt      = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
	valueFmt     = "(" + nameFmt + ")?"
	subdomainFmt = `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`
)

// The messages below are Kubernetes' own, word for word (including the double
// space its regex-error helper leaves before "or"), so that a user sees the
// same text from spar as from a Kubernetes API server.
const (
	nameMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character" +
		" (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + nameFmt + "')"
	keyMsg = "a valid label key " + nameMsg +
		" with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
	valueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character" +
		" (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '" + valueFmt + "')"
	subdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character" +
		" (e.g. 'example.com', regex used for validation is '" + subdomainFmt + "')"
)

// ValidateLabelKey checks a label key (Kubernetes calls it a qualified name):
// an optional DNS-1123 subdomain prefix of at most 253 bytes and a '/', then a
// name of 1 to 63 bytes of [A-Za-z0-9_.-] that starts and ends with an
// alphanumeric character. It returns nil for a valid key, otherwise
// Kubernetes' messages, one per problem.
func ValidateLabelKey(k string) []string {
	name := k
	var errs []string
	if i := strings.IndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		if strings.IndexByte(name, '/') >= 0 {
			return []string{keyMsg}
		}
		switch {
		case prefix == "":
			errs = append(errs, "prefix part must be non-empty")
		default:
			if len(prefix) > maxPrefixLen {
				errs = append(errs, "prefix part "+maxLenMsg(maxPrefixLen))
			}
			if !isSubdomain(prefix) {
				errs = append(errs, "prefix part "+subdomainMsg)
			}
		}
	}
	switch {
	case name == "":
		errs = append(errs, "name part must be non-empty")
	case len(name) > maxNameLen:
		errs = append(errs, "name part "+maxLenMsg(maxNameLen))
	}
	if !isName(name) {
		errs = append(errs, "name part "+nameMsg)
	}
	return errs
}

// ValidateLabelValue checks a label value: empty, or 1 to 63 bytes of
// [A-Za-z0-9_.-] starting and ending with an alphanumeric character. It
// returns nil for a valid value, otherwise Kubernetes' messages.
func ValidateLabelValue(v string) []string {
	var errs []string
	if len(v) > maxValueLen {
		errs = append(errs, maxLenMsg(maxValueLen))
	}
	if v != "" && !isName(v) {
		errs = append(errs, valueMsg)
	}
	return errs
}

func maxLenMsg(n int) string { return "must be no more than " + strconv.Itoa(n) + " bytes" }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isName matches ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ without a regexp:
// validation runs for every key and value of every parsed selector.
func isName(s string) bool {
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isSubdomain matches the DNS-1123 subdomain pattern: dot-separated labels of
// [a-z0-9-] that start and end with [a-z0-9].
func isSubdomain(s string) bool {
	for {
		label, rest, more := strings.Cut(s, ".")
		if !isDNSLabel(label) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

func isDNSLabel(s string) bool {
	lowerAlnum := func(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
	if s == "" || !lowerAlnum(s[0]) || !lowerAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !lowerAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}
