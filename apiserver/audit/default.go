package audit

// DefaultPolicyYAML is the policy of clusters spar bootstraps: every change
// is recorded, reads are not (except of secrets and configmaps), and
// nothing that holds secret values is recorded with its body. Write it to a
// file to start a policy of your own from it.
const DefaultPolicyYAML = `apiVersion: audit.k8s.io/v1
kind: Policy
# RequestReceived doubles the events and says nothing ResponseComplete does not.
omitStages: ["RequestReceived"]
rules:
  # Health, version, metrics, discovery and OpenAPI: not recorded.
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/metrics", "/openapi*", "/api", "/api/*", "/apis", "/apis/*"]
  # Who read or changed a secret, a configmap or a token: metadata only.
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps", "serviceaccounts/token"]
      - group: "authentication.k8s.io"
        resources: ["tokenreviews"]
  # Other reads: not recorded.
  - level: None
    verbs: ["get", "list", "watch"]
  # Heartbeats and events change all the time and say little.
  - level: None
    resources:
      - group: "coordination.k8s.io"
        resources: ["leases"]
      - group: ""
        resources: ["events"]
      - group: "events.k8s.io"
        resources: ["events"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["nodes/status", "pods/status"]
  # Every other change, with the request.
  - level: Request
    omitManagedFields: true
`

// DefaultPolicy returns a new copy of DefaultPolicyYAML, parsed.
func DefaultPolicy() *Policy {
	p, err := ParsePolicy([]byte(DefaultPolicyYAML))
	if err != nil {
		panic("audit: the default policy does not parse: " + err.Error())
	}
	return p
}
