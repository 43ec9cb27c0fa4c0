package authn

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"
)

// Well-known users and groups.
const (
	Anonymous           = "system:anonymous"
	AllUnauthenticated  = "system:unauthenticated"
	AllAuthenticated    = "system:authenticated"
	SystemPrivilegedGrp = "system:masters"
)

// User is an authenticated identity. A User attached to a request
// (WithUser, and whatever Union returns) is read-only: it may be shared by
// every request of one credential (a cached client certificate's user), so
// code that needs another identity (impersonation) builds a new User.
type User struct {
	Name   string
	UID    string
	Groups []string
	Extra  map[string][]string
}

// Authenticator identifies a request's caller. It returns ok=false when the
// request carries no credentials it understands, and an error when it
// carries credentials that are invalid.
type Authenticator interface {
	AuthenticateRequest(r *http.Request) (u *User, ok bool, err error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(r *http.Request) (*User, bool, error)

// AuthenticateRequest implements Authenticator.
func (f AuthenticatorFunc) AuthenticateRequest(r *http.Request) (*User, bool, error) { return f(r) }

type userKey struct{}

// WithUser returns ctx carrying u.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the user of a request's context.
func UserFrom(ctx context.Context) (*User, bool) {
	u, ok := ctx.Value(userKey{}).(*User)
	return u, ok
}

// Errors that authenticators wrap, so callers can tell the common reasons
// apart with errors.Is. The message of the wrapping error says more (which
// certificate, which token, which object).
var (
	// ErrExpired: the credential's validity ended.
	ErrExpired = errors.New("credential has expired")
	// ErrNotYetValid: the credential's validity has not begun.
	ErrNotYetValid = errors.New("credential is not valid yet")
	// ErrInvalid: the credential is malformed, forged, signed by an unknown
	// authority, meant for another audience or use, or revoked.
	ErrInvalid = errors.New("invalid credential")
)

// clone returns a copy of u that the caller may change.
func (u *User) clone() *User {
	c := *u
	c.Groups = slices.Clone(u.Groups)
	c.Extra = cloneExtra(u.Extra)
	return &c
}

func cloneExtra(extra map[string][]string) map[string][]string {
	if extra == nil {
		return nil
	}
	c := make(map[string][]string, len(extra))
	for k, v := range extra {
		c[k] = slices.Clone(v)
	}
	return c
}

// clock reads now, or time.Now when now is nil.
func clock(now func() time.Time) time.Time {
	if now != nil {
		return now()
	}
	return time.Now()
}
