package authn_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/authn"
)

// cluster is the objects tokens are bound to, looked up as from caches.
type cluster struct {
	sas   map[string]*core.ServiceAccount
	pods  map[string]*core.Pod
	nodes map[string]*core.Node
}

func newCluster() *cluster {
	c := &cluster{sas: map[string]*core.ServiceAccount{}, pods: map[string]*core.Pod{}, nodes: map[string]*core.Node{}}
	c.sas["default/robot"] = &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "robot", UID: "sa-uid-1"}}
	c.pods["default/web-0"] = &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "web-0", UID: "pod-uid-1"}}
	c.nodes["n1"] = &core.Node{ObjectMeta: meta.ObjectMeta{Name: "n1", UID: "node-uid-1"}}
	return c
}

func notFound(res, name string) error {
	return meta.NewNotFound(meta.GroupResource{Resource: res}, name)
}

func (c *cluster) sa(_ context.Context, ns, name string) (*core.ServiceAccount, error) {
	if o, ok := c.sas[ns+"/"+name]; ok {
		return o, nil
	}
	return nil, notFound("serviceaccounts", name)
}

func (c *cluster) pod(_ context.Context, ns, name string) (*core.Pod, error) {
	if o, ok := c.pods[ns+"/"+name]; ok {
		return o, nil
	}
	return nil, notFound("pods", name)
}

func (c *cluster) node(_ context.Context, name string) (*core.Node, error) {
	if o, ok := c.nodes[name]; ok {
		return o, nil
	}
	return nil, notFound("nodes", name)
}

func (c *cluster) verifier(keys ...crypto.PublicKey) *authn.ServiceAccountTokens {
	return &authn.ServiceAccountTokens{Keys: keys, GetServiceAccount: c.sa, GetPod: c.pod, GetNode: c.node}
}

func issue(t *testing.T, i *authn.Issuer, aud []string, exp time.Time, pod *authn.PodRef) string {
	t.Helper()
	tok, err := i.Issue("default", "robot", "sa-uid-1", aud, exp, pod)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// forge re-writes a token's header and claims and signs it with sign
// (nil: an empty signature).
func forge(t *testing.T, tok string, header map[string]any, mutate func(claims map[string]any), sign func(input []byte) []byte) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(claims)
	}
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(claims)
	input := b64(h) + "." + b64(p)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(input))
	}
	return input + "." + b64(sig)
}

func es256(key *ecdsa.PrivateKey) func([]byte) []byte {
	return func(input []byte) []byte {
		sum := sha256.Sum256(input)
		r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
		if err != nil {
			panic(err)
		}
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		s.FillBytes(out[32:])
		return out
	}
}

func hs256(secret []byte) func([]byte) []byte {
	return func(input []byte) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write(input)
		return m.Sum(nil)
	}
}

