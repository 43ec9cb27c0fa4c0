package patch

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	kjson "sigs.k8s.io/json"
)

// Directives of a strategic merge patch. "$patch" appears in a map (or a list
// element); the others are keys, the prefixed ones followed by "/<field>".
const (
	directiveMarker     = "$patch"
	retainKeysDirective = "$retainKeys"
	deleteFromPrefix    = "$deleteFromPrimitiveList"
	setOrderPrefix      = "$setElementOrder"

	deleteDirective  = "delete"
	replaceDirective = "replace"
	mergeDirective   = "merge"
)

// The messages of Kubernetes' strategic merge errors, kept so that kubectl
// users see what they would see against Kubernetes.
var (
	errNoListOfLists     = newError(ErrCannotApply, "lists of lists are not supported")
	errBadPrimitiveList  = newError(ErrInvalidPatch, "invalid patch format of primitive list")
	errBadRetainKeys     = newError(ErrInvalidPatch, "invalid patch format of retainKeys")
	errBadSetElementList = newError(ErrInvalidPatch, "invalid patch format of setElementOrder list")
)

// Every other strategic merge error is an ErrInvalidPatch. (Kubernetes
// returns these as plain errors, which its API server answers with a 500 and
// no reason; spar blames the patch, which is where the fault lies.)
func invalid(format string, args ...any) error {
	return newError(ErrInvalidPatch, format, args...)
}

func errNoMergeKey(m map[string]any, key string) error {
	return invalid("map: %v does not contain declared merge key: %s", m, key)
}

func errBadPatchType(directive any, m map[string]any) error {
	return invalid("unknown patch type: %v in map: %v", directive, m)
}

// errWrongType mirrors Kubernetes' "expected a X, but received a Y" with JSON
// type names.
func errWrongType(want string, got any) error {
	return invalid("expected a %s, but received a %s", want, jsonKindName(kindOf(got)))
}

// applyStrategicMerge applies a strategic merge patch as Kubernetes' API
// server does (strategicpatch.StrategicMergeMapPatch: parallel lists merged,
// unmatched nulls ignored).
func applyStrategicMerge(original, patch []byte, s *schema) ([]byte, error) {
	var patchMap map[string]any
	if err := kjson.UnmarshalCaseSensitivePreserveInts(patch, &patchMap); err != nil {
		return nil, wrapError(ErrInvalidPatch, err)
	}
	if !json.Valid(original) {
		return nil, fmt.Errorf("the object to patch is not valid JSON")
	}
	orig, err := decodeObject(original)
	if err != nil {
		return nil, fmt.Errorf("decoding the object to patch: %w", err)
	}
	merged, err := mergeMap(orig, patchMap, s)
	if err != nil {
		return nil, err
	}
	return encode(make([]byte, 0, len(original)+len(patch)), merged), nil
}

// mergeMap merges patch into original following schema s and returns the
// result. Both maps are consumed: they may be modified and reused in the
// result.
func mergeMap(original, patch map[string]any, s *schema) (map[string]any, error) {
	if d, ok := patch[directiveMarker]; ok {
		switch d {
		case replaceDirective:
			// The patch is the new value, as is (Kubernetes keeps any
			// nested directives and nulls too).
			delete(patch, directiveMarker)
			return patch, nil
		case deleteDirective:
			return map[string]any{}, nil
		}
		return nil, errBadPatchType(d, patch)
	}
	if original == nil {
		original = map[string]any{}
	}
	if err := applyRetainKeys(original, patch); err != nil {
		return nil, err
	}
	if err := applySetElementOrder(original, patch, s); err != nil {
		return nil, err
	}
	// Deletions from primitive lists are applied after everything else, so
	// that a patch adding and deleting one value has a defined result
	// (Kubernetes leaves it to map iteration order).
	var deletions []string
	for k, pv := range patch {
		if strings.HasPrefix(k, deleteFromPrefix) {
			deletions = append(deletions, k)
			continue
		}
		if err := mergeField(original, k, pv, s, false); err != nil {
			return nil, err
		}
	}
	slices.Sort(deletions)
	for _, k := range deletions {
		field, err := directiveTarget(k, deleteFromPrefix)
		if err != nil {
			return nil, err
		}
		if err := mergeField(original, field, patch[k], s, true); err != nil {
			return nil, err
		}
	}
	return original, nil
}

