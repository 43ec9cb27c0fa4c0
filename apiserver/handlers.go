package apiserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/authentication"
	"github.com/spar-dev/spar/api/authorization"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/protobuf"
	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/apiserver/patch"
	"github.com/spar-dev/spar/watch"
)

// maxBodyBytes bounds request bodies (3 MiB, as Kubernetes).
const maxBodyBytes = 3 << 20

// Encoding slots of the watch cache's shared encodings.
const (
	jsonFormat    = 0 // the object as JSON
	partialFormat = 1 // its PartialObjectMetadata as JSON
)

func encodeJSON(obj meta.Object) ([]byte, error) { return json.Marshal(obj) }

func encodePartial(obj meta.Object) ([]byte, error) { return json.Marshal(partial(obj)) }

func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, meta.NewBadRequest(fmt.Sprintf("reading the request body: %v", err))
	}
	if len(b) > maxBodyBytes {
		return nil, meta.NewStatus(http.StatusRequestEntityTooLarge, meta.StatusReasonRequestEntityTooLarge,
			"the request body is too large (limit 3 MiB)")
	}
	return b, nil
}

func checkBodyType(r *http.Request) error {
	switch contentType(r.Header.Get("Content-Type")) {
	case "", "application/json", "application/yaml", protobuf.MediaType, "*/*":
		return nil
	}
	return meta.NewStatus(http.StatusUnsupportedMediaType, meta.StatusReasonUnsupportedMediaType,
		fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got %q)", r.Header.Get("Content-Type")))
}

// decodeBodyInto decodes a JSON, YAML or protobuf request body into obj,
// ignoring unknown fields: the bodies of subresources and DeleteOptions.
// Protobuf is told apart by its magic prefix, which cannot start a JSON or
// YAML document.
func decodeBodyInto(body []byte, obj any) error {
	if protobuf.IsProtobuf(body) {
		if err := protobuf.Unmarshal(body, obj); err != nil {
			return meta.NewBadRequest(err.Error())
		}
		return nil
	}
	data, err := api.ToJSON(body)
	if err == nil {
		err = api.Decode(data, obj)
	}
	if err != nil {
		return meta.NewBadRequest(err.Error())
	}
	return nil
}

