package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/authn"
)

// HeaderAuditID is the request and response header that carries a
// request's audit ID.
const HeaderAuditID = "Audit-ID"

// canonicalAuditID is HeaderAuditID as net/http keys it.
var canonicalAuditID = http.CanonicalHeaderKey(HeaderAuditID)

// DefaultMaxBodySize is Options.MaxBodySize's default: Kubernetes' request
// body limit.
const DefaultMaxBodySize = 3 << 20

// Annotations the filter adds to events.
const (
	// AnnotationRedacted says a body was withheld or had fields removed
	// because it held secret data (see the package documentation).
	AnnotationRedacted = "audit.spar.dev/redacted"
	// AnnotationOmitted says a body was not recorded, and why (too large,
	// not JSON).
	AnnotationOmitted = "audit.spar.dev/omitted"
)

// Options tune WithAudit. The zero value means every default.
type Options struct {
	// Attributes returns what the policy matches a request on. Default:
	// ParseRequest. The spar API server passes its RequestInfo.
	Attributes func(r *http.Request) Attributes
	// LongRunning reports requests whose response is a stream: they get a
	// ResponseStarted event when the response starts, and their response
	// bodies are never recorded. Default: DefaultLongRunning.
	LongRunning func(a Attributes) bool
	// MaxBodySize is the largest request or response body recorded;
	// larger ones are left out (with AnnotationOmitted). Default
	// DefaultMaxBodySize (3 MiB).
	MaxBodySize int
	// Logger receives backend errors. Default: discard.
	Logger logr.Logger
}

// filter is the shared state of WithAudit and WithFailedAuthenticationAudit.
type filter struct {
	policy      *Policy
	backend     Backend
	attributes  func(*http.Request) Attributes
	longRunning func(Attributes) bool
	maxBody     int
	log         logr.Logger
}

func newFilter(policy *Policy, backend Backend, opts *Options) *filter {
	f := &filter{policy: policy, backend: backend}
	if opts != nil {
		f.attributes, f.longRunning, f.maxBody, f.log = opts.Attributes, opts.LongRunning, opts.MaxBodySize, opts.Logger
	}
	if f.attributes == nil {
		f.attributes = ParseRequest
	}
	if f.longRunning == nil {
		f.longRunning = DefaultLongRunning
	}
	if f.maxBody <= 0 {
		f.maxBody = DefaultMaxBodySize
	}
	if f.log.GetSink() == nil {
		f.log = logr.Discard()
	}
	return f
}

// WithAudit records the requests next serves, as policy says, to backend.
// It belongs right after authentication in the filter chain: the user is
// read from the request context (authn.UserFrom). For each request the
// first matching rule gives the level; at None nothing is recorded and the
// request costs one policy evaluation. Otherwise events are written at
// RequestReceived (before next runs), ResponseStarted (long-running
// requests, when the response starts), and ResponseComplete (after next
// returns) or Panic (next panicked; the panic goes on up the chain), less
// the stages the policy omits.
//
// The request body is read ahead of next, up to Options.MaxBodySize, only
// at level Request and above; the response body is kept, likewise bounded,
// at RequestResponse, and for error responses (their Status fills
// responseStatus). Every request gets an audit ID, returned in the
// Audit-Id response header.
//
// A nil policy or backend turns auditing off: next is returned as it is.
func WithAudit(next http.Handler, policy *Policy, backend Backend, opts *Options) http.Handler {
	if policy == nil || backend == nil {
		return next
	}
	f := newFilter(policy, backend, opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.serve(w, r, next) })
}

// WithFailedAuthenticationAudit records requests that failed
// authentication: wrap the handler that answers them (with 401). The
// policy is evaluated without a user, so rules with users or userGroups do
// not match; one event is written, at ResponseStarted, with the code and a
// message naming the credentials tried.
func WithFailedAuthenticationAudit(failed http.Handler, policy *Policy, backend Backend, opts *Options) http.Handler {
	if policy == nil || backend == nil {
		return failed
	}
	f := newFilter(policy, backend, opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ac, r := f.begin(w, r, nil)
		if ac == nil {
			failed.ServeHTTP(w, r)
			return
		}
		ac.failedAuthn = authMethods(r)
		ac.longRunning = true // the response start is the one event
		rw := &responseWriter{w: w, ac: ac}
		failed.ServeHTTP(rw, r)
		if rw.code == 0 {
			rw.started(http.StatusOK)
		}
	})
}