// mergeField merges patch value pv into original[k]. With deleteList, pv is
// the value of $deleteFromPrimitiveList/k: values to remove from the list k.
func mergeField(original map[string]any, k string, pv any, s *schema, deleteList bool) error {
	// null deletes the field (even for a deletion list, as in Kubernetes).
	if pv == nil {
		delete(original, k)
		return nil
	}
	ov, ok := original[k]
	if !ok || kindOf(ov) != kindOf(pv) {
		// Nothing to merge with: the patch value (without its nulls and
		// directives) replaces whatever was there. A deletion list
		// deletes nothing from what is not a list.
		if !deleteList {
			setPatchValue(original, k, pv)
		}
		return nil
	}
	ov, err := resolve(ov)
	if err != nil {
		return err
	}
	switch ov := ov.(type) {
	case map[string]any:
		f, err := s.field(k)
		if err != nil {
			return err
		}
		if f.strategy == replaceDirective {
			original[k] = pv
			return nil
		}
		m, err := mergeMap(ov, pv.(map[string]any), f.schema)
		if err != nil {
			return err
		}
		original[k] = m
	case []any:
		f, elem, err := s.listField(k)
		if err != nil {
			return err
		}
		if f.strategy != mergeDirective && !deleteList {
			original[k] = pv
			return nil
		}
		l, err := mergeList(slices.Clip(ov), pv.([]any), elem, f.mergeKey, deleteList)
		if err != nil {
			return err
		}
		original[k] = l
	default:
		original[k] = pv
	}
	return nil
}

// setPatchValue sets original[k] to a patch value that has nothing to merge
// with: nulls in it mean nothing, and directives in it go.
func setPatchValue(original map[string]any, k string, pv any) {
	discardNulls(pv)
	if v, keep := removeDirectives(pv); keep {
		original[k] = v
	} else {
		delete(original, k)
	}
}

// discardNulls removes the null-valued keys of every map in v.
func discardNulls(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if e == nil {
				delete(v, k)
			} else {
				discardNulls(e)
			}
		}
	case []any:
		for _, e := range v {
			discardNulls(e)
		}
	}
}

// removeDirectives drops every map with a $patch directive from v. It
// reports false if v itself is such a map.
func removeDirectives(v any) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v[directiveMarker]; ok {
			return nil, false
		}
		for k, e := range v {
			if ne, keep := removeDirectives(e); keep {
				v[k] = ne
			} else {
				delete(v, k)
			}
		}
		return v, true
	case []any:
		out := make([]any, 0, len(v))
		for _, e := range v {
			if ne, keep := removeDirectives(e); keep {
				out = append(out, ne)
			}
		}
		return out, true
	}
	return v, true
}

// directiveTarget returns the field a prefixed directive key such as
// "$setElementOrder/containers" applies to.
func directiveTarget(key, prefix string) (string, error) {
	p, field, ok := strings.Cut(key, "/")
	if !ok || p != prefix {
		if prefix == deleteFromPrefix {
			return "", errBadPrimitiveList
		}
		return "", errBadSetElementList
	}
	return field, nil
}

