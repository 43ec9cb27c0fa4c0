package podsecurity

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api/meta"
)

// Level is a Pod Security Standard.
type Level string

// Levels, from least to most restrictive.
const (
	Privileged Level = "privileged"
	Baseline   Level = "baseline"
	Restricted Level = "restricted"
)

// Namespace labels that set a namespace's policy; each mode has a level
// label and an optional version label (default "latest").
const (
	EnforceLevelLabel   = "pod-security.kubernetes.io/enforce"
	EnforceVersionLabel = "pod-security.kubernetes.io/enforce-version"
	AuditLevelLabel     = "pod-security.kubernetes.io/audit"
	AuditVersionLabel   = "pod-security.kubernetes.io/audit-version"
	WarnLevelLabel      = "pod-security.kubernetes.io/warn"
	WarnVersionLabel    = "pod-security.kubernetes.io/warn-version"
)

// Audit annotation keys Kubernetes records on audited requests.
const (
	AuditAnnotationEnforcePolicy   = "pod-security.kubernetes.io/enforce-policy"
	AuditAnnotationAuditViolations = "pod-security.kubernetes.io/audit-violations"
	AuditAnnotationExempt          = "pod-security.kubernetes.io/exempt"
)

// Version is a policy version: the checks as of a Kubernetes minor
// release, or the latest ones. The zero value is Latest.
type Version struct {
	minor  int
	pinned bool // false: latest
}

// Latest is the newest version of the checks.
var Latest = Version{}

// MajorMinor returns version v1.minor.
func MajorMinor(minor int) Version { return Version{minor: minor, pinned: true} }

func (v Version) String() string {
	if !v.pinned {
		return "latest"
	}
	return "v1." + strconv.Itoa(v.minor)
}

// atLeast reports whether v is v1.minor or newer.
func (v Version) atLeast(minor int) bool { return !v.pinned || v.minor >= minor }

var versionRE = regexp.MustCompile(`^v1\.(0|[1-9][0-9]*)$`)

// ParseVersion parses "latest" or "v1.N". On error it returns Latest, as
// Kubernetes evaluates unparseable versions.
func ParseVersion(s string) (Version, error) {
	if s == "latest" {
		return Latest, nil
	}
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Latest, fmt.Errorf(`must be "latest" or "v1.x"`)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return Latest, fmt.Errorf(`must be "latest" or "v1.x"`)
	}
	return MajorMinor(n), nil
}

// ParseLevel parses a level. On error it returns Restricted, so a typo in
// an enforce label fails closed.
func ParseLevel(s string) (Level, error) {
	switch l := Level(s); l {
	case Privileged, Baseline, Restricted:
		return l, nil
	}
	return Restricted, fmt.Errorf("must be one of privileged, baseline, restricted")
}

// CompareLevels returns -1, 0 or 1 as a is less, equally or more strict
// than b.
func CompareLevels(a, b Level) int {
	rank := map[Level]int{Privileged: 0, Baseline: 1, Restricted: 2}
	switch ra, rb := rank[a], rank[b]; {
	case ra < rb:
		return -1
	case ra > rb:
		return 1
	}
	return 0
}

// LevelVersion is a level at a version, written "restricted:latest". An
// empty Level is evaluated as privileged.
type LevelVersion struct {
	Level   Level
	Version Version
}

func (lv LevelVersion) String() string { return string(lv.Level) + ":" + lv.Version.String() }

// Policy is a namespace's three modes: Enforce rejects violating pods,
// Audit records violations in the audit log, Warn returns them to the
// client as warnings.
type Policy struct {
	Enforce, Audit, Warn LevelVersion
}

// DefaultPolicy is what a namespace without labels gets: privileged in
// every mode, Kubernetes' default.
var DefaultPolicy = Policy{
	Enforce: LevelVersion{Privileged, Latest},
	Audit:   LevelVersion{Privileged, Latest},
	Warn:    LevelVersion{Privileged, Latest},
}

// FullyPrivileged reports whether no mode checks anything.
func (p Policy) FullyPrivileged() bool {
	return p.Enforce.Level == Privileged && p.Audit.Level == Privileged && p.Warn.Level == Privileged
}

// PolicyFromLabels resolves a namespace's labels into its policy, starting
// from defaults. It always returns a usable policy; invalid labels also
// yield errors (naming metadata.labels[...]): an invalid enforce level
// means restricted, invalid audit and warn levels mean privileged, and an
// invalid version means latest. Without a warn label, warn follows an
// enforce level stricter than it, as in Kubernetes.
func PolicyFromLabels(labels map[string]string, defaults Policy) (Policy, meta.FieldErrors) {
	p := defaults
	if len(labels) == 0 {
		return p, nil
	}
	var errs meta.FieldErrors
	bad := func(label, value string, err error) {
		errs = append(errs, meta.Invalid(meta.NewPath("metadata", "labels").Key(label), value, err.Error()))
	}
	var err error
	hasEnforceLevel := false
	if v, ok := labels[EnforceLevelLabel]; ok {
		if p.Enforce.Level, err = ParseLevel(v); err != nil {
			bad(EnforceLevelLabel, v, err)
		}
		hasEnforceLevel = err == nil
	}
	if v, ok := labels[EnforceVersionLabel]; ok {
		if p.Enforce.Version, err = ParseVersion(v); err != nil {
			bad(EnforceVersionLabel, v, err)
		}
	}
	if v, ok := labels[AuditLevelLabel]; ok {
		if p.Audit.Level, err = ParseLevel(v); err != nil {
			bad(AuditLevelLabel, v, err)
			p.Audit.Level = Privileged
		}
	}
	if v, ok := labels[AuditVersionLabel]; ok {
		if p.Audit.Version, err = ParseVersion(v); err != nil {
			bad(AuditVersionLabel, v, err)
		}
	}
	_, hasWarnLevel := labels[WarnLevelLabel]
	_, hasWarnVersion := labels[WarnVersionLabel]
	if v, ok := labels[WarnLevelLabel]; ok {
		if p.Warn.Level, err = ParseLevel(v); err != nil {
			bad(WarnLevelLabel, v, err)
			p.Warn.Level = Privileged
		}
	}
	if v, ok := labels[WarnVersionLabel]; ok {
		if p.Warn.Version, err = ParseVersion(v); err != nil {
			bad(WarnVersionLabel, v, err)
		}
	}
	if !hasWarnLevel && hasEnforceLevel && CompareLevels(p.Enforce.Level, p.Warn.Level) > 0 {
		p.Warn.Level = p.Enforce.Level
		if !hasWarnVersion {
			p.Warn.Version = p.Enforce.Version
		}
	}
	return p, errs
}

// Violation is one failed check: a short reason ("host namespaces") and
// the detail naming the offending containers or fields.
type Violation struct {
	Reason string
	Detail string
}

// Reasons joins the reasons of vs: "allowPrivilegeEscalation != false,
// unrestricted capabilities".
func Reasons(vs []Violation) string {
	r := make([]string, len(vs))
	for i, v := range vs {
		r[i] = v.Reason
	}
	return strings.Join(r, ", ")
}

// Details formats vs as Kubernetes' messages do: each reason followed by
// its detail in parentheses, comma-separated.
func Details(vs []Violation) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.Reason)
		if v.Detail != "" {
			b.WriteString(" (")
			b.WriteString(v.Detail)
			b.WriteString(")")
		}
	}
	return b.String()
}