// auditContext is one audited request.
type auditContext struct {
	f           *filter
	d           Decision
	attrs       Attributes
	longRunning bool
	failedAuthn string // the message of a failed authentication, else ""

	mu         sync.Mutex
	ev         Event
	reqBody    []byte // captured request body, when the level needs it
	reqType    string // its Content-Type
	reqTooBig  bool
	reqJSON    bool // RequestBodyDecoded vouched for reqBody: valid JSON, objectRef filled
	reqObj     any  // from LogRequestObject, preferred to reqBody
	respObj    any  // from LogResponseObject, preferred to the captured body
	hasReqObj  bool
	hasRespObj bool
}

type contextKey struct{}

func from(ctx context.Context) *auditContext {
	ac, _ := ctx.Value(contextKey{}).(*auditContext)
	return ac
}

// begin evaluates the policy and, unless the level is None, starts the
// event and puts it in the request's context.
func (f *filter) begin(w http.ResponseWriter, r *http.Request, u *authn.User) (*auditContext, *http.Request) {
	// The header map is indexed by the canonical key ("Audit-Id"), which
	// spares Get and Set canonicalizing "Audit-ID" on every request.
	var id string
	if v := r.Header[canonicalAuditID]; len(v) > 0 {
		id = v[0]
	}
	if id == "" {
		id = newAuditID()
	}
	w.Header()[canonicalAuditID] = []string{id}
	attrs := f.attributes(r)
	d := f.policy.Evaluate(u, attrs)
	if d.Level == LevelNone {
		return nil, r
	}
	ac := &auditContext{f: f, d: d, attrs: attrs, longRunning: f.longRunning(attrs)}
	ac.ev = Event{
		TypeMeta:                 meta.TypeMeta{Kind: "Event", APIVersion: APIVersion},
		Level:                    d.Level,
		AuditID:                  id,
		RequestURI:               r.URL.RequestURI(),
		Verb:                     attrs.Verb,
		SourceIPs:                sourceIPs(r),
		UserAgent:                userAgent(r),
		RequestReceivedTimestamp: meta.MicroTime{Time: time.Now().UTC().Truncate(time.Microsecond)},
		// Every body the filter puts in an event is valid JSON.
		trusted: true,
	}
	if u != nil {
		ac.ev.User = UserInfo{Username: u.Name, UID: u.UID, Groups: u.Groups, Extra: u.Extra}
	}
	if attrs.ResourceRequest {
		ac.ev.ObjectRef = &ObjectReference{
			Resource: attrs.Resource, Subresource: attrs.Subresource, Namespace: attrs.Namespace, Name: attrs.Name,
			APIGroup: attrs.APIGroup, APIVersion: attrs.APIVersion,
		}
	}
	return ac, r.WithContext(context.WithValue(r.Context(), contextKey{}, ac))
}

func (f *filter) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	u, _ := authn.UserFrom(r.Context())
	ac, r := f.begin(w, r, u)
	if ac == nil {
		next.ServeHTTP(w, r)
		return
	}
	ac.emit(StageRequestReceived, nil)
	// At Metadata the body of a create is still read: the new object's
	// name is only there. It is not recorded.
	if !ac.longRunning && (ac.d.Level.AtLeast(LevelRequest) || (ac.attrs.Verb == "create" && ac.attrs.Name == "")) {
		ac.captureRequest(r)
	}
	rw := &responseWriter{w: w, ac: ac}
	defer func() {
		if v := recover(); v != nil {
			ac.mu.Lock()
			ac.recordBodies(nil)
			ac.mu.Unlock()
			ac.emit(StagePanic, &meta.Status{
				Status: meta.StatusFailure, Code: http.StatusInternalServerError,
				Reason: meta.StatusReasonInternalError, Message: fmt.Sprintf("APIServer panic'd: %v", v),
			})
			panic(v)
		}
	}()
	next.ServeHTTP(rw, r)
	if rw.code == 0 {
		// Nothing was written: the server sends an empty 200.
		rw.started(http.StatusOK)
	}
	ac.emit(StageResponseComplete, rw.status())
}

