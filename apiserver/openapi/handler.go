package openapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/meta"
)

// Handler serves the OpenAPI documents as the Kubernetes API server does:
//
//   - GET /openapi/v3, the index of group-version documents, and
//     GET /openapi/v3/<group-version path>?hash=<hash>, one document, in
//     JSON. A request with a hash that is current is answered with
//     Cache-Control: public, immutable and a one-year lifetime; a stale hash
//     is redirected (301) to the current URL.
//   - GET /openapi/v2, the Swagger 2.0 document of the whole API, in JSON
//     or, for Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf
//     (what client-go asks for), in protobuf as a gnostic
//     openapi_v2.Document; and GET /swagger-2.0.0.pb-v1, the path of
//     that protobuf before Kubernetes 1.10, which client-go falls back to.
//
// Mount it at /openapi/v3, /openapi/v3/, /openapi/v2 and
// /swagger-2.0.0.pb-v1. Every response carries an ETag (the SHA-512 of
// the JSON body, as in the hash parameter) and honours If-None-Match; the
// v2 document is gzipped for clients that accept it.
func (b *Builder) Handler() http.Handler { return http.HandlerFunc(b.serveHTTP) }

// yearSeconds is the lifetime of a document fetched by its hash: it never
// changes, so it may be cached for as long as HTTP caches allow.
const yearSeconds = 365 * 24 * 60 * 60

func (b *Builder) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeStatus(w, meta.NewStatus(http.StatusMethodNotAllowed, meta.StatusReasonMethodNotAllowed,
			"the server does not allow this method on the requested resource"))
		return
	}
	switch r.URL.Path {
	case "/openapi/v2", "/openapi/v2/":
		b.serveSwagger(w, r, false)
		return
	case "/swagger-2.0.0.pb-v1":
		b.serveSwagger(w, r, true)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/openapi/v3")
	if !ok || (rest != "" && rest[0] != '/') {
		writeNotFound(w)
		return
	}
	rest = strings.Trim(rest, "/")
	index, docs, err := b.current()
	if err != nil {
		writeStatus(w, meta.NewInternalError(err))
		return
	}
	if rest == "" {
		serveDoc(w, r, index)
		return
	}
	d, ok := docs[rest]
	if !ok {
		writeNotFound(w)
		return
	}
	w.Header().Add("Vary", "Accept")
	if !acceptsJSON(r.Header.Get("Accept")) {
		writeStatus(w, meta.NewStatus(http.StatusNotAcceptable, meta.StatusReasonNotAcceptable,
			"only application/json is served for OpenAPI documents"))
		return
	}
	if hash := r.URL.Query().Get("hash"); hash != "" {
		if hash != d.hash {
			http.Redirect(w, r, docURL(rest, d.hash), http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Cache-Control", "public, immutable, max-age="+strconv.Itoa(yearSeconds))
		w.Header().Set("Expires", time.Now().AddDate(1, 0, 0).UTC().Format(http.TimeFormat))
	}
	serveDoc(w, r, d)
}

func serveDoc(w http.ResponseWriter, r *http.Request, d *servedDoc) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("ETag", strconv.Quote(d.hash))
	http.ServeContent(w, r, "", d.modified, bytes.NewReader(d.body))
}

// acceptsJSON reports whether a response in JSON satisfies the Accept
// header. Kubernetes also serves a protobuf form; clients that ask for it
// (kubectl lists it with JSON) get JSON, which they accept too.
func acceptsJSON(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	for clause := range strings.SplitSeq(accept, ",") {
		// Parsed by hand: mime.ParseMediaType rejects the '@' of the
		// protobuf type kubectl may list.
		mt, params, _ := strings.Cut(clause, ";")
		if q, ok := qValue(params); ok && q == 0 {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "*/*", "application/*", "application/json",
			"application/com.github.proto-openapi.spec.v3@v1.0+protobuf",
			"application/com.github.proto-openapi.spec.v3.v1.0+protobuf":
			return true
		}
	}
	return false
}

// qValue returns the q parameter of an Accept clause's parameters.
func qValue(params string) (float64, bool) {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.TrimSpace(k) == "q" {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return q, err == nil
		}
	}
	return 0, false
}

