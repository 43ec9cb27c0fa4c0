package openapi

import (
	"slices"
	"strings"
	"unicode"
)

// pathItem and the types below are the paths part of a group-version
// document; Builder.generate writes the rest (openapi, info, components).
type pathItem struct {
	Get        *operation   `json:"get,omitempty"`
	Put        *operation   `json:"put,omitempty"`
	Post       *operation   `json:"post,omitempty"`
	Delete     *operation   `json:"delete,omitempty"`
	Options    *operation   `json:"options,omitempty"`
	Head       *operation   `json:"head,omitempty"`
	Patch      *operation   `json:"patch,omitempty"`
	Parameters []*parameter `json:"parameters,omitempty"`
}

type operation struct {
	Description string               `json:"description,omitempty"`
	OperationID string               `json:"operationId"`
	Tags        []string             `json:"tags,omitempty"`
	Parameters  []*parameter         `json:"parameters,omitempty"`
	RequestBody *requestBody         `json:"requestBody,omitempty"`
	Responses   map[string]*response `json:"responses"`
	Action      string               `json:"x-kubernetes-action,omitempty"`
	GVK         *gvk                 `json:"x-kubernetes-group-version-kind,omitempty"`
}

type parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Schema      *schema `json:"schema"`
}

type requestBody struct {
	Content  map[string]mediaType `json:"content"`
	Required bool                 `json:"required,omitempty"`
}

type mediaType struct {
	Schema *schema `json:"schema"`
}

type response struct {
	Description string               `json:"description"`
	Content     map[string]mediaType `json:"content,omitempty"`
}

// Parameters, shared by every operation that takes them. Query parameters
// carry uniqueItems as Kubernetes publishes them.
func queryParam(name, typ, desc string) *parameter {
	return &parameter{Name: name, In: "query", Description: desc, Schema: &schema{Type: typ, UniqueItems: true}}
}

func pathParam(name, desc string) *parameter {
	return &parameter{Name: name, In: "path", Required: true, Description: desc, Schema: &schema{Type: "string", UniqueItems: true}}
}

var (
	paramNamespace = pathParam("namespace", "namespace of the object")
	paramPath      = pathParam("path", "path to the resource, passed on unchanged")
	paramPretty    = queryParam("pretty", "string", "If 'true', the output is indented.")

	paramDryRun          = queryParam("dryRun", "string", "dryRun=All runs every stage of the request except persisting the result.")
	paramFieldManager    = queryParam("fieldManager", "string", "fieldManager names the actor making the change.")
	paramFieldValidation = queryParam("fieldValidation", "string", "fieldValidation says what to do with unknown or duplicate fields in the body: Ignore drops them, Warn drops them with a warning header, Strict rejects the request with 400 BadRequest naming them.")

	paramGracePeriod       = queryParam("gracePeriodSeconds", "integer", "gracePeriodSeconds before the object is deleted; 0 deletes at once; unset uses the kind's default.")
	paramOrphanDependents  = queryParam("orphanDependents", "boolean", "Deprecated: use propagationPolicy. true orphans the dependents.")
	paramPropagationPolicy = queryParam("propagationPolicy", "string", "propagationPolicy says how the garbage collector treats dependents: Orphan, Background or Foreground.")

	paramAllowBookmarks  = queryParam("allowWatchBookmarks", "boolean", "allowWatchBookmarks asks a watch for BOOKMARK events.")
	paramContinue        = queryParam("continue", "string", "continue is the token of the next page, from the previous page's metadata.continue.")
	paramFieldSelector   = queryParam("fieldSelector", "string", "fieldSelector restricts the result by field values, such as metadata.name=web.")
	paramLabelSelector   = queryParam("labelSelector", "string", "labelSelector restricts the result by labels, such as app=web,tier!=db.")
	paramLimit           = queryParam("limit", "integer", "limit is the largest number of items to return; the response carries a continue token when more remain.")
	paramResourceVersion = queryParam("resourceVersion", "string", "resourceVersion constrains which version of the state the response may reflect; a watch starts after it.")
	paramRVMatch         = queryParam("resourceVersionMatch", "string", "resourceVersionMatch says how resourceVersion applies to a list: Exact or NotOlderThan.")
	paramSendInitial     = queryParam("sendInitialEvents", "boolean", "sendInitialEvents makes a watch start with the current objects as ADDED events, then a bookmark.")
	paramTimeoutSeconds  = queryParam("timeoutSeconds", "integer", "timeoutSeconds limits the duration of a list or watch call.")
	paramWatch           = queryParam("watch", "boolean", "watch streams add, update and delete events instead of returning a list.")
)

