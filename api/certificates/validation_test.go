package certificates_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/meta"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var _ validator = (*certificates.CertificateSigningRequest)(nil)

var testKey = func() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}()

func requestPEM(t *testing.T, cn string, orgs ...string) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: cn, Organization: orgs},
	}, testKey)
	if err != nil {
		t.Fatal(err)
	}
	return certificates.EncodeRequest(der)
}

func certificatePEM(t *testing.T) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "x"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &testKey.PublicKey, testKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func validCSR(t *testing.T) *certificates.CertificateSigningRequest {
	t.Helper()
	return &certificates.CertificateSigningRequest{
		ObjectMeta: meta.ObjectMeta{Name: "csr-1"},
		Spec: certificates.CertificateSigningRequestSpec{
			Request:    requestPEM(t, "system:node:worker-1", "system:nodes"),
			SignerName: certificates.KubeAPIServerClientKubeletSignerName,
			Usages:     []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageClientAuth},
		},
	}
}

func expectErrors(t *testing.T, got meta.FieldErrors, want ...string) {
	t.Helper()
	var g []string
	for _, e := range got {
		g = append(g, e.Error())
	}
	if !slices.Equal(g, want) {
		t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(g, "\n      "), strings.Join(want, "\n      "))
	}
}

func cond(t certificates.RequestConditionType, s meta.ConditionStatus) certificates.CertificateSigningRequestCondition {
	return certificates.CertificateSigningRequestCondition{Type: t, Status: s}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*certificates.CertificateSigningRequest)
		want   []string
	}{
		{"valid", func(*certificates.CertificateSigningRequest) {}, nil},
		{"any name that fits a path segment", func(c *certificates.CertificateSigningRequest) { c.Name = "Node_CSR:1" }, nil},
		{"name with a slash", func(c *certificates.CertificateSigningRequest) { c.Name = "a/b" }, []string{
			`metadata.name: Invalid value: "a/b": may not contain '/'`,
		}},
		{"namespace", func(c *certificates.CertificateSigningRequest) { c.Namespace = "default" }, []string{
			`metadata.namespace: Forbidden: not allowed on this type`,
		}},
		{"no request", func(c *certificates.CertificateSigningRequest) { c.Spec.Request = nil }, []string{
			`spec.request: Invalid value: PEM block type must be CERTIFICATE REQUEST`,
		}},
		{"a certificate instead of a request", func(c *certificates.CertificateSigningRequest) { c.Spec.Request = certificatePEM(t) }, []string{
			`spec.request: Invalid value: PEM block type must be CERTIFICATE REQUEST`,
		}},
		{"forged signature", func(c *certificates.CertificateSigningRequest) {
			b, _ := pem.Decode(c.Spec.Request)
			b.Bytes[len(b.Bytes)-3] ^= 0xff
			c.Spec.Request = pem.EncodeToMemory(b)
		}, []string{`spec.request: Invalid value: x509: ECDSA verification failure`}},
		{"no usages", func(c *certificates.CertificateSigningRequest) { c.Spec.Usages = nil }, []string{
			`spec.usages: Required value: usages must be provided`,
		}},
		{"unknown and duplicate usages", func(c *certificates.CertificateSigningRequest) {
			c.Spec.Usages = []certificates.KeyUsage{"client auth", "flying", "client auth"}
		}, []string{
			`spec.usages[1]: Unsupported value: "flying": supported values: "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping"`,
			`spec.usages[2]: Duplicate value: "client auth"`,
		}},
		{"no signer", func(c *certificates.CertificateSigningRequest) { c.Spec.SignerName = "" }, []string{
			`spec.signerName: Required value: signerName must be provided`,
		}},
		{"legacy signer", func(c *certificates.CertificateSigningRequest) { c.Spec.SignerName = "kubernetes.io/legacy-unknown" }, []string{
			`spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version`,
		}},
		{"signer without a path", func(c *certificates.CertificateSigningRequest) { c.Spec.SignerName = "example.com" }, []string{
			`spec.signerName: Invalid value: "example.com": must be a fully qualified domain and path of the form 'example.com/signer-name'`,
		}},
		{"signer with two slashes", func(c *certificates.CertificateSigningRequest) { c.Spec.SignerName = "example.com/a/b" }, []string{
			`spec.signerName: Invalid value: "example.com/a/b": must be a fully qualified domain and path of the form 'example.com/signer-name'`,
		}},
		{"signer domain of one label", func(c *certificates.CertificateSigningRequest) { c.Spec.SignerName = "example/signer" }, []string{
			`spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots`,
		}},
		{"signer with bad labels", func(c *certificates.CertificateSigningRequest) { c.Spec.SignerName = "Example.com/My_Signer" }, []string{
			`spec.signerName: Invalid value: "Example.com": validating label "Example": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
			`spec.signerName: Invalid value: "My_Signer": validating label "My_Signer": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		}},
		{"custom signer with a namespaced path", func(c *certificates.CertificateSigningRequest) { c.Spec.SignerName = "example.com/team-a.issuer" }, nil},
		{"signer too long", func(c *certificates.CertificateSigningRequest) {
			c.Spec.SignerName = "example.com/" + strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + "." + strings.Repeat("f", 63) + "." + strings.Repeat("g", 63) + "." + strings.Repeat("h", 63) + "." + strings.Repeat("i", 50)
		}, []string{`spec.signerName: Too long: may not be more than 571 bytes`}},
		{"short expiration", func(c *certificates.CertificateSigningRequest) { c.Spec.ExpirationSeconds = new(int32(599)) }, []string{
			`spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)`,
		}},
		{"ten minutes", func(c *certificates.CertificateSigningRequest) { c.Spec.ExpirationSeconds = new(int32(600)) }, nil},
		{"approved and denied", func(c *certificates.CertificateSigningRequest) {
			c.Status.Conditions = []certificates.CertificateSigningRequestCondition{
				cond(certificates.CertificateApproved, meta.ConditionTrue), cond(certificates.CertificateDenied, meta.ConditionTrue)}
		}, []string{`status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive`}},
		{"condition statuses", func(c *certificates.CertificateSigningRequest) {
			c.Status.Conditions = []certificates.CertificateSigningRequestCondition{
				cond(certificates.CertificateFailed, meta.ConditionFalse), cond("Custom", "Maybe"), cond("", ""),
				cond("Custom", meta.ConditionUnknown)}
		}, []string{
			`status.conditions[0].status: Unsupported value: "False": supported values: "True"`,
			`status.conditions[1].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"`,
			`status.conditions[2].type: Required value`,
			`status.conditions[2].status: Required value`,
			`status.conditions[3].type: Duplicate value: "Custom"`,
		}},
		{"certificate of the wrong type", func(c *certificates.CertificateSigningRequest) {
			c.Status.Certificate = c.Spec.Request
		}, []string{`status.certificate: Invalid value: "<certificate data>": only CERTIFICATE PEM blocks are allowed, found "CERTIFICATE REQUEST"`}},
		{"certificate that is not PEM", func(c *certificates.CertificateSigningRequest) {
			c.Status.Certificate = []byte("hello")
		}, []string{`status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block`}},
		{"certificate with text around it", func(c *certificates.CertificateSigningRequest) {
			c.Status.Certificate = append(append([]byte("issued by the test\n"), certificatePEM(t)...), certificatePEM(t)...)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCSR(t)
			tt.mutate(c)
			expectErrors(t, c.Validate(), tt.want...)
		})
	}
}

