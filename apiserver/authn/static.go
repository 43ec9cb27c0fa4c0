package authn

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// StaticTokens authenticates bearer tokens listed in a file, in the CSV
// format of kube-apiserver's --token-auth-file: one token per line as
//
//	token,user,uid,"group1,group2"
//
// where the groups column is optional. Tokens are looked up by their
// SHA-256, so the lookup's timing says nothing about how much of a guessed
// token was right.
type StaticTokens struct {
	users map[[sha256.Size]byte]*User
}

// LoadStaticTokens reads a token file.
func LoadStaticTokens(path string) (*StaticTokens, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("authn: token file: %w", err)
	}
	defer f.Close()
	st, err := ParseStaticTokens(f)
	if err != nil {
		return nil, fmt.Errorf("authn: token file %s: %w", path, err)
	}
	return st, nil
}

// ParseStaticTokens reads a token file's content. A line with fewer than
// three columns, an empty token or user name, or a token listed twice is an
// error.
func ParseStaticTokens(r io.Reader) (*StaticTokens, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	st := &StaticTokens{users: map[[sha256.Size]byte]*User{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if line == 1 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // a byte-order mark
		}
		if len(rec) < 3 {
			return nil, fmt.Errorf("line %d: want at least 3 columns (token, user name, user uid), found %d", line, len(rec))
		}
		token, name := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if token == "" || name == "" {
			return nil, fmt.Errorf("line %d: empty token or user name", line)
		}
		u := &User{Name: name, UID: strings.TrimSpace(rec[2])}
		if len(rec) > 3 {
			for _, g := range strings.Split(rec[3], ",") {
				if g = strings.TrimSpace(g); g != "" {
					u.Groups = append(u.Groups, g)
				}
			}
		}
		sum := sha256.Sum256([]byte(token))
		if _, dup := st.users[sum]; dup {
			return nil, fmt.Errorf("line %d: the token is listed twice", line)
		}
		st.users[sum] = u
	}
	return st, nil
}

// NewStaticTokens returns an authenticator for tokens, e.g. random
// loopback tokens for the components that run inside the API server's
// process and reach it through an in-process transport, one per component
// so that each is authorized as itself.
func NewStaticTokens(tokens map[string]User) (*StaticTokens, error) {
	st := &StaticTokens{users: make(map[[sha256.Size]byte]*User, len(tokens))}
	for tok, u := range tokens {
		if tok == "" || u.Name == "" {
			return nil, errors.New("authn: NewStaticTokens: empty token or user name")
		}
		st.users[sha256.Sum256([]byte(tok))] = u.clone()
	}
	return st, nil
}

// Len is the number of tokens.
func (s *StaticTokens) Len() int { return len(s.users) }

// AuthenticateToken implements TokenAuthenticator. A token not in the file
// is not recognized (ok=false): it may be another authenticator's.
func (s *StaticTokens) AuthenticateToken(_ context.Context, token string) (*User, bool, error) {
	u, ok := s.users[sha256.Sum256([]byte(token))]
	if !ok {
		return nil, false, nil
	}
	return u.clone(), true, nil
}

// AuthenticateRequest implements Authenticator for bearer tokens.
func (s *StaticTokens) AuthenticateRequest(r *http.Request) (*User, bool, error) {
	return authenticateBearer(s, r)
}
