package validation

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/spar-dev/spar/api/meta"
)

// Kubernetes has two strengths of IP and CIDR checks. Fields that have
// existed since before 1.33 ("legacy" fields: podIPs, clusterIPs,
// externalIPs, endpoints, hostAliases, podCIDRs, ...) accept what Go's old
// parser accepted, minus leading zeros and IPv4-mapped IPv6 addresses once
// StrictIPCIDRValidation is on (the default since 1.36, as here). New fields
// also require the canonical form.

const (
	ipMsg   = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
	cidrMsg = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
)

// parseIPSloppy parses an IP address as Go before 1.17 did, accepting
// leading zeros in IPv4 octets ("010.1.1.1" is 10.1.1.1), so that the
// stricter checks can report them by name.
func parseIPSloppy(s string) net.IP {
	if ip := net.ParseIP(s); ip != nil {
		return ip
	}
	if strings.Count(s, ".") != 3 || strings.Contains(s, ":") {
		return nil
	}
	var b [4]byte
	for i, part := range strings.Split(s, ".") {
		if part == "" || len(part) > 3 {
			return nil
		}
		n := 0
		for j := 0; j < len(part); j++ {
			if !isDigit(part[j]) {
				return nil
			}
			n = n*10 + int(part[j]-'0')
		}
		if n > 255 {
			return nil
		}
		b[i] = byte(n)
	}
	return net.IPv4(b[0], b[1], b[2], b[3])
}

// IsValidIPForLegacyField checks an IP address in a field that predates
// Kubernetes' strict IP validation: it must parse, and may not have leading
// zeros or be an IPv4-mapped IPv6 address. Non-canonical IPv6 forms are
// accepted.
func IsValidIPForLegacyField(value string) []string {
	_, errs := parseIP(value)
	return errs
}

func parseIP(value string) (net.IP, []string) {
	ip := parseIPSloppy(value)
	if ip == nil {
		return nil, []string{ipMsg}
	}
	var errs []string
	addr, err := netip.ParseAddr(value)
	if err != nil {
		errs = append(errs, "must not have leading 0s")
	}
	if addr.Is4In6() {
		errs = append(errs, "must not be an IPv4-mapped IPv6 address")
	}
	return ip, errs
}

// IsValidIP checks an IP address in a new field: as
// IsValidIPForLegacyField, and it must be in canonical form ("2001:db8::1",
// not "2001:DB8:0::1").
func IsValidIP(value string) []string {
	ip, errs := parseIP(value)
	if len(errs) > 0 {
		return errs
	}
	if s := ip.String(); s != value {
		return []string{fmt.Sprintf("must be in canonical form (%q)", s)}
	}
	return nil
}

// IsValidCIDRForLegacyField checks a CIDR value in a field that predates
// strict validation: it must parse, without leading zeros, without an
// IPv4-mapped address, and without bits set beyond the prefix length
// ("10.0.0.1/8" is ambiguous).
func IsValidCIDRForLegacyField(value string) []string {
	_, errs := parseCIDR(value)
	return errs
}

func parseCIDR(value string) (*net.IPNet, []string) {
	addr, bits, ok := strings.Cut(value, "/")
	ip := parseIPSloppy(addr)
	if !ok || ip == nil {
		return nil, []string{cidrMsg}
	}
	// Reuse net's prefix-length parsing on the un-zero-padded address.
	canon := ip.String()
	if ip.To4() != nil && !strings.Contains(addr, ":") {
		canon = ip.To4().String()
	}
	_, ipnet, err := net.ParseCIDR(canon + "/" + bits)
	if err != nil {
		return nil, []string{cidrMsg}
	}
	prefix, err := netip.ParsePrefix(value)
	switch {
	case err != nil:
		return ipnet, []string{"must not have leading 0s in IP or prefix length"}
	case prefix.Addr().Is4In6():
		return ipnet, []string{"must not have an IPv4-mapped IPv6 address"}
	case prefix.Addr() != prefix.Masked().Addr():
		return ipnet, []string{"must not have bits set beyond the prefix length"}
	}
	return ipnet, nil
}

// IsValidCIDR checks a CIDR value in a new field: as
// IsValidCIDRForLegacyField, and in canonical form.
func IsValidCIDR(value string) []string {
	ipnet, errs := parseCIDR(value)
	if len(errs) > 0 {
		return errs
	}
	if s := ipnet.String(); s != value {
		return []string{fmt.Sprintf("must be in canonical form (%q)", s)}
	}
	return nil
}

// ValidateEndpointIP checks an address that traffic is sent to (endpoints,
// endpoint slices and, for historical reasons, a service's external IPs):
// it must parse and may not be unspecified, loopback, link-local or
// link-local multicast.
func ValidateEndpointIP(ip string, path *meta.Path) meta.FieldErrors {
	parsed := parseIPSloppy(ip)
	if parsed == nil {
		return meta.FieldErrors{meta.Invalid(path, ip, "must be a valid IP address")}
	}
	var errs meta.FieldErrors
	if parsed.IsUnspecified() {
		errs = append(errs, meta.Invalid(path, ip, fmt.Sprintf("may not be unspecified (%v)", ip)))
	}
	if parsed.IsLoopback() {
		errs = append(errs, meta.Invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
	}
	if parsed.IsLinkLocalUnicast() {
		errs = append(errs, meta.Invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
	}
	if parsed.IsLinkLocalMulticast() {
		errs = append(errs, meta.Invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
	}
	return errs
}
