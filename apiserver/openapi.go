package apiserver

import (
	"net/http"

	"github.com/spar-dev/spar/apiserver/openapi"
)

// serveOpenAPI serves the OpenAPI documents: /openapi/v3 (index and one
// document per group-version) and the v2 document kubectl 1.27 and 1.28
// validate with (/openapi/v2, /swagger-2.0.0.pb-v1).
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	s.openapi.Handler().ServeHTTP(w, r)
}

func newOpenAPI(s *Server) *openapi.Builder {
	return openapi.New(s.scheme, openapi.Options{})
}
