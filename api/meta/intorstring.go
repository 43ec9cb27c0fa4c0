package meta

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// IntOrString holds an int32 or a string, serialized as a bare JSON number or
// string (Kubernetes' intstr.IntOrString): container ports by number or name,
// maxSurge as 1 or "25%".
type IntOrString struct {
	Type   IntOrStringType `protobuf:"varint,1,opt,name=type"`
	IntVal int32           `protobuf:"varint,2,opt,name=intVal"`
	StrVal string          `protobuf:"bytes,3,opt,name=strVal"`
}

// IntOrStringType says which field of IntOrString is set.
type IntOrStringType int

// IntOrString types.
const (
	Int IntOrStringType = iota
	String
)

// FromInt returns an IntOrString holding i.
func FromInt(i int32) IntOrString { return IntOrString{Type: Int, IntVal: i} }

// FromString returns an IntOrString holding s.
func FromString(s string) IntOrString { return IntOrString{Type: String, StrVal: s} }

// String returns the value as a string.
func (v IntOrString) String() string {
	if v.Type == String {
		return v.StrVal
	}
	return strconv.Itoa(int(v.IntVal))
}

// IntValue returns the int value, or the string parsed as an int (0 if it is not one).
func (v IntOrString) IntValue() int {
	if v.Type == String {
		i, _ := strconv.Atoi(v.StrVal)
		return i
	}
	return int(v.IntVal)
}

// MarshalJSON implements json.Marshaler.
func (v IntOrString) MarshalJSON() ([]byte, error) {
	if v.Type == String {
		return json.Marshal(v.StrVal)
	}
	return strconv.AppendInt(nil, int64(v.IntVal), 10), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *IntOrString) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		v.Type = String
		v.IntVal = 0
		return json.Unmarshal(data, &v.StrVal)
	}
	var i int64
	if err := json.Unmarshal(data, &i); err != nil {
		return fmt.Errorf("must be an integer or a string: %w", err)
	}
	if i < math.MinInt32 || i > math.MaxInt32 {
		return fmt.Errorf("integer %d out of int32 range", i)
	}
	*v = IntOrString{Type: Int, IntVal: int32(i)}
	return nil
}

// ScaledValue resolves v against total: an int is returned as is, a
// percentage ("25%") is that share of total, rounded up or down. Other strings
// are an error. This is how maxSurge, maxUnavailable and PDB thresholds are
// computed.
func (v *IntOrString) ScaledValue(total int, roundUp bool) (int, error) {
	if v == nil {
		return 0, fmt.Errorf("nil value for IntOrString")
	}
	if v.Type == Int {
		return int(v.IntVal), nil
	}
	s, ok := strings.CutSuffix(v.StrVal, "%")
	if !ok {
		return 0, fmt.Errorf("invalid value for IntOrString: invalid type: string is not a percentage")
	}
	p, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("invalid value %q: %w", v.StrVal, err)
	}
	if roundUp {
		return int(math.Ceil(float64(p) * float64(total) / 100)), nil
	}
	return int(math.Floor(float64(p) * float64(total) / 100)), nil
}
