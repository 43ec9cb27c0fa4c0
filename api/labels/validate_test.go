package labels

import (
	"slices"
	"strings"
	"testing"
)

// Kubernetes' messages, verbatim (note the double spaces before "or").
const (
	wantNameMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	wantKeyMsg  = "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
	wantPrefix  = "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	wantValue   = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)

func TestValidateLabelKey(t *testing.T) {
	tests := []struct {
		key  string
		want []string
	}{
		{"app", nil},
		{"a", nil},
		{"A_b-c.9", nil},
		{"app.kubernetes.io/name", nil},
		{"k8s.io/x", nil},
		{"1.2.3/x", nil},
		{strings.Repeat("n", 63), nil},
		{strings.Repeat("p", 253) + "/x", nil},
		{"", []string{"name part must be non-empty", wantNameMsg}},
		{"-app", []string{wantNameMsg}},
		{"app-", []string{wantNameMsg}},
		{"_app", []string{wantNameMsg}},
		{"a b", []string{wantNameMsg}},
		{"a$", []string{wantNameMsg}},
		{"é", []string{wantNameMsg}},
		{strings.Repeat("n", 64), []string{"name part must be no more than 63 bytes"}},
		{strings.Repeat("n", 63) + "-", []string{"name part must be no more than 63 bytes", wantNameMsg}},
		{"/x", []string{"prefix part must be non-empty"}},
		{"example.com/", []string{"name part must be non-empty", wantNameMsg}},
		{"/", []string{"prefix part must be non-empty", "name part must be non-empty", wantNameMsg}},
		{"Example.com/x", []string{wantPrefix}},
		{"example..com/x", []string{wantPrefix}},
		{"-example.com/x", []string{wantPrefix}},
		{"example_com/x", []string{wantPrefix}},
		{strings.Repeat("p", 254) + "/x", []string{"prefix part must be no more than 253 bytes"}},
		{strings.Repeat("p", 254) + "-/x", []string{"prefix part must be no more than 253 bytes", wantPrefix}},
		{"a/b/c", []string{wantKeyMsg}},
		{"//", []string{wantKeyMsg}},
	}
	for _, tt := range tests {
		if got := ValidateLabelKey(tt.key); !slices.Equal(got, tt.want) {
			t.Errorf("ValidateLabelKey(%q)\n got %q\nwant %q", tt.key, got, tt.want)
		}
	}
}

func TestValidateLabelValue(t *testing.T) {
	tests := []struct {
		value string
		want  []string
	}{
		{"", nil},
		{"web", nil},
		{"1", nil},
		{"v1.2_3-x", nil},
		{strings.Repeat("v", 63), nil},
		{"-web", []string{wantValue}},
		{"web.", []string{wantValue}},
		{"a/b", []string{wantValue}},
		{"a b", []string{wantValue}},
		{strings.Repeat("v", 64), []string{"must be no more than 63 bytes"}},
		{strings.Repeat("v", 64) + "$", []string{"must be no more than 63 bytes", wantValue}},
	}
	for _, tt := range tests {
		if got := ValidateLabelValue(tt.value); !slices.Equal(got, tt.want) {
			t.Errorf("ValidateLabelValue(%q)\n got %q\nwant %q", tt.value, got, tt.want)
		}
	}
}
