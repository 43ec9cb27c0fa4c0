package apiserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/spar-dev/spar/api/meta"
)

// mediaType is what a response is encoded as.
type mediaType int

const (
	mediaJSON mediaType = iota
	mediaYAML
	mediaTable // application/json;as=Table;g=meta.k8s.io;v=v1
	// mediaPartial: application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1,
	// objects reduced to their metadata (metadata-only informers).
	mediaPartial
)

// negotiate picks the response encoding from the Accept header. Protobuf
// is not spoken: clients that ask for it also accept JSON (client-go
// always lists it), so it falls through to JSON; an Accept with nothing
// acceptable gets 406.
func negotiate(r *http.Request) (mediaType, error) {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return mediaJSON, nil
	}
	any := false
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/json":
			if params["as"] == "Table" {
				if params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1") {
					return mediaTable, nil
				}
				continue
			}
			switch params["as"] {
			case "":
			case "PartialObjectMetadata", "PartialObjectMetadataList":
				if params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1") {
					return mediaPartial, nil
				}
				continue
			default:
				continue // other conversions are not served
			}
			return mediaJSON, nil
		case "application/yaml":
			return mediaYAML, nil
		case "*/*", "application/*", "application/vnd.kubernetes.protobuf",
			"application/vnd.kubernetes.protobuf;stream=watch", "application/json;stream=watch":
			any = true
		}
	}
	if any {
		return mediaJSON, nil
	}
	return mediaJSON, meta.NewStatus(http.StatusNotAcceptable, meta.StatusReasonNotAcceptable,
		fmt.Sprintf("only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io (got %q)", accept))
}

// writeRaw writes an already-encoded JSON body in the negotiated media type.
func writeRaw(w http.ResponseWriter, code int, mt mediaType, body []byte) {
	if mt == mediaYAML {
		y, err := yaml.JSONToYAML(body)
		if err == nil {
			w.Header().Set("Content-Type", "application/yaml")
			w.WriteHeader(code)
			w.Write(y)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(body)
}

// writeJSON encodes v as JSON (or YAML when negotiated).
func writeJSON(w http.ResponseWriter, code int, mt mediaType, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, meta.NewInternalError(err))
		return
	}
	writeRaw(w, code, mt, b)
}

// toStatus turns any error into the Status sent for it: a *meta.Status is
// sent as is, anything else is a 500.
func toStatus(err error) *meta.Status {
	var st *meta.Status
	if errors.As(err, &st) {
		if st.Kind == "" {
			c := *st
			c.TypeMeta = meta.TypeMeta{Kind: "Status", APIVersion: "v1"}
			if c.Status == "" {
				c.Status = meta.StatusFailure
			}
			if c.Code == 0 {
				c.Code = http.StatusInternalServerError
			}
			return &c
		}
		return st
	}
	return meta.NewInternalError(err)
}

// writeError writes err as a Status with its code (JSON, always: clients
// decode error bodies as JSON whatever they asked for).
func writeError(w http.ResponseWriter, err error) {
	st := toStatus(err)
	if st.Details != nil && st.Details.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(st.Details.RetryAfterSeconds)))
	}
	b, _ := json.Marshal(st)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(int(st.Code))
	w.Write(b)
}

// warn adds a Warning header as Kubernetes does (299 with the agent "-").
func warn(w http.ResponseWriter, msg string) {
	w.Header().Add("Warning", "299 - "+strconv.Quote(msg))
}

// listJSON assembles a list response from already-encoded items, so
// objects whose encoding the watch cache holds are not encoded again.
func listJSON(kind, apiVersion string, lm meta.ListMeta, items [][]byte) []byte {
	head, _ := json.Marshal(struct {
		Kind       string        `json:"kind"`
		APIVersion string        `json:"apiVersion"`
		Metadata   meta.ListMeta `json:"metadata"`
	}{kind, apiVersion, lm})
	n := len(head) + 16
	for _, it := range items {
		n += len(it) + 1
	}
	var b bytes.Buffer
	b.Grow(n)
	b.Write(head[:len(head)-1])
	b.WriteString(`,"items":[`)
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// partial reduces obj to a PartialObjectMetadata.
func partial(obj meta.Object) *meta.PartialObjectMetadata {
	return &meta.PartialObjectMetadata{
		TypeMeta:   meta.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: "meta.k8s.io/v1"},
		ObjectMeta: *obj.GetObjectMeta(),
	}
}
