package resource_test

import (
	"encoding/json"
	"errors"
	"testing"

	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/spar-dev/spar/api/resource"
)

func TestMarshalJSON(t *testing.T) {
	for _, tc := range []struct {
		q    resource.Quantity
		want string
	}{
		{resource.Quantity{}, `"0"`},
		{resource.MustParse("100m"), `"100m"`},
		{resource.MustParse("0.1"), `"100m"`},
		{resource.MustParse("1.5Gi"), `"1536Mi"`},
		{resource.MustParse("+1Ki"), `"+1Ki"`},
		{resource.MustParse("-1e3"), `"-1e3"`},
		{resource.NewQuantity(1024, resource.BinarySI), `"1Ki"`},
		{resource.NewMilliQuantity(1500, resource.DecimalSI), `"1500m"`},
		{resource.MustParse("123456789012345678901234567890"), `"123456789012345678901234567890"`},
		{resource.MustParse("-123456789012345678901234567890123456789012345678901234567890"), `"-123456789012345678901234567890123456789012345678901234567890"`},
	} {
		got, err := json.Marshal(tc.q)
		if err != nil || string(got) != tc.want {
			t.Errorf("json.Marshal(%v) = %s, %v; want %s", tc.q, got, err, tc.want)
		}
	}
}

func TestUnmarshalJSON(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		fmt  resource.Format
	}{
		{`"100m"`, "100m", resource.DecimalSI},
		{`"1.5Gi"`, "1536Mi", resource.BinarySI},
		{`1`, "1", resource.DecimalSI},
		{`-1`, "-1", resource.DecimalSI},
		{`0.5`, "500m", resource.DecimalSI},
		{`1e3`, "1e3", resource.DecimalExponent},
		{`1.5E-3`, "1500e-6", resource.DecimalExponent},
		{`" 1"`, "1", resource.DecimalSI},
		{`"1 "`, "1", resource.DecimalSI},
		{` 1`, "1", resource.DecimalSI},
		{` -1`, "-1", resource.DecimalSI},
		{`"\t2Ki\n"`, "", ""}, // escapes are not decoded, as in Kubernetes
		{`null`, "0", ""},
	} {
		q := resource.MustParse("7") // must be replaced entirely
		err := q.UnmarshalJSON([]byte(tc.in))
		if tc.want == "" {
			if err == nil {
				t.Errorf("UnmarshalJSON(%s) = %v, want an error", tc.in, q)
			}
			continue
		}
		if err != nil {
			t.Errorf("UnmarshalJSON(%s): %v", tc.in, err)
			continue
		}
		if got := q.String(); got != tc.want || q.Format() != tc.fmt {
			t.Errorf("UnmarshalJSON(%s) = %q (%s), want %q (%s)", tc.in, got, q.Format(), tc.want, tc.fmt)
		}
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{`"abc"`, resource.ErrFormatWrong},
		{`""`, resource.ErrFormatWrong},
		{`true`, resource.ErrFormatWrong},
		{`"1x"`, resource.ErrFormatWrong},
		{`"1Kb"`, resource.ErrFormatWrong},
		{`"1K"`, resource.ErrSuffix},
		{`"null"`, resource.ErrFormatWrong},
		{`{"a":1}`, resource.ErrFormatWrong},
	} {
		q := resource.MustParse("7")
		err := q.UnmarshalJSON([]byte(tc.in))
		if !errors.Is(err, tc.want) {
			t.Errorf("UnmarshalJSON(%s) error = %v, want %v", tc.in, err, tc.want)
		}
		if q.String() != "7" {
			t.Errorf("UnmarshalJSON(%s) failed but changed the quantity to %v", tc.in, q)
		}
	}
}

type resources struct {
	Limits   map[string]resource.Quantity `json:"limits,omitempty"`
	Requests map[string]resource.Quantity `json:"requests,omitempty"`
	Size     *resource.Quantity           `json:"size,omitempty"`
	Divisor  resource.Quantity            `json:"divisor,omitzero"`
}

func TestJSONRoundTrip(t *testing.T) {
	in := `{"limits":{"cpu":2,"memory":"1.5Gi"},"requests":{"cpu":"0.1","memory":"512Mi","nvidia.com/gpu":"1"},"size":null,"divisor":"1m"}`
	want := `{"limits":{"cpu":"2","memory":"1536Mi"},"requests":{"cpu":"100m","memory":"512Mi","nvidia.com/gpu":"1"},"divisor":"1m"}`
	// Both decoders spar uses: encoding/json and the Kubernetes one.
	for name, unmarshal := range map[string]func([]byte, any) error{
		"encoding/json":    json.Unmarshal,
		"sigs.k8s.io/json": kjson.UnmarshalCaseSensitivePreserveInts,
	} {
		var r resources
		if err := unmarshal([]byte(in), &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != want {
			t.Errorf("%s: round trip =\n%s\nwant\n%s", name, out, want)
		}
		var again resources
		if err := unmarshal(out, &again); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k, v := range r.Limits {
			if !again.Limits[k].Equal(v) {
				t.Errorf("%s: limits[%s] = %v after a second round trip, want %v", name, k, again.Limits[k], v)
			}
		}
	}
	var empty resources
	if out, _ := json.Marshal(empty); string(out) != `{}` {
		t.Errorf("empty resources = %s, want {} (omitzero uses IsZero)", out)
	}
}

// TestYAML decodes the forms manifests use, including bare numbers
// (cpu: 1, cpu: 0.5), which reach the Quantity as JSON numbers.
func TestYAML(t *testing.T) {
	manifest := `
limits:
  cpu: 1
  memory: 128Mi
requests:
  cpu: 0.5
  memory: "64Mi"
  ephemeral-storage: 2G
`
	var r resources
	if err := yaml.Unmarshal([]byte(manifest), &r); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		got  resource.Quantity
		want string
	}{
		{r.Limits["cpu"], "1"},
		{r.Limits["memory"], "128Mi"},
		{r.Requests["cpu"], "500m"},
		{r.Requests["memory"], "64Mi"},
		{r.Requests["ephemeral-storage"], "2G"},
	} {
		if got := c.got.String(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
	if r.Requests["cpu"].MilliValue() != 500 {
		t.Errorf("cpu request = %dm, want 500m", r.Requests["cpu"].MilliValue())
	}
	if err := yaml.Unmarshal([]byte("limits:\n  cpu: one\n"), &r); !errors.Is(err, resource.ErrFormatWrong) {
		t.Errorf("cpu: one decoded with error %v, want ErrFormatWrong", err)
	}
}
