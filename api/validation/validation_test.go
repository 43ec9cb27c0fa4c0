package validation_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/api/validation"
)

// Kubernetes' messages, word for word.
const (
	labelMsg     = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	subdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	dns1035Msg   = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
	keyNameMsg   = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	valueMsg     = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)

func TestStringChecks(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name  string
		check func(string) []string
		value string
		want  []string
	}{
		{"label ok", validation.IsDNS1123Label, "my-name-1", nil},
		{"label digits first", validation.IsDNS1123Label, "123-abc", nil},
		{"label upper", validation.IsDNS1123Label, "My-name", []string{labelMsg}},
		{"label dots", validation.IsDNS1123Label, "my.name", []string{"must not contain dots"}},
		{"label trailing dash", validation.IsDNS1123Label, "name-", []string{labelMsg}},
		{"label empty", validation.IsDNS1123Label, "", []string{labelMsg}},
		{"label too long", validation.IsDNS1123Label, long(64), []string{"must be no more than 63 characters"}},
		{"subdomain ok", validation.IsDNS1123Subdomain, "a.b-c.d", nil},
		{"subdomain underscore", validation.IsDNS1123Subdomain, "bad_name", []string{subdomainMsg}},
		{"subdomain double dot", validation.IsDNS1123Subdomain, "a..b", []string{subdomainMsg}},
		{"subdomain too long", validation.IsDNS1123Subdomain, long(254), []string{"must be no more than 253 characters"}},
		{"1035 ok", validation.IsDNS1035Label, "web-1", nil},
		{"1035 digit first", validation.IsDNS1035Label, "1web", []string{dns1035Msg}},
		{"1035 empty", validation.IsDNS1035Label, "", []string{dns1035Msg}},
		{"wildcard ok", validation.IsWildcardDNS1123Subdomain, "*.example.com", nil},
		{"wildcard missing star", validation.IsWildcardDNS1123Subdomain, "example.com", []string{
			"a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"}},
		{"qualified ok", validation.IsQualifiedName, "example.com/My_Key.1", nil},
		{"qualified empty prefix", validation.IsQualifiedName, "/key", []string{"prefix part must be non-empty"}},
		{"qualified bad name", validation.IsQualifiedName, "key-", []string{keyNameMsg}},
		{"label value ok", validation.IsValidLabelValue, "", nil},
		{"label value bad", validation.IsValidLabelValue, "a b", []string{valueMsg}},
		{"c identifier ok", validation.IsCIdentifier, "_my_VAR1", nil},
		{"c identifier digit", validation.IsCIdentifier, "1var", []string{
			"a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')"}},
		{"env strict ok", validation.IsEnvVarName, "my.env-name", nil},
		{"env strict digit", validation.IsEnvVarName, "1A", []string{
			"a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"}},
		{"env strict dotdot", validation.IsEnvVarName, "..", []string{"must not be '..'"}},
		{"env relaxed ok", validation.IsRelaxedEnvVarName, "1 weird.name!", nil},
		{"env relaxed empty", validation.IsRelaxedEnvVarName, "", []string{"environment variable name must be non-empty"}},
		{"env relaxed tab", validation.IsRelaxedEnvVarName, "A\tB", []string{"a valid environment variable name must consist only of printable ASCII characters other than '='"}},
		{"config key ok", validation.IsConfigMapKey, "app.conf", nil},
		{"config key slash", validation.IsConfigMapKey, "a/b", []string{
			"a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"}},
		{"config key dot", validation.IsConfigMapKey, ".", []string{"must not be '.'"}},
		{"config key dotdot prefix", validation.IsConfigMapKey, "..data", []string{"must not start with '..'"}},
		{"header ok", validation.IsHTTPHeaderName, "X-Custom-1", nil},
		{"header space", validation.IsHTTPHeaderName, "X Custom", []string{
			"a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"}},
		{"percent ok", validation.IsValidPercent, "25%", nil},
		{"percent bad", validation.IsValidPercent, "25", []string{
			"a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"}},
		{"port name ok", validation.IsValidPortName, "http-8080", nil},
		{"port name bad", validation.IsValidPortName, "-HTTP--", []string{
			"must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
			"must contain at least one letter (a-z)",
			"must not contain consecutive hyphens",
			"must not begin or end with a hyphen",
		}},
		{"port name long", validation.IsValidPortName, "abcdefghijklmnop", []string{"must be no more than 15 characters"}},
		{"path segment ok", validation.IsPathSegmentName, "system:admin", nil},
		{"path segment dotdot", validation.IsPathSegmentName, "..", []string{"may not be '..'"}},
		{"path segment slash percent", validation.IsPathSegmentName, "a/b%", []string{"may not contain '/'", "may not contain '%'"}},
		{"IP ok", validation.IsValidIP, "2001:db8::1", nil},
		{"IP not canonical", validation.IsValidIP, "2001:db8:0::1", []string{`must be in canonical form ("2001:db8::1")`}},
		{"IP bad", validation.IsValidIP, "10.1.2", []string{"must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"}},
		{"IP leading zero", validation.IsValidIPForLegacyField, "010.1.2.3", []string{"must not have leading 0s"}},
		{"IP mapped", validation.IsValidIPForLegacyField, "::ffff:1.2.3.4", []string{"must not be an IPv4-mapped IPv6 address"}},
		{"IP legacy non-canonical ok", validation.IsValidIPForLegacyField, "2001:db8:0::1", nil},
		{"CIDR ok", validation.IsValidCIDR, "10.0.0.0/8", nil},
		{"CIDR host bits", validation.IsValidCIDR, "10.0.0.1/8", []string{"must not have bits set beyond the prefix length"}},
		{"CIDR bad", validation.IsValidCIDR, "10.0.0.0", []string{"must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"}},
		{"CIDR leading zero", validation.IsValidCIDRForLegacyField, "10.0.0.0/08", []string{"must not have leading 0s in IP or prefix length"}},
		{"CIDR v6 canonical", validation.IsValidCIDR, "2001:DB8::/64", []string{`must be in canonical form ("2001:db8::/64")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.check(tt.value); !slices.Equal(got, tt.want) {
				t.Errorf("check(%q):\n got: %q\nwant: %q", tt.value, got, tt.want)
			}
		})
	}
}

func TestNumberChecks(t *testing.T) {
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"port 0", validation.IsValidPortNum(0), []string{"must be between 1 and 65535, inclusive"}},
		{"port 65535", validation.IsValidPortNum(65535), nil},
		{"range", validation.IsInRange(5, 1, 3), []string{"must be between 1 and 3, inclusive"}},
		{"uid", validation.IsValidUserID(-1), []string{"must be between 0 and 2147483647, inclusive"}},
		{"gid", validation.IsValidGroupID(1 << 31), []string{"must be between 0 and 2147483647, inclusive"}},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestNameFuncs(t *testing.T) {
	tests := []struct {
		name   string
		fn     validation.NameFunc
		value  string
		prefix bool
		want   []string
	}{
		{"subdomain generateName with dash", validation.NameIsDNSSubdomain, "web-", true, nil},
		{"subdomain name with dash", validation.NameIsDNSSubdomain, "web-", false, []string{subdomainMsg}},
		{"label generateName", validation.NameIsDNSLabel, "team-", true, nil},
		{"1035 generateName", validation.NameIsDNS1035Label, "svc-", true, nil},
		{"path segment", validation.ValidatePathSegmentName, "edit:all", false, nil},
		{"path segment prefix", validation.ValidatePathSegmentName, "..", true, nil},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.value, tt.prefix); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func messages(errs meta.FieldErrors) []string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return s
}

func check(t *testing.T, got meta.FieldErrors, want []string) {
	t.Helper()
	if g := messages(got); !slices.Equal(g, want) {
		t.Errorf("errors:\n got: %q\nwant: %q", g, want)
	}
}

func TestValidateObjectMeta(t *testing.T) {
	yes := true
	tests := []struct {
		name       string
		m          meta.ObjectMeta
		namespaced bool
		nameFn     validation.NameFunc
		want       []string
	}{
		{"valid", meta.ObjectMeta{Name: "web", Namespace: "default", Labels: map[string]string{"app": "web"}}, true, validation.NameIsDNSSubdomain, nil},
		{"bad name", meta.ObjectMeta{Name: "bad_name", Namespace: "default"}, true, validation.NameIsDNSSubdomain,
			[]string{`metadata.name: Invalid value: "bad_name": ` + subdomainMsg}},
		{"no name", meta.ObjectMeta{Namespace: "default"}, true, validation.NameIsDNSSubdomain,
			[]string{"metadata.name: Required value: name or generateName is required"}},
		{"bad generateName", meta.ObjectMeta{Name: "web-x1", GenerateName: "Web-", Namespace: "default"}, true, validation.NameIsDNSSubdomain,
			[]string{`metadata.generateName: Invalid value: "Web-": ` + subdomainMsg}},
		{"no namespace", meta.ObjectMeta{Name: "web"}, true, validation.NameIsDNSSubdomain,
			[]string{"metadata.namespace: Required value"}},
		{"bad namespace", meta.ObjectMeta{Name: "web", Namespace: "my.ns"}, true, validation.NameIsDNSSubdomain,
			[]string{`metadata.namespace: Invalid value: "my.ns": must not contain dots`}},
		{"namespace on cluster-scoped", meta.ObjectMeta{Name: "web", Namespace: "default"}, false, validation.NameIsDNSSubdomain,
			[]string{"metadata.namespace: Forbidden: not allowed on this type"}},
		{"negative generation", meta.ObjectMeta{Name: "web", Generation: -1}, false, validation.NameIsDNSSubdomain,
			[]string{"metadata.generation: Invalid value: -1: must be greater than or equal to 0"}},
		{"labels", meta.ObjectMeta{Name: "web", Labels: map[string]string{"b/c/d": "x", "ok": "-bad"}}, false, validation.NameIsDNSSubdomain,
			[]string{
				`metadata.labels: Invalid value: "b/c/d": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
				`metadata.labels: Invalid value: "-bad": ` + valueMsg,
			}},
		{"annotation key", meta.ObjectMeta{Name: "web", Annotations: map[string]string{"Example.COM/Note": "ok", "bad key": ""}}, false, validation.NameIsDNSSubdomain,
			[]string{`metadata.annotations: Invalid value: "bad key": ` + keyNameMsg}},
		{"annotations too large", meta.ObjectMeta{Name: "web", Annotations: map[string]string{"a": strings.Repeat("x", 256<<10)}}, false, validation.NameIsDNSSubdomain,
			[]string{"metadata.annotations: Too long: may not be more than 262144 bytes"}},
		{"owner references", meta.ObjectMeta{Name: "web", OwnerReferences: []meta.OwnerReference{
			{APIVersion: "apps/v1/x", Kind: "ReplicaSet", Name: "rs", UID: "1", Controller: &yes},
			{APIVersion: "v1", Kind: "Event", Name: "e", UID: "2"},
			{Controller: &yes},
		}}, false, validation.NameIsDNSSubdomain, []string{
			`metadata.ownerReferences[0].apiVersion: Invalid value: "apps/v1/x": must be <group>/<version> or <version>`,
			`metadata.ownerReferences[1]: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"2"}: /v1, Kind=Event is disallowed from being an owner`,
			"metadata.ownerReferences[2].apiVersion: Required value: must not be empty",
			"metadata.ownerReferences[2].kind: Required value: must not be empty",
			"metadata.ownerReferences[2].name: Required value: must not be empty",
			"metadata.ownerReferences[2].uid: Required value: must not be empty",
			`metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1/x","kind":"ReplicaSet","name":"rs","uid":"1","controller":true},{"apiVersion":"v1","kind":"Event","name":"e","uid":"2"},{"apiVersion":"","kind":"","name":"","uid":"","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and /`,
		}},
		{"finalizers", meta.ObjectMeta{Name: "web", Finalizers: []string{"orphan", "foregroundDeletion", "custom", "example.com/ok"}}, false, validation.NameIsDNSSubdomain,
			[]string{
				`metadata.finalizers: Invalid value: ["orphan","foregroundDeletion","custom","example.com/ok"]: finalizer orphan and foregroundDeletion cannot be both set`,
				`metadata.finalizers[2]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified`,
			}},
		{"managed fields", meta.ObjectMeta{Name: "web", ManagedFields: []meta.ManagedFieldsEntry{
			{Manager: "kubectl", Operation: "Patch", FieldsType: "FieldsV2"},
		}}, false, validation.NameIsDNSSubdomain, []string{
			`metadata.managedFields[0].operation: Unsupported value: "Patch": supported values: "Apply", "Update"`,
			"metadata.managedFields[0].fieldsType: Invalid value: \"FieldsV2\": must be `FieldsV1`",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, validation.ValidateObjectMeta(&tt.m, tt.namespaced, tt.nameFn, meta.NewPath("metadata")), tt.want)
		})
	}
}