// serveResource serves a request for a resource or one of its subresources.
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, info *RequestInfo) {
	g := s.registryFor(info.APIGroup, info.APIVersion, info.Resource)
	if g == nil {
		writeError(w, meta.NewStatus(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource"))
		return
	}
	if !g.res.Namespaced && info.Namespace != "" ||
		g.res.Namespaced && info.Namespace == "" && info.Name != "" ||
		g.res.Namespaced && info.Namespace == "" && info.Verb == "create" {
		writeError(w, meta.NewStatus(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource"))
		return
	}
	mt, err := negotiate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if g.res.Group == authorization.GroupName || g.res.Group == authentication.GroupName {
		s.serveReview(w, r, info, g)
		return
	}
	if info.Subresource != "" {
		s.serveSubresource(w, r, info, g, mt)
		return
	}
	if !slices.Contains(g.res.Verbs, info.Verb) {
		writeError(w, meta.NewMethodNotSupported(g.res.GroupResource(), info.Verb))
		return
	}
	ctx := r.Context()
	if info.Verb != "watch" {
		var cancel context.CancelFunc
		ctx, cancel = requestTimeout(ctx, info.Query, s.cfg.RequestTimeout)
		defer cancel()
	}
	switch info.Verb {
	case "get":
		s.handleGet(ctx, w, r, g, info, mt)
	case "list":
		s.handleList(ctx, w, r, g, info, mt)
	case "watch":
		s.handleWatch(ctx, w, r, g, info, mt)
	case "create":
		s.handleCreate(ctx, w, r, g, info, mt)
	case "update":
		s.handleUpdate(ctx, w, r, g, info, mt, "")
	case "patch":
		s.handlePatch(ctx, w, r, g, info, mt, "")
	case "delete":
		s.handleDelete(ctx, w, r, g, info, mt)
	case "deletecollection":
		s.handleDeleteCollection(ctx, w, r, g, info, mt)
	default:
		writeError(w, meta.NewMethodNotSupported(g.res.GroupResource(), info.Verb))
	}
}

// requestTimeout honours ?timeout= (capped by the server's limit).
func requestTimeout(ctx context.Context, q url.Values, max time.Duration) (context.Context, context.CancelFunc) {
	d := max
	if s := q.Get("timeout"); s != "" {
		if t, err := time.ParseDuration(s); err == nil && t > 0 && t < d {
			d = t
		}
	}
	return context.WithTimeout(ctx, d)
}

// writeObject writes one object in the negotiated encoding.
func (s *Server) writeObject(w http.ResponseWriter, q url.Values, code int, g *registry, mt mediaType, obj meta.Object) {
	if mt == mediaTable {
		t, err := s.tableFor(g, q, []meta.Object{obj}, meta.ListMeta{ResourceVersion: obj.GetObjectMeta().ResourceVersion})
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, code, mediaJSON, t)
		return
	}
	if mt == mediaPartial {
		writeJSON(w, code, mediaJSON, partial(obj))
		return
	}
	writeJSON(w, code, mt, obj)
}

func (s *Server) handleGet(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType) {
	// A plain read is answered from the watch cache once it has caught up
	// with the store (a consistent read, as lists are), with the JSON it
	// shares with lists and watch events: no decode, no encode. Other
	// forms, and a cache that cannot answer, read the store.
	if (mt == mediaJSON || mt == mediaYAML) && g.cache != nil && !info.Query.Has("resourceVersion") {
		it, ok, err := g.cache.GetConsistent(ctx, g.key(info.Namespace, info.Name))
		switch {
		case err == nil && !ok:
			writeError(w, g.notFound(info.Name))
			return
		case err == nil:
			if b, err := it.Encoded(jsonFormat, encodeJSON); err == nil {
				writeRaw(w, http.StatusOK, mt, b)
				return
			}
		case ctx.Err() != nil:
			writeError(w, storeError(ctx.Err(), g.res, info.Name))
			return
		}
	}
	obj, _, err := g.get(ctx, info.Namespace, info.Name)
	if err != nil {
		writeError(w, err)
		return
	}
	s.writeObject(w, info.Query, http.StatusOK, g, mt, obj)
}

func (s *Server) handleList(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType) {
	p, err := parseReadParams(info.Query, g.fieldLabels)
	if err != nil {
		writeError(w, err)
		return
	}
	opts := watch.ListOptions{
		Namespace: info.Namespace,
		Label:     p.label,
		Field:     p.field,
		Limit:     p.limit,
		Continue:  p.continueToken,
	}
	switch {
	case p.continueToken != "":
	case p.resourceVersion == "":
		opts.Match = watch.Consistent
	case p.resourceVersionMatch == "Exact":
		opts.Match = watch.Exact
		opts.Revision, _ = parseRV(p.resourceVersion)
	default:
		opts.Match = watch.NotOlderThan
		opts.Revision, _ = parseRV(p.resourceVersion)
	}
	res, err := g.cache.List(ctx, opts)
	if err != nil {
		writeError(w, storeError(err, g.res, ""))
		return
	}
	lm := meta.ListMeta{ResourceVersion: formatRV(res.Revision), Continue: res.Continue, RemainingItemCount: res.Remaining}
	if res.Continue == "" {
		lm.RemainingItemCount = nil
	}
	if mt == mediaTable {
		objs := make([]meta.Object, len(res.Items))
		for i := range res.Items {
			objs[i] = res.Items[i].Object
		}
		t, err := s.tableFor(g, info.Query, objs, lm)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, mediaJSON, t)
		return
	}
	kind, apiVersion, format, enc := g.res.ListKind(), g.res.APIVersion(), jsonFormat, encodeJSON
	if mt == mediaPartial {
		kind, apiVersion, format, enc, mt = "PartialObjectMetadataList", "meta.k8s.io/v1", partialFormat, encodePartial, mediaJSON
	}
	items := make([][]byte, len(res.Items))
	for i := range res.Items {
		b, err := res.Items[i].Encoded(format, enc)
		if err != nil {
			writeError(w, meta.NewInternalError(err))
			return
		}
		items[i] = b
	}
	writeRaw(w, http.StatusOK, mt, listJSON(kind, apiVersion, lm, items))
}

func (s *Server) handleCreate(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType) {
	if err := checkBodyType(r); err != nil {
		writeError(w, err)
		return
	}
	p, err := parseWriteParams(info.Query)
	if err != nil {
		writeError(w, err)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	obj, warnings, err := g.create(ctx, info.Namespace, body, p)
	if err != nil {
		writeError(w, err)
		return
	}
	for _, m := range warnings {
		warn(w, m)
	}
	s.writeObject(w, info.Query, http.StatusCreated, g, mt, obj)
}

func (s *Server) handleUpdate(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType, sub string) {
	if err := checkBodyType(r); err != nil {
		writeError(w, err)
		return
	}
	p, err := parseWriteParams(info.Query)
	if err != nil {
		writeError(w, err)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	obj, warnings, err := g.decodeBody(body, p.fieldValidation)
	if err != nil {
		writeError(w, err)
		return
	}
	audit.RequestBodyDecoded(ctx, body, obj.GetObjectMeta())
	out, err := g.update(ctx, updateRequest{
		ns: info.Namespace, name: info.Name, subresource: sub, params: p,
		mutate: func(meta.Object, []byte) (meta.Object, error) { return meta.DeepCopy(obj), nil },
	})
	if err != nil {
		writeError(w, err)
		return
	}
	for _, m := range warnings {
		warn(w, m)
	}
	s.writeObject(w, info.Query, http.StatusOK, g, mt, out)
}

// patchTypes maps PATCH content types to patch kinds.
var patchTypes = map[string]patch.Type{
	string(patch.JSONPatch):      patch.JSONPatch,
	string(patch.MergePatch):     patch.MergePatch,
	string(patch.StrategicMerge): patch.StrategicMerge,
}

func (s *Server) handlePatch(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType, sub string) {
	pt, ok := patchTypes[contentType(r.Header.Get("Content-Type"))]
	if !ok {
		writeError(w, meta.NewStatus(http.StatusUnsupportedMediaType, meta.StatusReasonUnsupportedMediaType,
			fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got %q)", r.Header.Get("Content-Type"))))
		return
	}
	p, err := parseWriteParams(info.Query)
	if err != nil {
		writeError(w, err)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var dataType reflect.Type
	if t := reflect.TypeOf(g.newObject()); t.Kind() == reflect.Pointer {
		dataType = t.Elem()
	}
	if g.unstructured() {
		dataType = nil
	}
	var warnings []string
	out, err := g.update(ctx, updateRequest{
		ns: info.Namespace, name: info.Name, subresource: sub, params: p, retry: true,
		mutate: func(old meta.Object, _ []byte) (meta.Object, error) {
			// Patch the current object as clients see it, resourceVersion
			// included, so a patch that sets one is a precondition.
			cur, err := json.Marshal(old)
			if err != nil {
				return nil, meta.NewInternalError(err)
			}
			patched, err := patch.Apply(pt, cur, body, dataType)
			if err != nil {
				return nil, patchError(err, g, info.Name)
			}
			obj, ws, err := g.decodeBody(patched, p.fieldValidation)
			if err != nil {
				return nil, err
			}
			warnings = ws
			// Without a resourceVersion in the patch the write is
			// unconditional (and retried on conflict).
			if obj.GetObjectMeta().ResourceVersion == old.GetObjectMeta().ResourceVersion {
				obj.GetObjectMeta().ResourceVersion = ""
			}
			return obj, nil
		},
	})
	if err != nil {
		writeError(w, err)
		return
	}
	for _, m := range warnings {
		warn(w, m)
	}
	s.writeObject(w, info.Query, http.StatusOK, g, mt, out)
}

// patchError maps patch failures as Kubernetes: unsupported types 415,
// malformed patches 400, patches that cannot apply 422, too many
// operations 413, and a stored object that cannot be patched 500.
func patchError(err error, g *registry, name string) error {
	switch {
	case errors.Is(err, patch.ErrUnsupported):
		return meta.NewStatus(http.StatusUnsupportedMediaType, meta.StatusReasonUnsupportedMediaType, err.Error())
	case errors.Is(err, patch.ErrInvalidPatch):
		return meta.NewBadRequest(err.Error())
	case errors.Is(err, patch.ErrTooLarge):
		return meta.NewStatus(http.StatusRequestEntityTooLarge, meta.StatusReasonRequestEntityTooLarge, err.Error())
	case errors.Is(err, patch.ErrCannotApply):
		return meta.NewInvalid(g.res.GroupKind(), name, meta.FieldErrors{
			meta.Invalid(meta.NewPath("patch"), meta.OmitValue, err.Error())})
	}
	return meta.NewInternalError(err)
}

// decodeDeleteOptions reads DeleteOptions from the body or the query.
func decodeDeleteOptions(r *http.Request, q url.Values) (*meta.DeleteOptions, error) {
	opts := &meta.DeleteOptions{}
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	if len(body) > 0 {
		if err := decodeBodyInto(body, opts); err != nil {
			return nil, err
		}
	}
	if s := q.Get("gracePeriodSeconds"); s != "" {
		var n int64
		if _, err := fmt.Sscan(s, &n); err != nil {
			return nil, meta.NewBadRequest(fmt.Sprintf("invalid gracePeriodSeconds %q", s))
		}
		opts.GracePeriodSeconds = &n
	}
	if s := q.Get("propagationPolicy"); s != "" {
		pp := meta.DeletionPropagation(s)
		opts.PropagationPolicy = &pp
	}
	if s := q.Get("orphanDependents"); s != "" {
		b := s == "true"
		opts.OrphanDependents = &b
	}
	opts.DryRun = append(opts.DryRun, q["dryRun"]...)
	if err := validateDeleteOptions(opts); err != nil {
		return nil, err
	}
	return opts, nil
}

func (s *Server) handleDelete(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType) {
	opts, err := decodeDeleteOptions(r, info.Query)
	if err != nil {
		writeError(w, err)
		return
	}
	res, err := g.delete(ctx, info.Namespace, info.Name, opts, len(opts.DryRun) > 0)
	if err != nil {
		writeError(w, err)
		return
	}
	code := http.StatusOK
	if !res.deleted && len(opts.DryRun) == 0 {
		code = http.StatusAccepted
	}
	s.writeObject(w, info.Query, code, g, mt, res.obj)
}

func (s *Server) handleDeleteCollection(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType) {
	p, err := parseReadParams(info.Query, g.fieldLabels)
	if err != nil {
		writeError(w, err)
		return
	}
	opts, err := decodeDeleteOptions(r, info.Query)
	if err != nil {
		writeError(w, err)
		return
	}
	res, err := g.cache.List(ctx, watch.ListOptions{Namespace: info.Namespace, Label: p.label, Field: p.field})
	if err != nil {
		writeError(w, storeError(err, g.res, ""))
		return
	}
	items := make([][]byte, 0, len(res.Items))
	for _, it := range res.Items {
		om := it.Object.GetObjectMeta()
		dr, err := g.delete(ctx, om.Namespace, om.Name, opts, len(opts.DryRun) > 0)
		if meta.ReasonOf(err) == meta.StatusReasonNotFound {
			continue // deleted meanwhile
		}
		if err != nil {
			writeError(w, err)
			return
		}
		b, err := json.Marshal(dr.obj)
		if err != nil {
			writeError(w, meta.NewInternalError(err))
			return
		}
		items = append(items, b)
	}
	writeRaw(w, http.StatusOK, mt, listJSON(g.res.ListKind(), g.res.APIVersion(), meta.ListMeta{ResourceVersion: formatRV(res.Revision)}, items))
}
