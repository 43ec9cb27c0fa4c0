package audit

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/spar-dev/spar/apiserver/authn"
)

// Attributes are what a policy matches a request on, from its path and
// method (the API server's RequestInfo).
type Attributes struct {
	// Verb is get, list, watch, create, update, patch, delete or
	// deletecollection for resource requests, else the lower-case HTTP
	// method.
	Verb            string
	ResourceRequest bool
	APIGroup        string
	APIVersion      string
	Resource        string
	Subresource     string
	Namespace       string
	Name            string
	// Path is the URL path.
	Path string
}

// LoadPolicy reads and validates the policy file at path (YAML or JSON).
func LoadPolicy(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit: reading the policy: %w", err)
	}
	p, err := ParsePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return p, nil
}

// ParsePolicy decodes and validates an audit.k8s.io/v1 Policy. Field names
// are case-sensitive and unknown fields are errors, so a misspelt field
// never silently widens or narrows what is recorded.
func ParsePolicy(data []byte) (*Policy, error) {
	j, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, fmt.Errorf("audit: parsing the policy: %w", err)
	}
	var p Policy
	strict, err := kjson.UnmarshalStrict(j, &p, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return nil, fmt.Errorf("audit: decoding the policy: %w", err)
	}
	if len(strict) > 0 {
		return nil, fmt.Errorf("audit: decoding the policy: %w", errors.Join(strict...))
	}
	if p.APIVersion != APIVersion || p.Kind != "Policy" {
		return nil, fmt.Errorf("audit: the policy is %s %q, want %s \"Policy\"", p.APIVersion, p.Kind, APIVersion)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(p.Rules) == 0 {
		return nil, errors.New("audit: loaded illegal policy with 0 rules")
	}
	return &p, nil
}

// dnsSubdomain is a lower-case RFC 1123 subdomain, what a group name is.
var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// Validate checks the policy as kube-apiserver does, with its messages.
func (p *Policy) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	validateStages(p.OmitStages, "omitStages", bad)
	for i, r := range p.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		switch r.Level {
		case LevelNone, LevelMetadata, LevelRequest, LevelRequestResponse:
		case "":
			bad(path+".level", "Required value")
		default:
			bad(path+".level", `Unsupported value: %q: supported values: "None", "Metadata", "Request", "RequestResponse"`, r.Level)
		}
		for j, u := range r.NonResourceURLs {
			p := fmt.Sprintf("%s.nonResourceURLs[%d]", path, j)
			if u == "*" {
				continue
			}
			if !strings.HasPrefix(u, "/") {
				bad(p, "Invalid value: %q: non-resource URL rules must begin with a '/' character", u)
			}
			if u != "" && strings.Contains(u[:len(u)-1], "*") {
				bad(p, "Invalid value: %q: non-resource URL wildcards '*' must be the final character of the rule", u)
			}
		}
		for j, gr := range r.Resources {
			p := fmt.Sprintf("%s.resources[%d]", path, j)
			if gr.Group != "" && (len(gr.Group) > 253 || !dnsSubdomain.MatchString(gr.Group)) {
				bad(p+".group", "Invalid value: %q: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'", gr.Group)
			}
			if len(gr.ResourceNames) > 0 && len(gr.Resources) == 0 {
				bad(p+".resourceNames", "Invalid value: %q: using resourceNames requires at least one resource", gr.ResourceNames)
			}
		}
		if len(r.NonResourceURLs) > 0 && (len(r.Resources) > 0 || len(r.Namespaces) > 0) {
			bad(path+".nonResourceURLs", "Invalid value: %q: rules cannot apply to both regular resources and non-resource URLs", r.NonResourceURLs)
		}
		validateStages(r.OmitStages, path+".omitStages", bad)
	}
	if len(errs) > 0 {
		return fmt.Errorf("audit: invalid policy: %w", errors.Join(errs...))
	}
	return nil
}

func validateStages(stages []Stage, path string, bad func(path, format string, args ...any)) {
	for i, s := range stages {
		switch s {
		case StageRequestReceived, StageResponseStarted, StageResponseComplete, StagePanic:
		default:
			bad(fmt.Sprintf("%s[%d]", path, i), "Invalid value: %q: allowed stages are Panic,RequestReceived,ResponseComplete,ResponseStarted", s)
		}
	}
}

// Decision is what a policy says about one request.
type Decision struct {
	// Level is the matching rule's, LevelNone when no rule matches.
	Level Level
	// Rule is the index of the first matching rule, -1 when none matches.
	Rule int
	// OmitManagedFields is the rule's setting, else the policy's.
	OmitManagedFields bool
	// NamesResource reports that the matching rule names the request's
	// resource literally: a resources entry of the request's group that
	// lists "secrets" itself (or "secrets/<subresource>" or "secrets/*"),
	// rather than matching it through "*", "*/<subresource>", an entry
	// without resources or a rule without resources. Only such a rule
	// records the bodies of secrets (see the package documentation).
	NamesResource bool

	omit stageSet
}

