package openapi

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
)

// Options configure a Builder. The zero value is ready to use.
type Options struct {
	// Sources maps an import path to a file system holding the Go sources
	// of the packages below it (the directory of package path/x is x/);
	// the doc comments of types and fields found there become the
	// descriptions kubectl explain prints. Default: the api packages,
	// {"github.com/spar-dev/spar/api": api.Source}. An empty, non-nil map
	// leaves descriptions out.
	Sources map[string]fs.FS
}

// Builder generates the OpenAPI v3 documents of a scheme's resources and of
// custom resources, and serves them. Documents are generated when first
// requested after the scheme or the set of CRDs changed, and kept, with
// their hashes, until the next change. A Builder is safe for concurrent use.
type Builder struct {
	scheme  *api.Scheme
	sources map[string]fs.FS // nil: the api packages

	mu       sync.Mutex
	crds     map[string]*crdInfo // by CRD name
	docIndex *docIndex           // loaded on first generation
	refl     *reflector
	seen     []*api.Resource // the scheme's resources the documents reflect
	crdsSeen bool            // the documents reflect the current CRDs
	docs     map[string]*servedDoc
	index    *servedDoc
}

// servedDoc is a generated document as served: its JSON and the hash that
// is both its ETag and the hash parameter of its URL.
type servedDoc struct {
	body     []byte
	hash     string
	modified time.Time
	inputs   []any // the resources and CRDs it was generated from
}

// New returns a Builder for the resources of s. Custom resources are added
// with AddCRD.
func New(s *api.Scheme, opts Options) *Builder {
	return &Builder{scheme: s, sources: opts.Sources, crds: map[string]*crdInfo{}, docs: map[string]*servedDoc{}}
}

// apiDocs are the doc comments of the api packages, read once per process
// and shared by every Builder that uses the default sources.
var apiDocs = sync.OnceValue(func() *docIndex {
	return loadDocs(map[string]fs.FS{apiPath: api.Source})
})

// AddCRD publishes the served versions of crd, or replaces what was
// published for a CRD of the same name. The documents of its group-versions
// use the versions' openAPIV3Schema. A resource of the scheme with the same
// group, version and kind is published from the CRD, not from its Go type.
func (b *Builder) AddCRD(crd *apiextensions.CustomResourceDefinition) error {
	info, err := newCRDInfo(crd)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.crds[crd.Name] = info
	b.crdsSeen = false
	return nil
}

// RemoveCRD stops publishing the CRD of the given name
// (<plural>.<group>). Unknown names are ignored.
func (b *Builder) RemoveCRD(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.crds[name]; ok {
		delete(b.crds, name)
		b.crdsSeen = false
	}
}

// gvPath is the key of a group-version in the index: api/v1, apis/apps/v1.
func gvPath(group, version string) string {
	if group == "" {
		return "api/" + version
	}
	return "apis/" + group + "/" + version
}

// docInput is one resource of a group-version document.
type docInput struct {
	res *api.Resource // a Go-typed resource of the scheme, or
	crd *crdInfo      // a custom resource
	ver *crdVersion
}

func (in docInput) key() any {
	if in.res != nil {
		return in.res
	}
	return in.ver
}

