package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"

	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/apiserver/patch"
)

// serveSubresource serves status, scale, binding, eviction and finalize;
// the streaming ones (log, exec, attach, portforward, proxy) go to the
// node agent through the proxy hook.
func (s *Server) serveSubresource(w http.ResponseWriter, r *http.Request, info *RequestInfo, g *registry, mt mediaType) {
	if !g.res.HasSubresource(info.Subresource) || info.Name == "" {
		writeError(w, meta.NewStatus(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource"))
		return
	}
	ctx, cancel := requestTimeout(r.Context(), info.Query, s.cfg.RequestTimeout)
	defer cancel()
	sub := info.Subresource
	verbs := subresourceInfo[sub].verbs
	if !slices.Contains(verbs, info.Verb) {
		writeError(w, meta.NewMethodNotSupported(meta.GroupResource{Group: g.res.Group, Resource: g.res.Plural + "/" + sub}, info.Verb))
		return
	}
	switch sub {
	case "status", "approval":
		switch info.Verb {
		case "get":
			s.handleGet(ctx, w, r, g, info, mt)
		case "update":
			s.handleUpdate(ctx, w, r, g, info, mt, sub)
		case "patch":
			s.handlePatch(ctx, w, r, g, info, mt, sub)
		}
	case "finalize":
		s.handleFinalize(ctx, w, r, g, info, mt)
	case "scale":
		s.handleScale(ctx, w, r, g, info, mt)
	case "binding":
		s.handleBinding(ctx, w, r, g, info)
	case "eviction":
		s.handleEviction(ctx, w, r, g, info)
	case "token":
		s.handleTokenRequest(ctx, w, r, g, info)
	default:
		if s.cfg.Streams != nil {
			s.cfg.Streams.ServeHTTP(w, r)
			return
		}
		writeError(w, meta.NewStatus(http.StatusServiceUnavailable, meta.StatusReasonServiceUnavailable,
			fmt.Sprintf("%s/%s is not served: no node agent connection is configured", g.res.Plural, sub)))
	}
}

// successStatus is the body of subresource writes that return no object.
func successStatus(code int) *meta.Status {
	return &meta.Status{TypeMeta: meta.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: meta.StatusSuccess, Code: int32(code)}
}

// handleFinalize updates a namespace's spec.finalizers (only them).
func (s *Server) handleFinalize(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	p, err := parseWriteParams(info.Query)
	if err != nil {
		writeError(w, err)
		return
	}
	in, _, err := g.decodeBody(body, p.fieldValidation)
	if err != nil {
		writeError(w, err)
		return
	}
	out, err := g.update(ctx, updateRequest{
		ns: "", name: info.Name, params: p, internal: true,
		mutate: func(old meta.Object, _ []byte) (meta.Object, error) {
			ns := meta.DeepCopy(old.(*core.Namespace))
			ns.Spec.Finalizers = in.(*core.Namespace).Spec.Finalizers
			ns.ResourceVersion = in.GetObjectMeta().ResourceVersion
			return ns, nil
		},
	})
	if err != nil {
		writeError(w, err)
		return
	}
	s.writeObject(w, info.Query, http.StatusOK, g, mt, out)
}

// scaleOf reads the Scale of an object with spec.replicas, spec.selector
// and status.replicas (Deployments, ReplicaSets, StatefulSets).
func scaleOf(obj meta.Object) (*autoscaling.Scale, error) {
	spec, status := field(obj, "Spec"), field(obj, "Status")
	if !spec.IsValid() || !status.IsValid() {
		return nil, fmt.Errorf("%T has no spec and status", obj)
	}
	om := obj.GetObjectMeta()
	sc := &autoscaling.Scale{
		TypeMeta: meta.TypeMeta{Kind: "Scale", APIVersion: "autoscaling/v1"},
		ObjectMeta: meta.ObjectMeta{Name: om.Name, Namespace: om.Namespace, UID: om.UID,
			ResourceVersion: om.ResourceVersion, CreationTimestamp: om.CreationTimestamp},
	}
	if rep := spec.FieldByName("Replicas"); rep.IsValid() {
		switch rep.Kind() {
		case reflect.Pointer:
			if !rep.IsNil() {
				sc.Spec.Replicas = int32(rep.Elem().Int())
			}
		case reflect.Int32:
			sc.Spec.Replicas = int32(rep.Int())
		}
	}
	if rep := status.FieldByName("Replicas"); rep.IsValid() && rep.Kind() == reflect.Int32 {
		sc.Status.Replicas = int32(rep.Int())
	}
	if sel := spec.FieldByName("Selector"); sel.IsValid() && !sel.IsNil() {
		ls, ok := sel.Interface().(*meta.LabelSelector)
		if ok {
			s, err := labels.FromLabelSelector(ls)
			if err == nil {
				sc.Status.Selector = s.String()
			}
		}
	}
	return sc, nil
}

// setReplicas sets spec.replicas of obj.
func setReplicas(obj meta.Object, n int32) {
	rep := field(obj, "Spec").FieldByName("Replicas")
	switch rep.Kind() {
	case reflect.Pointer:
		v := n
		rep.Set(reflect.ValueOf(&v))
	case reflect.Int32:
		rep.SetInt(int64(n))
	}
}

// scaleStatus builds the error for a bad scale request.
func invalidScale(name string, errs meta.FieldErrors) error {
	return meta.NewInvalid(meta.GroupKind{Group: "autoscaling", Kind: "Scale"}, name, errs)
}

func (s *Server) handleScale(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo, mt mediaType) {
	scaler := g.scaler()
	if info.Verb == "get" {
		obj, _, err := g.get(ctx, info.Namespace, info.Name)
		if err != nil {
			writeError(w, err)
			return
		}
		sc, err := scaler.get(obj)
		if err != nil {
			writeError(w, meta.NewInternalError(err))
			return
		}
		writeJSON(w, http.StatusOK, mt, sc)
		return
	}
	p, err := parseWriteParams(info.Query)
	if err != nil {
		writeError(w, err)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var pt patch.Type
	if info.Verb == "patch" {
		var ok bool
		if pt, ok = patchTypes[contentType(r.Header.Get("Content-Type"))]; !ok {
			writeError(w, meta.NewStatus(http.StatusUnsupportedMediaType, meta.StatusReasonUnsupportedMediaType,
				"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"))
			return
		}
	} else if err := checkBodyType(r); err != nil {
		writeError(w, err)
		return
	}
	var result *autoscaling.Scale
	_, err = g.update(ctx, updateRequest{
		ns: info.Namespace, name: info.Name, params: p, retry: info.Verb == "patch",
		mutate: func(old meta.Object, _ []byte) (meta.Object, error) {
			cur, err := scaler.get(old)
			if err != nil {
				return nil, meta.NewInternalError(err)
			}
			data := body
			if info.Verb == "patch" {
				curJSON, _ := json.Marshal(cur)
				if data, err = patch.Apply(pt, curJSON, body, reflect.TypeFor[autoscaling.Scale]()); err != nil {
					return nil, patchError(err, g, info.Name)
				}
			}
			var want autoscaling.Scale
			if err := decodeBodyInto(data, &want); err != nil {
				return nil, err
			}
			if want.Name != "" && want.Name != info.Name {
				return nil, meta.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", want.Name, info.Name))
			}
			if want.Spec.Replicas < 0 {
				return nil, invalidScale(info.Name, meta.FieldErrors{meta.Invalid(meta.NewPath("spec", "replicas"), want.Spec.Replicas, "must be greater than or equal to 0")})
			}
			obj := meta.DeepCopy(old)
			if err := scaler.set(obj, want.Spec.Replicas); err != nil {
				return nil, meta.NewInternalError(err)
			}
			rv := want.ResourceVersion
			if info.Verb == "patch" && rv == cur.ResourceVersion {
				rv = ""
			}
			obj.GetObjectMeta().ResourceVersion = rv
			return obj, nil
		},
	})
	if err == nil {
		obj, _, gerr := g.get(ctx, info.Namespace, info.Name)
		if gerr == nil {
			result, err = scaler.get(obj)
		} else {
			err = gerr
		}
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, mt, result)
}

// scaler reads and writes the scale of a resource's objects.
type scaler struct {
	get func(meta.Object) (*autoscaling.Scale, error)
	set func(meta.Object, int32) error
}

func (g *registry) scaler() scaler {
	if sc, ok := g.strategy.(interface{ scaler() scaler }); ok {
		return sc.scaler()
	}
	return scaler{get: scaleOf, set: func(o meta.Object, n int32) error { setReplicas(o, n); return nil }}
}

// handleBinding assigns a pod to a node: the scheduler's write.
func (s *Server) handleBinding(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var b core.Binding
	if err := decodeBodyInto(body, &b); err != nil {
		writeError(w, err)
		return
	}
	if err := s.bind(ctx, g, info.Namespace, info.Name, &b); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, mediaJSON, successStatus(http.StatusCreated))
}

// bind sets the pod's node, as Kubernetes' binding does: once, and never
// for a pod being deleted.
func (s *Server) bind(ctx context.Context, g *registry, ns, name string, b *core.Binding) error {
	if b.Name != "" && b.Name != name {
		return meta.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", b.Name, name))
	}
	if b.Target.Name == "" {
		return meta.NewInvalid(meta.GroupKind{Kind: "Binding"}, name, meta.FieldErrors{meta.Required(meta.NewPath("target", "name"), "")})
	}
	if b.Target.Kind != "" && b.Target.Kind != "Node" {
		return meta.NewInvalid(meta.GroupKind{Kind: "Binding"}, name, meta.FieldErrors{meta.NotSupported(meta.NewPath("target", "kind"), b.Target.Kind, []string{"Node", "<empty>"})})
	}
	_, err := g.update(ctx, updateRequest{
		ns: ns, name: name, retry: true, internal: true,
		mutate: func(old meta.Object, _ []byte) (meta.Object, error) {
			pod := meta.DeepCopy(old.(*core.Pod))
			if pod.DeletionTimestamp != nil {
				return nil, meta.NewConflict(g.res.GroupResource(), name, fmt.Errorf("pod %s is being deleted, cannot be assigned to a host", name))
			}
			if pod.Spec.NodeName != "" {
				return nil, meta.NewConflict(g.res.GroupResource(), name, fmt.Errorf("pod %s is already assigned to node %q", name, pod.Spec.NodeName))
			}
			if b.UID != "" && b.UID != pod.UID {
				return nil, meta.NewConflict(g.res.GroupResource(), name, fmt.Errorf("Precondition failed: UID in precondition: %s, UID in object meta: %s", b.UID, pod.UID))
			}
			pod.Spec.NodeName = b.Target.Name
			for k, v := range b.Annotations {
				if pod.Annotations == nil {
					pod.Annotations = map[string]string{}
				}
				pod.Annotations[k] = v
			}
			core.SetPodCondition(&pod.Status, core.PodCondition{Type: core.PodScheduled, Status: core.ConditionTrue})
			pod.ResourceVersion = ""
			return pod, nil
		},
	})
	return err
}

// handleEviction deletes a pod unless a PodDisruptionBudget forbids it.
func (s *Server) handleEviction(ctx context.Context, w http.ResponseWriter, r *http.Request, g *registry, info *RequestInfo) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var ev policy.Eviction
	if len(body) > 0 {
		if err := decodeBodyInto(body, &ev); err != nil {
			writeError(w, err)
			return
		}
	}
	if ev.Name != "" && ev.Name != info.Name {
		writeError(w, meta.NewBadRequest("name in URL does not match name in Eviction object"))
		return
	}
	obj, _, err := g.get(ctx, info.Namespace, info.Name)
	if err != nil {
		writeError(w, err)
		return
	}
	pod := obj.(*core.Pod)
	opts := ev.DeleteOptions
	if opts == nil {
		opts = &meta.DeleteOptions{}
	}
	// Pods that are not running count against no budget.
	if pod.DeletionTimestamp == nil && pod.Status.Phase == core.PodRunning {
		if err := s.consumeDisruption(ctx, pod); err != nil {
			writeError(w, err)
			return
		}
	}
	if _, err := g.delete(ctx, info.Namespace, info.Name, opts, len(opts.DryRun) > 0); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, mediaJSON, successStatus(http.StatusCreated))
}

