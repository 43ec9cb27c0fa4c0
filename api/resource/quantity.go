package resource

// Quantity is a fixed-point number with a unit suffix ("100m", "1.5Gi").
// STUB: being replaced by the full implementation; the exported API below is fixed.
type Quantity struct{ s string }

// ParseQuantity parses s.
func ParseQuantity(s string) (Quantity, error) { return Quantity{s}, nil }

// MustParse is ParseQuantity that panics on error.
func MustParse(s string) Quantity { return Quantity{s} }

// String returns the canonical form.
func (q Quantity) String() string { return q.s }

// MarshalJSON implements json.Marshaler.
func (q Quantity) MarshalJSON() ([]byte, error) { return []byte(`"` + q.s + `"`), nil }

// UnmarshalJSON implements json.Unmarshaler.
func (q *Quantity) UnmarshalJSON(b []byte) error { q.s = string(b[1 : len(b)-1]); return nil }
