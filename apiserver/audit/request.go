package audit

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseRequest reads a request's Attributes from its path and method with
// Kubernetes' API path grammar:
//
//	/api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
//	/apis/{group}/{version}[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
//
// It is Options.Attributes' default, for a filter used outside the spar
// API server; the server passes its own RequestInfo instead, so both
// agree on every verb.
func ParseRequest(r *http.Request) Attributes {
	a := Attributes{Path: r.URL.Path, Verb: strings.ToLower(r.Method)}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || (parts[0] != "api" && parts[0] != "apis") {
		return a
	}
	if parts[0] == "apis" {
		if len(parts) < 3 {
			return a // discovery
		}
		a.APIGroup, parts = parts[1], parts[1:]
	}
	a.APIVersion, parts = parts[1], parts[2:]
	if len(parts) == 0 {
		return a // discovery
	}
	a.ResourceRequest = true
	switch r.Method {
	case http.MethodPost:
		a.Verb = "create"
	case http.MethodGet, http.MethodHead:
		a.Verb = "get"
	case http.MethodPut:
		a.Verb = "update"
	case http.MethodPatch:
		a.Verb = "patch"
	case http.MethodDelete:
		a.Verb = "delete"
	}
	if parts[0] == "watch" {
		if a.Verb == "get" {
			a.Verb = "watch"
		}
		parts = parts[1:]
	}
	if len(parts) >= 2 && parts[0] == "namespaces" {
		a.Namespace = parts[1]
		if len(parts) > 2 && parts[2] != "status" && parts[2] != "finalize" {
			parts = parts[2:]
		}
	}
	switch {
	case len(parts) >= 3:
		a.Subresource = parts[2]
		fallthrough
	case len(parts) == 2:
		a.Name = parts[1]
		fallthrough
	case len(parts) == 1:
		a.Resource = parts[0]
	}
	if a.Resource == "namespaces" {
		a.Namespace = ""
	}
	if a.Name == "" {
		switch a.Verb {
		case "get":
			a.Verb = "list"
		case "delete":
			a.Verb = "deletecollection"
		}
	}
	if a.Verb == "list" || a.Verb == "get" {
		if q := r.URL.Query().Get("watch"); q == "true" || q == "1" {
			a.Verb = "watch"
		}
	}
	return a
}

// DefaultLongRunning reports the requests whose responses are streams:
// watches and the log, exec, attach, portforward and proxy subresources.
func DefaultLongRunning(a Attributes) bool {
	if a.Verb == "watch" {
		return true
	}
	switch a.Subresource {
	case "log", "exec", "attach", "portforward", "proxy":
		return true
	}
	return false
}

// sourceIPs lists the request's client addresses as Kubernetes does: the
// X-Forwarded-For chain, X-Real-Ip unless already in it, then the
// connection's remote address unless it is the last one already.
func sourceIPs(r *http.Request) []string {
	if len(r.Header["X-Forwarded-For"]) == 0 && len(r.Header["X-Real-Ip"]) == 0 {
		// The usual case, a direct IPv4 client: its address as written is
		// the canonical form, no parse into a net.IP and back needed.
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err == nil {
			if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
				return []string{host}
			}
		}
	}
	var ips []net.IP
	if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
		for _, part := range strings.Split(fwd, ",") {
			if ip := net.ParseIP(strings.TrimSpace(part)); ip != nil {
				ips = append(ips, ip)
			}
		}
	}
	if real := net.ParseIP(strings.TrimSpace(r.Header.Get("X-Real-Ip"))); real != nil {
		dup := false
		for _, ip := range ips {
			dup = dup || ip.Equal(real)
		}
		if !dup {
			ips = append(ips, real)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if remote := net.ParseIP(host); remote != nil && (len(ips) == 0 || !remote.Equal(ips[len(ips)-1])) {
		ips = append(ips, remote)
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out
}

// userAgent truncates long User-Agent headers as Kubernetes does.
func userAgent(r *http.Request) string {
	const max = 1024
	ua := r.UserAgent()
	if len(ua) > max {
		ua = ua[:max] + "...TRUNCATED"
	}
	return ua
}

// authMethods describes the credentials a request that failed
// authentication carried, in Kubernetes' words.
func authMethods(r *http.Request) string {
	var m []string
	if _, _, ok := r.BasicAuth(); ok {
		m = append(m, "basic")
	}
	if scheme, _, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " "); ok && strings.EqualFold(scheme, "bearer") {
		m = append(m, "bearer")
	}
	if strings.TrimSpace(r.URL.Query().Get("access_token")) != "" {
		m = append(m, "access_token")
	}
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		m = append(m, "x509")
	}
	if len(m) == 0 {
		return "Authentication failed, no credentials provided"
	}
	return "Authentication failed, attempted: " + strings.Join(m, ", ")
}