// applyRetainKeys applies a $retainKeys directive: every key of original not
// in the list is cleared, and every key the patch sets must be in the list.
func applyRetainKeys(original, patch map[string]any) error {
	v, ok := patch[retainKeysDirective]
	if !ok {
		return nil
	}
	delete(patch, retainKeysDirective)
	list, ok := v.([]any)
	if !ok {
		return errBadRetainKeys
	}
	retain := make(map[string]bool, len(list))
	for _, e := range list {
		switch e := e.(type) {
		case string:
			retain[e] = true
		case map[string]any, []any:
			return errBadRetainKeys
		}
	}
	for k, pv := range patch {
		if pv == nil || strings.HasPrefix(k, deleteFromPrefix) || strings.HasPrefix(k, setOrderPrefix) {
			continue
		}
		if !retain[k] {
			return errBadRetainKeys
		}
	}
	for k := range original {
		if !retain[k] {
			delete(original, k)
		}
	}
	return nil
}

// applySetElementOrder handles every $setElementOrder/<field> of patch: it
// merges the list <field> (if the patch has it) and then orders the result:
// the order the directive gives for the elements it names, the current
// order for the others, interleaved where both know the elements. The list
// is then done, and leaves the patch.
func applySetElementOrder(original, patch map[string]any, s *schema) error {
	for key, pv := range patch {
		if !strings.HasPrefix(key, setOrderPrefix) {
			continue
		}
		delete(patch, key)
		order, ok := pv.([]any)
		if !ok {
			return errWrongType("array", pv)
		}
		name, err := directiveTarget(key, setOrderPrefix)
		if err != nil {
			return err
		}
		ov, inOriginal := original[name]
		pl, inPatch := patch[name]
		var origList, patchList []any
		if inOriginal {
			if ov, err = resolve(ov); err != nil {
				return err
			}
			if origList, ok = ov.([]any); !ok {
				return errWrongType("array", ov)
			}
			// Merging may write into origList, and the order below is
			// taken from what it then holds (see mergeList).
			origList = slices.Clip(origList)
		}
		if inPatch {
			if patchList, ok = pl.([]any); !ok {
				return errWrongType("array", pl)
			}
		}
		f, elem, err := s.listField(name)
		if err != nil {
			return err
		}
		if err := checkOrderMatchesPatch(patchList, order, f.mergeKey); err != nil {
			return err
		}
		var merged []any
		switch {
		case inOriginal && !inPatch:
			merged = origList
		case !inOriginal && inPatch:
			v, _ := removeDirectives(patchList)
			merged = v.([]any)
		case inOriginal && inPatch:
			if f.strategy == mergeDirective {
				if merged, err = mergeList(origList, patchList, elem, f.mergeKey, false); err != nil {
					return err
				}
			} else {
				merged = patchList
			}
		default:
			continue
		}
		inOrder, serverOnly, err := partition(merged, order, f.mergeKey)
		if err != nil {
			return err
		}
		kind, err := elementKind(origList, patchList)
		if err != nil {
			return err
		}
		result, err := normalizeOrder(inOrder, serverOnly, order, origList, f.mergeKey, kind)
		if err != nil {
			return err
		}
		original[name] = result
		delete(patch, name)
	}
	return nil
}

// checkOrderMatchesPatch verifies that the elements of a patch list (but
// deletions and other directives) appear in its $setElementOrder list, in
// the same relative order.
func checkOrderMatchesPatch(patchList, order []any, mergeKey string) error {
	if len(patchList) == 0 || len(order) == 0 {
		return nil
	}
	items := patchList
	if mergeKey != "" {
		var err error
		if items, _, err = splitDeletions(patchList); err != nil {
			return err
		}
	}
	i, j := 0, 0
	for i < len(items) && j < len(order) {
		if hasDirective(items[i]) {
			i++
			continue
		}
		same, err := sameElement(items[i], order[j], mergeKey)
		if err != nil {
			return err
		}
		if same {
			i++
		}
		j++
	}
	if i < len(items) {
		return invalid("The order in patch list:\n%v\n doesn't match %s list:\n%v\n", patchList, setOrderPrefix, order)
	}
	return nil
}

func hasDirective(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m[directiveMarker]
	return ok
}

