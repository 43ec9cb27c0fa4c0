package audit

import (
	"crypto/rand"
	"encoding/binary"
	"sync/atomic"
)

// Audit IDs are UUID-shaped (version 4 layout): 122 bits drawn at random
// when the process starts, plus a counter added to the low 62 bits.
// Within a process they never repeat (for 2^62 requests); two processes
// differ in the 60 random bits above the counter but for a chance of
// about 2^-60. kube-apiserver uses a fresh random UUID per request;
// kubectl and other clients treat the ID as an opaque string (they send
// one of their own or read it back from the Audit-Id response header), so
// any unique string would do, and this one costs a counter increment
// rather than reading the system's random source.
var auditIDs struct {
	prefix [19]byte // "xxxxxxxx-xxxx-4xxx-": the high 64 bits, formatted once
	lo     uint64
	n      atomic.Uint64
}

func init() {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	formatUUID(&s, b)
	copy(auditIDs.prefix[:], s[:19])
	auditIDs.lo = binary.BigEndian.Uint64(b[8:])
}

// newAuditID returns the next audit ID.
func newAuditID() string {
	lo := auditIDs.lo + auditIDs.n.Add(1)
	// Keep the variant bits: the counter carries into the 62 bits below
	// them only.
	lo = auditIDs.lo&^(1<<62-1) | lo&(1<<62-1)
	var s [36]byte
	copy(s[:19], auditIDs.prefix[:])
	// "yxxx-xxxxxxxxxxxx": the low 64 bits, 16 hex digits around a dash.
	for i, j := 0, 35; i < 16; i, j = i+1, j-1 {
		if j == 23 {
			s[j] = '-'
			j--
		}
		s[j] = hex[lo&0xF]
		lo >>= 4
	}
	return string(s[:])
}

// formatUUID writes b in the 8-4-4-4-12 form.
func formatUUID(s *[36]byte, b [16]byte) {
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = hex[c>>4], hex[c&0xF]
		j += 2
	}
}
