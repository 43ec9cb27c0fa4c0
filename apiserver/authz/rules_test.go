package authz

import (
	"slices"
	"testing"

	"github.com/spar-dev/spar/api/rbac"
)

func res(verb, group, resource, sub, ns, name string) Attributes {
	return Attributes{Verb: verb, ResourceRequest: true, APIGroup: group, Resource: resource, Subresource: sub, Namespace: ns, Name: name}
}

func nonRes(verb, path string) Attributes { return Attributes{Verb: verb, Path: path} }

func TestRuleAllows(t *testing.T) {
	podsRead := rbac.PolicyRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	tests := []struct {
		name string
		rule rbac.PolicyRule
		req  Attributes
		want bool
	}{
		{"verb listed", podsRead, res("get", "", "pods", "", "ns", "p"), true},
		{"verb not listed", podsRead, res("delete", "", "pods", "", "ns", "p"), false},
		{"verb star", rbac.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{""}, Resources: []string{"pods"}}, res("deletecollection", "", "pods", "", "ns", ""), true},
		{"star is not a verb request wildcard", podsRead, res("*", "", "pods", "", "ns", ""), false},
		{"other group", podsRead, res("get", "apps", "pods", "", "ns", "p"), false},
		{"group star", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"deployments"}}, res("get", "apps", "deployments", "", "ns", "d"), true},
		{"resource does not cover subresource", podsRead, res("get", "", "pods", "log", "ns", "p"), false},
		{"pods/log", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/log"}}, res("get", "", "pods", "log", "ns", "p"), true},
		{"pods/log is not pods", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/log"}}, res("get", "", "pods", "", "ns", "p"), false},
		{"pods/exec create", rbac.PolicyRule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/exec"}}, res("create", "", "pods", "exec", "ns", "p"), true},
		{"pods/exec is not pods/attach", rbac.PolicyRule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/exec"}}, res("create", "", "pods", "attach", "ns", "p"), false},
		{"deployments/scale", rbac.PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"apps"}, Resources: []string{"deployments/scale"}}, res("update", "apps", "deployments", "scale", "ns", "d"), true},
		{"*/scale matches any scale", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"*/scale"}}, res("get", "apps", "statefulsets", "scale", "ns", "s"), true},
		{"*/scale is not status", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"*/scale"}}, res("get", "apps", "statefulsets", "status", "ns", "s"), false},
		{"*/scale is not the resource", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"*/scale"}}, res("get", "apps", "statefulsets", "", "ns", "s"), false},
		{"resource star covers subresources", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"*"}}, res("get", "", "pods", "log", "ns", "p"), true},
		{"near-miss subresource prefix", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/logs"}}, res("get", "", "pods", "log", "ns", "p"), false},
		{"resourceNames match", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a", "b"}}, res("get", "", "configmaps", "", "ns", "b"), true},
		{"resourceNames other", rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a"}}, res("get", "", "configmaps", "", "ns", "c"), false},
		{"resourceNames do not allow list", rbac.PolicyRule{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a"}}, res("list", "", "configmaps", "", "ns", ""), false},
		{"url exact", rbac.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}, nonRes("get", "/healthz"), true},
		{"url exact is not prefix", rbac.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}, nonRes("get", "/healthz/etcd"), false},
		{"url trailing star", rbac.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/apis/*"}}, nonRes("get", "/apis/apps/v1"), true},
		{"url trailing star needs the prefix", rbac.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/apis/*"}}, nonRes("get", "/apis"), false},
		{"url star", rbac.PolicyRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}, nonRes("post", "/anything"), true},
		{"url verb", rbac.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"*"}}, nonRes("post", "/version"), false},
		{"resource rule does not match urls", podsRead, nonRes("get", "/api"), false},
		{"url rule does not match resources", rbac.PolicyRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}, res("get", "", "pods", "", "ns", ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RuleAllows(&tt.req, &tt.rule); got != tt.want {
				t.Errorf("RuleAllows(%+v, %+v) = %v, want %v", tt.req, tt.rule, got, tt.want)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	rule := func(verbs, groups, resources, names []string) rbac.PolicyRule {
		return rbac.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
	}
	s := func(v ...string) []string { return v }
	tests := []struct {
		name        string
		owner, want []rbac.PolicyRule
		covered     bool
		missing     []string
	}{
		{"same", []rbac.PolicyRule{rule(s("get", "list"), s(""), s("pods"), nil)}, []rbac.PolicyRule{rule(s("get"), s(""), s("pods"), nil)}, true, nil},
		{"split over owner rules", []rbac.PolicyRule{rule(s("get"), s(""), s("pods"), nil), rule(s("list"), s(""), s("pods"), nil)},
			[]rbac.PolicyRule{rule(s("get", "list"), s(""), s("pods"), nil)}, true, nil},
		{"missing verb", []rbac.PolicyRule{rule(s("get"), s(""), s("pods"), nil)}, []rbac.PolicyRule{rule(s("get", "delete"), s(""), s("pods"), nil)},
			false, s(`{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}`)},
		{"stars cover", []rbac.PolicyRule{rule(s("*"), s("*"), s("*"), nil)}, []rbac.PolicyRule{rule(s("escalate"), s("rbac.authorization.k8s.io"), s("roles"), s("x"))}, true, nil},
		{"*/scale covers scale", []rbac.PolicyRule{rule(s("get"), s("apps"), s("*/scale"), nil)}, []rbac.PolicyRule{rule(s("get"), s("apps"), s("deployments/scale"), nil)}, true, nil},
		{"named does not cover unnamed", []rbac.PolicyRule{rule(s("get"), s(""), s("secrets"), s("a"))}, []rbac.PolicyRule{rule(s("get"), s(""), s("secrets"), nil)},
			false, s(`{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}`)},
		{"unnamed covers named", []rbac.PolicyRule{rule(s("get"), s(""), s("secrets"), nil)}, []rbac.PolicyRule{rule(s("get"), s(""), s("secrets"), s("a"))}, true, nil},
		{"urls", []rbac.PolicyRule{{Verbs: s("get"), NonResourceURLs: s("/apis/*")}}, []rbac.PolicyRule{{Verbs: s("get"), NonResourceURLs: s("/apis/apps", "/healthz")}},
			false, s(`{NonResourceURLs:["/healthz"], Verbs:["get"]}`)},
		{"compacted by verb", nil, []rbac.PolicyRule{rule(s("get", "list"), s(""), s("secrets"), nil)},
			false, s(`{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, missing := Covers(tt.owner, tt.want)
			if got != tt.covered {
				t.Fatalf("Covers = %v (missing %v), want %v", got, missing, tt.covered)
			}
			var lines []string
			if len(missing) > 0 {
				lines = splitLines(describeMissing(missing))
			}
			if !slices.Equal(lines, tt.missing) {
				t.Errorf("missing = %q, want %q", lines, tt.missing)
			}
		})
	}
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range s {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
