package meta_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/meta"
)

func TestTimeJSON(t *testing.T) {
	tests := []struct {
		in   meta.Time
		want string
	}{
		{meta.Time{}, `null`},
		{meta.NewTime(time.Date(2024, 5, 1, 10, 0, 0, 999, time.UTC)), `"2024-05-01T10:00:00Z"`},
		{meta.NewTime(time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("x", 2*3600))), `"2024-05-01T10:00:00Z"`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.in)
		if err != nil || string(got) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
		var back meta.Time
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", got, err)
		}
		if !back.Equal(tt.in) {
			t.Errorf("round trip of %s = %v; want %v", got, back, tt.in)
		}
	}
	var bad meta.Time
	if err := json.Unmarshal([]byte(`"yesterday"`), &bad); err == nil {
		t.Error("Unmarshal of a non-RFC 3339 string succeeded")
	}
	if err := json.Unmarshal([]byte(`12`), &bad); err == nil {
		t.Error("Unmarshal of a number succeeded")
	}
}

func TestCreationTimestampOmittedWhenZero(t *testing.T) {
	b, _ := json.Marshal(meta.ObjectMeta{Name: "x"})
	if string(b) != `{"name":"x"}` {
		t.Errorf("got %s", b)
	}
}

func TestMicroTimeJSON(t *testing.T) {
	in := meta.MicroTime{Time: time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC)}
	got, _ := json.Marshal(in)
	if want := `"2024-05-01T10:00:00.123456Z"`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var back meta.MicroTime
	if err := json.Unmarshal(got, &back); err != nil || !back.Time.Equal(in.Time.Truncate(time.Microsecond)) {
		t.Errorf("round trip = %v, %v", back, err)
	}
}

func TestDurationJSON(t *testing.T) {
	var d meta.Duration
	if err := json.Unmarshal([]byte(`"1m30s"`), &d); err != nil || d.Duration != 90*time.Second {
		t.Fatalf("got %v, %v", d, err)
	}
	b, _ := json.Marshal(d)
	if string(b) != `"1m30s"` {
		t.Errorf("got %s", b)
	}
}