func writeNotFound(w http.ResponseWriter) {
	writeStatus(w, meta.NewStatus(http.StatusNotFound, meta.StatusReasonNotFound,
		"the server could not find the requested resource"))
}

func writeStatus(w http.ResponseWriter, s *meta.Status) {
	body, _ := json.Marshal(s)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(int(s.Code))
	w.Write(body)
}

// Media types of the v2 document. client-go asks for the protobuf form by
// the older name, with an '@' that Go's mime package (which client-go
// parses the response's Content-Type with) rejects, so, as Kubernetes does,
// the answer names it with a '.'.
const (
	mediaJSON            = "application/json"
	mediaSwaggerProto    = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
	subtypeSwaggerProto  = "com.github.proto-openapi.spec.v2.v1.0+protobuf"
	subtypeSwaggerProtoA = "com.github.proto-openapi.spec.v2@v1.0+protobuf"
)

// serveSwagger serves the v2 document in the form the Accept header
// prefers, or in protobuf whatever it says (legacy: the old path).
func (b *Builder) serveSwagger(w http.ResponseWriter, r *http.Request, legacy bool) {
	media := mediaSwaggerProto
	if !legacy {
		w.Header().Add("Vary", "Accept")
		media = negotiateSwagger(r.Header.Get("Accept"))
		if media == "" {
			writeStatus(w, meta.NewStatus(http.StatusNotAcceptable, meta.StatusReasonNotAcceptable,
				"only application/json and "+mediaSwaggerProto+" are served for the OpenAPI v2 document"))
			return
		}
	}
	d, err := b.swagger()
	if err != nil {
		writeStatus(w, meta.NewInternalError(err))
		return
	}
	protobuf := media == mediaSwaggerProto
	body := d.json.body
	if protobuf {
		if body, err = d.protobuf(); err != nil {
			writeStatus(w, meta.NewInternalError(err))
			return
		}
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if protobuf {
			body = d.protoGzip.get(func() []byte { return gzipBytes(body) })
		} else {
			body = d.jsonGzip.get(func() []byte { return gzipBytes(body) })
		}
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Type", media)
	w.Header().Set("ETag", strconv.Quote(d.json.hash))
	http.ServeContent(w, r, "", d.json.modified, bytes.NewReader(body))
}

// negotiateSwagger returns the media type of the v2 document that an
// Accept header prefers (by q, then by specificity, then by order; an
// empty header accepts anything), or "" when it accepts neither JSON nor
// protobuf. A wildcard gets JSON.
func negotiateSwagger(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON
	}
	type clause struct {
		typ, sub string
		q        float64
	}
	var clauses []clause
	for c := range strings.SplitSeq(accept, ",") {
		mt, params, _ := strings.Cut(c, ";")
		typ, sub, ok := strings.Cut(strings.ToLower(strings.TrimSpace(mt)), "/")
		if !ok {
			continue
		}
		q := 1.0
		if v, ok := qValue(params); ok {
			q = v
		}
		if q > 0 {
			clauses = append(clauses, clause{typ, sub, q})
		}
	}
	specificity := func(c clause) int {
		switch {
		case c.typ == "*":
			return 0
		case c.sub == "*":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(clauses, func(a, b clause) int {
		if a.q != b.q {
			return cmp.Compare(b.q, a.q)
		}
		return cmp.Compare(specificity(b), specificity(a))
	})
	for _, c := range clauses {
		if c.typ != "application" && c.typ != "*" {
			continue
		}
		switch c.sub {
		case "*", "json":
			return mediaJSON
		case subtypeSwaggerProto, subtypeSwaggerProtoA:
			return mediaSwaggerProto
		}
	}
	return ""
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip.
func acceptsGzip(header string) bool {
	for c := range strings.SplitSeq(header, ",") {
		enc, params, _ := strings.Cut(c, ";")
		if strings.ToLower(strings.TrimSpace(enc)) != "gzip" {
			continue
		}
		q, ok := qValue(params)
		return !ok || q > 0
	}
	return false
}
