package authn

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// Service-account identities and the user extra keys of a token's binding,
// as Kubernetes names them.
const (
	// DefaultIssuer is the iss of service-account tokens (kubeadm's
	// --service-account-issuer) and, by default, their audience.
	DefaultIssuer = "https://kubernetes.default.svc.cluster.local"

	ServiceAccountUserPrefix  = "system:serviceaccount:"
	AllServiceAccountsGroup   = "system:serviceaccounts"
	ServiceAccountGroupPrefix = "system:serviceaccounts:"

	ExtraPodName      = "authentication.kubernetes.io/pod-name"
	ExtraPodUID       = "authentication.kubernetes.io/pod-uid"
	ExtraNodeName     = "authentication.kubernetes.io/node-name"
	ExtraNodeUID      = "authentication.kubernetes.io/node-uid"
	ExtraCredentialID = "authentication.kubernetes.io/credential-id"
)

// ServiceAccountUser returns the user name of a service account:
// system:serviceaccount:<namespace>:<name>.
func ServiceAccountUser(namespace, name string) string {
	return ServiceAccountUserPrefix + namespace + ":" + name
}

// deletionLeeway is how long after its deletion an object still validates
// tokens bound to it, as in Kubernetes: a pod's containers get a moment to
// finish their last calls.
const deletionLeeway = time.Minute

// PodRef binds a token to a pod: the token is valid only while a pod of
// that name and UID exists.
type PodRef struct {
	Name string
	UID  meta.UID
	// NodeName and NodeUID are the pod's node when it is scheduled; they
	// become the token's node claim (and the user's node extras, which
	// the node authorizer uses). Optional.
	NodeName string
	NodeUID  meta.UID
}

// The token's claims: the registered ones plus Kubernetes' private
// "kubernetes.io" claim.
type saClaims struct {
	Issuer     string           `json:"iss"`
	Subject    string           `json:"sub"`
	Audience   audiences        `json:"aud"`
	Expiry     *jwt.NumericDate `json:"exp,omitempty"`
	NotBefore  *jwt.NumericDate `json:"nbf,omitempty"`
	IssuedAt   *jwt.NumericDate `json:"iat,omitempty"`
	ID         string           `json:"jti,omitempty"`
	Kubernetes k8sClaims        `json:"kubernetes.io"`
}

// audiences is written as an array, as Kubernetes writes it, and read from
// an array or a single string, as RFC 7519 allows.
type audiences []string

func (a *audiences) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audiences{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}

type k8sClaims struct {
	Namespace      string `json:"namespace"`
	ServiceAccount ref    `json:"serviceaccount"`
	Pod            *ref   `json:"pod,omitempty"`
	Node           *ref   `json:"node,omitempty"`
}

type ref struct {
	Name string `json:"name"`
	UID  string `json:"uid"`
}

// Issuer signs service-account tokens, for the TokenRequest API
// (serviceaccounts/token) and the kubelet's projected token volumes. The
// tokens are JWS compact JWTs (through github.com/go-jose/go-jose/v4) with
// iss, sub, aud, exp, iat, nbf, jti and the kubernetes.io claim that
// ServiceAccountTokens verifies.
type Issuer struct {
	// URL is the iss claim. Default DefaultIssuer.
	URL string
	// Key signs the tokens: ECDSA (ES256 for P-256, ES384, ES512) or RSA
	// (RS256). Required.
	Key crypto.Signer
	// Now is the clock. Default time.Now.
	Now func() time.Time

	once   sync.Once
	signer jose.Signer
	err    error
}

