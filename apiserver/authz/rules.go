package authz

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/spar-dev/spar/api/rbac"
)

// RuleAllows reports whether rule allows the request a, with Kubernetes'
// matching: "*" matches any verb, group or resource (subresources
// included); "*/scale" matches the scale subresource of any resource;
// resourceNames, when set, must name the object; a non-resource URL ending
// in "*" matches every path it prefixes.
func RuleAllows(a *Attributes, rule *rbac.PolicyRule) bool {
	if !verbMatches(rule, a.Verb) {
		return false
	}
	if !a.ResourceRequest {
		return nonResourceURLMatches(rule, a.Path)
	}
	return apiGroupMatches(rule, a.APIGroup) &&
		resourceMatches(rule, a.Resource, a.Subresource) &&
		resourceNameMatches(rule, a.Name)
}

// RulesAllow reports whether any of rules allows the request a.
func RulesAllow(a *Attributes, rules ...rbac.PolicyRule) bool {
	for i := range rules {
		if RuleAllows(a, &rules[i]) {
			return true
		}
	}
	return false
}

func verbMatches(rule *rbac.PolicyRule, verb string) bool {
	for _, v := range rule.Verbs {
		if v == rbac.VerbAll || v == verb {
			return true
		}
	}
	return false
}

func apiGroupMatches(rule *rbac.PolicyRule, group string) bool {
	for _, g := range rule.APIGroups {
		if g == rbac.APIGroupAll || g == group {
			return true
		}
	}
	return false
}

// resourceMatches compares without building "resource/subresource", so a
// decision allocates nothing.
func resourceMatches(rule *rbac.PolicyRule, resource, subresource string) bool {
	for _, r := range rule.Resources {
		if r == rbac.ResourceAll {
			return true
		}
		if subresource == "" {
			if r == resource {
				return true
			}
			continue
		}
		// "resource/subresource" or "*/subresource".
		if len(r) == len(resource)+1+len(subresource) && strings.HasPrefix(r, resource) &&
			r[len(resource)] == '/' && strings.HasSuffix(r, subresource) {
			return true
		}
		if len(r) == len(subresource)+2 && strings.HasPrefix(r, "*/") && strings.HasSuffix(r, subresource) {
			return true
		}
	}
	return false
}

func resourceNameMatches(rule *rbac.PolicyRule, name string) bool {
	if len(rule.ResourceNames) == 0 {
		return true
	}
	return slices.Contains(rule.ResourceNames, name)
}

func nonResourceURLMatches(rule *rbac.PolicyRule, path string) bool {
	for _, u := range rule.NonResourceURLs {
		if u == rbac.NonResourceAll || u == path {
			return true
		}
		if strings.HasSuffix(u, "*") && strings.HasPrefix(path, strings.TrimRight(u, "*")) {
			return true
		}
	}
	return false
}

// Covers reports whether the owner rules grant everything the servant rules
// grant, and if not, which atomic rules (one group, resource, verb and name
// each) are missing. It is the test of privilege escalation: a user may
// only grant what it holds.
func Covers(owner, servant []rbac.PolicyRule) (bool, []rbac.PolicyRule) {
	var missing []rbac.PolicyRule
	for _, s := range servant {
		for _, sub := range breakdown(s) {
			if !slices.ContainsFunc(owner, func(o rbac.PolicyRule) bool { return ruleCovers(&o, &sub) }) {
				missing = append(missing, sub)
			}
		}
	}
	return len(missing) == 0, missing
}

// breakdown splits a rule into rules of at most one group, resource, verb
// and resource name each (non-resource URLs combine with verbs only), so
// that each piece is covered by a single owner rule or not at all.
func breakdown(r rbac.PolicyRule) []rbac.PolicyRule {
	var out []rbac.PolicyRule
	for _, g := range r.APIGroups {
		for _, res := range r.Resources {
			for _, v := range r.Verbs {
				if len(r.ResourceNames) == 0 {
					out = append(out, rbac.PolicyRule{APIGroups: []string{g}, Resources: []string{res}, Verbs: []string{v}})
					continue
				}
				for _, n := range r.ResourceNames {
					out = append(out, rbac.PolicyRule{APIGroups: []string{g}, Resources: []string{res}, Verbs: []string{v}, ResourceNames: []string{n}})
				}
			}
		}
	}
	for _, u := range r.NonResourceURLs {
		for _, v := range r.Verbs {
			out = append(out, rbac.PolicyRule{NonResourceURLs: []string{u}, Verbs: []string{v}})
		}
	}
	return out
}