// current returns the index and documents, regenerating those whose inputs
// changed since they were built.
func (b *Builder) current() (*servedDoc, map[string]*servedDoc, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	resources := b.scheme.Resources()
	if b.index != nil && b.crdsSeen && slices.Equal(resources, b.seen) {
		return b.index, b.docs, nil
	}

	// Group the inputs by group-version; a CRD takes precedence over a
	// scheme resource of the same kind (the API server registers custom
	// resources in its scheme too).
	inputs := map[string][]docInput{}
	custom := map[api.GVK]bool{}
	for _, name := range slices.Sorted(maps.Keys(b.crds)) {
		c := b.crds[name]
		for i := range c.versions {
			v := &c.versions[i]
			custom[api.GVK{Group: c.group, Version: v.name, Kind: c.kind}] = true
			p := gvPath(c.group, v.name)
			inputs[p] = append(inputs[p], docInput{crd: c, ver: v})
		}
	}
	versions := map[string]string{}
	for _, r := range resources {
		if custom[api.GVK{Group: r.Group, Version: r.Version, Kind: r.Kind}] {
			continue
		}
		t := goType(r)
		if t == nil {
			continue
		}
		versions[t.PkgPath()] = r.Version
		p := gvPath(r.Group, r.Version)
		inputs[p] = append(inputs[p], docInput{res: r})
	}

	if b.docIndex == nil {
		if b.sources == nil {
			b.docIndex = apiDocs()
		} else {
			b.docIndex = loadDocs(b.sources)
		}
	}
	if b.refl == nil || !maps.Equal(b.refl.versions, versions) {
		b.refl = newReflector(b.docIndex, versions)
		clear(b.docs) // schema names may have changed
	}

	changed := b.index == nil
	docs := map[string]*servedDoc{}
	for p, in := range inputs {
		keys := make([]any, len(in))
		for i, x := range in {
			keys[i] = x.key()
		}
		if old := b.docs[p]; old != nil && slices.Equal(old.inputs, keys) {
			docs[p] = old
			continue
		}
		body, err := b.generate(in, resources)
		if err != nil {
			return nil, nil, err
		}
		docs[p] = newServedDoc(body, keys)
		changed = true
	}
	if len(docs) != len(b.docs) {
		changed = true
	}
	if changed {
		idx := indexDoc{Paths: map[string]indexEntry{}}
		for p, d := range docs {
			idx.Paths[p] = indexEntry{ServerRelativeURL: docURL(p, d.hash)}
		}
		body, err := json.Marshal(idx)
		if err != nil {
			return nil, nil, err
		}
		b.index = newServedDoc(body, nil)
	}
	b.docs, b.seen, b.crdsSeen = docs, resources, true
	return b.index, b.docs, nil
}

func newServedDoc(body []byte, inputs []any) *servedDoc {
	sum := sha512.Sum512(body)
	return &servedDoc{body: body, hash: strings.ToUpper(hex.EncodeToString(sum[:])), modified: time.Now(), inputs: inputs}
}

// indexDoc is the body of /openapi/v3.
type indexDoc struct {
	Paths map[string]indexEntry `json:"paths"`
}

type indexEntry struct {
	ServerRelativeURL string `json:"serverRelativeURL"`
}

func docURL(gvPath, hash string) string {
	return "/openapi/v3/" + gvPath + "?" + url.Values{"hash": {hash}}.Encode()
}

// goType is the struct type of a resource's objects, or nil for resources
// whose objects are not a Go struct embedding TypeMeta and ObjectMeta and
// encoded field by field (custom resources served as meta.Unstructured,
// which are published from their CRD).
func goType(r *api.Resource) reflect.Type {
	if r.New == nil {
		return nil
	}
	t := reflect.TypeOf(r.New())
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || customJSON(t) {
		return nil
	}
	tm, ok1 := t.FieldByName("TypeMeta")
	om, ok2 := t.FieldByName("ObjectMeta")
	if !ok1 || !ok2 || tm.Type != reflect.TypeFor[meta.TypeMeta]() || om.Type != reflect.TypeFor[meta.ObjectMeta]() {
		return nil
	}
	return t
}

// Bodies of subresources whose kind is not their parent's.
var (
	typeScale    = reflect.TypeFor[autoscaling.Scale]()
	typeBinding  = reflect.TypeFor[core.Binding]()
	typeEviction = reflect.TypeFor[policy.Eviction]()
	typeMetaRoot = []reflect.Type{
		reflect.TypeFor[meta.ObjectMeta](), reflect.TypeFor[meta.ListMeta](),
		reflect.TypeFor[meta.Status](), reflect.TypeFor[meta.DeleteOptions](),
	}
)