// sameElement reports whether two list elements are the same element: equal
// primitives, or maps with equal merge keys.
func sameElement(a, b any, mergeKey string) (bool, error) {
	if mergeKey == "" {
		return scalarEqual(a, b), nil
	}
	am, ok := a.(map[string]any)
	if !ok {
		return false, errWrongType("object", a)
	}
	bm, ok := b.(map[string]any)
	if !ok {
		return false, errWrongType("object", b)
	}
	av, ok := am[mergeKey]
	if !ok {
		return false, errNoMergeKey(am, mergeKey)
	}
	bv, ok := bm[mergeKey]
	if !ok {
		return false, errNoMergeKey(bm, mergeKey)
	}
	return scalarEqual(av, bv), nil
}

// splitDeletions splits a list of maps into elements to keep and elements
// carrying "$patch: delete".
func splitDeletions(l []any) (keep, del []any, err error) {
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, nil, errWrongType("object", e)
		}
		if d, ok := m[directiveMarker]; ok && d == deleteDirective {
			del = append(del, e)
		} else {
			keep = append(keep, e)
		}
	}
	return keep, del, nil
}

// mergeList merges the patch list into the original list of a field with
// the merge strategy (or, with deleteList, removes the patch's primitives).
//
// Like Kubernetes, it works in place on original: deletions compact it and
// new elements are appended after them, inside its length if room was made.
// A caller holding the original slice (applySetElementOrder orders the
// result by it) sees those writes, as Kubernetes' does; that is part of how
// Kubernetes orders server-only elements, so it is kept. original must have
// no spare capacity, as lists converted from typed objects have none.
func mergeList(original, patch []any, elem *schema, mergeKey string, deleteList bool) ([]any, error) {
	if len(original) == 0 && len(patch) == 0 {
		return original, nil
	}
	kind, err := elementKind(original, patch)
	if err != nil {
		return nil, err
	}
	var merged []any
	if kind != kindObject {
		if deleteList {
			return deleteValues(original, patch), nil
		}
		merged = dedupe(append(original, patch...))
	} else {
		if mergeKey == "" {
			return nil, invalid("cannot merge lists without merge key for %s", elem.goKind)
		}
		if original, patch, err = applyListDirectives(original, patch, mergeKey); err != nil {
			return nil, err
		}
		if merged, err = mergeByKey(original, patch, mergeKey, elem); err != nil {
			return nil, err
		}
	}
	inPatch, serverOnly, err := partition(merged, patch, mergeKey)
	if err != nil {
		return nil, err
	}
	return normalizeOrder(inPatch, serverOnly, patch, original, mergeKey, kind)
}

// applyListDirectives applies the elements of a list patch that carry a
// $patch directive: "delete" removes the elements with that merge key from
// original (in place), "replace" makes the rest of the patch the whole list.
// It returns the new original and the patch without those elements.
func applyListDirectives(original, patch []any, mergeKey string) ([]any, []any, error) {
	rest := make([]any, 0, len(patch))
	replace := false
	for _, e := range patch {
		m := e.(map[string]any)
		d, ok := m[directiveMarker]
		if !ok {
			rest = append(rest, e)
			continue
		}
		switch d {
		case deleteDirective:
			key, ok := m[mergeKey]
			if !ok {
				return nil, nil, errNoMergeKey(m, mergeKey)
			}
			for {
				i, err := findByKey(original, mergeKey, key)
				if err != nil {
					return nil, nil, err
				}
				if i < 0 {
					break
				}
				original = append(original[:i], original[i+1:]...)
			}
		case replaceDirective:
			// Keep going: the other directives still have to go.
			replace = true
		case mergeDirective:
			return nil, nil, invalid("merging lists cannot yet be specified in the patch")
		default:
			return nil, nil, errBadPatchType(d, m)
		}
	}
	if replace {
		return rest, nil, nil
	}
	return original, rest, nil
}

