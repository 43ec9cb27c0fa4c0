package labels

import (
	"slices"
	"strings"
)

// Labels is what a selector matches against. Set implements it; other
// implementations let a caller present labels without copying them into a
// map.
type Labels interface {
	// Has reports whether the label is present (possibly with an empty value).
	Has(key string) bool
	// Get returns the label's value, or "" when it is absent.
	Get(key string) string
}

// Set is a map of label keys to values, such as ObjectMeta.Labels.
// Converting a map to a Set (labels.Set(obj.Labels)) copies nothing.
type Set map[string]string

// Has reports whether key is present.
func (s Set) Has(key string) bool {
	_, ok := s[key]
	return ok
}

// Get returns the value of key, or "" when it is absent.
func (s Set) Get(key string) string { return s[key] }

// String renders the set as "k1=v1,k2=v2" sorted by key: the same text as
// SelectorFromSet(s).String(), which Parse reads back.
func (s Set) String() string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(s[k])
	}
	return b.String()
}

// lookup is Get and Has in one step. Get alone answers for every present
// label with a non-empty value, so Has is called only for "", and a Set is
// read directly rather than through the interface: this is the hot path of
// every watch event checked against every watcher's selector.
func lookup(l Labels, key string) (string, bool) {
	if s, ok := l.(Set); ok {
		v, ok := s[key]
		return v, ok
	}
	if v := l.Get(key); v != "" {
		return v, true
	}
	return "", l.Has(key)
}

func has(l Labels, key string) bool {
	if s, ok := l.(Set); ok {
		_, ok := s[key]
		return ok
	}
	return l.Has(key)
}