// ruleCovers reports whether owner covers sub, an atomic rule.
func ruleCovers(owner, sub *rbac.PolicyRule) bool {
	return (slices.Contains(owner.Verbs, rbac.VerbAll) || containsAll(owner.Verbs, sub.Verbs)) &&
		(slices.Contains(owner.APIGroups, rbac.APIGroupAll) || containsAll(owner.APIGroups, sub.APIGroups)) &&
		resourcesCover(owner.Resources, sub.Resources) &&
		urlsCover(owner.NonResourceURLs, sub.NonResourceURLs) &&
		(len(owner.ResourceNames) == 0 || len(sub.ResourceNames) > 0 && containsAll(owner.ResourceNames, sub.ResourceNames))
}

func containsAll(set, want []string) bool {
	for _, w := range want {
		if !slices.Contains(set, w) {
			return false
		}
	}
	return true
}

// resourcesCover: "*" covers all, and "*/sub" covers "<any>/sub".
func resourcesCover(owner, want []string) bool {
	if slices.Contains(owner, rbac.ResourceAll) {
		return true
	}
	for _, w := range want {
		if slices.Contains(owner, w) {
			continue
		}
		_, sub, ok := strings.Cut(w, "/")
		if !ok || !slices.Contains(owner, "*/"+sub) {
			return false
		}
	}
	return true
}

func urlsCover(owner, want []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(owner, func(o string) bool {
			return o == w || strings.HasSuffix(o, "*") && strings.HasPrefix(w, strings.TrimRight(o, "*"))
		}) {
			return false
		}
	}
	return true
}

// compactRules merges atomic rules that differ only in their verb (one
// group, one resource, at most one name), as Kubernetes does before
// listing missing permissions, so a message says
// {APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]} once.
func compactRules(rules []rbac.PolicyRule) []rbac.PolicyRule {
	type key struct {
		group, resource, name string
		named                 bool
	}
	var out []rbac.PolicyRule
	simple := map[key]int{} // index into out
	for _, r := range rules {
		if len(r.APIGroups) != 1 || len(r.Resources) != 1 || len(r.ResourceNames) > 1 || len(r.NonResourceURLs) > 0 {
			out = append(out, r)
			continue
		}
		k := key{group: r.APIGroups[0], resource: r.Resources[0]}
		if len(r.ResourceNames) == 1 {
			k.name, k.named = r.ResourceNames[0], true
		}
		if i, ok := simple[k]; ok {
			out[i].Verbs = append(out[i].Verbs, r.Verbs...)
			continue
		}
		simple[k] = len(out)
		r.Verbs = slices.Clone(r.Verbs)
		out = append(out, r)
	}
	return out
}

// compactString renders a rule as Kubernetes' escalation messages do:
// {APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}.
func compactString(r rbac.PolicyRule) string {
	var parts []string
	add := func(name string, v []string) {
		if len(v) > 0 {
			parts = append(parts, fmt.Sprintf("%s:%q", name, v))
		}
	}
	add("APIGroups", r.APIGroups)
	add("Resources", r.Resources)
	add("NonResourceURLs", r.NonResourceURLs)
	add("ResourceNames", r.ResourceNames)
	add("Verbs", r.Verbs)
	return "{" + strings.Join(parts, ", ") + "}"
}

// describeMissing lists missing rules one per line, compacted, sorted and
// without duplicates.
func describeMissing(missing []rbac.PolicyRule) string {
	seen := map[string]bool{}
	var lines []string
	for _, r := range compactRules(missing) {
		s := compactString(r)
		if !seen[s] {
			seen[s] = true
			lines = append(lines, s)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