// stored returns a CSR as the API server holds it: created, with a
// resourceVersion.
func stored(t *testing.T) *certificates.CertificateSigningRequest {
	c := validCSR(t)
	c.ResourceVersion, c.UID = "10", "u-1"
	c.PrepareForCreate("system:bootstrap:abcdef", "", []string{"system:bootstrappers", "system:authenticated"}, nil)
	return c
}

var approvedAt = meta.NewTime(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))

func approved(t *testing.T) *certificates.CertificateSigningRequest {
	c := stored(t)
	c.Status.Conditions = []certificates.CertificateSigningRequestCondition{{Type: certificates.CertificateApproved,
		Status: meta.ConditionTrue, Reason: "AutoApproved", LastUpdateTime: approvedAt, LastTransitionTime: approvedAt}}
	return c
}

func TestValidateUpdatePaths(t *testing.T) {
	type path func(c *certificates.CertificateSigningRequest, old meta.Object) meta.FieldErrors
	var (
		main     path = (*certificates.CertificateSigningRequest).ValidateUpdate
		status   path = (*certificates.CertificateSigningRequest).ValidateStatusUpdate
		approval path = (*certificates.CertificateSigningRequest).ValidateApprovalUpdate
	)
	approve := func(c *certificates.CertificateSigningRequest) {
		c.Status.Conditions = append(c.Status.Conditions, cond(certificates.CertificateApproved, meta.ConditionTrue))
	}
	deny := func(c *certificates.CertificateSigningRequest) {
		c.Status.Conditions = append(c.Status.Conditions, cond(certificates.CertificateDenied, meta.ConditionTrue))
	}
	issue := func(c *certificates.CertificateSigningRequest) { c.Status.Certificate = certificatePEM(t) }
	tests := []struct {
		name   string
		old    func(t *testing.T) *certificates.CertificateSigningRequest
		path   path
		mutate func(*certificates.CertificateSigningRequest)
		want   []string
	}{
		{"labels through the main resource", stored, main, func(c *certificates.CertificateSigningRequest) { c.Labels = map[string]string{"a": "b"} }, nil},
		{"spec is immutable", stored, main, func(c *certificates.CertificateSigningRequest) { c.Spec.Username = "admin" }, []string{
			`spec: Forbidden: the spec of a certificate signing request is immutable`,
		}},
		{"spec is immutable through status too", stored, status, func(c *certificates.CertificateSigningRequest) {
			c.Spec.Usages = append(c.Spec.Usages, certificates.UsageServerAuth)
		}, []string{`spec: Forbidden: the spec of a certificate signing request is immutable`}},
		{"no approval through the main resource", stored, main, approve, []string{
			`status.conditions: Forbidden: updates may not add a condition of type "Approved"`,
		}},
		{"no approval through status", stored, status, approve, []string{
			`status.conditions: Forbidden: updates may not add a condition of type "Approved"`,
		}},
		{"approval through approval", stored, approval, approve, nil},
		{"denial through approval", stored, approval, deny, nil},
		{"deny what is approved", approved, approval, deny, []string{
			`status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive`,
		}},
		{"un-approve", approved, approval, func(c *certificates.CertificateSigningRequest) { c.Status.Conditions = nil }, []string{
			`status.conditions: Forbidden: updates may not remove a condition of type "Approved"`,
		}},
		{"edit the approval through status", approved, status, func(c *certificates.CertificateSigningRequest) {
			c.Status.Conditions[0].Reason = "Other"
		}, []string{"status.conditions: Forbidden: updates may not modify a condition of type \"Approved\"\n" +
			"@@ -2,7 +2,7 @@\n  {\n   \"type\": \"Approved\",\n   \"status\": \"True\",\n" +
			"-  \"reason\": \"AutoApproved\",\n+  \"reason\": \"Other\",\n" +
			"   \"lastUpdateTime\": \"2024-05-01T10:00:00Z\",\n   \"lastTransitionTime\": \"2024-05-01T10:00:00Z\"\n  }\n"},
		},
		{"certificate through status", approved, status, issue, nil},
		{"no certificate through the main resource", approved, main, issue, []string{
			`status.certificate: Forbidden: updates may not set certificate content`,
		}},
		{"no certificate through approval", approved, approval, issue, []string{
			`status.certificate: Forbidden: updates may not set certificate content`,
		}},
		{"certificate set once", func(t *testing.T) *certificates.CertificateSigningRequest {
			c := approved(t)
			issue(c)
			return c
		}, status, issue, []string{`status.certificate: Forbidden: updates may not modify existing certificate content`}},
		{"failure through status", approved, status, func(c *certificates.CertificateSigningRequest) {
			c.Status.Conditions = append(c.Status.Conditions, cond(certificates.CertificateFailed, meta.ConditionTrue))
		}, nil},
		{"stored problems are tolerated", func(t *testing.T) *certificates.CertificateSigningRequest {
			c := stored(t)
			c.Spec.Usages = []certificates.KeyUsage{"flying", "flying"}
			c.Status.Conditions = []certificates.CertificateSigningRequestCondition{
				cond(certificates.CertificateApproved, meta.ConditionTrue), cond(certificates.CertificateDenied, meta.ConditionTrue),
				cond("", meta.ConditionTrue), cond("", meta.ConditionTrue)}
			c.Status.Certificate = []byte("junk")
			return c
		}, main, func(c *certificates.CertificateSigningRequest) { c.Labels = map[string]string{"a": "b"} }, nil},
		{"metadata rules hold", stored, main, func(c *certificates.CertificateSigningRequest) { c.UID = "other" }, []string{
			`metadata.uid: Invalid value: "other": field is immutable`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := tt.old(t)
			c := meta.DeepCopy(old)
			tt.mutate(c)
			got := tt.path(c, old)
			expectErrors(t, got, tt.want...)
		})
	}
	if errs := validCSR(t).ValidateUpdate(&meta.Unstructured{}); len(errs) != 1 {
		t.Errorf("ValidateUpdate(another kind) = %v, want one internal error", errs)
	}
}