func TestValidateObjectMetaUpdate(t *testing.T) {
	created := meta.NewTime(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))
	old := meta.ObjectMeta{Name: "web", Namespace: "default", UID: "u1", ResourceVersion: "10", Generation: 3, CreationTimestamp: created}
	tests := []struct {
		name   string
		old    func(*meta.ObjectMeta)
		mutate func(*meta.ObjectMeta)
		want   []string
	}{
		{"unchanged", nil, func(m *meta.ObjectMeta) {}, nil},
		{"labels and annotations may change", nil, func(m *meta.ObjectMeta) {
			m.Labels = map[string]string{"a": "b"}
			m.Annotations = map[string]string{"note": "x"}
			m.Generation = 4
		}, nil},
		{"name", nil, func(m *meta.ObjectMeta) { m.Name = "api" },
			[]string{`metadata.name: Invalid value: "api": field is immutable`}},
		{"namespace", nil, func(m *meta.ObjectMeta) { m.Namespace = "prod" },
			[]string{`metadata.namespace: Invalid value: "prod": field is immutable`}},
		{"uid", nil, func(m *meta.ObjectMeta) { m.UID = "u2" },
			[]string{`metadata.uid: Invalid value: "u2": field is immutable`}},
		{"creation timestamp at wire precision", nil, func(m *meta.ObjectMeta) {
			m.CreationTimestamp = meta.NewTime(created.Add(500 * time.Millisecond))
		}, nil},
		{"creation timestamp", nil, func(m *meta.ObjectMeta) { m.CreationTimestamp = meta.NewTime(created.Add(time.Hour)) },
			[]string{`metadata.creationTimestamp: Invalid value: "2024-05-01T11:00:00Z": field is immutable`}},
		{"generation decremented", nil, func(m *meta.ObjectMeta) { m.Generation = 2 },
			[]string{"metadata.generation: Invalid value: 2: must not be decremented"}},
		{"resource version", nil, func(m *meta.ObjectMeta) { m.ResourceVersion = "" },
			[]string{`metadata.resourceVersion: Invalid value: "": must be specified for an update`}},
		{"finalizer removed while deleting", func(m *meta.ObjectMeta) {
			now := meta.Now()
			m.DeletionTimestamp = &now
			m.Finalizers = []string{"example.com/a"}
		}, func(m *meta.ObjectMeta) { m.Finalizers = nil }, nil},
		{"finalizer added while deleting", func(m *meta.ObjectMeta) {
			now := meta.Now()
			m.DeletionTimestamp = &now
		}, func(m *meta.ObjectMeta) { m.Finalizers = []string{"example.com/b", "example.com/a"} },
			[]string{`metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/a", "example.com/b"}`}},
		{"bad finalizer", nil, func(m *meta.ObjectMeta) { m.Finalizers = []string{"custom"} },
			[]string{`metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := meta.DeepCopy(old)
			if tt.old != nil {
				tt.old(&o)
			}
			n := meta.DeepCopy(o)
			tt.mutate(&n)
			check(t, validation.ValidateObjectMetaUpdate(&n, &o, meta.NewPath("metadata")), tt.want)
		})
	}
}

func TestValidateLabelSelector(t *testing.T) {
	p := meta.NewPath("spec", "selector")
	tests := []struct {
		name string
		sel  *meta.LabelSelector
		opts validation.LabelSelectorOptions
		want []string
	}{
		{"nil", nil, validation.LabelSelectorOptions{}, nil},
		{"valid", &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"},
			MatchExpressions: []meta.LabelSelectorRequirement{{Key: "tier", Operator: meta.LabelSelectorOpIn, Values: []string{"a", "b"}}}},
			validation.LabelSelectorOptions{}, nil},
		{"In without values", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "tier", Operator: meta.LabelSelectorOpIn}}},
			validation.LabelSelectorOptions{}, []string{"spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"}},
		{"Exists with values", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "tier", Operator: meta.LabelSelectorOpExists, Values: []string{"a"}}}},
			validation.LabelSelectorOptions{}, []string{"spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"}},
		{"bad operator", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "tier", Operator: "Like"}}},
			validation.LabelSelectorOptions{}, []string{`spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator`}},
		{"bad value", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "tier", Operator: meta.LabelSelectorOpIn, Values: []string{"a b"}}}},
			validation.LabelSelectorOptions{}, []string{`spec.selector.matchExpressions[0].values[0]: Invalid value: "a b": ` + valueMsg}},
		{"bad value allowed", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "tier", Operator: meta.LabelSelectorOpIn, Values: []string{"a b"}}}},
			validation.LabelSelectorOptions{AllowInvalidLabelValueInSelector: true}, nil},
		{"bad match label", &meta.LabelSelector{MatchLabels: map[string]string{"app": "a b"}},
			validation.LabelSelectorOptions{}, []string{`spec.selector.matchLabels: Invalid value: "a b": ` + valueMsg}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, validation.ValidateLabelSelector(tt.sel, tt.opts, p), tt.want) })
	}
}

func TestFieldHelpers(t *testing.T) {
	p := meta.NewPath("spec", "replicas")
	check(t, validation.ValidateNonnegativeField(-1, p), []string{"spec.replicas: Invalid value: -1: must be greater than or equal to 0"})
	check(t, validation.ValidateNonnegativeField(0, p), nil)
	check(t, validation.ValidatePositiveField(0, p), []string{"spec.replicas: Invalid value: 0: must be greater than zero"})
	check(t, validation.ValidateNonnegativeQuantity(resource.MustParse("-100m"), p), []string{`spec.replicas: Invalid value: "-100m": must be greater than or equal to 0`})
	check(t, validation.ValidatePositiveQuantity(resource.MustParse("0"), p), []string{`spec.replicas: Invalid value: "0": must be greater than zero`})
	check(t, validation.ImmutableField("b", "a", p), []string{`spec.replicas: Invalid value: "b": field is immutable`})
	check(t, validation.ValidatePortNumOrName(meta.FromString("web"), p), nil)
	check(t, validation.ValidatePortNumOrName(meta.FromInt(0), p), []string{"spec.replicas: Invalid value: 0: must be between 1 and 65535, inclusive"})
	check(t, validation.ValidateEndpointIP("0.0.0.0", p), []string{`spec.replicas: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)`})
	check(t, validation.ValidateEndpointIP("169.254.1.1", p), []string{`spec.replicas: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)`})
	check(t, validation.IsFullyQualifiedDomainName(p, "example"), []string{`spec.replicas: Invalid value: "example": should be a domain with at least two segments separated by dots`})
	check(t, validation.IsFullyQualifiedDomainName(p, "stable.example.com."), nil)
	check(t, validation.IsDomainPrefixedPath(p, "acme.io/foo"), nil)
	check(t, validation.ValidateDNS1123Label("a.b", p), []string{`spec.replicas: Invalid value: "a.b": must not contain dots`})
	check(t, validation.ValidateDNS1123Subdomain("a_b", p), []string{`spec.replicas: Invalid value: "a_b": ` + subdomainMsg})
	check(t, validation.ValidateQualifiedName("example.com/ok", p), nil)
	check(t, validation.InvalidEach(p, 7, []string{"x", "y"}), []string{"spec.replicas: Invalid value: 7: x", "spec.replicas: Invalid value: 7: y"})
	check(t, validation.IsDomainPrefixedPath(p, "acme"), []string{`spec.replicas: Invalid value: "acme": must be a domain-prefixed path (such as "acme.io/foo")`})
}

func TestSemanticEqual(t *testing.T) {
	type spec struct {
		Q      resource.Quantity
		T      meta.Time
		L      []string
		M      map[string]string
		P      *int32
		Nested *spec
	}
	t0 := meta.NewTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{"quantities by value", spec{Q: resource.MustParse("1")}, spec{Q: resource.MustParse("1000m")}, true},
		{"quantities differ", spec{Q: resource.MustParse("1")}, spec{Q: resource.MustParse("2")}, false},
		{"times at wire precision", spec{T: t0}, spec{T: meta.NewTime(t0.Add(time.Millisecond))}, true},
		{"nil and empty slice", spec{L: nil}, spec{L: []string{}}, true},
		{"nil and empty map", spec{M: nil}, spec{M: map[string]string{}}, true},
		{"maps differ", spec{M: map[string]string{"a": "1"}}, spec{M: map[string]string{"a": "2"}}, false},
		{"pointers by value", spec{P: new(int32)}, spec{P: new(int32)}, true},
		{"nil pointer", spec{P: new(int32)}, spec{}, false},
		{"nested", spec{Nested: &spec{L: []string{"x"}}}, spec{Nested: &spec{L: []string{"y"}}}, false},
		{"types differ", "1", 1, false},
		{"nil", nil, nil, true},
	}
	for _, tt := range tests {
		if got := validation.SemanticEqual(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: SemanticEqual = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDiff(t *testing.T) {
	type item struct {
		Name  string `json:"name"`
		Value int    `json:"value"`
	}
	a := []item{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}}
	b := []item{{"a", 1}, {"b", 2}, {"c", 30}, {"d", 4}, {"e", 5}}
	want := `@@ -9,7 +9,7 @@
  },
  {
   "name": "c",
-  "value": 3
+  "value": 30
  },
  {
   "name": "d",
`
	if got := validation.Diff(a, b); got != want {
		t.Errorf("Diff:\n%s\nwant:\n%s", got, want)
	}
	if got := validation.Diff(a, a); got != "" {
		t.Errorf("Diff of equal values = %q", got)
	}
}

func TestValidateConditions(t *testing.T) {
	now := meta.Now()
	conds := []meta.Condition{
		{Type: "Ready", Status: meta.ConditionTrue, LastTransitionTime: now, Reason: "AllGood"},
		{Type: "Ready", Status: "Maybe", LastTransitionTime: now, Reason: "1bad"},
		{Type: "example.com/Synced", Status: meta.ConditionFalse, Reason: "Waiting", ObservedGeneration: -1},
	}
	check(t, validation.ValidateConditions(conds, meta.NewPath("status", "conditions")), []string{
		`status.conditions[1]: Duplicate value: "Ready"`,
		`status.conditions[1].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"`,
		`status.conditions[1].reason: Invalid value: "1bad": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')`,
		"status.conditions[2].observedGeneration: Invalid value: -1: must be greater than or equal to zero",
		"status.conditions[2].lastTransitionTime: Required value",
	})
}

func BenchmarkIsDNS1123Subdomain(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		validation.IsDNS1123Subdomain("web-7d4b9c8f6d-x2k4p.default.svc")
	}
}

func BenchmarkValidateObjectMeta(b *testing.B) {
	m := &meta.ObjectMeta{Name: "web-7d4b9c8f6d-x2k4p", Namespace: "default",
		Labels:      map[string]string{"app": "web", "pod-template-hash": "7d4b9c8f6d"},
		Annotations: map[string]string{"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"}}
	p := meta.NewPath("metadata")
	b.ReportAllocs()
	for b.Loop() {
		validation.ValidateObjectMeta(m, true, validation.NameIsDNSSubdomain, p)
	}
}
