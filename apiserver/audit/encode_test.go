package audit

import (
	"bytes"
	enchex "encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/meta"
)

// TestAppendEvent: the log's encoder writes what json.Marshal writes, byte
// for byte, for events with every field, escapes and bodies that need
// compacting or HTML escaping.
func TestAppendEvent(t *testing.T) {
	ts := meta.MicroTime{Time: time.Date(2026, 11, 26, 9, 30, 1, 123456000, time.UTC)}
	local := meta.MicroTime{Time: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.FixedZone("x", 3600))}
	full := &Event{
		TypeMeta: meta.TypeMeta{Kind: "Event", APIVersion: APIVersion},
		Level:    LevelRequestResponse, AuditID: "a-1", Stage: StageResponseComplete,
		RequestURI: "/api/v1/namespaces/default/pods?labelSelector=a%3Db&x=<y>", Verb: "create",
		User:             UserInfo{Username: "jane", UID: "42", Groups: []string{"devs", "system:authenticated"}, Extra: map[string][]string{"b": {"1", "2"}, "a": nil, "c": {}}},
		ImpersonatedUser: &UserInfo{},
		SourceIPs:        []string{"10.0.0.1", "::1"},
		UserAgent:        "kubectl/v1.33 \"quoted\" \\ \t\n\x01 é \u2028 \xff",
		ObjectRef:        &ObjectReference{Resource: "pods", Namespace: "default", Name: "web", UID: "u", APIGroup: "", APIVersion: "v1", ResourceVersion: "7", Subresource: "status"},
		ResponseStatus: &meta.Status{Status: meta.StatusFailure, Message: "pods \"web\" <already> exists", Reason: meta.StatusReasonAlreadyExists, Code: 409,
			Details: &meta.StatusDetails{Name: "web", Kind: "pods"}},
		RequestObject:            json.RawMessage("{\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"a b\", \"x\": \"<&>\u2028\u2029\", \"e\": \"\\\"\\\\\"}\r\n}\t"),
		ResponseObject:           json.RawMessage(`{"kind":"Pod","n":[1,2.5e3,true,null]}`),
		RequestReceivedTimestamp: ts,
		StageTimestamp:           local,
		Annotations:              map[string]string{"z": "1", "a": "<b>", "authorization.k8s.io/decision": "allow"},
	}
	tests := []struct {
		name string
		ev   *Event
	}{
		{"zero", &Event{}},
		{"full", full},
		{"success status", &Event{Level: LevelMetadata, ResponseStatus: &meta.Status{Code: 201}, RequestReceivedTimestamp: ts}},
		{"zero status", &Event{ResponseStatus: &meta.Status{}}},
		{"empty raw", &Event{RequestObject: json.RawMessage{}, ResponseObject: json.RawMessage("null")}},
		{"empty objectRef", &Event{ObjectRef: &ObjectReference{}}},
		{"list status", &Event{ResponseStatus: &meta.Status{ListMeta: meta.ListMeta{ResourceVersion: "5"}, Code: 200}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendEvent(nil, tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("appendEvent:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// FuzzAppendEvent compares the encoder with json.Marshal on arbitrary
// strings and JSON bodies.
func FuzzAppendEvent(f *testing.F) {
	f.Add("jane", "a\"b\\c<d>&e\u2028", []byte(`{"a": [1, "x y"], "b":"<&>"}`))
	f.Add("\xff\x00", "\t\n", []byte("  \"s\"\n"))
	f.Fuzz(func(t *testing.T, s1, s2 string, body []byte) {
		ev := &Event{
			AuditID: s1, RequestURI: s2, User: UserInfo{Username: s2, Groups: []string{s1}, Extra: map[string][]string{s1: {s2}}},
			ObjectRef:   &ObjectReference{Name: s1},
			Annotations: map[string]string{s1: s2, s2: s1},
		}
		if json.Valid(body) {
			ev.RequestObject = body
		}
		want, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, trusted := range []bool{false, true} {
			ev.trusted = trusted
			got, err := appendEvent(nil, ev)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("appendEvent:\n got %s\nwant %s", got, want)
			}
		}
	})
}

// TestMetadataRef: the metadata strings are found wherever metadata is,
// past values that look like it, and only in the top-level object.
func TestMetadataRef(t *testing.T) {
	tests := []struct {
		obj               string
		ns, name, uid, rv string
	}{
		{`{"metadata":{"name":"a","namespace":"ns","uid":"u","resourceVersion":"7"}}`, "ns", "a", "u", "7"},
		{` { "kind" : "Pod" , "spec" : {"x":[1,{"metadata":{"name":"no"}}],"s":"}\"{"} , "n": -1.5e3, "t": true, "metadata" : {"name":"b"} } `, "", "b", "", ""},
		{`{"Metadata":{"name":"c"}}`, "", "", "", ""},
		{`{"met\u0061data":{"name":"d"}}`, "", "d", "", ""},
		{`{"metadata":{"name":"a\"b","uid":1,"labels":{"name":"x"}}}`, "", `a"b`, "", ""},
		{`{"a":1}`, "", "", "", ""},
		{`[{"op":"add","metadata":{"name":"e"}}]`, "", "", "", ""},
		{`"str"`, "", "", "", ""},
		{`{"metadata":"x"}`, "", "", "", ""},
		{`{"s":"a\\\\","metadata":{"namespace":"f"}}`, "f", "", "", ""},
	}
	for _, tt := range tests {
		ns, name, uid, rv := metadataRef([]byte(tt.obj))
		if ns != tt.ns || name != tt.name || uid != tt.uid || rv != tt.rv {
			t.Errorf("metadataRef(%s) = %q %q %q %q; want %q %q %q %q", tt.obj, ns, name, uid, rv, tt.ns, tt.name, tt.uid, tt.rv)
		}
	}
}

// TestAuditIDs: IDs are UUID-shaped (version 4, RFC 4122 variant) and
// never repeat.
func TestAuditIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 100000 {
		id := newAuditID()
		if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' || id[14] != '4' || !bytes.ContainsAny([]byte{id[19]}, "89ab") {
			t.Fatalf("audit ID %q is not UUID-shaped", id)
		}
		if seen[id] {
			t.Fatalf("audit ID %q repeated", id)
		}
		seen[id] = true
	}
}

// TestValidJSON: the validator agrees with json.Valid.
func TestValidJSON(t *testing.T) {
	deep := func(n int) []byte {
		return append(bytes.Repeat([]byte("["), n), bytes.Repeat([]byte("]"), n)...)
	}
	for _, in := range []string{
		``, ` `, `{}`, `[]`, ` { } `, `{"a":1}`, `{"a":1,}`, `{,}`, `[1,]`, `[,1]`, `{"a"}`, `{"a":}`, `{1:2}`,
		`"abc"`, `"a\"b"`, `"\u00e9\n\t\/"`, `"\u00g0"`, `"\x"`, "\"a\x01\"", "\"\xff\xfe\"", `"abc`, `"\`,
		`0`, `-0`, `01`, `-`, `1.`, `1.5`, `.5`, `1e5`, `1E+5`, `1e-`, `1e`, `-12.5e-3`, `2 3`, `[1 2]`,
		`true`, `tru`, `truex`, `null`, `nul`, `false`, `[true,false,null]`, `{"a":[{"b":{}}]}`, `{"a":[}`, `[{]}`,
		"{\n\t\"k\" :\r\n [ 1 , \"x\" ] \n}\n", `}`, `]`, `{"a":1}}`, `[[]]]`,
	} {
		if got, want := validJSON([]byte(in)), json.Valid([]byte(in)); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", in, got, want)
		}
	}
	for _, n := range []int{10000, 10001} { // encoding/json's nesting limit
		if got, want := validJSON(deep(n)), json.Valid(deep(n)); got != want {
			t.Errorf("nesting %d: validJSON = %v, json.Valid says %v", n, got, want)
		}
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e-3,"x\u0041",true,null,{}]}`, `[`, `"\u12"`, `-01`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}

func BenchmarkValidJSON(b *testing.B) {
	pod := []byte(`{"kind":"Pod","apiVersion":"v1","metadata":{"name":"target","namespace":"default","generation":1,"labels":{"app":"bench"}},"spec":{"volumes":[{"name":"kube-api-access-wqdgc","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"defaultMode":420}}],"containers":[{"name":"app","image":"registry.k8s.io/pause:3.10","resources":{"requests":{"cpu":"100m","memory":"500Mi"}}}]}}`)
	b.Run("validJSON", func(b *testing.B) {
		b.SetBytes(int64(len(pod)))
		for b.Loop() {
			validJSON(pod)
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(pod)))
		for b.Loop() {
			json.Valid(pod)
		}
	})
}

// TestAuditIDLayout: the fast formatting of an ID is the UUID formatting
// of its 16 bytes.
func TestAuditIDLayout(t *testing.T) {
	for range 1000 {
		id := newAuditID()
		var b [16]byte
		if _, err := enchex.Decode(b[:], []byte(strings.ReplaceAll(id, "-", ""))); err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		var s [36]byte
		formatUUID(&s, b)
		if string(s[:]) != id {
			t.Fatalf("%q formats as %q", id, s[:])
		}
	}
}