var (
	writeParams  = []*parameter{paramDryRun, paramFieldManager, paramFieldValidation}
	deleteParams = []*parameter{paramDryRun, paramGracePeriod, paramOrphanDependents, paramPropagationPolicy}
	listParams   = []*parameter{paramAllowBookmarks, paramContinue, paramFieldSelector, paramLabelSelector,
		paramLimit, paramResourceVersion, paramRVMatch, paramSendInitial, paramTimeoutSeconds, paramWatch}
)

// Media types of responses; spar serves JSON and YAML.
var (
	objectMedia = []string{"application/json", "application/yaml"}
	listMedia   = []string{"application/json", "application/json;stream=watch", "application/yaml"}
	watchMedia  = []string{"application/json", "application/json;stream=watch"}
)

// The patch types spar serves. Server-side apply (application/apply-patch+yaml)
// is not served, so it is not advertised.
var (
	builtinPatchTypes = []string{"application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"}
	customPatchTypes  = []string{"application/json-patch+json", "application/merge-patch+json"}
)

func content(types []string, s *schema) map[string]mediaType {
	m := make(map[string]mediaType, len(types))
	for _, t := range types {
		m[t] = mediaType{Schema: s}
	}
	return m
}

var unauthorized = &response{Description: "Unauthorized"}

func responses(s *schema, media []string, codes ...string) map[string]*response {
	text := map[string]string{"200": "OK", "201": "Created", "202": "Accepted"}
	m := map[string]*response{"401": unauthorized}
	for _, c := range codes {
		m[c] = &response{Description: text[c], Content: content(media, s)}
	}
	return m
}

// resourceSpec is what the paths of one resource are generated from; it
// comes from an api.Resource or from a CRD version.
type resourceSpec struct {
	Group, Version, Kind, Plural string
	Namespaced                   bool
	Verbs                        []string
	Subresources                 []string
	Object, List                 string // schema names
	Custom                       bool   // a custom resource: no strategic merge patch
}

func (r *resourceSpec) can(verb string) bool { return slices.Contains(r.Verbs, verb) }

// subresourceKinds are the bodies of subresources whose kind is not the
// parent's: schema name and kind. The builder fills the names in.
type subresourceKind struct {
	name string
	gvk  gvk
}

// pathBuilder collects the paths of one group-version document and the
// schemas they refer to.
type pathBuilder struct {
	group, version string
	prefix         string // /api/v1 or /apis/apps/v1
	idPart         string // CoreV1, AppsV1, RbacAuthorizationV1
	tag            string // core_v1, apps_v1
	subKinds       map[string]subresourceKind
	paths          map[string]*pathItem
	refs           []string
}

func newPathBuilder(group, version string, subKinds map[string]subresourceKind) *pathBuilder {
	b := &pathBuilder{group: group, version: version, subKinds: subKinds, paths: map[string]*pathItem{}}
	camel := groupCamel(group)
	b.idPart = camel + strings.ToUpper(version[:1]) + version[1:]
	b.tag = strings.ToLower(camel[:1]) + camel[1:] + "_" + version
	if group == "" {
		b.prefix = "/api/" + version
	} else {
		b.prefix = "/apis/" + group + "/" + version
	}
	return b
}

