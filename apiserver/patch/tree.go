package patch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// The original object is decoded lazily: an object or a list is decoded one
// level at a time, when the patch reaches it, and what the patch does not
// reach stays json.RawMessage and is copied to the result as it is. A patch
// that changes a Deployment's image decodes the few maps and lists on the
// way to the container, not the whole object.
//
// Decoded scalars are what Kubernetes' decoder makes of them: strings, bools,
// nil, int64 for integers and float64 for other numbers.

// decodeObject decodes a JSON object one level deep. data must be valid
// JSON; the raw values returned share its bytes.
func decodeObject(data []byte) (map[string]any, error) {
	i := skipSpace(data, 0)
	if i < len(data) && data[i] == 'n' {
		return nil, nil // null
	}
	if i >= len(data) || data[i] != '{' {
		return nil, fmt.Errorf("not a JSON object: %.20q", data)
	}
	m := map[string]any{}
	i = skipSpace(data, i+1)
	if data[i] == '}' {
		return m, nil
	}
	for {
		end := skipValue(data, i)
		key, err := shallow(data[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(data, end)
		i = skipSpace(data, i+1) // ':'
		end = skipValue(data, i)
		v, err := shallow(data[i:end])
		if err != nil {
			return nil, err
		}
		m[key.(string)] = v
		i = skipSpace(data, end)
		if data[i] == '}' {
			return m, nil
		}
		i = skipSpace(data, i+1) // ','
	}
}

// decodeList decodes a JSON list one level deep, and each object in it one
// level too (merging lists reads their elements' merge keys). data must be
// valid JSON.
func decodeList(data []byte) ([]any, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, fmt.Errorf("not a JSON list: %.20q", data)
	}
	l := []any{}
	i = skipSpace(data, i+1)
	if data[i] == ']' {
		return l, nil
	}
	for {
		end := skipValue(data, i)
		v, err := shallow(data[i:end])
		if err == nil && data[i] == '{' {
			v, err = decodeObject(data[i:end])
		}
		if err != nil {
			return nil, err
		}
		l = append(l, v)
		i = skipSpace(data, end)
		if data[i] == ']' {
			return slices.Clip(l), nil
		}
		i = skipSpace(data, i+1) // ','
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the (valid) JSON value starting at i.
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		for i++; ; i++ {
			switch data[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch data[i] {
			case '"':
				i = skipValue(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for ; i < len(data); i++ {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return i
}

// shallow decodes a scalar and leaves an object or a list raw.
func shallow(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("empty JSON value")
	}
	switch c := raw[0]; {
	case c == '{' || c == '[':
		return raw, nil
	case c == '"':
		if s := raw[1 : len(raw)-1]; bytes.IndexByte(s, '\\') < 0 && isASCII(s) {
			return string(s), nil
		}
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case c == 't':
		return true, nil
	case c == 'f':
		return false, nil
	case c == 'n':
		return nil, nil
	}
	s := string(raw)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("decoding number %s: %w", s, err)
	}
	return f, nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// resolve decodes v one level if it is still raw.
func resolve(v any) (any, error) {
	raw, ok := v.(json.RawMessage)
	if !ok {
		return v, nil
	}
	var err error
	if raw[0] == '{' {
		v, err = decodeObject(raw)
	} else {
		v, err = decodeList(raw)
	}
	if err != nil {
		return nil, fmt.Errorf("decoding the object to patch: %w", err)
	}
	return v, nil
}

// encode appends the JSON encoding of a decoded (or partly raw) value to b.
// Keys are sorted, as encoding/json sorts them; raw parts are copied as they
// are.
func encode(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case float64:
		format := byte('f')
		if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
			format = 'e'
		}
		return strconv.AppendFloat(b, v, format, -1, 64)
	case string:
		return encodeString(b, v)
	case json.RawMessage:
		return append(b, v...)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = encode(b, e)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(v)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = encodeString(b, k)
			b = append(b, ':')
			b = encode(b, v[k])
		}
		return append(b, '}')
	}
	// Not reached: decoded JSON has no other types.
	out, _ := json.Marshal(v)
	return append(b, out...)
}

func encodeString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			out, _ := json.Marshal(s)
			return append(b, out...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