// generate builds the JSON document of one group-version.
func (b *Builder) generate(inputs []docInput, all []*api.Resource) ([]byte, error) {
	r := b.refl
	for _, t := range typeMetaRoot {
		r.nameFor(t)
	}
	subKinds := map[string]subresourceKind{
		"scale":    {name: r.nameFor(typeScale), gvk: gvk{Group: "autoscaling", Version: "v1", Kind: "Scale"}},
		"binding":  {name: r.nameFor(typeBinding), gvk: gvk{Version: "v1", Kind: "Binding"}},
		"eviction": {name: r.nameFor(typeEviction), gvk: gvk{Group: "policy", Version: "v1", Kind: "Eviction"}},
	}
	first := inputs[0]
	group, version := "", ""
	if first.res != nil {
		group, version = first.res.Group, first.res.Version
	} else {
		group, version = first.crd.group, first.ver.name
	}
	pb := newPathBuilder(group, version, subKinds)
	schemas := map[string]any{}
	for _, in := range inputs {
		if in.res != nil {
			res := in.res
			t := goType(res)
			listType := reflect.TypeOf(res.NewList())
			for listType.Kind() == reflect.Pointer {
				listType = listType.Elem()
			}
			pb.add(&resourceSpec{
				Group: res.Group, Version: res.Version, Kind: res.Kind, Plural: res.Plural,
				Namespaced: res.Namespaced, Verbs: res.Verbs, Subresources: res.Subresources,
				Object: r.nameFor(t), List: r.nameFor(listType),
			})
			continue
		}
		spec := in.crd.spec(in.ver)
		obj, list, err := in.crd.schemas(in.ver)
		if err != nil {
			return nil, err
		}
		schemas[spec.Object], schemas[spec.List] = obj, list
		pb.refs = append(pb.refs, nameObjectMeta, nameListMeta)
		pb.add(spec)
	}

	// The kinds of Go types, for x-kubernetes-group-version-kind.
	kinds := map[string][]gvk{}
	for name, k := range fixedGVKs {
		kinds[name] = k
	}
	for _, res := range all {
		t := goType(res)
		if t == nil {
			continue
		}
		if name, ok := r.names[t]; ok {
			kinds[name] = append(kinds[name], gvk{Group: res.Group, Version: res.Version, Kind: res.Kind})
		}
		lt := reflect.TypeOf(res.NewList()).Elem()
		if name, ok := r.names[lt]; ok {
			kinds[name] = append(kinds[name], gvk{Group: res.Group, Version: res.Version, Kind: res.ListKind()})
		}
	}

	// Every schema the paths refer to, transitively, as JSON. The schemas
	// of Go types are encoded once and reused by every document that
	// includes them (the core types are in most).
	queue := slices.Clone(pb.refs)
	for len(queue) > 0 {
		name := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if _, done := schemas[name]; done {
			continue
		}
		c, ok := r.components[name]
		if !ok {
			return nil, fmt.Errorf("openapi: no schema named %s", name)
		}
		raw, err := r.componentJSON(name, c, kinds[name])
		if err != nil {
			return nil, err
		}
		schemas[name] = raw
		queue = append(queue, c.refs...)
	}

	paths, err := json.Marshal(pb.paths)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"openapi":"3.0.0","info":{"title":"Kubernetes","version":"unversioned"},"paths":`)
	buf.Write(paths)
	buf.WriteString(`,"components":{"schemas":{`)
	for i, name := range slices.Sorted(maps.Keys(schemas)) {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(name)
		buf.Write(key)
		buf.WriteByte(':')
		switch v := schemas[name].(type) {
		case json.RawMessage:
			buf.Write(v)
		default: // a custom resource's schema
			b, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("openapi: schema %s: %w", name, err)
			}
			buf.Write(b)
		}
	}
	buf.WriteString("}}}")
	return buf.Bytes(), nil
}