// groupCamel turns an API group into the part of operation IDs Kubernetes
// uses: "" → Core, rbac.authorization.k8s.io → RbacAuthorization,
// stable.example.com → StableExampleCom.
func groupCamel(group string) string {
	if group == "" {
		return "Core"
	}
	group = strings.TrimSuffix(group, ".k8s.io")
	var b strings.Builder
	for _, part := range strings.FieldsFunc(group, func(r rune) bool { return r == '.' || r == '-' }) {
		rs := []rune(part)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	return b.String()
}

func (b *pathBuilder) item(p string) *pathItem {
	it := b.paths[p]
	if it == nil {
		it = &pathItem{}
		b.paths[p] = it
	}
	return it
}

func (b *pathBuilder) ref(name string) *schema {
	b.refs = append(b.refs, name)
	return refTo(name)
}

func (b *pathBuilder) op(verb, idKind, desc, action string, kind gvk) *operation {
	return &operation{
		Description: desc,
		OperationID: verb + b.idPart + idKind,
		Tags:        []string{b.tag},
		Action:      action,
		GVK:         &kind,
		Responses:   map[string]*response{},
	}
}

// add generates every path of r: the collection and the object, the list
// across namespaces, the watch paths and the subresources, with the
// operations r's verbs allow.
func (b *pathBuilder) add(r *resourceSpec) {
	kind := gvk{Group: r.Group, Version: r.Version, Kind: r.Kind}
	obj, list := b.ref(r.Object), b.ref(r.List)
	status, delOpts := b.ref(nameStatus), b.ref(nameDeleteOpts)

	scope, ns, nsPath := "", []*parameter(nil), ""
	if r.Namespaced {
		scope, ns, nsPath = "Namespaced", []*parameter{paramNamespace}, "/namespaces/{namespace}"
	}
	nameParam := pathParam("name", "name of the "+r.Kind)
	collection := b.prefix + nsPath + "/" + r.Plural
	object := collection + "/{name}"

	if r.can("list") || r.can("create") || r.can("deletecollection") {
		it := b.item(collection)
		it.Parameters = append(slices.Clone(ns), paramPretty)
		if r.can("list") {
			o := b.op("list", scope+r.Kind, "list or watch objects of kind "+r.Kind, "list", kind)
			o.Parameters = listParams
			o.Responses = responses(list, listMedia, "200")
			it.Get = o
		}
		if r.can("create") {
			o := b.op("create", scope+r.Kind, "create a "+r.Kind, "post", kind)
			o.Parameters = writeParams
			o.RequestBody = &requestBody{Content: content([]string{"*/*"}, obj), Required: true}
			o.Responses = responses(obj, objectMedia, "200", "201", "202")
			it.Post = o
		}
		if r.can("deletecollection") {
			o := b.op("delete", "Collection"+scope+r.Kind, "delete a collection of "+r.Kind, "deletecollection", kind)
			o.Parameters = append(slices.Clone(listParams), deleteParams...)
			o.Parameters = slices.DeleteFunc(o.Parameters, func(p *parameter) bool { return p == paramWatch || p == paramAllowBookmarks })
			o.RequestBody = &requestBody{Content: content([]string{"*/*"}, delOpts)}
			o.Responses = responses(status, objectMedia, "200")
			it.Delete = o
		}
	}
	if r.Namespaced && r.can("list") {
		it := b.item(b.prefix + "/" + r.Plural)
		it.Parameters = append(slices.Clone(listParams), paramPretty)
		o := b.op("list", r.Kind+"ForAllNamespaces", "list or watch objects of kind "+r.Kind+" in all namespaces", "list", kind)
		o.Responses = responses(list, listMedia, "200")
		it.Get = o
	}

	itemParams := append([]*parameter{nameParam}, ns...)
	itemParams = append(itemParams, paramPretty)
	if r.can("get") || r.can("update") || r.can("patch") || r.can("delete") {
		it := b.item(object)
		it.Parameters = itemParams
		if r.can("get") {
			o := b.op("read", scope+r.Kind, "read the named "+r.Kind, "get", kind)
			o.Responses = responses(obj, objectMedia, "200")
			it.Get = o
		}
		if r.can("update") {
			it.Put = b.replaceOp(scope+r.Kind, "replace the named "+r.Kind, kind, obj)
		}
		if r.can("patch") {
			it.Patch = b.patchOp(scope+r.Kind, "partially update the named "+r.Kind, kind, obj, r.Custom)
		}
		if r.can("delete") {
			o := b.op("delete", scope+r.Kind, "delete a "+r.Kind, "delete", kind)
			o.Parameters = deleteParams
			o.RequestBody = &requestBody{Content: content([]string{"*/*"}, delOpts)}
			o.Responses = responses(status, objectMedia, "200", "202")
			it.Delete = o
		}
	}

	if r.can("watch") {
		watchEvent := b.ref(nameWatchEvent)
		watchCollection := b.prefix + "/watch" + nsPath + "/" + r.Plural
		add := func(p, idKind, desc, action string, params []*parameter) {
			it := b.item(p)
			it.Parameters = params
			o := b.op("watch", idKind, desc, action, kind)
			o.Responses = responses(watchEvent, watchMedia, "200")
			it.Get = o
		}
		add(watchCollection, scope+r.Kind+"List", "watch changes to a list of "+r.Kind+" (deprecated: use watch=true on the list)",
			"watchlist", append(slices.Clone(ns), listParams...))
		add(watchCollection+"/{name}", scope+r.Kind, "watch changes to one "+r.Kind+" (deprecated: use watch=true on the list with a fieldSelector)",
			"watch", append(append([]*parameter{nameParam}, ns...), listParams...))
		if r.Namespaced {
			add(b.prefix+"/watch/"+r.Plural, r.Kind+"ListForAllNamespaces", "watch changes to a list of "+r.Kind+" in all namespaces (deprecated: use watch=true on the list)",
				"watchlist", listParams)
		}
	}

	for _, sub := range r.Subresources {
		b.addSubresource(r, sub, scope, object, itemParams, kind, obj)
	}
}

func (b *pathBuilder) replaceOp(idKind, desc string, kind gvk, body *schema) *operation {
	o := b.op("replace", idKind, desc, "put", kind)
	o.Parameters = writeParams
	o.RequestBody = &requestBody{Content: content([]string{"*/*"}, body), Required: true}
	o.Responses = responses(body, objectMedia, "200", "201")
	return o
}

// patchOp is a PATCH operation. kubectl looks for the fieldValidation
// parameter on the PATCH operation of a kind to decide whether the server
// validates fields, and for the strategic merge patch type to decide how
// apply computes patches, so every PATCH carries both where they apply.
func (b *pathBuilder) patchOp(idKind, desc string, kind gvk, result *schema, custom bool) *operation {
	o := b.op("patch", idKind, desc, "patch", kind)
	o.Parameters = writeParams
	types := builtinPatchTypes
	if custom {
		types = customPatchTypes
	}
	o.RequestBody = &requestBody{Content: content(types, b.ref(namePatch)), Required: true}
	o.Responses = responses(result, objectMedia, "200", "201")
	return o
}

// connectOptions are the kinds of the options of streaming subresources.
var connectOptions = map[string]string{
	"exec":        "ExecOptions",
	"attach":      "AttachOptions",
	"portforward": "PortForwardOptions",
	"proxy":       "ProxyOptions",
}

func (b *pathBuilder) addSubresource(r *resourceSpec, sub, scope, object string, itemParams []*parameter, kind gvk, obj *schema) {
	p := object + "/" + sub
	idKind := scope + r.Kind + strings.ToUpper(sub[:1]) + sub[1:]
	switch sub {
	case "status":
		it := b.item(p)
		it.Parameters = itemParams
		o := b.op("read", idKind, "read the status of the named "+r.Kind, "get", kind)
		o.Responses = responses(obj, objectMedia, "200")
		it.Get = o
		it.Put = b.replaceOp(idKind, "replace the status of the named "+r.Kind, kind, obj)
		it.Patch = b.patchOp(idKind, "partially update the status of the named "+r.Kind, kind, obj, r.Custom)
	case "scale":
		sk := b.subKinds["scale"]
		scale := b.ref(sk.name)
		it := b.item(p)
		it.Parameters = itemParams
		o := b.op("read", idKind, "read the scale of the named "+r.Kind, "get", sk.gvk)
		o.Responses = responses(scale, objectMedia, "200")
		it.Get = o
		it.Put = b.replaceOp(idKind, "replace the scale of the named "+r.Kind, sk.gvk, scale)
		it.Patch = b.patchOp(idKind, "partially update the scale of the named "+r.Kind, sk.gvk, scale, r.Custom)
	case "binding", "eviction":
		sk, ok := b.subKinds[sub]
		if !ok {
			return
		}
		body := b.ref(sk.name)
		it := b.item(p)
		it.Parameters = itemParams
		o := b.op("create", idKind, "create a "+sk.gvk.Kind+" for the named "+r.Kind, "post", sk.gvk)
		o.Parameters = writeParams
		o.RequestBody = &requestBody{Content: content([]string{"*/*"}, body), Required: true}
		o.Responses = responses(body, objectMedia, "200", "201", "202")
		it.Post = o
	case "finalize":
		it := b.item(p)
		it.Parameters = itemParams
		it.Put = b.replaceOp(idKind, "replace the finalizers of the named "+r.Kind, kind, obj)
	case "log":
		it := b.item(p)
		it.Parameters = append(slices.Clone(itemParams),
			queryParam("container", "string", "container to read the log of; may be omitted for a pod with one container."),
			queryParam("follow", "boolean", "follow streams the log as it is written."),
			queryParam("limitBytes", "integer", "limitBytes caps the number of bytes returned."),
			queryParam("previous", "boolean", "previous returns the log of the previous, terminated instance of the container."),
			queryParam("sinceSeconds", "integer", "sinceSeconds returns only the lines written in the last so many seconds."),
			queryParam("tailLines", "integer", "tailLines returns only the last so many lines."),
			queryParam("timestamps", "boolean", "timestamps prefixes every line with its RFC 3339 time."))
		o := b.op("read", idKind, "read the log of the named "+r.Kind, "get", kind)
		o.Responses = responses(&schema{Type: "string"}, []string{"text/plain", "application/json", "application/yaml"}, "200")
		it.Get = o
	case "exec", "attach", "portforward", "proxy":
		opts := gvk{Group: r.Group, Version: r.Version, Kind: r.Kind + connectOptions[sub]}
		methods := []string{"Get", "Post"}
		paths := []string{p}
		if sub == "proxy" {
			methods = []string{"Get", "Put", "Post", "Delete", "Options", "Head", "Patch"}
			paths = append(paths, p+"/{path}")
		}
		for i, pp := range paths {
			it := b.item(pp)
			it.Parameters = slices.Clone(itemParams[:len(itemParams)-1]) // no pretty: the body is not an object
			suffix := ""
			if i == 1 {
				it.Parameters = append(it.Parameters, paramPath)
				suffix = "WithPath"
			}
			for _, m := range methods {
				o := b.op("connect", m+idKind+suffix, "connect "+strings.ToUpper(m)+" requests to "+sub+" of the named "+r.Kind, "connect", opts)
				o.OperationID = "connect" + b.idPart + m + idKind + suffix
				o.Responses = responses(&schema{Type: "string"}, []string{"*/*"}, "200")
				switch m {
				case "Get":
					it.Get = o
				case "Put":
					it.Put = o
				case "Post":
					it.Post = o
				case "Delete":
					it.Delete = o
				case "Options":
					it.Options = o
				case "Head":
					it.Head = o
				case "Patch":
					it.Patch = o
				}
			}
		}
	}
}