// mergeByKey merges each patch element into the original element with the
// same merge key, or appends it (as is) if there is none.
func mergeByKey(original, patch []any, mergeKey string, elem *schema) ([]any, error) {
	for _, e := range patch {
		pm := e.(map[string]any)
		key, ok := pm[mergeKey]
		if !ok {
			return nil, errNoMergeKey(pm, mergeKey)
		}
		i, err := findByKey(original, mergeKey, key)
		if err != nil {
			return nil, err
		}
		if i < 0 {
			original = append(original, e)
			continue
		}
		m, err := mergeMap(original[i].(map[string]any), pm, elem)
		if err != nil {
			return nil, err
		}
		original[i] = m
	}
	return original, nil
}

// findByKey returns the index of the map in l whose mergeKey equals key, or
// -1. Like Kubernetes, it fails on a non-map met before a match.
func findByKey(l []any, mergeKey string, key any) (int, error) {
	for i, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return -1, invalid("value for key %v is not a map", i)
		}
		if v, ok := m[mergeKey]; ok && scalarEqual(v, key) {
			return i, nil
		}
	}
	return -1, nil
}

// partition splits the merged list into the elements that by appear in
// list by (the patch, or a $setElementOrder list) and the others.
func partition(merged, by []any, mergeKey string) (in, out []any, err error) {
	in = make([]any, 0, len(merged))
	out = make([]any, 0, len(merged))
	if mergeKey == "" {
		set := make(map[any]bool, len(by))
		for _, v := range by {
			if !isScalar(v) {
				return nil, nil, errWrongType("primitive", v)
			}
			set[v] = true
		}
		for _, v := range merged {
			if isScalar(v) && set[v] {
				in = append(in, v)
			} else {
				out = append(out, v)
			}
		}
		return in, out, nil
	}
	for _, v := range merged {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, nil, errWrongType("object", v)
		}
		key, ok := m[mergeKey]
		if !ok {
			return nil, nil, errNoMergeKey(m, mergeKey)
		}
		i, err := findByKey(by, mergeKey, key)
		if err != nil {
			return nil, nil, err
		}
		if i >= 0 {
			in = append(in, v)
		} else {
			out = append(out, v)
		}
	}
	return in, out, nil
}

// normalizeOrder orders the patch's elements as patchOrder has them and the
// server-only elements as serverOrder (the current list) has them, then
// interleaves the two, keeping each one's order: a server-only element goes
// before a patch element when the current list has it before.
func normalizeOrder(patchItems, serverOnly, patchOrder, serverOrder []any, mergeKey string, kind jsonKind) ([]any, error) {
	patchItems, err := sortByOrder(patchItems, patchOrder, mergeKey, kind)
	if err != nil {
		return nil, err
	}
	serverOnly, err = sortByOrder(serverOnly, serverOrder, mergeKey, kind)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(patchItems)+len(serverOnly))
	i, j := 0, 0
	for i < len(serverOnly) || j < len(patchItems) {
		switch {
		case j >= len(patchItems):
			out = append(out, serverOnly[i])
			i++
		case i >= len(serverOnly):
			out = append(out, patchItems[j])
			j++
		default:
			si := indexIn(serverOrder, serverOnly[i], mergeKey, kind)
			pi := indexIn(serverOrder, patchItems[j], mergeKey, kind)
			if si >= 0 && pi >= 0 && si < pi {
				out = append(out, serverOnly[i])
				i++
			} else {
				out = append(out, patchItems[j])
				j++
			}
		}
	}
	return out, nil
}