// captureRequest reads the body (up to the limit) so that it can be
// recorded, and gives next a body that reads the same bytes.
func (ac *auditContext) captureRequest(r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	limit := ac.f.maxBody
	var body []byte
	var err error
	if n := r.ContentLength; n >= 0 && n <= int64(limit) {
		// The usual case: one buffer of the announced size (and a byte
		// more, to notice a body longer than announced).
		body = make([]byte, n+1)
		var got int
		got, err = io.ReadFull(r.Body, body)
		body = body[:got]
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			err = nil
		} else if err == nil {
			// Longer than announced: read on up to the limit.
			var more []byte
			more, err = io.ReadAll(io.LimitReader(r.Body, int64(limit+1-got)))
			body = append(body, more...)
		}
	} else {
		body, err = io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	}
	r.Body = &replayBody{buf: body, rest: r.Body, err: err}
	ac.mu.Lock()
	defer ac.mu.Unlock()
	if v := r.Header["Content-Type"]; len(v) > 0 {
		ac.reqType = v[0]
	}
	switch {
	case err != nil: // nothing to record; next sees the error
	case len(body) > limit:
		ac.reqTooBig = true
	default:
		ac.reqBody = body
	}
}

// replayBody reads buf, then fails with err if reading the body failed,
// then reads on from rest (what was beyond the limit).
type replayBody struct {
	buf  []byte
	rest io.ReadCloser
	err  error
}

func (b *replayBody) Read(p []byte) (int, error) {
	if len(b.buf) > 0 {
		n := copy(p, b.buf)
		b.buf = b.buf[n:]
		return n, nil
	}
	if b.err != nil {
		// Let next meet the same error where it reads.
		return 0, b.err
	}
	return b.rest.Read(p)
}

func (b *replayBody) Close() error { return b.rest.Close() }

// emit writes the event at stage, with status as its responseStatus,
// unless the policy omits the stage. The backend gets a snapshot of its
// own: the request may still add annotations.
func (ac *auditContext) emit(stage Stage, status *meta.Status) {
	if ac.d.Omits(stage) {
		return
	}
	ac.mu.Lock()
	ev := ac.ev
	ev.Stage = stage
	ev.StageTimestamp = meta.MicroTime{Time: time.Now().UTC().Truncate(time.Microsecond)}
	ev.ResponseStatus = status
	if ev.ObjectRef != nil {
		ref := *ev.ObjectRef
		ev.ObjectRef = &ref
	}
	ev.Annotations = maps.Clone(ev.Annotations)
	ac.mu.Unlock()
	if err := ac.f.backend.Process(&ev); err != nil {
		ac.f.log.Error(err, "audit backend failed", "auditID", ev.AuditID, "stage", stage)
	}
}

func (ac *auditContext) annotate(key, value string) {
	if ac.ev.Annotations == nil {
		ac.ev.Annotations = map[string]string{}
	}
	ac.ev.Annotations[key] = value
}

// responseWriter follows the response: its code, when it starts, and the
// body when it is to be recorded.
type responseWriter struct {
	w  http.ResponseWriter
	ac *auditContext

	code     int           // 0 until the headers are sent
	body     *bytes.Buffer // the captured body, nil when not captured
	overflow bool
	ctype    string
}

func (rw *responseWriter) Header() http.Header { return rw.w.Header() }

func (rw *responseWriter) WriteHeader(code int) {
	if rw.code == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		rw.started(code)
	}
	rw.w.WriteHeader(code)
}

func (rw *responseWriter) Write(b []byte) (int, error) {
	if rw.code == 0 {
		rw.started(http.StatusOK)
	}
	if rw.body != nil && !rw.overflow {
		if rw.body.Len()+len(b) > rw.ac.f.maxBody {
			rw.overflow = true
			rw.body = nil // release what was kept
		} else {
			rw.body.Write(b)
		}
	}
	return rw.w.Write(b)
}

// Flush passes through, so watch events reach the client.
func (rw *responseWriter) Flush() {
	if rw.code == 0 {
		rw.started(http.StatusOK)
	}
	http.NewResponseController(rw.w).Flush()
}

// Hijack passes through for protocol upgrades (exec, attach,
// port-forward), which start the response with 101.
func (rw *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if rw.code == 0 {
		rw.started(http.StatusSwitchingProtocols)
	}
	return http.NewResponseController(rw.w).Hijack()
}

// Unwrap lets http.ResponseController reach the connection.
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.w }

