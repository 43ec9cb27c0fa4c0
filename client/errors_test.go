package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/apiserver/authz"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/watch"
)

// helpers are the error predicates, by name.
var helpers = map[string]func(error) bool{
	"IsNotFound":        client.IsNotFound,
	"IsAlreadyExists":   client.IsAlreadyExists,
	"IsConflict":        client.IsConflict,
	"IsInvalid":         client.IsInvalid,
	"IsExpired":         client.IsExpired,
	"IsTooManyRequests": client.IsTooManyRequests,
	"IsForbidden":       client.IsForbidden,
	"IsUnauthorized":    client.IsUnauthorized,
}

// checkHelpers asserts that exactly the helper want is true for err.
func checkHelpers(t *testing.T, what string, err error, want string) {
	t.Helper()
	for name, is := range helpers {
		if got := is(err); got != (name == want) {
			t.Errorf("%s: %s(%v) = %v, want %v", what, name, err, got, name == want)
		}
	}
}

// TestErrors provokes each failure from a real server, through both
// transports, and checks the Status and the helpers.
func TestErrors(t *testing.T) {
	opts := &apiservertest.Options{Config: apiserver.Config{
		Authenticator: authn.AuthenticatorFunc(func(r *http.Request) (*authn.User, bool, error) {
			if r.Header.Get("Authorization") == "Bearer wrong" {
				return nil, false, errors.New("bad token")
			}
			return &authn.User{Name: "alice", Groups: []string{authn.AllAuthenticated}}, true, nil
		}),
		Authorizer: authz.AuthorizerFunc(func(_ context.Context, a authz.Attributes) (authz.Decision, string, error) {
			if a.Verb == "delete" && a.Resource == "secrets" {
				return authz.Deny, "secrets are kept", nil
			}
			return authz.Allow, "", nil
		}),
	}}
	eachTransport(t, opts, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		cms := client.Resource[core.ConfigMap](c).Namespace("default")
		cm, err := cms.Create(ctx, configMap("taken", nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		moved := meta.DeepCopy(cm)
		moved.Data = map[string]string{"v": "2"}
		if _, err := cms.Update(ctx, moved, nil); err != nil { // cm is stale now
			t.Fatal(err)
		}
		cm.Data = map[string]string{"v": "3"}
		bad := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "Bad_Name"}}

		wrongToken := e.client(client.Config{BearerToken: "wrong"})

		tests := []struct {
			name     string
			call     func() error
			helper   string
			code     int32
			message  string // a part of it
			causeFld string
		}{
			{"not found", func() error { _, err := cms.Get(ctx, "nope"); return err },
				"IsNotFound", 404, `configmaps "nope" not found`, ""},
			{"already exists", func() error { _, err := cms.Create(ctx, configMap("taken", nil), nil); return err },
				"IsAlreadyExists", 409, `configmaps "taken" already exists`, ""},
			{"conflict", func() error { _, err := cms.Update(ctx, cm, nil); return err },
				"IsConflict", 409, "the object has been modified", ""},
			{"invalid", func() error { _, err := cms.Create(ctx, bad, nil); return err },
				"IsInvalid", 422, `ConfigMap "Bad_Name" is invalid`, "metadata.name"},
			{"forbidden", func() error {
				return client.Resource[core.Secret](c).Namespace("default").Delete(ctx, "s", nil)
			}, "IsForbidden", 403, "secrets are kept", ""},
			{"unauthorized", func() error {
				_, err := client.Resource[core.ConfigMap](wrongToken).Namespace("default").Get(ctx, "taken")
				return err
			}, "IsUnauthorized", 401, "Unauthorized", ""},
			{"unknown namespace", func() error {
				_, err := client.Resource[core.ConfigMap](c).Namespace("nowhere").Create(ctx, configMap("x", nil), nil)
				return err
			}, "IsNotFound", 404, `namespaces "nowhere" not found`, ""},
			{"unknown resource", func() error {
				_, err := client.Dynamic(c, api.GVR{Group: "example.com", Version: "v1", Resource: "nothings"}, true).Namespace("default").Get(ctx, "x")
				return err
			}, "IsNotFound", 404, "could not find the requested resource", ""},
		}
		for _, tt := range tests {
			err := tt.call()
			checkHelpers(t, tt.name, err, tt.helper)
			var st *meta.Status
			if !errors.As(err, &st) {
				t.Errorf("%s: %T %v is not a *meta.Status", tt.name, err, err)
				continue
			}
			if st.Code != tt.code || !strings.Contains(st.Message, tt.message) || st.Error() != st.Message {
				t.Errorf("%s: code %d message %q, want %d and %q", tt.name, st.Code, st.Message, tt.code, tt.message)
			}
			if tt.causeFld != "" && (st.Details == nil || len(st.Details.Causes) == 0 || st.Details.Causes[0].Field != tt.causeFld) {
				t.Errorf("%s: details %+v, want a cause for %s", tt.name, st.Details, tt.causeFld)
			}
		}
	})
}

