package apiserver

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/spar-dev/spar/api"
	ext "github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
	"github.com/spar-dev/spar/watch"
)

// crdCleanupFinalizer holds a deleted CRD until its objects are gone.
const crdCleanupFinalizer = validation.FinalizerCustomResourceCleanup

// runCRDs serves custom resources: it watches CustomResourceDefinitions and
// registers (or removes) a resource for each served version, through the
// same generic registry as built-in kinds.
func (s *Server) runCRDs(ctx context.Context) {
	g := s.registryFor(ext.GroupName, "v1", "customresourcedefinitions")
	if g == nil {
		return
	}
	for ctx.Err() == nil {
		w, err := g.cache.Watch(ctx, watch.WatchOptions{SendInitialEvents: true})
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error(err, "watching CRDs")
				time.Sleep(time.Second)
			}
			continue
		}
		for {
			evs, err := w.Next(ctx)
			if err != nil {
				break
			}
			for _, ev := range evs {
				crd := ev.Object.(*ext.CustomResourceDefinition)
				if ev.Type == watch.Deleted {
					s.removeCRD(crd)
					continue
				}
				if err := s.reconcileCRD(ctx, g, crd); err != nil && ctx.Err() == nil {
					s.log.Error(err, "serving a CRD", "crd", crd.Name)
				}
			}
		}
		w.Stop()
	}
}

// crdResources returns the resource of each served version of crd.
func crdResources(crd *ext.CustomResourceDefinition) []*api.Resource {
	var out []*api.Resource
	n := crd.Spec.Names
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		r := &api.Resource{
			Group: crd.Spec.Group, Version: v.Name, Kind: n.Kind, Plural: n.Plural, Singular: n.Singular,
			Namespaced: crd.Spec.Scope == ext.NamespaceScoped, ShortNames: n.ShortNames, Categories: n.Categories,
			New:     func() meta.Object { return &meta.Unstructured{} },
			NewList: func() meta.ListObject { return &meta.List[meta.Unstructured]{} },
		}
		if sr := v.Subresources; sr != nil {
			if sr.Status != nil {
				r.Subresources = append(r.Subresources, "status")
			}
			if sr.Scale != nil {
				r.Subresources = append(r.Subresources, "scale")
			}
		}
		out = append(out, r)
	}
	return out
}

func (s *Server) reconcileCRD(ctx context.Context, g *registry, crd *ext.CustomResourceDefinition) error {
	if crd.DeletionTimestamp != nil {
		return s.finishCRDDeletion(ctx, g, crd)
	}
	wanted := map[api.GVR]bool{}
	for _, r := range crdResources(crd) {
		gvr := api.GVR{Group: r.Group, Version: r.Version, Resource: r.Plural}
		wanted[gvr] = true
		strategy := &crStrategy{crd: crd, version: r.Version, hasStatus: r.HasSubresource("status")}
		if cur := s.registryFor(r.Group, r.Version, r.Plural); cur != nil {
			if cs, ok := cur.strategy.(*crStrategy); ok && cs.crd.UID == crd.UID && cs.crd.Generation == crd.Generation {
				continue // unchanged
			}
			s.unregister(gvr)
			s.scheme.Remove(gvr)
		}
		if err := s.scheme.Add(*r); err != nil {
			return err
		}
		reg, _ := s.scheme.ByResource(gvr)
		if err := s.register(reg, strategy); err != nil {
			return err
		}
	}
	// Versions no longer served.
	s.mu.RLock()
	var stale []api.GVR
	for gvr, r := range s.registries {
		if cs, ok := r.strategy.(*crStrategy); ok && cs.crd.Name == crd.Name && !wanted[gvr] {
			stale = append(stale, gvr)
		}
	}
	s.mu.RUnlock()
	for _, gvr := range stale {
		s.unregister(gvr)
		s.scheme.Remove(gvr)
	}
	if err := s.openapi.AddCRD(crd); err != nil {
		s.log.Error(err, "publishing the OpenAPI schema of a CRD", "crd", crd.Name)
	}
	return s.markCRDEstablished(ctx, g, crd)
}

