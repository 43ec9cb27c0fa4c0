package watch

// eventLog is a ring of records addressed by sequence number. Readers keep a
// cursor (the sequence of the next record they want); the log never waits
// for them. A reader whose cursor has been overwritten (cursor < first) has
// lost events and must be closed.
//
// All fields are guarded by Cache.mu: appends under the write lock, reads
// under the read lock. Records themselves are immutable once appended.
type eventLog struct {
	buf []*record // len(buf) is the capacity; record seq s lives at buf[s%len(buf)]
	// first is the sequence of the oldest retained record; next is the
	// sequence the next append gets. Invariant: next-first <= len(buf).
	first, next uint64
	// max is the capacity the ring may grow to.
	max int
	// notify is closed (and replaced) when records are appended, waking
	// every reader blocked on it.
	notify chan struct{}
	// refs counts the watchers reading this log (sub-logs are dropped at zero).
	refs int
}

func newEventLog(initial, max int) *eventLog {
	if initial > max {
		initial = max
	}
	return &eventLog{buf: make([]*record, initial), max: max, notify: make(chan struct{})}
}

func (l *eventLog) len() int { return int(l.next - l.first) }

// append adds r, growing the ring up to max and otherwise overwriting the
// oldest record.
func (l *eventLog) append(r *record) {
	if l.len() == len(l.buf) {
		if len(l.buf) < l.max {
			l.grow()
		} else {
			l.buf[l.first%uint64(len(l.buf))] = nil
			l.first++
		}
	}
	l.buf[l.next%uint64(len(l.buf))] = r
	l.next++
}

func (l *eventLog) grow() {
	n := 2 * len(l.buf)
	if n < 8 {
		n = 8
	}
	if n > l.max {
		n = l.max
	}
	nb := make([]*record, n)
	for s := l.first; s < l.next; s++ {
		nb[s%uint64(n)] = l.buf[s%uint64(len(l.buf))]
	}
	l.buf = nb
}

// dropOldest removes the oldest record; false when empty.
func (l *eventLog) dropOldest() bool {
	if l.first == l.next {
		return false
	}
	l.buf[l.first%uint64(len(l.buf))] = nil
	l.first++
	return true
}

// oldest returns the oldest record, or nil.
func (l *eventLog) oldest() *record {
	if l.first == l.next {
		return nil
	}
	return l.buf[l.first%uint64(len(l.buf))]
}

func (l *eventLog) at(seq uint64) *record { return l.buf[seq%uint64(len(l.buf))] }

// read copies records from seq up to at most n into dst. ok is false when seq
// has been overwritten.
func (l *eventLog) read(seq uint64, n int, dst []*record) (out []*record, ok bool) {
	if seq < l.first {
		return dst, false
	}
	for s := seq; s < l.next && n > 0; s++ {
		dst = append(dst, l.at(s))
		n--
	}
	return dst, true
}

// seqAfter returns the sequence of the first record with revision > rev, and
// false when records after rev may have been dropped (rev is older than the
// log's window).
func (l *eventLog) seqAfter(rev, windowStart int64) (uint64, bool) {
	if rev < windowStart {
		return 0, false
	}
	lo, hi := l.first, l.next
	for lo < hi {
		mid := lo + (hi-lo)/2
		if l.at(mid).rev <= rev {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, true
}

// wake wakes every reader waiting for appends.
func (l *eventLog) wake() {
	close(l.notify)
	l.notify = make(chan struct{})
}