// consumeDisruption checks the budgets that select pod and takes one
// disruption from each, as Kubernetes' eviction does.
func (s *Server) consumeDisruption(ctx context.Context, pod *core.Pod) error {
	pg := s.registryByGR("policy", "poddisruptionbudgets")
	if pg == nil {
		return nil
	}
	list, err := s.store.List(ctx, pg.prefix+pod.Namespace+"/", storeListAll)
	if err != nil {
		return storeError(err, pg.res, "")
	}
	for _, kv := range list.Items {
		obj, err := pg.decode(kv)
		if err != nil {
			continue
		}
		pdb := obj.(*policy.PodDisruptionBudget)
		sel, err := labels.FromLabelSelector(pdb.Spec.Selector)
		if err != nil || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		if pdb.Status.ObservedGeneration < pdb.Generation || pdb.Status.DisruptionsAllowed <= 0 {
			st := meta.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0)
			st.Details = &meta.StatusDetails{Causes: []meta.StatusCause{{Type: "DisruptionBudget",
				Message: fmt.Sprintf("The disruption budget %s needs %d healthy pods and has %d currently", pdb.Name, pdb.Status.DesiredHealthy, pdb.Status.CurrentHealthy)}}}
			return st
		}
		_, err = pg.update(ctx, updateRequest{
			ns: pdb.Namespace, name: pdb.Name, subresource: "status",
			mutate: func(old meta.Object, _ []byte) (meta.Object, error) {
				p := meta.DeepCopy(old.(*policy.PodDisruptionBudget))
				p.Status.DisruptionsAllowed--
				if p.Status.DisruptedPods == nil {
					p.Status.DisruptedPods = map[string]meta.Time{}
				}
				p.Status.DisruptedPods[pod.Name] = meta.Now()
				return p, nil
			},
		})
		if err != nil {
			return err
		}
	}
	return nil
}