// markCRDEstablished sets the NamesAccepted and Established conditions
// clients wait for (kubectl wait --for condition=established).
func (s *Server) markCRDEstablished(ctx context.Context, g *registry, crd *ext.CustomResourceDefinition) error {
	if c := crd.Condition(ext.Established); c != nil && c.Status == ext.ConditionTrue && crd.Status.ObservedGeneration == crd.Generation {
		return nil
	}
	_, err := g.update(ctx, updateRequest{
		name: crd.Name, retry: true, internal: true,
		mutate: func(old meta.Object, _ []byte) (meta.Object, error) {
			c := meta.DeepCopy(old.(*ext.CustomResourceDefinition))
			now := meta.Now()
			setCRDCondition(c, ext.CustomResourceDefinitionCondition{Type: ext.NamesAccepted, Status: ext.ConditionTrue,
				LastTransitionTime: now, Reason: "NoConflicts", Message: "no conflicts found"})
			setCRDCondition(c, ext.CustomResourceDefinitionCondition{Type: ext.Established, Status: ext.ConditionTrue,
				LastTransitionTime: now, Reason: "InitialNamesAccepted", Message: "the initial names have been accepted"})
			c.Status.AcceptedNames = c.Spec.Names
			if sv := c.StorageVersion(); sv != "" && !slices.Contains(c.Status.StoredVersions, sv) {
				c.Status.StoredVersions = append(c.Status.StoredVersions, sv)
			}
			c.Status.ObservedGeneration = c.Generation
			c.ResourceVersion = ""
			return c, nil
		},
	})
	if meta.ReasonOf(err) == meta.StatusReasonNotFound {
		return nil
	}
	return err
}

func setCRDCondition(c *ext.CustomResourceDefinition, cond ext.CustomResourceDefinitionCondition) {
	for i := range c.Status.Conditions {
		if c.Status.Conditions[i].Type == cond.Type {
			if c.Status.Conditions[i].Status == cond.Status {
				cond.LastTransitionTime = c.Status.Conditions[i].LastTransitionTime
			}
			c.Status.Conditions[i] = cond
			return
		}
	}
	c.Status.Conditions = append(c.Status.Conditions, cond)
}

// finishCRDDeletion deletes every object of a deleted CRD, stops serving
// it and releases the CRD.
func (s *Server) finishCRDDeletion(ctx context.Context, g *registry, crd *ext.CustomResourceDefinition) error {
	if !slices.Contains(crd.Finalizers, crdCleanupFinalizer) {
		return nil
	}
	prefix := storePrefix(&api.Resource{Group: crd.Spec.Group, Plural: crd.Spec.Names.Plural})
	for {
		list, err := s.store.List(ctx, prefix, storeListAll)
		if err != nil {
			return err
		}
		for _, kv := range list.Items {
			if _, err := s.store.Delete(ctx, kv.Key, kv.ModRevision); err != nil && !errors.Is(err, context.Canceled) {
				continue // changed meanwhile: the next pass gets it
			}
		}
		if len(list.Items) == 0 {
			break
		}
	}
	s.removeCRD(crd)
	_, err := g.update(ctx, updateRequest{
		name: crd.Name, retry: true, internal: true,
		mutate: func(old meta.Object, _ []byte) (meta.Object, error) {
			c := meta.DeepCopy(old.(*ext.CustomResourceDefinition))
			removeFinalizer(&c.ObjectMeta, crdCleanupFinalizer)
			c.ResourceVersion = ""
			return c, nil
		},
	})
	if meta.ReasonOf(err) == meta.StatusReasonNotFound {
		return nil
	}
	return err
}