// Issue returns a token for the service account namespace/name of UID uid,
// valid for the audiences auds until expiry, and bound to pod when pod is
// not nil. The TokenRequest handler decides the audiences (default: the API
// server's) and the expiry (kubelets ask for an hour), and checks that the
// pod runs as that service account.
func (i *Issuer) Issue(namespace, name string, uid meta.UID, auds []string, expiry time.Time, pod *PodRef) (string, error) {
	i.once.Do(i.init)
	if i.err != nil {
		return "", i.err
	}
	if namespace == "" || name == "" || uid == "" {
		return "", errors.New("authn: Issue needs the service account's namespace, name and UID")
	}
	if len(auds) == 0 {
		return "", errors.New("authn: Issue needs at least one audience")
	}
	now := clock(i.Now)
	if !expiry.After(now) {
		return "", fmt.Errorf("authn: token expiry %s is not in the future", expiry.Format(time.RFC3339))
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", fmt.Errorf("authn: %w", err)
	}
	c := saClaims{
		Issuer:     i.issuer(),
		Subject:    ServiceAccountUser(namespace, name),
		Audience:   slices.Clone(auds),
		Expiry:     jwt.NewNumericDate(expiry),
		IssuedAt:   jwt.NewNumericDate(now),
		NotBefore:  jwt.NewNumericDate(now),
		ID:         uuidString(jti),
		Kubernetes: k8sClaims{Namespace: namespace, ServiceAccount: ref{Name: name, UID: string(uid)}},
	}
	if pod != nil {
		if pod.Name == "" || pod.UID == "" {
			return "", errors.New("authn: a bound pod needs its name and UID")
		}
		c.Kubernetes.Pod = &ref{Name: pod.Name, UID: string(pod.UID)}
		if pod.NodeName != "" {
			c.Kubernetes.Node = &ref{Name: pod.NodeName, UID: string(pod.NodeUID)}
		}
	}
	tok, err := jwt.Signed(i.signer).Claims(c).Serialize()
	if err != nil {
		return "", fmt.Errorf("authn: signing a token: %w", err)
	}
	return tok, nil
}

func (i *Issuer) issuer() string {
	if i.URL == "" {
		return DefaultIssuer
	}
	return i.URL
}

func (i *Issuer) init() {
	if i.Key == nil {
		i.err = errors.New("authn: Issuer.Key is required")
		return
	}
	alg, err := signatureAlgorithm(i.Key.Public())
	if err != nil {
		i.err = err
		return
	}
	kid, err := keyID(i.Key.Public())
	if err != nil {
		i.err = err
		return
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	i.signer, i.err = jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: i.Key, KeyID: kid}}, opts)
	if i.err != nil {
		i.err = fmt.Errorf("authn: %w", i.err)
	}
}

// signatureAlgorithm is the one JWS algorithm a key signs with. A verifier
// accepts exactly the algorithms of its keys, which is what refuses
// "alg: none" and HS256 tokens that use a public key as an HMAC secret.
func signatureAlgorithm(pub crypto.PublicKey) (jose.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return jose.ES256, nil
		case elliptic.P384():
			return jose.ES384, nil
		case elliptic.P521():
			return jose.ES512, nil
		}
	case *rsa.PublicKey:
		return jose.RS256, nil
	}
	return "", fmt.Errorf("authn: unsupported service-account key type %T", pub)
}

// keyID is Kubernetes' kid: the unpadded base64url SHA-256 of the key's
// PKIX DER.
func keyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("authn: %w", err)
	}
	sum := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

