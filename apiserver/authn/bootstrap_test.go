package authn_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/authn"
)

// secrets is a lookup over a fixed set of Secrets, as a cache would be.
type secrets map[string]*core.Secret

func (s secrets) get(_ context.Context, name string) (*core.Secret, error) {
	if sec, ok := s[name]; ok {
		return sec, nil
	}
	return nil, meta.NewNotFound(meta.GroupResource{Resource: "secrets"}, name)
}

func bootstrapSecret(id, secret string, mutate func(*core.Secret)) *core.Secret {
	s := &core.Secret{
		ObjectMeta: meta.ObjectMeta{Namespace: "kube-system", Name: "bootstrap-token-" + id},
		Type:       core.SecretTypeBootstrapToken,
		Data: map[string][]byte{
			"token-id": []byte(id), "token-secret": []byte(secret),
			"usage-bootstrap-authentication": []byte("true"),
			"expiration":                     []byte(time.Now().Add(time.Hour).UTC().Format(time.RFC3339)),
		},
	}
	if mutate != nil {
		mutate(s)
	}
	return s
}

func TestBootstrapTokens(t *testing.T) {
	const secret = "0123456789abcdef"
	tests := []struct {
		name       string
		secret     *core.Secret // stored as bootstrap-token-abcdef
		token      string
		wantOK     bool
		wantErr    error
		wantGroups []string
	}{
		{"valid", bootstrapSecret("abcdef", secret, nil), "abcdef." + secret, true, nil, []string{"system:bootstrappers"}},
		{"no expiration", bootstrapSecret("abcdef", secret, func(s *core.Secret) { delete(s.Data, "expiration") }), "abcdef." + secret, true, nil, []string{"system:bootstrappers"}},
		{"extra groups", bootstrapSecret("abcdef", secret, func(s *core.Secret) {
			s.Data["auth-extra-groups"] = []byte("system:bootstrappers:kubeadm:default-node-token,system:bootstrappers:worker")
		}), "abcdef." + secret, true, nil, []string{"system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token", "system:bootstrappers:worker"}},
		{"expired", bootstrapSecret("abcdef", secret, func(s *core.Secret) {
			s.Data["expiration"] = []byte(time.Now().Add(-time.Second).UTC().Format(time.RFC3339))
		}), "abcdef." + secret, false, authn.ErrExpired, nil},
		{"unparsable expiration", bootstrapSecret("abcdef", secret, func(s *core.Secret) { s.Data["expiration"] = []byte("tomorrow") }), "abcdef." + secret, false, authn.ErrInvalid, nil},
		{"without authentication usage", bootstrapSecret("abcdef", secret, func(s *core.Secret) { delete(s.Data, "usage-bootstrap-authentication") }), "abcdef." + secret, false, authn.ErrInvalid, nil},
		{"usage not true", bootstrapSecret("abcdef", secret, func(s *core.Secret) { s.Data["usage-bootstrap-authentication"] = []byte("yes") }), "abcdef." + secret, false, authn.ErrInvalid, nil},
		{"extra group outside system:bootstrappers", bootstrapSecret("abcdef", secret, func(s *core.Secret) { s.Data["auth-extra-groups"] = []byte("system:masters") }), "abcdef." + secret, false, authn.ErrInvalid, nil},
		{"wrong secret", bootstrapSecret("abcdef", secret, nil), "abcdef.0123456789abcdee", false, authn.ErrInvalid, nil},
		{"wrong type", bootstrapSecret("abcdef", secret, func(s *core.Secret) { s.Type = core.SecretTypeOpaque }), "abcdef." + secret, false, authn.ErrInvalid, nil},
		{"token-id mismatch", bootstrapSecret("abcdef", secret, func(s *core.Secret) { s.Data["token-id"] = []byte("zzzzzz") }), "abcdef." + secret, false, authn.ErrInvalid, nil},
		{"being deleted", bootstrapSecret("abcdef", secret, func(s *core.Secret) { ts := meta.Now(); s.DeletionTimestamp = &ts }), "abcdef." + secret, false, authn.ErrInvalid, nil},
		{"no such secret", bootstrapSecret("abcdef", secret, nil), "bbbbbb." + secret, false, nil, nil},
		{"not a bootstrap token", bootstrapSecret("abcdef", secret, nil), "abcdef-" + secret, false, nil, nil},
		{"upper case", bootstrapSecret("abcdef", secret, nil), "ABCDEF." + secret, false, nil, nil},
		{"secret too short", bootstrapSecret("abcdef", secret, nil), "abcdef.0123456789abcde", false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &authn.BootstrapTokens{GetSecret: secrets{tt.secret.Name: tt.secret}.get}
			u, ok, err := b.AuthenticateRequest(bearerRequest("/apis/certificates.k8s.io/v1/certificatesigningrequests", tt.token))
			if ok != tt.wantOK || (tt.wantErr == nil) != (err == nil) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("got ok=%v err=%v, want ok=%v err=%v", ok, err, tt.wantOK, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("error %q reveals the token secret", err)
			}
			if !ok {
				return
			}
			if u.Name != "system:bootstrap:abcdef" || !slices.Equal(u.Groups, tt.wantGroups) {
				t.Errorf("user %q groups %v, want system:bootstrap:abcdef %v", u.Name, u.Groups, tt.wantGroups)
			}
		})
	}
}