// started records the response code: the ResponseStarted event of a
// long-running request, and whether to keep the body.
func (rw *responseWriter) started(code int) {
	rw.code = code
	ac := rw.ac
	rw.ctype = rw.w.Header().Get("Content-Type")
	success := code >= 200 && code < 300
	if (!ac.longRunning && ac.d.Level.AtLeast(LevelRequestResponse)) || !success {
		rw.body = &bytes.Buffer{}
	}
	if ac.longRunning {
		st := &meta.Status{Code: int32(code)}
		if ac.failedAuthn != "" {
			st.Message = ac.failedAuthn
		}
		ac.emit(StageResponseStarted, st)
	}
}

// status builds the responseStatus of the complete response and records
// the bodies the level calls for.
func (rw *responseWriter) status() *meta.Status {
	ac := rw.ac
	st := &meta.Status{Code: int32(rw.code)}
	if rw.code < 200 || rw.code >= 300 {
		if s, ok := decodeStatus(rw.body, rw.overflow); ok {
			// Only the bounded fields, as Kubernetes copies them.
			st = &meta.Status{Status: s.Status, Message: s.Message, Reason: s.Reason, Details: s.Details, Code: int32(rw.code)}
		}
	}
	ac.mu.Lock()
	defer ac.mu.Unlock()
	ac.recordBodies(rw)
	return st
}

func decodeStatus(body *bytes.Buffer, overflow bool) (*meta.Status, bool) {
	if body == nil || overflow || body.Len() == 0 {
		return nil, false
	}
	var s meta.Status
	if err := json.Unmarshal(body.Bytes(), &s); err != nil || s.Kind != "Status" {
		return nil, false
	}
	return &s, true
}

// recordBodies completes objectRef from the request body and sets
// requestObject and responseObject (none when rw is nil: the handler
// panicked), as the level allows and the secret rule permits. Called with
// ac.mu held.
func (ac *auditContext) recordBodies(rw *responseWriter) {
	var (
		req     []byte
		omitted string
	)
	switch {
	case ac.hasReqObj:
		req = marshalObject(ac.reqObj)
	case ac.reqTooBig:
		omitted = "requestObject: larger than " + strconv.Itoa(ac.f.maxBody) + " bytes"
	case ac.reqJSON:
		req = bytes.TrimSpace(ac.reqBody)
	case ac.reqBody != nil:
		if req = toJSON(ac.reqBody, ac.reqType); req == nil {
			omitted = "requestObject: not JSON or YAML"
		}
	}
	if req != nil && !ac.reqJSON {
		ac.fillObjectRef(req)
	}
	if !ac.d.Level.AtLeast(LevelRequest) {
		return // the body was read for objectRef only
	}
	if omitted != "" {
		ac.annotate(AnnotationOmitted, omitted)
	}
	if isSecret(ac.attrs) && !ac.d.NamesResource {
		ac.annotate(AnnotationRedacted, "secret objects are recorded only by a rule that names secrets")
		return
	}
	sensitive := isSecret(ac.attrs) || isTokenRequest(ac.attrs)
	// A rule that names secrets (or serviceaccounts/token) gets their
	// bodies whole; every other body loses any secret data it holds.
	c := cleaner{
		scrub:             !(sensitive && ac.d.NamesResource),
		omitManagedFields: ac.d.OmitManagedFields,
		redacted:          func() { ac.annotate(AnnotationRedacted, "secret data removed") },
	}
	if req != nil {
		ac.ev.RequestObject = c.clean(req)
	}

	if rw == nil || !ac.d.Level.AtLeast(LevelRequestResponse) || ac.longRunning {
		return
	}
	var resp []byte
	switch {
	case ac.hasRespObj:
		resp = marshalObject(ac.respObj)
	case rw.overflow:
		ac.annotate(AnnotationOmitted, "responseObject: larger than "+strconv.Itoa(ac.f.maxBody)+" bytes")
	case rw.body != nil && rw.body.Len() > 0:
		resp = toJSON(rw.body.Bytes(), rw.ctype)
	}
	if resp != nil {
		ac.ev.ResponseObject = c.clean(resp)
	}
}

// fillObjectRef completes objectRef from the request object's metadata
// (the name of a create is only in the body), read by a token scan that
// decodes nothing else.
func (ac *auditContext) fillObjectRef(obj []byte) {
	if ac.ev.ObjectRef == nil {
		return
	}
	ac.fill(metadataRef(obj))
}