func (s *Server) removeCRD(crd *ext.CustomResourceDefinition) {
	for _, v := range crd.Spec.Versions {
		gvr := api.GVR{Group: crd.Spec.Group, Version: v.Name, Resource: crd.Spec.Names.Plural}
		if r := s.registryFor(gvr.Group, gvr.Version, gvr.Resource); r != nil {
			if cs, ok := r.strategy.(*crStrategy); ok && cs.crd.UID == crd.UID {
				s.unregister(gvr)
				s.scheme.Remove(gvr)
			}
		}
	}
	s.openapi.RemoveCRD(crd.Name)
}

// crdStrategy is the strategy of CustomResourceDefinition objects: the
// cleanup finalizer is added at creation.
type crdStrategy struct{ TypedStrategy }

func (s *crdStrategy) PrepareForCreate(ctx context.Context, obj meta.Object) {
	s.TypedStrategy.PrepareForCreate(ctx, obj)
	crd := obj.(*ext.CustomResourceDefinition)
	// The storage version is stored from the start, as Kubernetes records it.
	if sv := crd.StorageVersion(); sv != "" {
		crd.Status.StoredVersions = []string{sv}
	}
	addFinalizer(obj.GetObjectMeta(), crdCleanupFinalizer)
}

// crStrategy is the strategy of one served version of a custom resource.
type crStrategy struct {
	crd       *ext.CustomResourceDefinition
	version   string
	hasStatus bool
}

func (s *crStrategy) schema() *ext.JSONSchemaProps {
	if v := s.crd.Version(s.version); v != nil && v.Schema != nil {
		return v.Schema.OpenAPIV3Schema
	}
	return nil
}

// AfterDecode prunes unknown fields (reporting them for fieldValidation)
// and applies the schema's defaults.
func (s *crStrategy) afterDecode(obj meta.Object) (unknown []string) {
	u := obj.(*meta.Unstructured)
	sch := s.schema()
	if sch == nil || s.crd.Spec.PreserveUnknownFields {
		return nil
	}
	content := map[string]any(u.Content)
	for k, v := range content {
		if ps, ok := sch.Properties[k]; ok {
			content[k] = prune(v, &ps, k, &unknown)
		} else if !(sch.XPreserveUnknownFields != nil && *sch.XPreserveUnknownFields) {
			unknown = append(unknown, k)
			delete(content, k)
		}
	}
	applyDefaults(content, sch)
	slices.Sort(unknown)
	return unknown
}

func (s *crStrategy) PrepareForCreate(_ context.Context, obj meta.Object) {
	u := obj.(*meta.Unstructured)
	if s.hasStatus {
		delete(u.Content, "status")
	}
	u.Generation = 1
}

func (s *crStrategy) PrepareForUpdate(_ context.Context, obj, old meta.Object) {
	u, o := obj.(*meta.Unstructured), old.(*meta.Unstructured)
	if s.hasStatus {
		if st, ok := o.Content["status"]; ok {
			u.Content["status"] = st
		} else {
			delete(u.Content, "status")
		}
	}
	u.Generation = o.Generation
	// Any change outside metadata and status is a spec change.
	if !reflect.DeepEqual(withoutStatus(u.Content), withoutStatus(o.Content)) {
		u.Generation++
	}
}

func withoutStatus(c map[string]any) map[string]any {
	out := make(map[string]any, len(c))
	for k, v := range c {
		if k != "status" {
			out[k] = v
		}
	}
	return out
}

func (s *crStrategy) PrepareForStatusUpdate(_ context.Context, obj, old meta.Object) {
	u, o := obj.(*meta.Unstructured), meta.DeepCopy(old.(*meta.Unstructured))
	st, has := u.Content["status"]
	rv := u.ResourceVersion
	*u = *o
	if has {
		u.Content["status"] = st
	} else {
		delete(u.Content, "status")
	}
	u.ResourceVersion = rv
}

