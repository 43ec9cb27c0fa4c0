package authn

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// Bootstrap token names, fields and identities, as Kubernetes defines them
// (k8s.io/cluster-bootstrap).
const (
	// BootstrapTokenNamespace holds the token Secrets.
	BootstrapTokenNamespace = "kube-system"
	// BootstrapTokenSecretPrefix + token id is a token Secret's name.
	BootstrapTokenSecretPrefix = "bootstrap-token-"
	// BootstrapUserPrefix + token id is the user a token authenticates as.
	BootstrapUserPrefix = "system:bootstrap:"
	// BootstrappersGroup is every bootstrap token user's group.
	BootstrappersGroup = "system:bootstrappers"

	BootstrapTokenIDKey          = "token-id"
	BootstrapTokenSecretKey      = "token-secret"
	BootstrapTokenExpirationKey  = "expiration"
	BootstrapTokenUsageAuthKey   = "usage-bootstrap-authentication"
	BootstrapTokenUsageSignKey   = "usage-bootstrap-signing"
	BootstrapTokenExtraGroupsKey = "auth-extra-groups"
	BootstrapTokenDescriptionKey = "description"
)

var (
	bootstrapTokenRE = regexp.MustCompile(`^([a-z0-9]{6})\.([a-z0-9]{16})$`)
	bootstrapGroupRE = regexp.MustCompile(`^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$`)
)

// BootstrapTokens authenticates bootstrap tokens, the short-lived shared
// secrets nodes join with ("kubeadm join --token"): a bearer token
// "<id>.<secret>" (6 and 16 characters of [a-z0-9]) is checked against the
// Secret bootstrap-token-<id> of type bootstrap.kubernetes.io/token in
// kube-system, which must hold the same token-id and token-secret, have
// usage-bootstrap-authentication "true", and not be past its expiration
// (RFC 3339). The user is system:bootstrap:<id> in system:bootstrappers
// and the Secret's auth-extra-groups (each "system:bootstrappers:...").
//
// The secret is compared in constant time, and checked before anything else
// about the Secret, so that answers say nothing about a token one cannot
// present whole.
type BootstrapTokens struct {
	// GetSecret returns the kube-system Secret named name; nil or an error
	// matching a NotFound Status when there is none. The API server backs
	// it with its Secret cache. Required.
	GetSecret func(ctx context.Context, name string) (*core.Secret, error)
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// AuthenticateRequest implements Authenticator for bearer tokens.
func (b *BootstrapTokens) AuthenticateRequest(r *http.Request) (*User, bool, error) {
	return authenticateBearer(b, r)
}

// AuthenticateToken implements TokenAuthenticator. A token not of the
// bootstrap format, or whose Secret does not exist, is not recognized.
func (b *BootstrapTokens) AuthenticateToken(ctx context.Context, token string) (*User, bool, error) {
	m := bootstrapTokenRE.FindStringSubmatch(token)
	if m == nil {
		return nil, false, nil
	}
	id, secret := m[1], m[2]
	if b.GetSecret == nil {
		return nil, false, fmt.Errorf("%w: bootstrap token: no secret lookup is configured", ErrInvalid)
	}
	s, err := b.GetSecret(ctx, BootstrapTokenSecretPrefix+id)
	if meta.ReasonOf(err) == meta.StatusReasonNotFound || (err == nil && s == nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("bootstrap token %s: reading its secret: %w", id, err)
	}
	refuse := func(kind error, format string, args ...any) (*User, bool, error) {
		return nil, false, fmt.Errorf("%w: bootstrap token %s: %s", kind, id, fmt.Sprintf(format, args...))
	}
	if subtle.ConstantTimeCompare([]byte(secret), s.Data[BootstrapTokenSecretKey]) != 1 {
		return refuse(ErrInvalid, "wrong secret")
	}
	if s.Type != core.SecretTypeBootstrapToken {
		return refuse(ErrInvalid, "secret %s has type %q, want %q", s.Name, s.Type, core.SecretTypeBootstrapToken)
	}
	if string(s.Data[BootstrapTokenIDKey]) != id {
		return refuse(ErrInvalid, "secret %s holds token-id %q", s.Name, s.Data[BootstrapTokenIDKey])
	}
	if s.DeletionTimestamp != nil {
		return refuse(ErrInvalid, "the token is being deleted")
	}
	if exp := string(s.Data[BootstrapTokenExpirationKey]); exp != "" {
		t, err := time.Parse(time.RFC3339, exp)
		if err != nil {
			return refuse(ErrInvalid, "unparsable expiration %q", exp)
		}
		if !clock(b.Now).Before(t) {
			return refuse(ErrExpired, "expired at %s", exp)
		}
	}
	if string(s.Data[BootstrapTokenUsageAuthKey]) != "true" {
		return refuse(ErrInvalid, "not usable for authentication (%s is not \"true\")", BootstrapTokenUsageAuthKey)
	}
	u := &User{Name: BootstrapUserPrefix + id, Groups: []string{BootstrappersGroup}}
	if extra := string(s.Data[BootstrapTokenExtraGroupsKey]); extra != "" {
		for _, g := range strings.Split(extra, ",") {
			if !bootstrapGroupRE.MatchString(g) {
				return refuse(ErrInvalid, "extra group %q does not start with %q", g, BootstrappersGroup+":")
			}
			u.Groups = append(u.Groups, g)
		}
	}
	return u, true, nil
}

// GenerateBootstrapToken returns a new random bootstrap token
// "<id>.<secret>".
func GenerateBootstrapToken() (string, error) {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 22)
	buf := make([]byte, 1)
	for i := 0; i < len(b); {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("authn: %w", err)
		}
		// Rejection sampling: 252 = 7*36 keeps every character equally likely.
		if buf[0] < 252 {
			b[i] = alphabet[int(buf[0])%len(alphabet)]
			i++
		}
	}
	return string(b[:6]) + "." + string(b[6:]), nil
}

// BootstrapTokenSecret returns the Secret that makes token valid for
// authentication (and for signing the cluster-info ConfigMap), until
// expires unless it is zero, with extra groups (each
// "system:bootstrappers:...", e.g. kubeadm's
// "system:bootstrappers:kubeadm:default-node-token").
func BootstrapTokenSecret(token string, expires time.Time, extraGroups ...string) (*core.Secret, error) {
	m := bootstrapTokenRE.FindStringSubmatch(token)
	if m == nil {
		return nil, fmt.Errorf("authn: %q is not a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16})", token)
	}
	for _, g := range extraGroups {
		if !bootstrapGroupRE.MatchString(g) {
			return nil, fmt.Errorf("authn: extra group %q does not start with %q", g, BootstrappersGroup+":")
		}
	}
	s := &core.Secret{
		TypeMeta:   meta.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: meta.ObjectMeta{Namespace: BootstrapTokenNamespace, Name: BootstrapTokenSecretPrefix + m[1]},
		Type:       core.SecretTypeBootstrapToken,
		Data: map[string][]byte{
			BootstrapTokenIDKey:        []byte(m[1]),
			BootstrapTokenSecretKey:    []byte(m[2]),
			BootstrapTokenUsageAuthKey: []byte("true"),
			BootstrapTokenUsageSignKey: []byte("true"),
		},
	}
	if !expires.IsZero() {
		s.Data[BootstrapTokenExpirationKey] = []byte(expires.UTC().Format(time.RFC3339))
	}
	if len(extraGroups) > 0 {
		s.Data[BootstrapTokenExtraGroupsKey] = []byte(strings.Join(extraGroups, ","))
	}
	return s, nil
}
