package apiserver

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// RequestInfo is what the API server reads from a request's path and method
// before anything else: the pipeline stages (authorization, audit, admission)
// and the handlers all work from it.
type RequestInfo struct {
	// IsResourceRequest is false for /healthz, /version, discovery and
	// OpenAPI paths.
	IsResourceRequest bool
	// Path is the request path.
	Path string
	// Verb is the Kubernetes verb: get, list, watch, create, update, patch,
	// delete, deletecollection; for non-resource requests the lower-case
	// HTTP method.
	Verb string

	APIPrefix   string // "api" or "apis"
	APIGroup    string // "" for the core group
	APIVersion  string
	Namespace   string
	Resource    string
	Subresource string
	Name        string
	// Parts are the path segments after the version.
	Parts []string
	// Query is the parsed query string (nil when there is none), parsed
	// once for the filters and handlers that read it.
	Query url.Values
}

type requestInfoKey struct{}

// WithRequestInfo returns ctx carrying info.
func WithRequestInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// RequestInfoFrom returns the RequestInfo of a request's context.
func RequestInfoFrom(ctx context.Context) (*RequestInfo, bool) {
	info, ok := ctx.Value(requestInfoKey{}).(*RequestInfo)
	return info, ok
}

// parseRequestInfo reads the API path grammar of Kubernetes:
//
//	/api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
//	/apis/{group}/{version}[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
//
// "namespaces/{ns}" alone names the namespace object itself, and
// "namespaces/{ns}/status" or "/finalize" its subresources.
func parseRequestInfo(r *http.Request) *RequestInfo {
	info := &RequestInfo{Path: r.URL.Path, Verb: lowerMethod(r.Method)}
	if r.URL.RawQuery != "" {
		info.Query = r.URL.Query()
	}
	parts := splitPath(r.URL.Path)
	if len(parts) < 2 || (parts[0] != "api" && parts[0] != "apis") {
		return info
	}
	info.APIPrefix = parts[0]
	parts = parts[1:]
	if info.APIPrefix == "apis" {
		if len(parts) < 2 {
			return info // /apis, /apis/{group}: discovery
		}
		info.APIGroup, parts = parts[0], parts[1:]
	}
	info.APIVersion, parts = parts[0], parts[1:]
	if len(parts) == 0 {
		return info // /api/v1, /apis/{g}/{v}: discovery
	}
	info.IsResourceRequest = true

	switch r.Method {
	case http.MethodPost:
		info.Verb = "create"
	case http.MethodGet, http.MethodHead:
		info.Verb = "get"
	case http.MethodPut:
		info.Verb = "update"
	case http.MethodPatch:
		info.Verb = "patch"
	case http.MethodDelete:
		info.Verb = "delete"
	}
	if parts[0] == "watch" {
		// The deprecated /watch/ paths.
		if info.Verb == "get" {
			info.Verb = "watch"
		}
		parts = parts[1:]
	}
	if len(parts) >= 2 && parts[0] == "namespaces" {
		info.Namespace = parts[1]
		// /namespaces/{ns}/{resource}..., unless the next part is a
		// subresource of the namespace itself.
		if len(parts) > 2 && parts[2] != "status" && parts[2] != "finalize" {
			parts = parts[2:]
		}
	}
	info.Parts = parts
	switch {
	case len(parts) >= 3:
		info.Subresource = parts[2]
		fallthrough
	case len(parts) == 2:
		info.Name = parts[1]
		fallthrough
	case len(parts) == 1:
		info.Resource = parts[0]
	}
	// namespaces/{ns} and namespaces/{ns}/{status,finalize} name the
	// namespace itself, which lives in no namespace.
	if info.Resource == "namespaces" {
		info.Namespace = ""
	}
	if info.Name == "" {
		switch info.Verb {
		case "get":
			info.Verb = "list"
		case "delete":
			info.Verb = "deletecollection"
		}
	}
	if info.Verb == "list" || info.Verb == "get" {
		if q := info.Query.Get("watch"); q == "true" || q == "1" {
			info.Verb = "watch"
		}
	}
	return info
}

// lowerMethod is strings.ToLower(method), without an allocation for the
// methods Kubernetes uses.
func lowerMethod(method string) string {
	switch method {
	case http.MethodGet:
		return "get"
	case http.MethodPost:
		return "post"
	case http.MethodPut:
		return "put"
	case http.MethodPatch:
		return "patch"
	case http.MethodDelete:
		return "delete"
	case http.MethodHead:
		return "head"
	case http.MethodOptions:
		return "options"
	}
	return strings.ToLower(method)
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