func TestIntOrString(t *testing.T) {
	tests := []struct {
		json    string
		want    meta.IntOrString
		wantErr bool
	}{
		{`8080`, meta.FromInt(8080), false},
		{`"http"`, meta.FromString("http"), false},
		{`"25%"`, meta.FromString("25%"), false},
		{`1.5`, meta.IntOrString{}, true},
		{`4294967296`, meta.IntOrString{}, true},
		{`true`, meta.IntOrString{}, true},
	}
	for _, tt := range tests {
		var got meta.IntOrString
		err := json.Unmarshal([]byte(tt.json), &got)
		if (err != nil) != tt.wantErr {
			t.Errorf("Unmarshal(%s) error = %v, wantErr %v", tt.json, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if got != tt.want {
			t.Errorf("Unmarshal(%s) = %+v, want %+v", tt.json, got, tt.want)
		}
		back, _ := json.Marshal(got)
		if string(back) != tt.json {
			t.Errorf("Marshal(%+v) = %s, want %s", got, back, tt.json)
		}
	}
}

func TestScaledValue(t *testing.T) {
	tests := []struct {
		v       meta.IntOrString
		total   int
		up      bool
		want    int
		wantErr bool
	}{
		{meta.FromInt(3), 10, false, 3, false},
		{meta.FromString("25%"), 10, true, 3, false},
		{meta.FromString("25%"), 10, false, 2, false},
		{meta.FromString("100%"), 7, false, 7, false},
		{meta.FromString("0%"), 7, true, 0, false},
		{meta.FromString("abc"), 7, true, 0, true},
		{meta.FromString("x%"), 7, true, 0, true},
	}
	for _, tt := range tests {
		got, err := tt.v.ScaledValue(tt.total, tt.up)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%v.ScaledValue(%d, %v) = %d, %v; want %d, err %v", tt.v, tt.total, tt.up, got, err, tt.want, tt.wantErr)
		}
	}
}

type deepThing struct {
	meta.TypeMeta
	meta.ObjectMeta
	Ptr    *int
	Slice  []map[string][]string
	Arr    [2]*string
	Iface  any
	hidden *int
}

func TestDeepCopySharesNothing(t *testing.T) {
	one, s := 1, "s"
	orig := deepThing{
		ObjectMeta: meta.ObjectMeta{Name: "a", Labels: map[string]string{"k": "v"},
			OwnerReferences:   []meta.OwnerReference{{Name: "o", Controller: new(bool)}},
			DeletionTimestamp: &meta.Time{Time: time.Unix(10, 0)}},
		Ptr:    &one,
		Slice:  []map[string][]string{{"x": {"y"}}},
		Arr:    [2]*string{&s, nil},
		Iface:  map[string]any{"n": []any{int64(1)}},
		hidden: &one,
	}
	c := meta.DeepCopy(orig)
	c.Labels["k"] = "changed"
	*c.OwnerReferences[0].Controller = true
	c.DeletionTimestamp.Time = time.Unix(20, 0)
	*c.Ptr = 2
	c.Slice[0]["x"][0] = "changed"
	*c.Arr[0] = "changed"
	c.Iface.(map[string]any)["n"].([]any)[0] = int64(2)

	if orig.Labels["k"] != "v" || *orig.OwnerReferences[0].Controller || orig.DeletionTimestamp.Unix() != 10 ||
		*orig.Ptr != 1 || orig.Slice[0]["x"][0] != "y" || s != "s" || orig.Iface.(map[string]any)["n"].([]any)[0] != int64(1) {
		t.Fatalf("mutating the copy changed the original: %+v", orig)
	}
	if c.hidden != orig.hidden {
		t.Error("unexported fields should be copied shallowly")
	}
	var nilPtr *deepThing
	if meta.DeepCopy(nilPtr) != nil {
		t.Error("DeepCopy(nil) != nil")
	}
}

func TestFieldErrorMessages(t *testing.T) {
	p := meta.NewPath("spec").Child("template", "spec").Child("containers").Index(0).Child("image")
	tests := []struct {
		err  *meta.FieldError
		want string
	}{
		{meta.Required(p, ""), "spec.template.spec.containers[0].image: Required value"},
		{meta.Invalid(meta.NewPath("spec", "replicas"), -1, "must be greater than or equal to 0"),
			"spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
		{meta.Invalid(meta.NewPath("metadata", "name"), "bad_name", "a lowercase RFC 1123 subdomain"),
			`metadata.name: Invalid value: "bad_name": a lowercase RFC 1123 subdomain`},
		{meta.NotSupported(meta.NewPath("spec", "restartPolicy"), "Sometimes", []string{"Always", "Never"}),
			`spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never"`},
		{meta.Forbidden(meta.NewPath("spec").Key("x"), "may not be set"), "spec[x]: Forbidden: may not be set"},
		{meta.Duplicate(meta.NewPath("spec", "ports").Index(1), 80), "spec.ports[1]: Duplicate value: 80"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

func TestNewInvalid(t *testing.T) {
	st := meta.NewInvalid(meta.GroupKind{Group: "apps", Kind: "Deployment"}, "bad_name", meta.FieldErrors{
		meta.Invalid(meta.NewPath("metadata", "name"), "bad_name", "must be DNS"),
	})
	if st.Code != 422 || st.Reason != meta.StatusReasonInvalid {
		t.Errorf("code/reason = %d/%s", st.Code, st.Reason)
	}
	if want := `Deployment.apps "bad_name" is invalid: metadata.name: Invalid value: "bad_name": must be DNS`; st.Message != want {
		t.Errorf("message = %s", st.Message)
	}
	if c := st.Details.Causes; len(c) != 1 || c[0].Field != "metadata.name" || c[0].Type != meta.CauseTypeFieldValueInvalid ||
		c[0].Message != `Invalid value: "bad_name": must be DNS` {
		t.Errorf("causes = %+v", c)
	}
	b, _ := json.Marshal(st)
	want := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Deployment.apps \"bad_name\" is invalid: metadata.name: Invalid value: \"bad_name\": must be DNS","reason":"Invalid","details":{"name":"bad_name","group":"apps","kind":"Deployment","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: \"bad_name\": must be DNS","field":"metadata.name"}]},"code":422}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
}

func TestStatusMatching(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", meta.NewNotFound(meta.GroupResource{Resource: "pods"}, "web"))
	if !errors.Is(err, meta.ErrNotFound) || errors.Is(err, meta.ErrConflict) {
		t.Error("errors.Is by reason failed")
	}
	if meta.ReasonOf(err) != meta.StatusReasonNotFound || meta.CodeOf(err) != 404 {
		t.Errorf("ReasonOf/CodeOf = %s/%d", meta.ReasonOf(err), meta.CodeOf(err))
	}
	if meta.CodeOf(errors.New("x")) != 500 {
		t.Error("plain errors should map to 500")
	}
	if got := err.Error(); got != `wrapped: pods "web" not found` {
		t.Errorf("message = %s", got)
	}
	if got := meta.NewAlreadyExists(meta.GroupResource{Resource: "configmaps"}, "x").Message; got != `configmaps "x" already exists` {
		t.Errorf("message = %s", got)
	}
}

func TestConditions(t *testing.T) {
	var conds []meta.Condition
	if !meta.SetCondition(&conds, meta.Condition{Type: "Ready", Status: meta.ConditionFalse, Reason: "A"}) {
		t.Fatal("adding reported no change")
	}
	first := conds[0].LastTransitionTime
	if first.IsZero() {
		t.Fatal("transition time not set")
	}
	if meta.SetCondition(&conds, meta.Condition{Type: "Ready", Status: meta.ConditionFalse, Reason: "A"}) {
		t.Error("identical condition reported a change")
	}
	later := meta.NewTime(first.Add(time.Hour))
	meta.SetCondition(&conds, meta.Condition{Type: "Ready", Status: meta.ConditionFalse, Reason: "B", LastTransitionTime: later})
	if !conds[0].LastTransitionTime.Equal(first) || conds[0].Reason != "B" {
		t.Errorf("same status must keep the transition time: %+v", conds[0])
	}
	meta.SetCondition(&conds, meta.Condition{Type: "Ready", Status: meta.ConditionTrue, LastTransitionTime: later})
	if !conds[0].LastTransitionTime.Equal(later) || len(conds) != 1 {
		t.Errorf("status change must move the transition time: %+v", conds)
	}
}

func TestSplitAPIVersion(t *testing.T) {
	for _, tt := range []struct{ in, g, v string }{{"v1", "", "v1"}, {"apps/v1", "apps", "v1"}, {"", "", ""}} {
		g, v := meta.SplitAPIVersion(tt.in)
		if g != tt.g || v != tt.v || meta.JoinAPIVersion(g, v) != tt.in {
			t.Errorf("SplitAPIVersion(%q) = %q, %q", tt.in, g, v)
		}
	}
}
