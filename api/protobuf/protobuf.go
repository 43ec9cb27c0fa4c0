package protobuf

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/spar-dev/spar/api/meta"
)

// MediaType is the content type of Kubernetes' protobuf encoding.
const MediaType = "application/vnd.kubernetes.protobuf"

// magic starts every encoded object ("k8s" and a NUL byte). No JSON or
// YAML document can start with it, so it tells the encodings apart.
var magic = []byte{'k', '8', 's', 0}

var (
	// ErrNotProtobuf is returned for data that does not start with the magic.
	ErrNotProtobuf = errors.New("protobuf: data is not a Kubernetes protobuf object (no k8s\\x00 prefix)")
	// ErrMalformed wraps every error about bytes that do not decode.
	ErrMalformed = errors.New("protobuf: malformed data")
)

// UnknownFieldsError lists fields that UnmarshalStrict found on the wire
// but that spar's types do not model, and that carry a non-zero value.
// The object was otherwise decoded completely.
type UnknownFieldsError struct {
	// Fields are messages such as `unknown field "spec.template.spec.#34"`:
	// the JSON path of the enclosing message and the protobuf field number.
	Fields []string
}

func (e *UnknownFieldsError) Error() string {
	return "protobuf: " + strings.Join(e.Fields, ", ")
}

// IsProtobuf reports whether data starts with the Kubernetes protobuf magic.
func IsProtobuf(data []byte) bool { return bytes.HasPrefix(data, magic) }

// Envelope is the runtime.Unknown message that wraps every object: the
// object's type and its own encoding.
type Envelope struct {
	APIVersion string // "group/version", or "v1" for the core group
	Kind       string
	// Raw is the object's protobuf message.
	Raw []byte
	// ContentEncoding and ContentType are empty for objects written by
	// Kubernetes' protobuf serializer.
	ContentEncoding string
	ContentType     string
}

// DecodeEnvelope parses the magic and the runtime.Unknown message
// {typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3,
// contentType=4}. Raw aliases data.
func DecodeEnvelope(data []byte) (*Envelope, error) {
	if !IsProtobuf(data) {
		return nil, ErrNotProtobuf
	}
	b := data[len(magic):]
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrMalformed)
	}
	env := &Envelope{}
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case 1:
			return eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
				switch {
				case typ != protowire.BytesType:
				case num == 1:
					env.APIVersion = string(v)
				case num == 2:
					env.Kind = string(v)
				}
				return nil
			})
		case 2:
			env.Raw = v
		case 3:
			env.ContentEncoding = string(v)
		case 4:
			env.ContentType = string(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return env, nil
}

// eachField calls fn for every field of the message b; v is the value
// without its tag (the contents, for length-delimited fields).
func eachField(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: %v", ErrMalformed, protowire.ParseError(n))
		}
		b = b[n:]
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return fmt.Errorf("%w: %v", ErrMalformed, protowire.ParseError(n))
		}
		v := b[:n]
		if typ == protowire.BytesType {
			v, _ = protowire.ConsumeBytes(v)
		}
		if err := fn(num, typ, v); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// Unmarshal decodes an enveloped object (as a client sends it with
// Content-Type application/vnd.kubernetes.protobuf) into obj, a pointer to
// a struct whose fields carry protobuf tags. obj is reset first. When obj
// has a TypeMeta (GetTypeMeta), its apiVersion and kind are set from the
// envelope, as the object's own message does not carry them. Fields spar
// does not model are skipped.
func Unmarshal(data []byte, obj any) error {
	return unmarshal(data, obj, false)
}

// UnmarshalStrict is Unmarshal that also reports fields spar does not model
// and that carry a non-zero value, in an *UnknownFieldsError returned after
// obj is filled in (callers in a warn-only mode may keep obj).
func UnmarshalStrict(data []byte, obj any) error {
	return unmarshal(data, obj, true)
}

func unmarshal(data []byte, obj any, strict bool) error {
	env, err := DecodeEnvelope(data)
	if err != nil {
		return err
	}
	if env.ContentEncoding != "" {
		return fmt.Errorf("protobuf: content encoding %q is not supported", env.ContentEncoding)
	}
	if env.ContentType != "" && env.ContentType != MediaType {
		return fmt.Errorf("protobuf: the enveloped object is %q, not protobuf", env.ContentType)
	}
	err = unmarshalMessage(env.Raw, obj, strict)
	var unknown *UnknownFieldsError
	if err != nil && !errors.As(err, &unknown) {
		return err
	}
	if o, ok := obj.(interface{ GetTypeMeta() *meta.TypeMeta }); ok {
		tm := o.GetTypeMeta()
		tm.APIVersion, tm.Kind = env.APIVersion, env.Kind
	}
	return err
}

// UnmarshalMessage decodes a bare object message (no magic, no envelope)
// into obj, which is reset first.
func UnmarshalMessage(raw []byte, obj any) error {
	return unmarshalMessage(raw, obj, false)
}

func unmarshalMessage(raw []byte, obj any, strict bool) error {
	v, c, err := target(obj)
	if err != nil {
		return err
	}
	v.SetZero()
	d := decoder{strict: strict}
	if err := d.decodeMessage(c.msg, v, raw); err != nil {
		return err
	}
	if len(d.unknown) > 0 {
		return &UnknownFieldsError{Fields: d.unknown}
	}
	return nil
}

// target checks that obj is a non-nil pointer to a struct and returns the
// struct and its codec.
func target(obj any) (reflect.Value, *codec, error) {
	rv := reflect.ValueOf(obj)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, nil, fmt.Errorf("protobuf: want a non-nil pointer to a struct, got %T", obj)
	}
	c, err := codecFor(rv.Type().Elem())
	if err != nil {
		return reflect.Value{}, nil, err
	}
	return rv.Elem(), c, nil
}

// Marshal encodes obj (a struct or a pointer to one) as Kubernetes'
// protobuf serializer does: the magic, then a runtime.Unknown holding
// apiVersion, kind and the object's message.
func Marshal(obj any, apiVersion, kind string) ([]byte, error) {
	v, c, err := source(obj)
	if err != nil {
		return nil, err
	}
	b := append(make([]byte, 0, 512), magic...)
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	start := beginLength(&b)
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, apiVersion)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	b = protowire.AppendString(b, kind)
	b = endLength(b, start)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	start = beginLength(&b)
	b = appendMessage(b, c.msg, v)
	b = endLength(b, start)
	// contentEncoding and contentType: empty, and written as upstream does.
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendString(b, "")
	b = protowire.AppendTag(b, 4, protowire.BytesType)
	b = protowire.AppendString(b, "")
	return b, nil
}

// MarshalMessage encodes obj's bare message, without magic or envelope.
func MarshalMessage(obj any) ([]byte, error) {
	v, c, err := source(obj)
	if err != nil {
		return nil, err
	}
	return appendMessage(nil, c.msg, v), nil
}

func source(obj any) (reflect.Value, *codec, error) {
	rv := reflect.ValueOf(obj)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return reflect.Value{}, nil, fmt.Errorf("protobuf: want a struct or a pointer to one, got %T", obj)
	}
	c, err := codecFor(rv.Type())
	if err != nil {
		return reflect.Value{}, nil, err
	}
	return rv, c, nil
}