func uuidString(b []byte) string {
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// ServiceAccountTokens authenticates service-account JWTs signed by one of
// Keys. A JWT whose issuer is not one of Issuers is not recognized (it may
// be another authenticator's); one that is must have a valid signature in
// the algorithm of the key (ES256 for the keys spar makes), be within its
// validity, name one of Audiences, and its service account (and pod, and
// node, when bound) must still exist with the UID in the token: deleting a
// ServiceAccount or pod revokes its tokens, even if one of the same name is
// created again.
//
// The user is system:serviceaccount:<ns>:<name> with the service account's
// UID, in system:serviceaccounts, system:serviceaccounts:<ns> and
// system:authenticated; a bound token adds the pod and node as extras.
type ServiceAccountTokens struct {
	// Keys verify signatures (the public halves of the Issuer keys, old
	// ones included during a key rotation). Required.
	Keys []crypto.PublicKey
	// Issuers are the accepted iss claims. Default [DefaultIssuer].
	Issuers []string
	// Audiences are the API server's audiences; a token must name at least
	// one. Default: Issuers (as kube-apiserver's --api-audiences).
	Audiences []string
	// GetServiceAccount returns a ServiceAccount, or nil or an error when
	// it does not exist. The API server backs it with its cache. Required.
	GetServiceAccount func(ctx context.Context, namespace, name string) (*core.ServiceAccount, error)
	// GetPod returns a pod, or nil or an error. Required for pod-bound
	// tokens: without it they are refused.
	GetPod func(ctx context.Context, namespace, name string) (*core.Pod, error)
	// GetNode returns a node, or nil or an error. Default nil: node claims
	// are not checked (the pod check already revokes the token when the
	// pod goes).
	GetNode func(ctx context.Context, name string) (*core.Node, error)
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// CacheSize bounds how many tokens with verified signatures are
	// remembered, so a client's repeated token costs a map lookup instead
	// of a signature check. Validity and the existence checks are still
	// made on every request. Default 4096; negative: no cache.
	CacheSize int

	once      sync.Once
	keys      []verifyKey
	algs      []jose.SignatureAlgorithm
	issuers   []string
	audiences []string
	err       error
	cache     *verifyCache[*saClaims]
}

type verifyKey struct {
	kid string
	key crypto.PublicKey
}

func (a *ServiceAccountTokens) init() {
	a.cache = newVerifyCache[*saClaims](a.CacheSize)
	a.issuers, a.audiences = slices.Clone(a.Issuers), slices.Clone(a.Audiences)
	if len(a.issuers) == 0 {
		a.issuers = []string{DefaultIssuer}
	}
	if len(a.audiences) == 0 {
		a.audiences = a.issuers
	}
	if len(a.Keys) == 0 {
		a.err = errors.New("authn: ServiceAccountTokens.Keys is empty")
	}
	for _, k := range a.Keys {
		alg, err := signatureAlgorithm(k)
		if err != nil {
			a.err = err
			return
		}
		kid, err := keyID(k)
		if err != nil {
			a.err = err
			return
		}
		a.keys = append(a.keys, verifyKey{kid: kid, key: k})
		if !slices.Contains(a.algs, alg) {
			a.algs = append(a.algs, alg)
		}
	}
}

// AuthenticateRequest implements Authenticator for bearer tokens.
func (a *ServiceAccountTokens) AuthenticateRequest(r *http.Request) (*User, bool, error) {
	return authenticateBearer(a, r)
}

// AuthenticateToken implements TokenAuthenticator.
func (a *ServiceAccountTokens) AuthenticateToken(ctx context.Context, token string) (*User, bool, error) {
	a.once.Do(a.init)
	c, ok := a.cache.getString(token)
	if !ok {
		if !a.ours(token) {
			return nil, false, nil
		}
		var err error
		if c, err = a.verify(token); err != nil {
			return nil, false, err
		}
		a.cache.putString(token, c)
	}
	u, err := a.validate(ctx, c)
	if err != nil {
		return nil, false, err
	}
	return u, true, nil
}

// ours reports whether token looks like a JWT issued by one of Issuers,
// reading its payload without verifying anything: tokens of other issuers
// are left to other authenticators, as kube-apiserver does.
func (a *ServiceAccountTokens) ours(token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var c struct {
		Issuer string `json:"iss"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return false
	}
	return slices.Contains(a.issuers, c.Issuer)
}

// verify checks what does not change over a token's life: the signature
// and the claims' shape. The result is cached.
func (a *ServiceAccountTokens) verify(token string) (*saClaims, error) {
	if a.err != nil {
		return nil, a.err
	}
	refuse := func(format string, args ...any) (*saClaims, error) {
		return nil, fmt.Errorf("%w: service account token: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	tok, err := jwt.ParseSigned(token, a.algs)
	if err != nil {
		return refuse("%v", err)
	}
	if len(tok.Headers) != 1 {
		return refuse("want one signature")
	}
	// The key named by kid first; any key when there is no match, since
	// kid is only a hint.
	keys := slices.Clone(a.keys)
	slices.SortStableFunc(keys, func(x, y verifyKey) int {
		xm, ym := x.kid == tok.Headers[0].KeyID, y.kid == tok.Headers[0].KeyID
		switch {
		case xm && !ym:
			return -1
		case ym && !xm:
			return 1
		}
		return 0
	})
	var c *saClaims
	for _, k := range keys {
		var cc saClaims
		if err := tok.Claims(k.key, &cc); err == nil {
			c = &cc
			break
		}
	}
	if c == nil {
		return refuse("invalid signature")
	}
	kc := c.Kubernetes
	switch {
	case c.Expiry == nil:
		return refuse("no expiry (exp)")
	case kc.Namespace == "" || kc.ServiceAccount.Name == "" || kc.ServiceAccount.UID == "":
		return refuse("no namespace, service account name or UID in the kubernetes.io claim")
	case c.Subject != ServiceAccountUser(kc.Namespace, kc.ServiceAccount.Name):
		return refuse("subject %q does not match the kubernetes.io claim", c.Subject)
	case kc.Pod != nil && (kc.Pod.Name == "" || kc.Pod.UID == ""):
		return refuse("incomplete pod claim")
	}
	if !slices.ContainsFunc(c.Audience, func(aud string) bool { return slices.Contains(a.audiences, aud) }) {
		return refuse("audiences %q are not this server's %q", []string(c.Audience), a.audiences)
	}
	return c, nil
}

// validate checks what can change: time, and the bound objects.
func (a *ServiceAccountTokens) validate(ctx context.Context, c *saClaims) (*User, error) {
	now := clock(a.Now)
	kc := c.Kubernetes
	who := kc.Namespace + "/" + kc.ServiceAccount.Name
	if !now.Before(c.Expiry.Time()) {
		return nil, fmt.Errorf("%w: service account token of %s expired at %s", ErrExpired, who, c.Expiry.Time().UTC().Format(time.RFC3339))
	}
	// nbf and iat get a minute's leeway for API servers whose clocks
	// differ a little.
	for _, t := range []*jwt.NumericDate{c.NotBefore, c.IssuedAt} {
		if t != nil && now.Add(jwt.DefaultLeeway).Before(t.Time()) {
			return nil, fmt.Errorf("%w: service account token of %s is valid from %s", ErrNotYetValid, who, t.Time().UTC().Format(time.RFC3339))
		}
	}
	revoked := func(format string, args ...any) (*User, error) {
		return nil, fmt.Errorf("%w: service account token of %s: %s", ErrInvalid, who, fmt.Sprintf(format, args...))
	}
	deleted := func(ts *meta.Time) bool { return ts != nil && ts.Before(now.Add(-deletionLeeway)) }
	if a.GetServiceAccount == nil {
		return revoked("no service account lookup is configured")
	}
	sa, err := a.GetServiceAccount(ctx, kc.Namespace, kc.ServiceAccount.Name)
	switch {
	case err != nil:
		return revoked("service account: %v", err)
	case sa == nil:
		return revoked("the service account does not exist")
	case deleted(sa.DeletionTimestamp):
		return revoked("the service account has been deleted")
	case string(sa.UID) != kc.ServiceAccount.UID:
		return revoked("service account UID (%s) does not match the token's (%s)", sa.UID, kc.ServiceAccount.UID)
	}
	u := &User{
		Name:   c.Subject,
		UID:    kc.ServiceAccount.UID,
		Groups: []string{AllServiceAccountsGroup, ServiceAccountGroupPrefix + kc.Namespace, AllAuthenticated},
	}
	if c.ID != "" {
		u.Extra = map[string][]string{ExtraCredentialID: {"JTI=" + c.ID}}
	}
	if kc.Pod != nil {
		if a.GetPod == nil {
			return revoked("pod-bound tokens are not accepted (no pod lookup is configured)")
		}
		pod, err := a.GetPod(ctx, kc.Namespace, kc.Pod.Name)
		switch {
		case err != nil:
			return revoked("pod %s: %v", kc.Pod.Name, err)
		case pod == nil:
			return revoked("pod %s does not exist", kc.Pod.Name)
		case deleted(pod.DeletionTimestamp):
			return revoked("pod %s has been deleted", kc.Pod.Name)
		case string(pod.UID) != kc.Pod.UID:
			return revoked("pod %s UID (%s) does not match the token's (%s)", kc.Pod.Name, pod.UID, kc.Pod.UID)
		}
		if u.Extra == nil {
			u.Extra = map[string][]string{}
		}
		u.Extra[ExtraPodName] = []string{kc.Pod.Name}
		u.Extra[ExtraPodUID] = []string{kc.Pod.UID}
	}
	if kc.Node != nil {
		if a.GetNode != nil {
			node, err := a.GetNode(ctx, kc.Node.Name)
			switch {
			case err != nil:
				return revoked("node %s: %v", kc.Node.Name, err)
			case node == nil:
				return revoked("node %s does not exist", kc.Node.Name)
			case kc.Node.UID != "" && string(node.UID) != kc.Node.UID:
				return revoked("node %s UID (%s) does not match the token's (%s)", kc.Node.Name, node.UID, kc.Node.UID)
			}
		}
		if u.Extra == nil {
			u.Extra = map[string][]string{}
		}
		u.Extra[ExtraNodeName] = []string{kc.Node.Name}
		if kc.Node.UID != "" {
			u.Extra[ExtraNodeUID] = []string{kc.Node.UID}
		}
	}
	return u, nil
}
