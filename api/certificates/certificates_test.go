package certificates_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/protobuf"
)

// The files in testdata were written by Kubernetes' own serializers
// (k8s.io/api and k8s.io/apimachinery v0.37.2), the same object as JSON
// and as protobuf, by a throw-away program outside this module.

func readGolden(t *testing.T) (js, pb []byte) {
	t.Helper()
	js, err := os.ReadFile("testdata/csr.json")
	if err != nil {
		t.Fatal(err)
	}
	pb, err = os.ReadFile("testdata/csr.pb")
	if err != nil {
		t.Fatal(err)
	}
	return js, pb
}

func TestJSONMatchesUpstream(t *testing.T) {
	js, _ := readGolden(t)
	var c certificates.CertificateSigningRequest
	if err := api.DecodeStrict(js, &c); err != nil {
		t.Fatalf("strict decode of upstream's JSON: %v", err)
	}
	if c.Spec.SignerName != certificates.KubeAPIServerClientKubeletSignerName || *c.Spec.ExpirationSeconds != 86400 ||
		!slices.Equal(c.Spec.Extra["scopes"].Items, []string{"a", "b"}) || len(c.Status.Conditions) != 2 {
		t.Errorf("decoded %+v, want the golden's fields", c.Spec)
	}
	if _, err := certificates.ParseRequest(c.Spec.Request); err != nil {
		t.Errorf("spec.request: %v", err)
	}
	out, err := api.Encode(&c)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("re-encoded JSON differs from upstream's:\n got %s\nwant %s", out, js)
	}
}

func TestProtobufMatchesUpstream(t *testing.T) {
	js, pb := readGolden(t)
	var fromJSON, fromPB certificates.CertificateSigningRequest
	if err := api.DecodeStrict(js, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := protobuf.UnmarshalStrict(pb, &fromPB); err != nil {
		t.Fatalf("UnmarshalStrict: %v", err)
	}
	if !reflect.DeepEqual(fromPB, fromJSON) {
		a, _ := json.Marshal(fromPB)
		b, _ := json.Marshal(fromJSON)
		t.Fatalf("protobuf and JSON decode differently:\nprotobuf %s\n    json %s", a, b)
	}
	again, err := protobuf.Marshal(&fromPB, "certificates.k8s.io/v1", "CertificateSigningRequest")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, pb) {
		t.Errorf("Marshal wrote %d bytes that differ from upstream's %d:\n got %x\nwant %x", len(again), len(pb), again, pb)
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	err := api.DecodeStrict([]byte(`{"spec":{"signerName":"a.b/c","usage":["client auth"]}}`), &certificates.CertificateSigningRequest{})
	var se *api.StrictError
	if !errors.As(err, &se) || !slices.Contains(se.Fields, `unknown field "spec.usage"`) {
		t.Errorf("DecodeStrict = %v, want unknown field \"spec.usage\"", err)
	}
}

func TestSchemeRegistration(t *testing.T) {
	r, ok := api.Default.ByResource(api.GVR{Group: "certificates.k8s.io", Version: "v1", Resource: "certificatesigningrequests"})
	if !ok {
		t.Fatal("certificatesigningrequests is not registered")
	}
	if r.Kind != "CertificateSigningRequest" || r.Namespaced || !slices.Equal(r.ShortNames, []string{"csr"}) ||
		!slices.Equal(r.Subresources, []string{"status", "approval"}) {
		t.Errorf("resource = %+v, want cluster-scoped CertificateSigningRequest, short name csr, status and approval", r)
	}
	if got := api.Default.Find("csr"); len(got) != 1 || got[0] != r {
		t.Errorf("Find(csr) = %v", got)
	}
}