func TestServiceAccountTokens(t *testing.T) {
	key := newKey(t)
	other := newKey(t)
	now := time.Now()
	iss := &authn.Issuer{Key: key}
	aud := []string{authn.DefaultIssuer}
	valid := issue(t, iss, aud, now.Add(time.Hour), nil)
	bound := issue(t, iss, aud, now.Add(time.Hour), &authn.PodRef{Name: "web-0", UID: "pod-uid-1", NodeName: "n1", NodeUID: "node-uid-1"})
	pubDER, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	es := map[string]any{"alg": "ES256", "typ": "JWT"}

	tests := []struct {
		name    string
		token   string
		change  func(c *cluster) // the world after issuance
		at      time.Duration    // verification time after now
		wantOK  bool
		wantErr error // nil with !wantOK: not recognized
	}{
		{"valid", valid, nil, 0, true, nil},
		{"valid, bound to a pod", bound, nil, 0, true, nil},
		{"valid until the last second", valid, nil, time.Hour - time.Second, true, nil},
		{"expired", valid, nil, time.Hour, false, authn.ErrExpired},
		{"not yet valid", issue(t, &authn.Issuer{Key: key, Now: func() time.Time { return now.Add(10 * time.Minute) }}, aud, now.Add(time.Hour), nil), nil, 0, false, authn.ErrNotYetValid},
		{"issued a little in the future (clock skew)", issue(t, &authn.Issuer{Key: key, Now: func() time.Time { return now.Add(30 * time.Second) }}, aud, now.Add(time.Hour), nil), nil, 0, true, nil},
		{"wrong audience", issue(t, iss, []string{"vault"}, now.Add(time.Hour), nil), nil, 0, false, authn.ErrInvalid},
		{"one of several audiences", issue(t, iss, []string{"vault", authn.DefaultIssuer}, now.Add(time.Hour), nil), nil, 0, true, nil},
		{"service account deleted", valid, func(c *cluster) { delete(c.sas, "default/robot") }, 0, false, authn.ErrInvalid},
		{"service account recreated", valid, func(c *cluster) { c.sas["default/robot"].UID = "sa-uid-2" }, 0, false, authn.ErrInvalid},
		{"service account being deleted, within the leeway", valid, func(c *cluster) {
			ts := meta.NewTime(now.Add(-30 * time.Second))
			c.sas["default/robot"].DeletionTimestamp = &ts
		}, 0, true, nil},
		{"service account deleted past the leeway", valid, func(c *cluster) {
			ts := meta.NewTime(now.Add(-2 * time.Minute))
			c.sas["default/robot"].DeletionTimestamp = &ts
		}, 0, false, authn.ErrInvalid},
		{"pod deleted", bound, func(c *cluster) { delete(c.pods, "default/web-0") }, 0, false, authn.ErrInvalid},
		{"pod recreated", bound, func(c *cluster) { c.pods["default/web-0"].UID = "pod-uid-2" }, 0, false, authn.ErrInvalid},
		{"node replaced", bound, func(c *cluster) { c.nodes["n1"].UID = "node-uid-2" }, 0, false, authn.ErrInvalid},
		{"unbound token survives pod deletion", valid, func(c *cluster) { delete(c.pods, "default/web-0") }, 0, true, nil},
		{"signed by another key", issue(t, &authn.Issuer{Key: other}, aud, now.Add(time.Hour), nil), nil, 0, false, authn.ErrInvalid},
		{"alg none", forge(t, valid, map[string]any{"alg": "none", "typ": "JWT"}, nil, nil), nil, 0, false, authn.ErrInvalid},
		{"HS256 keyed with the public key PEM", forge(t, valid, map[string]any{"alg": "HS256", "typ": "JWT"}, nil, hs256(pubPEM)), nil, 0, false, authn.ErrInvalid},
		{"HS256 keyed with the public key DER", forge(t, valid, map[string]any{"alg": "HS256", "typ": "JWT"}, nil, hs256(pubDER)), nil, 0, false, authn.ErrInvalid},
		{"RS256 from an RSA key", issue(t, &authn.Issuer{Key: rsaKey}, aud, now.Add(time.Hour), nil), nil, 0, false, authn.ErrInvalid},
		{"claims changed after signing", forge(t, valid, es, func(c map[string]any) { c["sub"] = "system:serviceaccount:kube-system:admin" }, nil), nil, 0, false, authn.ErrInvalid},
		{"expiry extended after signing", forge(t, valid, es, func(c map[string]any) { c["exp"] = now.Add(100 * time.Hour).Unix() }, nil), nil, 0, false, authn.ErrInvalid},
		{"no expiry (signed)", forge(t, valid, es, func(c map[string]any) { delete(c, "exp") }, es256(key)), nil, 0, false, authn.ErrInvalid},
		{"subject not matching the claim (signed)", forge(t, valid, es, func(c map[string]any) { c["sub"] = "system:serviceaccount:default:other" }, es256(key)), nil, 0, false, authn.ErrInvalid},
		{"forged by the right key, kid missing", forge(t, valid, es, nil, es256(key)), nil, 0, true, nil},
		{"truncated", valid[:len(valid)-10], nil, 0, false, authn.ErrInvalid},
		{"signature dropped", valid[:strings.LastIndex(valid, ".")+1], nil, 0, false, authn.ErrInvalid},
		{"another issuer", issue(t, &authn.Issuer{Key: key, URL: "https://accounts.example.com"}, aud, now.Add(time.Hour), nil), nil, 0, false, nil},
		{"garbage", "not-a-jwt", nil, 0, false, nil},
		{"three garbage parts", "a.b.c", nil, 0, false, nil},
		{"payload not JSON", "eyJhbGciOiJFUzI1NiJ9." + b64([]byte("[1,2")) + ".c2ln", nil, 0, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster()
			if tt.change != nil {
				tt.change(c)
			}
			v := c.verifier(&key.PublicKey)
			v.Now = func() time.Time { return now.Add(tt.at) }
			// Twice: the second answer may come from the cache.
			for i := range 2 {
				u, ok, err := v.AuthenticateRequest(bearerRequest("/api", tt.token))
				if ok != tt.wantOK || (tt.wantErr == nil) != (err == nil) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
					t.Fatalf("try %d: got ok=%v err=%v, want ok=%v err=%v", i, ok, err, tt.wantOK, tt.wantErr)
				}
				if err != nil && strings.Contains(err.Error(), tt.token) {
					t.Errorf("error reveals the token: %v", err)
				}
				if ok {
					wantGroups := []string{"system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"}
					if u.Name != "system:serviceaccount:default:robot" || u.UID != "sa-uid-1" || !slices.Equal(u.Groups, wantGroups) {
						t.Errorf("user = %+v", u)
					}
				}
			}
		})
	}
}