// A wrong secret gets the same answer wherever it differs from the right
// one, and the comparison happens before any other property of the Secret
// is revealed: the answer to a guess says nothing but "wrong".
func TestBootstrapTokenWrongSecretRevealsNothing(t *testing.T) {
	const secret = "0123456789abcdef"
	expired := bootstrapSecret("abcdef", secret, func(s *core.Secret) {
		s.Data["expiration"] = []byte(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
		delete(s.Data, "usage-bootstrap-authentication")
	})
	b := &authn.BootstrapTokens{GetSecret: secrets{expired.Name: expired}.get}
	var msgs []string
	for i := range len(secret) {
		guess := []byte(secret)
		guess[i] = 'z'
		_, ok, err := b.AuthenticateToken(context.Background(), "abcdef."+string(guess))
		if ok || !errors.Is(err, authn.ErrInvalid) || errors.Is(err, authn.ErrExpired) {
			t.Fatalf("guess differing at %d: ok=%v err=%v, want a plain invalid", i, ok, err)
		}
		msgs = append(msgs, err.Error())
	}
	if msgs = slices.Compact(msgs); len(msgs) != 1 {
		t.Errorf("answers differ by the position of the wrong character: %q", msgs)
	}
	// The right secret then shows the Secret's real problem.
	if _, _, err := b.AuthenticateToken(context.Background(), "abcdef."+secret); !errors.Is(err, authn.ErrExpired) {
		t.Errorf("right secret: err=%v, want ErrExpired", err)
	}
}

func TestBootstrapTokenLookupError(t *testing.T) {
	boom := errors.New("cache not synced")
	b := &authn.BootstrapTokens{GetSecret: func(context.Context, string) (*core.Secret, error) { return nil, boom }}
	if _, ok, err := b.AuthenticateToken(context.Background(), "abcdef.0123456789abcdef"); ok || !errors.Is(err, boom) {
		t.Errorf("got ok=%v err=%v, want the lookup error", ok, err)
	}
	nilSecret := &authn.BootstrapTokens{GetSecret: func(context.Context, string) (*core.Secret, error) { return nil, nil }}
	if _, ok, err := nilSecret.AuthenticateToken(context.Background(), "abcdef.0123456789abcdef"); ok || err != nil {
		t.Errorf("nil secret: got ok=%v err=%v, want not recognized", ok, err)
	}
}

func TestGenerateBootstrapToken(t *testing.T) {
	re := regexp.MustCompile(`^[a-z0-9]{6}\.[a-z0-9]{16}$`)
	seen := map[string]bool{}
	for range 50 {
		tok, err := authn.GenerateBootstrapToken()
		if err != nil {
			t.Fatal(err)
		}
		if !re.MatchString(tok) || seen[tok] {
			t.Fatalf("token %q: malformed or repeated", tok)
		}
		seen[tok] = true
	}
	tok, _ := authn.GenerateBootstrapToken()
	s, err := authn.BootstrapTokenSecret(tok, time.Now().Add(time.Hour), "system:bootstrappers:kubeadm:default-node-token")
	if err != nil {
		t.Fatal(err)
	}
	b := &authn.BootstrapTokens{GetSecret: secrets{s.Name: s}.get}
	u, ok, err := b.AuthenticateToken(context.Background(), tok)
	if !ok || err != nil {
		t.Fatalf("a generated token with its secret: ok=%v err=%v", ok, err)
	}
	if want := "system:bootstrap:" + tok[:6]; u.Name != want {
		t.Errorf("user %q, want %q", u.Name, want)
	}
	if _, err := authn.BootstrapTokenSecret("short.x", time.Time{}); err == nil {
		t.Error("BootstrapTokenSecret accepted a malformed token")
	}
	if _, err := authn.BootstrapTokenSecret(tok, time.Time{}, "system:masters"); err == nil {
		t.Error("BootstrapTokenSecret accepted a group outside system:bootstrappers")
	}
}
