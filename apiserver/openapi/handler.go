package openapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/meta"
)

// Handler serves GET /openapi/v3, the index of group-version documents,
// and GET /openapi/v3/<group-version path>?hash=<hash>, one document, as
// the Kubernetes API server does. Mount it at both /openapi/v3 and
// /openapi/v3/.
//
// Documents are JSON. A request with a hash that is current is answered
// with Cache-Control: public, immutable and a one-year lifetime; a stale
// hash is redirected (301) to the current URL. Every response carries an
// ETag (the SHA-512 of the body, as in the hash parameter) and honours
// If-None-Match.
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
