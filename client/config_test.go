package client_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/client"
)

// TestRequestHeaders records what the server sees of each client setting.
func TestRequestHeaders(t *testing.T) {
	type seenReq struct{ agent, auth, timeout, accept string }
	var mu sync.Mutex
	var last seenReq
	opts := &apiservertest.Options{Config: apiserver.Config{
		Authenticator: authn.AuthenticatorFunc(func(r *http.Request) (*authn.User, bool, error) {
			mu.Lock()
			last = seenReq{r.UserAgent(), r.Header.Get("Authorization"), r.URL.Query().Get("timeout"), r.Header.Get("Accept")}
			mu.Unlock()
			return &authn.User{Name: "u", Groups: []string{authn.SystemPrivilegedGrp}}, true, nil
		}),
	}}
	eachTransport(t, opts, func(t *testing.T, e env) {
		tests := []struct {
			name string
			cfg  client.Config
			want seenReq
		}{
			{"defaults", client.Config{}, seenReq{agent: "spar-client", accept: "application/json"}},
			{"settings", client.Config{UserAgent: "my-agent/1.0", BearerToken: "tok", Timeout: 45 * time.Second},
				seenReq{agent: "my-agent/1.0", auth: "Bearer tok", timeout: "45s", accept: "application/json"}},
		}
		for _, tt := range tests {
			c := e.client(tt.cfg)
			if _, err := client.Resource[core.Namespace](c).Get(t.Context(), "default"); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			mu.Lock()
			got := last
			mu.Unlock()
			if !strings.Contains(got.agent, tt.want.agent) || got.auth != tt.want.auth || got.timeout != tt.want.timeout || got.accept != tt.want.accept {
				t.Errorf("%s: server saw %+v, want %+v", tt.name, got, tt.want)
			}
		}
	})
}

// TestRateLimit uses a bucket that never refills: the first call spends
// the burst, the next cannot get a token before its deadline and fails
// without waiting.
func TestRateLimit(t *testing.T) {
	srv := apiservertest.Start(t, nil)
	c, err := client.New(&client.Config{Host: srv.URL, QPS: 0.0001, Burst: 1})
	if err != nil {
		t.Fatal(err)
	}
	nss := client.Resource[core.Namespace](c)
	if _, err := nss.Get(t.Context(), "default"); err != nil {
		t.Fatalf("first call: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if _, err := nss.Get(ctx, "default"); err == nil || !strings.Contains(err.Error(), "rate limiter") {
		t.Errorf("second call: err = %v, want the rate limiter's refusal", err)
	}
}