func TestServiceAccountTokenBindingExtras(t *testing.T) {
	key := newKey(t)
	tok := issue(t, &authn.Issuer{Key: key}, []string{authn.DefaultIssuer}, time.Now().Add(time.Hour),
		&authn.PodRef{Name: "web-0", UID: "pod-uid-1", NodeName: "n1", NodeUID: "node-uid-1"})
	u, ok, err := newCluster().verifier(&key.PublicKey).AuthenticateToken(context.Background(), tok)
	if !ok || err != nil {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	for k, want := range map[string]string{
		authn.ExtraPodName: "web-0", authn.ExtraPodUID: "pod-uid-1",
		authn.ExtraNodeName: "n1", authn.ExtraNodeUID: "node-uid-1",
	} {
		if got := u.Extra[k]; !slices.Equal(got, []string{want}) {
			t.Errorf("extra %s = %v, want [%s]", k, got, want)
		}
	}
	if id := u.Extra[authn.ExtraCredentialID]; len(id) != 1 || !strings.HasPrefix(id[0], "JTI=") {
		t.Errorf("credential id = %v, want JTI=<uuid>", id)
	}
	// Without a pod lookup, a pod-bound token is refused, not trusted.
	v := newCluster().verifier(&key.PublicKey)
	v.GetPod = nil
	if _, ok, err := v.AuthenticateToken(context.Background(), tok); ok || !errors.Is(err, authn.ErrInvalid) {
		t.Errorf("no pod lookup: ok=%v err=%v, want refused", ok, err)
	}
}

// The token has Kubernetes' shape, so that other verifiers (an OIDC
// client, kube-apiserver given the same key) accept it.
func TestServiceAccountTokenClaims(t *testing.T) {
	key := newKey(t)
	now := time.Unix(1_750_000_000, 0)
	tok, err := (&authn.Issuer{Key: key, Now: func() time.Time { return now }}).Issue("ns1", "robot", "sa-uid",
		[]string{"api"}, now.Add(time.Hour), &authn.PodRef{Name: "p", UID: "pod-uid", NodeName: "n", NodeUID: "node-uid"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	var header map[string]any
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	json.Unmarshal(h, &header)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	kid := sha256.Sum256(der)
	if header["alg"] != "ES256" || header["typ"] != "JWT" || header["kid"] != b64(kid[:]) {
		t.Errorf("header = %v", header)
	}
	var claims map[string]any
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	json.Unmarshal(p, &claims)
	want := map[string]any{
		"iss": "https://kubernetes.default.svc.cluster.local",
		"sub": "system:serviceaccount:ns1:robot",
		"aud": []any{"api"},
		"exp": float64(now.Add(time.Hour).Unix()), "iat": float64(now.Unix()), "nbf": float64(now.Unix()),
		"kubernetes.io": map[string]any{
			"namespace":      "ns1",
			"serviceaccount": map[string]any{"name": "robot", "uid": "sa-uid"},
			"pod":            map[string]any{"name": "p", "uid": "pod-uid"},
			"node":           map[string]any{"name": "n", "uid": "node-uid"},
		},
	}
	for k, v := range want {
		g, _ := json.Marshal(claims[k])
		w, _ := json.Marshal(v)
		if string(g) != string(w) {
			t.Errorf("claim %s = %s, want %s", k, g, w)
		}
	}
	if jti, _ := claims["jti"].(string); len(jti) != 36 {
		t.Errorf("jti = %v, want a UUID", claims["jti"])
	}
	// The signature is a plain ES256 one over header.payload.
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if len(sig) != 64 || !ecdsa.Verify(&key.PublicKey, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		t.Error("the signature does not verify as ES256")
	}
}

func TestServiceAccountKeyRotation(t *testing.T) {
	oldKey, newKey_ := newKey(t), newKey(t)
	c := newCluster()
	v := c.verifier(&newKey_.PublicKey, &oldKey.PublicKey)
	for name, k := range map[string]*ecdsa.PrivateKey{"old": oldKey, "new": newKey_} {
		tok := issue(t, &authn.Issuer{Key: k}, []string{authn.DefaultIssuer}, time.Now().Add(time.Hour), nil)
		if _, ok, err := v.AuthenticateToken(context.Background(), tok); !ok || err != nil {
			t.Errorf("token of the %s key: ok=%v err=%v", name, ok, err)
		}
	}
}

func TestServiceAccountRSAKey(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tok := issue(t, &authn.Issuer{Key: k}, []string{authn.DefaultIssuer}, time.Now().Add(time.Hour), nil)
	if _, ok, err := newCluster().verifier(&k.PublicKey).AuthenticateToken(context.Background(), tok); !ok || err != nil {
		t.Errorf("RS256 token with an RSA verifier: ok=%v err=%v", ok, err)
	}
}

func TestServiceAccountAudiencesAndIssuers(t *testing.T) {
	key := newKey(t)
	i := &authn.Issuer{Key: key, URL: "https://spar.example"}
	c := newCluster()
	v := &authn.ServiceAccountTokens{Keys: []crypto.PublicKey{&key.PublicKey}, Issuers: []string{"https://spar.example"},
		Audiences: []string{"api", "https://spar.example"}, GetServiceAccount: c.sa}
	for aud, want := range map[string]bool{"api": true, "https://spar.example": true, authn.DefaultIssuer: false} {
		tok := issue(t, i, []string{aud}, time.Now().Add(time.Hour), nil)
		if _, ok, _ := v.AuthenticateToken(context.Background(), tok); ok != want {
			t.Errorf("audience %q: ok=%v, want %v", aud, ok, want)
		}
	}
}

func TestIssueErrors(t *testing.T) {
	key := newKey(t)
	i := &authn.Issuer{Key: key}
	exp := time.Now().Add(time.Hour)
	for name, f := range map[string]func() error{
		"no namespace": func() error { _, err := i.Issue("", "a", "u", []string{"x"}, exp, nil); return err },
		"no UID":       func() error { _, err := i.Issue("n", "a", "", []string{"x"}, exp, nil); return err },
		"no audience":  func() error { _, err := i.Issue("n", "a", "u", nil, exp, nil); return err },
		"past expiry": func() error {
			_, err := i.Issue("n", "a", "u", []string{"x"}, time.Now().Add(-time.Second), nil)
			return err
		},
		"pod without UID": func() error {
			_, err := i.Issue("n", "a", "u", []string{"x"}, exp, &authn.PodRef{Name: "p"})
			return err
		},
		"no key": func() error { _, err := (&authn.Issuer{}).Issue("n", "a", "u", []string{"x"}, exp, nil); return err },
	} {
		if f() == nil {
			t.Errorf("%s: Issue succeeded", name)
		}
	}
}
