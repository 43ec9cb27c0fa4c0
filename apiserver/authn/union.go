package authn

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// Union authenticates a request with the first of its authenticators that
// accepts it, as kube-apiserver's chain does:
//
//   - The authenticators are tried in order; the first that says ok wins,
//     and its user is put in system:authenticated.
//   - An authenticator's error does not stop the others (a valid
//     certificate wins over a stale token sent with it), but if none accepts
//     the request, the errors are its answer: 401, never anonymous.
//   - A bearer token that no authenticator recognizes is an error too
//     ("invalid bearer token").
//   - AnonymousAccess authenticators are tried last, whatever their position,
//     and only when the request carried no credentials at all.
//
// It returns ok=false with no error when the request has no credentials and
// no anonymous access applies: the server answers 401 as well.
type Union []Authenticator

// ErrInvalidBearerToken is Union's error for a bearer token that no
// authenticator recognizes.
var ErrInvalidBearerToken = fmt.Errorf("%w: invalid bearer token", ErrInvalid)

// AuthenticateRequest implements Authenticator.
func (u Union) AuthenticateRequest(r *http.Request) (*User, bool, error) {
	var errs []error
	for _, a := range u {
		if _, anon := a.(*AnonymousAccess); anon {
			continue
		}
		var (
			user   *User
			ok     bool
			err    error
			shared bool
		)
		if s, isShared := a.(sharedAuthenticator); isShared {
			user, ok, err = s.authenticateShared(r)
			shared = true
		} else {
			user, ok, err = a.AuthenticateRequest(r)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			if !shared {
				user = authenticated(user)
			}
			return user, true, nil
		}
	}
	if len(errs) > 0 {
		return nil, false, errors.Join(errs...)
	}
	if _, ok := BearerToken(r); ok {
		return nil, false, ErrInvalidBearerToken
	}
	for _, a := range u {
		if anon, ok := a.(*AnonymousAccess); ok {
			if user, ok, _ := anon.AuthenticateRequest(r); ok {
				return user, true, nil
			}
		}
	}
	return nil, false, nil
}

// sharedAuthenticator is implemented by authenticators that keep the
// users they return (a cache of verified credentials): authenticateShared
// returns the kept user, already in system:authenticated, and Union hands
// it out as it is: every request of one client certificate shares one
// User, which nobody changes (see User).
type sharedAuthenticator interface {
	authenticateShared(r *http.Request) (*User, bool, error)
}

// authenticated returns user in system:authenticated: user itself when it
// is anonymous or in the group already, else a copy with the group added.
func authenticated(user *User) *User {
	if user.Name == Anonymous || slices.Contains(user.Groups, AllAuthenticated) {
		return user
	}
	c := *user
	c.Groups = append(make([]string, 0, len(user.Groups)+1), user.Groups...)
	c.Groups = append(c.Groups, AllAuthenticated)
	c.Extra = cloneExtra(user.Extra)
	return &c
}