func TestPrepareForCreate(t *testing.T) {
	c := validCSR(t)
	c.Spec.Username, c.Spec.Groups = "forged", []string{"system:masters"}
	c.Spec.Extra = map[string]certificates.ExtraValue{"forged": {Items: []string{"x"}}}
	c.Status = certificates.CertificateSigningRequestStatus{Certificate: certificatePEM(t),
		Conditions: []certificates.CertificateSigningRequestCondition{cond(certificates.CertificateApproved, meta.ConditionTrue)}}
	groups := []string{"system:nodes", "system:authenticated"}
	c.PrepareForCreate("system:node:worker-1", "uid-1", groups, map[string][]string{"scopes": {"a"}})
	groups[0] = "changed"
	if c.Spec.Username != "system:node:worker-1" || c.Spec.UID != "uid-1" ||
		!slices.Equal(c.Spec.Groups, []string{"system:nodes", "system:authenticated"}) {
		t.Errorf("requester = %q %q %v, want the creating user's", c.Spec.Username, c.Spec.UID, c.Spec.Groups)
	}
	if got := c.Spec.ExtraMap(); len(got) != 1 || !slices.Equal(got["scopes"], []string{"a"}) {
		t.Errorf("extra = %v, want only the user's", got)
	}
	if len(c.Status.Conditions) != 0 || len(c.Status.Certificate) != 0 {
		t.Errorf("status = %+v, want empty: requests cannot be created approved", c.Status)
	}
	c.PrepareForCreate("anonymous", "", nil, nil)
	if c.Spec.Extra != nil || c.Spec.Groups != nil {
		t.Errorf("extra, groups = %v, %v, want nil", c.Spec.Extra, c.Spec.Groups)
	}
}

