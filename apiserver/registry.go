package apiserver

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/protobuf"
	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/apiserver/table"
	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/watch"
)

// registry serves one resource from the store: the generic create, read,
// update, delete and watch path every kind goes through.
type registry struct {
	s        *Server
	res      *api.Resource
	strategy Strategy
	// prefix is the store key prefix, "/registry/<plural>/" for the core
	// group and "/registry/<group>/<plural>/" for the others.
	prefix string
	cache  *watch.Cache
	// fieldLabels are the field names field selectors may use.
	fieldLabels map[string]bool
	// newObject returns an empty object of the kind.
	newObject func() meta.Object
	// custom is true for custom resources: objects without a Go type, which
	// strategic merge patch cannot serve.
	custom bool

	printerOnce  sync.Once
	tablePrinter table.Printer
}

func (g *registry) unstructured() bool { return g.custom }

func storePrefix(res *api.Resource) string {
	if res.Group == "" {
		return store.DefaultPrefix + res.Plural + "/"
	}
	return store.DefaultPrefix + res.Group + "/" + res.Plural + "/"
}

func (g *registry) key(ns, name string) string {
	if g.res.Namespaced {
		return g.prefix + ns + "/" + name
	}
	return g.prefix + name
}

// decode turns a stored value into an object at its revision. Built-in
// kinds are stored as protobuf (several times faster to decode than JSON,
// which matters: every watch event and GET decodes), custom resources as
// JSON; either is read.
func (g *registry) decode(kv store.KV) (meta.Object, error) {
	obj := g.newObject()
	var err error
	if protobuf.IsProtobuf(kv.Value) {
		err = protobuf.Unmarshal(kv.Value, obj)
	} else {
		err = api.Decode(kv.Value, obj)
	}
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", kv.Key, err)
	}
	tm := obj.GetTypeMeta()
	tm.APIVersion, tm.Kind = g.res.APIVersion(), g.res.Kind
	obj.GetObjectMeta().ResourceVersion = formatRV(kv.ModRevision)
	return obj, nil
}

// encode returns the stored form of obj, without resourceVersion (the
// store's revision is the source of truth for it): Kubernetes' protobuf
// for built-in kinds, JSON for custom resources.
func (g *registry) encode(obj meta.Object) ([]byte, error) {
	om := obj.GetObjectMeta()
	rv := om.ResourceVersion
	om.ResourceVersion = ""
	defer func() { om.ResourceVersion = rv }()
	tm := obj.GetTypeMeta()
	tm.APIVersion, tm.Kind = g.res.APIVersion(), g.res.Kind
	if g.custom {
		return json.Marshal(obj)
	}
	return protobuf.Marshal(obj, tm.APIVersion, tm.Kind)
}

// objectFields returns the selectable fields of obj.
func (g *registry) objectFields(obj meta.Object) fields.Set {
	if fs, ok := g.strategy.(FieldStrategy); ok {
		return fs.Fields(obj)
	}
	return nil
}

func (g *registry) notFound(name string) error {
	return meta.NewNotFound(g.res.GroupResource(), name)
}

// get reads the stored object.
func (g *registry) get(ctx context.Context, ns, name string) (meta.Object, store.KV, error) {
	kv, err := g.s.store.Get(ctx, g.key(ns, name))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, kv, g.notFound(name)
		}
		return nil, kv, storeError(err, g.res, name)
	}
	obj, err := g.decode(kv)
	if err != nil {
		return nil, kv, meta.NewInternalError(err)
	}
	return obj, kv, nil
}