// countingTransport counts the 429 answers it carries.
type countingTransport struct {
	rt       http.RoundTripper
	tooMany  atomic.Int32
	requests atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	resp, err := c.rt.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.tooMany.Add(1)
	}
	return resp, err
}

// TestTooManyRequests fills the server's single read-only slot with a list
// that waits for a future resourceVersion, so other reads get 429: without
// retries the caller sees it; with them the call succeeds once the slot
// frees.
func TestTooManyRequests(t *testing.T) {
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{
		MaxReadOnlyInFlight: 1,
		Watch:               watch.Config{FreshnessTimeout: time.Minute},
	}})
	ctx := t.Context()
	newClient := func(retries int) (*client.Client, *countingTransport) {
		ct := &countingTransport{rt: http.DefaultTransport}
		c, err := client.New(&client.Config{Host: srv.URL, Transport: ct, MaxRetries: retries})
		if err != nil {
			t.Fatal(err)
		}
		return c, ct
	}
	blocker, _ := newClient(0)
	blockCtx, unblock := context.WithCancel(ctx)
	defer unblock()
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		client.Resource[core.ConfigMap](blocker).List(blockCtx, &client.ListOptions{ResourceVersion: "999999999"})
	}()

	noRetry, _ := newClient(-1)
	var err error
	eventually(t, "a 429 while the slot is taken", func() bool {
		_, err = client.Resource[core.Namespace](noRetry).Get(ctx, "default")
		return err != nil
	})
	checkHelpers(t, "busy server", err, "IsTooManyRequests")
	var st *meta.Status
	if errors.As(err, &st) && (st.Details == nil || st.Details.RetryAfterSeconds != 1) {
		t.Errorf("429 details = %+v, want retryAfterSeconds 1", st.Details)
	}

	retrying, ct := newClient(0)
	done := make(chan error, 1)
	go func() {
		_, err := client.Resource[core.Namespace](retrying).Get(ctx, "default")
		done <- err
	}()
	eventually(t, "the retrying client to meet a 429", func() bool { return ct.tooMany.Load() > 0 })
	unblock()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Get with retries: %v, want success after the slot freed", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the retrying Get did not finish")
	}
	if n, m := ct.tooMany.Load(), ct.requests.Load(); m != n+1 {
		t.Errorf("%d requests for %d 429s, want one more (the success)", m, n)
	}
}

func TestWarnings(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		ctx := t.Context()
		var mu sync.Mutex
		var got []string
		wc := e.client(client.Config{WarningHandler: func(_ context.Context, msg string) {
			mu.Lock()
			got = append(got, msg)
			mu.Unlock()
		}})
		// The dynamic client can send what no Go type has: a field the
		// server does not know.
		dyn := client.Dynamic(wc, api.GVR{Version: "v1", Resource: "configmaps"}, true).Namespace("default")
		obj := &meta.Unstructured{ObjectMeta: meta.ObjectMeta{Name: "odd"}, Content: map[string]any{"bogus": int64(1)}}
		if _, err := dyn.Create(ctx, obj, nil); err != nil {
			t.Fatalf("create with an unknown field (Warn): %v", err)
		}
		mu.Lock()
		if len(got) != 1 || !strings.Contains(got[0], `unknown field "bogus"`) {
			t.Errorf("warnings = %q, want one about the unknown field", got)
		}
		mu.Unlock()
		obj.Name = "odder"
		_, err := dyn.Create(ctx, obj, &client.WriteOptions{FieldValidation: "Strict"})
		if !errors.Is(err, meta.ErrBadRequest) || !strings.Contains(err.Error(), `unknown field "bogus"`) {
			t.Errorf("create with an unknown field (Strict): err = %v, want BadRequest naming it", err)
		}
	})
}

