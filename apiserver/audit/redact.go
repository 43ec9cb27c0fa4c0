package audit

import (
	"bytes"
	"encoding/json"
	"mime"
	"strings"

	"sigs.k8s.io/yaml"
)

// isSecret reports requests to core secrets, any verb or subresource.
func isSecret(a Attributes) bool {
	return a.ResourceRequest && a.APIGroup == "" && a.Resource == "secrets"
}

// isTokenRequest reports TokenRequests (serviceaccounts/token), whose
// response holds a bearer token.
func isTokenRequest(a Attributes) bool {
	return a.ResourceRequest && a.APIGroup == "" && a.Resource == "serviceaccounts" && a.Subresource == "token"
}

// toJSON returns a body as JSON: JSON as it is, YAML converted when its
// content type says YAML; nil for anything else (protobuf, text), which
// is not recorded — an event must stay valid JSON.
func toJSON(body []byte, contentType string) []byte {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if validJSON(trimmed) {
			return trimmed
		}
		return nil
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && strings.HasSuffix(mt, "yaml") {
		if j, err := yaml.YAMLToJSON(body); err == nil && json.Valid(j) {
			return j
		}
	}
	return nil
}

// cleaner prepares a body for an event: it removes secret data (scrub) and
// managed fields, as the policy and the secret rule say.
type cleaner struct {
	scrub, omitManagedFields bool
	// redacted is called when secret data was removed.
	redacted func()
}

// clean returns obj without what must not be recorded. Bodies that cannot
// hold it are returned as they are, without a parse.
func (c cleaner) clean(obj []byte) json.RawMessage {
	mf := c.omitManagedFields && bytes.Contains(obj, []byte(`"managedFields"`))
	sec := c.scrub && mayHoldSecrets(obj)
	if !mf && !sec {
		return obj
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber() // keep numbers exactly as sent
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	if sec && scrubSecrets(v) && c.redacted != nil {
		c.redacted()
	}
	if mf {
		dropManagedFields(v)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return out
}

// mayHoldSecrets is a cheap screen: a body that holds neither kind's name
// nor a JSON escape (which could spell one) holds no Secret or
// TokenRequest.
func mayHoldSecrets(obj []byte) bool {
	return bytes.Contains(obj, []byte("Secret")) || bytes.Contains(obj, []byte("TokenRequest")) ||
		bytes.Contains(obj, []byte(`\u`))
}

// lastApplied is the annotation kubectl apply keeps the whole applied
// manifest in: for a Secret, its data.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// scrubSecrets removes, anywhere in v, the data and stringData of objects
// of kind Secret (and of the items of a SecretList) with their
// last-applied annotation, and the status.token of TokenRequests. It
// reports whether it removed anything.
func scrubSecrets(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		switch t["kind"] {
		case "Secret":
			changed = dropSecretData(t)
		case "SecretList":
			if items, ok := t["items"].([]any); ok {
				for _, it := range items {
					if m, ok := it.(map[string]any); ok {
						changed = dropSecretData(m) || changed
					}
				}
			}
		case "TokenRequest":
			if st, ok := t["status"].(map[string]any); ok {
				if _, ok := st["token"]; ok {
					delete(st, "token")
					changed = true
				}
			}
		}
		for _, c := range t {
			changed = scrubSecrets(c) || changed
		}
	case []any:
		for _, c := range t {
			changed = scrubSecrets(c) || changed
		}
	}
	return changed
}

func dropSecretData(m map[string]any) bool {
	changed := false
	for _, k := range []string{"data", "stringData"} {
		if _, ok := m[k]; ok {
			delete(m, k)
			changed = true
		}
	}
	if md, ok := m["metadata"].(map[string]any); ok {
		if ann, ok := md["annotations"].(map[string]any); ok {
			if _, ok := ann[lastApplied]; ok {
				delete(ann, lastApplied)
				changed = true
			}
		}
	}
	return changed
}

// dropManagedFields removes metadata.managedFields from an object, the
// items of a list and the row objects of a Table, as Kubernetes'
// omitManagedFields does.
func dropManagedFields(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	drop := func(obj any) {
		if o, ok := obj.(map[string]any); ok {
			if md, ok := o["metadata"].(map[string]any); ok {
				delete(md, "managedFields")
			}
		}
	}
	drop(m)
	if items, ok := m["items"].([]any); ok {
		for _, it := range items {
			drop(it)
		}
	}
	if m["kind"] == "Table" {
		if rows, ok := m["rows"].([]any); ok {
			for _, r := range rows {
				if row, ok := r.(map[string]any); ok {
					drop(row["object"])
				}
			}
		}
	}
}