// fill sets the objectRef fields that are still empty.
func (ac *auditContext) fill(namespace, name, uid, resourceVersion string) {
	ref := ac.ev.ObjectRef
	ref.Namespace = orElse(ref.Namespace, namespace)
	ref.Name = orElse(ref.Name, name)
	ref.UID = orElse(ref.UID, uid)
	ref.ResourceVersion = orElse(ref.ResourceVersion, resourceVersion)
}

func marshalObject(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// LevelOf returns the audit level of the request ctx belongs to (LevelNone
// when it is not audited), so a handler can skip work nobody records.
func LevelOf(ctx context.Context) Level {
	if ac := from(ctx); ac != nil {
		return ac.d.Level
	}
	return LevelNone
}

// AddAnnotation adds key=value to the request's events from now on (the
// authorization stage records its decision this way). No-op for requests
// not audited.
func AddAnnotation(ctx context.Context, key, value string) {
	if ac := from(ctx); ac != nil {
		ac.mu.Lock()
		ac.annotate(key, value)
		ac.mu.Unlock()
	}
}

// LogImpersonatedUser records the user a request acts as when its caller
// impersonates one.
func LogImpersonatedUser(ctx context.Context, u *authn.User) {
	if ac := from(ctx); ac != nil && u != nil {
		ac.mu.Lock()
		ac.ev.ImpersonatedUser = &UserInfo{Username: u.Name, UID: u.UID, Groups: u.Groups, Extra: u.Extra}
		ac.mu.Unlock()
	}
}

// RequestBodyDecoded tells the audit of ctx's request that the handler
// decoded body, the request's JSON body as it was sent, into an object
// with the metadata om: the filter then records its copy of the body
// without checking that it is JSON again, and completes objectRef from om
// rather than from a scan of the body. A body that is not the one the
// filter captured (or that does not start as a JSON object) is ignored.
// The handler of a create or update has done both already; this spares
// every audited write a second pass over its body.
func RequestBodyDecoded(ctx context.Context, body []byte, om *meta.ObjectMeta) {
	ac := from(ctx)
	if ac == nil {
		return
	}
	ac.mu.Lock()
	defer ac.mu.Unlock()
	if ac.hasReqObj || ac.reqBody == nil || !bytes.Equal(ac.reqBody, body) {
		return
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return // YAML the filter would convert, or not an object
	}
	ac.reqJSON = true
	if ref := ac.ev.ObjectRef; ref != nil {
		ref.Namespace = orElse(ref.Namespace, om.Namespace)
		ref.Name = orElse(ref.Name, om.Name)
		ref.UID = orElse(ref.UID, string(om.UID))
		ref.ResourceVersion = orElse(ref.ResourceVersion, om.ResourceVersion)
	}
}

// LogRequestObject gives the decoded request object, recorded instead of
// the raw body: a handler calls it for bodies the filter cannot read
// (protobuf). It is marshalled to JSON when the response completes, so obj
// must not change after the call. At level Metadata it only completes
// objectRef (name, namespace, uid, resourceVersion).
func LogRequestObject(ctx context.Context, obj any) {
	ac := from(ctx)
	if ac == nil {
		return
	}
	if mo, ok := obj.(meta.Object); ok {
		om := mo.GetObjectMeta()
		ac.mu.Lock()
		if ref := ac.ev.ObjectRef; ref != nil {
			ref.Namespace = orElse(ref.Namespace, om.Namespace)
			ref.Name = orElse(ref.Name, om.Name)
			ref.UID = orElse(ref.UID, string(om.UID))
			ref.ResourceVersion = orElse(ref.ResourceVersion, om.ResourceVersion)
		}
		ac.mu.Unlock()
	}
	if !ac.d.Level.AtLeast(LevelRequest) {
		return
	}
	ac.mu.Lock()
	ac.reqObj, ac.hasReqObj = obj, true
	ac.mu.Unlock()
}

// LogResponseObject gives the response object, recorded instead of the
// captured body; obj must not change after the call.
func LogResponseObject(ctx context.Context, obj any) {
	if ac := from(ctx); ac != nil && ac.d.Level.AtLeast(LevelRequestResponse) {
		ac.mu.Lock()
		ac.respObj, ac.hasRespObj = obj, true
		ac.mu.Unlock()
	}
}

// orElse returns a unless it is empty, else b.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
