package validation

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
)

// The checks in this file return nil for a valid value and otherwise one
// message per problem, in Kubernetes' words (k8s.io/apimachinery
// pkg/util/validation), so that a user sees the text they know from a
// Kubernetes API server. Callers turn each message into a meta.Invalid.
// None uses a regexp: they run for every name of every write.

// Length limits.
const (
	// DNS1123LabelMaxLength is the longest DNS-1123 label.
	DNS1123LabelMaxLength = 63
	// DNS1123SubdomainMaxLength is the longest DNS-1123 subdomain.
	DNS1123SubdomainMaxLength = 253
	// DNS1035LabelMaxLength is the longest DNS-1035 label.
	DNS1035LabelMaxLength = 63
	// LabelValueMaxLength is the longest label value.
	LabelValueMaxLength = 63
)

// Formats (as the regular expressions Kubernetes quotes in its messages) and
// the messages that go with them.
const (
	dns1123LabelFmt     = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
	dns1123LabelMsg     = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
	dns1123SubdomainFmt = dns1123LabelFmt + "(\\." + dns1123LabelFmt + ")*"
	dns1123SubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
	dns1035LabelFmt     = "[a-z]([-a-z0-9]*[a-z0-9])?"
	dns1035LabelMsg     = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"
	wildcardFmt         = "\\*\\." + dns1123SubdomainFmt
	wildcardMsg         = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character"
	cIdentifierFmt      = "[A-Za-z_][A-Za-z0-9_]*"
	cIdentifierMsg      = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'"
	envVarNameFmt       = "[-._a-zA-Z][-._a-zA-Z0-9]*"
	envVarNameMsg       = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit"
	relaxedEnvVarMsg    = "a valid environment variable name must consist only of printable ASCII characters other than '='"
	configMapKeyFmt     = "[-._a-zA-Z0-9]+"
	configMapKeyMsg     = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
	httpHeaderNameFmt   = "[-A-Za-z0-9]+"
	httpHeaderNameMsg   = "a valid HTTP header must consist of alphanumeric characters or '-'"
	percentFmt          = "[0-9]+%"
	percentMsg          = "a valid percent string must be a numeric string followed by an ending '%'"
	httpPathFmt         = `[A-Za-z0-9/\-._~%!$&'()*+,;=:]+`
)

// MaxLenError is the message for a string longer than length.
func MaxLenError(length int) string {
	return fmt.Sprintf("must be no more than %d characters", length)
}

// RegexError is the message for a value that does not match the format re,
// with examples of valid values. It reproduces Kubernetes' text exactly,
// including the double space its examples list leaves before "or".
func RegexError(msg, re string, examples ...string) string {
	if len(examples) == 0 {
		return msg + " (regex used for validation is '" + re + "')"
	}
	var b strings.Builder
	b.WriteString(msg)
	b.WriteString(" (e.g. ")
	for i, e := range examples {
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteString("'" + e + "', ")
	}
	b.WriteString("regex used for validation is '" + re + "')")
	return b.String()
}

// EmptyError is the message for an empty string that must not be.
func EmptyError() string { return "must be non-empty" }

// InclusiveRangeError is the message for a number outside [lo, hi].
func InclusiveRangeError(lo, hi int) string {
	return fmt.Sprintf("must be between %d and %d, inclusive", lo, hi)
}

func isLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isDNS1123Label matches dns1123LabelFmt (length not checked).
func isDNS1123Label(s string) bool {
	if s == "" || !isLowerAlnum(s[0]) || !isLowerAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isLowerAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

// isDNS1123Subdomain matches dns1123SubdomainFmt (length not checked).
func isDNS1123Subdomain(s string) bool {
	for {
		label, rest, more := strings.Cut(s, ".")
		if !isDNS1123Label(label) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

// IsDNS1123Label checks an RFC 1123 label: at most 63 characters of
// [a-z0-9-], starting and ending with an alphanumeric character. Namespace
// names, container and volume names are labels.
func IsDNS1123Label(value string) []string {
	var errs []string
	if len(value) > DNS1123LabelMaxLength {
		errs = append(errs, MaxLenError(DNS1123LabelMaxLength))
	}
	if !isDNS1123Label(value) {
		if isDNS1123Subdomain(value) {
			// Only dots can make a valid subdomain an invalid label.
			errs = append(errs, "must not contain dots")
		} else {
			errs = append(errs, RegexError(dns1123LabelMsg, dns1123LabelFmt, "my-name", "123-abc"))
		}
	}
	return errs
}

// IsDNS1123Subdomain checks an RFC 1123 subdomain: at most 253 characters
// of dot-separated labels. Most object names are subdomains.
func IsDNS1123Subdomain(value string) []string {
	var errs []string
	if len(value) > DNS1123SubdomainMaxLength {
		errs = append(errs, MaxLenError(DNS1123SubdomainMaxLength))
	}
	if !isDNS1123Subdomain(value) {
		errs = append(errs, RegexError(dns1123SubdomainMsg, dns1123SubdomainFmt, "example.com"))
	}
	return errs
}

// IsDNS1035Label checks an RFC 1035 label: an RFC 1123 label that starts
// with a letter. Service names are DNS-1035 labels.
func IsDNS1035Label(value string) []string {
	var errs []string
	if len(value) > DNS1035LabelMaxLength {
		errs = append(errs, MaxLenError(DNS1035LabelMaxLength))
	}
	if !isDNS1123Label(value) || !('a' <= value[0] && value[0] <= 'z') {
		errs = append(errs, RegexError(dns1035LabelMsg, dns1035LabelFmt, "my-name", "abc-123"))
	}
	return errs
}

// IsWildcardDNS1123Subdomain checks a wildcard domain such as
// "*.example.com" (RFC 1034 section 4.3.3): "*." and then a subdomain.
func IsWildcardDNS1123Subdomain(value string) []string {
	var errs []string
	if len(value) > DNS1123SubdomainMaxLength {
		errs = append(errs, MaxLenError(DNS1123SubdomainMaxLength))
	}
	if rest, ok := strings.CutPrefix(value, "*."); !ok || !isDNS1123Subdomain(rest) {
		errs = append(errs, RegexError(wildcardMsg, wildcardFmt, "*.example.com"))
	}
	return errs
}

// IsQualifiedName checks what Kubernetes calls a qualified name, the format
// of label keys, annotation keys and finalizers: an optional DNS subdomain
// prefix and '/', then a name of at most 63 characters of [A-Za-z0-9_.-]
// starting and ending with an alphanumeric character. It is
// labels.ValidateLabelKey, so selectors and metadata report the same text.
func IsQualifiedName(value string) []string { return labels.ValidateLabelKey(value) }

// IsValidLabelValue checks a label value: empty, or at most 63 characters
// of [A-Za-z0-9_.-] starting and ending with an alphanumeric character.
func IsValidLabelValue(value string) []string { return labels.ValidateLabelValue(value) }

// IsCIdentifier checks a C identifier: [A-Za-z_][A-Za-z0-9_]*. Its length
// is not checked.
func IsCIdentifier(value string) []string {
	ok := value != "" && (isAlpha(value[0]) || value[0] == '_')
	for i := 1; ok && i < len(value); i++ {
		c := value[i]
		ok = isAlpha(c) || isDigit(c) || c == '_'
	}
	if !ok {
		return []string{RegexError(cIdentifierMsg, cIdentifierFmt, "my_name", "MY_NAME", "MyName")}
	}
	return nil
}

// IsEnvVarName is the strict check of an environment variable name that
// Kubernetes applied before 1.30: letters, digits, '_', '-' and '.', not
// starting with a digit, and not '.', '..' or starting with '..'.
func IsEnvVarName(value string) []string {
	var errs []string
	ok := value != "" && !isDigit(value[0])
	for i := 0; ok && i < len(value); i++ {
		c := value[i]
		ok = isAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.'
	}
	if !ok {
		errs = append(errs, RegexError(envVarNameMsg, envVarNameFmt, "my.env-name", "MY_ENV.NAME", "MyEnvName1"))
	}
	return append(errs, chdirPrefixErrors(value)...)
}

// IsRelaxedEnvVarName checks an environment variable name as Kubernetes
// does since 1.32 (RelaxedEnvironmentVariableValidation, GA in 1.34): any
// non-empty string of printable ASCII characters other than '='. Pods use
// this check.
func IsRelaxedEnvVarName(value string) []string {
	var errs []string
	if value == "" {
		errs = append(errs, "environment variable name "+EmptyError())
	}
	for _, r := range value {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == '=' {
			errs = append(errs, relaxedEnvVarMsg)
			break
		}
	}
	return errs
}

// IsConfigMapKey checks a key of a ConfigMap or Secret: at most 253
// characters of [-._a-zA-Z0-9], and not '.', '..' or starting with '..'
// (keys become file names in volumes).
func IsConfigMapKey(value string) []string {
	var errs []string
	if len(value) > DNS1123SubdomainMaxLength {
		errs = append(errs, MaxLenError(DNS1123SubdomainMaxLength))
	}
	ok := value != ""
	for i := 0; ok && i < len(value); i++ {
		c := value[i]
		ok = isAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.'
	}
	if !ok {
		errs = append(errs, RegexError(configMapKeyMsg, configMapKeyFmt, "key.name", "KEY_NAME", "key-name"))
	}
	return append(errs, chdirPrefixErrors(value)...)
}

func chdirPrefixErrors(value string) []string {
	switch {
	case value == ".":
		return []string{"must not be '.'"}
	case value == "..":
		return []string{"must not be '..'"}
	case strings.HasPrefix(value, ".."):
		return []string{"must not start with '..'"}
	}
	return nil
}

// IsHTTPHeaderName checks an HTTP header name as Go's net/http accepts it:
// alphanumeric characters and '-'.
func IsHTTPHeaderName(value string) []string {
	ok := value != ""
	for i := 0; ok && i < len(value); i++ {
		c := value[i]
		ok = isAlpha(c) || isDigit(c) || c == '-'
	}
	if !ok {
		return []string{RegexError(httpHeaderNameMsg, httpHeaderNameFmt, "X-Header-Name")}
	}
	return nil
}

// IsValidPercent checks a percentage string such as "25%".
func IsValidPercent(percent string) []string {
	digits, ok := strings.CutSuffix(percent, "%")
	ok = ok && digits != ""
	for i := 0; ok && i < len(digits); i++ {
		ok = isDigit(digits[i])
	}
	if !ok {
		return []string{RegexError(percentMsg, percentFmt, "1%", "93%")}
	}
	return nil
}

// IsValidPortNum checks a port number: 1 to 65535.
func IsValidPortNum(port int) []string {
	if 1 <= port && port <= 65535 {
		return nil
	}
	return []string{InclusiveRangeError(1, 65535)}
}

// IsInRange checks that value is in [lo, hi].
func IsInRange(value, lo, hi int) []string {
	if lo <= value && value <= hi {
		return nil
	}
	return []string{InclusiveRangeError(lo, hi)}
}

// IsValidUserID checks a Unix user ID: 0 to 2^31-1.
func IsValidUserID(uid int64) []string {
	if 0 <= uid && uid <= 1<<31-1 {
		return nil
	}
	return []string{InclusiveRangeError(0, 1<<31-1)}
}

// IsValidGroupID checks a Unix group ID: 0 to 2^31-1.
func IsValidGroupID(gid int64) []string {
	if 0 <= gid && gid <= 1<<31-1 {
		return nil
	}
	return []string{InclusiveRangeError(0, 1<<31-1)}
}

// IsValidPortName checks a port name (an IANA_SVC_NAME, RFC 6335): at most
// 15 characters of [-a-z0-9] with at least one letter, no leading, trailing
// or doubled hyphen. Container and service port names use it.
func IsValidPortName(port string) []string {
	var errs []string
	if len(port) > 15 {
		errs = append(errs, MaxLenError(15))
	}
	charsetOK, letter := port != "", false
	for i := 0; i < len(port); i++ {
		c := port[i]
		if 'a' <= c && c <= 'z' {
			letter = true
		} else if !isDigit(c) && c != '-' {
			charsetOK = false
		}
	}
	if !charsetOK {
		errs = append(errs, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if !letter {
		errs = append(errs, "must contain at least one letter (a-z)")
	}
	if strings.Contains(port, "--") {
		errs = append(errs, "must not contain consecutive hyphens")
	}
	if port != "" && (port[0] == '-' || port[len(port)-1] == '-') {
		errs = append(errs, "must not begin or end with a hyphen")
	}
	return errs
}

// IsFullyQualifiedDomainName checks a domain name of at least two labels
// ("example.com"); a trailing dot is allowed. CRD groups and ingress class
// controllers use it.
func IsFullyQualifiedDomainName(path *meta.Path, name string) meta.FieldErrors {
	if name == "" {
		return meta.FieldErrors{meta.Required(path, "")}
	}
	name = strings.TrimSuffix(name, ".")
	if errs := IsDNS1123Subdomain(name); len(errs) > 0 {
		return meta.FieldErrors{meta.Invalid(path, name, strings.Join(errs, ","))}
	}
	if !strings.Contains(name, ".") {
		return meta.FieldErrors{meta.Invalid(path, name, "should be a domain with at least two segments separated by dots")}
	}
	for _, label := range strings.Split(name, ".") {
		if errs := IsDNS1123Label(label); len(errs) > 0 {
			return meta.FieldErrors{meta.Invalid(path, label, strings.Join(errs, ","))}
		}
	}
	return nil
}

// IsDomainPrefixedPath checks a domain-prefixed path such as "acme.io/foo":
// a DNS subdomain, '/', then characters allowed in an HTTP path (RFC 3986).
func IsDomainPrefixedPath(path *meta.Path, dpPath string) meta.FieldErrors {
	if dpPath == "" {
		return meta.FieldErrors{meta.Required(path, "")}
	}
	host, rest, ok := strings.Cut(dpPath, "/")
	if !ok || host == "" || rest == "" {
		return meta.FieldErrors{meta.Invalid(path, dpPath, `must be a domain-prefixed path (such as "acme.io/foo")`)}
	}
	var errs meta.FieldErrors
	for _, msg := range IsDNS1123Subdomain(host) {
		errs = append(errs, meta.Invalid(path, host, msg))
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !isAlpha(c) && !isDigit(c) && !strings.ContainsRune("/-._~%!$&'()*+,;=:", rune(c)) {
			return append(errs, meta.Invalid(path, rest, RegexError("Invalid path", httpPathFmt)))
		}
	}
	return errs
}

// IsPathSegmentName checks a name that becomes one segment of a URL path
// (RBAC objects, most custom resources): not "." or "..", and without '/'
// or '%'.
func IsPathSegmentName(name string) []string {
	if name == "." || name == ".." {
		return []string{fmt.Sprintf("may not be '%s'", name)}
	}
	return IsPathSegmentPrefix(name)
}

// IsPathSegmentPrefix checks a prefix of a path segment name (a
// generateName): without '/' or '%'.
func IsPathSegmentPrefix(name string) []string {
	var errs []string
	for _, bad := range []string{"/", "%"} {
		if strings.Contains(name, bad) {
			errs = append(errs, fmt.Sprintf("may not contain '%s'", bad))
		}
	}
	return errs
}
