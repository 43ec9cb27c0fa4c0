package audit

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/spar-dev/spar/api/meta"
)

// appendEvent appends ev as one line of JSON, byte for byte what
// json.Marshal writes, without its reflection and without re-validating
// the bodies the filter validated already: the log backend encodes every
// event it writes, and for a create recorded at Request level this was
// the largest part of what auditing cost.
func appendEvent(b []byte, ev *Event) ([]byte, error) {
	b = append(b, '{')
	comma := false
	field := func(name string) {
		if comma {
			b = append(b, ',')
		}
		comma = true
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	str := func(name, v string, omitEmpty bool) {
		if v == "" && omitEmpty {
			return
		}
		field(name)
		b = appendString(b, v)
	}
	str("kind", ev.Kind, true)
	str("apiVersion", ev.APIVersion, true)
	str("level", string(ev.Level), false)
	str("auditID", ev.AuditID, false)
	str("stage", string(ev.Stage), false)
	str("requestURI", ev.RequestURI, false)
	str("verb", ev.Verb, false)
	field("user")
	b = appendUser(b, &ev.User)
	if ev.ImpersonatedUser != nil {
		field("impersonatedUser")
		b = appendUser(b, ev.ImpersonatedUser)
	}
	if len(ev.SourceIPs) > 0 {
		field("sourceIPs")
		b = appendStrings(b, ev.SourceIPs)
	}
	str("userAgent", ev.UserAgent, true)
	if ref := ev.ObjectRef; ref != nil {
		field("objectRef")
		b = append(b, '{')
		n := len(b)
		for _, f := range [...]struct{ name, v string }{
			{"resource", ref.Resource}, {"namespace", ref.Namespace}, {"name", ref.Name}, {"uid", ref.UID},
			{"apiGroup", ref.APIGroup}, {"apiVersion", ref.APIVersion}, {"resourceVersion", ref.ResourceVersion},
			{"subresource", ref.Subresource},
		} {
			if f.v != "" {
				if len(b) > n {
					b = append(b, ',')
				}
				b = append(b, '"')
				b = append(b, f.name...)
				b = append(b, '"', ':')
				b = appendString(b, f.v)
			}
		}
		b = append(b, '}')
	}
	if st := ev.ResponseStatus; st != nil {
		field("responseStatus")
		var err error
		if b, err = appendStatus(b, st); err != nil {
			return b, err
		}
	}
	for _, o := range [...]struct {
		name string
		raw  json.RawMessage
	}{{"requestObject", ev.RequestObject}, {"responseObject", ev.ResponseObject}} {
		if len(o.raw) == 0 {
			continue
		}
		if !ev.trusted && !validJSON(o.raw) {
			return b, fmt.Errorf("%s is not valid JSON", o.name)
		}
		field(o.name)
		b = appendRaw(b, o.raw)
	}
	field("requestReceivedTimestamp")
	b = appendMicroTime(b, ev.RequestReceivedTimestamp)
	field("stageTimestamp")
	b = appendMicroTime(b, ev.StageTimestamp)
	if len(ev.Annotations) > 0 {
		field("annotations")
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(ev.Annotations)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendString(b, ev.Annotations[k])
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

func appendUser(b []byte, u *UserInfo) []byte {
	b = append(b, '{')
	n := len(b)
	sep := func() {
		if len(b) > n {
			b = append(b, ',')
		}
	}
	if u.Username != "" {
		b = append(b, `"username":`...)
		b = appendString(b, u.Username)
	}
	if u.UID != "" {
		sep()
		b = append(b, `"uid":`...)
		b = appendString(b, u.UID)
	}
	if len(u.Groups) > 0 {
		sep()
		b = append(b, `"groups":`...)
		b = appendStrings(b, u.Groups)
	}
	if len(u.Extra) > 0 {
		sep()
		b = append(b, `"extra":{`...)
		for i, k := range slices.Sorted(maps.Keys(u.Extra)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			if v := u.Extra[k]; v == nil {
				b = append(b, "null"...)
			} else {
				b = appendStrings(b, v)
			}
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendStatus writes the usual responseStatus, a bare code, directly,
// and anything richer (an error's message, reason and details) through
// encoding/json.
func appendStatus(b []byte, st *meta.Status) ([]byte, error) {
	if st.TypeMeta == (meta.TypeMeta{}) && st.ListMeta.RemainingItemCount == nil && st.SelfLink == "" &&
		st.ResourceVersion == "" && st.Continue == "" && st.Status == "" && st.Message == "" && st.Reason == "" && st.Details == nil {
		b = append(b, `{"metadata":{}`...)
		if st.Code != 0 {
			b = append(b, `,"code":`...)
			b = strconv.AppendInt(b, int64(st.Code), 10)
		}
		return append(b, '}'), nil
	}
	j, err := json.Marshal(st)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}

// microFormat is meta.MicroTime's wire format.
const microFormat = "2006-01-02T15:04:05.000000Z07:00"

func appendMicroTime(b []byte, t meta.MicroTime) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, microFormat)
	return append(b, '"')
}

const hex = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as encoding/json
// escapes it (HTML characters, U+2028 and U+2029 included; invalid UTF-8
// becomes U+FFFD).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendRaw appends a valid JSON value compacted, with the HTML
// characters and U+2028/U+2029 in its strings escaped, as encoding/json
// writes a RawMessage. A body without whitespace or such characters (what
// clients send) is copied as it is.
func appendRaw(b []byte, raw []byte) []byte {
	plain := true
	for _, c := range raw {
		if c <= ' ' || c == '<' || c == '>' || c == '&' || c == 0xE2 {
			plain = false
			break
		}
	}
	if plain {
		return append(b, raw...)
	}
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if !inString {
			switch c {
			case ' ', '\t', '\n', '\r':
				continue
			case '"':
				inString = true
			}
			b = append(b, c)
			continue
		}
		switch {
		case c == '\\':
			// An escape: copy it and the character it escapes.
			b = append(b, c)
			if i+1 < len(raw) {
				i++
				b = append(b, raw[i])
			}
		case c == '"':
			inString = false
			b = append(b, c)
		case c == '<' || c == '>' || c == '&':
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		case c == 0xE2 && i+2 < len(raw) && raw[i+1] == 0x80 && raw[i+2]&^1 == 0xA8:
			b = append(b, '\\', 'u', '2', '0', '2', hex[raw[i+2]&0xF])
			i += 2
		default:
			b = append(b, c)
		}
	}
	return b
}