// sortByOrder stably sorts items by their position in order. Elements of
// lists of maps must have the merge key; elements marked "$patch: delete"
// go last.
func sortByOrder(items, order []any, mergeKey string, kind jsonKind) ([]any, error) {
	var del []any
	if kind == kindObject {
		for _, l := range [][]any{items, order} {
			for _, e := range l {
				m, ok := e.(map[string]any)
				if !ok {
					return nil, errWrongType("object", e)
				}
				if _, ok := m[mergeKey]; !ok {
					return nil, errNoMergeKey(m, mergeKey)
				}
			}
		}
		var err error
		if items, del, err = splitDeletions(items); err != nil {
			return nil, err
		}
	}
	type positioned struct {
		v   any
		pos int // -1: not in order
	}
	ps := make([]positioned, len(items))
	for i, v := range items {
		ps[i] = positioned{v, indexIn(order, v, mergeKey, kind)}
	}
	// Kubernetes' comparator calls an element missing from order "less"
	// than anything, which is no ordering at all; the result is what
	// sort.SliceStable makes of it, so use sort.SliceStable too.
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].pos >= 0 && ps[j].pos >= 0 {
			return ps[i].pos < ps[j].pos
		}
		return true
	})
	out := make([]any, 0, len(items)+len(del))
	for _, p := range ps {
		out = append(out, p.v)
	}
	return append(out, del...), nil
}

// indexIn returns the position in l of the element v (by merge key for
// lists of maps), or -1.
func indexIn(l []any, v any, mergeKey string, kind jsonKind) int {
	key := func(e any) any {
		if kind != kindObject {
			return e
		}
		m, _ := e.(map[string]any)
		return m[mergeKey]
	}
	want := key(v)
	for i, e := range l {
		if scalarEqual(key(e), want) {
			return i
		}
	}
	return -1
}

// deleteValues removes from current every primitive in del.
func deleteValues(current, del []any) []any {
	gone := make(map[any]bool, len(del))
	for _, v := range del {
		if isScalar(v) {
			gone[v] = true
		}
	}
	out := make([]any, 0, len(current))
	for _, v := range current {
		if !isScalar(v) || !gone[v] {
			out = append(out, v)
		}
	}
	return out
}

// dedupe removes repeated primitives in place, as Kubernetes does: a
// duplicate is overwritten by the last element. (The order this leaves is
// then decided by normalizeOrder.)
func dedupe(l []any) []any {
	last := len(l) - 1
	for i := 0; i < last; i++ {
		for j := i + 1; j <= last; j++ {
			if scalarEqual(l[i], l[j]) {
				l[j] = l[last]
				l = l[:last]
				last--
				j--
			}
		}
	}
	return l
}

// jsonKind is the type of a decoded JSON value. Integers and other numbers
// differ, as int64 and float64 differ in Kubernetes' decoded maps.
type jsonKind int

const (
	kindNull jsonKind = iota
	kindBool
	kindInt
	kindFloat
	kindString
	kindObject
	kindArray
	kindOther
)

func kindOf(v any) jsonKind {
	switch v := v.(type) {
	case nil:
		return kindNull
	case bool:
		return kindBool
	case int64:
		return kindInt
	case float64:
		return kindFloat
	case string:
		return kindString
	case map[string]any:
		return kindObject
	case []any:
		return kindArray
	case json.RawMessage:
		// Only objects and lists are left undecoded.
		if v[0] == '{' {
			return kindObject
		}
		return kindArray
	}
	return kindOther
}

func jsonKindName(k jsonKind) string {
	return [...]string{"null", "boolean", "integer", "number", "string", "object", "array", "value"}[k]
}

func isScalar(v any) bool {
	k := kindOf(v)
	return k != kindObject && k != kindArray && k != kindOther
}

// scalarEqual compares two decoded JSON values as Kubernetes' == does, but
// calls no maps or lists equal (where Go's == would panic).
func scalarEqual(a, b any) bool {
	return isScalar(a) && isScalar(b) && a == b
}

// elementKind returns the kind shared by every element of the lists: a
// merge needs them all alike, and no lists of lists.
func elementKind(lists ...[]any) (jsonKind, error) {
	first := true
	var kind jsonKind
	for _, l := range lists {
		for _, v := range l {
			k := kindOf(v)
			if first {
				if k == kindArray {
					return 0, errNoListOfLists
				}
				kind, first = k, false
			} else if k != kind {
				return 0, invalid("list element types are not identical: %v", lists)
			}
		}
	}
	if first {
		return 0, invalid("no elements in any of the given slices")
	}
	return kind, nil
}
