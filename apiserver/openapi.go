package apiserver

import (
	"net/http"

	"github.com/spar-dev/spar/apiserver/openapi"
)

// serveOpenAPI serves /openapi/v3 and the per-group-version documents.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	s.openapi.Handler().ServeHTTP(w, r)
}

func newOpenAPI(s *Server) *openapi.Builder {
	return openapi.New(s.scheme, openapi.Options{})
}
