package apiserver_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/apiserver/authn"
)

func TestAdmissionChainWired(t *testing.T) {
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{AdmissionPlugins: admission.DefaultPlugins}})
	a := &apiClient{t: t, url: srv.URL}
	a.expect(201, "POST", "/api/v1/namespaces/default/serviceaccounts", "application/json", `{"metadata":{"name":"default"}}`)
	var pod struct {
		Spec struct {
			ServiceAccountName string                  `json:"serviceAccountName"`
			Tolerations        []struct{ Key string }  `json:"tolerations"`
			Priority           *int32                  `json:"priority"`
			Volumes            []struct{ Name string } `json:"volumes"`
		} `json:"spec"`
	}
	a.expect(201, "POST", "/api/v1/namespaces/default/pods", "application/json",
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}`).into(t, &pod)
	if pod.Spec.ServiceAccountName != "default" || len(pod.Spec.Tolerations) != 2 || pod.Spec.Priority == nil ||
		len(pod.Spec.Volumes) != 1 || !strings.HasPrefix(pod.Spec.Volumes[0].Name, "kube-api-access-") {
		t.Errorf("admitted pod: %+v", pod.Spec)
	}
	// Dry runs are admitted as dry runs: the quota is not charged.
	a.expect(201, "POST", "/api/v1/namespaces/default/resourcequotas", "application/json", `{"metadata":{"name":"q"},"spec":{"hard":{"configmaps":"1"}}}`)
	// Protected namespaces cannot be deleted.
	r := a.expect(403, "DELETE", "/api/v1/namespaces/kube-system", "", "")
	contains(t, "immortal namespace", r.status(t).Message, "may not be deleted")
	// The system priority classes exist.
	a.expect(200, "GET", "/apis/scheduling.k8s.io/v1/priorityclasses/system-node-critical", "", "")
}

// TestAdmissionListsFollowChanges: admission reads limit ranges through
// lists it remembers per cache revision; a LimitRange created or deleted
// after pods were admitted without it applies, or stops applying, to the
// next pods.
func TestAdmissionListsFollowChanges(t *testing.T) {
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{AdmissionPlugins: admission.DefaultPlugins}})
	a := &apiClient{t: t, url: srv.URL}
	a.expect(201, "POST", "/api/v1/namespaces/default/serviceaccounts", "application/json", `{"metadata":{"name":"default"}}`)
	n := 0
	// defaulted creates a pod and reports whether the LimitRange's default
	// request was applied to it.
	defaulted := func() bool {
		n++
		var pod struct {
			Spec struct {
				Containers []struct {
					Resources struct{ Requests map[string]string } `json:"resources"`
				} `json:"containers"`
			} `json:"spec"`
		}
		a.expect(201, "POST", "/api/v1/namespaces/default/pods", "application/json",
			fmt.Sprintf(`{"metadata":{"name":"p%d"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}`, n)).into(t, &pod)
		return pod.Spec.Containers[0].Resources.Requests["cpu"] == "150m"
	}
	// until creates pods until one is defaulted as want, then checks that
	// the next ones are too.
	until := func(want bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for defaulted() != want {
			if time.Now().After(deadline) {
				t.Fatalf("after 20s pods are still defaulted=%v", !want)
			}
		}
		for range 3 {
			if defaulted() != want {
				t.Fatalf("a pod after the change is defaulted=%v", !want)
			}
		}
	}
	until(false)
	a.expect(201, "POST", "/api/v1/namespaces/default/limitranges", "application/json",
		`{"metadata":{"name":"l"},"spec":{"limits":[{"type":"Container","defaultRequest":{"cpu":"150m"}}]}}`)
	until(true)
	a.expect(200, "DELETE", "/api/v1/namespaces/default/limitranges/l", "", "")
	until(false)
}

func TestTokenRequest(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	iss := &authn.Issuer{URL: "https://kubernetes.default.svc.cluster.local", Key: key}
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{ServiceAccountIssuer: iss}})
	a := &apiClient{t: t, url: srv.URL}
	a.expect(201, "POST", "/api/v1/namespaces/default/serviceaccounts", "application/json", `{"metadata":{"name":"bot"}}`)
	var tr struct {
		Spec struct {
			Audiences         []string `json:"audiences"`
			ExpirationSeconds int64    `json:"expirationSeconds"`
		} `json:"spec"`
		Status struct {
			Token               string    `json:"token"`
			ExpirationTimestamp time.Time `json:"expirationTimestamp"`
		} `json:"status"`
	}
	a.expect(201, "POST", "/api/v1/namespaces/default/serviceaccounts/bot/token", "application/json",
		`{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":1200}}`).into(t, &tr)
	if strings.Count(tr.Status.Token, ".") != 2 || tr.Spec.ExpirationSeconds != 1200 || len(tr.Spec.Audiences) != 1 ||
		time.Until(tr.Status.ExpirationTimestamp) < 19*time.Minute {
		t.Errorf("token request: %+v", tr)
	}
	// The issued token authenticates as the account.
	var sa core.ServiceAccount
	a.expect(200, "GET", "/api/v1/namespaces/default/serviceaccounts/bot", "", "").into(t, &sa)
	sat := &authn.ServiceAccountTokens{Keys: []crypto.PublicKey{key.Public()}, Issuers: []string{iss.URL}, Audiences: tr.Spec.Audiences,
		GetServiceAccount: func(_ context.Context, ns, name string) (*core.ServiceAccount, error) { return &sa, nil }}
	req, _ := http.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer "+tr.Status.Token)
	u, ok, err := sat.AuthenticateRequest(req)
	if err != nil || !ok || u.Name != "system:serviceaccount:default:bot" {
		t.Errorf("the issued token authenticates as %+v, %v, %v", u, ok, err)
	}
	r := a.expect(422, "POST", "/api/v1/namespaces/default/serviceaccounts/bot/token", "application/json", `{"spec":{"expirationSeconds":60}}`)
	contains(t, "short token", r.status(t).Message, "may not specify a duration less than 10 minutes")
	a.expect(404, "POST", "/api/v1/namespaces/default/serviceaccounts/nobody/token", "application/json", `{}`)
}

func TestAuditLogWired(t *testing.T) {
	dir := t.TempDir()
	backend, err := audit.NewLog(audit.LogOptions{Path: filepath.Join(dir, "audit.log")})
	if err != nil {
		t.Fatal(err)
	}
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{AuditPolicy: audit.DefaultPolicy(), AuditBackend: backend}})
	a := &apiClient{t: t, url: srv.URL}
	a.expect(201, "POST", cmPath, "application/json", `{"metadata":{"name":"audited"}}`)
	a.expect(201, "POST", "/api/v1/namespaces/default/secrets", "application/json", `{"metadata":{"name":"s"},"stringData":{"password":"hunter2"}}`)
	var found bool
	deadline := time.Now().Add(5 * time.Second)
	for !found && time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(dir, "audit.log"))
		if strings.Contains(string(b), "hunter2") || strings.Contains(string(b), "aHVudGVyMg") {
			t.Fatal("a secret's data is in the audit log")
		}
		for _, line := range strings.Split(string(b), "\n") {
			var ev struct {
				Verb      string `json:"verb"`
				ObjectRef struct {
					Resource, Name string
				} `json:"objectRef"`
				Stage string `json:"stage"`
			}
			if json.Unmarshal([]byte(line), &ev) == nil && ev.Verb == "create" && ev.ObjectRef.Name == "audited" && ev.Stage == "ResponseComplete" {
				found = true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !found {
		t.Error("no ResponseComplete event for the configmap create")
	}
}
