package meta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Time is a timestamp serialized as RFC 3339 in UTC with second precision
// ("2024-05-01T10:00:00Z"), and as null when zero, exactly as Kubernetes'
// metav1.Time. Sub-second parts are dropped on the wire.
type Time struct {
	time.Time
}

// NewTime wraps t.
func NewTime(t time.Time) Time { return Time{t} }

// Now returns the current time truncated to the second, so a value round-trips
// through JSON unchanged.
func Now() Time { return Time{time.Now().Truncate(time.Second)} }

// Rfc3339Copy returns t truncated to the precision it has on the wire.
func (t Time) Rfc3339Copy() Time { return Time{t.Time.Truncate(time.Second)} }

// Equal reports whether t and u are the same instant at wire precision.
func (t Time) Equal(u Time) bool {
	return t.Time.Truncate(time.Second).Equal(u.Time.Truncate(time.Second))
}

var null = []byte("null")

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return null, nil
	}
	b := make([]byte, 0, len(time.RFC3339)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"'), nil
}

// UnmarshalJSON implements json.Unmarshaler; null gives the zero Time.
func (t *Time) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, null) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("time must be an RFC 3339 string: %w", err)
	}
	pt, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return err
	}
	t.Time = pt.Local()
	return nil
}

// MicroTime is Time with microsecond precision
// ("2024-05-01T10:00:00.123456Z"), used by Lease and Event (metav1.MicroTime).
type MicroTime struct {
	time.Time
}

// NowMicro returns the current time truncated to the microsecond.
func NowMicro() MicroTime { return MicroTime{time.Now().Truncate(time.Microsecond)} }

const microFormat = "2006-01-02T15:04:05.000000Z07:00"

// MarshalJSON implements json.Marshaler.
func (t MicroTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return null, nil
	}
	b := make([]byte, 0, len(microFormat)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, microFormat)
	return append(b, '"'), nil
}

// UnmarshalJSON implements json.Unmarshaler; it accepts any RFC 3339 string.
func (t *MicroTime) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, null) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("time must be an RFC 3339 string: %w", err)
	}
	pt, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	t.Time = pt.Local()
	return nil
}

// Duration is a time.Duration serialized as a Go duration string ("1m30s"),
// as metav1.Duration.
type Duration struct {
	time.Duration `protobuf:"varint,1,opt,name=duration"`
}

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.Duration.String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"1m30s\": %w", err)
	}
	pd, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	d.Duration = pd
	return nil
}