// storeError maps a store error to the Status Kubernetes answers with.
func storeError(err error, res *api.Resource, name string) error {
	var ce *store.ConflictError
	switch {
	case errors.As(err, &ce), errors.Is(err, store.ErrConflict):
		return meta.NewConflict(res.GroupResource(), name, errors.New(
			"the object has been modified; please apply your changes to the latest version and try again"))
	case errors.Is(err, store.ErrExists):
		return meta.NewAlreadyExists(res.GroupResource(), name)
	case errors.Is(err, store.ErrNotFound):
		return meta.NewNotFound(res.GroupResource(), name)
	case errors.Is(err, store.ErrExpired), errors.Is(err, watch.ErrExpired):
		return meta.NewExpired(err.Error())
	case errors.Is(err, store.ErrInvalidContinue):
		return meta.NewBadRequest(err.Error())
	case errors.Is(err, store.ErrValueTooLarge):
		return meta.NewStatus(http.StatusRequestEntityTooLarge, meta.StatusReasonRequestEntityTooLarge, err.Error())
	case errors.Is(err, watch.ErrTooLarge), errors.Is(err, store.ErrFutureRevision):
		st := meta.NewStatus(http.StatusGatewayTimeout, meta.StatusReasonTimeout,
			"Too large resource version: "+err.Error())
		st.Details = &meta.StatusDetails{Causes: []meta.StatusCause{{Type: meta.CauseTypeResourceVersionTooLarge, Message: "Too large resource version"}}, RetryAfterSeconds: 1}
		return st
	case errors.Is(err, context.DeadlineExceeded):
		return meta.NewStatus(http.StatusGatewayTimeout, meta.StatusReasonTimeout, "the request timed out")
	case errors.Is(err, context.Canceled):
		// The client went away (or the server is stopping); as Kubernetes'
		// finishRequest, a timeout rather than an internal error.
		return meta.NewStatus(http.StatusGatewayTimeout, meta.StatusReasonTimeout,
			"request did not complete within requested timeout - context canceled")
	}
	var st *meta.Status
	if errors.As(err, &st) {
		return err
	}
	return meta.NewInternalError(err)
}

// decodeBody decodes a request body into a new object of the kind,
// following fieldValidation. Warnings are returned for Warn mode.
func (g *registry) decodeBody(body []byte, mode fieldValidation) (meta.Object, []string, error) {
	obj := g.newObject()
	decode, decodeStrict := api.Decode, api.DecodeStrict
	data := body
	var err error
	if protobuf.IsProtobuf(body) {
		// Typed client-go clients send protobuf; its magic prefix cannot
		// start a JSON or YAML document. Custom resources speak only JSON,
		// as in Kubernetes.
		if g.unstructured() {
			return nil, nil, meta.NewStatus(http.StatusUnsupportedMediaType, meta.StatusReasonUnsupportedMediaType,
				fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got %q)", protobuf.MediaType))
		}
		decode, decodeStrict = protobuf.Unmarshal, decodeProtobufStrict
	} else if data, err = api.ToJSON(body); err != nil {
		return nil, nil, meta.NewBadRequest(err.Error())
	}
	var warnings []string
	if mode == validationIgnore {
		err = decode(data, obj)
	} else {
		err = decodeStrict(data, obj)
		var se *api.StrictError
		if errors.As(err, &se) {
			if mode == validationStrict {
				return nil, nil, meta.NewBadRequest(se.Error())
			}
			warnings, err = se.Fields, nil
		}
	}
	if err != nil {
		return nil, nil, meta.NewBadRequest(err.Error())
	}
	// Custom resources: fields outside the CRD's schema are pruned, and
	// reported like unknown fields of typed kinds.
	if cs, ok := g.strategy.(*crStrategy); ok {
		unknown := cs.afterDecode(obj)
		if len(unknown) > 0 && mode != validationIgnore {
			msgs := make([]string, len(unknown))
			for i, f := range unknown {
				msgs[i] = fmt.Sprintf("unknown field %q", f)
			}
			if mode == validationStrict {
				return nil, nil, meta.NewBadRequest((&api.StrictError{Fields: msgs}).Error())
			}
			warnings = append(warnings, msgs...)
		}
	}
	tm := obj.GetTypeMeta()
	if tm.Kind != "" && tm.Kind != g.res.Kind {
		return nil, nil, meta.NewBadRequest(fmt.Sprintf("the kind in the data (%s) does not match the expected kind (%s)", tm.Kind, g.res.Kind))
	}
	if tm.APIVersion != "" && tm.APIVersion != g.res.APIVersion() {
		return nil, nil, meta.NewBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", tm.APIVersion, g.res.APIVersion()))
	}
	tm.APIVersion, tm.Kind = g.res.APIVersion(), g.res.Kind
	return obj, warnings, nil
}