// Omits reports whether events of stage s are left out.
func (d Decision) Omits(s Stage) bool { return d.omit.has(s) }

type stageSet uint8

func stageBit(s Stage) stageSet {
	switch s {
	case StageRequestReceived:
		return 1
	case StageResponseStarted:
		return 2
	case StageResponseComplete:
		return 4
	case StagePanic:
		return 8
	}
	return 0
}

func (m stageSet) has(s Stage) bool { return m&stageBit(s) != 0 }

func toSet(stages ...[]Stage) stageSet {
	var m stageSet
	for _, l := range stages {
		for _, s := range l {
			m |= stageBit(s)
		}
	}
	return m
}

// Evaluate returns the decision of the first rule that matches the request
// of user u (nil: unauthenticated) with attributes a. The matching is
// kube-apiserver's: every non-empty field of a rule must match; resources
// match as described on GroupResources, nonResourceURLs as on PolicyRule.
func (p *Policy) Evaluate(u *authn.User, a Attributes) Decision {
	for i := range p.Rules {
		r := &p.Rules[i]
		if ruleMatches(r, u, a) {
			d := Decision{Level: r.Level, Rule: i, OmitManagedFields: p.OmitManagedFields, omit: toSet(p.OmitStages, r.OmitStages)}
			if r.OmitManagedFields != nil {
				d.OmitManagedFields = *r.OmitManagedFields
			}
			d.NamesResource = a.ResourceRequest && namesResource(r, a)
			return d
		}
	}
	return Decision{Level: LevelNone, Rule: -1, OmitManagedFields: p.OmitManagedFields, omit: toSet(p.OmitStages)}
}

func ruleMatches(r *PolicyRule, u *authn.User, a Attributes) bool {
	if len(r.Users) > 0 && (u == nil || !slices.Contains(r.Users, u.Name)) {
		return false
	}
	if len(r.UserGroups) > 0 {
		if u == nil || !slices.ContainsFunc(u.Groups, func(g string) bool { return slices.Contains(r.UserGroups, g) }) {
			return false
		}
	}
	if len(r.Verbs) > 0 && !slices.Contains(r.Verbs, a.Verb) {
		return false
	}
	if len(r.Namespaces) > 0 || len(r.Resources) > 0 {
		return resourceMatches(r, a)
	}
	if len(r.NonResourceURLs) > 0 {
		if a.ResourceRequest {
			return false
		}
		return slices.ContainsFunc(r.NonResourceURLs, func(spec string) bool { return pathMatches(a.Path, spec) })
	}
	return true
}

func pathMatches(path, spec string) bool {
	switch {
	case spec == "*" || spec == path:
		return true
	case strings.HasSuffix(spec, "*"):
		return strings.HasPrefix(path, strings.TrimRight(spec, "*"))
	}
	return false
}

func resourceMatches(r *PolicyRule, a Attributes) bool {
	if !a.ResourceRequest {
		return false
	}
	// Cluster-scoped resources have the namespace "".
	if len(r.Namespaces) > 0 && !slices.Contains(r.Namespaces, a.Namespace) {
		return false
	}
	if len(r.Resources) == 0 {
		return true
	}
	combined := a.Resource
	if a.Subresource != "" {
		combined += "/" + a.Subresource
	}
	for _, gr := range r.Resources {
		if gr.Group != a.APIGroup {
			continue
		}
		if len(gr.Resources) == 0 {
			return true
		}
		if len(gr.ResourceNames) > 0 && !slices.Contains(gr.ResourceNames, a.Name) {
			continue
		}
		for _, res := range gr.Resources {
			switch {
			case res == combined || res == "*":
				return true
			case a.Subresource != "" && strings.HasPrefix(res, "*/") && res[2:] == a.Subresource:
				return true
			case strings.HasSuffix(res, "/*") && res[:len(res)-2] == a.Resource:
				return true
			}
		}
	}
	return false
}

// namesResource reports whether r lists a's resource by name (see
// Decision.NamesResource).
func namesResource(r *PolicyRule, a Attributes) bool {
	combined := a.Resource
	if a.Subresource != "" {
		combined += "/" + a.Subresource
	}
	for _, gr := range r.Resources {
		if gr.Group != a.APIGroup || (len(gr.ResourceNames) > 0 && !slices.Contains(gr.ResourceNames, a.Name)) {
			continue
		}
		for _, res := range gr.Resources {
			if res == combined || res == a.Resource+"/*" {
				return true
			}
		}
	}
	return false
}
