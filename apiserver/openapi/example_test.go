package openapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	openapi_v2 "github.com/google/gnostic-models/openapiv2"
	"google.golang.org/protobuf/proto"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/openapi"
)

// Serve the OpenAPI v3 documents of the built-in kinds and of one custom
// resource, and read them as kubectl does: the index first, then a
// group-version document by the URL the index gives.
func Example() {
	b := openapi.New(api.NewBuiltinScheme(), openapi.Options{})
	err := b.AddCRD(&apiextensions.CustomResourceDefinition{
		ObjectMeta: meta.ObjectMeta{Name: "crontabs.stable.example.com"},
		Spec: apiextensions.CustomResourceDefinitionSpec{
			Group: "stable.example.com",
			Names: apiextensions.CustomResourceDefinitionNames{Kind: "CronTab", Plural: "crontabs"},
			Scope: apiextensions.NamespaceScoped,
			Versions: []apiextensions.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensions.CustomResourceValidation{OpenAPIV3Schema: &apiextensions.JSONSchemaProps{
					Type: "object",
					Properties: map[string]apiextensions.JSONSchemaProps{
						"spec": {Type: "object", Properties: map[string]apiextensions.JSONSchemaProps{
							"cronSpec": {Type: "string"},
						}},
					},
				}},
			}},
		},
	})
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.Handle("/openapi/v3", b.Handler())
	mux.Handle("/openapi/v3/", b.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var index struct {
		Paths map[string]struct{ ServerRelativeURL string }
	}
	getJSON(srv.URL+"/openapi/v3", &index)
	u := index.Paths["apis/apps/v1"].ServerRelativeURL
	fmt.Println(strings.HasPrefix(u, "/openapi/v3/apis/apps/v1?hash="))

	var apps struct {
		Paths map[string]struct {
			Patch struct {
				Parameters  []struct{ Name string }
				RequestBody struct{ Content map[string]any }
			}
		}
	}
	getJSON(srv.URL+u, &apps)
	patch := apps.Paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].Patch
	var names []string
	for _, p := range patch.Parameters {
		names = append(names, p.Name)
	}
	fmt.Println(strings.Join(names, " "))
	fmt.Println(len(patch.RequestBody.Content), "patch types")

	var crontabs struct {
		Components struct{ Schemas map[string]json.RawMessage }
	}
	getJSON(srv.URL+index.Paths["apis/stable.example.com/v1"].ServerRelativeURL, &crontabs)
	_, ok := crontabs.Components.Schemas["com.example.stable.v1.CronTab"]
	fmt.Println(ok)
	// Output:
	// true
	// dryRun fieldManager fieldValidation
	// 3 patch types
	// true
}

func getJSON(url string, v any) {
	resp, err := http.Get(url)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		panic(err)
	}
}

// Download the Swagger 2.0 document in protobuf, as kubectl 1.27 and 1.28
// do before every apply, and read it with gnostic.
func Example_swagger() {
	b := openapi.New(api.NewBuiltinScheme(), openapi.Options{})
	srv := httptest.NewServer(b.Handler())
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/openapi/v2?timeout=32s", nil)
	req.Header.Set("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Header.Get("Content-Type"))

	doc := new(openapi_v2.Document)
	if err := proto.Unmarshal(body, doc); err != nil {
		panic(err)
	}
	fmt.Println(doc.GetSwagger())
	for _, def := range doc.GetDefinitions().GetAdditionalProperties() {
		if def.GetName() == "io.k8s.api.apps.v1.Deployment" {
			for _, ext := range def.GetValue().GetVendorExtension() {
				fmt.Print(ext.GetName(), ":\n", ext.GetValue().GetYaml())
			}
		}
	}
	// Output:
	// application/com.github.proto-openapi.spec.v2.v1.0+protobuf
	// 2.0
	// x-kubernetes-group-version-kind:
	// - group: apps
	//   kind: Deployment
	//   version: v1
}
