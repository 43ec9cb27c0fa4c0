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

// Builder generates the OpenAPI documents of a scheme's resources and of
// custom resources, and serves them: the v3 documents, one per
// group-version, and the Swagger 2.0 document of the whole API that older
// clients read. Documents are generated when first requested after the
// scheme or the set of CRDs changed, and kept, with their hashes, until the
// next change. A Builder is safe for concurrent use.
type Builder struct {
	scheme  *api.Scheme
	sources map[string]fs.FS // nil: the api packages

	mu       sync.Mutex
	crds     map[string]*crdInfo // by CRD name
	crdGen   uint64              // counts the changes to crds
	docIndex *docIndex           // loaded on first generation
	refl     *reflector

	// The v3 documents and what they were generated from.
	seen    []*api.Resource // the scheme's resources
	seenCRD uint64          // crdGen
	docs    map[string]*servedDoc
	index   *servedDoc

	v2 *swaggerDoc // the v2 document; nil until first requested
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
	b.crdGen++
	return nil
}

// RemoveCRD stops publishing the CRD of the given name
// (<plural>.<group>). Unknown names are ignored.
func (b *Builder) RemoveCRD(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.crds[name]; ok {
		delete(b.crds, name)
		b.crdGen++
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
	if b.index != nil && b.seenCRD == b.crdGen && slices.Equal(resources, b.seen) {
		return b.index, b.docs, nil
	}
	inputs := b.collect(resources)

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
		m, err := b.model(in, false)
		if err != nil {
			return nil, nil, err
		}
		body, err := b.refl.encodeV3(m, resources)
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
	b.docs, b.seen, b.seenCRD = docs, resources, b.crdGen
	return b.index, b.docs, nil
}

// collect groups the inputs of the documents by group-version path (api/v1,
// apis/apps/v1), loads the doc comments on first use, and replaces the
// reflector when the API versions of the scheme's Go packages changed,
// which renames schemas. Call with b.mu held.
func (b *Builder) collect(resources []*api.Resource) map[string][]docInput {
	// A CRD takes precedence over a scheme resource of the same kind (the
	// API server registers custom resources in its scheme too).
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
	return inputs
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

// gvModel is what a group-version contributes to a document, before
// encoding: its paths and the schemas they refer to.
type gvModel struct {
	paths  map[string]*pathItem
	refs   []string                  // names of schemas the paths refer to
	custom map[string]map[string]any // the schemas of custom resources, by name
}

// model builds the paths of one group-version's resources, reflecting the
// Go types they need; v2 asks for the Swagger 2.0 form of custom resources'
// schemas. Call with b.mu held.
func (b *Builder) model(inputs []docInput, v2 bool) (*gvModel, error) {
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
	custom := map[string]map[string]any{}
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
		obj, list, err := in.crd.schemas(in.ver, v2)
		if err != nil {
			return nil, err
		}
		custom[spec.Object], custom[spec.List] = obj, list
		pb.refs = append(pb.refs, nameObjectMeta, nameListMeta)
		pb.add(spec)
	}
	return &gvModel{paths: pb.paths, refs: pb.refs, custom: custom}, nil
}

// kinds returns the x-kubernetes-group-version-kind of the named schemas of
// Go types: the kinds and list kinds of all, and the fixed ones.
func (r *reflector) kinds(all []*api.Resource) map[string][]gvk {
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
	return kinds
}

// closure returns the names of the schemas of Go types that refs lead to,
// transitively, leaving out the custom resources' schemas, sorted.
func (r *reflector) closure(refs []string, custom map[string]map[string]any) ([]string, error) {
	seen := map[string]bool{}
	queue := slices.Clone(refs)
	for len(queue) > 0 {
		name := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if seen[name] || custom[name] != nil {
			continue
		}
		c, ok := r.components[name]
		if !ok {
			return nil, fmt.Errorf("openapi: no schema named %s", name)
		}
		seen[name] = true
		queue = append(queue, c.refs...)
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// writeSchemas writes the JSON object of named schemas: those of Go types
// in names, encoded once per form and reused by every document that
// includes them (the core types are in most), and the custom ones.
func (r *reflector) writeSchemas(buf *bytes.Buffer, names []string, custom map[string]map[string]any, kinds map[string][]gvk, v2 bool) error {
	all := slices.Concat(names, slices.Collect(maps.Keys(custom)))
	slices.Sort(all)
	buf.WriteByte('{')
	for i, name := range all {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(name)
		buf.Write(key)
		buf.WriteByte(':')
		if s, ok := custom[name]; ok {
			b, err := json.Marshal(s)
			if err != nil {
				return fmt.Errorf("openapi: schema %s: %w", name, err)
			}
			buf.Write(b)
			continue
		}
		raw, err := r.componentJSON(name, r.components[name], kinds[name], v2)
		if err != nil {
			return err
		}
		buf.Write(raw)
	}
	buf.WriteByte('}')
	return nil
}

// encodeV3 writes the OpenAPI v3 document of one group-version.
func (r *reflector) encodeV3(m *gvModel, all []*api.Resource) ([]byte, error) {
	names, err := r.closure(m.refs, m.custom)
	if err != nil {
		return nil, err
	}
	paths, err := json.Marshal(m.paths)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"openapi":"3.0.0","info":{"title":"Kubernetes","version":"unversioned"},"paths":`)
	buf.Write(paths)
	buf.WriteString(`,"components":{"schemas":`)
	if err := r.writeSchemas(&buf, names, m.custom, r.kinds(all), false); err != nil {
		return nil, err
	}
	buf.WriteString("}}")
	return buf.Bytes(), nil
}
