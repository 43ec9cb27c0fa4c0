package audit_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/apiserver/authn"
)

// A server audits requests by putting the filter after authentication.
// Here the "server" answers every request with an empty object, and the
// policy records secrets at Metadata and everything else with its bodies.
func ExampleWithAudit() {
	dir, _ := os.MkdirTemp("", "audit")
	defer os.RemoveAll(dir)

	policy, err := audit.ParsePolicy([]byte(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  resources: [{group: "", resources: ["secrets"]}]
- level: RequestResponse
`))
	if err != nil {
		log.Fatal(err)
	}
	backend, err := audit.NewLog(audit.LogOptions{Path: filepath.Join(dir, "audit.log"), MaxSize: 100, MaxBackups: 10})
	if err != nil {
		log.Fatal(err)
	}

	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{}`))
	})
	authenticate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(authn.WithUser(r.Context(), &authn.User{Name: "jane"})))
		})
	}
	h := authenticate(audit.WithAudit(api, policy, backend, nil))

	for _, path := range []string{"/api/v1/namespaces/default/secrets", "/api/v1/namespaces/default/configmaps"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", path, strings.NewReader(`{"metadata":{"name":"x"}}`)))
	}
	backend.Close()

	f, _ := os.Open(filepath.Join(dir, "audit.log"))
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ev audit.Event
		json.Unmarshal(sc.Bytes(), &ev)
		body := string(ev.RequestObject)
		if body == "" {
			body = "(not recorded)"
		}
		fmt.Printf("%s %s %s %s/%s by %s: %d, request %s\n", ev.Stage, ev.Level, ev.Verb,
			ev.ObjectRef.Resource, ev.ObjectRef.Name, ev.User.Username, ev.ResponseStatus.Code, body)
	}
	// Output:
	// ResponseComplete Metadata create secrets/x by jane: 201, request (not recorded)
	// ResponseComplete RequestResponse create configmaps/x by jane: 201, request {"metadata":{"name":"x"}}
}