func TestPrepareForUpdatePaths(t *testing.T) {
	now := meta.NewTime(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	earlier := meta.NewTime(time.Date(2024, 5, 1, 11, 0, 0, 0, time.UTC))
	old := stored(t)
	old.Status.Conditions = []certificates.CertificateSigningRequestCondition{{Type: certificates.CertificateApproved,
		Status: meta.ConditionTrue, Reason: "AutoApproved", LastUpdateTime: earlier, LastTransitionTime: earlier}}

	t.Run("main", func(t *testing.T) {
		c := meta.DeepCopy(old)
		c.Spec.Username, c.Status.Certificate, c.Labels = "x", []byte("x"), map[string]string{"a": "b"}
		c.Status.Conditions = nil
		c.PrepareForUpdate(old)
		if c.Spec.Username != old.Spec.Username || c.Status.Certificate != nil || len(c.Status.Conditions) != 1 || c.Labels["a"] != "b" {
			t.Errorf("after PrepareForUpdate: spec %q, status %+v, labels %v; want old spec and status, new labels", c.Spec.Username, c.Status, c.Labels)
		}
	})
	t.Run("status", func(t *testing.T) {
		c := meta.DeepCopy(old)
		c.Spec.Username = "x"
		c.Status.Conditions[0].Reason = "Changed" // kept from old
		c.Status.Conditions = append(c.Status.Conditions, cond(certificates.CertificateFailed, meta.ConditionTrue))
		c.Status.Certificate = []byte("cert")
		c.PrepareForStatusUpdate(old, now)
		if c.Spec.Username != old.Spec.Username {
			t.Errorf("spec.username = %q, want the stored one", c.Spec.Username)
		}
		if c.Status.Conditions[0].Reason != "AutoApproved" {
			t.Errorf("Approved reason = %q, want the stored condition kept", c.Status.Conditions[0].Reason)
		}
		f := c.Condition(certificates.CertificateFailed)
		if f == nil || !f.LastUpdateTime.Equal(now) || !f.LastTransitionTime.Equal(now) {
			t.Errorf("Failed = %+v, want timestamps set to now", f)
		}
		if string(c.Status.Certificate) != "cert" {
			t.Errorf("certificate = %q, want the written one", c.Status.Certificate)
		}
	})
	t.Run("approval", func(t *testing.T) {
		prev := meta.DeepCopy(old)
		prev.Status.Conditions = nil
		prev.Status.Certificate = []byte("cert")
		c := meta.DeepCopy(prev)
		c.Spec.Username, c.Status.Certificate = "x", nil
		c.Status.Conditions = []certificates.CertificateSigningRequestCondition{cond(certificates.CertificateApproved, meta.ConditionTrue)}
		c.PrepareForApprovalUpdate(prev, now)
		if c.Spec.Username != prev.Spec.Username || string(c.Status.Certificate) != "cert" {
			t.Errorf("spec.username %q, certificate %q; want the stored ones", c.Spec.Username, c.Status.Certificate)
		}
		a := c.Condition(certificates.CertificateApproved)
		if a == nil || !a.LastUpdateTime.Equal(now) || !a.LastTransitionTime.Equal(now) {
			t.Errorf("Approved = %+v, want timestamps set to now", a)
		}
	})
	t.Run("transition time kept for the same status", func(t *testing.T) {
		c := meta.DeepCopy(old)
		c.Status.Conditions[0].LastUpdateTime, c.Status.Conditions[0].LastTransitionTime = meta.Time{}, meta.Time{}
		c.PrepareForApprovalUpdate(old, now)
		a := c.Condition(certificates.CertificateApproved)
		if !a.LastUpdateTime.Equal(now) || !a.LastTransitionTime.Equal(earlier) {
			t.Errorf("Approved times = %v, %v; want now and the stored transition", a.LastUpdateTime, a.LastTransitionTime)
		}
	})
}

func TestConditionHelpers(t *testing.T) {
	c := validCSR(t)
	t0 := meta.NewTime(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))
	t1 := meta.NewTime(t0.Add(time.Minute))
	c.SetCondition(cond("Custom", meta.ConditionFalse), t0)
	c.SetCondition(cond("Custom", meta.ConditionFalse), t1)
	if got := c.Condition("Custom"); !got.LastUpdateTime.Equal(t1) || !got.LastTransitionTime.Equal(t0) {
		t.Errorf("same status: times %v, %v; want updated %v, transition kept %v", got.LastUpdateTime, got.LastTransitionTime, t1, t0)
	}
	c.SetCondition(cond("Custom", meta.ConditionTrue), t1)
	if got := c.Condition("Custom"); !got.LastTransitionTime.Equal(t1) || len(c.Status.Conditions) != 1 {
		t.Errorf("status change: %+v, want one condition with transition %v", c.Status.Conditions, t1)
	}
	tests := []struct {
		name                             string
		conds                            []certificates.RequestConditionType
		cert                             bool
		approved, denied, failed, issued bool
	}{
		{"pending", nil, false, false, false, false, false},
		{"approved", []certificates.RequestConditionType{certificates.CertificateApproved}, false, true, false, false, false},
		{"issued", []certificates.RequestConditionType{certificates.CertificateApproved}, true, true, false, false, true},
		{"denied", []certificates.RequestConditionType{certificates.CertificateDenied}, false, false, true, false, false},
		{"both (old data)", []certificates.RequestConditionType{certificates.CertificateApproved, certificates.CertificateDenied}, false, false, true, false, false},
		{"failed", []certificates.RequestConditionType{certificates.CertificateApproved, certificates.CertificateFailed}, false, true, false, true, false},
	}
	for _, tt := range tests {
		c := validCSR(t)
		for _, ct := range tt.conds {
			c.Status.Conditions = append(c.Status.Conditions, cond(ct, meta.ConditionTrue))
		}
		if tt.cert {
			c.Status.Certificate = certificatePEM(t)
		}
		if c.IsApproved() != tt.approved || c.IsDenied() != tt.denied || c.IsFailed() != tt.failed || c.IsIssued() != tt.issued {
			t.Errorf("%s: approved %v denied %v failed %v issued %v; want %v %v %v %v", tt.name,
				c.IsApproved(), c.IsDenied(), c.IsFailed(), c.IsIssued(), tt.approved, tt.denied, tt.failed, tt.issued)
		}
	}
}