func (s *crStrategy) Validate(_ context.Context, obj meta.Object) meta.FieldErrors {
	u := obj.(*meta.Unstructured)
	errs := validateCRMeta(&u.ObjectMeta, s.crd.Spec.Scope == ext.NamespaceScoped)
	return append(errs, validateValue(map[string]any(u.Content), s.contentSchema(), nil)...)
}

func (s *crStrategy) ValidateUpdate(ctx context.Context, obj, old meta.Object) meta.FieldErrors {
	return s.Validate(ctx, obj)
}

func (s *crStrategy) ValidateStatusUpdate(ctx context.Context, obj, old meta.Object) meta.FieldErrors {
	return s.Validate(ctx, obj)
}

// contentSchema is the schema without apiVersion, kind and metadata, which
// the typed parts of Unstructured hold.
func (s *crStrategy) contentSchema() *ext.JSONSchemaProps {
	sch := s.schema()
	if sch == nil {
		return nil
	}
	c := *sch
	c.Properties = map[string]ext.JSONSchemaProps{}
	for k, v := range sch.Properties {
		if k != "apiVersion" && k != "kind" && k != "metadata" {
			c.Properties[k] = v
		}
	}
	c.Required = slices.DeleteFunc(slices.Clone(sch.Required), func(r string) bool {
		return r == "apiVersion" || r == "kind" || r == "metadata"
	})
	return &c
}

// validateCRMeta checks the metadata of a custom resource: names are
// DNS-1123 subdomains, as Kubernetes requires of custom objects.
func validateCRMeta(om *meta.ObjectMeta, namespaced bool) meta.FieldErrors {
	return validation.ValidateObjectMeta(om, namespaced, validation.NameIsDNSSubdomain, meta.NewPath("metadata"))
}

// scaler serves the scale subresource of a custom resource from the
// CRD's JSON paths.
func (s *crStrategy) scaler() scaler {
	var sc *ext.CustomResourceSubresourceScale
	if v := s.crd.Version(s.version); v != nil && v.Subresources != nil {
		sc = v.Subresources.Scale
	}
	return scaler{
		get: func(obj meta.Object) (*autoscaling.Scale, error) {
			u := obj.(*meta.Unstructured)
			out := &autoscaling.Scale{
				TypeMeta: meta.TypeMeta{Kind: "Scale", APIVersion: "autoscaling/v1"},
				ObjectMeta: meta.ObjectMeta{Name: u.Name, Namespace: u.Namespace, UID: u.UID,
					ResourceVersion: u.ResourceVersion, CreationTimestamp: u.CreationTimestamp},
			}
			if sc == nil {
				return out, nil
			}
			if v, ok := lookupPath(u.Content, sc.SpecReplicasPath); ok {
				if f, ok := toFloat(v); ok {
					out.Spec.Replicas = int32(f)
				}
			}
			if v, ok := lookupPath(u.Content, sc.StatusReplicasPath); ok {
				if f, ok := toFloat(v); ok {
					out.Status.Replicas = int32(f)
				}
			}
			if sc.LabelSelectorPath != nil {
				if v, ok := lookupPath(u.Content, *sc.LabelSelectorPath); ok {
					if str, ok := v.(string); ok {
						if sel, err := labels.Parse(str); err == nil {
							out.Status.Selector = sel.String()
						}
					}
				}
			}
			return out, nil
		},
		set: func(obj meta.Object, n int32) error {
			if sc == nil {
				return fmt.Errorf("no scale subresource")
			}
			return setPath(obj.(*meta.Unstructured).Content, sc.SpecReplicasPath, int64(n))
		},
	}
}

// lookupPath reads a simple JSON path (".spec.replicas") from content.
func lookupPath(content map[string]any, path string) (any, bool) {
	parts := strings.Split(strings.TrimPrefix(path, "."), ".")
	var cur any = content
	for _, p := range parts {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func setPath(content map[string]any, path string, v any) error {
	parts := strings.Split(strings.TrimPrefix(path, "."), ".")
	m := content
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
	return nil
}
