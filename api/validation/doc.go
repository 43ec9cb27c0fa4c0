// Package validation holds the building blocks of API object validation
// shared by every API group: format checks for names, keys, ports and
// addresses, object metadata on create and update, label selectors, and the
// small helpers specs are built from (non-negative fields, immutable
// fields). Each API group package (core, apps, ...) writes the Validate and
// ValidateUpdate methods of its kinds from these; the API server calls them
// after defaulting, between the mutating and validating admission stages
// (DESIGN.md, "Data flow"), and answers 422 Invalid with one cause per
// returned meta.FieldError.
//
// The rules and the messages are Kubernetes' own (apimachinery's
// pkg/util/validation and pkg/api/validation): kubectl users read them in
// every rejected apply, so a name that Kubernetes rejects is rejected here
// with the same words, e.g.
//
//	metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of ...
//
// The Is* checks return messages, nil for a valid value; the Validate*
// functions return meta.FieldErrors located with a meta.Path. Maps are
// walked in key order so messages come out in a stable order. Nothing here
// uses regular expressions or allocates for a valid value in the common
// checks: names are checked on every write.
//
// Two choices where Kubernetes has moved over time: environment variable
// names use the relaxed rule (IsRelaxedEnvVarName, the default since 1.32),
// and IP and CIDR checks reject leading zeros and IPv4-mapped IPv6 addresses
// (StrictIPCIDRValidation, the default since 1.36).
package validation