func TestDo(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		var v struct {
			GitVersion string `json:"gitVersion"`
		}
		if err := c.Do(ctx, http.MethodGet, "/version", nil, &v); err != nil || v.GitVersion == "" {
			t.Errorf("GET /version: %v, %+v", err, v)
		}
		var list core.ConfigMapList
		body := configMap("via-do", nil)
		body.TypeMeta = meta.TypeMeta{Kind: "ConfigMap", APIVersion: "v1"}
		if err := c.Do(ctx, http.MethodPost, "/api/v1/namespaces/default/configmaps", body, nil); err != nil {
			t.Fatalf("POST: %v", err)
		}
		if err := c.Do(ctx, http.MethodGet, "/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dvia-do", nil, &list); err != nil {
			t.Fatalf("GET with a query: %v", err)
		}
		if len(list.Items) != 1 || list.Items[0].Name != "via-do" {
			t.Errorf("list = %+v, want via-do alone", list.Items)
		}
		if err := c.Do(ctx, http.MethodGet, "/api/v1/namespaces/default/configmaps/none", nil, nil); !client.IsNotFound(err) {
			t.Errorf("GET of a missing object: %v, want NotFound", err)
		}
		if err := c.Do(ctx, http.MethodGet, "relative", nil, nil); err == nil {
			t.Error("a relative path was accepted")
		}
	})
}

func TestRetryOnConflict(t *testing.T) {
	srv := apiservertest.Start(t, nil)
	ctx := t.Context()
	cms := client.Resource[core.ConfigMap](httpClient(t, srv)).Namespace("default")
	if _, err := cms.Create(ctx, configMap("counter", map[string]string{"n": ""}), nil); err != nil {
		t.Fatal(err)
	}
	// Writers race on one object; each increment re-reads on conflict,
	// so none is lost.
	const writers, each = 4, 10
	var wg sync.WaitGroup
	var conflicts atomic.Int32
	errs := make(chan error, writers)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				err := client.RetryOnConflict(ctx, client.Backoff{Steps: 1000, Duration: time.Millisecond}, func() error {
					cm, err := cms.Get(ctx, "counter")
					if err != nil {
						return err
					}
					cm.Data["n"] += "x"
					_, err = cms.Update(ctx, cm, nil)
					if client.IsConflict(err) {
						conflicts.Add(1)
					}
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	cm, err := cms.Get(ctx, "counter")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(cm.Data["n"]); got != writers*each {
		t.Errorf("counter = %d after %d conflicts, want %d", got, conflicts.Load(), writers*each)
	}

	// Other errors end it at once; conflicts end it after Steps tries.
	calls := 0
	err = client.RetryOnConflict(ctx, client.Backoff{}, func() error { calls++; return meta.ErrNotFound })
	if !client.IsNotFound(err) || calls != 1 {
		t.Errorf("non-conflict: %d calls, err %v, want 1 and NotFound", calls, err)
	}
	calls = 0
	err = client.RetryOnConflict(ctx, client.Backoff{Steps: 3, Duration: time.Microsecond}, func() error {
		calls++
		return meta.NewConflict(meta.GroupResource{Resource: "configmaps"}, "x", errors.New("moved"))
	})
	if !client.IsConflict(err) || calls != 3 {
		t.Errorf("endless conflicts: %d calls, err %v, want 3 and a conflict", calls, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err = client.RetryOnConflict(cctx, client.Backoff{Steps: 3, Duration: time.Hour}, func() error {
		return meta.NewConflict(meta.GroupResource{Resource: "configmaps"}, "x", errors.New("moved"))
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while waiting: %v, want context.Canceled", err)
	}
}