// decodeProtobufStrict is protobuf.UnmarshalStrict reporting fields spar
// does not model as JSON's strict decoding does.
func decodeProtobufStrict(data []byte, obj any) error {
	err := protobuf.UnmarshalStrict(data, obj)
	if ue, ok := errors.AsType[*protobuf.UnknownFieldsError](err); ok {
		return &api.StrictError{Fields: ue.Fields}
	}
	return err
}

// checkNamespace reconciles the object's namespace with the request's.
func (g *registry) checkNamespace(obj meta.Object, ns string) error {
	om := obj.GetObjectMeta()
	if !g.res.Namespaced {
		om.Namespace = ""
		return nil
	}
	if om.Namespace == "" {
		om.Namespace = ns
	} else if om.Namespace != ns {
		return meta.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

const generateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// generateName appends 5 random characters to base, as Kubernetes does
// (base trimmed so the name stays within 63 characters).
func generateName(base string) string {
	const maxGenerated = 63 - 5
	if len(base) > maxGenerated {
		base = base[:maxGenerated]
	}
	var b [5]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = generateNameAlphabet[int(b[i])%len(generateNameAlphabet)]
	}
	return base + string(b[:])
}

// invalid wraps field errors into a 422 for obj.
func (g *registry) invalid(obj meta.Object, errs meta.FieldErrors) error {
	name := obj.GetObjectMeta().Name
	return meta.NewInvalid(g.res.GroupKind(), name, errs)
}

// createHook is implemented by strategies that must act before an object
// is stored, such as allocating a Service's cluster IP. A failure aborts
// the create; Release undoes the act when the store write fails.
type createHook interface {
	BeforeCreate(ctx context.Context, obj meta.Object, dryRun bool) (release func(), err error)
}

// updateHook is the update counterpart of createHook: commit runs after the
// update is stored, rollback when it fails.
type updateHook interface {
	BeforeUpdate(ctx context.Context, obj, old meta.Object, dryRun bool) (commit, rollback func(), err error)
}

// deleteHook is implemented by strategies that release resources after an
// object is gone.
type deleteHook interface {
	AfterDelete(ctx context.Context, obj meta.Object)
}

// gracefulDeleter is implemented by strategies of kinds deleted in two
// steps: a DELETE marks the object with a deletion timestamp and a grace
// period, and the owner of the object (the kubelet, for pods) deletes it
// for good.
type gracefulDeleter interface {
	// GracePeriod returns the grace period to apply, given the request's
	// (nil when unset); 0 deletes at once.
	GracePeriod(obj meta.Object, requested *int64) int64
}

// create stores a new object decoded from body.
func (g *registry) create(ctx context.Context, ns string, body []byte, p writeParams) (meta.Object, []string, error) {
	obj, warnings, err := g.decodeBody(body, p.fieldValidation)
	if err != nil {
		return nil, nil, err
	}
	audit.RequestBodyDecoded(ctx, body, obj.GetObjectMeta())
	out, err := g.createObject(ctx, ns, obj, p)
	return out, warnings, err
}

// createObject runs the create pipeline on a decoded object.
func (g *registry) createObject(ctx context.Context, ns string, obj meta.Object, p writeParams) (meta.Object, error) {
	if err := g.checkNamespace(obj, ns); err != nil {
		return nil, err
	}
	om := obj.GetObjectMeta()
	if om.Name == "" && om.GenerateName == "" {
		return nil, g.invalid(obj, meta.FieldErrors{meta.Required(meta.NewPath("metadata", "name"), "name or generateName is required")})
	}
	generated := om.Name == ""
	if generated {
		om.Name = generateName(om.GenerateName)
	}
	// Server-owned metadata.
	om.UID = meta.UID(uuid.NewString())
	om.CreationTimestamp = meta.Now()
	om.ResourceVersion = ""
	om.DeletionTimestamp = nil
	om.DeletionGracePeriodSeconds = nil
	om.Generation = 0
	om.SelfLink = ""
	// Defaults first, as Kubernetes applies them when it decodes.
	if d, ok := obj.(Defaulter); ok {
		d.Default()
	}
	g.strategy.PrepareForCreate(ctx, obj)
	if err := g.s.admit(ctx, "create", g.res, obj, nil, p.dryRun); err != nil {
		return nil, err
	}
	if g.res.Namespaced {
		if err := g.s.namespaceAcceptsCreate(ctx, om.Namespace); err != nil {
			return nil, err
		}
	}
	// Allocations (a Service's cluster IP) come before validation, which
	// checks the complete object; a failure below releases them.
	release := func() {}
	if h, ok := g.strategy.(createHook); ok {
		rel, err := h.BeforeCreate(ctx, obj, p.dryRun)
		if err != nil {
			return nil, err
		}
		if rel != nil {
			release = rel
		}
	}
	if errs := g.strategy.Validate(ctx, obj); len(errs) > 0 {
		release()
		return nil, g.invalid(obj, errs)
	}
	if err := g.s.validateAdmission(ctx, "create", g.res, obj, nil, p.dryRun); err != nil {
		release()
		return nil, err
	}
	if p.dryRun {
		release()
		return obj, nil
	}
	for attempt := 0; ; attempt++ {
		b, err := g.encode(obj)
		if err != nil {
			return nil, meta.NewInternalError(err)
		}
		kv, err := g.s.store.Create(ctx, g.key(om.Namespace, om.Name), b)
		if err == nil {
			om.ResourceVersion = formatRV(kv.ModRevision)
			return obj, nil
		}
		// A generated name that collides is retried with another, as
		// Kubernetes does.
		if generated && errors.Is(err, store.ErrExists) && attempt < 8 {
			om.Name = generateName(om.GenerateName)
			continue
		}
		release()
		return nil, storeError(err, g.res, om.Name)
	}
}

// updateRequest describes one update through the generic path.
type updateRequest struct {
	ns, name    string
	subresource string // "", "status" or "approval"
	// mutate returns the desired object given the stored one (PUT decodes
	// the body; PATCH applies the patch). It may be called again after a
	// conflict when retry is set.
	mutate func(old meta.Object, oldJSON []byte) (meta.Object, error)
	// retry repeats the update on a store conflict (patches without a
	// resourceVersion precondition).
	retry  bool
	params writeParams
	// internal marks writes the server composes itself (binding, the
	// finalize subresource): mutate returns the complete object, with no
	// spec/status split and no update validation of the client kind.
	internal bool
}

// storeListAll lists everything under a prefix at the current revision.
var storeListAll = store.ListOptions{}

// update runs the update pipeline: read, mutate, keep server-owned fields,
// default, validate, compare-and-swap.
func (g *registry) update(ctx context.Context, req updateRequest) (meta.Object, error) {
	for attempt := 0; ; attempt++ {
		out, err := g.tryUpdate(ctx, req)
		if err != nil && req.retry && attempt < 10 && meta.ReasonOf(err) == meta.StatusReasonConflict && isStoreConflict(err) {
			continue
		}
		return out, err
	}
}

// errStoreConflict marks a conflict that came from the store's
// compare-and-swap (which a patch retries), as opposed to a stale
// resourceVersion in the request (which it must not).
type errStoreConflict struct{ *meta.Status }

func (e errStoreConflict) Unwrap() error { return e.Status }

func isStoreConflict(err error) bool {
	var sc errStoreConflict
	return errors.As(err, &sc)
}

func (g *registry) tryUpdate(ctx context.Context, req updateRequest) (meta.Object, error) {
	old, kv, err := g.get(ctx, req.ns, req.name)
	if err != nil {
		return nil, err
	}
	obj, err := req.mutate(old, kv.Value)
	if err != nil {
		return nil, err
	}
	if err := g.checkNamespace(obj, req.ns); err != nil {
		return nil, err
	}
	om, oldm := obj.GetObjectMeta(), old.GetObjectMeta()
	if om.Name != req.name {
		return nil, meta.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", om.Name, req.name))
	}
	if om.ResourceVersion != "" && om.ResourceVersion != oldm.ResourceVersion {
		return nil, meta.NewConflict(g.res.GroupResource(), req.name, errors.New(
			"the object has been modified; please apply your changes to the latest version and try again"))
	}
	if om.UID != "" && om.UID != oldm.UID {
		return nil, meta.NewConflict(g.res.GroupResource(), req.name, fmt.Errorf(
			"Precondition failed: UID in precondition: %s, UID in object meta: %s", om.UID, oldm.UID))
	}
	// An unconditional update (no resourceVersion) writes over the stored
	// version; validation sees it as if the client had sent it.
	if om.ResourceVersion == "" {
		om.ResourceVersion = oldm.ResourceVersion
	}
	// Server-owned metadata is kept from the stored object.
	om.UID = oldm.UID
	om.CreationTimestamp = oldm.CreationTimestamp
	om.DeletionTimestamp = oldm.DeletionTimestamp
	om.DeletionGracePeriodSeconds = oldm.DeletionGracePeriodSeconds
	om.SelfLink = ""
	if om.GenerateName == "" {
		om.GenerateName = oldm.GenerateName
	}
	if d, ok := obj.(Defaulter); ok {
		d.Default()
	}
	op := "update"
	switch {
	case req.internal:
	case req.subresource == "status":
		ss, ok := g.strategy.(StatusStrategy)
		if !ok {
			return nil, meta.NewNotFound(g.res.GroupResource(), req.name)
		}
		ss.PrepareForStatusUpdate(ctx, obj, old)
	case req.subresource == "approval":
		as, ok := g.strategy.(ApprovalStrategy)
		if !ok {
			return nil, meta.NewNotFound(g.res.GroupResource(), req.name)
		}
		as.PrepareForApprovalUpdate(ctx, obj, old)
	default:
		g.strategy.PrepareForUpdate(ctx, obj, old)
	}
	if err := g.s.admit(ctx, op, g.res, obj, old, req.params.dryRun); err != nil {
		return nil, err
	}
	commit, release := func() {}, func() {}
	if h, ok := g.strategy.(updateHook); ok && !req.internal && req.subresource == "" {
		c, r, err := h.BeforeUpdate(ctx, obj, old, req.params.dryRun)
		if err != nil {
			return nil, err
		}
		if c != nil {
			commit = c
		}
		if r != nil {
			release = r
		}
	}
	var errs meta.FieldErrors
	switch {
	case req.internal:
	case req.subresource == "status":
		errs = g.strategy.(StatusStrategy).ValidateStatusUpdate(ctx, obj, old)
	case req.subresource == "approval":
		errs = g.strategy.(ApprovalStrategy).ValidateApprovalUpdate(ctx, obj, old)
	default:
		errs = g.strategy.ValidateUpdate(ctx, obj, old)
	}
	if len(errs) > 0 {
		release()
		return nil, g.invalid(obj, errs)
	}
	if err := g.s.validateAdmission(ctx, op, g.res, obj, old, req.params.dryRun); err != nil {
		release()
		return nil, err
	}
	b, err := g.encode(obj)
	if err != nil {
		release()
		return nil, meta.NewInternalError(err)
	}
	// An object being deleted goes away once its last finalizer is removed.
	if om.DeletionTimestamp != nil && len(om.Finalizers) == 0 && !g.held(obj) {
		release()
		if req.params.dryRun {
			return obj, nil
		}
		if _, err := g.s.store.Delete(ctx, kv.Key, kv.ModRevision); err != nil {
			return nil, g.writeConflict(err, req.name)
		}
		g.afterDelete(ctx, obj)
		return obj, nil
	}
	if req.params.dryRun {
		release()
		return obj, nil
	}
	// A no-op update does not write (and keeps the resourceVersion): stored
	// values are exactly what encode produces.
	if string(b) == string(kv.Value) {
		release()
		om.ResourceVersion = oldm.ResourceVersion
		return obj, nil
	}
	nkv, err := g.s.store.Update(ctx, kv.Key, b, kv.ModRevision)
	if err != nil {
		release()
		return nil, g.writeConflict(err, req.name)
	}
	om.ResourceVersion = formatRV(nkv.ModRevision)
	commit()
	return obj, nil
}

// held reports whether a kind-specific finalizer field (namespaces'
// spec.finalizers) still holds obj.
func (g *registry) held(obj meta.Object) bool {
	dh, ok := g.strategy.(deletionHolder)
	return ok && dh.holdsDeletion(obj)
}

// writeConflict maps a failed compare-and-swap, marking store conflicts so
// patches retry them.
func (g *registry) writeConflict(err error, name string) error {
	mapped := storeError(err, g.res, name)
	if errors.Is(err, store.ErrConflict) {
		var st *meta.Status
		errors.As(mapped, &st)
		return errStoreConflict{st}
	}
	return mapped
}

// deleteResult says what a delete did.
type deleteResult struct {
	obj     meta.Object
	deleted bool // gone from the store (false: marked for deletion)
}

// delete deletes one object following DeleteOptions.
func (g *registry) delete(ctx context.Context, ns, name string, opts *meta.DeleteOptions, dryRun bool) (deleteResult, error) {
	for attempt := 0; ; attempt++ {
		res, err := g.tryDelete(ctx, ns, name, opts, dryRun)
		if err != nil && attempt < 10 && isStoreConflict(err) {
			continue
		}
		return res, err
	}
}

func (g *registry) tryDelete(ctx context.Context, ns, name string, opts *meta.DeleteOptions, dryRun bool) (deleteResult, error) {
	obj, kv, err := g.get(ctx, ns, name)
	if err != nil {
		return deleteResult{}, err
	}
	om := obj.GetObjectMeta()
	if pc := opts.Preconditions; pc != nil {
		if pc.UID != nil && *pc.UID != om.UID {
			return deleteResult{}, meta.NewConflict(g.res.GroupResource(), name, fmt.Errorf(
				"Precondition failed: UID in precondition: %s, UID in object meta: %s", *pc.UID, om.UID))
		}
		if pc.ResourceVersion != nil && *pc.ResourceVersion != om.ResourceVersion {
			return deleteResult{}, meta.NewConflict(g.res.GroupResource(), name, fmt.Errorf(
				"Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %s", *pc.ResourceVersion, om.ResourceVersion))
		}
	}
	if err := g.s.validateAdmission(ctx, "delete", g.res, nil, obj, dryRun); err != nil {
		return deleteResult{}, err
	}

	// Finalizers that propagation asks for.
	changed := false
	policy := propagation(opts)
	switch policy {
	case meta.DeletePropagationOrphan:
		changed = addFinalizer(om, "orphan") || changed
		changed = removeFinalizer(om, "foregroundDeletion") || changed
	case meta.DeletePropagationForeground:
		changed = addFinalizer(om, "foregroundDeletion") || changed
		changed = removeFinalizer(om, "orphan") || changed
	}
	grace := int64(0)
	if gd, ok := g.strategy.(gracefulDeleter); ok {
		grace = gd.GracePeriod(obj, opts.GracePeriodSeconds)
	}
	held := len(om.Finalizers) > 0
	if dh, ok := g.strategy.(deletionHolder); ok && dh.holdsDeletion(obj) {
		held = true
		if om.DeletionTimestamp == nil {
			dh.beginDeletion(obj)
		}
	}
	if grace > 0 || held {
		// Mark, don't delete: the finalizers' owners (or the kubelet, for
		// a graceful delete) finish the deletion.
		now := meta.Now()
		if om.DeletionTimestamp == nil {
			ts := meta.NewTime(now.Add(time.Duration(grace) * time.Second))
			om.DeletionTimestamp = &ts
			om.DeletionGracePeriodSeconds = &grace
			if om.Generation > 0 {
				om.Generation++
			}
			changed = true
		} else if grace > 0 && om.DeletionGracePeriodSeconds != nil && grace < *om.DeletionGracePeriodSeconds {
			// A shorter grace period moves the deadline closer.
			ts := meta.NewTime(now.Add(time.Duration(grace) * time.Second))
			om.DeletionTimestamp = &ts
			om.DeletionGracePeriodSeconds = &grace
			changed = true
		}
		if !changed || dryRun {
			return deleteResult{obj: obj}, nil
		}
		b, err := g.encode(obj)
		if err != nil {
			return deleteResult{}, meta.NewInternalError(err)
		}
		nkv, err := g.s.store.Update(ctx, kv.Key, b, kv.ModRevision)
		if err != nil {
			return deleteResult{}, g.writeConflict(err, name)
		}
		om.ResourceVersion = formatRV(nkv.ModRevision)
		return deleteResult{obj: obj}, nil
	}
	if dryRun {
		return deleteResult{obj: obj, deleted: true}, nil
	}
	if _, err := g.s.store.Delete(ctx, kv.Key, kv.ModRevision); err != nil {
		return deleteResult{}, g.writeConflict(err, name)
	}
	g.afterDelete(ctx, obj)
	return deleteResult{obj: obj, deleted: true}, nil
}

func (g *registry) afterDelete(ctx context.Context, obj meta.Object) {
	if h, ok := g.strategy.(deleteHook); ok {
		h.AfterDelete(ctx, obj)
	}
}

// propagation resolves the propagation policy of a delete, defaulting to
// Background (orphanDependents is the deprecated spelling of Orphan).
func propagation(opts *meta.DeleteOptions) meta.DeletionPropagation {
	if opts.PropagationPolicy != nil {
		return *opts.PropagationPolicy
	}
	if opts.OrphanDependents != nil && *opts.OrphanDependents {
		return meta.DeletePropagationOrphan
	}
	return meta.DeletePropagationBackground
}

func addFinalizer(om *meta.ObjectMeta, f string) bool {
	for _, x := range om.Finalizers {
		if x == f {
			return false
		}
	}
	om.Finalizers = append(om.Finalizers, f)
	return true
}

func removeFinalizer(om *meta.ObjectMeta, f string) bool {
	for i, x := range om.Finalizers {
		if x == f {
			om.Finalizers = append(om.Finalizers[:i:i], om.Finalizers[i+1:]...)
			return true
		}
	}
	return false
}

// validateDeleteOptions checks a DeleteOptions body.
func validateDeleteOptions(o *meta.DeleteOptions) error {
	var errs meta.FieldErrors
	if o.OrphanDependents != nil && o.PropagationPolicy != nil {
		errs = append(errs, meta.Invalid(meta.NewPath("propagationPolicy"), string(*o.PropagationPolicy),
			"orphanDependents and deletionPropagation cannot be both set"))
	}
	if o.PropagationPolicy != nil {
		switch *o.PropagationPolicy {
		case meta.DeletePropagationBackground, meta.DeletePropagationForeground, meta.DeletePropagationOrphan:
		default:
			errs = append(errs, meta.NotSupported(meta.NewPath("propagationPolicy"), string(*o.PropagationPolicy),
				[]string{"Foreground", "Background", "Orphan", "nil"}))
		}
	}
	if o.GracePeriodSeconds != nil && *o.GracePeriodSeconds < 0 {
		// Kubernetes treats negative grace periods as 1 second for
		// compatibility; so do we.
		one := int64(1)
		o.GracePeriodSeconds = &one
	}
	for _, d := range o.DryRun {
		if d != "All" {
			errs = append(errs, meta.NotSupported(meta.NewPath("dryRun"), d, []string{"All"}))
		}
	}
	if len(errs) > 0 {
		return meta.NewInvalid(meta.GroupKind{Group: "meta.k8s.io", Kind: "DeleteOptions"}, "", errs)
	}
	return nil
}
